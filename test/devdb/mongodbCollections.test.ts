// Collection-level features where devdb used to differ from MongoDB 7.0 (issue 18), through the driver:
// validators and collMod, $out/$merge, views, command-level let, database-level aggregate.
import { Int32, MongoClient, MongoServerError, type Db, type Document } from 'mongodb';
import { startTestDatabase, type TestDatabase } from '../support/testDatabase';

type AnyDoc = { _id: number } & Document;

let database: TestDatabase;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  database = await startTestDatabase();
  client = new MongoClient(database.uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  db = client.db();
});

afterAll(async () => {
  await client?.close();
  await database?.close();
});

const refusal = async (write: Promise<unknown>): Promise<MongoServerError> => {
  const err = await write.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(MongoServerError);
  return err as MongoServerError;
};

describe('validators', () => {
  const schema = {
    $jsonSchema: {
      bsonType: 'object',
      required: ['nom', 'age'],
      properties: {
        nom: { bsonType: 'string', minLength: 2 },
        age: { bsonType: 'int', minimum: 0, maximum: 130 },
        statut: { enum: ['ouvert', 'clos'] },
      },
    },
  };

  it('When a document breaks a $jsonSchema validator, then insert, update, replace and findAndModify are refused with 121 and nothing changes', async () => {
    const people = await db.createCollection<AnyDoc>('people', { validator: schema });
    await people.insertOne({ _id: 1, nom: 'Awa', age: new Int32(30) } as AnyDoc);
    const error = await refusal(people.insertOne({ _id: 2, nom: 'B', age: new Int32(5) } as AnyDoc));
    expect(error).toMatchObject({ code: 121, message: 'Document failed validation' });
    expect(error.errInfo).toMatchObject({ failingDocumentId: 2, details: { operatorName: '$jsonSchema' } });
    // A double is not an int for bsonType.
    expect((await refusal(people.insertOne({ _id: 3, nom: 'Chloé', age: 4.5 } as AnyDoc))).code).toBe(121);
    expect((await refusal(people.updateOne({ _id: 1 }, { $set: { statut: 'inconnu' } }))).code).toBe(121);
    expect((await refusal(people.replaceOne({ _id: 1 }, { nom: 'Awa' }))).code).toBe(121);
    expect((await refusal(people.findOneAndUpdate({ _id: 1 }, { $unset: { age: '' } }))).code).toBe(121);
    expect((await refusal(people.updateOne({ _id: 9 }, { $set: { nom: 'Zoé' } }, { upsert: true }))).code).toBe(121);
    expect(await people.find().toArray()).toEqual([{ _id: 1, nom: 'Awa', age: 30 }]);
    await people.updateOne({ _id: 1 }, { $set: { statut: 'clos' } });
    expect(await people.countDocuments({ statut: 'clos' })).toBe(1);
  });

  it('When bypassDocumentValidation is set, or validationLevel is off, then the document is written', async () => {
    const people = db.collection<AnyDoc>('people');
    await people.insertOne({ _id: 10, nom: 'X' }, { bypassDocumentValidation: true });
    await people.updateOne({ _id: 10 }, { $set: { nom: 'Y' } }, { bypassDocumentValidation: true });
    expect(await people.findOne({ _id: 10 })).toEqual({ _id: 10, nom: 'Y' });
    await db.command({ collMod: 'people', validationLevel: 'off' });
    await people.insertOne({ _id: 11 });
    expect(await people.countDocuments({ _id: 11 })).toBe(1);
  });

  it('When validationLevel is moderate, then documents that already failed may be updated but valid ones must stay valid', async () => {
    await db.command({ collMod: 'people', validationLevel: 'moderate' });
    const people = db.collection<AnyDoc>('people');
    await people.updateOne({ _id: 11 }, { $set: { autre: 1 } });
    expect((await refusal(people.updateOne({ _id: 1 }, { $set: { age: -1 } }))).code).toBe(121);
    expect((await refusal(people.insertOne({ _id: 12 }))).code).toBe(121);
  });

  it('When collMod sets a query-operator validator with validationAction warn, then failing writes pass; with error they fail', async () => {
    const tasks = await db.createCollection<AnyDoc>('tasks');
    await tasks.insertOne({ _id: 1, x: 'a' });
    await db.command({ collMod: 'tasks', validator: { x: { $type: 'string' } }, validationAction: 'warn' });
    await tasks.insertOne({ _id: 2, x: 2 });
    await db.command({ collMod: 'tasks', validationAction: 'error' });
    const error = await refusal(tasks.findOneAndUpdate({ _id: 1 }, { $set: { x: 1 } }));
    expect(error).toMatchObject({ code: 121, errInfo: { failingDocumentId: 1, details: expect.any(Object) } });
    const [info] = await db.listCollections({ name: 'tasks' }).toArray();
    expect((info as { options: Document }).options).toMatchObject({ validator: { x: { $type: 'string' } }, validationAction: 'error' });
  });

  it('When a validator is malformed or collMod names a missing collection, then MongoDB\'s errors come back', async () => {
    await expect(db.createCollection('bad', { validator: { $jsonSchema: { bsonType: 'entier' } } })).rejects.toMatchObject({ code: 2 });
    await expect(db.createCollection('bad', { validator: { $jsonSchema: { foo: 1 } } })).rejects.toMatchObject({ code: 9 });
    await expect(db.command({ collMod: 'nowhere', validator: {} })).rejects.toMatchObject({ code: 26 });
    await expect(db.command({ collMod: 'tasks', validationLevel: 'sometimes' })).rejects.toMatchObject({ code: 2 });
  });

  it('When a find filter uses $jsonSchema, then it selects the documents the schema accepts', async () => {
    const found = await db.collection<AnyDoc>('people').find({ $jsonSchema: { required: ['age'] } }).toArray();
    expect(found.map((d) => d._id)).toEqual([1]);
  });
});

