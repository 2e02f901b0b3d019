// The expected failures of dossier operations, as typed results; api/ maps their codes to its error catalogue.
import type { DossierStatus } from '../knowledge/schemes';
import type { TransitionFailure } from './statusMachine';

export type DossierFailure =
  | { code: 'dossier_not_found'; reference: string }
  /** Someone else wrote the dossier since it was read: re-read it (HTTP 412). */
  | { code: 'stale_version'; reference: string; expectedVersion: number; currentVersion: number }
  /** Only drafts and dossiers under correction can be edited by the applicant. */
  | { code: 'dossier_not_editable'; reference: string; status: DossierStatus }
  /** The patch would make the dossier invalid; the messages are French, for the official. */
  | { code: 'invalid_dossier'; issues: Array<{ path: string; message: string }> }
  /** Under a correction request, the change touches a section that was not reopened, or the département. */
  | { code: 'correction_outside_sections'; reference: string; outside: string[]; departementChanged: boolean }
  /** The dossier holds as many notes, or messages, as it may (DOSSIER_CAPS): the document must stay far below MongoDB's 16 MB. */
  | { code: 'dossier_full'; reference: string; list: 'notes' | 'messages' | 'history' }
  | TransitionFailure;

export type Result<T, E = DossierFailure> = { ok: true; value: T } | { ok: false; error: E };
