// How dossiers are stored in MongoDB. The zod schema stays the source of truth: the repository
// validates every write with it; this mongoose schema gives the storage types and the indexes.
import { Schema, type Connection, type Model } from 'mongoose';
import { SectionIdSchema } from '../knowledge/completeness';
import {
  ApproachSchema,
  CollectivityKindSchema,
  CommitmentKindSchema,
  DiagnosticStatusSchema,
  DossierStatusSchema,
  IntegrationFieldSchema,
  PublicSchema,
  SchemeSchema,
} from '../knowledge/schemes';
import type { Dossier } from './dossierSchema';

const DOSSIER_MODEL = 'Dossier';
const COUNTER_MODEL = 'Counter';

const statusEnum = DossierStatusSchema.options;
const sectionEnum = SectionIdSchema.options;
const actorKinds = ['applicant', 'staff', 'system'];

// Sub-schemas without their own _id: they are values of the dossier, not documents.
const subdocument = { _id: false, id: false } as const;

const actorSchema = new Schema({ kind: { type: String, enum: actorKinds, required: true }, id: { type: String, required: true }, name: String }, subdocument);

const dossierSchema = new Schema<Dossier>(
  {
    reference: { type: String, required: true },
    status: { type: String, enum: statusEnum, required: true },
    scheme: { type: String, enum: SchemeSchema.options },
    collectivity: new Schema(
      {
        name: String,
        kind: { type: String, enum: CollectivityKindSchema.options },
        departement: String,
        siren: String,
        population: Number,
      },
      subdocument,
    ),
    contact: new Schema({ name: String, role: String, email: String, phone: String }, subdocument),
    approach: { type: String, enum: ApproachSchema.options },
    diagnostic: new Schema({ status: { type: String, enum: DiagnosticStatusSchema.options, required: true }, summary: String }, subdocument),
    housingCommitted: Boolean,
    fields: [{ type: String, enum: IntegrationFieldSchema.options }],
    commitments: [
      new Schema(
        { kind: { type: String, enum: CommitmentKindSchema.options, required: true }, detail: String, amountEuros: Number, estimatedValueEuros: Number },
        subdocument,
      ),
    ],
    actions: [
      new Schema(
        {
          id: { type: String, required: true },
          title: String,
          field: { type: String, enum: IntegrationFieldSchema.options },
          description: String,
          publics: [{ type: String, enum: PublicSchema.options }],
          beneficiaries: Number,
          costEuros: Number,
          stateFundingEuros: Number,
          carrier: String,
        },
        subdocument,
      ),
    ],
    skippedQuestions: { type: [String], default: undefined },
    budget: new Schema(
      {
        actionsCostEuros: Number,
        stateFundingRequestedEuros: Number,
        cofinancingEuros: Number,
        inKindValueEuros: Number,
        collectivityContributionEuros: Number,
        otherFundersEuros: Number,
        stateFundingShare: { type: Number, default: null },
        // Absent until the question is answered (an empty list is « no other funder »), so no default.
        otherFunders: { type: [new Schema({ name: { type: String, required: true }, amountEuros: { type: Number, required: true }, saidEarly: Boolean }, subdocument)], default: undefined },
      },
      subdocument,
    ),
    owner: new Schema({ channel: { type: String, required: true }, userId: { type: String, required: true }, aadObjectId: String, tenantId: String }, subdocument),
    history: [
      new Schema(
        {
          at: { type: Date, required: true },
          by: { type: actorSchema, required: true },
          from: { type: String, enum: statusEnum, required: true },
          to: { type: String, enum: statusEnum, required: true },
          comment: String,
          sections: { type: [{ type: String, enum: sectionEnum }], default: undefined },
          reason: String,
          document: { type: new Schema({ action: { type: String, required: true }, id: { type: String, required: true }, name: { type: String, required: true }, kind: { type: String, required: true }, signature: String }, subdocument), default: undefined },
          answersRequest: {
            type: new Schema(
              {
                requestedAt: { type: Date, required: true },
                sections: [{ type: String, enum: sectionEnum }],
                reason: { type: String, required: true },
                changedSections: [{ type: String, enum: sectionEnum }],
                documentsChanged: { type: Number, required: true },
              },
              subdocument,
            ),
            default: undefined,
          },
        },
        subdocument,
      ),
    ],
    notes: [new Schema({ at: { type: Date, required: true }, by: { type: actorSchema, required: true }, text: { type: String, required: true } }, subdocument)],
    labels: { type: [String], default: undefined },
    followers: { type: [String], default: undefined },
    messages: {
      type: [
        new Schema(
          { id: { type: String, required: true }, at: { type: Date, required: true }, by: { type: actorSchema, required: true }, text: { type: String, required: true }, deliveredAt: Date },
          subdocument,
        ),
      ],
      default: undefined,
    },
    submissions: {
      type: [new Schema({ at: { type: Date, required: true }, version: { type: Number, required: true }, content: { type: Schema.Types.Mixed, required: true } }, subdocument)],
      default: undefined,
    },
    changesRequested: new Schema({ sections: [{ type: String, enum: sectionEnum }], reason: { type: String, required: true }, comment: String }, subdocument),
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    submittedAt: Date,
  },
  {
    collection: 'dossiers',
    // Our own `version` field does optimistic concurrency, on every kind of update, which __v does not.
    versionKey: false,
    // Dates come from the injected clock, not from mongoose.
    timestamps: false,
    id: false,
  },
);

