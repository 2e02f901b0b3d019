// An applicant's own dossiers, for « supprimer mes données »: what never reached the prefecture goes,
// what was submitted stays with the prefecture for its review.
import type { Connection, Model } from 'mongoose';
import { dossierModel } from './dossierModel';
import type { DossierStatus } from '../knowledge/schemes';
import type { Dossier, Owner } from './dossierSchema';
import { ownerFilters } from './ownerIdentity';

/** Dossiers that were never handed to the prefecture: drafts, and drafts set aside by « recommencer ». */
const UNSUBMITTED = { submittedAt: { $exists: false }, status: { $in: ['draft', 'withdrawn'] satisfies DossierStatus[] } };

export class ApplicantDossiers {
  private readonly dossiers: Model<Dossier>;

  constructor(connection: Connection) {
    this.dossiers = dossierModel(connection);
  }

  /** The references of the applicant's unsubmitted dossiers, newest first. */
  async unsubmittedReferences(owner: Owner): Promise<string[]> {
    const found = await this.dossiers.find({ ...UNSUBMITTED, $or: ownerFilters(owner) }, { reference: 1 }).sort({ updatedAt: -1 }).lean();
    return found.map((dossier) => dossier.reference);
  }

  /** The references of the dossiers the prefecture has received (kept on erasure), newest first. */
  async submittedReferences(owner: Owner): Promise<string[]> {
    const found = await this.dossiers.find({ submittedAt: { $exists: true }, $or: ownerFilters(owner) }, { reference: 1 }).sort({ submittedAt: -1 }).lean();
    return found.map((dossier) => dossier.reference);
  }

  /** Deletes the applicant's unsubmitted dossiers; returns their references. */
  async eraseUnsubmitted(owner: Owner): Promise<string[]> {
    const references = await this.unsubmittedReferences(owner);
    if (references.length === 0) return [];
    // The filter is repeated: a dossier submitted in the meantime from another tab is kept.
    await this.dossiers.deleteMany({ ...UNSUBMITTED, reference: { $in: references } });
    return references;
  }
}

