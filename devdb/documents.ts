// Reading and writing one collection's documents while keeping its indexes and unique constraints true.
import { serialize, type Document } from 'bson';
import { CommandError, duplicateKeyError } from './errors';
import { indexEntries, type IndexDef, type IndexEntry, type KeyRange, type Plan } from './indexes';
import type { CollectionInfo, DocRow, KeyRow, Storage } from './storage';
import { keyOf, viewOf } from './values';

export const MAX_BSON_SIZE = 16 * 1024 * 1024;

/** What a query read, as explain's executionStats reports it. */
export interface ExecStats {
  docsExamined: number;
  keysExamined: number;
}

export const newStats = (): ExecStats => ({ docsExamined: 0, keysExamined: 0 });

const ns = (coll: CollectionInfo): string => `${coll.db}.${coll.name}`;

/**
 * The documents a plan designates, counted in `stats`: in the index's order for an ordered plan
 * (the ranges of its keys merged, the first `unread` entries passed over), in insertion order otherwise.
 */
export function* candidates(storage: Storage, coll: CollectionInfo, plan: Plan, stats: ExecStats, unread = 0): Generator<DocRow> {
  if (plan.kind === 'index' && plan.order) {
    // `unread`: the first entries of a covered ordered plan are the skipped matches, counted and not read.
    let toSkip = unread;
    for (const rid of mergedScan(storage, plan.index, plan.keys, plan.order, plan.range)) {
      stats.keysExamined++;
      if (toSkip > 0) {
        toSkip--;
        continue;
      }
      const row = storage.byRid(rid);
      if (row) {
        stats.docsExamined++;
        yield row;
      }
    }
    return;
  }
  if (plan.kind === 'collscan') {
    for (const row of storage.scan(coll)) {
      stats.docsExamined++;
      yield row;
    }
    return;
  }
  if (plan.kind === 'rids') {
    for (const rid of plan.rids) {
      stats.keysExamined++;
      const row = storage.byRid(rid);
      if (row) {
        stats.docsExamined++;
        yield row;
      }
    }
    return;
  }
  if (plan.kind === 'id') {
    const seen = new Set<string>();
    for (const key of plan.keys) {
      const id = key.toString('latin1');
      if (seen.has(id)) continue;
      seen.add(id);
      stats.keysExamined++;
      const row = storage.byIdKey(coll, key);
      if (row) {
        stats.docsExamined++;
        yield row;
      }
    }
    return;
  }
  const rids = new Set<number>();
  for (const key of plan.keys) {
    const found = storage.indexLookup(plan.index, key, plan.prefix, plan.range);
    stats.keysExamined += found.length;
    for (const rid of found) rids.add(rid);
  }
  for (const rid of [...rids].sort((a, b) => a - b)) {
    const row = storage.byRid(rid);
    if (row) {
      stats.docsExamined++;
      yield row;
    }
  }
}

/** The row ids an id or index plan designates, without reading the documents. */
export function planRids(storage: Storage, coll: CollectionInfo, plan: Plan & { kind: 'id' | 'index' }): number[] {
  if (plan.kind === 'id') return plan.keys.map((key) => storage.ridOfIdKey(coll, key)).filter((rid) => rid !== undefined);
  return plan.keys.flatMap((key) => storage.indexLookup(plan.index, key, plan.prefix, plan.range));
}

interface ScanHead {
  scan: Generator<KeyRow>;
  row: KeyRow;
  /** The key after the pinned prefix: what orders entries of different ranges. */
  rest: Buffer;
}

/**
 * The row ids of every entry in the ranges of `prefixes`, merged into one sequence ordered by what
 * follows the prefix (then by row id), ascending or descending: a k-way merge over a binary heap.
 */