dossierSchema.index({ reference: 1 }, { unique: true });
// The staff list (DossierRepository.list): its filters are equalities or $in (status, département, scheme)
// followed by its sort fields, so the database reads a page in order from the index (merging the
// ranges of an $in) and stops, and counts the total on the index alone. Partial: staff only ever
// list dossiers submitted at least once, so the chat's writes to drafts never touch these indexes.
const STAFF_LIST = { partialFilterExpression: { submittedAt: { $exists: true } } };
dossierSchema.index({ status: 1, updatedAt: -1, reference: -1 }, { ...STAFF_LIST, name: 'staff_list' });
dossierSchema.index({ status: 1, 'collectivity.departement': 1, updatedAt: -1, reference: -1 }, { ...STAFF_LIST, name: 'staff_list_departement' });
dossierSchema.index({ status: 1, scheme: 1, updatedAt: -1, reference: -1 }, { ...STAFF_LIST, name: 'staff_list_scheme' });
dossierSchema.index({ status: 1, 'collectivity.departement': 1, scheme: 1, updatedAt: -1, reference: -1 }, { ...STAFF_LIST, name: 'staff_list_departement_scheme' });
dossierSchema.index({ status: 1, submittedAt: -1, reference: -1 }, { ...STAFF_LIST, name: 'staff_list_by_submission' });
// The staff list's search box (q): a substring of the name, matched on this index's keys rather than on every dossier.
dossierSchema.index({ 'collectivity.name': 1 });
// Drafts by age, for the retention purge.
dossierSchema.index({ status: 1, updatedAt: -1 });
// Finding a returning official's draft, in the same channel or, for Teams, by their Entra ID identity.
dossierSchema.index({ 'owner.userId': 1, 'owner.channel': 1, status: 1 });
dossierSchema.index({ 'owner.aadObjectId': 1 });
// The back-office's « suivis par moi » tab.
dossierSchema.index({ followers: 1 });

interface Counter {
  _id: string;
  seq: number;
}

const counterSchema = new Schema<Counter>({ _id: { type: String, required: true }, seq: { type: Number, required: true } }, { collection: 'counters', versionKey: false });

/** The dossier model on a connection, compiled once per connection. */
export function dossierModel(connection: Connection): Model<Dossier> {
  return connection.modelNames().includes(DOSSIER_MODEL) ? connection.model<Dossier>(DOSSIER_MODEL) : connection.model<Dossier>(DOSSIER_MODEL, dossierSchema);
}

/** The per-year reference counters (`counters` collection). */
export function counterModel(connection: Connection): Model<Counter> {
  return connection.modelNames().includes(COUNTER_MODEL) ? connection.model<Counter>(COUNTER_MODEL) : connection.model<Counter>(COUNTER_MODEL, counterSchema);
}
