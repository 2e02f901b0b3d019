// Running a filter over a collection: index choice, mingo matching, sort, skip, limit and projection.
import type { Document } from 'bson';
import { Query } from 'mingo';
import { collationKey, collationOf, effectiveCollation, mapStrings } from './collation';
import { candidates, planRids, type ExecStats } from './documents';
import { CommandError, badValue } from './errors';
import { equalityMatcher, planQuery, sortKeyOf, type IndexDef, type OrBranch, type Plan } from './indexes';
import type { CollectionInfo, Storage } from './storage';
import { viewSchemaValidator } from './validation';
import { exactOf, isPlainObject, restoreTypes, viewOf } from './values';

export interface Match {
  rid: number;
  doc: Buffer;
  view: Document;
}

export interface FindOptions {
  sort?: Document;
  skip?: number;
  limit?: number;
  collation?: Document;
  /** The command's `let` variables (`$$name` in `$expr`). */
  variables?: Document;
}

/** Compiles a filter (a view), turning mingo's complaints into the BadValue mongod would answer. */
export function compileFilter(filter: unknown, collation?: Document, variables?: Document): Query {
  if (filter !== undefined && filter !== null && !isPlainObject(filter)) throw badValue('filter must be an object');
  // $comment annotates the query for profilers; it matches everything.
  const { $comment: _comment, ...rest } = (filter ?? {}) as Document;
  try {
    return new Query(rest, { collation: collationOf(collation), jsonSchemaValidator: viewSchemaValidator, variables });
  } catch (err) {
    throw badValue(`invalid filter: ${(err as Error).message}`);
  }
}

/**
 * A sorted query with a short page is cheaper read in the sort's order from an index, unless an
 * unordered plan pins more fields and finds at most this many candidates to sort in memory.
 */
const SMALL_CANDIDATE_SET = 2000;

/**
 * How to read the candidates of `filter`. Index use would be wrong for a collation that equates
 * strings the index keeps apart. With a sort, an ordered plan is preferred unless an unordered one
 * pins more of the filter and designates few documents.
 */
export function planFor(storage: Storage, coll: CollectionInfo, filter: Document, options: Pick<FindOptions, 'sort' | 'collation'> = {}): Plan {
  if (collationOf(effectiveCollation(options.collation, coll.options.collation))) return { kind: 'collscan' };
  const { ordered, unordered, orUnion } = planQuery(filter, simpleIndexes(coll), options.sort);
  if (unordered.kind === 'id') return unordered;
  const alternatives = orUnion !== undefined || (ordered !== undefined && unordered.kind === 'index' && unordered.pinned > ordered.pinned);
  if (!alternatives) return ordered ?? unordered;
  const estimate = unordered.kind === 'index' ? estimateAtMost(storage, unordered, SMALL_CANDIDATE_SET) : Infinity;
  const fewCandidates = estimate <= SMALL_CANDIDATE_SET;
  // Scanning keys for a search costs a pass over an index: worth it only when the rest of the filter designates many documents.
  const searches = orUnion?.some((branch) => branch.kind === 'like') ?? false;
  if (orUnion && !(searches && fewCandidates)) {
    // Worth it when it designates fewer documents than the best plan for the rest of the filter.
    const rids = unionRids(storage, coll, orUnion, fewCandidates ? estimate : MAX_SEARCH_CANDIDATES);
    if (rids) return { kind: 'rids', rids, indexes: orUnion.flatMap(indexOfBranch), covered: false };
  }
  if (!ordered) return unordered;
  if (unordered.kind === 'index' && unordered.pinned > ordered.pinned && fewCandidates) return unordered;
  return ordered;
}

/**
 * The indexes a query with the simple collation may read: an index with a collation keeps the
 * collation's keys (« Élise » and « elise » under one key at strength 1), which would not tell
 * strings apart as the query must.
 */
function simpleIndexes(coll: CollectionInfo): IndexDef[] {
  return coll.indexes.filter((index) => !index.collated);
}

/** The index a branch of an $or reads, for explain (none for an `_id` lookup). */
function indexOfBranch(branch: OrBranch): IndexDef[] {
  if (branch.kind === 'like') return [branch.index];
  return branch.plan.kind === 'index' ? [branch.plan.index] : [];
}

