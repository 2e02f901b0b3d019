// Secondary indexes: their definition, the keys a document contributes, and which index serves a filter.
import type { Document } from 'bson';
import { Query } from 'mingo';
import { collationKey, collationOf, mapStrings, sameCollation } from './collation';
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
  /** The partial filter expression as a view, to tell whether a query's filter implies it. */
  partialFilter?: Document;
  /**
   * True once a document put an array under one of the index's fields: its entries then no longer
   * follow the documents' sort order nor count them one each, so it serves neither sorts nor counts.
   */
  multikey: boolean;
  /**
   * Only ascending, descending and hashed keys get entries; text or geo indexes are accepted so
   * that schemas declaring them still start, but they are not maintained or used.
   */
  maintained: boolean;
  /**
   * Set for an index with a collation other than simple: string values are indexed by their
   * collation key, so a unique index refuses « elise » next to « Élise » at strength 1 or 2.
   */
  collated?: { key?: (s: string) => string };
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

export function defineIndex(id: number, spec: Document, multikey = false): IndexDef {
  const key = spec.key as Document;
  const directions = Object.values(key).map(toView);
  const partial = spec.partialFilterExpression as Document | undefined;
  const partialFilter = partial ? (toView(partial) as Document) : undefined;
  return {
    id,
    name: String(spec.name),
    spec,
    fields: Object.keys(key),
    unique: spec.unique === true,
    sparse: spec.sparse === true,
    partial: partialFilter ? new Query(partialFilter) : undefined,
    partialFilter,
    multikey,
    maintained: directions.every((d) => d === 1 || d === -1 || d === 'hashed'),
    ...(collationOf(spec.collation as Document | undefined) ? { collated: { key: collationKey(spec.collation as Document) } } : {}),
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
  return pick(a) === pick(b) && sameCollation(a.collation as Document | undefined, b.collation as Document | undefined);
}

export function sameKeyPattern(a: Document, b: Document): boolean {
  return JSON.stringify(toView(a)) === JSON.stringify(toView(b));
}

/** Every value a dotted path reaches, descending into arrays the way multikey indexes do; true when an array was met. */
function valuesAt(v: unknown, parts: string[], i: number, out: unknown[]): boolean {
  if (i === parts.length) {
    if (!Array.isArray(v)) out.push(v);
    else if (v.length === 0) out.push(EMPTY_ARRAY);
    else out.push(...v);
    return Array.isArray(v);
  }
  const part = parts[i]!;
  if (Array.isArray(v)) {
    if (/^\d+$/.test(part)) {
      valuesAt(v[Number(part)], parts, i + 1, out);
      return true;
    }
    if (v.length === 0) out.push(undefined);
    for (const x of v) valuesAt(x, parts, i, out);
    return true;
  }
  if (isPlainObject(v)) return valuesAt(v[part], parts, i + 1, out);
  out.push(undefined);
  return false;
}

/**
 * A test for filters made only of equalities to plain values (`{reference: 'TI-2026-00042', version: 3}`),
 * the most common filters by far: a field equals a value when one of the values its path reaches
 * (array elements included, as MongoDB matches them) has the same key. Undefined for any other
 * filter, which mingo then tests.
 */
export function equalityMatcher(filter: Document): { test(doc: Document): boolean } | undefined {
  const checks: Array<{ parts: string[]; key: Buffer }> = [];
  for (const [field, cond] of Object.entries(filter)) {
    if (field.startsWith('$') || field.split('.').some((part) => part === '' || /^\d+$/.test(part))) return undefined;
    const value = isOperatorObject(cond) && Object.keys(cond).length === 1 && '$eq' in cond ? cond.$eq : cond;
    if (!rangeValue(value)) return undefined;
    checks.push({ parts: field.split('.'), key: keyOf(value) });
  }
  return {
    test(doc) {
      return checks.every(({ parts, key }) => {
        const values: unknown[] = [];
        valuesAt(doc, parts, 0, values);
        return values.some((v) => v !== EMPTY_ARRAY && keyOf(v).equals(key));
      });
    },
  };
}

/**
 * The key a document sorts by on `field` (a view), as MongoDB sorts: the smallest of an array's
 * values ascending, the largest descending, an empty array below null, a missing field as null.
 * Comparing these keys byte-wise orders documents the way reading an index does.
 */
export function sortKeyOf(doc: Document, field: string, direction: 1 | -1): Buffer {
  const values: unknown[] = [];
  valuesAt(doc, field.split('.'), 0, values);
  let best: Buffer | undefined;
  for (const v of values) {
    const key = v === EMPTY_ARRAY ? EMPTY_ARRAY_KEY : keyOf(v);
    if (!best || Buffer.compare(key, best) * direction < 0) best = key;
  }
  return best ?? keyOf(null);
}

/** The keys `doc` (a view) contributes to `index`, none when sparse or partial excludes it; `arrays` when it holds arrays there. */
export function indexEntries(index: IndexDef, doc: Document): IndexEntry[] & { arrays?: boolean } {
  if (!index.maintained) return [];
  if (index.partial && !index.partial.test(doc)) return [];
  let arrays = false;
  const perField = index.fields.map((f) => {
    const out: unknown[] = [];
    if (valuesAt(doc, f.split('.'), 0, out)) arrays = true;
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
  const stringKey = index.collated?.key;
  for (const values of combos) {
    const key = Buffer.concat(values.map((v) => (v === EMPTY_ARRAY ? EMPTY_ARRAY_KEY : keyOf(stringKey ? mapStrings(v, stringKey) : v))));
    const id = key.toString('latin1');
    if (!seen.has(id)) seen.set(id, { key, values: values.map((v) => (v === EMPTY_ARRAY ? [] : v ?? null)) });
  }
  const entries: IndexEntry[] & { arrays?: boolean } = [...seen.values()];
  if (arrays) entries.arrays = true;
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Planning. An index serves a filter when the filter pins the index's leading fields to one value
// (or an $in list): B-tree seeks instead of a scan. It serves a sort too when the sort's fields come
// right after the pinned ones, all in one direction: entries are then read in order (merged across
// the pinned values) and reading stops once the page is full. A partial index serves only filters
// that state its partial filter expression. When the index pins every condition of the filter
// ("covered"), matching needs no document test and a count needs no document at all.

export type Plan =
  | { kind: 'collscan' }
  /** Row ids found by scanning index keys (an $or of regexes): a superset of the matches, in row order. */
  | { kind: 'rids'; rids: number[]; indexes: IndexDef[]; covered: false }
  | { kind: 'id'; keys: Buffer[]; covered: boolean }
  | {
      kind: 'index';
      index: IndexDef;
      /** One key per combination of pinned values, deduplicated, in ascending byte order. */
      keys: Buffer[];
      /** The keys pin only the leading fields: every entry starting with a key matches. */
      prefix: boolean;
      /** How many leading fields the keys pin. */
      pinned: number;
      /**
       * Bounds on the next field, from a range condition ($gt, $gte, $lt, $lte), as suffixes of each
       * key: entries from key+lower (inclusive) to key+upper (exclusive). A superset: mingo still tests.
       */
      range?: KeyRange;
      /** Set when entries are read in the sort's order: 1 ascending, -1 descending. */
      order?: 1 | -1;
      covered: boolean;
    };

const MAX_PLAN_KEYS = 1000;

export interface KeyRange {
  lower?: Buffer;
  upper?: Buffer;
}

/** Sorts above every key that starts with what precedes it: encoded values never start with 0xFF. */
const BUMP = Buffer.from([0xff]);

/** A value a range bound can be built from: a scalar whose key sorts where MongoDB compares it. */
function rangeValue(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v instanceof Date || (v !== null && typeof v === 'object' && (v as { _bsontype?: string })._bsontype === 'ObjectId');
}

/**
 * The key bounds of a condition such as `{$gt: 5, $lte: 9}`; undefined when it has no usable bound.
 * Comparisons only match values of the compared type (MongoDB's type bracketing), and a key starts
 * with its type's tag: a one-sided range stops at the edge of that type.
 */
function rangeOf(cond: unknown): KeyRange | undefined {
  if (!isOperatorObject(cond)) return undefined;
  const range: KeyRange = {};
  // Keys after a value start with its key: `$gt` skips them all (the bump sorts above any of them).
  if ('$gte' in cond && rangeValue(cond.$gte)) range.lower = keyOf(cond.$gte);
  else if ('$gt' in cond && rangeValue(cond.$gt)) range.lower = Buffer.concat([keyOf(cond.$gt), BUMP]);
  if ('$lte' in cond && rangeValue(cond.$lte)) range.upper = Buffer.concat([keyOf(cond.$lte), BUMP]);
  else if ('$lt' in cond && rangeValue(cond.$lt)) range.upper = keyOf(cond.$lt);
  if (range.lower && !range.upper) range.upper = Buffer.from([range.lower[0]! + 1]);
  else if (range.upper && !range.lower) range.lower = Buffer.from([range.upper[0]!]);
  return range.lower || range.upper ? range : undefined;
}

function collectRanges(conditions: Array<[string, unknown]>): Map<string, KeyRange> {
  const ranges = new Map<string, KeyRange>();
  for (const [field, cond] of conditions) {
    const range = field.startsWith('$') || ranges.has(field) ? undefined : rangeOf(cond);
    if (range) ranges.set(field, range);
  }
  return ranges;
}

/** The entries a key prefix designates, narrowed by a range on the next field: [from, to). */
export function keyBounds(prefix: Buffer, range: KeyRange | undefined): { from: Buffer; to: Buffer } {
  return {
    from: range?.lower ? Buffer.concat([prefix, range.lower]) : prefix,
    to: Buffer.concat([prefix, range?.upper ?? BUMP]),
  };
}

/** A value whose index key is exactly the set of documents that can equal it. */
function indexableValue(v: unknown): boolean {
  if (v === null || v === undefined || v instanceof RegExp || Array.isArray(v)) return false;
  // Objects with operators are conditions, not values.
  return !(isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$')));
}

const isOperatorObject = (cond: unknown): cond is Document => isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith('$'));

function equalityValues(cond: unknown): unknown[] | undefined {
  if (isOperatorObject(cond)) {
    if ('$eq' in cond) return indexableValue(cond.$eq) ? [cond.$eq] : undefined;
    if (Array.isArray(cond.$in) && cond.$in.every(indexableValue)) return cond.$in as unknown[];
    return undefined;
  }
  return indexableValue(cond) ? [cond] : undefined;
}

/** The condition is nothing but an equality or an $in (no other operator beside it). */
function pureEquality(cond: unknown): boolean {
  if (!equalityValues(cond)) return false;
  return !isOperatorObject(cond) || Object.keys(cond).length === 1;
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

/** Every (field, condition) the filter states at its top level or in a top-level $and. */
function conditionsOf(filter: Document, out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  for (const [field, cond] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(cond)) {
      for (const sub of cond) if (isPlainObject(sub)) conditionsOf(sub, out);
    } else out.push([field, cond]);
  }
  return out;
}

const sameCondition = (a: unknown, b: unknown): boolean => keyOf(a).equals(keyOf(b));

/** A partial index may serve a filter only when the filter states each condition of its expression. */
function partialImplied(index: IndexDef, conditions: Array<[string, unknown]>): boolean {
  if (!index.partialFilter) return true;
  return conditionsOf(index.partialFilter).every(([field, cond]) => conditions.some(([f, c]) => f === field && sameCondition(c, cond)));
}

/** True when the pinned fields and the partial expression account for every condition of the filter. */
function coveredBy(index: IndexDef | undefined, pinnedFields: readonly string[], conditions: Array<[string, unknown]>): boolean {
  return conditions.every(
    ([field, cond]) =>
      (pinnedFields.includes(field) && pureEquality(cond)) ||
      (index?.partialFilter !== undefined && conditionsOf(index.partialFilter).some(([f, c]) => f === field && sameCondition(c, cond))),
  );
}

function keysFor(valueLists: unknown[][]): Buffer[] | undefined {
  let keys: Buffer[] = [Buffer.alloc(0)];
  for (const values of valueLists) {
    const next: Buffer[] = [];
    for (const prefix of keys) for (const v of values) next.push(Buffer.concat([prefix, keyOf(v)]));
    if (next.length > MAX_PLAN_KEYS) return undefined;
    keys = next;
  }
  // Duplicates ($in: [1, 1.0]) would read the same entries twice.
  const unique = new Map(keys.map((k) => [k.toString('latin1'), k]));
  return [...unique.values()].sort(Buffer.compare);
}

/** A sort such as `{updatedAt: -1, reference: -1}`: its fields, and its one direction (undefined when mixed). */
function sortShape(sort: Document | undefined): { fields: string[]; direction: 1 | -1 } | undefined {
  if (!sort) return undefined;
  const entries = Object.entries(sort);
  if (entries.length === 0 || entries.some(([field]) => field.startsWith('$'))) return undefined;
  const direction = entries[0]![1];
  if ((direction !== 1 && direction !== -1) || entries.some(([, d]) => d !== direction)) return undefined;
  return { fields: entries.map(([field]) => field), direction };
}

export interface PlanChoice {
  /** The best plan that reads entries in the sort's order, when the sort asks for one. */
  ordered?: Plan & { kind: 'index' };
  /** The best plan for the filter alone. */
  unordered: Plan;
  /**
   * When the filter has an $or whose every branch an index can answer: for each branch, its index
   * plan (`{$or: [{owner: 'a'}, {aad: 'b'}]}`), or the scan of an index's keys with a LIKE pattern
   * for a literal regex on its leading field (`{$or: [{a: /x/i}, {b: /x/i}]}`, a search box). Their
   * union holds every matching document (and maybe more: mingo still tests them).
   */
  orUnion?: OrBranch[];
}

export type OrBranch = { kind: 'like'; index: IndexDef; like: string } | { kind: 'plan'; plan: Plan & { kind: 'id' | 'index' } };

/**
 * A LIKE pattern (escape character `\`) matching at least every string the regex matches, when the
 * regex is a plain piece of text (letters, digits, escaped punctuation) with flags among i, m, s.
 * LIKE folds ASCII case only: a non-ASCII character becomes `_` (any one character), since without
 * the u flag a non-ASCII character only ever matches another non-ASCII one.
 */
function likePatternOf(regex: unknown): string | undefined {
  if (!(regex instanceof RegExp) || /[^ims]/.test(regex.flags)) return undefined;
  let literal = '';
  const source = regex.source;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[++i];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined;
      literal += next;
    } else if ('.^$*+?()[]{}|'.includes(c)) return undefined;
    else literal += c;
  }
  let like = '%';
  for (const c of literal) like += c === '%' || c === '_' || c === '\\' ? `\\${c}` : c.charCodeAt(0) > 0x7f ? '_' : c;
  return `${like}%`;
}

/** How each branch of the filter's $or can be answered from an index; undefined when one of them cannot. */
function orUnionOf(filter: Document, indexes: readonly IndexDef[], conditions: Array<[string, unknown]>): OrBranch[] | undefined {
  const branches = filter.$or;
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const union: OrBranch[] = [];
  for (const branch of branches) {
    if (!isPlainObject(branch)) return undefined;
    // A partial index serves a branch when the filter around the $or, or the branch, states its condition.
    const usable = indexes.filter((index) => index.maintained && partialImplied(index, [...conditions, ...conditionsOf(branch)]));
    const entries = Object.entries(branch);
    if (entries.length === 1) {
      const [field, cond] = entries[0]!;
      const regex = isOperatorObject(cond) ? (Object.keys(cond).length === 1 ? cond.$regex : undefined) : cond;
      const like = likePatternOf(regex);
      const index = usable.find((i) => i.fields[0] === field);
      if (like !== undefined && index) {
        union.push({ kind: 'like', index, like });
        continue;
      }
    }
    const { unordered } = planQuery(branch, usable);
    if (unordered.kind !== 'id' && unordered.kind !== 'index') return undefined;
    union.push({ kind: 'plan', plan: unordered });
  }
  return union;
}

/** The candidate plans for `filter` (a view), with and without the sort's order. */
export function planQuery(filter: Document, indexes: readonly IndexDef[], sort?: Document): PlanChoice {
  const eq = new Map<string, unknown[]>();
  collectEqualities(filter, eq);
  const conditions = conditionsOf(filter);
  const ids = eq.get('_id');
  let unordered: Plan = { kind: 'collscan' };
  if (ids) {
    const keys = keysFor([ids]);
    if (keys) unordered = { kind: 'id', keys, covered: coveredBy(undefined, ['_id'], conditions) && !ids.some(needsTest) };
  }
  const usable = indexes.filter((index) => index.maintained && partialImplied(index, conditions));
  const ranges = collectRanges(conditions);
  const shape = sortShape(sort);
  let best: { index: IndexDef; length: number; ranged: boolean } | undefined;
  let ordered: (Plan & { kind: 'index' }) | undefined;
  for (const index of usable) {
    let length = 0;
    while (length < index.fields.length && eq.has(index.fields[length]!)) length++;
    const ranged = length < index.fields.length && ranges.has(index.fields[length]!);
    if (length > 0 || ranged) {
      // More pinned fields first, then a range on the next one, then a unique index, then a shorter one.
      const better =
        !best ||
        length > best.length ||
        (length === best.length && ranged && !best.ranged) ||
        (length === best.length && ranged === best.ranged && index.unique && !best.index.unique) ||
        (length === best.length && ranged === best.ranged && index.unique === best.index.unique && index.fields.length < best.index.fields.length);
      if (better) best = { index, length, ranged };
    }
    if (shape && !index.multikey) {
      // The sort's fields must follow some pinned prefix of the index (possibly none).
      for (let pinned = length; pinned >= 0; pinned--) {
        const next = index.fields.slice(pinned, pinned + shape.fields.length);
        if (next.length !== shape.fields.length || next.some((f, i) => f !== shape.fields[i])) continue;
        const plan = indexPlan(index, pinned, eq, conditions, ranges, shape.direction);
        if (plan && (!ordered || pinned > ordered.pinned || (pinned === ordered.pinned && plan.covered && !ordered.covered))) ordered = plan;
        break;
      }
    }
  }
  if (unordered.kind === 'collscan' && best) unordered = indexPlan(best.index, best.length, eq, conditions, ranges) ?? unordered;
  const orUnion = orUnionOf(filter, indexes, conditions);
  return { ordered, unordered, ...(orUnion ? { orUnion } : {}) };
}

function indexPlan(
  index: IndexDef,
  pinned: number,
  eq: Map<string, unknown[]>,
  conditions: Array<[string, unknown]>,
  ranges: Map<string, KeyRange>,
  order?: 1 | -1,
): (Plan & { kind: 'index' }) | undefined {
  const fields = index.fields.slice(0, pinned);
  const keys = keysFor(fields.map((f) => eq.get(f)!));
  if (!keys) return undefined;
  const covered = !index.multikey && fields.every((f) => !f.split('.').some((part) => /^\d+$/.test(part)) && !eq.get(f)!.some(needsTest)) && coveredBy(index, fields, conditions);
  const range = pinned < index.fields.length ? ranges.get(index.fields[pinned]!) : undefined;
  return { kind: 'index', index, keys, prefix: pinned < index.fields.length, pinned, covered, ...(range ? { range } : {}), ...(order ? { order } : {}) };
}

/**
 * Values whose key equality might differ from MongoDB's: documents, and numbers the view keeps as
 * Long or Decimal128 because a double cannot hold them exactly. Strings, numbers, booleans, dates
 * and ObjectIds are equal exactly when their keys are.
 */
function needsTest(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || v instanceof Date) return false;
  return (v as { _bsontype?: string })._bsontype !== 'ObjectId';
}
