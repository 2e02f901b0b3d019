// Behaviours where devdb used to differ from MongoDB 7.0 silently (issue 18), through the driver.
import { MongoClient, type Collection, type Document } from 'mongodb';
import { startTestDatabase, type TestDatabase } from '../support/testDatabase';

type AnyDoc = { _id: number } & Document;

let database: TestDatabase;
let client: MongoClient;
let names: Collection<{ _id: number; s?: string; x?: number }>;

beforeAll(async () => {
  database = await startTestDatabase();
  client = new MongoClient(database.uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  names = client.db().collection('names');
  await names.insertMany([
    { _id: 1, s: 'Élise' },
    { _id: 2, s: 'elise' },
    { _id: 3, s: 'ELISE' },
    { _id: 4, s: 'Elisa' },
  ]);
});

afterAll(async () => {
  await client?.close();
  await database?.close();
});

describe('collation', () => {
  it.each([
    [{ locale: 'fr', strength: 1 }, [1, 2, 3]],
    [{ locale: 'en', strength: 2 }, [2, 3]],
    [{ locale: 'en_US', strength: 3 }, [2]],
    [{ locale: 'simple' }, [2]],
  ])('When finding "elise" with %j, then the documents it deems equal are found', async (collation, ids) => {
    const found = await names.find({ s: 'elise' }, { collation, sort: { _id: 1 } }).toArray();
    expect(found.map((d) => d._id)).toEqual(ids);
    expect(await names.countDocuments({ s: 'elise' }, { collation })).toBe(ids.length);
  });

  it('When distinct runs with a strength-1 French collation, then « Élise / elise / ELISE » are one value', async () => {
    const values = await names.distinct('s', {}, { collation: { locale: 'fr', strength: 1 } });
    expect(values).toHaveLength(2);
    expect(values).toEqual(expect.arrayContaining(['Élise', 'Elisa']));
  });

  it('When a find with a collation also has a projection, then the documents the collation matches are projected', async () => {
    const found = await names
      .find({ s: 'ELISE' }, { collation: { locale: 'en', strength: 2 }, projection: { _id: 1 }, sort: { _id: 1 } })
      .toArray();
    expect(found).toEqual([{ _id: 2 }, { _id: 3 }]);
  });

  it('When findOneAndUpdate matches by collation, sorts and projects, then it returns the projected document', async () => {
    const before = await names.findOneAndUpdate(
      { s: 'ELISE' },
      { $set: { x: 7 } },
      { collation: { locale: 'en_US', strength: 2 }, sort: { _id: -1 }, projection: { s: 1, _id: 0 } },
    );
    expect(before).toEqual({ s: 'ELISE' });
    const deleted = await names.findOneAndDelete({ x: 7, s: 'elise' }, { collation: { locale: 'fr', strength: 1 }, projection: { _id: 1 } });
    expect(deleted).toEqual({ _id: 3 });
    await names.insertOne({ _id: 3, s: 'ELISE' });
  });

  it('When a collation names a locale that does not exist, then the query is refused (BadValue)', async () => {
    await expect(names.find({}, { collation: { locale: 'xx_YY' } }).toArray()).rejects.toMatchObject({ code: 2 });
  });
});

describe('unique indexes with a collation', () => {
  const frenchPrimary = { locale: 'fr', strength: 1 };

  it('When a unique index has a strength-1 French collation, then « elise » and « ELISE » are duplicates of « Élise » (E11000) and « Elisa » is not', async () => {
    const people = client.db().collection<{ _id: number; s: string }>('people_fr');
    await people.createIndex({ s: 1 }, { unique: true, collation: frenchPrimary });
    await people.insertOne({ _id: 1, s: 'Élise' });
    await expect(people.insertOne({ _id: 2, s: 'elise' })).rejects.toMatchObject({ code: 11000 });
    await expect(people.insertOne({ _id: 3, s: 'ELISE' })).rejects.toMatchObject({ code: 11000 });
    await people.insertOne({ _id: 4, s: 'Elisa' });
    await expect(people.updateOne({ _id: 4 }, { $set: { s: 'élise' } })).rejects.toMatchObject({ code: 11000 });
    expect(await people.find({}, { sort: { _id: 1 } }).toArray()).toEqual([{ _id: 1, s: 'Élise' }, { _id: 4, s: 'Elisa' }]);
  });

  it('When the index has the collation and a query uses it, then it finds the stored spelling; a query without it compares exactly', async () => {
    const people = client.db().collection<{ _id: number; s: string }>('people_fr');
    expect(await people.find({ s: 'ELISE' }, { collation: frenchPrimary }).toArray()).toEqual([{ _id: 1, s: 'Élise' }]);
    expect(await people.countDocuments({ s: 'elise' }, { collation: frenchPrimary })).toBe(1);
    expect(await people.find({ s: 'elise' }).toArray()).toEqual([]);
    expect(await people.countDocuments({ s: 'elise' })).toBe(0);
    expect(await people.find({ s: 'Élise' }).toArray()).toEqual([{ _id: 1, s: 'Élise' }]);
  });

  it('When existing documents collide under the collation, then building the unique index fails with E11000; a strength-3 index accepts them', async () => {
    const existing = client.db().collection<{ _id: number; s: string }>('people_existing');
    await existing.insertMany([{ _id: 1, s: 'Élise' }, { _id: 2, s: 'élise' }]);
    await expect(existing.createIndex({ s: 1 }, { unique: true, collation: { locale: 'en', strength: 2 } })).rejects.toMatchObject({ code: 11000 });
    await existing.createIndex({ s: 1 }, { unique: true, collation: { locale: 'fr', strength: 3 } });
    await expect(existing.insertOne({ _id: 3, s: 'ELISE' })).resolves.toMatchObject({ acknowledged: true });
    await expect(existing.insertOne({ _id: 4, s: 'élise' })).rejects.toMatchObject({ code: 11000 });
    expect(await existing.listIndexes().toArray()).toHaveLength(2);
  });

  it('When a collection has a default collation, then its queries and the unique indexes created on it use that collation', async () => {
    await client.db().createCollection('people_default', { collation: frenchPrimary });
    const people = client.db().collection<{ _id: number; s: string }>('people_default');
    await people.createIndex({ s: 1 }, { unique: true });
    await people.insertOne({ _id: 1, s: 'Élise' });
    await expect(people.insertOne({ _id: 2, s: 'ELISE' })).rejects.toMatchObject({ code: 11000 });
    expect(await people.find({ s: 'elise' }).toArray()).toEqual([{ _id: 1, s: 'Élise' }]);
    expect(await people.find({ s: 'elise' }, { collation: { locale: 'simple' } }).toArray()).toEqual([]);
    const [index] = (await people.listIndexes().toArray()).filter((i) => i.name === 's_1');
    expect(index?.collation).toMatchObject({ locale: 'fr', strength: 1 });
  });
});

describe('aggregation and updates', () => {
  it('When $count runs over no document, then the result is empty, not a count of 0', async () => {
    expect(await names.aggregate([{ $match: { s: 'nobody' } }, { $count: 'n' }]).toArray()).toEqual([]);
    expect(await names.aggregate([{ $count: 'n' }]).toArray()).toEqual([{ n: 4 }]);
  });

  it('When updateOne or replaceOne carries a sort, then it is refused as MongoDB 7.0 does, and nothing changes', async () => {
    await expect(names.updateOne({}, { $set: { x: 1 } }, { sort: { _id: -1 } })).rejects.toMatchObject({ code: 40415 });
    await expect(names.replaceOne({}, { s: 'x' }, { sort: { _id: -1 } })).rejects.toMatchObject({ code: 40415 });
    expect(await names.countDocuments({ x: 1 })).toBe(0);
    expect(await names.countDocuments({ s: 'x' })).toBe(0);
  });
});

describe('update pipelines', () => {
  it('When a pipeline replaces the root by a subdocument, then the _id is kept and the rest replaced', async () => {
    const coll = client.db().collection<AnyDoc>('pipelineRoot');
    await coll.insertMany([{ _id: 1, x: 1, t: { u: { v: 1 } } }, { _id: 2, x: 2 }]);
    const result = await coll.updateOne({ _id: 1 }, [{ $replaceRoot: { newRoot: '$t' } }, { $addFields: { foo: 1 } }]);
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1, u: { v: 1 }, foo: 1 }, { _id: 2, x: 2 }]);
    await coll.updateOne({ _id: 2 }, [{ $unset: ['_id', 'x'] }, { $set: { y: 3 } }]);
    expect(await coll.findOne({ _id: 2 })).toEqual({ _id: 2, y: 3 });
  });

  it('When a pipeline gives the document another _id, then it fails with ImmutableField (66) and nothing changes', async () => {
    const coll = client.db().collection<AnyDoc>('pipelineId');
    await coll.insertOne({ _id: 1, x: 1 });
    await expect(coll.updateOne({ _id: 1 }, [{ $replaceWith: { _id: 9, x: 2 } }])).rejects.toMatchObject({ code: 66 });
    await expect(coll.updateOne({ _id: 1 }, [{ $group: { _id: null } }])).rejects.toMatchObject({ code: 72 });
    expect(await coll.find().toArray()).toEqual([{ _id: 1, x: 1 }]);
  });

  it('When $setField writes a dotted or dollar-prefixed field name, then the document keeps that name', async () => {
    const coll = client.db().collection<AnyDoc>('pipelineSetField');
    await coll.insertOne({ _id: 1, foo: {} });
    const top = (field: string) => [{ $replaceWith: { $setField: { field: { $literal: field }, value: 1, input: '$$ROOT' } } }];
    expect(await coll.updateOne({ _id: 1 }, top('$a'))).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await coll.updateMany({ _id: 1 }, top('a.b'))).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    await coll.updateOne({ _id: 1 }, [{ $set: { foo: { $setField: { field: { $literal: '$c' }, value: 2, input: '$foo' } } } }]);
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, foo: { $c: 2 }, $a: 1, 'a.b': 1 });
  });
});

