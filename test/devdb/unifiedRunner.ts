// A runner of MongoDB's unified-format tests (the subset the CRUD tests use), through the official driver.
// Format: https://github.com/mongodb/specifications/blob/master/source/unified-test-format/unified-test-format.md
import { EJSON } from 'bson';
import {
  Binary,
  Decimal128,
  Double,
  Int32,
  Long,
  MongoClient,
  MongoServerError,
  ObjectId,
  Timestamp,
  type Collection,
  type CommandStartedEvent,
  type CommandSucceededEvent,
  type Db,
  type Document,
} from 'mongodb';

export interface UnifiedFile {
  description: string;
  schemaVersion: string;
  runOnRequirements?: Requirement[];
  createEntities?: Document[];
  initialData?: Array<{ collectionName: string; databaseName: string; documents: Document[]; createOptions?: Document }>;
  tests: UnifiedTest[];
}

interface Requirement {
  minServerVersion?: string;
  maxServerVersion?: string;
  topologies?: string[];
  serverless?: 'require' | 'forbid' | 'allow';
  auth?: boolean;
  csfle?: boolean;
  serverParameters?: Document;
}

export interface UnifiedTest {
  description: string;
  runOnRequirements?: Requirement[];
  skipReason?: string;
  operations: Operation[];
  expectEvents?: Array<{ client: string; eventType?: string; events: Document[]; ignoreExtraEvents?: boolean }>;
  outcome?: Array<{ collectionName: string; databaseName: string; documents: Document[] }>;
}

interface Operation {
  name: string;
  object: string;
  arguments?: Document;
  expectResult?: unknown;
  expectError?: Document;
  saveResultAsEntity?: string;
  ignoreResultAndError?: boolean;
}

export function parseUnified(text: string): UnifiedFile {
  // Relaxed: numbers become JS numbers, which the driver's options need (limit, batchSize...).
  return EJSON.parse(text, { relaxed: true }) as UnifiedFile;
}

// -- requirements ---------------------------------------------------------------------------------

function versionParts(v: string): number[] {
  return v.split('.').map((p) => Number.parseInt(p, 10) || 0);
}

function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface ServerFacts {
  version: string;
  topology: 'single' | 'replicaset' | 'sharded';
  auth: boolean;
}

/** Why the test does not apply to this server, or undefined when it does. */
export function notApplicable(file: UnifiedFile, test: UnifiedTest, server: ServerFacts): string | undefined {
  if (test.skipReason) return test.skipReason;
  if (test.operations.some((op) => op.name === 'failPoint')) return 'needs failpoints (test commands, off on a production mongod)';
  for (const reqs of [file.runOnRequirements, test.runOnRequirements]) {
    if (!reqs || reqs.length === 0) continue;
    const met = reqs.some(
      (r) =>
        (!r.minServerVersion || compareVersions(server.version, r.minServerVersion) >= 0) &&
        (!r.maxServerVersion || compareVersions(server.version, r.maxServerVersion) <= 0) &&
        (!r.topologies || r.topologies.includes(server.topology)) &&
        r.serverless !== 'require' &&
        (r.auth === undefined || r.auth === server.auth) &&
        !r.csfle &&
        !r.serverParameters,
    );
    if (!met) return 'runOnRequirements not met by a standalone server';
  }
  return undefined;
}

// -- matching ---------------------------------------------------------------------------------------

class Mismatch extends Error {}

function isNumber(v: unknown): boolean {
  return typeof v === 'number' || v instanceof Int32 || v instanceof Long || v instanceof Double || v instanceof Decimal128;
}

function numberOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Decimal128) return Number(v.toString());
  return (v as Int32 | Double).valueOf();
}