describe('$out and $merge', () => {
  beforeAll(async () => {
    await db.collection<AnyDoc>('source').insertMany([{ _id: 1, x: 11 }, { _id: 2, x: 22 }, { _id: 3, x: 33 }]);
  });

  it('When a pipeline ends with $out, then the target holds exactly its results, keeps its indexes, and the cursor is empty', async () => {
    const target = db.collection<AnyDoc>('out_target');
    await target.insertOne({ _id: 99, x: 0 });
    await target.createIndex({ x: 1 }, { unique: true });
    const returned = await db.collection('source').aggregate([{ $match: { _id: { $gt: 1 } } }, { $out: 'out_target' }]).toArray();
    expect(returned).toEqual([]);
    expect(await target.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 2, x: 22 }, { _id: 3, x: 33 }]);
    await expect(target.insertOne({ _id: 50, x: 22 })).rejects.toMatchObject({ code: 11000 });
  });

  it('When $out is not the last stage, then the pipeline is refused (40601) and nothing is written', async () => {
    await expect(db.collection('source').aggregate([{ $out: 'nowhere' }, { $match: {} }]).toArray()).rejects.toMatchObject({ code: 40601 });
    expect(await db.listCollections({ name: 'nowhere' }).toArray()).toEqual([]);
  });

  it('When $merge runs with its default modes, then matched documents are merged and the others inserted', async () => {
    const target = db.collection<AnyDoc>('merge_target');
    await target.insertMany([{ _id: 1, x: 0, kept: true }, { _id: 7, x: 7 }]);
    await db.collection('source').aggregate([{ $merge: { into: 'merge_target' } }]).toArray();
    expect(await target.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, x: 11, kept: true },
      { _id: 2, x: 22 },
      { _id: 3, x: 33 },
      { _id: 7, x: 7 },
    ]);
  });

  it.each([
    ['replace', 'insert', [{ _id: 1, x: 11 }, { _id: 2, x: 22 }, { _id: 3, x: 33 }]],
    ['keepExisting', 'insert', [{ _id: 1, x: 0, kept: true }, { _id: 2, x: 22 }, { _id: 3, x: 33 }]],
    ['merge', 'discard', [{ _id: 1, x: 11, kept: true }]],
  ])('When $merge has whenMatched %s and whenNotMatched %s, then the target is as MongoDB leaves it', async (whenMatched, whenNotMatched, expected) => {
    const target = db.collection<AnyDoc>(`merge_${whenMatched}`);
    await target.insertOne({ _id: 1, x: 0, kept: true });
    await db.collection('source').aggregate([{ $merge: { into: `merge_${whenMatched}`, whenMatched, whenNotMatched } }]).toArray();
    expect(await target.find().sort({ _id: 1 }).toArray()).toEqual(expected);
  });

  it('When $merge has whenMatched fail or whenNotMatched fail, then the errors are 11000 and 13113 and nothing is written', async () => {
    const target = db.collection<AnyDoc>('merge_fail');
    await target.insertOne({ _id: 2, x: 0 });
    const error = await refusal(db.aggregate([{ $documents: [{ _id: 1, x: 1 }, { _id: 2, x: 1 }] }, { $merge: { into: 'merge_fail', whenMatched: 'fail' } }]).toArray());
    expect(error).toMatchObject({ code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 2 } });
    await expect(db.collection('source').aggregate([{ $merge: { into: 'merge_fail', whenNotMatched: 'fail' } }]).toArray()).rejects.toMatchObject({ code: 13113 });
    expect(await target.find().toArray()).toEqual([{ _id: 2, x: 0 }]);
  });

  it('When $merge matches on a field with no unique index, then it is refused (51183)', async () => {
    await expect(db.collection('source').aggregate([{ $merge: { into: 'merge_on', on: 'x' } }]).toArray()).rejects.toMatchObject({ code: 51183 });
  });
});

