// Secondary indexes: their definition, the keys a document contributes, and which index serves a filter.
import type { Document } from 'bson';
import { Query } from 'mingo';
import { CommandError } from './errors';
import { EMPTY_ARRAY_KEY, isPlainObject, keyOf, toView } from './values';

export interface IndexDef {
  /** Row id in SQLite. */
  id: number;
  name: string;
  /** What listIndexes reports (exact form). */
  spec: Document;
  fields: string[];
  unique: boolean;
  sparse: boolean;
  partial?: Query;
  /**
   * Only ascending, descending and hashed keys get entries; text or geo indexes are accepted so
   * that schemas declaring them still start, but they are not maintained or used.
   */
  maintained: boolean;
}

export const ID_INDEX_SPEC: Document = { v: 2, key: { _id: 1 }, name: '_id_' };

/** A key a document contributes to an index, and the values behind it for E11000 messages. */
export interface IndexEntry {
  key: Buffer;
  values: unknown[];
}

const EMPTY_ARRAY = Symbol('empty array');
const MAX_KEYS_PER_DOCUMENT = 10_000;

function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([field, dir]) => `${field}_${String(toView(dir))}`)
    .join('_');
}

export function defineIndex(id: number, spec: Document): IndexDef {
  const key = spec.key as Document;
  const directions = Object.values(key).map(toView);
  const partial = spec.partialFilterExpression as Document | undefined;
  return {
    id,
    name: String(spec.name),
    spec,
    fields: Object.keys(key),
    unique: spec.unique === true,
    sparse: spec.sparse === true,
    partial: partial ? new Query(toView(partial) as Document) : undefined,
    maintained: directions.every((d) => d === 1 || d === -1 || d === 'hashed'),
  };
}

/** Validates a createIndexes entry and returns it normalised the way listIndexes shows it. */
export function normaliseIndexSpec(raw: unknown): Document {
  if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
    throw new CommandError(2, 'BadValue', 'index specification must have a non-empty "key" document');
  }
  for (const [field, dir] of Object.entries(raw.key)) {
    const d = toView(dir);
    const ok = (typeof d === 'number' && d !== 0) || typeof d === 'string';
    if (!ok || field === '' || field.startsWith('$')) {
      throw new CommandError(67, 'CannotCreateIndex', `bad index key pattern ${JSON.stringify(toView(raw.key))}`);
    }
  }
  const name = typeof raw.name === 'string' && raw.name !== '' ? raw.name : defaultIndexName(raw.key);
  // `v` first, then `key` and `name`, then the options, as mongod lists them.
  const { v: _v, key, name: _name, ns: _ns, ...options } = raw;
  return { v: 2, key, name, ...options };
}

/** True when two specs have the same options that matter to uniqueness and coverage. */
export function sameIndexOptions(a: Document, b: Document): boolean {
  const pick = (s: Document): string =>
    JSON.stringify([s.unique === true, s.sparse === true, toView(s.partialFilterExpression ?? null)]);
  return pick(a) === pick(b);
}

export function sameKeyPattern(a: Document, b: Document): boolean {
  return JSON.stringify(toView(a)) === JSON.stringify(toView(b));
}

/** Every value a dotted path reaches, descending into arrays the way multikey indexes do. */
function valuesAt(v: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (!Array.isArray(v)) out.push(v);
    else if (v.length === 0) out.push(EMPTY_ARRAY);
    else out.push(...v);
    return;
  }
  const part = parts[i]!;
  if (Array.isArray(v)) {
    if (/^\d+$/.test(part)) return valuesAt(v[Number(part)], parts, i + 1, out);
    if (v.length === 0) return void out.push(undefined);
    for (const x of v) valuesAt(x, parts, i, out);
    return;
  }
  if (isPlainObject(v)) return valuesAt(v[part], parts, i + 1, out);
  out.push(undefined);
}