function bsonType(v: unknown): string[] {
  if (v === null) return ['null'];
  if (v === undefined) return ['undefined'];
  if (typeof v === 'string') return ['string'];
  if (typeof v === 'boolean') return ['bool'];
  if (v instanceof Int32) return ['int', 'number'];
  if (v instanceof Long) return ['long', 'number'];
  if (v instanceof Double) return ['double', 'number'];
  if (v instanceof Decimal128) return ['decimal', 'number'];
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? ['int', 'number', 'double'] : ['double', 'number', 'long'];
  if (v instanceof ObjectId) return ['objectId'];
  if (v instanceof Date) return ['date'];
  if (v instanceof Binary) return ['binData'];
  if (v instanceof Timestamp) return ['timestamp'];
  if (v instanceof RegExp) return ['regex'];
  if (Array.isArray(v)) return ['array'];
  return ['object'];
}

function show(v: unknown): string {
  try {
    return EJSON.stringify(v as Document, { relaxed: true });
  } catch {
    return String(v);
  }
}

function isPlain(v: unknown): v is Document {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && bsonType(v)[0] === 'object';
}

/** The unified format's matching: root documents may have extra fields, nested ones too (except arrays' lengths). */
function match(expected: unknown, actual: unknown, entities: Map<string, unknown>, path = '', root = true): void {
  // The driver sends some fields (sort) as Maps.
  if (Object.prototype.toString.call(actual) === '[object Map]') actual = Object.fromEntries(actual as Map<string, unknown>);
  if (isPlain(expected)) {
    const keys = Object.keys(expected);
    if (keys.length === 1 && keys[0]!.startsWith('$$')) {
      specialMatch(keys[0]!, expected[keys[0]!], actual, entities, path, root);
      return;
    }
    if (!isPlain(actual)) throw new Mismatch(`${path || 'root'}: expected a document ${show(expected)}, got ${show(actual)}`);
    for (const key of keys) {
      const e = expected[key];
      if (isPlain(e) && Object.keys(e).length === 1 && '$$exists' in e) {
        const present = Object.prototype.hasOwnProperty.call(actual, key) && actual[key] !== undefined;
        if (present !== e.$$exists) throw new Mismatch(`${path}.${key}: expected ${e.$$exists ? 'present' : 'absent'}`);
        continue;
      }
      if (isPlain(e) && Object.keys(e).length === 1 && '$$unsetOrMatches' in e && actual[key] === undefined) continue;
      if (!Object.prototype.hasOwnProperty.call(actual, key) || actual[key] === undefined) {
        throw new Mismatch(`${path}.${key}: missing (expected ${show(e)})`);
      }
      match(e, actual[key], entities, `${path}.${key}`, false);
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) throw new Mismatch(`${path || 'root'}: expected an array ${show(expected)}, got ${show(actual)}`);
    if (actual.length !== expected.length) throw new Mismatch(`${path || 'root'}: expected ${expected.length} elements ${show(expected)}, got ${actual.length}: ${show(actual)}`);
    expected.forEach((e, i) => match(e, actual[i], entities, `${path}[${i}]`, false));
    return;
  }
  if (isNumber(expected)) {
    if (!isNumber(actual) || numberOf(expected) !== numberOf(actual)) throw new Mismatch(`${path || 'root'}: expected ${show(expected)}, got ${show(actual)}`);
    return;
  }
  if (expected === null) {
    if (actual !== null && actual !== undefined) throw new Mismatch(`${path || 'root'}: expected null, got ${show(actual)}`);
    return;
  }
  if (show(expected) !== show(actual)) throw new Mismatch(`${path || 'root'}: expected ${show(expected)}, got ${show(actual)}`);
}

