// What the dialogs need from the dossiers: read the draft, change it safely, submit it.
import type { DossierRepository } from '../dossiers/dossierRepository';
import { EDITABLE_KEYS, type Dossier, type DossierPatch } from '../dossiers/dossierSchema';
import { STATUS_LABELS } from '../knowledge/schemes';

export interface DraftStore {
  load(reference: string): Promise<Dossier>;
  /**
   * Applies `mutate` to the latest version of the draft and saves it; on a concurrent change
   * (another tab) it re-reads and applies it again, so no answer is lost or overwritten.
   */
  change(reference: string, mutate: (dossier: Dossier) => void): Promise<Dossier>;
  /** Hands the dossier to the prefecture; refused with French reasons when it cannot be. */
  submit(reference: string, applicantId: string): Promise<{ ok: true; dossier: Dossier } | { ok: false; reasons: string[] }>;
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

/** The draft store on the dossier repository, with its optimistic concurrency and retries. */
export class RepositoryDraftStore implements DraftStore {
  constructor(private readonly repository: DossierRepository) {}

  async load(reference: string): Promise<Dossier> {
    const dossier = await this.repository.findByReference(reference);
    if (!dossier) throw new DraftUnavailableError(reference, 'not found');
    return dossier;
  }

  async change(reference: string, mutate: (dossier: Dossier) => void): Promise<Dossier> {
    const result = await this.repository.updateWithRetry(reference, (current) => {
      const copy = structuredClone(current);
      mutate(copy);
      return Object.fromEntries(EDITABLE_KEYS.map((key) => [key, copy[key]])) as DossierPatch;
    });
    if (!result.ok) throw new DraftUnavailableError(reference, result.error.code);
    return result.value;
  }

  async submit(reference: string, applicantId: string): Promise<{ ok: true; dossier: Dossier } | { ok: false; reasons: string[] }> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const current = await this.load(reference);
      const result = await this.repository.transition(reference, current.version, { to: 'submitted', by: { role: 'applicant', id: applicantId } });
      if (result.ok) return { ok: true, dossier: result.value };
      const error = result.error;
      if (error.code === 'stale_version') continue;
      if (error.code === 'dossier_incomplete') return { ok: false, reasons: error.problems.map((problem) => problem.message) };
      if (error.code === 'transition_not_allowed') return { ok: false, reasons: [`Ce dossier a déjà le statut « ${STATUS_LABELS[error.from]} ».`] };
      return { ok: false, reasons: ['Le dossier ne peut pas être déposé pour le moment.'] };
    }
    return { ok: false, reasons: ['Le dossier a été modifié en même temps ailleurs : réessayez.'] };
  }
}
