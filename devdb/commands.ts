// The database commands devdb answers, each run in one SQLite transaction.
import { Binary, ObjectId, serialize, type Document } from 'bson';
import { Aggregator } from 'mingo';
import { cursorReply, type CursorRegistry, type ResultDoc } from './cursors';
import { MAX_BSON_SIZE, buildIndex, deleteDocument, insertDocument, newStats, replaceDocument, type ExecStats } from './documents';
import { CommandError, badValue, duplicateKeyError, namespaceNotFound } from './errors';
import { ID_INDEX_SPEC, normaliseIndexSpec, sameIndexOptions, sameKeyPattern, type IndexDef, type Plan } from './indexes';
import { SIMPLE_COLLATION, collationKey, collationOf, effectiveCollation, mapStrings, sameCollation } from './collation';
import { compileFilter, countMatches, findMatches, planFor, projectMatch, type Match } from './query';
import type { CollectionInfo, Storage } from './storage';
import { defaultParameters, validateTtlSpec, type ServerParameters } from './ttl';
import { applyUpdate, idFirst, upsertSeed, validateUpdate } from './update';
import { exactOf, isPlainObject, keyOf, restoreTypes, toView, viewOf } from './values';
import type { DevDbLogger } from './index';
import { checkValidatorOptions, documentValidator, isValidatorOption, viewSchemaValidator } from './validation';
import type { Reply } from './wire';

const MAX_WIRE_VERSION = 21; // MongoDB 7.0; the driver accepts 9 (4.4) and up
export const MAX_MESSAGE_SIZE = 48_000_000;
const MAX_WRITE_BATCH_SIZE = 100_000;
const SERVER_VERSION = '7.0.0';

interface CommandRequest {
  db: string;
  /** The command document as mingo sees it (plain numbers). */
  cmd: Document;
  /** The command document with the client's exact BSON types, for documents to store. */
  raw: Document;
  connectionId: number;
}

type Handler = (req: CommandRequest) => Reply;

// -- argument helpers -----------------------------------------------------------------------------

function collectionName(req: CommandRequest, field: string): string {
  const name = req.cmd[field];
  if (typeof name !== 'string' || name === '' || name.includes('\0') || name.startsWith('.') || name.includes('$')) {
    throw new CommandError(73, 'InvalidNamespace', `Invalid namespace specified '${req.db}.${String(name)}'`);
  }
  return name;
}

function optionalNumber(cmd: Document, field: string): number | undefined {
  const v: unknown = cmd[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || Number.isNaN(v)) throw badValue(`'${field}' must be a number`);
  return v;
}

function optionalDocument(cmd: Document, field: string): Document | undefined {
  const v: unknown = cmd[field];
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) throw badValue(`'${field}' must be a document`);
  return v;
}

function documentArray(raw: Document, field: string): Document[] {
  const v: unknown = raw[field];
  if (!Array.isArray(v) || !v.every(isPlainObject)) throw badValue(`'${field}' must be an array of documents`);
  if (v.length > MAX_WRITE_BATCH_SIZE) throw badValue(`Write batch sizes must be between 1 and ${MAX_WRITE_BATCH_SIZE}`);
  return v as Document[];
}

function validateId(id: unknown): void {
  if (Array.isArray(id)) throw badValue("can't use an array for _id");
  if (id instanceof RegExp || (isPlainObject(id) && Object.keys(id).some((k) => k.startsWith('$')))) {
    throw badValue(`_id cannot be a regex or an operator expression`);
  }
}

/** A write error entry as mongod puts it in `writeErrors`. */
function writeError(index: number, err: CommandError): Document {
  return { index, code: err.code, codeName: err.codeName, errmsg: err.message, ...err.details };
}

const ns = (db: string, coll: string): string => `${db}.${coll}`;

/** A plan as explain's winningPlan shows it, in mongod's stage names. */
function describePlan(plan: Plan, filter: Document): Document {
  switch (plan.kind) {
    case 'id':
      return { stage: 'IDHACK' };
    case 'rids':
      return { stage: 'FETCH', filter, inputStage: { stage: 'OR', inputStages: plan.indexes.map((index) => ({ stage: 'IXSCAN', indexName: index.name, keyPattern: index.spec.key })) } };
    case 'index':
      return {
        stage: 'FETCH',
        ...(plan.covered ? {} : { filter }),
        inputStage: {
          stage: plan.keys.length > 1 && plan.order ? 'SORT_MERGE' : 'IXSCAN',
          indexName: plan.index.name,
          keyPattern: plan.index.spec.key,
          isMultiKey: plan.index.multikey,
          ...(plan.order ? { direction: plan.order === 1 ? 'forward' : 'backward' } : {}),
        },
      };
    case 'collscan':
      return { stage: 'COLLSCAN', filter };
  }
}

/** A command's `let`: each value an expression evaluated once (`{$literal: '$x'}`, `{$rand: {}}`). */
function letVariables(cmd: Document): Document | undefined {
  const vars = optionalDocument(cmd, 'let');
  if (!vars) return undefined;
  try {
    return (new Aggregator([{ $addFields: vars }]).run([{}]) as Document[])[0];
  } catch (err) {
    throw badValue(`invalid let: ${(err as Error).message}`);
  }
}

// -- executor ------------------------------------------------------------------------------------