function specialMatch(op: string, arg: unknown, actual: unknown, entities: Map<string, unknown>, path: string, root: boolean): void {
  switch (op) {
    case '$$unsetOrMatches':
      if (actual !== undefined) match(arg, actual, entities, path, root);
      return;
    case '$$exists':
      if ((actual !== undefined) !== arg) throw new Mismatch(`${path}: expected ${arg ? 'present' : 'absent'}`);
      return;
    case '$$type': {
      const wanted = Array.isArray(arg) ? (arg as string[]) : [arg as string];
      if (!bsonType(actual).some((t) => wanted.includes(t))) throw new Mismatch(`${path}: expected type ${wanted.join('|')}, got ${show(actual)}`);
      return;
    }
    case '$$matchesEntity':
      match(entities.get(arg as string), actual, entities, path, root);
      return;
    case '$$lte':
      if (!isNumber(actual) || numberOf(actual) > numberOf(arg)) throw new Mismatch(`${path}: expected <= ${show(arg)}, got ${show(actual)}`);
      return;
    case '$$matchAsDocument':
      match(arg, typeof actual === 'string' ? EJSON.parse(actual, { relaxed: false }) : actual, entities, path, true);
      return;
    case '$$matchAsRoot':
      match(arg, actual, entities, path, true);
      return;
    case '$$sessionLsid':
      return;
    default:
      throw new Mismatch(`${path}: unsupported operator ${op}`);
  }
}

