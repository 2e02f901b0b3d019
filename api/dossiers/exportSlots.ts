// How many list exports each staff account may run at once: an export holds a database reader and a
// connection for as long as the client downloads, so one account cannot start a hundred of them.
import { AppError } from '../errors';

/** Default number of exports one staff account may run at the same time. */
const DEFAULT_EXPORTS_PER_STAFF = 2;

/** Seconds after which a refused client may try again (Retry-After). */
export const EXPORT_RETRY_AFTER_SECONDS = 10;

export class ExportSlots {
  private readonly running = new Map<string, number>();

  constructor(private readonly perStaff: number = DEFAULT_EXPORTS_PER_STAFF) {}

  /** Takes a slot for this account, or throws EXPORTS_IN_PROGRESS (429); the returned function frees it, once. */
  acquire(staffId: string): () => void {
    const current = this.running.get(staffId) ?? 0;
    if (current >= this.perStaff) {
      const count = this.perStaff === 1 ? 'un export en cours' : `${current} exports en cours`;
      throw new AppError('EXPORTS_IN_PROGRESS', {
        message: `Vous avez déjà ${count}, le maximum pour un compte : attendez qu’il se termine (ou annulez un téléchargement) avant d’en lancer un autre.`,
        details: { running: current, max: this.perStaff, retryAfterSeconds: EXPORT_RETRY_AFTER_SECONDS },
      });
    }
    this.running.set(staffId, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(staffId) ?? 1) - 1;
      if (left <= 0) this.running.delete(staffId);
      else this.running.set(staffId, left);
    };
  }
}
