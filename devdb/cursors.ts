// Server-side cursors: results are computed whole when the cursor opens and handed out in batches.
import { Long, calculateObjectSize, type Document } from 'bson';
import { CommandError } from './errors';
import { exactOf } from './values';

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
  docs: Document[];
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

  private take(cursor: OpenCursor, count: number): Document[] {
    const out: Document[] = [];
    let bytes = 0;
    while (out.length < count && cursor.position < cursor.docs.length) {
      const item = cursor.docs[cursor.position]!;
      const size = Buffer.isBuffer(item) ? item.length : calculateObjectSize(item);
      // Always hand out at least one document, or a huge one would block the cursor forever.
      if (out.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
      out.push(Buffer.isBuffer(item) ? exactOf(item) : item);
      bytes += size;
      cursor.position++;
    }
    return out;
  }
}

export const cursorReply = (ns: string, batch: Batch, first: boolean): Document => ({
  cursor: { [first ? 'firstBatch' : 'nextBatch']: batch.docs, id: Long.fromNumber(batch.id), ns },
  ok: 1,
});
