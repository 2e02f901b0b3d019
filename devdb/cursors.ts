// Server-side cursors: results are computed whole when the cursor opens and handed out in batches.
import { Long, serialize, type Document } from 'bson';
import { CommandError } from './errors';
import { EncodedDocument } from './wire';

/** A result waiting in a cursor: a stored document's bytes, or a computed document. */
export type ResultDoc = Buffer | Document;

/** mongod's default first batch, and the byte budget of a batch (a reply must stay under 16 MiB + headroom). */
const DEFAULT_FIRST_BATCH = 101;
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
/** Cursors idle longer than this are dropped, as mongod does after 10 minutes. */
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  docs: ResultDoc[];
  position: number;
  lastUsed: number;
}

export interface Batch {
  /** Each document's BSON: stored documents go out as stored, never decoded and encoded again. */
  docs: Buffer[];
  /** 0 when the cursor is exhausted (and closed). */
  id: number;
}

export class CursorRegistry {
  private readonly cursors = new Map<number, OpenCursor>();
  // Random start so ids from before a restart are unlikely to name a new cursor.
  private nextId = Math.floor(Math.random() * 2 ** 40) + 1;

  /** Opens a cursor over `docs` and returns the first batch; `single` closes it after that batch. */
  open(ns: string, docs: ResultDoc[], batchSize: number | undefined, single = false): Batch {
    const cursor: OpenCursor = { ns, docs, position: 0, lastUsed: Date.now() };
    const first = this.take(cursor, batchSize && batchSize > 0 ? batchSize : DEFAULT_FIRST_BATCH);
    if (single || cursor.position >= docs.length) return { docs: first, id: 0 };
    const id = this.nextId++;
    this.cursors.set(id, cursor);
    return { docs: first, id };
  }

  getMore(id: number, ns: string, batchSize: number | undefined): Batch {
    const cursor = this.cursors.get(id);
    if (!cursor || cursor.ns !== ns) throw new CommandError(43, 'CursorNotFound', `cursor id ${id} not found`);
    cursor.lastUsed = Date.now();
    const docs = this.take(cursor, batchSize && batchSize > 0 ? batchSize : Infinity);
    if (cursor.position >= cursor.docs.length) {
      this.cursors.delete(id);
      return { docs, id: 0 };
    }
    return { docs, id };
  }

  /** Kills the given cursors and reports which existed, in killCursors' reply shape. */
  kill(ids: number[]): { cursorsKilled: Long[]; cursorsNotFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.cursors.delete(id) ? killed : notFound).push(Long.fromNumber(id));
    return { cursorsKilled: killed, cursorsNotFound: notFound };
  }

  sweep(now = Date.now()): void {
    for (const [id, cursor] of this.cursors) if (now - cursor.lastUsed > IDLE_TIMEOUT_MS) this.cursors.delete(id);
  }

  clear(): void {
    this.cursors.clear();
  }

  private take(cursor: OpenCursor, count: number): Buffer[] {
    const out: Buffer[] = [];
    let bytes = 0;
    while (out.length < count && cursor.position < cursor.docs.length) {
      const item = cursor.docs[cursor.position]!;
      const encoded = Buffer.isBuffer(item) ? item : Buffer.from(serialize(item, { ignoreUndefined: true }));
      // Always hand out at least one document, or a huge one would block the cursor forever.
      if (out.length > 0 && bytes + encoded.length > MAX_BATCH_BYTES) break;
      out.push(encoded);
      bytes += encoded.length;
      cursor.position++;
    }
    return out;
  }
}

/** `{cursor: {firstBatch|nextBatch: [...], id, ns}, ok: 1}` in BSON, the batch's documents spliced in as they are. */
export function cursorReply(ns: string, batch: Batch, first: boolean): EncodedDocument {
  const array = bsonDocument(batch.docs.map((doc, i) => element(0x03, String(i), doc)));
  const id = Buffer.alloc(8);
  id.writeBigInt64LE(BigInt(batch.id));
  const nsBytes = Buffer.from(ns, 'utf8');
  const nsValue = Buffer.alloc(4 + nsBytes.length + 1);
  nsValue.writeInt32LE(nsBytes.length + 1, 0);
  nsBytes.copy(nsValue, 4);
  const cursor = bsonDocument([element(0x04, first ? 'firstBatch' : 'nextBatch', array), element(0x12, 'id', id), element(0x02, 'ns', nsValue)]);
  const ok = Buffer.alloc(8);
  ok.writeDoubleLE(1);
  return new EncodedDocument(bsonDocument([element(0x03, 'cursor', cursor), element(0x01, 'ok', ok)]));
}

/** One BSON element: type, name as a C string, value bytes. */
function element(type: number, name: string, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), Buffer.from(name, 'utf8'), Buffer.from([0]), value]);
}

/** A BSON document from its elements: total length, elements, terminating zero. */
function bsonDocument(elements: Buffer[]): Buffer {
  const length = 4 + elements.reduce((sum, e) => sum + e.length, 0) + 1;
  const head = Buffer.alloc(4);
  head.writeInt32LE(length, 0);
  return Buffer.concat([head, ...elements, Buffer.from([0])], length);
}
