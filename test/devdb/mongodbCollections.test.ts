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
