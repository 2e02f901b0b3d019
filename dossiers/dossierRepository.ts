// Reading and writing dossiers: references, drafts of a returning official, optimistic concurrency,
// status transitions with their history, staff notes and the staff list. No HTTP, no bot concerns.
import { randomBytes } from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import { z } from 'zod';
import { checkCorrection } from '../knowledge/corrections';
import { DossierStatusSchema, type DossierStatus, type Scheme } from '../knowledge/schemes';
import { counterModel, dossierModel } from './dossierModel';
import {
  budgetOf,
  DossierReferenceSchema,
  DossierSchema,
  EDITABLE_KEYS,
  MessageSchema,
  NoteSchema,
  type ActorRef,
  type Dossier,
  type DossierMessage,
  type DossierPatch,
  type HistoryEntry,
  type Owner,
} from './dossierSchema';
import type { DossierFailure, Result } from './errors';
import { changedSections } from './dossierDiff';
import { applyTransition, type TransitionRequest } from './statusMachine';
import { ownerFilters } from './ownerIdentity';

/** The statuses in which the applicant may still change the content. */
const EDITABLE_STATUSES: readonly DossierStatus[] = ['draft', 'changes_requested'];
/** The statuses of a dossier the official can resume in the chat. */
const RESUMABLE_STATUSES: readonly DossierStatus[] = ['draft', 'changes_requested'];

const MAX_UPDATE_ATTEMPTS = 5;
export const MAX_LIST_LIMIT = 100;

export const DossierListSortSchema = z.enum(['-updatedAt', 'updatedAt', '-submittedAt', 'submittedAt', 'reference', '-reference']);

export interface DossierListQuery {
  status?: DossierStatus | readonly DossierStatus[];
  scheme?: Scheme;
  /** The départements the caller may see (an instructeur's scope), possibly narrowed by a filter; undefined means all. */
  departements?: readonly string[];
  /** Part of a reference or of a collectivity name, case-insensitive. */
  q?: string;
  /** Dossiers bearing any of these labels. */
  labels?: readonly string[];
  /** Dossiers this staff account follows. */
  followedBy?: string;
  page: number;
  /** Keyset pagination: the page starts after this position (then `page` is not used). */
  after?: ListPosition;
  limit: number;
  sort?: DossierListSort;
}

export type DossierListSort = z.infer<typeof DossierListSortSchema>;

/** Where a page of the staff list ends: the sort field's value (none when sorting by reference) and the reference. */
export interface ListPosition {
  value?: Date;
  reference: string;
}

/** How many notes, and messages, a dossier may hold (issue 15, F11). */
/** At most this many notes, messages and history entries per dossier (each entry's texts are bounded by TEXT_LIMITS). */
export const DOSSIER_CAPS = { notes: 400, messages: 400, history: 500 } as const;

/** What an export reads of each dossier: its columns and nothing else (no history, notes, messages nor snapshots). */
const DossierExportRowSchema = DossierSchema.pick({
  reference: true,
  status: true,
  scheme: true,
  collectivity: true,
  contact: true,
  approach: true,
  diagnostic: true,
  fields: true,
  commitments: true,
  actions: true,
  budget: true,
  changesRequested: true,
  createdAt: true,
  updatedAt: true,
  submittedAt: true,
});
export type DossierExportRow = z.infer<typeof DossierExportRowSchema>;

const EXPORT_PROJECTION = {
  _id: 0,
  reference: 1,
  status: 1,
  scheme: 1,
  collectivity: 1,
  contact: 1,
  approach: 1,
  'diagnostic.status': 1,
  fields: 1,
  'commitments.kind': 1,
  // The actions detail (one row per action): everything but the description.
  'actions.id': 1,
  'actions.title': 1,
  'actions.field': 1,
  'actions.publics': 1,
  'actions.beneficiaries': 1,
  'actions.costEuros': 1,
  'actions.stateFundingEuros': 1,
  'actions.carrier': 1,
  budget: 1,
  changesRequested: 1,
  createdAt: 1,
  updatedAt: 1,
  submittedAt: 1,
} as const;

/**
 * Dossiers read at once by an export. Small on purpose (measured, bench/FIGURES.md): a batch of 500
 * lived long enough to be promoted to V8's old space, where 80,000 exported dossiers piled up as
 * garbage (+363 MB of resident memory) until a major collection; batches of 100 die young (+80 MB).
 * 100 also fits the database's first reply (101 documents), so a batch is one round trip.
 */
const EXPORT_BATCH_SIZE = 100;