describe('views', () => {
  beforeAll(async () => {
    await db.collection<AnyDoc>('dossiers').insertMany([
      { _id: 1, commune: 'Lyon', montant: 10 },
      { _id: 2, commune: 'Lyon', montant: 30 },
      { _id: 3, commune: 'Nice', montant: 5 },
    ]);
    await db.createCollection('gros_dossiers', { viewOn: 'dossiers', pipeline: [{ $match: { montant: { $gte: 10 } } }, { $project: { montant: 0 } }] });
  });

  it('When a view is read by find, aggregate, countDocuments, estimatedDocumentCount and distinct, then it answers its pipeline\'s documents', async () => {
    const view = db.collection<AnyDoc>('gros_dossiers');
    expect(await view.find({ commune: 'Lyon' }).sort({ _id: -1 }).toArray()).toEqual([{ _id: 2, commune: 'Lyon' }, { _id: 1, commune: 'Lyon' }]);
    expect(await view.find({}, { projection: { _id: 1 }, limit: 1, skip: 1 }).sort({ _id: 1 }).toArray()).toEqual([{ _id: 2 }]);
    expect(await view.aggregate([{ $group: { _id: '$commune', n: { $sum: 1 } } }]).toArray()).toEqual([{ _id: 'Lyon', n: 2 }]);
    expect(await view.countDocuments({ _id: { $gt: 1 } })).toBe(1);
    expect(await view.estimatedDocumentCount()).toBe(2);
    expect(await view.distinct('commune')).toEqual(['Lyon']);
    const [info] = await db.listCollections({ name: 'gros_dossiers' }).toArray();
    expect(info).toMatchObject({ type: 'view', options: { viewOn: 'dossiers' } });
  });

  it('When a client writes to a view or indexes it, then MongoDB\'s CommandNotSupportedOnView (166) comes back', async () => {
    const view = db.collection<AnyDoc>('gros_dossiers');
    for (const write of [
      view.insertOne({ _id: 9 }),
      view.updateOne({ _id: 1 }, { $set: { a: 1 } }),
      view.deleteOne({ _id: 1 }),
      view.findOneAndDelete({ _id: 1 }),
      view.createIndex({ commune: 1 }),
    ]) {
      expect(await refusal(write)).toMatchObject({ code: 166, codeName: 'CommandNotSupportedOnView' });
    }
    expect(await db.collection('dossiers').countDocuments()).toBe(3);
  });
});