/** Beyond this many documents found by a search's key scans, reading in the sort's order is cheaper. */
const MAX_SEARCH_CANDIDATES = 5000;

/** The row ids the branches of an $or designate, in row order; undefined when there are more than `cap`. */
function unionRids(storage: Storage, coll: CollectionInfo, branches: OrBranch[], cap: number): number[] | undefined {
  const rids = new Set<number>();
  for (const branch of branches) {
    const found = branch.kind === 'like' ? storage.likeScan(branch.index, branch.like) : planRids(storage, coll, branch.plan);
    for (const rid of found) rids.add(rid);
    if (rids.size > cap) return undefined;
  }
  return [...rids].sort((a, b) => a - b);
}

/** How many entries an index plan reads, counted up to `cap` (beyond it, the exact figure does not matter). */
function estimateAtMost(storage: Storage, plan: Plan & { kind: 'index' }, cap: number): number {
  let n = 0;
  for (const key of plan.keys) {
    n += storage.countKeys(plan.index, key, plan.prefix, plan.range);
    if (n > cap) break;
  }
  return n;
}

/** The documents of `coll` matching `filter`, sorted and sliced. */
export function findMatches(
  storage: Storage,
  coll: CollectionInfo | undefined,
  filter: Document,
  options: FindOptions,
  stats: ExecStats,
): Match[] {
  if (!coll) return [];
  if (!isPlainObject(filter)) throw badValue('filter must be an object');
  options = { ...options, collation: effectiveCollation(options.collation, coll.options.collation) };
  const skip = options.skip ?? 0;
  const limit = options.limit && options.limit > 0 ? options.limit : undefined;
  const sort = options.sort && Object.keys(options.sort).length > 0 ? options.sort : undefined;
  const natural = sort && Object.keys(sort).length === 1 && '$natural' in sort ? Number(sort.$natural) : undefined;
  if (sort && natural === undefined) validateSort(sort);
  const plan = planFor(storage, coll, filter, { sort: natural === undefined ? sort : undefined, collation: options.collation });
  const inOrder = plan.kind === 'index' && plan.order !== undefined;
  // When candidates come in their final order, stop reading once the page is full.
  const enough = limit !== undefined && (!sort || natural === 1 || inOrder) ? skip + limit : Infinity;
  // A covered plan designates exactly the matching documents: no need to test them (nor to compile
  // the filter, which then holds nothing but equalities and the partial index's own conditions).
  const covered = plan.kind !== 'collscan' && plan.covered;
  const key = collationKey(options.collation);
  const query = covered
    ? undefined
    : key
      ? compileFilter(mapStrings(filter, key), options.collation, options.variables)
      : (!collationOf(options.collation) && equalityMatcher(filter)) || compileFilter(filter, options.collation, options.variables);

  // Covered and in order: every entry is a match, so the skipped ones need not even be read.
  const unread = covered && inOrder ? skip : 0;
  const matches: Match[] = [];
  for (const row of candidates(storage, coll, plan, stats, unread)) {
    if (query) {
      const view = viewOf(row.doc);
      if (!testDoc(query, key ? (mapStrings(view, key) as Document) : view)) continue;
      matches.push({ rid: row.rid, doc: row.doc, view });
    } else matches.push(lazyMatch(row.rid, row.doc));
    if (matches.length + unread >= enough) break;
  }
  let ordered = matches;
  if (natural === -1) ordered = matches.reverse();
  else if (sort && natural === undefined && !inOrder) ordered = sortMatches(matches, sort, options.collation);
  const from = skip - unread;
  return ordered.slice(from, limit === undefined ? undefined : from + limit);
}

/** A match whose view is only decoded if something asks for it: a covered find sends the stored bytes as they are. */
function lazyMatch(rid: number, doc: Buffer): Match {
  let view: Document | undefined;
  return {
    rid,
    doc,
    get view(): Document {
      view ??= viewOf(doc);
      return view;
    },
  };
}

/**
 * How many documents match `filter`: counted on the index alone when a covered plan exists (no
 * document read), by matching otherwise.
 */