/** The transition to apply; `at` defaults to the repository's clock. */
export type RepositoryTransition = Omit<TransitionRequest, 'at'> & { at?: Date };

/** Staff only ever see dossiers that have been submitted at least once: drafts belong to the applicant. */
export function isVisibleToStaff(dossier: Pick<Dossier, 'submittedAt' | 'status'>): boolean {
  return dossier.status !== 'draft' && dossier.submittedAt !== undefined;
}

/** Told of every stored status change, whoever made it (the applicant's submission in the chat, an agent's decision). */
export type TransitionListener = (dossier: Dossier, entry: HistoryEntry) => Promise<void> | void;

export class DossierRepository {
  private readonly dossiers: Model<Dossier>;
  private readonly counters: ReturnType<typeof counterModel>;
  private readonly transitionListeners: Array<{ listener: TransitionListener; onError: (error: unknown) => void }> = [];

  constructor(
    connection: Connection,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.dossiers = dossierModel(connection);
    this.counters = counterModel(connection);
  }

  /** Resolves once the collections and indexes exist (the unique reference index above all). */
  async init(): Promise<void> {
    await Promise.all([this.dossiers.init(), this.counters.init()]);
  }

  /** A new empty draft with the next reference of the year, e.g. TI-2026-00042. */
  async createDraft(owner: Owner): Promise<Dossier> {
    const now = this.clock();
    const reference = await this.nextReference(now);
    const draft = DossierSchema.parse({ reference, status: 'draft', owner, budget: budgetOf({}), version: 1, createdAt: now, updatedAt: now });
    await this.dossiers.create(draft);
    return draft;
  }

  async findByReference(reference: string): Promise<Dossier | null> {
    if (!DossierReferenceSchema.safeParse(reference).success) return null;
    return this.toDossier(await this.dossiers.findOne({ reference }).lean());
  }

  /** The latest draft or dossier under correction of this official: same user id on the channel, or same Teams identity anywhere. */
  async findDraftForOwner(owner: Owner): Promise<Dossier | null> {
    const found = await this.dossiers
      .findOne({ status: { $in: RESUMABLE_STATUSES }, $or: ownerFilters(owner) })
      .sort({ updatedAt: -1, reference: -1 })
      .lean();
    return this.toDossier(found);
  }

  /** The latest dossier of this official, whatever its status (for « où en est mon dossier » after submission). */
  async findLatestForOwner(owner: Owner): Promise<Dossier | null> {
    const found = await this.dossiers
      .findOne({ status: { $ne: 'withdrawn' }, $or: ownerFilters(owner) })
      .sort({ updatedAt: -1, reference: -1 })
      .lean();
    return this.toDossier(found);
  }

  /**
   * Replaces the patched sections if the dossier is still at `expectedVersion`, recomputes the
   * budget, and increments the version. Only drafts and dossiers under correction can be edited.
   */
  async update(reference: string, expectedVersion: number, patch: DossierPatch): Promise<Result<Dossier>> {
    const current = await this.findByReference(reference);
    if (!current) return failure({ code: 'dossier_not_found', reference });
    if (current.version !== expectedVersion) return failure({ code: 'stale_version', reference, expectedVersion, currentVersion: current.version });
    if (!EDITABLE_STATUSES.includes(current.status)) return failure({ code: 'dossier_not_editable', reference, status: current.status });

    const merged = { ...current, ...pickEditable(patch), updatedAt: this.clock() };
    const parsed = DossierSchema.safeParse({ ...merged, budget: budgetOf(merged) });
    if (!parsed.success) {
      return failure({ code: 'invalid_dossier', issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) });
    }