describe('update operators on values of the wrong type', () => {
  const typed = (): Collection<AnyDoc> => client.db().collection<AnyDoc>('typed');
  beforeEach(async () => {
    await typed().deleteMany({});
    await typed().insertOne({ _id: 1, s: 'texte', n: 5, list: [1], a: 5 });
  });

  it.each([
    ['$inc on a string', { $inc: { s: 1 } }, 14, 'TypeMismatch', /Cannot apply \$inc to a value of non-numeric type\. \{_id: 1\} has the field 's' of non-numeric type string/],
    ['$inc by a string', { $inc: { n: 'un' } }, 14, 'TypeMismatch', /Cannot increment with non-numeric argument: \{n: "un"\}/],
    ['$mul on a string', { $mul: { s: 2 } }, 14, 'TypeMismatch', /Cannot apply \$mul to a value of non-numeric type/],
    ['$push on a number', { $push: { n: 1 } }, 2, 'BadValue', /The field 'n' must be an array but is of type int in document \{_id: 1\}/],
    ['$addToSet on a string', { $addToSet: { s: 1 } }, 2, 'BadValue', /Cannot apply \$addToSet to non-array field/],
    ['$pop on a number', { $pop: { n: 1 } }, 14, 'TypeMismatch', /Path 'n' contains an element of non-array type 'int'/],
    ['$pull on a string', { $pull: { s: 'x' } }, 2, 'BadValue', /Cannot apply \$pull to a non-array value/],
    ["$set of 'a.b' where a is 5", { $set: { 'a.b': 1 } }, 28, 'PathNotViable', /Cannot create field 'b' in element \{a: 5\}/],
  ])('When %s, then the update fails with MongoDB\'s code and nothing is written', async (_label, operators, code, codeName, message) => {
    const update = operators as Document;
    // Each with a valid $set beside it: the whole update is refused, not half applied.
    const error = await typed().updateOne({ _id: 1 }, { ...update, $set: { ...(update.$set as Document | undefined), touched: true } }).catch((err: unknown) => err);
    expect(error).toMatchObject({ code, codeName });
    expect((error as Error).message).toMatch(message);
    await expect(typed().findOneAndUpdate({ _id: 1 }, update)).rejects.toMatchObject({ code });
    await expect(typed().bulkWrite([{ updateOne: { filter: { _id: 1 }, update } }])).rejects.toMatchObject({ code });
    expect(await typed().findOne({ _id: 1 })).toEqual({ _id: 1, s: 'texte', n: 5, list: [1], a: 5 });
  });

  it('When the same operators meet values of the right type, or $unset a path inside a scalar, then they apply', async () => {
    await typed().updateOne({ _id: 1 }, { $inc: { n: 1 }, $push: { list: 2 }, $set: { 'b.c': 1 }, $unset: { 'a.b': '' } } as Document);
    expect(await typed().findOne({ _id: 1 })).toEqual({ _id: 1, s: 'texte', n: 6, list: [1, 2], a: 5, b: { c: 1 } });
  });

  it('When an upsert inserts a document whose $inc is not numeric, then it is refused and nothing is inserted', async () => {
    await expect(typed().updateOne({ _id: 2 }, { $inc: { n: 'x' } } as Document, { upsert: true })).rejects.toMatchObject({ code: 14 });
    expect(await typed().countDocuments({ _id: 2 })).toBe(0);
  });
});