function* mergedScan(storage: Storage, index: IndexDef, prefixes: Buffer[], direction: 1 | -1, range?: KeyRange): Generator<number> {
  const heap: ScanHead[] = [];
  const before = (a: ScanHead, b: ScanHead): boolean => {
    const c = Buffer.compare(a.rest, b.rest) || a.row.rid - b.row.rid;
    return direction === 1 ? c < 0 : c > 0;
  };
  const push = (head: ScanHead): void => {
    heap.push(head);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const popTop = (): void => {
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  const scans: Array<Generator<KeyRow>> = [];
  try {
    for (const prefix of prefixes) {
      const scan = storage.scanKeys(index, prefix, direction, range);
      scans.push(scan);
      const first = scan.next();
      if (!first.done) push({ scan, row: first.value, rest: first.value.key.subarray(prefix.length) });
    }
    while (heap.length > 0) {
      const top = heap[0]!;
      yield top.row.rid;
      const next = top.scan.next();
      if (next.done) popTop();
      else {
        const prefixLength = top.row.key.length - top.rest.length;
        popTop();
        push({ scan: top.scan, row: next.value, rest: next.value.key.subarray(prefixLength) });
      }
    }
  } finally {
    // Open scans keep their statements busy and the database unable to write.
    for (const scan of scans) scan.return(undefined);
  }
}

function encode(doc: Document): Buffer {
  const buf = Buffer.from(serialize(doc));
  if (buf.length > MAX_BSON_SIZE) {
    throw new CommandError(10334, 'BSONObjectTooLarge', `object to insert too large. size in bytes: ${buf.length}, max size: ${MAX_BSON_SIZE}`);
  }
  return buf;
}

function keyValueOf(index: IndexDef, entry: IndexEntry): Document {
  const out: Document = {};
  index.fields.forEach((f, i) => (out[f] = entry.values[i]));
  return out;
}

function assertUnique(storage: Storage, coll: CollectionInfo, index: IndexDef, entries: IndexEntry[], rid: number): void {
  if (!index.unique) return;
  for (const entry of entries) {
    if (storage.keyOwner(index, entry.key, rid) !== undefined) {
      throw duplicateKeyError(ns(coll), index.name, index.spec.key as Document, keyValueOf(index, entry));
    }
  }
}

/** Inserts an exact document that already has its `_id` first; returns its row id. */
export function insertDocument(storage: Storage, coll: CollectionInfo, doc: Document): number {
  const buf = encode(doc);
  const view = viewOf(buf);
  const idKey = keyOf(view._id);
  if (storage.byIdKey(coll, idKey)) {
    throw duplicateKeyError(ns(coll), '_id_', { _id: 1 }, { _id: view._id });
  }
  const entries = coll.indexes.map((index) => indexEntries(index, view));
  coll.indexes.forEach((index, i) => assertUnique(storage, coll, index, entries[i]!, -1));
  const rid = storage.insertDoc(coll, idKey, buf);
  coll.indexes.forEach((index, i) => {
    if (entries[i]!.arrays) storage.markMultikey(index);
    for (const entry of entries[i]!) storage.addKey(index, entry.key, rid);
  });
  return rid;
}

/** Replaces a stored document (same `_id`); returns false when nothing changed. */
export function replaceDocument(storage: Storage, coll: CollectionInfo, row: DocRow, doc: Document): boolean {
  const buf = encode(doc);
  if (buf.equals(row.doc)) return false;
  // Decoded again from the stored bytes: an update may have changed the match's view in place.
  const oldView = viewOf(row.doc);
  const newView = viewOf(buf);
  const changes = coll.indexes.map((index) => {
    const before = indexEntries(index, oldView);
    const after = indexEntries(index, newView);
    if (after.arrays) storage.markMultikey(index);
    const had = new Set(before.map((e) => e.key.toString('latin1')));
    const has = new Set(after.map((e) => e.key.toString('latin1')));
    return {
      removed: before.filter((e) => !has.has(e.key.toString('latin1'))),
      added: after.filter((e) => !had.has(e.key.toString('latin1'))),
    };
  });
  coll.indexes.forEach((index, i) => assertUnique(storage, coll, index, changes[i]!.added, row.rid));
  storage.updateDoc(row.rid, buf);
  coll.indexes.forEach((index, i) => {
    for (const entry of changes[i]!.removed) storage.removeKey(index, entry.key, row.rid);
    for (const entry of changes[i]!.added) storage.addKey(index, entry.key, row.rid);
  });
  return true;
}

export function deleteDocument(storage: Storage, coll: CollectionInfo, row: DocRow): void {
  const view = viewOf(row.doc);
  for (const index of coll.indexes) {
    for (const entry of indexEntries(index, view)) storage.removeKey(index, entry.key, row.rid);
  }
  storage.deleteDoc(row.rid);
}

/** Creates an index over the existing documents, refusing it when they break its uniqueness. */
export function buildIndex(storage: Storage, coll: CollectionInfo, spec: Document): void {
  const rows = [...storage.scan(coll)];
  const index = storage.addIndex(coll, spec);
  for (const row of rows) {
    const entries = indexEntries(index, viewOf(row.doc));
    if (entries.arrays) storage.markMultikey(index);
    assertUnique(storage, coll, index, entries, row.rid);
    for (const entry of entries) storage.addKey(index, entry.key, row.rid);
  }
}