    const next = parsed.data;
    if (current.status === 'changes_requested') {
      // Of the budget, only the other funders are the applicant's: its totals follow the actions and commitments.
      const written = (dossier: Dossier) => ({ ...dossier, budget: dossier.budget.otherFunders });
      const check = checkCorrection(written(current), written(next), EDITABLE_KEYS, current.changesRequested?.sections ?? []);
      if (check.outside.length > 0 || check.departementChanged) return failure({ code: 'correction_outside_sections', reference, ...check });
    }
    const set: Record<string, unknown> = { budget: next.budget, updatedAt: next.updatedAt };
    const unset: Record<string, 1> = {};
    for (const key of EDITABLE_KEYS) {
      if (next[key] === undefined) unset[key] = 1;
      else set[key] = next[key];
    }
    const updated = await this.dossiers
      .findOneAndUpdate(
        { reference, version: expectedVersion },
        { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}), $inc: { version: 1 } },
        { returnDocument: 'after' },
      )
      .lean();
    return updated ? success(DossierSchema.parse(updated)) : this.writeConflict(reference, expectedVersion);
  }

  /** Reads, patches and writes again when someone else wrote in between, a bounded number of times. */
  async updateWithRetry(reference: string, mutate: (dossier: Dossier) => DossierPatch, maxAttempts = MAX_UPDATE_ATTEMPTS): Promise<Result<Dossier>> {
    let last: Result<Dossier> = failure({ code: 'dossier_not_found', reference });
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const current = await this.findByReference(reference);
      if (!current) return failure({ code: 'dossier_not_found', reference });
      last = await this.update(reference, current.version, mutate(current));
      if (last.ok || last.error.code !== 'stale_version') return last;
    }
    return last;
  }

  /**
   * Subscribes to every stored status change, the applicant's as well as staff's (the webhook, the agents' e-mails).
   * The listener is never awaited by the writer; its failures go to `onError`.
   */
  onTransition(listener: TransitionListener, onError: (error: unknown) => void = () => undefined): void {
    this.transitionListeners.push({ listener, onError });
  }

  /** The official's latest dossier that the prefecture has (submitted at least once): where their replies go. */
  async findLatestSubmittedForOwner(owner: Owner): Promise<Dossier | null> {
    const found = await this.dossiers
      .findOne({ status: { $ne: 'draft' }, submittedAt: { $exists: true }, $or: ownerFilters(owner) })
      .sort({ updatedAt: -1, reference: -1 })
      .lean();
    return this.toDossier(found);
  }

  /** Applies a status transition (status machine rules) and appends it to the history, atomically with the version check. */
  async transition(reference: string, expectedVersion: number, request: RepositoryTransition): Promise<Result<Dossier>> {
    const current = await this.findByReference(reference);
    if (!current) return failure({ code: 'dossier_not_found', reference });
    if (current.version !== expectedVersion) return failure({ code: 'stale_version', reference, expectedVersion, currentVersion: current.version });

    // A correction ping-pong cannot grow the history without end (500 entries of at most 4,000 characters each).
    if (current.history.length >= DOSSIER_CAPS.history) return failure({ code: 'dossier_full', reference, list: 'history' });
    const applied = applyTransition(current, { ...request, at: request.at ?? this.clock() });
    if (!applied.ok) return failure(applied.error);
    const parsed = DossierSchema.safeParse(applied.dossier);
    if (!parsed.success) {
      return failure({ code: 'invalid_dossier', issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) });
    }

    const next = parsed.data;
    const last = next.history[next.history.length - 1];
    const entry = last && current.status === 'changes_requested' && next.status === 'submitted' ? answeringEntry(current, next, last) : last;
    const set: Record<string, unknown> = { status: next.status, updatedAt: next.updatedAt };
    if (next.submittedAt) set.submittedAt = next.submittedAt;
    if (next.changesRequested) set.changesRequested = next.changesRequested;
    const updated = await this.dossiers
      .findOneAndUpdate(
        // The status is in the filter too, so that a transition can never apply twice.
        { reference, version: expectedVersion, status: current.status, [`history.${DOSSIER_CAPS.history - 1}`]: { $exists: false } },
        {
          $set: set,
          ...(next.changesRequested ? {} : { $unset: { changesRequested: 1 } }),
          // A submission keeps what was submitted, so the next one can show what changed.
          $push: next.status === 'submitted' ? { history: entry, submissions: submissionSnapshot(next) } : { history: entry },
          $inc: { version: 1 },
        },
        { returnDocument: 'after' },
      )
      .lean();
    if (!updated) return this.writeConflict(reference, expectedVersion);
    const stored = DossierSchema.parse(updated);
    const announced = stored.history[stored.history.length - 1];
    if (announced) this.announce(stored, announced);
    return success(stored);
  }

  private announce(dossier: Dossier, entry: HistoryEntry): void {
    for (const { listener, onError } of this.transitionListeners) {
      // A subscriber never holds or fails the write; its own failures are its to report.
      void Promise.resolve()
        .then(() => listener(dossier, entry))
        .catch(onError);
    }
  }

  /**
   * Adds a private staff note. Notes leave the version and `updatedAt` alone: annotating a dossier
   * must not make the applicant's or another instructeur's pending write stale.
   */
  async addNote(reference: string, note: { by: ActorRef; text: string; at?: Date }): Promise<Result<Dossier>> {
    const parsed = NoteSchema.safeParse({ at: note.at ?? this.clock(), by: note.by, text: note.text });
    if (!parsed.success) {
      return failure({ code: 'invalid_dossier', issues: parsed.error.issues.map((issue) => ({ path: `notes.${issue.path.join('.')}`, message: issue.message })) });
    }
    return this.append(reference, 'notes', parsed.data);
  }

  /**
   * Pushes a note or a message unless the dossier already holds DOSSIER_CAPS of them (checked in the
   * same atomic update): 400 texts of 4,000 characters stay under 5 MB each, far below the 16 MB a
   * MongoDB document may weigh, which used to end in a 500 (issue 15, F11).
   */
  private async append(reference: string, list: 'notes' | 'messages', entry: object): Promise<Result<Dossier>> {
    if (!DossierReferenceSchema.safeParse(reference).success) return failure({ code: 'dossier_not_found', reference });
    const updated = await this.dossiers
      .findOneAndUpdate({ reference, [`${list}.${DOSSIER_CAPS[list] - 1}`]: { $exists: false } }, { $push: { [list]: entry } }, { returnDocument: 'after' })
      .lean();
    if (updated) return success(DossierSchema.parse(updated));
    const exists = await this.dossiers.exists({ reference });
    return failure(exists ? { code: 'dossier_full', reference, list } : { code: 'dossier_not_found', reference });
  }

  /** Replaces the labels of a dossier; like notes, labels leave the version alone. */
  async setLabels(reference: string, labels: readonly string[]): Promise<Result<Dossier>> {
    const parsed = DossierSchema.shape.labels.safeParse([...new Set(labels)]);
    if (!parsed.success) {
      return failure({ code: 'invalid_dossier', issues: parsed.error.issues.map((issue) => ({ path: `labels.${issue.path.join('.')}`, message: issue.message })) });
    }
    return this.sideUpdate(reference, { $set: { labels: parsed.data ?? [] } });
  }

  /** Adds or removes a staff account among the dossier's followers (« suivre »). */
  async setFollowing(reference: string, staffId: string, follow: boolean): Promise<Result<Dossier>> {
    return this.sideUpdate(reference, follow ? { $addToSet: { followers: staffId } } : { $pull: { followers: staffId } });
  }

  /** Appends a message to the dossier's thread (the prefecture's or the applicant's); leaves the version alone. */
  async addMessage(reference: string, message: { by: ActorRef; text: string; at?: Date }): Promise<Result<{ dossier: Dossier; message: DossierMessage }>> {
    const parsed = MessageSchema.safeParse({ id: randomBytes(9).toString('base64url'), at: message.at ?? this.clock(), by: message.by, text: message.text });
    if (!parsed.success) {
      return { ok: false, error: { code: 'invalid_dossier', issues: parsed.error.issues.map((issue) => ({ path: `messages.${issue.path.join('.')}`, message: issue.message })) } };
    }
    const updated = await this.append(reference, 'messages', parsed.data);
    return updated.ok ? { ok: true, value: { dossier: updated.value, message: parsed.data } } : updated;
  }

  /** Records that a prefecture message reached the applicant's chat. */
  async markMessageDelivered(reference: string, messageId: string, at: Date = this.clock()): Promise<void> {
    await this.dossiers.updateOne({ reference, 'messages.id': messageId }, { $set: { 'messages.$.deliveredAt': at } });
  }

  /** The labels used on the dossiers of these départements (all when undefined), for the list's filter. */
  async labelsIn(departements: readonly string[] | undefined): Promise<string[]> {
    const filter: Record<string, unknown> = { submittedAt: { $exists: true }, ...(departements ? { 'collectivity.departement': { $in: [...departements] } } : {}) };
    const labels = (await this.dossiers.distinct('labels', filter)) as unknown[];
    return labels.filter((label): label is string => typeof label === 'string').sort((a, b) => a.localeCompare(b, 'fr'));
  }

  private async sideUpdate(reference: string, update: Record<string, unknown>): Promise<Result<Dossier>> {
    if (!DossierReferenceSchema.safeParse(reference).success) return failure({ code: 'dossier_not_found', reference });
    const updated = await this.dossiers.findOneAndUpdate({ reference }, update, { returnDocument: 'after' }).lean();
    return updated ? success(DossierSchema.parse(updated)) : failure({ code: 'dossier_not_found', reference });
  }

  /** Deletes the official's drafts ("recommencer"); submitted dossiers are never deleted. Returns how many went. */
  async deleteDraftsOfOwner(owner: Owner): Promise<number> {
    const result = await this.dossiers.deleteMany({ status: 'draft', $or: ownerFilters(owner) });
    return result.deletedCount;
  }

  /**
   * The staff list: never drafts nor dossiers withdrawn before submission, filtered, sorted and paged.
   * With `after` (keyset pagination) the page starts right after that position in the sort's order,
   * read from the sort's index with a range instead of skipping: as fast at the end of the list as at
   * its start, and no dossier is seen twice or missed when others are inserted meanwhile. `next` is the
   * position to continue from, present only when more dossiers follow.
   */
  async list(query: DossierListQuery): Promise<{ items: Dossier[]; total: number; next?: ListPosition }> {
    const filter = listFilter(query);
    const limit = Math.min(Math.max(Math.trunc(query.limit), 1), MAX_LIST_LIMIT);
    const page = Math.max(Math.trunc(query.page), 1);
    const sort = query.sort ?? '-updatedAt';
    // One more than the page: then we know whether another page follows.
    const [found, total] = await Promise.all([
      this.dossiers
        .find(afterPosition(filter, sort, query.after))
        .sort(orderOf(sort))
        .skip(query.after ? 0 : (page - 1) * limit)
        .limit(limit + 1)
        .lean(),
      this.dossiers.countDocuments(filter),
    ]);
    const items = found.slice(0, limit).map((dossier) => DossierSchema.parse(dossier));
    const last = items[items.length - 1];
    return { items, total, ...(found.length > limit && last ? { next: positionOf(last, sort) } : {}) };
  }

  /**
   * Every dossier of the staff list's filters, for an export: batches of `batchSize` read one after the
   * other by keyset (never skip), each with only the exported fields. The caller pulls the next batch
   * when it has written the previous one, so memory holds one batch whatever the number of dossiers.
   * Batches rather than one database cursor: the embedded database computes a cursor's results whole
   * when it opens, so a single cursor over 100,000 dossiers would hold them all in its memory.
   */
  async *exportBatches(query: Omit<DossierListQuery, 'page' | 'limit' | 'after'>, batchSize = EXPORT_BATCH_SIZE): AsyncGenerator<DossierExportRow[]> {
    const filter = listFilter(query);
    const sort = query.sort ?? 'reference';
    let after: ListPosition | undefined;
    for (;;) {
      const found = await this.dossiers.find(afterPosition(filter, sort, after)).sort(orderOf(sort)).limit(batchSize).select(EXPORT_PROJECTION).lean();
      const rows = found.map((row) => DossierExportRowSchema.parse(row));
      const last = rows[rows.length - 1];
      if (!last) return;
      yield rows;
      if (rows.length < batchSize) return;
      after = positionOf(last, sort);
    }
  }

  private async nextReference(now: Date): Promise<string> {
    const year = parisYear(now);
    const counterId = `dossier-reference-${year}`;
    let counter;
    try {
      counter = await this.counters.findOneAndUpdate({ _id: counterId }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean();
    } catch (error) {
      // Two first-of-the-year upserts can race on the counter's _id; the loser simply increments the winner's counter.
      if (!isDuplicateKeyError(error)) throw error;
      counter = await this.counters.findOneAndUpdate({ _id: counterId }, { $inc: { seq: 1 } }, { returnDocument: 'after' }).lean();
    }
    if (!counter) throw new Error(`The reference counter ${counterId} could not be incremented`);
    return `TI-${year}-${String(counter.seq).padStart(5, '0')}`;
  }

  private async writeConflict(reference: string, expectedVersion: number): Promise<Result<Dossier>> {
    const now = await this.findByReference(reference);
    if (!now) return failure({ code: 'dossier_not_found', reference });
    return failure({ code: 'stale_version', reference, expectedVersion, currentVersion: now.version });
  }

  private toDossier(found: unknown): Dossier | null {
    return found ? DossierSchema.parse(found) : null;
  }
}


