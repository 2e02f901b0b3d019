// Running a filter over a collection: index choice, mingo matching, sort, skip, limit and projection.
import type { Document } from 'bson';
import { Query } from 'mingo';
import type { CollationSpec } from 'mingo/types';
import { candidates, type ExecStats } from './documents';
import { CommandError, badValue } from './errors';
import { planQuery, type Plan } from './indexes';
import type { CollectionInfo, Storage } from './storage';
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
}

/** The collation mingo should apply; none for the default binary comparison ("simple"). */
export function collationOf(spec: Document | undefined): CollationSpec | undefined {
  if (!spec || typeof spec.locale !== 'string' || spec.locale === 'simple') return undefined;
  return spec as unknown as CollationSpec;
}

/** Compiles a filter (a view), turning mingo's complaints into the BadValue mongod would answer. */
export function compileFilter(filter: unknown, collation?: Document): Query {
  if (filter !== undefined && filter !== null && !isPlainObject(filter)) throw badValue('filter must be an object');
  // $comment annotates the query for profilers; it matches everything.
  const { $comment: _comment, ...rest } = (filter ?? {}) as Document;
  try {
    return new Query(rest, { collation: collationOf(collation) });
  } catch (err) {
    throw badValue(`invalid filter: ${(err as Error).message}`);
  }
}

/** Index use would be wrong for a collation that equates strings the index keeps apart. */
export function planFor(coll: CollectionInfo, filter: Document, collation?: Document): Plan {
  return collationOf(collation) ? { kind: 'collscan' } : planQuery(filter, coll.indexes);
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
  const query = compileFilter(filter, options.collation);
  const skip = options.skip ?? 0;
  const limit = options.limit && options.limit > 0 ? options.limit : undefined;
  const sort = options.sort && Object.keys(options.sort).length > 0 ? options.sort : undefined;
  const natural = sort && Object.keys(sort).length === 1 && '$natural' in sort ? Number(sort.$natural) : undefined;
  // Without a sort, insertion order is final: stop reading once the page is full.
  const enough = limit !== undefined && (!sort || natural === 1) ? skip + limit : Infinity;

  const matches: Match[] = [];
  for (const row of candidates(storage, coll, planFor(coll, filter, options.collation), stats)) {
    const view = viewOf(row.doc);
    if (!testDoc(query, view)) continue;
    matches.push({ rid: row.rid, doc: row.doc, view });
    if (matches.length >= enough) break;
  }
  let ordered = matches;
  if (natural === -1) ordered = matches.reverse();
  else if (sort && natural === undefined) ordered = sortMatches(matches, sort, options.collation);
  return ordered.slice(skip, limit === undefined ? undefined : skip + limit);
}

function testDoc(query: Query, view: Document): boolean {
  try {
    return query.test(view);
  } catch (err) {
    throw badValue(`cannot evaluate filter: ${(err as Error).message}`);
  }
}

function sortMatches(matches: Match[], sort: Document, collation?: Document): Match[] {
  for (const [field, dir] of Object.entries(sort)) {
    if (dir !== 1 && dir !== -1) throw badValue(`bad sort specification for ${field}: only 1 and -1 are supported`);
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

/** The exact document of a match reduced by a projection (or the whole document when none). */
export function projectMatch(match: Match, projection: Document | undefined, filter: Document): Document {
  if (!projection || Object.keys(projection).length === 0) return exactOf(match.doc);
  let projected: Document | undefined;
  try {
    const { $comment: _comment, ...condition } = filter;
    projected = new Query(condition, {}).find<Document>([viewOf(match.doc)], projection).all()[0];
  } catch (err) {
    throw badValue(`invalid projection: ${(err as Error).message}`);
  }
  if (!projected) throw new CommandError(2, 'BadValue', 'projection requires the positional operator to match');
  return restoreTypes(projected, exactOf(match.doc)) as Document;
}
