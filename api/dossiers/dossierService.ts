// What staff may do with dossiers: scoped reads, transitions with optimistic concurrency, notes.
// Drafts and dossiers outside an instructeur's départements answer "not found", as if absent.
import { changesSincePreviousSubmission } from '../../dossiers/dossierDiff';
import { DossierReferenceSchema, type ActorRef, type Dossier, type HistoryEntry } from '../../dossiers/dossierSchema';
import {
  isVisibleToStaff,
  type DossierExportRow,
  type DossierListQuery as RepositoryListQuery,
  type DossierRepository,
  type ListPosition,
} from '../../dossiers/dossierRepository';
import type { DossierFailure } from '../../dossiers/errors';
import { allowedTransitions, APPLICANT_ACTOR, type Actor } from '../../dossiers/statusMachine';
import { checkCompleteness, type SectionId } from '../../knowledge/completeness';
import { STATUS_LABELS, type DossierStatus } from '../../knowledge/schemes';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { StaffPrincipal } from '../staff/staffSchema';
import type { DossierDetail, DossierFilters, DossierListQuery, DossierView, TransitionBody } from './dossierApiSchemas';
import { decodeCursor, encodeCursor } from './listCursor';

/** A status change made through the API, after it is stored. */
export interface StatusChangeEvent {
  dossier: Dossier;
  from: DossierStatus;
  to: DossierStatus;
  at: Date;
  by: ActorRef;
  comment?: string;
  /** For changes_requested: the sections the applicant must correct, and why. */
  sections?: SectionId[];
  reason?: string;
}

/** The event for a stored history entry: one shape for the API's subscribers and the repository's. */
export function statusChangeEventOf(dossier: Dossier, entry: HistoryEntry): StatusChangeEvent {
  return {
    dossier,
    from: entry.from,
    to: entry.to,
    at: entry.at,
    by: entry.by,
    ...(entry.comment !== undefined ? { comment: entry.comment } : {}),
    ...(entry.sections ? { sections: entry.sections } : {}),
    ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
  };
}

/** A subscriber to status changes (the webhook, the chat notification). Its failures are logged, never the caller's. */
export type StatusChangeListener = (event: StatusChangeEvent) => Promise<void> | void;

/** The list's filters as the back-office uses them. */
export type PageFilters = DossierFilters & { followedBy?: string };

export class DossierService {
  private readonly listeners: readonly StatusChangeListener[];

  constructor(
    private readonly repository: DossierRepository,
    private readonly logger: Logger,
    listeners: StatusChangeListener | readonly StatusChangeListener[] = [],
  ) {
    this.listeners = typeof listeners === 'function' ? [listeners] : listeners;
  }

  async list(staff: StaffPrincipal, query: DossierListQuery): Promise<{ items: DossierView[]; total: number; page?: number; limit: number; nextCursor: string | null }> {
    const { page, cursor, limit, ...filters } = query;
    if (page !== undefined && cursor !== undefined) throw new AppError('PAGE_AND_CURSOR');
    const sort = filters.sort ?? '-updatedAt';
    const after = cursor === undefined ? undefined : decodeCursor(cursor, sort);
    const { items, total, next } = await this.listDossiers(staff, filters, page ?? 1, limit, after);
    return { items: items.map(toView), total, ...(after ? {} : { page: page ?? 1 }), limit, nextCursor: next ? encodeCursor(sort, next) : null };
  }

  /**
   * Every dossier matching the filters, for an export, in batches pulled one after the other (see
   * DossierRepository.exportBatches): only the exported fields, one batch in memory at a time.
   */
  async *exportBatches(staff: StaffPrincipal, filters: PageFilters): AsyncGenerator<DossierExportRow[]> {
    const query = this.repositoryQuery(staff, filters);
    if (!query) return;
    yield* this.repository.exportBatches(query);
  }

  /** The dossier if this staff member may see it; DOSSIER_NOT_FOUND otherwise, whatever the reason. */
  async find(staff: StaffPrincipal, reference: string): Promise<Dossier> {
    const dossier = DossierReferenceSchema.safeParse(reference).success ? await this.repository.findByReference(reference) : null;
    if (!dossier || !isVisibleToStaff(dossier) || !inScope(staff, dossier)) throw new AppError('DOSSIER_NOT_FOUND');
    return withoutApplicantIds(dossier);
  }

  async detail(staff: StaffPrincipal, reference: string): Promise<DossierDetail> {
    return toDetail(await this.find(staff, reference), staff);
  }