/** The staff list's filter: never drafts nor dossiers withdrawn before submission. */
function listFilter(query: Omit<DossierListQuery, 'page' | 'limit' | 'after'>): Record<string, unknown> {
  const requested: readonly DossierStatus[] = query.status === undefined ? DossierStatusSchema.options : typeof query.status === 'string' ? [query.status] : query.status;
  const filter: Record<string, unknown> = {
    status: { $in: requested.filter((status) => status !== 'draft') },
    submittedAt: { $exists: true },
  };
  if (query.scheme) filter.scheme = query.scheme;
  if (query.departements) filter['collectivity.departement'] = { $in: [...query.departements] };
  const q = query.q?.trim().slice(0, 100);
  if (query.labels && query.labels.length > 0) filter.labels = { $in: [...query.labels] };
  if (query.followedBy) filter.followers = query.followedBy;
  if (q) {
    const pattern = new RegExp(escapeRegExp(q), 'i');
    // Each branch is answered from its own index's keys. A reference holds only T, I, digits and
    // hyphens, so other text can only be part of a name: one index to scan instead of two.
    filter.$or = [...(/^[ti\d-]+$/i.test(q) ? [{ reference: pattern }] : []), { 'collectivity.name': pattern }];
  }
  return filter;
}

/** The sort, the reference breaking ties so that pages never overlap (the staff indexes end with it). */
function orderOf(sort: DossierListSort): Record<string, 1 | -1> {
  const field = sort.replace(/^-/, '');
  const direction = sort.startsWith('-') ? -1 : 1;
  return field === 'reference' ? { reference: direction } : { [field]: direction, reference: direction };
}

