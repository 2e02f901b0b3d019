// SQLite storage: the catalog of collections and indexes, document rows (BSON blobs) and index entries.
//
// One table holds every document (`docs`, in insertion order by rowid, unique on the canonical
// key of `_id`), one holds every secondary index entry (`index_keys`: index id, canonical key,
// document rowid). Both lookups by `_id` and by an indexed value are therefore B-tree seeks.
import fs from 'node:fs';
import path from 'node:path';
import { Binary, UUID, serialize, deserialize, type Document } from 'bson';
import Database from 'better-sqlite3';
import { CommandError } from './errors';
import { defineIndex, type IndexDef } from './indexes';

export interface CollectionInfo {
  id: number;
  db: string;
  name: string;
  options: Document;
  uuid: Binary;
  indexes: IndexDef[];
}

export interface DocRow {
  rid: number;
  doc: Buffer;
}

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS collections (
  id INTEGER PRIMARY KEY,
  db TEXT NOT NULL,
  name TEXT NOT NULL,
  options BLOB NOT NULL,
  uuid BLOB NOT NULL,
  UNIQUE (db, name)
);
CREATE TABLE IF NOT EXISTS indexes (
  id INTEGER PRIMARY KEY,
  coll_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  spec BLOB NOT NULL,
  UNIQUE (coll_id, name)
);
CREATE TABLE IF NOT EXISTS docs (
  rid INTEGER PRIMARY KEY,
  coll_id INTEGER NOT NULL,
  id_key BLOB NOT NULL,
  doc BLOB NOT NULL,
  UNIQUE (coll_id, id_key)
);
CREATE INDEX IF NOT EXISTS docs_by_collection ON docs (coll_id);
CREATE TABLE IF NOT EXISTS index_keys (
  index_id INTEGER NOT NULL,
  key BLOB NOT NULL,
  rid INTEGER NOT NULL,
  PRIMARY KEY (index_id, key, rid)
) WITHOUT ROWID;
`;

/** Upper bound of every key that starts with `prefix`: encoded values never start with 0xFF. */
const prefixEnd = (prefix: Buffer): Buffer => Buffer.concat([prefix, Buffer.from([0xff])]);

export class Storage {
  private readonly db: Database.Database;
  private readonly catalog = new Map<string, CollectionInfo>();
  private readonly runInTransaction: <T>(fn: () => T) => T;
  private readonly stmt;

  constructor(filename: string) {
    if (filename !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
    this.db = new Database(filename, { timeout: 2000 });
    try {
      this.configure(filename);
    } catch (err) {
      this.db.close();
      if ((err as { code?: unknown }).code === 'SQLITE_BUSY') {
        throw new Error(`devdb: ${filename} is already used by another devdb process`, { cause: err });
      }
      throw err;
    }
    const tx = this.db.transaction((fn: () => unknown) => fn());
    this.runInTransaction = tx as <T>(fn: () => T) => T;
    this.stmt = this.prepareStatements();
    this.loadCatalog();
  }

  private configure(filename: string): void {
    if (filename !== ':memory:') {
      // One process owns the file: the catalog is cached in memory, so a second writer would
      // go unseen. Exclusive locking makes a second devdb on the same file fail at start.
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      // FULL: a commit is fsynced before the command is acknowledged, so acknowledged writes
      // survive a killed process and a lost machine alike.
      this.db.pragma('synchronous = FULL');
      // Take the lock now rather than at the first write, so the second process fails at start.
      this.db.exec('BEGIN EXCLUSIVE; COMMIT');
    }
    this.db.pragma('cache_size = -65536');
    this.db.exec(SCHEMA);
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version === 0) this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    else if (version !== SCHEMA_VERSION) {
      throw new Error(`devdb: ${filename} has storage format ${version}, this devdb reads ${SCHEMA_VERSION}`);
    }
  }

  private prepareStatements() {
    const db = this.db;
    return {
      collections: db.prepare<[], { id: number; db: string; name: string; options: Buffer; uuid: Buffer }>(
        'SELECT id, db, name, options, uuid FROM collections ORDER BY id',
      ),
      indexes: db.prepare<[], { id: number; coll_id: number; spec: Buffer }>('SELECT id, coll_id, spec FROM indexes ORDER BY id'),
      insertCollection: db.prepare<[string, string, Buffer, Buffer]>(
        'INSERT INTO collections (db, name, options, uuid) VALUES (?, ?, ?, ?)',
      ),
      deleteCollection: db.prepare<[number]>('DELETE FROM collections WHERE id = ?'),
      insertIndex: db.prepare<[number, string, Buffer]>('INSERT INTO indexes (coll_id, name, spec) VALUES (?, ?, ?)'),
      deleteIndex: db.prepare<[number]>('DELETE FROM indexes WHERE id = ?'),
      deleteIndexKeys: db.prepare<[number]>('DELETE FROM index_keys WHERE index_id = ?'),
      deleteDocs: db.prepare<[number]>('DELETE FROM docs WHERE coll_id = ?'),
      count: db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM docs WHERE coll_id = ?'),
      scan: db.prepare<[number], DocRow>('SELECT rid, doc FROM docs WHERE coll_id = ? ORDER BY rid'),
      byIdKey: db.prepare<[number, Buffer], DocRow>('SELECT rid, doc FROM docs WHERE coll_id = ? AND id_key = ?'),
      byRid: db.prepare<[number], DocRow>('SELECT rid, doc FROM docs WHERE rid = ?'),
      insertDoc: db.prepare<[number, Buffer, Buffer]>('INSERT INTO docs (coll_id, id_key, doc) VALUES (?, ?, ?)'),
      updateDoc: db.prepare<[Buffer, number]>('UPDATE docs SET doc = ? WHERE rid = ?'),
      deleteDoc: db.prepare<[number]>('DELETE FROM docs WHERE rid = ?'),
      keyExact: db.prepare<[number, Buffer], { rid: number }>('SELECT rid FROM index_keys WHERE index_id = ? AND key = ?'),
      keyRange: db.prepare<[number, Buffer, Buffer], { rid: number }>(
        'SELECT rid FROM index_keys WHERE index_id = ? AND key >= ? AND key < ?',
      ),
      keyOwner: db.prepare<[number, Buffer, number], { rid: number }>(
        'SELECT rid FROM index_keys WHERE index_id = ? AND key = ? AND rid <> ? LIMIT 1',
      ),
      insertKey: db.prepare<[number, Buffer, number]>('INSERT OR IGNORE INTO index_keys (index_id, key, rid) VALUES (?, ?, ?)'),
      deleteKey: db.prepare<[number, Buffer, number]>('DELETE FROM index_keys WHERE index_id = ? AND key = ? AND rid = ?'),
      sizes: db.prepare<[], { db: string; size: number }>(
        'SELECT c.db AS db, COALESCE(SUM(LENGTH(d.doc)), 0) AS size FROM collections c LEFT JOIN docs d ON d.coll_id = c.id GROUP BY c.db ORDER BY c.db',
      ),
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Runs `fn` in a transaction; nested calls become savepoints, so one failed write statement
   * rolls back alone while its command goes on.
   */
  transaction<T>(fn: () => T): T {
    try {
      return this.runInTransaction(fn);
    } catch (err) {
      // The in-memory catalog may describe rows that were just rolled back.
      if (!this.db.inTransaction) this.loadCatalog();
      throw err;
    }
  }

  private loadCatalog(): void {
    this.catalog.clear();
    const byId = new Map<number, CollectionInfo>();
    for (const row of this.stmt.collections.all()) {
      const info: CollectionInfo = {
        id: row.id,
        db: row.db,
        name: row.name,
        options: deserialize(row.options, { promoteValues: false }),
        uuid: new Binary(row.uuid, Binary.SUBTYPE_UUID),
        indexes: [],
      };
      byId.set(row.id, info);
      this.catalog.set(`${row.db}.${row.name}`, info);
    }
    for (const row of this.stmt.indexes.all()) {
      byId.get(row.coll_id)?.indexes.push(defineIndex(row.id, deserialize(row.spec, { promoteValues: false })));
    }
  }

  // -- catalog --------------------------------------------------------------------------------

  collection(db: string, name: string): CollectionInfo | undefined {
    return this.catalog.get(`${db}.${name}`);
  }

  collections(db: string): CollectionInfo[] {
    return [...this.catalog.values()].filter((c) => c.db === db);
  }

  databases(): Array<{ name: string; sizeOnDisk: number }> {
    return this.stmt.sizes.all().map((r) => ({ name: r.db, sizeOnDisk: r.size }));
  }

  createCollection(db: string, name: string, options: Document): CollectionInfo {
    if (this.collection(db, name)) {
      throw new CommandError(48, 'NamespaceExists', `Collection ${db}.${name} already exists.`);
    }
    const uuid = new UUID();
    const result = this.stmt.insertCollection.run(db, name, Buffer.from(serialize(options)), Buffer.from(uuid.buffer));
    const info: CollectionInfo = {
      id: Number(result.lastInsertRowid),
      db,
      name,
      options,
      uuid: new Binary(uuid.buffer, Binary.SUBTYPE_UUID),
      indexes: [],
    };
    this.catalog.set(`${db}.${name}`, info);
    return info;
  }

  dropCollection(coll: CollectionInfo): void {
    for (const index of coll.indexes) this.removeIndex(coll, index);
    this.stmt.deleteDocs.run(coll.id);
    this.stmt.deleteCollection.run(coll.id);
    this.catalog.delete(`${coll.db}.${coll.name}`);
  }

  /** Records an index definition; the caller fills its entries. */
  addIndex(coll: CollectionInfo, spec: Document): IndexDef {
    const result = this.stmt.insertIndex.run(coll.id, String(spec.name), Buffer.from(serialize(spec)));
    const index = defineIndex(Number(result.lastInsertRowid), spec);
    coll.indexes.push(index);
    return index;
  }

  removeIndex(coll: CollectionInfo, index: IndexDef): void {
    this.stmt.deleteIndexKeys.run(index.id);
    this.stmt.deleteIndex.run(index.id);
    coll.indexes = coll.indexes.filter((i) => i !== index);
  }

  // -- documents ------------------------------------------------------------------------------

  count(coll: CollectionInfo): number {
    return this.stmt.count.get(coll.id)?.n ?? 0;
  }

  /** Every document of the collection in insertion order, read lazily so a limit stops early. */
  scan(coll: CollectionInfo): IterableIterator<DocRow> {
    return this.stmt.scan.iterate(coll.id);
  }

  byIdKey(coll: CollectionInfo, idKey: Buffer): DocRow | undefined {
    return this.stmt.byIdKey.get(coll.id, idKey);
  }

  byRid(rid: number): DocRow | undefined {
    return this.stmt.byRid.get(rid);
  }

  insertDoc(coll: CollectionInfo, idKey: Buffer, doc: Buffer): number {
    return Number(this.stmt.insertDoc.run(coll.id, idKey, doc).lastInsertRowid);
  }

  updateDoc(rid: number, doc: Buffer): void {
    this.stmt.updateDoc.run(doc, rid);
  }

  deleteDoc(rid: number): void {
    this.stmt.deleteDoc.run(rid);
  }

  // -- index entries --------------------------------------------------------------------------

  /** Row ids whose entry equals `key`, or starts with it when `prefix` is set. */
  indexLookup(index: IndexDef, key: Buffer, prefix: boolean): number[] {
    const rows = prefix ? this.stmt.keyRange.all(index.id, key, prefixEnd(key)) : this.stmt.keyExact.all(index.id, key);
    return rows.map((r) => r.rid);
  }

  /** Another document holding `key` in `index`, if any: what unique indexes must refuse. */
  keyOwner(index: IndexDef, key: Buffer, exceptRid: number): number | undefined {
    return this.stmt.keyOwner.get(index.id, key, exceptRid)?.rid;
  }

  addKey(index: IndexDef, key: Buffer, rid: number): void {
    this.stmt.insertKey.run(index.id, key, rid);
  }

  removeKey(index: IndexDef, key: Buffer, rid: number): void {
    this.stmt.deleteKey.run(index.id, key, rid);
  }
}