  /** Applies a transition if the caller read the current version; tells the subscribers afterwards, without waiting for them. */
  async transition(staff: StaffPrincipal, reference: string, expectedVersion: number, body: TransitionBody): Promise<DossierDetail> {
    const current = await this.find(staff, reference);
    // Checked here too, so that the scope decision above was taken on the very version being changed.
    if (current.version !== expectedVersion) throw fromFailure({ code: 'stale_version', reference, expectedVersion, currentVersion: current.version });
    const result = await this.repository.transition(reference, expectedVersion, { ...body, by: actorOf(staff) });
    if (!result.ok) throw fromFailure(result.error);
    const dossier = result.value;
    const entry = dossier.history[dossier.history.length - 1];
    if (entry) {
      this.publish(statusChangeEventOf(dossier, entry));
    }
    return toDetail(dossier, staff);
  }

  async addNote(staff: StaffPrincipal, reference: string, text: string): Promise<DossierDetail['notes'][number]> {
    await this.find(staff, reference);
    const result = await this.repository.addNote(reference, { by: { kind: 'staff', id: staff.id, name: staff.name }, text });
    if (!result.ok) throw fromFailure(result.error);
    const note = result.value.notes[result.value.notes.length - 1];
    if (!note) throw new AppError('INTERNAL');
    return note;
  }

  /** The back-office list: the same scope as the API, plus « suivis par moi ». */
  page(staff: StaffPrincipal, filters: PageFilters, page: number, limit: number): Promise<{ items: Dossier[]; total: number }> {
    return this.listDossiers(staff, filters, page, limit);
  }

  /** The labels in use in the caller's départements, for the list's filter. */
  labelsInScope(staff: StaffPrincipal): Promise<string[]> {
    return this.repository.labelsIn(staff.role === 'admin' ? undefined : staff.departements);
  }

  async setLabels(staff: StaffPrincipal, reference: string, labels: readonly string[]): Promise<Dossier> {
    await this.find(staff, reference);
    const result = await this.repository.setLabels(reference, labels);
    if (!result.ok) throw fromFailure(result.error);
    return withoutApplicantIds(result.value);
  }

  async setFollowing(staff: StaffPrincipal, reference: string, follow: boolean): Promise<Dossier> {
    await this.find(staff, reference);
    const result = await this.repository.setFollowing(reference, staff.id, follow);
    if (!result.ok) throw fromFailure(result.error);
    return withoutApplicantIds(result.value);
  }

  private async listDossiers(
    staff: StaffPrincipal,
    filters: PageFilters,
    page: number,
    limit: number,
    after?: ListPosition,
  ): Promise<{ items: Dossier[]; total: number; next?: ListPosition }> {
    const query = this.repositoryQuery(staff, filters);
    if (!query) return { items: [], total: 0 };
    const result = await this.repository.list({ ...query, page, limit, ...(after ? { after } : {}) });
    return { ...result, items: result.items.map(withoutApplicantIds) };
  }

  /** The repository's filters for this caller; undefined when their scope leaves no département to read. */
  private repositoryQuery(staff: StaffPrincipal, filters: PageFilters): Omit<RepositoryListQuery, 'page' | 'limit' | 'after'> | undefined {
    const departements = scopeOf(staff, filters.departement);
    if (departements?.length === 0) return undefined;
    // `followed=me` (the API) and the back-office's « Suivis par moi »: the caller's own follows only.
    const followedBy = filters.followedBy ?? (filters.followed === 'me' ? staff.id : undefined);
    return {
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.scheme ? { scheme: filters.scheme } : {}),
      ...(departements ? { departements } : {}),
      ...(filters.q ? { q: filters.q } : {}),
      ...(filters.label ? { labels: filters.label } : {}),
      ...(followedBy ? { followedBy } : {}),
      ...(filters.sort ? { sort: filters.sort } : {}),
    };
  }

  private publish(event: StatusChangeEvent): void {
    for (const listener of this.listeners) {
      // Never awaited: a slow or failing subscriber must not hold or fail the staff member's request.
      void Promise.resolve()
        .then(() => listener(event))
        .catch((error: unknown) => {
          this.logger.error({ err: error, reference: event.dossier.reference, to: event.to }, 'A status change subscriber failed');
        });
    }
  }
}

