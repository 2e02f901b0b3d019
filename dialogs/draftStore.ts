// What the dialogs need from the dossiers: read the draft, change it safely, submit it.
import type { TurnContext } from 'botbuilder';
import type { DossierRepository } from '../dossiers/dossierRepository';
import { EDITABLE_KEYS, type Dossier, type DossierPatch } from '../dossiers/dossierSchema';
import { STATUS_LABELS } from '../knowledge/schemes';

/**
 * The turn a read or a write belongs to. Within one turn, every step reads the draft as the turn last
 * read or wrote it, instead of asking the database again; a new turn always starts from the database.
 */
export type Turn = Pick<TurnContext, 'turnState'>;

export interface DraftStore {
  load(reference: string, turn?: Turn): Promise<Dossier>;
  /**
   * Applies `mutate` to the latest version of the draft and saves it; on a concurrent change
   * (another tab) it re-reads and applies it again, so no answer is lost or overwritten.
   */
  change(reference: string, mutate: (dossier: Dossier) => void, turn?: Turn): Promise<Dossier>;
  /** Hands the dossier to the prefecture; refused with French reasons when it cannot be. */
  submit(reference: string, applicantId: string, turn?: Turn): Promise<{ ok: true; dossier: Dossier } | { ok: false; reasons: string[] }>;
}

/** The draft vanished or can no longer be edited (submitted from another tab, deleted on request). */
export class DraftUnavailableError extends Error {
  constructor(
    readonly reference: string,
    readonly reason: string,
  ) {
    super(`Draft ${reference} is unavailable: ${reason}`);
    this.name = 'DraftUnavailableError';
  }
}

/** Where a turn keeps the drafts it read, in its own turn state: gone with the turn. */
const TURN_DRAFTS = Symbol('turnDrafts');

function draftsOf(turn: Turn | undefined): Map<string, Dossier> | undefined {
  if (!turn) return undefined;
  let drafts = turn.turnState.get(TURN_DRAFTS) as Map<string, Dossier> | undefined;
  if (!drafts) {
    drafts = new Map();
    turn.turnState.set(TURN_DRAFTS, drafts);
  }
  return drafts;
}

/** How many drafts the store remembers between turns (a few MB at most): beyond, the oldest is read again when needed. */
const REMEMBERED_DRAFTS = 200;

/**
 * The draft store on the dossier repository, with its optimistic concurrency and retries.
 *
 * Besides each turn's own copy, it remembers the last version it wrote or read of the most recent
 * drafts, only as the starting point of the next change: an answer is applied to that copy and
 * written on the condition that the database still holds that version. When another tab, another
 * server instance or the prefecture wrote in between, the write is refused as stale and the answer
 * is applied again to a fresh read. Questions are always chosen from a read of this turn.
 */
export class RepositoryDraftStore implements DraftStore {
  private readonly remembered = new Map<string, Dossier>();

  constructor(private readonly repository: DossierRepository) {}

  async load(reference: string, turn?: Turn): Promise<Dossier> {
    const drafts = draftsOf(turn);
    const known = drafts?.get(reference);
    if (known) return known;
    const dossier = await this.repository.findByReference(reference);
    if (!dossier) {
      this.remembered.delete(reference);
      throw new DraftUnavailableError(reference, 'not found');
    }
    drafts?.set(reference, dossier);
    this.remember(dossier);
    return dossier;
  }

  async change(reference: string, mutate: (dossier: Dossier) => void, turn?: Turn): Promise<Dossier> {
    const drafts = draftsOf(turn);
    const patchOf = (current: Dossier): DossierPatch => {
      const copy = structuredClone(current);
      mutate(copy);
      return Object.fromEntries(EDITABLE_KEYS.map((key) => [key, copy[key]])) as DossierPatch;
    };
    const known = drafts?.get(reference) ?? this.remembered.get(reference);
    // Written against the version known here: a write from elsewhere since then makes it stale, and
    // the change is then applied again to a fresh read, as without the copy.
    let result = known ? await this.repository.update(reference, known.version, patchOf(known)) : undefined;
    if (!result || (!result.ok && result.error.code === 'stale_version')) result = await this.repository.updateWithRetry(reference, patchOf);
    if (!result.ok) {
      drafts?.delete(reference);
      this.remembered.delete(reference);
      throw new DraftUnavailableError(reference, result.error.code);
    }
    drafts?.set(reference, result.value);
    this.remember(result.value);
    return result.value;
  }

  private remember(dossier: Dossier): void {
    this.remembered.delete(dossier.reference);
    this.remembered.set(dossier.reference, dossier);
    if (this.remembered.size > REMEMBERED_DRAFTS) this.remembered.delete(this.remembered.keys().next().value!);
  }

  async submit(reference: string, applicantId: string, turn?: Turn): Promise<{ ok: true; dossier: Dossier } | { ok: false; reasons: string[] }> {
    const drafts = draftsOf(turn);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      // The turn's copy first; after a conflict, the database's.
      const current = await this.load(reference, attempt === 0 ? turn : undefined);
      const result = await this.repository.transition(reference, current.version, { to: 'submitted', by: { role: 'applicant', id: applicantId } });
      if (result.ok) {
        drafts?.set(reference, result.value);
        this.remembered.delete(reference);
        return { ok: true, dossier: result.value };
      }
      drafts?.delete(reference);
      this.remembered.delete(reference);
      const error = result.error;
      if (error.code === 'stale_version') continue;
      if (error.code === 'dossier_incomplete') return { ok: false, reasons: error.problems.map((problem) => problem.message) };
      if (error.code === 'transition_not_allowed') return { ok: false, reasons: [`Ce dossier a déjà le statut « ${STATUS_LABELS[error.from]} ».`] };
      return { ok: false, reasons: ['Le dossier ne peut pas être déposé pour le moment.'] };
    }
    return { ok: false, reasons: ['Le dossier a été modifié en même temps ailleurs : réessayez.'] };
  }
}
