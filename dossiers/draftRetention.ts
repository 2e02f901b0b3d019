// The retention rule for drafts: a draft untouched for `retentionDays` is deleted, after a warning
// sent `warningDays` earlier when the applicant can be reached. Warnings are recorded in a
// collection of their own, one per draft and per state of the draft, so each is sent once.
import type { Collection, Connection, Model } from 'mongoose';
import { dossierModel } from './dossierModel';
import type { Dossier, Owner } from './dossierSchema';

export interface RetentionPolicy {
  retentionDays: number;
  /** How long before the deletion the applicant is warned. */
  warningDays: number;
}

export interface DraftDueForWarning {
  reference: string;
  owner: Owner;
  collectivityName?: string;
  updatedAt: Date;
  /** When the draft will be deleted if nobody touches it: never sooner than `warningDays` after the warning. */
  deleteOn: Date;
}

interface WarningDocument {
  /** `<reference>@<updatedAt in ms>`: a draft touched after its warning is warned again when it goes stale again. */
  _id: string;
  reference: string;
  warnedAt: Date;
  /** False when the applicant could not be reached: the draft then goes at its due date. */
  delivered?: boolean;
}

const DAY_MS = 24 * 3600 * 1000;
const DUPLICATE_KEY = 11000;
/** Enough for one sweep; the next sweep takes the rest. */
const BATCH = 500;

export class DraftRetention {
  private readonly dossiers: Model<Dossier>;
  private readonly warnings: Collection<WarningDocument>;

  constructor(connection: Connection) {
    this.dossiers = dossierModel(connection);
    this.warnings = connection.collection<WarningDocument>('draft_retention_warnings');
  }

  /** Drafts within `warningDays` of their deletion (or past it) whose applicant was not warned yet. */
  async dueForWarning(now: Date, policy: RetentionPolicy): Promise<DraftDueForWarning[]> {
    const warnFrom = new Date(now.getTime() - (policy.retentionDays - policy.warningDays) * DAY_MS);
    const drafts = await this.dossiers
      .find({ status: 'draft', submittedAt: { $exists: false }, updatedAt: { $lte: warnFrom } }, { reference: 1, owner: 1, collectivity: 1, updatedAt: 1 })
      .sort({ updatedAt: 1 })
      .limit(BATCH)
      .lean();
    if (drafts.length === 0) return [];
    const warned = await this.warnedIds(drafts.map(warningId));
    return drafts
      .filter((draft) => !warned.has(warningId(draft)))
      .map((draft) => ({
        reference: draft.reference,
        owner: draft.owner,
        ...(draft.collectivity?.name ? { collectivityName: draft.collectivity.name } : {}),
        updatedAt: draft.updatedAt,
        deleteOn: new Date(Math.max(draft.updatedAt.getTime() + policy.retentionDays * DAY_MS, now.getTime() + policy.warningDays * DAY_MS)),
      }));
  }

  /**
   * Records that this draft is being warned; false when it already was (another instance of the
   * server got there first), so two instances never send the same warning.
   */
  async claimWarning(draft: Pick<DraftDueForWarning, 'reference' | 'updatedAt'>, now: Date): Promise<boolean> {
    try {
      await this.warnings.insertOne({ _id: warningId(draft), reference: draft.reference, warnedAt: now });
      return true;
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  async recordDelivery(draft: Pick<DraftDueForWarning, 'reference' | 'updatedAt'>, delivered: boolean): Promise<void> {
    await this.warnings.updateOne({ _id: warningId(draft) }, { $set: { delivered } });
  }

  /**
   * Deletes the drafts past their retention: those whose applicant was warned at least
   * `warningDays` ago or could not be reached, and drafts set aside by « recommencer » (withdrawn
   * before any submission). A draft touched since it was selected is left alone. Returns the
   * deleted references.
   */
  async purge(now: Date, policy: RetentionPolicy): Promise<string[]> {
    const cutoff = new Date(now.getTime() - policy.retentionDays * DAY_MS);
    const warnedBefore = new Date(now.getTime() - policy.warningDays * DAY_MS);
    const candidates = await this.dossiers
      .find({ status: { $in: ['draft', 'withdrawn'] }, submittedAt: { $exists: false }, updatedAt: { $lte: cutoff } }, { reference: 1, status: 1, updatedAt: 1 })
      .sort({ updatedAt: 1 })
      .limit(BATCH)
      .lean();
    if (candidates.length === 0) return [];
    const warnings = new Map((await this.warnings.find({ _id: { $in: candidates.map(warningId) } }).toArray()).map((warning) => [warning._id, warning]));
    const purged: string[] = [];
    for (const candidate of candidates) {
      const warning = warnings.get(warningId(candidate));
      const due = candidate.status === 'withdrawn' || (warning !== undefined && (warning.delivered === false || warning.warnedAt <= warnedBefore));
      if (!due) continue;
      const deleted = await this.dossiers.deleteOne({
        reference: candidate.reference,
        status: candidate.status,
        updatedAt: candidate.updatedAt,
        submittedAt: { $exists: false },
      });
      if (deleted.deletedCount === 1) purged.push(candidate.reference);
    }
    if (purged.length > 0) await this.warnings.deleteMany({ reference: { $in: purged } });
    return purged;
  }

  private async warnedIds(ids: string[]): Promise<Set<string>> {
    const found = await this.warnings.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
    return new Set(found.map((warning) => warning._id));
  }
}

function warningId(draft: { reference: string; updatedAt: Date }): string {
  return `${draft.reference}@${draft.updatedAt.getTime()}`;
}