export function countMatches(storage: Storage, coll: CollectionInfo | undefined, filter: Document, options: Pick<FindOptions, 'skip' | 'limit' | 'collation'>, stats: ExecStats): number {
  if (!coll) return 0;
  if (!isPlainObject(filter)) throw badValue('filter must be an object');
  options = { ...options, collation: effectiveCollation(options.collation, coll.options.collation) };
  let n: number;
  const plan = collationOf(options.collation) ? undefined : countPlan(filter, coll);
  if (Object.keys(filter).length === 0 && !collationOf(options.collation)) n = storage.count(coll);
  else if (plan?.kind === 'id') {
    n = plan.keys.filter((key) => storage.ridOfIdKey(coll, key) !== undefined).length;
    stats.keysExamined += plan.keys.length;
  } else if (plan?.kind === 'index') {
    n = 0;
    for (const key of plan.keys) n += storage.countKeys(plan.index, key, plan.prefix, plan.range);
    stats.keysExamined += n;
  } else n = findMatches(storage, coll, filter, { collation: options.collation }, stats).length;
  n = Math.max(0, n - (options.skip ?? 0));
  return options.limit && options.limit > 0 ? Math.min(n, options.limit) : n;
}

/** A covered plan for a count: then the index alone tells how many documents match. */
function countPlan(filter: Document, coll: CollectionInfo): Plan | undefined {
  const { unordered } = planQuery(filter, simpleIndexes(coll));
  if ((unordered.kind === 'index' || unordered.kind === 'id') && unordered.covered) return unordered;
  // Another index may cover the filter where the best one for finding does not.
  for (const index of simpleIndexes(coll)) {
    const { unordered: plan } = planQuery(filter, [index]);
    if (plan.kind === 'index' && plan.covered) return plan;
  }
  return undefined;
}

function validateSort(sort: Document): void {
  for (const [field, dir] of Object.entries(sort)) {
    if (dir !== 1 && dir !== -1) throw badValue(`bad sort specification for ${field}: only 1 and -1 are supported`);
  }
}

function testDoc(query: Pick<Query, 'test'>, view: Document): boolean {
  try {
    return query.test(view);
  } catch (err) {
    throw badValue(`cannot evaluate filter: ${(err as Error).message}`);
  }
}

/**
 * Sorts in memory with the same keys as the indexes, so a page comes out in one order whether an
 * index served it or not (and in MongoDB's order across types, which mingo's comparison is not).
 * A collation needs mingo's locale-aware comparison.
 */
function sortMatches(matches: Match[], sort: Document, collation?: Document): Match[] {
  if (!collationOf(collation)) {
    const fields = Object.entries(sort) as Array<[string, 1 | -1]>;
    const keyed = matches.map((match) => ({ match, keys: fields.map(([field, direction]) => sortKeyOf(match.view, field, direction)) }));
    keyed.sort((a, b) => {
      for (let i = 0; i < fields.length; i++) {
        const c = Buffer.compare(a.keys[i]!, b.keys[i]!);
        if (c !== 0) return c * fields[i]![1];
      }
      return 0;
    });
    return keyed.map((k) => k.match);
  }
  // mingo sorts the views with MongoDB's ordering; the views lead back to their matches.
  const byView = new Map(matches.map((m) => [m.view, m]));
  try {
    const sorted = new Query({}, { collation: collationOf(collation) })
      .find<Document>(matches.map((m) => m.view))
      .sort(sort)
      .all();
    return sorted.map((v) => byView.get(v)!);
  } catch (err) {
    throw badValue(`cannot sort: ${(err as Error).message}`);
  }
}

/**
 * The exact document of a match reduced by a projection (or the whole document when none). Only a
 * positional projection (`'a.$': 1`) needs the filter again, to find the matching element; the
 * match itself was decided by the caller (with its collation, which a second mingo pass would lack).
 */
export function projectMatch(match: Match, projection: Document | undefined, filter: Document): Document {
  if (!projection || Object.keys(projection).length === 0) return exactOf(match.doc);
  let projected: Document | undefined;
  try {
    const positional = Object.keys(projection).some((field) => field.endsWith('.$'));
    const { $comment: _comment, ...condition } = positional ? filter : {};
    projected = new Query(condition, {}).find<Document>([viewOf(match.doc)], projection).all()[0];
  } catch (err) {
    throw badValue(`invalid projection: ${(err as Error).message}`);
  }
  if (!projected) throw new CommandError(2, 'BadValue', 'projection requires the positional operator to match');
  return restoreTypes(projected, exactOf(match.doc)) as Document;
}
