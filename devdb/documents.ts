// Reading and writing one collection's documents while keeping its indexes and unique constraints true.
import { serialize, type Document } from 'bson';
import { CommandError, duplicateKeyError } from './errors';
import { indexEntries, type IndexDef, type IndexEntry, type Plan } from './indexes';
import type { CollectionInfo, DocRow, Storage } from './storage';
import { keyOf, viewOf } from './values';

export const MAX_BSON_SIZE = 16 * 1024 * 1024;

/** What a query read, as explain's executionStats reports it. */
export interface ExecStats {
  docsExamined: number;
  keysExamined: number;
}

export const newStats = (): ExecStats => ({ docsExamined: 0, keysExamined: 0 });

const ns = (coll: CollectionInfo): string => `${coll.db}.${coll.name}`;

/** The documents a plan designates, in insertion order, counted in `stats`. */
export function* candidates(storage: Storage, coll: CollectionInfo, plan: Plan, stats: ExecStats): Generator<DocRow> {
  if (plan.kind === 'collscan') {
    for (const row of storage.scan(coll)) {
      stats.docsExamined++;
      yield row;
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
    const found = storage.indexLookup(plan.index, key, plan.prefix);
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
    for (const entry of entries[i]!) storage.addKey(index, entry.key, rid);
  });
  return rid;
}

/** Replaces a stored document (same `_id`); returns false when nothing changed. */
export function replaceDocument(storage: Storage, coll: CollectionInfo, row: DocRow, doc: Document): boolean {
  const buf = encode(doc);
  if (buf.equals(row.doc)) return false;
  const oldView = viewOf(row.doc);
  const newView = viewOf(buf);
  const changes = coll.indexes.map((index) => {
    const before = indexEntries(index, oldView);
    const after = indexEntries(index, newView);
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
    assertUnique(storage, coll, index, entries, row.rid);
    for (const entry of entries) storage.addKey(index, entry.key, row.rid);
  }
}
