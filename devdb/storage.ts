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
import { defineIndex, indexEntries, keyBounds, type IndexDef, type KeyRange } from './indexes';
import { viewOf } from './values';

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

export interface KeyRow {
  key: Buffer;
  rid: number;
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

const MAX_POOLED_SCANS = 64;
const MAX_LIKE_MEMO = 32;


export class Storage {
  private readonly db: Database.Database;
  private readonly catalog = new Map<string, CollectionInfo>();
  private readonly runInTransaction: <T>(fn: () => T) => T;
  private readonly stmt;
  /** Counts document writes: what cached scan results are checked against. */
  private writes = 0;
  private readonly likeMemo = new Map<string, { writes: number; rids: number[] }>();
  /** Prepared range scans, reused: a merge of several ranges keeps several of them open at once. */
  private readonly ascendingScans: Array<Database.Statement<[number, Buffer, Buffer], KeyRow>> = [];
  private readonly descendingScans: Array<Database.Statement<[number, Buffer, Buffer], KeyRow>> = [];

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
    // 16 MiB of page cache: index pages stay in it; documents come from the OS cache. A bigger cache
    // only makes the embedding server's resident memory grow with the database.
    this.db.pragma('cache_size = -16384');
    this.db.exec(SCHEMA);
    // Added after the first release: NULL (unknown) until the catalog is loaded, then 0 or 1.
    const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(indexes)').all();
    if (!columns.some((column) => column.name === 'multikey')) this.db.exec('ALTER TABLE indexes ADD COLUMN multikey INTEGER');
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
      indexes: db.prepare<[], { id: number; coll_id: number; spec: Buffer; multikey: number | null }>('SELECT id, coll_id, spec, multikey FROM indexes ORDER BY id'),
      setMultikey: db.prepare<[number, number]>('UPDATE indexes SET multikey = ? WHERE id = ?'),
      insertCollection: db.prepare<[string, string, Buffer, Buffer]>(
        'INSERT INTO collections (db, name, options, uuid) VALUES (?, ?, ?, ?)',
      ),
      deleteCollection: db.prepare<[number]>('DELETE FROM collections WHERE id = ?'),
      insertIndex: db.prepare<[number, string, Buffer]>('INSERT INTO indexes (coll_id, name, spec, multikey) VALUES (?, ?, ?, 0)'),
      deleteIndex: db.prepare<[number]>('DELETE FROM indexes WHERE id = ?'),
      deleteIndexKeys: db.prepare<[number]>('DELETE FROM index_keys WHERE index_id = ?'),
      deleteDocs: db.prepare<[number]>('DELETE FROM docs WHERE coll_id = ?'),
      count: db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM docs WHERE coll_id = ?'),
      scan: db.prepare<[number], DocRow>('SELECT rid, doc FROM docs WHERE coll_id = ? ORDER BY rid'),
      byIdKey: db.prepare<[number, Buffer], DocRow>('SELECT rid, doc FROM docs WHERE coll_id = ? AND id_key = ?'),
      byRid: db.prepare<[number], DocRow>('SELECT rid, doc FROM docs WHERE rid = ?'),
      ridOfIdKey: db.prepare<[number, Buffer], number>('SELECT rid FROM docs WHERE coll_id = ? AND id_key = ?').pluck(),
      insertDoc: db.prepare<[number, Buffer, Buffer]>('INSERT INTO docs (coll_id, id_key, doc) VALUES (?, ?, ?)'),
      updateDoc: db.prepare<[Buffer, number]>('UPDATE docs SET doc = ? WHERE rid = ?'),
      deleteDoc: db.prepare<[number]>('DELETE FROM docs WHERE rid = ?'),
      keyExact: db.prepare<[number, Buffer], { rid: number }>('SELECT rid FROM index_keys WHERE index_id = ? AND key = ?'),
      keyRange: db.prepare<[number, Buffer, Buffer], { rid: number }>(
        'SELECT rid FROM index_keys WHERE index_id = ? AND key >= ? AND key < ?',
      ),
      // Strings (tag 04) whose text may match; keys holding an escaped NUL (00 FF) end LIKE's text early, so they are always kept; regex values (tag 0C) too.
      likeKeys: db
        .prepare<[number, string, number], number>(
          `SELECT rid FROM index_keys WHERE index_id = ? AND key >= X'04' AND key < X'05' AND (CAST(key AS TEXT) LIKE ? ESCAPE '\\' OR instr(key, X'00FF') > 0)
           UNION SELECT rid FROM index_keys WHERE index_id = ? AND key >= X'0C' AND key < X'0D'`,
        )
        .pluck(),
      countRange: db.prepare<[number, Buffer, Buffer], { n: number }>('SELECT COUNT(*) AS n FROM index_keys WHERE index_id = ? AND key >= ? AND key < ?'),
      countExact: db.prepare<[number, Buffer], { n: number }>('SELECT COUNT(*) AS n FROM index_keys WHERE index_id = ? AND key = ?'),
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
    if (!this.db.open) return;
    // A group whose replies were never sent is still committed: its writes may have been acknowledged... or not, as after a crash.
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.close();
  }