/**
 * The filter narrowed to what comes after `after` in the sort's order. The bound on the sort field is
 * a plain range, which the database reads from the sort's index; the tie on equal values is settled by
 * the reference, in an $and so that it leaves the filter's own $or (the search) alone.
 */
function afterPosition(filter: Record<string, unknown>, sort: DossierListSort, after: ListPosition | undefined): Record<string, unknown> {
  if (!after) return filter;
  const field = sort.replace(/^-/, '');
  const [strict, loose] = sort.startsWith('-') ? (['$lt', '$lte'] as const) : (['$gt', '$gte'] as const);
  if (field === 'reference') return { ...filter, reference: { [strict]: after.reference } };
  if (!after.value) return filter;
  return { ...filter, [field]: { [loose]: after.value }, $and: [{ $or: [{ [field]: { [strict]: after.value } }, { reference: { [strict]: after.reference } }] }] };
}

/** The position of a dossier in the sort's order. */
function positionOf(dossier: Pick<Dossier, 'reference' | 'updatedAt' | 'submittedAt'>, sort: DossierListSort): ListPosition {
  const field = sort.replace(/^-/, '');
  const value = field === 'updatedAt' ? dossier.updatedAt : field === 'submittedAt' ? dossier.submittedAt : undefined;
  return { reference: dossier.reference, ...(value ? { value } : {}) };
}

