// The dossier lifecycle, modelled on Démarches Simplifiées:
// draft → submitted → under_review → (changes_requested → submitted) → accepted | rejected, and withdrawn by the applicant.
import { z } from 'zod';
import { checkCompleteness, SectionIdSchema, type CompletenessProblem, type SectionId } from '../knowledge/completeness';
import { DossierStatusSchema, type DossierStatus } from '../knowledge/schemes';
import { TEXT_LIMITS, type ActorRef, type Dossier, type HistoryEntry } from './dossierSchema';

/** An instructeur is scoped to départements by the API; the machine only cares that both are staff. */
export type ActorRole = 'applicant' | 'instructeur' | 'admin';

/** Who asks for a transition: the role decides what is allowed. */
export interface Actor {
  role: ActorRole;
  id: string;
  name?: string;
}

const STAFF: readonly ActorRole[] = ['instructeur', 'admin'];
const APPLICANT: readonly ActorRole[] = ['applicant'];

const TRANSITIONS: ReadonlyArray<{ from: DossierStatus; to: DossierStatus; roles: readonly ActorRole[] }> = [
  { from: 'draft', to: 'submitted', roles: APPLICANT },
  { from: 'submitted', to: 'under_review', roles: STAFF },
  { from: 'under_review', to: 'changes_requested', roles: STAFF },
  { from: 'under_review', to: 'accepted', roles: STAFF },
  { from: 'under_review', to: 'rejected', roles: STAFF },
  { from: 'changes_requested', to: 'submitted', roles: APPLICANT },
  { from: 'draft', to: 'withdrawn', roles: APPLICANT },
  { from: 'submitted', to: 'withdrawn', roles: APPLICANT },
  { from: 'changes_requested', to: 'withdrawn', roles: APPLICANT },
];

/** The statuses a role may move a dossier to from `status`. */
export function allowedTransitions(status: DossierStatus, role: ActorRole): DossierStatus[] {
  return TRANSITIONS.filter((transition) => transition.from === status && transition.roles.includes(role)).map((transition) => transition.to);
}

/** The body of a transition request, as the API validates it (the actor and the time come from the server). */
export const TransitionRequestSchema = z.object({
  to: DossierStatusSchema,
  comment: z.string().trim().min(1).max(TEXT_LIMITS.comment).optional(),
  /** For changes_requested: the sections the applicant must correct. */
  sections: z.array(SectionIdSchema).min(1).max(SectionIdSchema.options.length).optional(),
  /** For changes_requested: why; the comment is used when it is absent. */
  reason: z.string().trim().min(1).max(TEXT_LIMITS.comment).optional(),
});

export type TransitionRequest = z.infer<typeof TransitionRequestSchema> & { by: Actor; at: Date };

export type TransitionFailure =
  | { code: 'transition_not_allowed'; from: DossierStatus; to: DossierStatus; allowed: DossierStatus[] }
  | { code: 'changes_request_incomplete'; missing: Array<'sections' | 'reason'> }
  /** A refusal must say why (reason, or comment): the applicant is told. */
  | { code: 'motivation_required' }
  | { code: 'dossier_incomplete'; problems: CompletenessProblem[] };

export type TransitionResult = { ok: true; dossier: Dossier; entry: HistoryEntry } | { ok: false; error: TransitionFailure };

/**
 * Applies a transition and returns the new dossier with its history entry, or why it is refused.
 * Pure: the version is left to the repository, which increments it on write.
 * A submission requires a complete dossier (the same rule as the chat's review step).
 */
export function applyTransition(dossier: Dossier, request: TransitionRequest): TransitionResult {
  const { to, by, at } = request;
  const allowed = allowedTransitions(dossier.status, by.role);
  if (!allowed.includes(to)) {
    return { ok: false, error: { code: 'transition_not_allowed', from: dossier.status, to, allowed } };
  }

  let changesRequested: Dossier['changesRequested'];
  let sections: SectionId[] | undefined;
  if (to === 'changes_requested') {
    const reason = request.reason ?? request.comment;
    const missing: Array<'sections' | 'reason'> = [];
    if (!request.sections || request.sections.length === 0) missing.push('sections');
    if (!reason) missing.push('reason');
    if (!request.sections || request.sections.length === 0 || !reason) {
      return { ok: false, error: { code: 'changes_request_incomplete', missing } };
    }
    sections = [...new Set(request.sections)];
    changesRequested = { sections, reason, ...(request.comment !== undefined && request.comment !== reason ? { comment: request.comment } : {}) };
  }

  if (to === 'rejected' && !(request.reason ?? request.comment)) {
    return { ok: false, error: { code: 'motivation_required' } };
  }

  if (to === 'submitted') {
    const report = checkCompleteness(dossier);
    if (!report.complete) return { ok: false, error: { code: 'dossier_incomplete', problems: report.problems } };
  }

  const entry: HistoryEntry = {
    at,
    by: actorRef(by),
    from: dossier.status,
    to,
    ...(request.comment !== undefined ? { comment: request.comment } : {}),
    ...(sections ? { sections } : {}),
    ...(changesRequested ? { reason: changesRequested.reason } : request.reason !== undefined ? { reason: request.reason } : {}),
  };
  const next: Dossier = {
    ...dossier,
    status: to,
    history: [...dossier.history, entry],
    updatedAt: at,
    // The first submission date is kept: it is the date the prefecture received the dossier.
    submittedAt: to === 'submitted' ? (dossier.submittedAt ?? at) : dossier.submittedAt,
    // A correction request stays open only while its status lasts.
    changesRequested,
  };
  if (next.changesRequested === undefined) delete next.changesRequested;
  if (next.submittedAt === undefined) delete next.submittedAt;
  return { ok: true, dossier: next, entry };
}

/**
 * The applicant is recorded as such, never by their chat user id: the history is read by staff (and
 * sent to the webhook), and a chat id is enough to act as the applicant on their channel.
 */
export const APPLICANT_ACTOR: ActorRef = { kind: 'applicant', id: 'demandeur' };

function actorRef(actor: Actor): ActorRef {
  if (actor.role === 'applicant') return APPLICANT_ACTOR;
  return { kind: 'staff', id: actor.id, ...(actor.name !== undefined ? { name: actor.name } : {}) };
}