  /**
   * Runs one command inside the current group commit: the group's transaction opens with its first
   * command, each command is a savepoint in it (undone alone when it fails), and `commitGroup` makes
   * the whole group durable with one fsync. Replies must only be sent after that commit.
   */
  runCommand<T>(fn: () => T): T {
    if (!this.db.inTransaction) this.db.exec('BEGIN');
    try {
      return this.runInTransaction(fn);
    } catch (err) {
      // The savepoint is rolled back: so must be what the command changed in the in-memory catalog.
      this.loadCatalog();
      throw err;
    }
  }

  /** Commits the open group, if any; when the commit fails, the whole group is rolled back and the error thrown. */
  commitGroup(): void {
    if (!this.db.inTransaction) return;
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.loadCatalog();
      throw err;
    }
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
      const coll = byId.get(row.coll_id);
      if (!coll) continue;
      const index = defineIndex(row.id, deserialize(row.spec, { promoteValues: false }), row.multikey !== 0);
      coll.indexes.push(index);
      if (row.multikey === null) this.learnMultikey(coll, index);
    }
  }

  /** For an index of a file written before multikey flags were kept: one pass over its documents, once. */
  private learnMultikey(coll: CollectionInfo, index: IndexDef): void {
    let arrays = false;
    for (const row of this.scan(coll)) {
      if (indexEntries(index, viewOf(row.doc)).arrays) {
        arrays = true;
        break;
      }
    }
    index.multikey = arrays;
    this.stmt.setMultikey.run(arrays ? 1 : 0, index.id);
  }

  /** Records that a document put an array under the index's fields (kept with the transaction that did it). */
  markMultikey(index: IndexDef): void {
    if (index.multikey) return;
    this.stmt.setMultikey.run(1, index.id);
    index.multikey = true;
  }

  // -- catalog --------------------------------------------------------------------------------

  collection(db: string, name: string): CollectionInfo | undefined {
    return this.catalog.get(`${db}.${name}`);
  }

  /** Every collection of every database. */
  allCollections(): CollectionInfo[] {
    return [...this.catalog.values()];
  }

  /** True while a group of commands is open (executed, not committed yet). */
  get inGroup(): boolean {
    return this.db.inTransaction;
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
    this.writes++;
    for (const index of coll.indexes) this.removeIndex(coll, index);
    this.stmt.deleteDocs.run(coll.id);
    this.stmt.deleteCollection.run(coll.id);
    this.catalog.delete(`${coll.db}.${coll.name}`);
  }

  /** Replaces a collection's options (collMod). */
  setCollectionOptions(coll: CollectionInfo, options: Document): void {
    this.writes++;
    this.db.prepare('UPDATE collections SET options = ? WHERE id = ?').run(Buffer.from(serialize(options)), coll.id);
    coll.options = options;
  }

  /** Moves a collection (its documents and indexes follow its id). */
  renameCollection(coll: CollectionInfo, db: string, name: string): void {
    this.writes++;
    this.db.prepare('UPDATE collections SET db = ?, name = ? WHERE id = ?').run(db, name, coll.id);
    this.catalog.delete(`${coll.db}.${coll.name}`);
    coll.db = db;
    coll.name = name;
    this.catalog.set(`${db}.${name}`, coll);
  }

  /** The bytes of the collection's documents. */
  dataSize(coll: CollectionInfo): number {
    const row = this.db.prepare<[number], { size: number }>('SELECT coalesce(sum(length(doc)), 0) AS size FROM docs WHERE coll_id = ?').get(coll.id);
    return row?.size ?? 0;
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

  ridOfIdKey(coll: CollectionInfo, idKey: Buffer): number | undefined {
    return this.stmt.ridOfIdKey.get(coll.id, idKey);
  }

  byRid(rid: number): DocRow | undefined {
    return this.stmt.byRid.get(rid);
  }

  insertDoc(coll: CollectionInfo, idKey: Buffer, doc: Buffer): number {
    this.writes++;
    return Number(this.stmt.insertDoc.run(coll.id, idKey, doc).lastInsertRowid);
  }

  updateDoc(rid: number, doc: Buffer): void {
    this.writes++;
    this.stmt.updateDoc.run(doc, rid);
  }

  deleteDoc(rid: number): void {
    this.writes++;
    this.stmt.deleteDoc.run(rid);
  }

  // -- index entries --------------------------------------------------------------------------

  /** Row ids whose entry equals `key`, or starts with it when `prefix` is set (narrowed by a range on the next field). */
  indexLookup(index: IndexDef, key: Buffer, prefix: boolean, range?: KeyRange): number[] {
    if (!prefix) return this.stmt.keyExact.all(index.id, key).map((r) => r.rid);
    const { from, to } = keyBounds(key, range);
    return this.stmt.keyRange.all(index.id, from, to).map((r) => r.rid);
  }

  /**
   * The row ids of the documents whose key in `index` (a string, first field) may match a LIKE
   * pattern: what an unanchored search box needs, read in SQLite without a JS object per entry.
   * Remembered until the next write, so the count and the page of one request scan once.
   */
  likeScan(index: IndexDef, like: string): number[] {
    const memoKey = `${index.id}\u0000${like}`;
    const memo = this.likeMemo.get(memoKey);
    if (memo && memo.writes === this.writes) return memo.rids;
    const rids = this.stmt.likeKeys.all(index.id, like, index.id);
    this.likeMemo.delete(memoKey);
    this.likeMemo.set(memoKey, { writes: this.writes, rids });
    if (this.likeMemo.size > MAX_LIKE_MEMO) this.likeMemo.delete(this.likeMemo.keys().next().value!);
    return rids;
  }

  /** How many entries equal `key`, or start with it when `prefix` is set. */
  countKeys(index: IndexDef, key: Buffer, prefix: boolean, range?: KeyRange): number {
    if (!prefix) return this.stmt.countExact.get(index.id, key)?.n ?? 0;
    const { from, to } = keyBounds(key, range);
    return this.stmt.countRange.get(index.id, from, to)?.n ?? 0;
  }

  /**
   * The entries starting with `prefix`, in key order (ties by row id), ascending or descending, read
   * lazily: the caller stops when it has enough. Several scans can be open at once (one statement
   * each); none may be open while the database writes.
   */
  *scanKeys(index: IndexDef, prefix: Buffer, direction: 1 | -1, range?: KeyRange): Generator<KeyRow> {
    const pool = direction === 1 ? this.ascendingScans : this.descendingScans;
    const statement =
      pool.find((s) => !s.busy) ??
      this.db.prepare<[number, Buffer, Buffer], KeyRow>(
        `SELECT key, rid FROM index_keys WHERE index_id = ? AND key >= ? AND key < ? ORDER BY key ${direction === 1 ? 'ASC' : 'DESC'}, rid ${direction === 1 ? 'ASC' : 'DESC'}`,
      );
    if (!pool.includes(statement) && pool.length < MAX_POOLED_SCANS) pool.push(statement);
    const { from, to } = keyBounds(prefix, range);
    yield* statement.iterate(index.id, from, to);
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