describe('views: collation, explain and statistics', () => {
  const frenchPrimary = { locale: 'fr', strength: 1 };

  beforeAll(async () => {
    // The example of MongoDB's "Create a View with Default Collation" page.
    await db.collection<AnyDoc>('places').insertMany([{ _id: 1, category: 'café' }, { _id: 2, category: 'cafe' }, { _id: 3, category: 'cafE' }]);
    await db.createCollection('placesView', { viewOn: 'places', pipeline: [{ $project: { category: 1 } }], collation: frenchPrimary });
    await db.createCollection('places_fr', { collation: frenchPrimary });
    await db.collection<AnyDoc>('places_fr').insertMany([{ _id: 1, category: 'café' }, { _id: 2, category: 'cafe' }]);
    await db.createCollection('placesFrPlain', { viewOn: 'places_fr', pipeline: [] });
  });

  it('When a view has a default collation, then its reads use it, the same collation may be restated, and another one is refused (167)', async () => {
    const view = db.collection<AnyDoc>('placesView');
    expect(await view.countDocuments({ category: 'cafe' })).toBe(3);
    expect(await view.find({ category: 'CAFE' }, { collation: frenchPrimary }).toArray()).toHaveLength(3);
    expect(await view.distinct('category')).toHaveLength(1);
    for (const read of [
      view.find({ category: 'cafe' }, { collation: { locale: 'en', strength: 2 } }).toArray(),
      view.countDocuments({}, { collation: { locale: 'simple' } }),
      view.aggregate([{ $match: { category: 'cafe' } }], { collation: { locale: 'fr' } }).toArray(),
    ]) {
      expect(await refusal(read)).toMatchObject({ code: 167, codeName: 'OptionNotSupportedOnView' });
    }
  });

  it('When a view without a collation reads a collection that has one, then it compares simply: a view does not inherit it', async () => {
    expect(await db.collection<AnyDoc>('places_fr').countDocuments({ category: 'cafe' })).toBe(2);
    expect(await db.collection<AnyDoc>('placesFrPlain').countDocuments({ category: 'cafe' })).toBe(1);
  });

  it('When a view is created on a view with another collation, then it is refused (167)', async () => {
    expect(await refusal(db.createCollection('placesViewEn', { viewOn: 'placesView', pipeline: [], collation: { locale: 'en' } }))).toMatchObject({ code: 167 });
    expect(await db.listCollections({ name: 'placesViewEn' }).toArray()).toEqual([]);
  });

  it('When collStats or $collStats storage statistics ask about a view, then CommandNotSupportedOnView (166) comes back; latencyStats answer for the view', async () => {
    expect(await refusal(db.command({ collStats: 'placesView' }))).toMatchObject({ code: 166 });
    expect(await refusal(db.collection('placesView').aggregate([{ $collStats: { storageStats: {} } }]).toArray())).toMatchObject({ code: 166 });
    const [stats] = await db.collection('placesView').aggregate([{ $collStats: { latencyStats: {} } }]).toArray();
    expect(stats).toMatchObject({ ns: `${db.databaseName}.placesView` });
  });

  it('When a find on a view is explained, then the plan reads the view\'s collection', async () => {
    const explained = await db.collection<AnyDoc>('placesView').find({ category: 'cafe' }).explain('queryPlanner');
    expect(JSON.stringify(explained)).toContain(`"namespace":"${db.databaseName}.places"`);
  });
});

describe('command-level let and database-level aggregate', () => {
  beforeAll(async () => {
    await db.collection<AnyDoc>('lets').insertMany([{ _id: 1, name: 'a' }, { _id: 2, name: 'b' }]);
  });
  const lets = () => db.collection<AnyDoc>('lets');

  it('When find, aggregate, update and delete carry let, then $$variables are defined in filters and pipelines', async () => {
    const byId = { $expr: { $eq: ['$_id', '$$id'] } };
    expect(await lets().find(byId, { let: { id: 1 } }).toArray()).toEqual([{ _id: 1, name: 'a' }]);
    expect(await lets().aggregate([{ $match: byId }, { $project: { _id: 0, y: '$$y' } }], { let: { id: 2, y: { $literal: '$bar' } } }).toArray()).toEqual([{ y: '$bar' }]);
    await lets().updateOne(byId, [{ $set: { x: '$$x' } }], { let: { id: 1, x: 'foo' } });
    expect(await lets().findOne({ _id: 1 })).toEqual({ _id: 1, name: 'a', x: 'foo' });
    await lets().findOneAndUpdate(byId, [{ $set: { x: '$$x' } }], { let: { id: 2, x: 'bar' } });
    expect(await lets().findOne({ _id: 2 })).toEqual({ _id: 2, name: 'b', x: 'bar' });
    await lets().deleteMany({ $expr: { $eq: ['$name', '$$name'] } }, { let: { name: 'a' } });
    expect(await lets().countDocuments()).toBe(1);
  });

  it('When a database-level aggregate starts with $documents, then it answers them; without a source stage it is refused', async () => {
    expect(await db.aggregate([{ $documents: [{ a: 1 }, { a: 2 }] }, { $match: { a: 2 } }]).toArray()).toEqual([{ a: 2 }]);
    await expect(db.aggregate([{ $match: {} }]).toArray()).rejects.toMatchObject({ code: 73 });
  });

  it('When $collStats asks for count and storageStats, or $listLocalSessions runs on admin, then minimal MongoDB-shaped answers come back', async () => {
    const [stats] = await lets().aggregate([{ $collStats: { count: {}, storageStats: {} } }]).toArray();
    expect(stats).toMatchObject({ ns: `${db.databaseName}.lets`, count: 1, storageStats: { count: 1, nindexes: 1, size: expect.any(Number) } });
    await expect(db.collection('absent').aggregate([{ $collStats: { count: {} } }]).toArray()).rejects.toMatchObject({ code: 26 });
    const session = client.startSession();
    try {
      await lets().findOne({}, { session });
      const sessions = await client.db('admin').aggregate([{ $listLocalSessions: {} }, { $limit: 1 }, { $project: { _id: 0, dummy: 'x' } }], { session }).toArray();
      expect(sessions).toEqual([{ dummy: 'x' }]);
    } finally {
      await session.endSession();
    }
  });
});
