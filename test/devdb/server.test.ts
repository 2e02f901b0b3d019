// devdb as a server: malformed wire messages, outages (stop/start) and shutdown. Always on devdb itself.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { deserialize, serialize, type Document } from 'bson';
import { MongoClient } from 'mongodb';
import { startDevDb, type DevDb } from '../../devdb';

const OP_MSG = 2013;
const OP_QUERY = 2004;

function header(length: number, requestId: number, opCode: number): Buffer {
  const buf = Buffer.alloc(16);
  buf.writeInt32LE(length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(0, 8);
  buf.writeInt32LE(opCode, 12);
  return buf;
}

/** An OP_MSG whose body section holds `body` bytes (a BSON document, or not). */
function opMsg(body: Buffer, requestId = 1, flags = 0): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32LE(flags, 0);
  head[4] = 0;
  return Buffer.concat([header(16 + 5 + body.length, requestId, OP_MSG), head, body]);
}

const bson = (doc: Document): Buffer => Buffer.from(serialize(doc));

/** A raw connection that collects whole replies and notices when the server closes it. */
class RawConnection {
  private readonly socket: net.Socket;
  private pending = Buffer.alloc(0);
  private readonly replies: Buffer[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      while (this.pending.length >= 4 && this.pending.length >= this.pending.readInt32LE(0)) {
        const length = this.pending.readInt32LE(0);
        this.replies.push(this.pending.subarray(0, length));
        this.pending = this.pending.subarray(length);
      }
      this.wake();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => this.wake());
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next reply's OP_MSG body, or undefined when the server closed the connection instead. */
  async nextReply(timeoutMs = 2000): Promise<Document | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (this.socket.destroyed || Date.now() > deadline) return undefined;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    const reply = this.replies.shift()!;
    const opCode = reply.readInt32LE(12);
    return deserialize(reply.subarray(opCode === OP_MSG ? 21 : 36));
  }

  async isClosedWithin(ms: number): Promise<boolean> {
    return Promise.race([this.closed.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
  }

  end(): void {
    this.socket.destroy();
  }
}

/** Deterministic pseudo-random bytes, so a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function assertServerStillWorks(db: DevDb): Promise<void> {
  const client = await MongoClient.connect(db.uri('afterabuse'), { serverSelectionTimeoutMS: 3000 });
  try {
    const things = client.db().collection('things');
    await things.insertOne({ ok: true });
    expect(await things.countDocuments({ ok: true })).toBeGreaterThanOrEqual(1);
  } finally {
    await client.close();
  }
}

describe('malformed wire messages', () => {
  let db: DevDb;

  beforeAll(async () => {
    db = await startDevDb({ filename: ':memory:' });
  });

  afterAll(async () => {
    await db?.close();
  });

  it('When a message declares a length below the header size, then that connection is closed and the server carries on', async () => {
    const raw = await RawConnection.open(db.port);

    raw.send(header(8, 1, OP_MSG));

    expect(await raw.isClosedWithin(2000)).toBe(true);
    await assertServerStillWorks(db);
  });

  it('When a message declares a huge or negative length, then that connection is closed before anything is buffered', async () => {
    const huge = await RawConnection.open(db.port);
    const negative = await RawConnection.open(db.port);

    huge.send(header(0x7fffffff, 1, OP_MSG));
    negative.send(header(-5, 1, OP_MSG));

    expect(await huge.isClosedWithin(2000)).toBe(true);
    expect(await negative.isClosedWithin(2000)).toBe(true);
    await assertServerStillWorks(db);
  });

  it('When a message has an unknown opcode, then that connection is closed', async () => {
    const raw = await RawConnection.open(db.port);

    raw.send(Buffer.concat([header(24, 1, 9999), Buffer.alloc(8)]));

    expect(await raw.isClosedWithin(2000)).toBe(true);
    await assertServerStillWorks(db);
  });

  it('When a message is truncated and the client goes away, then the server carries on', async () => {
    const raw = await RawConnection.open(db.port);
    const full = opMsg(bson({ ping: 1, $db: 'admin' }));

    raw.send(full.subarray(0, full.length - 7));
    await new Promise((resolve) => setTimeout(resolve, 50));
    raw.end();

    await assertServerStillWorks(db);
  });

  it('When an OP_MSG carries garbage BSON, then the server answers an error and the same connection still works', async () => {
    const raw = await RawConnection.open(db.port);

    raw.send(opMsg(Buffer.from([0x10, 0, 0, 0, 0x02, 0x61, 0, 0xff, 0xff, 0xff, 0x7f, 0x41, 0x41, 0x41, 0x41, 0]), 7));
    const error = await raw.nextReply();
    raw.send(opMsg(bson({ ping: 1, $db: 'admin' }), 8));
    const pong = await raw.nextReply();
    raw.end();

    expect(error).toMatchObject({ ok: 0, code: 22 });
    expect(pong).toMatchObject({ ok: 1 });
  });

  it('When an OP_MSG has a section of unknown kind, a document overrunning the message or no body, then each gets an error reply', async () => {
    const raw = await RawConnection.open(db.port);
    const unknownKind = Buffer.concat([header(16 + 4 + 1 + 5, 1, OP_MSG), Buffer.from([0, 0, 0, 0, 9]), bson({})]);
    const overrun = opMsg(Buffer.from([0xff, 0, 0, 0, 0]), 2);
    const noBody = Buffer.concat([header(20, 3, OP_MSG), Buffer.alloc(4)]);

    const replies: Array<Document | undefined> = [];
    for (const message of [unknownKind, overrun, noBody]) {
      raw.send(message);
      replies.push(await raw.nextReply());
    }
    raw.end();

    expect(replies).toEqual([expect.objectContaining({ ok: 0 }), expect.objectContaining({ ok: 0 }), expect.objectContaining({ ok: 0 })]);
  });

  it('When a document is nested far deeper than BSON allows, then the server answers an error instead of overflowing its stack', async () => {
    const raw = await RawConnection.open(db.port);
    let nested: Buffer = Buffer.from([5, 0, 0, 0, 0]);
    for (let depth = 0; depth < 20000; depth++) {
      const inner = nested;
      const out = Buffer.alloc(4 + 1 + 2 + inner.length + 1);
      out.writeInt32LE(out.length, 0);
      out[4] = 0x03;
      out.write('a', 5, 'latin1');
      out[6] = 0;
      inner.copy(out, 7);
      out[out.length - 1] = 0;
      nested = out;
    }

    raw.send(opMsg(nested, 11));
    const reply = await raw.nextReply(5000);
    raw.end();

    expect(reply).toMatchObject({ ok: 0 });
    await assertServerStillWorks(db);
  });

  it('When hundreds of random messages arrive with plausible headers, then the server survives them all', async () => {
    const random = prng(20250301);
    for (let i = 0; i < 200; i++) {
      const raw = await RawConnection.open(db.port);
      const bodyLength = Math.floor(random() * 200);
      const body = Buffer.from(Array.from({ length: bodyLength }, () => Math.floor(random() * 256)));
      const opCode = [OP_MSG, OP_QUERY, 2012, 1][Math.floor(random() * 4)]!;
      raw.send(Buffer.concat([header(16 + bodyLength, i, opCode), body]));
      raw.end();
    }

    await assertServerStillWorks(db);
  });
});

/** Retries `fn` until it resolves: the driver needs a heartbeat or two to see the server back. */
async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('outages and shutdown', () => {
  it('When devdb stops and starts again, then a connected client fails during the outage and then finds its data again', async () => {
    const db = await startDevDb({ filename: ':memory:' });
    const client = await MongoClient.connect(db.uri('outage'), { serverSelectionTimeoutMS: 1000, heartbeatFrequencyMS: 500 });
    try {
      const things = client.db().collection('things');
      await things.insertOne({ _id: 'kept' } as Document);

      await db.stop();
      const duringOutage = things.findOne({ _id: 'kept' } as Document);
      await expect(duringOutage).rejects.toThrow();
      await db.start();
      const after = await eventually(() => things.findOne({ _id: 'kept' } as Document));

      expect(after).toEqual({ _id: 'kept' });
    } finally {
      await client.close();
      await db.close();
    }
  });

  it('When devdb is closed twice, then the second close resolves too and start is refused', async () => {
    const db = await startDevDb({ filename: ':memory:' });

    await db.close();
    await db.close();

    await expect(db.start()).rejects.toThrow(/closed/);
  });
});

describe('query plans', () => {
  let dir: string;
  let db: DevDb | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-plans-'));
  });

  afterEach(async () => {
    await db?.close();
    db = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function withClient<T>(fn: (client: MongoClient) => Promise<T>): Promise<T> {
    const client = await MongoClient.connect(db!.uri('plans'), { serverSelectionTimeoutMS: 3000 });
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  }

  it('When a search looks for text in indexed fields among many documents, then only the indexes are scanned and the matching documents read', async () => {
    db = await startDevDb({ filename: path.join(dir, 'devdb.sqlite') });
    const explained = await withClient(async (client) => {
      const docs = client.db().collection('search');
      await docs.createIndexes([{ key: { ref: 1 } }, { key: { name: 1 } }, { key: { status: 1, at: -1 } }]);
      await docs.insertMany(Array.from({ length: 5000 }, (_, i) => ({ ref: `TI-${i}`, name: i % 1000 === 7 ? `Métropole ${i}` : `Commune ${i}`, status: 'open', at: new Date(i * 1000) })));
      return (await docs.find({ status: 'open', $or: [{ ref: /étropole/i }, { name: /étropole/i }] }).sort({ at: -1 }).explain('executionStats')) as Document;
    });

    expect(explained.queryPlanner.winningPlan.inputStage.inputStage.stage).toBe('OR');
    expect(explained.executionStats.nReturned).toBe(5);
    expect(explained.executionStats.totalDocsExamined).toBe(5);
  });

  it('When an $or names documents through indexes (a user id, or a Teams identity), then only those are read, however many others match the rest', async () => {
    db = await startDevDb({ filename: path.join(dir, 'devdb.sqlite') });
    const { explained, found } = await withClient(async (client) => {
      const docs = client.db().collection('drafts');
      await docs.createIndexes([{ key: { 'owner.userId': 1, 'owner.channel': 1, status: 1 } }, { key: { 'owner.aad': 1 } }, { key: { status: 1, updatedAt: -1 } }]);
      await docs.insertMany(
        Array.from({ length: 1500 }, (_, i) => ({ owner: { userId: `u${i}`, channel: 'webchat', ...(i % 500 === 3 ? { aad: 'aad-7' } : {}) }, status: 'draft', updatedAt: new Date(i * 1000), n: i })),
      );
      const filter = { status: { $in: ['draft', 'changes_requested'] }, $or: [{ 'owner.userId': 'u42', 'owner.channel': 'webchat' }, { 'owner.aad': 'aad-7' }] };
      return {
        explained: (await docs.find(filter).sort({ updatedAt: -1 }).explain('executionStats')) as Document,
        found: await docs.find(filter, { projection: { _id: 0, n: 1 } }).sort({ updatedAt: -1 }).toArray(),
      };
    });

    expect(found.map((d) => d.n)).toEqual([1003, 503, 42, 3]);
    expect(explained.queryPlanner.winningPlan.inputStage.inputStage.stage).toBe('OR');
    expect(explained.executionStats.totalDocsExamined).toBe(4);
  });

  it('When a page is sorted on fields that follow an $in in an index, then the index ranges are merged and no sort runs in memory', async () => {
    db = await startDevDb({ filename: path.join(dir, 'devdb.sqlite') });
    const explained = await withClient(async (client) => {
      const docs = client.db().collection('pages');
      await docs.createIndex({ status: 1, at: -1, ref: -1 }, { partialFilterExpression: { submittedAt: { $exists: true } } });
      await docs.insertMany(Array.from({ length: 3000 }, (_, i) => ({ status: ['a', 'b', 'c'][i % 3], at: new Date(i * 1000), ref: `r${i}`, submittedAt: new Date() })));
      return (await docs.find({ status: { $in: ['a', 'b'] }, submittedAt: { $exists: true } }).sort({ at: -1, ref: -1 }).limit(20).explain('executionStats')) as Document;
    });

    expect(explained.queryPlanner.winningPlan).toMatchObject({ stage: 'FETCH', inputStage: { stage: 'SORT_MERGE', direction: 'backward' } });
    expect(explained.executionStats.totalDocsExamined).toBe(20);
  });

  it('When an index once held an array, then after a restart it still serves no sort, and a file from before the flag learns it', async () => {
    const filename = path.join(dir, 'devdb.sqlite');
    db = await startDevDb({ filename });
    await withClient(async (client) => {
      const docs = client.db().collection('tags');
      await docs.createIndex({ k: 1, tags: 1 });
      await docs.insertMany([{ k: 1, tags: ['b', 'a'] }, { k: 1, tags: 'c' }]);
    });
    await db.close();
    // A file written before multikey flags existed: the flag is unknown until the catalog loads.
    const raw = new Database(filename);
    raw.exec('UPDATE indexes SET multikey = NULL');
    raw.close();

    db = await startDevDb({ filename });
    const { explained, sorted } = await withClient(async (client) => {
      const docs = client.db().collection('tags');
      return {
        explained: (await docs.find({ k: 1 }).sort({ tags: -1 }).explain('executionStats')) as Document,
        sorted: await docs.find({ k: 1 }, { projection: { _id: 0 } }).sort({ tags: -1 }).toArray(),
      };
    });

    expect(explained.queryPlanner.winningPlan.stage).toBe('SORT');
    expect(sorted).toEqual([{ k: 1, tags: 'c' }, { k: 1, tags: ['b', 'a'] }]);
  });
});