export class CommandExecutor {
  private readonly handlers: Record<string, Handler>;
  /** What getParameter and setParameter read and write (not kept across restarts, as mongod's). */
  readonly parameters: ServerParameters = defaultParameters();
  /** The sessions clients used (by their lsid), for $listLocalSessions; endSessions forgets them. */
  private readonly sessions = new Map<string, { id: unknown; lastUse: Date }>();
  /** Called after setParameter changed a parameter (the TTL monitor's sleep). */
  onParameterChange: (() => void) | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly cursors: CursorRegistry,
    private readonly logger: DevDbLogger,
  ) {
    const hello: Handler = (req) => this.hello(req);
    this.handlers = {
      hello,
      isMaster: hello,
      ismaster: hello,
      ping: () => ({ ok: 1 }),
      buildInfo: () => this.buildInfo(),
      buildinfo: () => this.buildInfo(),
      getParameter: (req) => this.getParameter(req),
      setParameter: (req) => this.setParameter(req),
      endSessions: (req) => this.endSessions(req),
      insert: (req) => this.insert(req),
      find: (req) => this.find(req),
      getMore: (req) => this.getMore(req),
      killCursors: (req) => this.killCursors(req),
      update: (req) => this.update(req),
      delete: (req) => this.delete(req),
      findAndModify: (req) => this.findAndModify(req),
      findandmodify: (req) => this.findAndModify(req),
      count: (req) => this.count(req),
      distinct: (req) => this.distinct(req),
      aggregate: (req) => this.aggregate(req),
      createIndexes: (req) => this.createIndexes(req),
      listIndexes: (req) => this.listIndexes(req),
      dropIndexes: (req) => this.dropIndexes(req),
      deleteIndexes: (req) => this.dropIndexes(req),
      create: (req) => this.create(req),
      drop: (req) => this.drop(req),
      dropDatabase: (req) => this.dropDatabase(req),
      listCollections: (req) => this.listCollections(req),
      listDatabases: (req) => this.listDatabases(req),
      explain: (req) => this.explain(req),
      dbStats: (req) => this.dbStats(req),
      dbstats: (req) => this.dbStats(req),
      collStats: (req) => this.collStats(req),
      collstats: (req) => this.collStats(req),
      serverStatus: () => this.serverStatus(),
      listCommands: () => ({ commands: Object.fromEntries(Object.keys(this.handlers).map((n) => [n, { help: '', requiresAuth: true, adminOnly: false }])), ok: 1 }),
      renameCollection: (req) => this.renameCollection(req),
      collMod: (req) => this.collMod(req),
    };
  }

  /** Runs one command document (exact form) and returns its reply; never throws. Durable once `commit()` returns. */
  execute(raw: Document, db: string | undefined, connectionId: number): Reply {
    const name = Object.keys(raw)[0];
    try {
      if (name === undefined) throw badValue('empty command document');
      if (raw.txnNumber !== undefined || raw.startTransaction !== undefined || raw.autocommit !== undefined || name === 'commitTransaction' || name === 'abortTransaction') {
        throw new CommandError(20, 'IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos');
      }
      // What a 5.0+ standalone answers a snapshot read (mongodb/specifications#1030, snapshot-sessions-not-supported-server-error).
      if (isPlainObject(raw.readConcern) && raw.readConcern.level === 'snapshot') {
        throw new CommandError(123, 'NotAReplicaSet', 'node needs to be a replica set member to use readConcern: snapshot');
      }
      const handler = Object.prototype.hasOwnProperty.call(this.handlers, name) ? this.handlers[name] : undefined;
      if (!handler) throw new CommandError(59, 'CommandNotFound', `no such command: '${name}'`);
      const database = db ?? raw.$db;
      if (typeof database !== 'string' || database === '' || /[/\\. "$\0]/.test(database)) {
        throw new CommandError(73, 'InvalidNamespace', `Invalid database name: '${String(database)}'`);
      }
      const req: CommandRequest = { db: database, cmd: toView(raw) as Document, raw, connectionId };
      if (isPlainObject(raw.lsid) && raw.lsid.id !== undefined) this.sessions.set(keyOf(raw.lsid.id).toString('hex'), { id: raw.lsid.id, lastUse: new Date() });
      this.logger.debug?.({ command: name, db: database }, 'devdb command');
      return this.storage.runCommand(() => handler(req));
    } catch (err) {
      if (err instanceof CommandError) return err.toReply();
      this.logger.error({ err, command: name }, 'devdb command failed');
      return { ok: 0, errmsg: `devdb internal error: ${(err as Error).message}`, code: 1, codeName: 'InternalError' };
    }
  }

  /**
   * Makes every command executed since the last call durable at once (group commit: one fsync for all
   * the commands that arrived together). Throws when the commit fails: then none of them happened.
   */
  commit(): void {
    this.storage.commitGroup();
  }

  /** The validation a write to `coll` must pass (none under bypassDocumentValidation). */
  private validatorFor(req: CommandRequest, coll: CollectionInfo | undefined): (doc: Document, before?: Document) => void {
    const check = coll && documentValidator(coll.options, req.cmd.bypassDocumentValidation === true, (errInfo) => {
      this.logger.warn({ namespace: ns(coll.db, coll.name), errInfo }, 'Document would fail validation');
    });
    return check ?? (() => undefined);
  }

  /** Writes and index builds on a view are refused, as mongod does. */
  private refuseView(db: string, name: string): void {
    if (this.isView(db, name)) throw new CommandError(166, 'CommandNotSupportedOnView', `Namespace ${db}.${name} is a view, not a collection`);
  }

  private ensureCollection(db: string, name: string): { coll: CollectionInfo; created: boolean } {
    const coll = this.storage.collection(db, name);
    return coll ? { coll, created: false } : { coll: this.storage.createCollection(db, name, {}), created: true };
  }

  // -- handshake and server information ----------------------------------------------------------

  private hello(req: CommandRequest): Document {
    // No topologyVersion (it would switch the driver to streaming heartbeats) and no
    // logicalSessionTimeoutMinutes (then the driver sends neither lsid nor endSessions).
    return {
      helloOk: true,
      ismaster: true,
      isWritablePrimary: true,
      maxBsonObjectSize: MAX_BSON_SIZE,
      maxMessageSizeBytes: MAX_MESSAGE_SIZE,
      maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
      localTime: new Date(),
      connectionId: req.connectionId,
      minWireVersion: 0,
      maxWireVersion: MAX_WIRE_VERSION,
      readOnly: false,
      // Sessions are accepted (as on a standalone mongod); transactions are refused in execute().
      logicalSessionTimeoutMinutes: 30,
      ok: 1,
    };
  }

  // -- administration ------------------------------------------------------------------------------

  private collectionSizes(coll: CollectionInfo): { count: number; size: number } {
    return { count: this.storage.count(coll), size: this.storage.dataSize(coll) };
  }

  private collStats(req: CommandRequest): Document {
    const name = collectionName(req, Object.keys(req.cmd)[0]!);
    const coll = this.storage.collection(req.db, name);
    if (!coll) throw namespaceNotFound(ns(req.db, name));
    // As mongod answers tools that ask a view's statistics (e.g. precog/quasar#2665): 166.
    this.refuseView(req.db, name);
    const { count, size } = this.collectionSizes(coll);
    return {
      ns: ns(req.db, name),
      count,
      size,
      avgObjSize: count ? Math.round(size / count) : 0,
      storageSize: size,
      nindexes: coll.indexes.length + 1,
      totalIndexSize: 0,
      indexSizes: Object.fromEntries([['_id_', 0], ...coll.indexes.map((i) => [i.name, 0])]),
      capped: false,
      ok: 1,
    };
  }

  private dbStats(req: CommandRequest): Document {
    const all = this.storage.collections(req.db);
    const collections = all.filter((c) => typeof c.options.viewOn !== 'string');
    let objects = 0;
    let dataSize = 0;
    let indexes = 0;
    for (const coll of collections) {
      const { count, size } = this.collectionSizes(coll);
      objects += count;
      dataSize += size;
      indexes += coll.indexes.length + 1;
    }
    return { db: req.db, collections: collections.length, views: all.length - collections.length, objects, avgObjSize: objects ? dataSize / objects : 0, dataSize, storageSize: dataSize, indexes, indexSize: 0, totalSize: dataSize, scaleFactor: 1, ok: 1 };
  }

  private serverStatus(): Document {
    return {
      host: 'localhost',
      version: SERVER_VERSION,
      process: 'devdb',
      pid: process.pid,
      uptime: Math.floor(process.uptime()),
      uptimeMillis: Math.floor(process.uptime() * 1000),
      localTime: new Date(),
      storageEngine: { name: 'devdb-sqlite', persistent: true },
      ok: 1,
    };
  }

  private renameCollection(req: CommandRequest): Document {
    if (req.db !== 'admin') throw new CommandError(13, 'Unauthorized', 'renameCollection may only be run against the admin database.');
    const parse = (field: string): [string, string] => {
      const v: unknown = req.cmd[field];
      const dot = typeof v === 'string' ? v.indexOf('.') : -1;
      if (typeof v !== 'string' || dot <= 0 || dot === v.length - 1) throw new CommandError(73, 'InvalidNamespace', `Invalid namespace specified '${String(v)}'`);
      return [v.slice(0, dot), v.slice(dot + 1)];
    };
    const [fromDb, fromName] = parse('renameCollection');
    const [toDb, toName] = parse('to');
    const source = this.storage.collection(fromDb, fromName);
    if (!source) throw new CommandError(26, 'NamespaceNotFound', 'Source collection does not exist');
    const target = this.storage.collection(toDb, toName);
    if (target && target !== source) {
      if (req.cmd.dropTarget !== true) throw new CommandError(48, 'NamespaceExists', 'target namespace exists');
      this.storage.dropCollection(target);
    }
    if (target !== source) this.storage.renameCollection(source, toDb, toName);
    return { ok: 1 };
  }

  private buildInfo(): Document {
    return {
      version: SERVER_VERSION,
      gitVersion: 'devdb',
      versionArray: [7, 0, 0, 0],
      bits: 64,
      debug: false,
      maxBsonObjectSize: MAX_BSON_SIZE,
      storageEngines: ['devdb'],
      javascriptEngine: 'none',
      modules: [],
      ok: 1,
    };
  }

  private getParameter(req: CommandRequest): Document {
    const known: Document = {
      featureCompatibilityVersion: { version: '7.0' },
      authenticationMechanisms: [],
      maxBSONDepth: 100,
      ...this.parameters,
    };
    if (req.cmd.getParameter === '*') return { ...known, ok: 1 };
    const wanted = Object.keys(req.cmd).filter((k) => k in known);
    if (wanted.length === 0) throw new CommandError(72, 'InvalidOptions', 'no option found to get');
    return { ...Object.fromEntries(wanted.map((k) => [k, known[k]])), ok: 1 };
  }

  private setParameter(req: CommandRequest): Document {
    if (req.db !== 'admin') throw new CommandError(13, 'Unauthorized', 'setParameter may only be run against the admin database.');
    const fields = Object.keys(req.cmd).filter((k) => k !== 'setParameter' && !k.startsWith('$') && k !== 'lsid' && k !== 'comment');
    if (fields.length === 0) throw new CommandError(72, 'InvalidOptions', 'no option found to set, use help:true to see options ');
    if (fields.length > 1) throw new CommandError(2, 'BadValue', 'Only one parameter may be set at a time');
    const field = fields[0]!;
    const value: unknown = req.cmd[field];
    const params = this.parameters;
    let was: unknown;
    if (field === 'ttlMonitorSleepSecs') {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw badValue(`Invalid value for parameter ttlMonitorSleepSecs: ${String(value)} is not a valid integer`);
      if (value < 1) throw badValue(`Invalid value for parameter ttlMonitorSleepSecs: ${value} is not greater than or equal to 1`);
      was = params.ttlMonitorSleepSecs;
      params.ttlMonitorSleepSecs = value;
    } else if (field === 'ttlMonitorEnabled') {
      if (typeof value !== 'boolean' && typeof value !== 'number') throw badValue(`Invalid value for parameter ttlMonitorEnabled: ${String(value)} is not a boolean`);
      was = params.ttlMonitorEnabled;
      params.ttlMonitorEnabled = Boolean(value);
    } else {
      throw new CommandError(72, 'InvalidOptions', `attempted to set unrecognized parameter [${field}], use help:true to see options `);
    }
    this.onParameterChange?.();
    return { was, ok: 1 };
  }

  // -- reads ---------------------------------------------------------------------------------------

  private runFind(req: CommandRequest, stats: ExecStats): { name: string; matches: Match[]; results: ResultDoc[] } {
    const name = collectionName(req, 'find');
    const filter = optionalDocument(req.cmd, 'filter') ?? {};
    const projection = optionalDocument(req.cmd, 'projection');
    const limit = optionalNumber(req.cmd, 'limit');
    const vars = letVariables(req.cmd);
    if (this.isView(req.db, name)) {
      return { name, matches: [], results: this.evaluate(req.db, name, findAsPipeline(req.cmd), optionalDocument(req.cmd, 'collation'), vars) };
    }
    const matches = findMatches(
      this.storage,
      this.storage.collection(req.db, name),
      filter,
      {
        variables: vars,
        sort: optionalDocument(req.cmd, 'sort'),
        skip: optionalNumber(req.cmd, 'skip'),
        limit: limit === undefined ? undefined : Math.abs(limit),
        collation: optionalDocument(req.cmd, 'collation'),
      },
      stats,
    );
    const results = projection && Object.keys(projection).length > 0
      ? matches.map((m) => projectMatch(m, projection, filter))
      : matches.map((m) => m.doc);
    return { name, matches, results };
  }

  private find(req: CommandRequest): Reply {
    const { name, results } = this.runFind(req, newStats());
    const limit = optionalNumber(req.cmd, 'limit');
    const single = req.cmd.singleBatch === true || (limit !== undefined && limit < 0);
    const batch = this.cursors.open(ns(req.db, name), results, optionalNumber(req.cmd, 'batchSize'), single);
    return cursorReply(ns(req.db, name), batch, true);
  }

  private getMore(req: CommandRequest): Reply {
    const id = req.cmd.getMore;
    if (typeof id !== 'number') throw badValue('getMore must be a cursor id');
    // Not collectionName(): cursors of listCollections and listIndexes live in "$cmd..." namespaces.
    const name = req.cmd.collection;
    if (typeof name !== 'string' || name === '') throw badValue("'collection' must be a non-empty string");
    const batch = this.cursors.getMore(id, ns(req.db, name), optionalNumber(req.cmd, 'batchSize'));
    return cursorReply(ns(req.db, name), batch, false);
  }

  private killCursors(req: CommandRequest): Document {
    collectionName(req, 'killCursors');
    const ids: unknown = req.cmd.cursors;
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'number')) throw badValue('cursors must be an array of cursor ids');
    return { ...this.cursors.kill(ids as number[]), cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  private count(req: CommandRequest): Document {
    const name = collectionName(req, 'count');
    const coll = this.storage.collection(req.db, name);
    const query = optionalDocument(req.cmd, 'query') ?? {};
    const skip = optionalNumber(req.cmd, 'skip');
    const limit = optionalNumber(req.cmd, 'limit');
    const collation = optionalDocument(req.cmd, 'collation');
    if (this.isView(req.db, name)) {
      const pipeline: Document[] = [{ $match: query }];
      if (skip) pipeline.push({ $skip: skip });
      if (limit) pipeline.push({ $limit: Math.abs(limit) });
      return { n: this.evaluate(req.db, name, pipeline, collation, undefined).length, ok: 1 };
    }
    return { n: countMatches(this.storage, coll, query, { skip, limit: limit && Math.abs(limit), collation }, newStats()), ok: 1 };
  }

  private distinct(req: CommandRequest): Document {
    const name = collectionName(req, 'distinct');
    const key = req.cmd.key;
    if (typeof key !== 'string' || key === '') throw badValue("'key' must be a non-empty string");
    const query = optionalDocument(req.cmd, 'query') ?? {};
    const collation = optionalDocument(req.cmd, 'collation');
    const target = this.storage.collection(req.db, name);
    const collated = collationKey(collation ?? (target && typeof target.options.viewOn === 'string' ? viewCollation(target) : effectiveCollation(undefined, target?.options.collation)));
    const docs = this.isView(req.db, name)
      ? this.evaluate(req.db, name, [{ $match: query }], collation, undefined)
      : findMatches(this.storage, this.storage.collection(req.db, name), query, { collation }, newStats()).map((m) => exactOf(m.doc));
    const values = new Map<string, unknown>();
    const collect = (v: unknown, parts: string[]): void => {
      if (parts.length === 0) {
        for (const x of Array.isArray(v) ? v : [v]) {
          if (x === undefined) continue;
          // Under a collation, values it deems equal are one value (the first one met).
          const id = keyOf(toView(collated ? mapStrings(x, collated) : x)).toString('latin1');
          if (!values.has(id)) values.set(id, x);
        }
        return;
      }
      if (Array.isArray(v)) return v.forEach((x) => collect(x, parts));
      if (isPlainObject(v)) collect(v[parts[0]!], parts.slice(1));
    };
    for (const doc of docs) collect(doc, key.split('.'));
    // Sorted by canonical key, which follows MongoDB's ordering for scalars.
    const sorted = [...values.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    return { values: sorted, ok: 1 };
  }

  private aggregate(req: CommandRequest): Reply {
    const dbLevel = req.cmd.aggregate === 1;
    if (!dbLevel && typeof req.cmd.aggregate !== 'string') throw badValue("'aggregate' must be a collection name or 1");
    const name = dbLevel ? undefined : collectionName(req, 'aggregate');
    const pipeline: unknown = req.cmd.pipeline;
    if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject)) throw badValue("'pipeline' must be an array of stages");
    const cursorOptions = optionalDocument(req.cmd, 'cursor');
    if (!cursorOptions && req.cmd.explain !== true) {
      throw new CommandError(9, 'FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
    }
    const stages = pipeline as Document[];
    const last = stages.at(-1);
    const writeStage = last && ('$out' in last || '$merge' in last) ? last : undefined;
    const body = writeStage ? stages.slice(0, -1) : stages;
    for (const stage of body) {
      const op = Object.keys(stage)[0];
      if (op === '$out' || op === '$merge') throw new CommandError(40601, 'Location40601', `${op} can only be the final stage in the pipeline`);
    }
    const target = ns(req.db, name ?? '$cmd.aggregate');
    const vars = letVariables(req.cmd);
    const collation = optionalDocument(req.cmd, 'collation');
    const counted = name && !writeStage && !vars && !this.isView(req.db, name) ? this.countPipeline(req, name, stages) : undefined;
    const results = counted ?? this.evaluate(req.db, name, body, collation, vars);
    if (writeStage) {
      if ('$out' in writeStage) this.out(req, writeStage.$out, results);
      else this.merge(req, writeStage.$merge, results, vars);
      return cursorReply(target, this.cursors.open(target, [], 0), true);
    }
    const batch = this.cursors.open(target, results, optionalNumber(cursorOptions ?? {}, 'batchSize'));
    return cursorReply(target, batch, true);
  }

  private endSessions(req: CommandRequest): Document {
    const ids: unknown = req.raw.endSessions;
    if (Array.isArray(ids)) for (const lsid of ids) if (isPlainObject(lsid)) this.sessions.delete(keyOf(lsid.id).toString('hex'));
    return { ok: 1 };
  }

  /** The first stage of a pipeline that produces its own documents ($listLocalSessions, $collStats), as $documents. */
  private sourceStage(db: string, name: string | undefined, stage: Document | undefined): Document | undefined {
    if (!stage) return undefined;
    if ('$listLocalSessions' in stage) {
      if (name !== undefined) throw new CommandError(40602, 'Location40602', '$listLocalSessions must be run against the database with {aggregate: 1}');
      const uid = new Binary(Buffer.alloc(32), 0);
      return { $documents: [...this.sessions.values()].map((s) => ({ _id: { id: s.id, uid }, lastUse: s.lastUse, user: { name: 'devdb@admin' } })) };
    }
    if ('$collStats' in stage) {
      if (name === undefined) throw new CommandError(73, 'InvalidNamespace', '$collStats must be run against a collection');
      const spec = isPlainObject(stage.$collStats) ? stage.$collStats : {};
      const coll = this.storage.collection(db, name);
      if (!coll && (spec.count || spec.storageStats)) throw namespaceNotFound(ns(db, name));
      const out: Document = { ns: ns(db, name), host: 'localhost', localTime: new Date() };
      if (coll && isPlainObject(spec.count)) out.count = this.storage.count(coll);
      if (coll && isPlainObject(spec.storageStats)) {
        const { count, size } = this.collectionSizes(coll);
        out.storageStats = { count, size, avgObjSize: count ? Math.round(size / count) : 0, storageSize: size, nindexes: coll.indexes.length + 1, totalIndexSize: 0, capped: false };
      }
      return { $documents: [out] };
    }
    return undefined;
  }

  /**
   * $collStats on a view: the view's namespace (latency statistics are all devdb can say); `count` and
   * `storageStats` fail as on mongod, whose log shows `{$collStats: {storageStats: ...}}` on a view answered
   * 166 "Namespace db.v is a view, not a collection" (percona/mongodb_exporter#502, MongoDB 5.0).
   */
  private viewCollStats(db: string, name: string, spec: unknown): Document {
    if (isPlainObject(spec) && (spec.count !== undefined || spec.storageStats !== undefined)) {
      throw new CommandError(166, 'CommandNotSupportedOnView', `Namespace ${ns(db, name)} is a view, not a collection`);
    }
    const out: Document = { ns: ns(db, name), host: 'localhost', localTime: new Date() };
    if (isPlainObject(spec) && spec.latencyStats !== undefined) {
      const none = { latency: 0, ops: 0 };
      out.latencyStats = { reads: none, writes: none, commands: none, transactions: none };
    }
    return { $documents: [out] };
  }

  private isView(db: string, name: string): boolean {
    return typeof this.storage.collection(db, name)?.options.viewOn === 'string';
  }

  /**
   * The documents `pipeline` outputs over a collection (its leading $match through the query path,
   * so it can use an index), a view (its pipeline first), or nothing (database-level, `$documents`).
   */
  private evaluate(db: string, name: string | undefined, pipeline: Document[], collation: Document | undefined, vars: Document | undefined, depth = 0): Document[] {
    const coll = name === undefined ? undefined : this.storage.collection(db, name);
    if (coll && typeof coll.options.viewOn === 'string') {
      if (depth > 20) throw new CommandError(165, 'ViewDepthLimitExceeded', 'View depth too deep or view cycle detected; maximum depth is 20');
      const own = viewCollation(coll);
      // MongoDB (docs, "Create a View with Default Collation"): reads of a view use its collation, simple when it
      // has none (it does not inherit its collection's); an operation naming another one fails (SERVER-25186).
      if (collation !== undefined && !sameCollation(collation, own)) {
        throw new CommandError(167, 'OptionNotSupportedOnView', "Cannot override a view's default collation");
      }
      if (pipeline[0] && '$collStats' in pipeline[0]) {
        return new Aggregator([this.viewCollStats(db, name!, pipeline[0].$collStats), ...pipeline.slice(1)], { collation: collationOf(own), variables: vars }).run([]) as Document[];
      }
      const viewPipeline = (Array.isArray(coll.options.pipeline) ? toView(coll.options.pipeline) : []) as Document[];
      return this.evaluate(db, coll.options.viewOn, [...viewPipeline, ...pipeline], own, vars, depth + 1);
    }
    const source = this.sourceStage(db, name, pipeline[0]);
    if (source) {
      return new Aggregator([source, ...pipeline.slice(1)], { collation: collationOf(collation), variables: vars }).run([]) as Document[];
    }
    if (name === undefined && !(pipeline[0] && '$documents' in pipeline[0])) {
      throw new CommandError(73, 'InvalidNamespace', "{aggregate: 1} is not valid for '$match'; a collection is required.");
    }
    const [first, ...rest] = pipeline;
    const leadingMatch = name !== undefined && first && isPlainObject(first.$match) ? (first.$match as Document) : undefined;
    const stages = leadingMatch ? rest : pipeline;
    const matches = name === undefined ? [] : findMatches(this.storage, coll, leadingMatch ?? {}, { collation, variables: vars }, newStats());
    const effective = effectiveCollation(collation, coll?.options.collation);
    let output: Document[];
    try {
      const options = {
        collation: collationOf(effective),
        variables: vars,
        jsonSchemaValidator: viewSchemaValidator,
        collectionResolver: (other: string) => this.viewsOf(db, other),
      };
      output = runCollated(stages, options, matches.map((m) => m.view), collationKey(effective), vars);
    } catch (err) {
      if (err instanceof CommandError) throw err;
      throw badValue(`aggregation failed: ${(err as Error).message}`);
    }
    // $count over no document outputs no document (mingo answers a count of 0).
    const last = pipeline.at(-1);
    if (last && typeof last.$count === 'string' && output.length === 1 && output[0]![last.$count] === 0) output = [];
    // Documents that still carry a source _id get that document's exact numeric types back.
    const byId = new Map(matches.map((m) => [keyOf(m.view._id).toString('latin1'), m.doc]));
    return output.map((doc) => {
      const source = isPlainObject(doc) && '_id' in doc ? byId.get(keyOf(doc._id).toString('latin1')) : undefined;
      return source ? (restoreTypes(doc, exactOf(source)) as Document) : doc;
    });
  }

  /** The collection a $out or $merge writes to: a name, or `{db, coll}`. */
  private outputTarget(req: CommandRequest, spec: unknown, stage: string): { db: string; name: string } {
    const db = isPlainObject(spec) && typeof spec.db === 'string' ? spec.db : req.db;
    const name = typeof spec === 'string' ? spec : isPlainObject(spec) ? spec.coll : undefined;
    if (typeof name !== 'string' || name === '' || name.includes('$')) throw new CommandError(73, 'InvalidNamespace', `Invalid ${stage} target namespace: '${db}.${String(name)}'`);
    if (this.isView(db, name)) throw new CommandError(166, 'CommandNotSupportedOnView', `Namespace ${db}.${name} is a view, not a collection`);
    return { db, name };
  }

  /** $out: the target's documents become the results (its indexes and options stay); all or nothing. */
  private out(req: CommandRequest, spec: unknown, results: Document[]): void {
    const { db, name } = this.outputTarget(req, spec, '$out');
    const { coll } = this.ensureCollection(db, name);
    for (const row of [...this.storage.scan(coll)]) deleteDocument(this.storage, coll, row);
    const validate = this.validatorFor(req, coll);
    for (const doc of results) {
      const stored = idFirst('_id' in doc ? doc : { _id: new ObjectId(), ...doc });
      validate(stored);
      insertDocument(this.storage, coll, stored);
    }
  }

  /** $merge: each result is matched on `on` (default _id) and replaces, merges, keeps, fails or is inserted. */
  private merge(req: CommandRequest, spec: unknown, results: Document[], vars: Document | undefined): void {
    const options: Document = typeof spec === 'string' ? { into: spec } : isPlainObject(spec) ? spec : {};
    const { db, name } = this.outputTarget(req, options.into, '$merge');
    const on = options.on === undefined ? ['_id'] : typeof options.on === 'string' ? [options.on] : options.on;
    if (!Array.isArray(on) || on.length === 0 || !on.every((f) => typeof f === 'string')) throw badValue("$merge 'on' must be a field name or an array of field names");
    const whenMatched: unknown = options.whenMatched ?? 'merge';
    const whenNotMatched: unknown = options.whenNotMatched ?? 'insert';
    if (!['replace', 'keepExisting', 'merge', 'fail'].includes(whenMatched as string) && !Array.isArray(whenMatched)) {
      throw badValue(`Enumeration value '${String(whenMatched)}' for field 'whenMatched' is not a valid value.`);
    }
    if (!['insert', 'discard', 'fail'].includes(whenNotMatched as string)) throw badValue(`Enumeration value '${String(whenNotMatched)}' for field 'whenNotMatched' is not a valid value.`);
    const { coll } = this.ensureCollection(db, name);
    const onFields = on as string[];
    if (!(onFields.length === 1 && onFields[0] === '_id') && !coll.indexes.some((i) => i.spec.unique === true && sameKeyPattern(Object.fromEntries(onFields.map((f) => [f, 1])), Object.fromEntries(Object.keys(i.spec.key as Document).map((f) => [f, 1]))))) {
      throw new CommandError(51183, 'Location51183', 'Cannot find index to verify that join fields will be unique');
    }
    const validate = this.validatorFor(req, coll);
    for (const result of results) {
      const doc = onFields.includes('_id') || '_id' in result ? result : { _id: new ObjectId(), ...result };
      const filter = Object.fromEntries(onFields.map((f) => [f, (toView(doc) as Document)[f] ?? null]));
      const [match] = findMatches(this.storage, coll, filter, { limit: 1 }, newStats());
      if (!match) {
        if (whenNotMatched === 'discard') continue;
        if (whenNotMatched === 'fail') throw new CommandError(13113, 'MergeStageNoMatchingDocument', '$merge could not find a matching document in the target collection for at least one document in the source collection');
        const stored = idFirst('_id' in doc ? doc : { _id: new ObjectId(), ...doc });
        validate(stored);
        insertDocument(this.storage, coll, stored);
        continue;
      }
      const old = exactOf(match.doc);
      if (whenMatched === 'keepExisting') continue;
      if (whenMatched === 'fail') {
        throw duplicateKeyError(ns(db, name), onFields.length === 1 && onFields[0] === '_id' ? '_id_' : onFields.join('_'), Object.fromEntries(onFields.map((f) => [f, 1])), filter);
      }
      let next: Document;
      if (whenMatched === 'replace') next = { ...doc, _id: old._id };
      else if (whenMatched === 'merge') next = { ...old, ...doc, _id: old._id };
      else {
        const variables = { ...(isPlainObject(options.let) ? options.let : {}), ...vars, new: toView(doc) };
        const [updated] = new Aggregator(toView(whenMatched) as Document[], { variables }).run([match.view]) as Document[];
        next = restoreTypes({ ...updated, _id: old._id }, old) as Document;
      }
      next = idFirst(next);
      validate(next, old);
      replaceDocument(this.storage, coll, match, next);
    }
  }

  /**
   * The pipeline the driver sends for countDocuments ($match, optional $skip and $limit, then a
   * $group of a constant summing 1) answered by countMatches, which counts on an index when it can.
   * Undefined for any other pipeline.
   */
  private countPipeline(req: CommandRequest, name: string, pipeline: Document[]): Document[] | undefined {
    const stages = [...pipeline];
    const group = stages.pop()?.$group as unknown;
    if (!isPlainObject(group)) return undefined;
    const { _id: id, ...accumulators } = group;
    const entries = Object.entries(accumulators);
    const [field, accumulator] = entries[0] ?? [];
    if (entries.length !== 1 || !isPlainObject(accumulator) || Object.keys(accumulator).length !== 1 || accumulator.$sum !== 1) return undefined;
    if (!(id === null || typeof id === 'number' || (typeof id === 'string' && !id.startsWith('$')))) return undefined;
    let filter: Document = {};
    let skip: number | undefined;
    let limit: number | undefined;
    if (stages[0] && '$match' in stages[0]) {
      if (!isPlainObject(stages[0].$match)) return undefined;
      filter = stages.shift()!.$match as Document;
    }
    if (stages[0] && '$skip' in stages[0] && typeof stages[0].$skip === 'number') skip = stages.shift()!.$skip as number;
    if (stages[0] && '$limit' in stages[0] && typeof stages[0].$limit === 'number') limit = stages.shift()!.$limit as number;
    if (stages.length > 0 || (limit !== undefined && limit <= 0) || (skip !== undefined && skip < 0)) return undefined;
    const collation = optionalDocument(req.cmd, 'collation');
    const n = countMatches(this.storage, this.storage.collection(req.db, name), filter, { skip, limit, collation }, newStats());
    // $group over no document yields no document.
    return n === 0 ? [] : [{ _id: id, [field!]: n }];
  }

  private viewsOf(db: string, name: string): Document[] {
    const coll = this.storage.collection(db, name);
    if (coll && typeof coll.options.viewOn === 'string') return this.evaluate(db, name, [], undefined, undefined).map((d) => toView(d) as Document);
    return coll ? [...this.storage.scan(coll)].map((row) => viewOf(row.doc)) : [];
  }

  private explain(req: CommandRequest): Document {
    const inner = optionalDocument(req.raw, 'explain');
    if (!inner || Object.keys(inner)[0] !== 'find') throw badValue('devdb explains find commands only');
    const innerReq: CommandRequest = { ...req, raw: inner, cmd: toView(inner) as Document };
    const stats = newStats();
    const started = Date.now();
    const { name, matches } = this.runFind(innerReq, stats);
    if (this.isView(req.db, name)) return this.explainView(req.db, name, findAsPipeline(innerReq.cmd));
    const coll = this.storage.collection(req.db, name);
    const filter = optionalDocument(innerReq.cmd, 'filter') ?? {};
    const sort = optionalDocument(innerReq.cmd, 'sort');
    const plan = coll ? planFor(this.storage, coll, filter, { sort, collation: optionalDocument(innerReq.cmd, 'collation') }) : { kind: 'collscan' as const };
    const scan = describePlan(plan, filter);
    const sortedInMemory = sort && Object.keys(sort).length > 0 && !(plan.kind === 'index' && plan.order);
    const winningPlan = sortedInMemory ? { stage: 'SORT', sortPattern: sort, inputStage: scan } : scan;
    return {
      queryPlanner: { namespace: ns(req.db, name), parsedQuery: filter, winningPlan, rejectedPlans: [] },
      executionStats: {
        executionSuccess: true,
        nReturned: matches.length,
        executionTimeMillis: Date.now() - started,
        totalKeysExamined: stats.keysExamined,
        totalDocsExamined: stats.docsExamined,
      },
      serverInfo: { host: 'devdb', version: SERVER_VERSION },
      ok: 1,
    };
  }

  /**
   * Explain of a find on a view, in the shape mongod gives an aggregation: MongoDB runs a read of a view as
   * its pipeline followed by the find's filter, sort, skip, limit and projection as stages (docs, "Views",
   * DOCS-11663), so the plan reads the view's collection (`$cursor`) and the other stages follow.
   */
  private explainView(db: string, name: string, stages: Document[]): Document {
    let pipeline = stages;
    let source = name;
    for (let coll = this.storage.collection(db, source); coll && typeof coll.options.viewOn === 'string'; coll = this.storage.collection(db, source)) {
      pipeline = [...((Array.isArray(coll.options.pipeline) ? toView(coll.options.pipeline) : []) as Document[]), ...pipeline];
      source = coll.options.viewOn;
    }
    const coll = this.storage.collection(db, source);
    const first = pipeline[0];
    const filter = first && isPlainObject(first.$match) ? (first.$match as Document) : {};
    const rest = first && isPlainObject(first.$match) ? pipeline.slice(1) : pipeline;
    const plan = coll ? planFor(this.storage, coll, filter) : { kind: 'collscan' as const };
    return {
      explainVersion: '1',
      stages: [{ $cursor: { queryPlanner: { namespace: ns(db, source), parsedQuery: filter, winningPlan: describePlan(plan, filter), rejectedPlans: [] } } }, ...rest],
      serverInfo: { host: 'devdb', version: SERVER_VERSION },
      ok: 1,
    };
  }

  // -- writes --------------------------------------------------------------------------------------

  /**
   * Runs each statement of a write command in its own savepoint: a failing statement is undone
   * alone and reported in writeErrors; ordered commands stop there, as mongod does.
   */
  private eachStatement<T>(items: T[], ordered: boolean, run: (item: T, index: number) => void): Document[] {
    const errors: Document[] = [];
    for (let i = 0; i < items.length; i++) {
      try {
        this.storage.transaction(() => run(items[i]!, i));
      } catch (err) {
        if (!(err instanceof CommandError)) throw err;
        errors.push(writeError(i, err));
        if (ordered) break;
      }
    }
    return errors;
  }

  private insert(req: CommandRequest): Document {
    const name = collectionName(req, 'insert');
    this.refuseView(req.db, name);
    const docs = documentArray(req.raw, 'documents');
    const { coll } = this.ensureCollection(req.db, name);
    const validate = this.validatorFor(req, coll);
    let n = 0;
    const writeErrors = this.eachStatement(docs, req.cmd.ordered !== false, (doc) => {
      validateId(doc._id);
      const stored = idFirst(doc);
      validate(stored);
      insertDocument(this.storage, coll, stored);
      n++;
    });
    return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
  }

  private update(req: CommandRequest): Document {
    const name = collectionName(req, 'update');
    this.refuseView(req.db, name);
    const statements = documentArray(req.raw, 'updates');
    // MongoDB 7.0 (the version devdb answers as) has no sort on update statements: it refuses them.
    if (statements.some((statement) => statement.sort !== undefined)) {
      throw new CommandError(40415, 'IDLUnknownField', "BSON field 'update.updates.sort' is an unknown field.");
    }
    let coll = this.storage.collection(req.db, name);
    if (!coll && statements.some((s) => s.upsert === true)) coll = this.ensureCollection(req.db, name).coll;
    const validate = this.validatorFor(req, coll);
    const variables = letVariables(req.cmd);
    let n = 0;
    let nModified = 0;
    const upserted: Document[] = [];
    const writeErrors = this.eachStatement(statements, req.cmd.ordered !== false, (statement, index) => {
      const filterRaw = isPlainObject(statement.q) ? statement.q : {};
      const filter = toView(filterRaw) as Document;
      const update = validateUpdate(statement.u);
      const multi = statement.multi === true;
      if (multi && !Array.isArray(update) && !Object.keys(update)[0]?.startsWith('$') && Object.keys(update).length > 0) {
        throw new CommandError(9, 'FailedToParse', 'multi update is not supported for replacement-style update');
      }
      const arrayFilters = Array.isArray(statement.arrayFilters) ? (toView(statement.arrayFilters) as Document[]) : undefined;
      const collation = isPlainObject(statement.collation) ? (toView(statement.collation) as Document) : undefined;
      const matches = findMatches(this.storage, coll, filter, { limit: multi ? undefined : 1, collation, variables }, newStats());
      for (const match of matches) {
        const before = exactOf(match.doc);
        const next = applyUpdate(before, match.view, update, { filter, arrayFilters, inserting: false, variables });
        validate(next, exactOf(match.doc));
        if (replaceDocument(this.storage, coll!, match, next)) nModified++;
        n++;
      }
      if (matches.length === 0 && statement.upsert === true) {
        const seed = upsertSeed(filterRaw);
        const doc = applyUpdate(seed, toView(seed) as Document, update, { filter, arrayFilters, inserting: true, variables });
        validateId(doc._id);
        validate(doc);
        insertDocument(this.storage, coll!, doc);
        upserted.push({ index, _id: doc._id });
        n++;
      }
    });
    const reply: Document = { n, nModified, ok: 1 };
    if (upserted.length) reply.upserted = upserted;
    if (writeErrors.length) reply.writeErrors = writeErrors;
    return reply;
  }

  private delete(req: CommandRequest): Document {
    const name = collectionName(req, 'delete');
    this.refuseView(req.db, name);
    const statements = documentArray(req.cmd, 'deletes');
    const coll = this.storage.collection(req.db, name);
    const variables = letVariables(req.cmd);
    let n = 0;
    const writeErrors = this.eachStatement(statements, req.cmd.ordered !== false, (statement) => {
      const filter = isPlainObject(statement.q) ? statement.q : {};
      const limit = statement.limit === 1 ? 1 : undefined;
      const collation = isPlainObject(statement.collation) ? statement.collation : undefined;
      for (const match of findMatches(this.storage, coll, filter, { limit, collation, variables }, newStats())) {
        deleteDocument(this.storage, coll!, match);
        n++;
      }
    });
    return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
  }

  private findAndModify(req: CommandRequest): Document {
    const name = collectionName(req, Object.keys(req.cmd)[0]!);
    this.refuseView(req.db, name);
    const filterRaw = optionalDocument(req.raw, 'query') ?? {};
    const filter = toView(filterRaw) as Document;
    const remove = req.cmd.remove === true;
    const hasUpdate = req.raw.update !== undefined && req.raw.update !== null;
    if (remove === hasUpdate) throw new CommandError(9, 'FailedToParse', 'Either an update or remove=true must be specified, but not both');
    const fields = optionalDocument(req.cmd, 'fields');
    const returnNew = req.cmd.new === true;
    const upsert = req.cmd.upsert === true;
    if (remove && (upsert || returnNew)) throw new CommandError(9, 'FailedToParse', 'Cannot specify remove together with upsert or new');
    const arrayFilters = Array.isArray(req.cmd.arrayFilters) ? (req.cmd.arrayFilters as Document[]) : undefined;
    const collation = optionalDocument(req.cmd, 'collation');

    let coll = this.storage.collection(req.db, name);
    if (!coll && upsert) coll = this.ensureCollection(req.db, name).coll;
    const variables = letVariables(req.cmd);
    const [match] = findMatches(this.storage, coll, filter, { sort: optionalDocument(req.cmd, 'sort'), limit: 1, collation, variables }, newStats());
    const shown = (doc: Document | undefined): Document | null => {
      if (!doc) return null;
      if (!fields || Object.keys(fields).length === 0) return doc;
      const buf = Buffer.from(serialize(doc));
      return projectMatch({ rid: 0, doc: buf, view: viewOf(buf) }, fields, filter);
    };

    if (remove) {
      if (!match) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
      const old = exactOf(match.doc);
      deleteDocument(this.storage, coll!, match);
      return { lastErrorObject: { n: 1 }, value: shown(old), ok: 1 };
    }
    const update = validateUpdate(req.raw.update);
    const validate = this.validatorFor(req, coll);
    if (match) {
      const old = exactOf(match.doc);
      const next = applyUpdate(old, match.view, update, { filter, arrayFilters, inserting: false, variables });
      validate(next, exactOf(match.doc));
      replaceDocument(this.storage, coll!, match, next);
      return { lastErrorObject: { n: 1, updatedExisting: true }, value: shown(returnNew ? next : old), ok: 1 };
    }
    if (!upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    const seed = upsertSeed(filterRaw);
    const doc = applyUpdate(seed, toView(seed) as Document, update, { filter, arrayFilters, inserting: true, variables });
    validateId(doc._id);
    validate(doc);
    insertDocument(this.storage, coll!, doc);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
      value: returnNew ? shown(doc) : null,
      ok: 1,
    };
  }

  // -- collections and indexes ---------------------------------------------------------------------

  private create(req: CommandRequest): Document {
    const name = collectionName(req, 'create');
    if (req.cmd.viewOn !== undefined) {
      if (typeof req.cmd.viewOn !== 'string' || req.cmd.viewOn === '') throw new CommandError(14, 'TypeMismatch', "BSON field 'create.viewOn' is the wrong type, expected type 'string'");
      const pipeline: unknown = req.raw.pipeline ?? [];
      if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject)) throw new CommandError(14, 'TypeMismatch', "BSON field 'create.pipeline' is the wrong type, expected type 'array'");
      for (const stage of pipeline as Document[]) {
        const op = Object.keys(stage)[0];
        if (op === '$out' || op === '$merge') throw new CommandError(51047, 'OptionNotSupportedOnView', `${op} cannot be used in a view definition`);
      }
      let collation = optionalDocument(req.raw, 'collation');
      collationOf(collation);
      const source = this.storage.collection(req.db, req.cmd.viewOn);
      if (source && typeof source.options.viewOn === 'string') {
        // MongoDB: "If creating a view from another view, you cannot specify a collation that differs from the
        // source view's collation"; naming none takes the source view's (SERVER-27762).
        const sourceCollation = viewCollation(source);
        if (collation !== undefined && !sameCollation(collation, sourceCollation)) {
          throw new CommandError(167, 'OptionNotSupportedOnView', `View ${ns(req.db, name)} has a collation that does not match the collation of view ${ns(req.db, req.cmd.viewOn)}`);
        }
        collation ??= collationOf(sourceCollation) ? sourceCollation : undefined;
      }
      if (collation !== undefined && !collationOf(collation)) collation = undefined;
      this.storage.createCollection(req.db, name, { viewOn: req.cmd.viewOn, pipeline, ...(collation ? { collation } : {}) });
      return { ok: 1 };
    }
    // Keep the collection options, not the generic command fields.
    const generic = new Set(['create', '$db', 'lsid', 'txnNumber', '$clusterTime', 'writeConcern', 'readConcern', 'apiVersion', 'apiStrict', 'apiDeprecationErrors', 'comment', '$readPreference']);
    const options = Object.fromEntries(Object.entries(req.raw).filter(([k]) => !generic.has(k)));
    checkValidatorOptions(options);
    if (options.collation !== undefined) {
      if (!isPlainObject(options.collation)) throw badValue("The field 'collation' must be an object");
      // A locale Intl does not know is refused (BadValue); `simple` is no default collation at all.
      if (!collationOf(options.collation)) delete options.collation;
    }
    this.storage.createCollection(req.db, name, options);
    return { ok: 1 };
  }

  /** collMod: changes a collection's validator, validationLevel and validationAction. */
  private collMod(req: CommandRequest): Document {
    const name = collectionName(req, 'collMod');
    const coll = this.storage.collection(req.db, name);
    if (!coll) throw namespaceNotFound(ns(req.db, name));
    const generic = new Set(['collMod', '$db', 'lsid', '$clusterTime', 'writeConcern', 'apiVersion', 'apiStrict', 'apiDeprecationErrors', 'comment', '$readPreference']);
    const changes = Object.fromEntries(Object.entries(req.raw).filter(([k]) => !generic.has(k)));
    const view = typeof coll.options.viewOn === 'string';
    for (const key of Object.keys(changes)) {
      if (view && (key === 'viewOn' || key === 'pipeline')) continue;
      if (view) throw new CommandError(166, 'CommandNotSupportedOnView', `Namespace ${req.db}.${name} is a view, not a collection`);
      if (!isValidatorOption(key)) throw new CommandError(40415, 'IDLUnknownField', `BSON field 'collMod.${key}' is an unknown field.`);
    }
    checkValidatorOptions(changes);
    this.storage.setCollectionOptions(coll, { ...coll.options, ...changes });
    return { ok: 1 };
  }

  private drop(req: CommandRequest): Document {
    const name = collectionName(req, 'drop');
    const coll = this.storage.collection(req.db, name);
    // MongoDB 7 answers ok for a collection that does not exist.
    if (!coll) return { ok: 1 };
    const nIndexesWas = coll.indexes.length + 1;
    this.storage.dropCollection(coll);
    return { nIndexesWas, ns: ns(req.db, name), ok: 1 };
  }

  private dropDatabase(req: CommandRequest): Document {
    for (const coll of this.storage.collections(req.db)) this.storage.dropCollection(coll);
    return { dropped: req.db, ok: 1 };
  }

  private listCollections(req: CommandRequest): Reply {
    const filter = optionalDocument(req.cmd, 'filter') ?? {};
    const query = compileFilter(filter);
    const nameOnly = req.cmd.nameOnly === true;
    const entries = this.storage
      .collections(req.db)
      .map((c) => {
        const view = typeof c.options.viewOn === 'string';
        if (nameOnly) return { name: c.name, type: view ? 'view' : 'collection' };
        if (view) return { name: c.name, type: 'view', options: c.options, info: { readOnly: true } };
        return { name: c.name, type: 'collection', options: c.options, info: { readOnly: false, uuid: c.uuid }, idIndex: ID_INDEX_SPEC };
      })
      .filter((entry) => query.test(toView(entry) as Document));
    const target = `${req.db}.$cmd.listCollections`;
    const batch = this.cursors.open(target, entries, optionalNumber(optionalDocument(req.cmd, 'cursor') ?? {}, 'batchSize'));
    return cursorReply(target, batch, true);
  }

  private listDatabases(req: CommandRequest): Document {
    const filter = optionalDocument(req.cmd, 'filter') ?? {};
    const query = compileFilter(filter);
    const databases = this.storage
      .databases()
      .map((d) => ({ name: d.name, sizeOnDisk: d.sizeOnDisk, empty: d.sizeOnDisk === 0 }))
      .filter((d) => query.test(d));
    if (req.cmd.nameOnly === true) return { databases: databases.map((d) => ({ name: d.name })), ok: 1 };
    const totalSize = databases.reduce((sum, d) => sum + d.sizeOnDisk, 0);
    return { databases, totalSize, totalSizeMb: Math.round(totalSize / 1024 / 1024), ok: 1 };
  }

  private createIndexes(req: CommandRequest): Document {
    const name = collectionName(req, 'createIndexes');
    this.refuseView(req.db, name);
    const specs = req.raw.indexes;
    if (!Array.isArray(specs) || specs.length === 0) throw badValue("'indexes' must be a non-empty array");
    const { coll, created } = this.ensureCollection(req.db, name);
    const before = coll.indexes.length + 1;
    for (const raw of specs) {
      const spec = withCollation(normaliseIndexSpec(raw), coll.options.collation);
      validateTtlSpec(spec);
      if (spec.name === '_id_' || sameKeyPattern(spec.key as Document, { _id: 1 })) continue;
      const sameName = coll.indexes.find((i) => i.name === spec.name);
      if (sameName) {
        if (sameKeyPattern(sameName.spec.key as Document, spec.key as Document) && sameIndexOptions(sameName.spec, spec)) continue;
        throw new CommandError(86, 'IndexKeySpecsConflict', `An existing index has the same name as the requested index but a different key or options. Requested index: ${JSON.stringify(toView(spec))}, existing index: ${JSON.stringify(toView(sameName.spec))}`);
      }
      const sameKey = coll.indexes.find((i) => sameKeyPattern(i.spec.key as Document, spec.key as Document) && sameIndexOptions(i.spec, spec));
      if (sameKey) {
        throw new CommandError(85, 'IndexOptionsConflict', `Index already exists with a different name: ${sameKey.name}`);
      }
      buildIndex(this.storage, coll, spec);
    }
    const after = coll.indexes.length + 1;
    const reply: Document = { createdCollectionAutomatically: created, numIndexesBefore: before, numIndexesAfter: after, ok: 1 };
    if (before === after) reply.note = 'all indexes already exist';
    return reply;
  }

  private listIndexes(req: CommandRequest): Reply {
    const name = collectionName(req, 'listIndexes');
    const coll = this.storage.collection(req.db, name);
    if (!coll) throw namespaceNotFound(ns(req.db, name));
    const target = `${req.db}.$cmd.listIndexes.${name}`;
    const specs = [ID_INDEX_SPEC, ...coll.indexes.map((i) => i.spec)];
    const batch = this.cursors.open(target, specs, optionalNumber(optionalDocument(req.cmd, 'cursor') ?? {}, 'batchSize'));
    return cursorReply(target, batch, true);
  }

  private dropIndexes(req: CommandRequest): Document {
    const name = collectionName(req, Object.keys(req.cmd)[0]!);
    const coll = this.storage.collection(req.db, name);
    if (!coll) throw namespaceNotFound(ns(req.db, name));
    const nIndexesWas = coll.indexes.length + 1;
    const which: unknown = req.cmd.index;
    const find = (spec: unknown): IndexDef => {
      if (spec === '_id_' || (isPlainObject(spec) && sameKeyPattern(spec, { _id: 1 }))) {
        throw new CommandError(72, 'InvalidOptions', 'cannot drop _id index');
      }
      const found = coll.indexes.find((i) => (typeof spec === 'string' ? i.name === spec : isPlainObject(spec) && sameKeyPattern(i.spec.key as Document, spec)));
      if (!found) throw new CommandError(27, 'IndexNotFound', `index not found with name [${typeof spec === 'string' ? spec : JSON.stringify(spec)}]`);
      return found;
    };
    let targets: IndexDef[];
    if (which === '*') targets = [...coll.indexes];
    else if (Array.isArray(which)) targets = which.map(find);
    else if (typeof which === 'string' || isPlainObject(which)) targets = [find(which)];
    else throw badValue("'index' must be a name, a key pattern, an array of names or '*'");
    for (const index of targets) this.storage.removeIndex(coll, index);
    return { nIndexesWas, ok: 1 };
  }
}