/** The keys `doc` (a view) contributes to `index`: none when sparse or partial excludes it. */
export function indexEntries(index: IndexDef, doc: Document): IndexEntry[] {
  if (!index.maintained) return [];
  if (index.partial && !index.partial.test(doc)) return [];
  const perField = index.fields.map((f) => {
    const out: unknown[] = [];
    valuesAt(doc, f.split('.'), 0, out);
    return out;
  });
  if (index.sparse && perField.every((vals) => vals.every((x) => x === undefined))) return [];

  let combos: unknown[][] = [[]];
  for (const vals of perField) {
    const next: unknown[][] = [];
    for (const combo of combos) for (const v of vals) next.push([...combo, v]);
    combos = next;
    if (combos.length > MAX_KEYS_PER_DOCUMENT) {
      throw new CommandError(2, 'BadValue', `document has too many keys for index ${index.name}`);
    }
  }
  const seen = new Map<string, IndexEntry>();
  for (const values of combos) {
    const key = Buffer.concat(values.map((v) => (v === EMPTY_ARRAY ? EMPTY_ARRAY_KEY : keyOf(v))));
    const id = key.toString('latin1');
    if (!seen.has(id)) seen.set(id, { key, values: values.map((v) => (v === EMPTY_ARRAY ? [] : v ?? null)) });
  }
  return [...seen.values()];
}

// ---------------------------------------------------------------------------------------------
// Planning: an index serves a filter when the filter pins the index's leading fields to one value
// (or an $in list). The index only narrows the candidates; mingo still tests each one, so a plan
// can be generous but must never miss a matching document.

export type Plan =
  | { kind: 'collscan' }
  | { kind: 'id'; keys: Buffer[] }
  | { kind: 'index'; index: IndexDef; keys: Buffer[]; prefix: boolean };

const MAX_PLAN_KEYS = 1000;

/** A value whose index key is exactly the set of documents that can equal it. */
function indexableValue(v: unknown): boolean {
  if (v === null || v === undefined || v instanceof RegExp || Array.isArray(v)) return false;
  // Objects with operators are conditions, not values.
  return !(isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$')));
}

function equalityValues(cond: unknown): unknown[] | undefined {
  if (isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith('$'))) {
    if ('$eq' in cond) return indexableValue(cond.$eq) ? [cond.$eq] : undefined;
    if (Array.isArray(cond.$in) && cond.$in.every(indexableValue)) return cond.$in as unknown[];
    return undefined;
  }
  return indexableValue(cond) ? [cond] : undefined;
}

function collectEqualities(filter: Document, out: Map<string, unknown[]>): void {
  for (const [field, cond] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(cond)) {
      for (const sub of cond) if (isPlainObject(sub)) collectEqualities(sub, out);
      continue;
    }
    if (field.startsWith('$') || out.has(field)) continue;
    const values = equalityValues(cond);
    if (values) out.set(field, values);
  }
}

function keysFor(valueLists: unknown[][]): Buffer[] | undefined {
  let keys: Buffer[] = [Buffer.alloc(0)];
  for (const values of valueLists) {
    const next: Buffer[] = [];
    for (const prefix of keys) for (const v of values) next.push(Buffer.concat([prefix, keyOf(v)]));
    if (next.length > MAX_PLAN_KEYS) return undefined;
    keys = next;
  }
  return keys;
}

/** Chooses how to find the candidates of `filter` (a view). */
export function planQuery(filter: Document, indexes: readonly IndexDef[]): Plan {
  const eq = new Map<string, unknown[]>();
  collectEqualities(filter, eq);
  const ids = eq.get('_id');
  if (ids) {
    const keys = keysFor([ids]);
    if (keys) return { kind: 'id', keys };
  }
  let best: { index: IndexDef; length: number } | undefined;
  for (const index of indexes) {
    if (!index.maintained || index.partial) continue;
    let length = 0;
    while (length < index.fields.length && eq.has(index.fields[length]!)) length++;
    if (length === 0) continue;
    const better =
      !best ||
      length > best.length ||
      (length === best.length && index.unique && !best.index.unique) ||
      (length === best.length && index.unique === best.index.unique && index.fields.length < best.index.fields.length);
    if (better) best = { index, length };
  }
  if (!best) return { kind: 'collscan' };
  const keys = keysFor(best.index.fields.slice(0, best.length).map((f) => eq.get(f)!));
  if (!keys) return { kind: 'collscan' };
  return { kind: 'index', index: best.index, keys, prefix: best.length < best.index.fields.length };
}