/** The départements a query may read: the caller's scope, narrowed by the filter; undefined means every département (admin without filter). */
function scopeOf(staff: StaffPrincipal, requested: readonly string[] | undefined): readonly string[] | undefined {
  if (staff.role === 'admin') return requested;
  return requested ? requested.filter((departement) => staff.departements.includes(departement)) : staff.departements;
}

function inScope(staff: StaffPrincipal, dossier: Dossier): boolean {
  if (staff.role === 'admin') return true;
  const departement = dossier.collectivity.departement;
  return departement !== undefined && staff.departements.includes(departement);
}

function actorOf(staff: StaffPrincipal): Actor {
  return { role: staff.role, id: staff.id, name: staff.name };
}

/** Who acted, as staff may see it: the applicant is « le demandeur », never their chat identifier (widget `dl_…`, Teams ids). */
function staffActor(by: ActorRef): ActorRef {
  return by.kind === 'applicant' ? APPLICANT_ACTOR : by;
}

/**
 * The dossier as staff may see it, whatever the chat layer stored (entries written before the
 * applicant was recorded without their chat id included): every applicant actor neutral. Every
 * staff read goes through it (list, detail, thread, exports, PDF, ZIP, back-office pages).
 */
function withoutApplicantIds(dossier: Dossier): Dossier {
  return {
    ...dossier,
    history: dossier.history.map((entry) => ({ ...entry, by: staffActor(entry.by) })),
    notes: dossier.notes.map((note) => ({ ...note, by: staffActor(note.by) })),
    ...(dossier.messages ? { messages: dossier.messages.map((message) => ({ ...message, by: staffActor(message.by) })) } : {}),
  };
}

function toView(dossier: Dossier): DossierView {
  const { owner: _owner, skippedQuestions: _skipped, notes: _notes, ...view } = withoutApplicantIds(dossier);
  return view;
}

function toDetail(stored: Dossier, staff: StaffPrincipal): DossierDetail {
  const dossier = withoutApplicantIds(stored);
  // The staff API speaks to the prefecture's agent, as the back-office does.
  const report = checkCompleteness(dossier, 'agent');
  return {
    ...toView(dossier),
    notes: dossier.notes,
    completeness: { complete: report.complete, problems: report.problems.map((problem) => ({ ...problem })), warnings: report.warnings.map((warning) => ({ ...warning })) },
    allowedTransitions: allowedTransitions(dossier.status, staff.role),
    changesSincePreviousSubmission: changesSincePreviousSubmission(dossier) ?? null,
  };
}

/** The dossier layer's typed failures, in the API's catalogue. */
function fromFailure(failure: DossierFailure): AppError {
  switch (failure.code) {
    case 'dossier_not_found':
      return new AppError('DOSSIER_NOT_FOUND');
    case 'stale_version':
      return new AppError('PRECONDITION_FAILED', { details: { expectedVersion: failure.expectedVersion, currentVersion: failure.currentVersion } });
    case 'transition_not_allowed': {
      const possible = failure.allowed.map((status) => `« ${STATUS_LABELS[status]} » (${status})`).join(', ');
      const message =
        `Le dossier est « ${STATUS_LABELS[failure.from]} » : il ne peut pas passer à « ${STATUS_LABELS[failure.to]} ». ` +
        (possible ? `Changements possibles pour vous : ${possible}.` : 'Aucun changement de statut n’est possible pour vous à ce stade.');
      return new AppError('TRANSITION_NOT_ALLOWED', { message, details: { from: failure.from, to: failure.to, allowed: failure.allowed } });
    }
    case 'changes_request_incomplete':
      return new AppError('CHANGES_REQUEST_INCOMPLETE', { details: { missing: failure.missing } });
    case 'motivation_required':
      return new AppError('MOTIVATION_REQUIRED');
    case 'dossier_incomplete':
      return new AppError('DOSSIER_INCOMPLETE', { details: { problems: failure.problems } });
    case 'invalid_dossier':
      return new AppError('VALIDATION_FAILED', { details: failure.issues });
    case 'dossier_not_editable':
      return new AppError('CONFLICT', { details: { status: failure.status } });
    case 'correction_outside_sections':
      return new AppError('CONFLICT', { details: { outside: failure.outside, departementChanged: failure.departementChanged } });
    case 'dossier_full':
      return new AppError(failure.list === 'notes' ? 'TOO_MANY_NOTES' : failure.list === 'messages' ? 'TOO_MANY_MESSAGES' : 'TOO_MANY_HISTORY_ENTRIES');
  }
}