describe('sessions and administration', () => {
  it('When a client uses an explicit session, then it works; a transaction is refused as on a standalone mongod', async () => {
    const hello = await client.db('admin').command({ hello: 1 });
    expect(hello.logicalSessionTimeoutMinutes).toBe(30);
    const session = client.startSession();
    try {
      expect(await names.countDocuments({}, { session })).toBe(4);
      session.startTransaction();
      await expect(names.insertOne({ _id: 99 }, { session })).rejects.toThrow(/retryable writes|Transaction numbers/);
    } finally {
      await session.endSession();
    }
    expect(await names.countDocuments({ _id: 99 })).toBe(0);
  });

  it('When a snapshot session reads, or a client drops the _id index, then the standalone codes come back (123 NotAReplicaSet, 72 InvalidOptions)', async () => {
    const session = client.startSession({ snapshot: true });
    try {
      await expect(names.find({}, { session }).toArray()).rejects.toMatchObject({ code: 123, codeName: 'NotAReplicaSet' });
    } finally {
      await session.endSession();
    }
    await expect(names.dropIndex('_id_')).rejects.toMatchObject({ code: 72, codeName: 'InvalidOptions' });
    await expect(client.db('admin').command({ setParameter: 1, noSuchParameter: 1 })).rejects.toMatchObject({ code: 72 });
  });

  it('When an admin tool asks for dbStats, collStats, serverStatus, listCommands and connectionStatus, then each answers', async () => {
    const db = client.db();
    expect(await db.command({ dbStats: 1 })).toMatchObject({ ok: 1, objects: expect.any(Number), collections: expect.any(Number) });
    expect(await db.command({ collStats: 'names' })).toMatchObject({ ok: 1, count: 4 });
    expect(await client.db('admin').command({ serverStatus: 1 })).toMatchObject({ ok: 1, version: expect.any(String) });
    const commands = await client.db('admin').command({ listCommands: 1 });
    expect(Object.keys(commands.commands as object)).toEqual(expect.arrayContaining(['find', 'insert', 'renameCollection']));
    const status = await client.db('admin').command({ connectionStatus: 1 });
    expect((status.authInfo as { authenticatedUsers: unknown[] }).authenticatedUsers).toHaveLength(database.embedded ? 1 : (status.authInfo as { authenticatedUsers: unknown[] }).authenticatedUsers.length);
  });

  it('When a collection is renamed, then its documents and indexes follow and the old name is gone', async () => {
    const db = client.db();
    const source = db.collection('to_rename');
    await source.insertOne({ a: 1 });
    await source.createIndex({ a: 1 }, { unique: true });
    await client.db('admin').command({ renameCollection: `${db.databaseName}.to_rename`, to: `${db.databaseName}.renamed` });
    const renamed = db.collection('renamed');
    expect(await renamed.countDocuments({ a: 1 })).toBe(1);
    await expect(renamed.insertOne({ a: 1 })).rejects.toMatchObject({ code: 11000 });
    expect((await db.listCollections({ name: 'to_rename' }).toArray()).length).toBe(0);
  });
});