/** Outcome data: exact documents (no extra fields), numbers compared by value. */
function matchExactly(expected: unknown, actual: unknown, path: string): void {
  if (isPlain(expected)) {
    if (!isPlain(actual)) throw new Mismatch(`${path}: expected ${show(expected)}, got ${show(actual)}`);
    const ek = Object.keys(expected);
    const ak = Object.keys(actual).filter((k) => actual[k] !== undefined);
    if (ek.length !== ak.length || ek.some((k) => !ak.includes(k))) throw new Mismatch(`${path}: expected ${show(expected)}, got ${show(actual)}`);
    for (const k of ek) matchExactly(expected[k], actual[k], `${path}.${k}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) throw new Mismatch(`${path}: expected ${show(expected)}, got ${show(actual)}`);
    expected.forEach((e, i) => matchExactly(e, actual[i], `${path}[${i}]`));
    return;
  }
  match(expected, actual, new Map(), path, false);
}

// -- running ----------------------------------------------------------------------------------------

interface ClientEntity {
  client: MongoClient;
  events: Array<{ type: 'commandStartedEvent' | 'commandSucceededEvent'; event: CommandStartedEvent | CommandSucceededEvent }>;
  ignored: Set<string>;
}

const ALWAYS_IGNORED = new Set(['configureFailPoint', 'hello', 'isMaster', 'ismaster', 'saslStart', 'saslContinue', 'getnonce', 'authenticate', 'buildInfo', 'endSessions']);

function withEntities(args: Document, entities: Map<string, unknown>): Document {
  const out: Document = { ...args };
  if (typeof out.session === 'string') out.session = entities.get(out.session);
  return out;
}

function split(args: Document, ...names: string[]): [unknown[], Document] {
  const rest: Document = { ...args };
  const taken = names.map((n) => {
    const v = rest[n];
    delete rest[n];
    return v;
  });
  return [taken, rest];
}

async function runOperation(op: Operation, entities: Map<string, unknown>): Promise<unknown> {
  const target = entities.get(op.object);
  const args = withEntities(op.arguments ?? {}, entities);
  // The format spells it 'Before'/'After', the Node driver 'before'/'after'.
  if (typeof args.returnDocument === 'string') args.returnDocument = args.returnDocument.toLowerCase();
  if (op.object === 'testRunner') throw new Error(`testRunner operation ${op.name} is not supported by this runner`);
  if (target instanceof MongoClient) {
    if (op.name !== 'clientBulkWrite') throw new Error(`client operation ${op.name} is not supported by this runner`);
    const [[models], opts] = split(args, 'models');
    const converted = (models as Document[]).map((model) => {
      const [name, spec] = Object.entries(model)[0] as [string, Document];
      return { name, ...spec };
    });
    return target.bulkWrite(converted as never, opts);
  }
  const isDb = (t: unknown): t is Db => typeof t === 'object' && t !== null && 'databaseName' in t && !('collectionName' in t);
  if (isDb(target)) {
    switch (op.name) {
      case 'aggregate': {
        const [[pipeline], opts] = split(args, 'pipeline');
        return target.aggregate(pipeline as Document[], opts).toArray();
      }
      case 'runCommand': {
        const [[command], opts] = split(args, 'command', 'commandName');
        return target.command(command as Document, opts);
      }
      case 'createCollection': {
        const [[name], opts] = split(args, 'collection');
        await target.createCollection(name as string, opts);
        return undefined;
      }
      case 'dropCollection': {
        const [[name], opts] = split(args, 'collection');
        await target.dropCollection(name as string, opts);
        return undefined;
      }
      case 'modifyCollection': {
        const [[name], opts] = split(args, 'collection');
        return target.command({ collMod: name, ...opts });
      }
      case 'listCollections':
        return target.listCollections(args.filter as Document | undefined).toArray();
      default:
        throw new Error(`database operation ${op.name} is not supported by this runner`);
    }
  }
  const coll = target as Collection;
  switch (op.name) {
    case 'insertOne': {
      const [[doc], opts] = split(args, 'document');
      return coll.insertOne(doc as Document, opts);
    }
    case 'insertMany': {
      const [[docs], opts] = split(args, 'documents');
      return coll.insertMany(docs as Document[], opts);
    }
    case 'find': {
      const [[filter], opts] = split(args, 'filter');
      return coll.find(filter as Document, opts).toArray();
    }
    case 'findOne': {
      const [[filter], opts] = split(args, 'filter');
      return coll.findOne(filter as Document, opts);
    }
    case 'aggregate': {
      const [[pipeline], opts] = split(args, 'pipeline');
      return coll.aggregate(pipeline as Document[], opts).toArray();
    }
    case 'distinct': {
      const [[field, filter], opts] = split(args, 'fieldName', 'filter');
      return coll.distinct(field as string, (filter as Document) ?? {}, opts);
    }
    case 'countDocuments': {
      const [[filter], opts] = split(args, 'filter');
      return coll.countDocuments(filter as Document, opts);
    }
    case 'estimatedDocumentCount':
      return coll.estimatedDocumentCount(args);
    case 'count': {
      const [[filter], opts] = split(args, 'filter');
      return coll.count(filter as Document, opts);
    }
    case 'updateOne':
    case 'updateMany': {
      const [[filter, update], opts] = split(args, 'filter', 'update');
      return op.name === 'updateOne' ? coll.updateOne(filter as Document, update as Document, opts) : coll.updateMany(filter as Document, update as Document, opts);
    }
    case 'replaceOne': {
      const [[filter, replacement], opts] = split(args, 'filter', 'replacement');
      return coll.replaceOne(filter as Document, replacement as Document, opts);
    }
    case 'deleteOne':
    case 'deleteMany': {
      const [[filter], opts] = split(args, 'filter');
      return op.name === 'deleteOne' ? coll.deleteOne(filter as Document, opts) : coll.deleteMany(filter as Document, opts);
    }
    case 'findOneAndUpdate': {
      const [[filter, update], opts] = split(args, 'filter', 'update');
      return coll.findOneAndUpdate(filter as Document, update as Document, opts);
    }
    case 'findOneAndReplace': {
      const [[filter, replacement], opts] = split(args, 'filter', 'replacement');
      return coll.findOneAndReplace(filter as Document, replacement as Document, opts);
    }
    case 'findOneAndDelete': {
      const [[filter], opts] = split(args, 'filter');
      return coll.findOneAndDelete(filter as Document, opts);
    }
    case 'bulkWrite': {
      const [[requests], opts] = split(args, 'requests');
      return coll.bulkWrite(requests as never, opts);
    }
    case 'createIndex': {
      const [[keys], opts] = split(args, 'keys');
      return coll.createIndex(keys as Document, opts);
    }
    case 'listIndexes':
      return coll.listIndexes(args).toArray();
    case 'dropIndex': {
      const [[name], opts] = split(args, 'name');
      return coll.dropIndex(name as string, opts);
    }
    case 'dropIndexes':
      return coll.dropIndexes(args);
    default:
      throw new Error(`collection operation ${op.name} is not supported by this runner`);
  }
}

/** The driver's result as the unified format describes it (bulk results: their counts and ids). */
function resultView(result: unknown): unknown {
  if (result && typeof result === 'object' && result.constructor?.name === 'BulkWriteResult') {
    const r = result as Document;
    return {
      insertedCount: r.insertedCount,
      matchedCount: r.matchedCount,
      modifiedCount: r.modifiedCount,
      deletedCount: r.deletedCount,
      upsertedCount: r.upsertedCount,
      upsertedIds: r.upsertedIds,
      insertedIds: r.insertedIds,
    };
  }
  return result;
}

function checkError(expected: Document, err: unknown, entities: Map<string, unknown>): void {
  const e = err as Error & Document;
  if (expected.isClientError === true && err instanceof MongoServerError) throw new Mismatch(`expected a client error, got a server error: ${e.message}`);
  if (expected.isClientError === false && !(err instanceof MongoServerError)) throw new Mismatch(`expected a server error, got: ${e.message}`);
  if (expected.errorContains !== undefined && !String(e.message).toLowerCase().includes(String(expected.errorContains).toLowerCase())) {
    throw new Mismatch(`error "${e.message}" does not contain "${expected.errorContains}"`);
  }
  if (expected.errorCode !== undefined && numberOf(expected.errorCode) !== e.code) throw new Mismatch(`expected error code ${expected.errorCode}, got ${e.code} (${e.message})`);
  if (expected.errorCodeName !== undefined && expected.errorCodeName !== e.codeName) throw new Mismatch(`expected ${expected.errorCodeName}, got ${e.codeName}`);
  if (expected.errorLabelsContain) {
    for (const label of expected.errorLabelsContain as string[]) if (!e.hasErrorLabel?.(label)) throw new Mismatch(`missing error label ${label}`);
  }
  if (expected.errorLabelsOmit) {
    for (const label of expected.errorLabelsOmit as string[]) if (e.hasErrorLabel?.(label)) throw new Mismatch(`unexpected error label ${label}`);
  }
  if (expected.errorResponse !== undefined) match(expected.errorResponse, e.errorResponse ?? e, entities);
  if (expected.expectResult !== undefined) match(expected.expectResult, resultView(e.result ?? e.partialResult), entities);
  if (expected.writeErrors !== undefined) throw new Mismatch('writeErrors expectations are not supported by this runner');
}

export interface RunContext {
  uri: string;
  /** A client with which the runner prepares and reads data. */
  admin: MongoClient;
}

export async function runUnifiedTest(file: UnifiedFile, test: UnifiedTest, ctx: RunContext): Promise<void> {
  const entities = new Map<string, unknown>();
  const clients = new Map<string, ClientEntity>();
  try {
    for (const def of file.createEntities ?? []) {
      const [kind, spec] = Object.entries(def)[0] as [string, Document];
      switch (kind) {
        case 'client': {
          const observe = new Set<string>((spec.observeEvents as string[] | undefined) ?? []);
          const uriOptions = { ...((spec.uriOptions as Document | undefined) ?? {}) };
          const client = new MongoClient(ctx.uri, { monitorCommands: observe.size > 0, serverSelectionTimeoutMS: 5000, ...uriOptions });
          const entity: ClientEntity = { client, events: [], ignored: new Set((spec.ignoreCommandMonitoringEvents as string[] | undefined) ?? []) };
          if (observe.has('commandStartedEvent')) client.on('commandStarted', (event) => entity.events.push({ type: 'commandStartedEvent', event }));
          if (observe.has('commandSucceededEvent')) client.on('commandSucceeded', (event) => entity.events.push({ type: 'commandSucceededEvent', event }));
          await client.connect();
          clients.set(spec.id as string, entity);
          entities.set(spec.id as string, client);
          break;
        }
        case 'database': {
          const client = entities.get(spec.client as string) as MongoClient;
          entities.set(spec.id as string, client.db(spec.databaseName as string, spec.databaseOptions as Document | undefined));
          break;
        }
        case 'collection': {
          const db = entities.get(spec.database as string) as Db;
          entities.set(spec.id as string, db.collection(spec.collectionName as string, spec.collectionOptions as Document | undefined));
          break;
        }
        default:
          throw new Error(`entity ${kind} is not supported by this runner`);
      }
    }

    for (const data of file.initialData ?? []) {
      const db = ctx.admin.db(data.databaseName);
      await db.collection(data.collectionName).drop().catch(() => undefined);
      await db.createCollection(data.collectionName, data.createOptions);
      if (data.documents.length > 0) await db.collection(data.collectionName).insertMany(data.documents);
    }
    for (const entity of clients.values()) entity.events.length = 0;

    for (const op of test.operations) {
      let result: unknown;
      let error: unknown;
      try {
        result = resultView(await runOperation(op, entities));
      } catch (err) {
        error = err;
      }
      if (op.ignoreResultAndError) continue;
      if (error && /not supported by this runner/.test((error as Error).message)) throw error;
      if (op.expectError) {
        if (!error) throw new Mismatch(`${op.name}: expected an error, got ${show(result)}`);
        checkError(op.expectError, error, entities);
        continue;
      }
      if (error) throw new Mismatch(`${op.name}: unexpected error ${(error as Error).message}`);
      if (op.expectResult !== undefined) {
        try {
          match(op.expectResult, result, entities);
        } catch (err) {
          throw new Mismatch(`${op.name} result: ${(err as Error).message}`);
        }
      }
      if (op.saveResultAsEntity) entities.set(op.saveResultAsEntity, result);
    }

    for (const expectation of test.expectEvents ?? []) {
      const entity = clients.get(expectation.client);
      if (!entity) throw new Error(`no client ${expectation.client}`);
      if (expectation.eventType && expectation.eventType !== 'command') continue;
      const actual = entity.events.filter(({ event }) => !ALWAYS_IGNORED.has(event.commandName) && !entity.ignored.has(event.commandName));
      if (expectation.ignoreExtraEvents ? actual.length < expectation.events.length : actual.length !== expectation.events.length) {
        throw new Mismatch(`expected ${expectation.events.length} events, got ${actual.length}: ${actual.map((a) => a.event.commandName).join(', ')}`);
      }
      expectation.events.forEach((expected, i) => {
        const [type, spec] = Object.entries(expected)[0] as [string, Document];
        const got = actual[i]!;
        if (got.type !== type) throw new Mismatch(`event ${i}: expected ${type}, got ${got.type}`);
        if (spec.commandName !== undefined && spec.commandName !== got.event.commandName) throw new Mismatch(`event ${i}: expected ${spec.commandName}, got ${got.event.commandName}`);
        if (spec.databaseName !== undefined && spec.databaseName !== (got.event as CommandStartedEvent).databaseName) throw new Mismatch(`event ${i}: database`);
        try {
          if (spec.command !== undefined) match(spec.command, (got.event as CommandStartedEvent).command, entities);
          if (spec.reply !== undefined) match(spec.reply, (got.event as CommandSucceededEvent).reply, entities);
        } catch (err) {
          throw new Mismatch(`event ${i} (${got.event.commandName}): ${(err as Error).message}`);
        }
      });
    }

    for (const outcome of test.outcome ?? []) {
      const docs = await ctx.admin.db(outcome.databaseName).collection(outcome.collectionName).find({}, { sort: { _id: 1 } }).toArray();
      try {
        matchExactly(outcome.documents, docs, `outcome ${outcome.collectionName}`);
      } catch (err) {
        throw new Mismatch((err as Error).message);
      }
    }
  } finally {
    for (const entity of clients.values()) await entity.client.close();
  }
}
