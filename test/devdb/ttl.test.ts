// TTL indexes (issue 18): the monitor deletes expired documents as mongod's does, through the driver.
import { MongoClient, type Db } from 'mongodb';
import { startTestDatabase, type TestDatabase } from '../support/testDatabase';

let database: TestDatabase;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  database = await startTestDatabase();
  client = new MongoClient(database.uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  db = client.db();
  await client.db('admin').command({ setParameter: 1, ttlMonitorSleepSecs: 1 });
});

afterAll(async () => {
  await client?.db('admin').command({ setParameter: 1, ttlMonitorSleepSecs: 60 });
  await client?.close();
  await database?.close();
});

async function idsAfterPasses(collection: string, passes = 3): Promise<unknown[]> {
  // Each pass runs every ttlMonitorSleepSecs (1 s here): wait for a few of them.
  await new Promise((resolve) => setTimeout(resolve, passes * 1000 + 300));
  return (await db.collection(collection).find({}, { sort: { _id: 1 } }).toArray()).map((d) => d._id);
}

describe('TTL monitor', () => {
  it('When getParameter asks for the TTL parameters, then it answers them; setParameter answers the old value', async () => {
    const admin = client.db('admin');
    expect(await admin.command({ getParameter: 1, ttlMonitorSleepSecs: 1, ttlMonitorEnabled: 1 })).toMatchObject({ ttlMonitorSleepSecs: 1, ttlMonitorEnabled: true, ok: 1 });
    expect(await admin.command({ setParameter: 1, ttlMonitorSleepSecs: 1 })).toMatchObject({ was: 1, ok: 1 });
    await expect(db.command({ setParameter: 1, ttlMonitorSleepSecs: 1 })).rejects.toMatchObject({ code: 13, codeName: 'Unauthorized' });
  });

  it('When a TTL index covers dates, then expired documents go, future ones, arrays with no past date and non-dates stay', async () => {
    const sessions = db.collection<{ _id: number; at?: unknown }>('sessions');
    const past = new Date(Date.now() - 120_000);
    const future = new Date(Date.now() + 3_600_000);
    await sessions.insertMany([
      { _id: 1, at: past },
      { _id: 2, at: future },
      { _id: 3, at: [future, past] },
      { _id: 4, at: [future] },
      { _id: 5, at: past.toISOString() },
      { _id: 6, at: past.getTime() },
      { _id: 7 },
    ]);
    await sessions.createIndex({ at: 1 }, { expireAfterSeconds: 60 });
    expect(await idsAfterPasses('sessions')).toEqual([2, 4, 5, 6, 7]);
  });

  it('When expireAfterSeconds has not elapsed yet, then the document stays', async () => {
    const tokens = db.collection<{ _id: number; createdAt: Date }>('tokens');
    await tokens.createIndex({ createdAt: 1 }, { expireAfterSeconds: 3600 });
    await tokens.insertMany([{ _id: 1, createdAt: new Date(Date.now() - 10_000) }, { _id: 2, createdAt: new Date(Date.now() - 7_200_000) }]);
    expect(await idsAfterPasses('tokens')).toEqual([1]);
  });

  it('When ttlMonitorEnabled is false, then nothing expires until it is true again', async () => {
    const admin = client.db('admin');
    const logs = db.collection<{ _id: number; at: Date }>('logs');
    await logs.createIndex({ at: 1 }, { expireAfterSeconds: 0 });
    await admin.command({ setParameter: 1, ttlMonitorEnabled: false });
    try {
      await logs.insertOne({ _id: 1, at: new Date(Date.now() - 1000) });
      expect(await idsAfterPasses('logs', 2)).toEqual([1]);
    } finally {
      await admin.command({ setParameter: 1, ttlMonitorEnabled: true });
    }
    expect(await idsAfterPasses('logs', 2)).toEqual([]);
  });

  it.each([
    ['a string', 'soon'],
    ['a negative number', -1],
    ['a number beyond the int32 range', 2 ** 31],
  ])('When expireAfterSeconds is %s, then createIndexes fails with CannotCreateIndex', async (_label, value) => {
    await expect(db.collection('bad_ttl').createIndex({ at: 1 }, { expireAfterSeconds: value as number })).rejects.toMatchObject({ code: 67, codeName: 'CannotCreateIndex' });
  });

  it('When a TTL index is compound, then createIndexes fails with CannotCreateIndex', async () => {
    await expect(db.collection('bad_ttl').createIndex({ at: 1, b: 1 }, { expireAfterSeconds: 10 })).rejects.toMatchObject({ code: 67, codeName: 'CannotCreateIndex' });
  });
});