/**
 * An index spec with the collation MongoDB gives it: its own (a locale Intl does not know is
 * refused, BadValue), none for `{locale: 'simple'}`, the collection's default when it names none.
 */
function withCollation(spec: Document, collectionDefault: unknown): Document {
  const { collation, ...rest } = spec;
  const chosen = collation === undefined ? (isPlainObject(collectionDefault) ? collectionDefault : undefined) : (collation as Document);
  if (chosen !== undefined && !isPlainObject(chosen)) throw badValue("The field 'collation' must be an object");
  return chosen !== undefined && collationOf(chosen) ? { ...rest, collation: chosen } : rest;
}

/** A view's collation: the one it was created with, simple when none (it does not inherit its collection's). */
function viewCollation(view: CollectionInfo): Document {
  return isPlainObject(view.options.collation) ? view.options.collation : SIMPLE_COLLATION;
}

/**
 * Runs aggregation stages with mingo, except the `$match` stages under a collation that equates
 * strings (strength 1 or 2): mingo compares strings as they are there, so those are matched here on
 * collation keys (« cafe » finds « café » and « cafE » at strength 1), between runs of the others.
 */
function runCollated(stages: Document[], options: ConstructorParameters<typeof Aggregator>[1], docs: Document[], key: ((s: string) => string) | undefined, vars: Document | undefined): Document[] {
  if (!key) return new Aggregator(stages, options).run(docs) as Document[];
  let current = docs;
  let pending: Document[] = [];
  const flush = (): void => {
    if (pending.length > 0) current = new Aggregator(pending, options).run(current) as Document[];
    pending = [];
  };
  for (const stage of stages) {
    if (!isPlainObject(stage.$match)) {
      pending.push(stage);
      continue;
    }
    flush();
    const query = compileFilter(mapStrings(stage.$match, key), undefined, vars);
    current = current.filter((doc) => query.test(mapStrings(doc, key) as Document));
  }
  flush();
  return current;
}

/** A find on a view as the stages MongoDB appends to the view's pipeline: filter, sort, skip, limit, projection. */
function findAsPipeline(cmd: Document): Document[] {
  const sort = optionalDocument(cmd, 'sort');
  const skip = optionalNumber(cmd, 'skip');
  const limit = optionalNumber(cmd, 'limit');
  const projection = optionalDocument(cmd, 'projection');
  const pipeline: Document[] = [{ $match: optionalDocument(cmd, 'filter') ?? {} }];
  if (sort && Object.keys(sort).length > 0) pipeline.push({ $sort: sort });
  if (skip) pipeline.push({ $skip: skip });
  if (limit) pipeline.push({ $limit: Math.abs(limit) });
  if (projection && Object.keys(projection).length > 0) pipeline.push({ $project: projection });
  return pipeline;
}