/** The applicant's content at a submission, as plain data (see dossierDiff). */
/**
 * The history entry of a resubmission, linked to the correction request it answers: when it was made,
 * which sections and why, which sections the applicant changed since the previous submission, and how
 * many documents they added or removed since the request.
 */
function answeringEntry(current: Dossier, next: Dossier, entry: HistoryEntry): HistoryEntry {
  const request = current.changesRequested;
  const requestIndex = current.history.findLastIndex((candidate) => candidate.to === 'changes_requested' && candidate.from !== 'changes_requested');
  const requested = current.history[requestIndex];
  if (!request || !requested) return entry;
  const previous = current.submissions?.[current.submissions.length - 1];
  const sections = previous ? changedSections(previous.content, submissionSnapshot(next).content) : [];
  const documentsChanged = current.history.slice(requestIndex + 1).filter((candidate) => candidate.document && candidate.document.action !== 'infected').length;
  return { ...entry, answersRequest: { requestedAt: requested.at, sections: request.sections, reason: request.reason, changedSections: sections, documentsChanged } };
}

function submissionSnapshot(dossier: Dossier): { at: Date; version: number; content: Record<string, unknown> } {
  const content: Record<string, unknown> = {};
  for (const key of EDITABLE_KEYS) {
    if (key !== 'skippedQuestions' && dossier[key] !== undefined) content[key] = structuredClone(dossier[key]);
  }
  content.budget = structuredClone(dossier.budget);
  return { at: dossier.updatedAt, version: dossier.version + 1, content };
}

function pickEditable(patch: DossierPatch): DossierPatch {
  const picked: Record<string, unknown> = {};
  for (const key of EDITABLE_KEYS) {
    if (key in patch) picked[key] = patch[key];
  }
  return picked as DossierPatch;
}

/** The year of a date in France, where references are issued. */
function parisYear(date: Date): string {
  return new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', year: 'numeric' }).format(date);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 11000;
}

function success(value: Dossier): Result<Dossier> {
  return { ok: true, value };
}

function failure(error: DossierFailure): Result<Dossier> {
  return { ok: false, error };
}
