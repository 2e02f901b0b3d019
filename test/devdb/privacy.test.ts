// The embedded database is private to the server (issue 15, F5): files only its user can read, a
// loopback port that answers nothing before SCRAM-SHA-256 authentication, and queries that run off
// the web server's event loop, with a time limit per command.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, MongoServerError } from 'mongodb';
import { devDbFile, startDevDb, type DevDb } from '../../devdb';
import { startTestApp, type TestApp } from '../support/testApp';
import type { TestDatabase } from '../support/testDatabase';

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

let dir: string;
const toClose: Array<{ close(): Promise<void> }> = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-privacy-'));
});

afterEach(async () => {
  for (const item of toClose.splice(0).reverse()) await item.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function client(uri: string): Promise<MongoClient> {
  const c = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  toClose.push(c);
  await c.connect();
  return c;
}

async function started(filename: string, options: { commandTimeLimitMs?: number } = {}): Promise<DevDb> {
  const db = await startDevDb({ filename, ...options });
  toClose.push(db);
  return db;
}

describe('devdb files', () => {
  it('When devdb creates its data folder, then the folder is 0700 and the database, its WAL and the credentials are 0600', async () => {
    const dataDir = path.join(dir, 'data');
    const db = await started(devDbFile(dataDir));
    const c = await client(db.uri('territoires'));
    await c.db('territoires').collection('secrets').insertOne({ secret: 'x' });
    expect(mode(dataDir)).toBe(0o700);
    for (const name of ['devdb.sqlite', 'devdb.sqlite-wal', 'devdb.credentials.json']) {
      expect({ name, mode: mode(path.join(dataDir, name)).toString(8) }).toEqual({ name, mode: '600' });
    }
  });

  it('When the folder and file of an earlier version are open to others (0755, 0644), then devdb closes them at start', async () => {
    const dataDir = path.join(dir, 'old');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const first = await startDevDb({ filename: devDbFile(dataDir) });
    await first.close();
    fs.chmodSync(devDbFile(dataDir), 0o644);
    fs.chmodSync(dataDir, 0o755);
    await started(devDbFile(dataDir));
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(devDbFile(dataDir))).toBe(0o600);
  });

  it('When the data folder is shared with other users (sticky, like /tmp), then devdb refuses to start there', async () => {
    const shared = path.join(dir, 'shared');
    fs.mkdirSync(shared);
    fs.chmodSync(shared, 0o1777);
    await expect(startDevDb({ filename: devDbFile(shared) })).rejects.toThrow(/shared with other users/);
  });

  it('When devdb restarts on the same folder, then it keeps its credentials, so saved connection strings still work', async () => {
    const first = await startDevDb({ filename: devDbFile(dir) });
    const password = first.credentials.password;
    await first.close();
    const again = await started(devDbFile(dir));
    expect(again.credentials.password).toBe(password);
  });
});

describe('devdb port', () => {
  it('When asked to listen on another address than loopback, then devdb refuses', async () => {
    await expect(startDevDb({ filename: ':memory:', host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  it('When a client connects without credentials, then it may say hello but reads, writes and listings are refused (Unauthorized)', async () => {
    const db = await started(':memory:');
    const owner = await client(db.uri('territoires'));
    await owner.db('territoires').collection('staff').insertOne({ keyHash: 'h' });
    const stranger = await client(`mongodb://${db.host}:${db.port}/territoires`);
    await expect(stranger.db('admin').command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    for (const attempt of [
      () => stranger.db('territoires').collection('staff').findOne({}),
      () => stranger.db('territoires').collection('staff').insertOne({ role: 'admin' }),
      () => stranger.db('admin').admin().listDatabases(),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 13, codeName: 'Unauthorized' });
    }
    expect(await owner.db('territoires').collection('staff').countDocuments()).toBe(1);
  });

  it('When a client gives a wrong password or another user, then authentication fails (code 18) and nothing is read', async () => {
    const db = await started(':memory:');
    const wrong = db.uri('territoires').replace(encodeURIComponent(db.credentials.password), 'not-the-password');
    await expect(client(wrong)).rejects.toMatchObject({ code: 18 });
    const otherUser = db.uri('territoires').replace(/\/\/devdb:/, '//admin:');
    await expect(client(otherUser)).rejects.toBeInstanceOf(MongoServerError);
  });

  it('When a tool does not name the mechanism, then hello offers SCRAM-SHA-256 for the devdb user and the tool authenticates', async () => {
    const db = await started(':memory:');
    const uri = db.uri('territoires').replace('&authMechanism=SCRAM-SHA-256', '');
    const c = await client(uri);
    const hello = await c.db('admin').command({ hello: 1, saslSupportedMechs: 'admin.devdb' });
    expect(hello.saslSupportedMechs).toEqual(['SCRAM-SHA-256']);
    await expect(c.db('territoires').collection('x').insertOne({ a: 1 })).resolves.toMatchObject({ acknowledged: true });
  });
});

describe('devdb work off the web server event loop', () => {
  let app: TestApp;
  let db: DevDb;

  afterEach(async () => {
    await app?.close();
  });

  it('When a catastrophic regular expression runs on the database, then /healthz still answers meanwhile, the query is cut at the time limit, and the database serves again with its data', async () => {
    db = await started(devDbFile(dir), { commandTimeLimitMs: 8000 });
    const testDatabase: TestDatabase = {
      uri: db.uri('territoires'),
      embedded: true,
      stop: () => db.stop(),
      start: () => db.start(),
      close: () => db.close(),
    };
    app = await startTestApp({ testDatabase });
    const attacker = await client(db.uri('territoires'));
    const coll = attacker.db('territoires').collection('probe');
    await coll.insertOne({ s: `${'a'.repeat(48)}!` });
    const other = await client(db.uri('territoires'));

    let queryDone = false;
    const query = coll
      .find({ s: { $regex: '^(a+)+$' } })
      .toArray()
      .finally(() => (queryDone = true));
    const outcome = query.then(
      () => 'answered',
      (err: Error) => err.name,
    );
    // A second client's ping to the same worker waits behind the regex: proof the query has begun.
    const pingWhileBusy = other.db('admin').command({ ping: 1 }, { timeoutMS: 1000 }).then(
      () => 'answered',
      () => 'timed out',
    );
    expect(await pingWhileBusy).toBe('timed out');

    // The HTTP server is free: /healthz answers (503: its database ping waits) while the query still runs.
    const health = await fetch(`${app.url}/healthz`);
    expect(queryDone).toBe(false);
    expect([200, 503]).toContain(health.status);
    const notFound = await fetch(`${app.url}/nowhere`);
    expect(notFound.status).toBe(404);
    expect(queryDone).toBe(false);

    // The watchdog cuts the query (the connection drops: a network error) and restarts the worker.
    expect(await outcome).toMatch(/MongoNetworkError|MongoServerSelectionError|MongoPoolClearedError/);
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await fetch(`${app.url}/healthz`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    const after = await client(db.uri('territoires'));
    expect(await after.db('territoires').collection('probe').countDocuments({ s: /^a+!$/ })).toBe(1);
  }, 60_000);
});
