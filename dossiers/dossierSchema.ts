// The Dossier: one zod schema is the shape, the type, and the validation of every write.
//
// A draft is filled section by section and saved after every answer, so the sections' fields are
// optional here; `checkCompleteness` (knowledge/) judges what a submission still lacks. One shape
// for drafts and submitted dossiers keeps a single type for the bot, the dialogs and the API.
import { z } from 'zod';
import { BudgetTotalsSchema, computeBudget, SectionIdSchema } from '../knowledge/completeness';
import { FUNDER_LIMITS } from '../knowledge/funders';
import { isDepartementCode, isValidSiren, parseEmail, parsePhone } from '../knowledge/parsers';
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
import { AttachmentRefSchema, DocumentEventSchema, MAX_ATTACHMENTS_PER_DOSSIER } from './attachments/attachmentSchema';

/** Maximum lengths of free text, in characters, so that no input can break a card, a CSV or a PDF. */
export const TEXT_LIMITS = { name: 200, detail: 500, description: 2000, comment: 2000, note: 4000 } as const;

// Control characters other than line feed and tab have no place in plain text (and break exports).
const CONTROL_CHARACTERS = /[^\P{Cc}\n\t]/gu;

/** Free text stored as plain text: NFC, no control characters, trimmed, capped, non-empty. */
function plainText(max: number) {
  return z
    .string()
    .transform((value) => value.normalize('NFC').replace(/\r\n?/g, '\n').replace(CONTROL_CHARACTERS, '').trim())
    .pipe(z.string().min(1, { error: 'Ce champ ne peut pas être vide.' }).max(max, { error: `Ce texte est trop long (${max} caractères au plus).` }));
}

const euros = z
  .number({ error: 'Indiquez un montant en euros.' })
  .finite()
  .min(0, { error: 'Le montant ne peut pas être négatif.' })
  .max(1_000_000_000, { error: 'Ce montant semble trop élevé.' });

export const DossierReferenceSchema = z.string().regex(/^TI-\d{4}-\d{5,}$/, { error: 'La référence attendue ressemble à TI-2026-00042.' });

const OwnerSchema = z.object({
  channel: z.string().min(1).max(100),
  userId: z.string().min(1).max(500),
  /** The Teams user's Entra ID object id: the same person in any conversation. */
  aadObjectId: z.string().min(1).max(100).optional(),
  tenantId: z.string().min(1).max(100).optional(),
});
export type Owner = z.infer<typeof OwnerSchema>;

const CollectivitySchema = z.object({
  name: plainText(TEXT_LIMITS.name).optional(),
  kind: CollectivityKindSchema.optional(),
  departement: z.string().refine(isDepartementCode, { error: 'Code de département invalide (par exemple 69, 2A ou 974).' }).optional(),
  siren: z.string().refine(isValidSiren, { error: 'Numéro SIREN invalide (9 chiffres, par exemple 200046977).' }).optional(),
  population: z.number().int().positive().optional(),
});

const ContactSchema = z.object({
  name: plainText(TEXT_LIMITS.name).optional(),
  role: plainText(TEXT_LIMITS.name).optional(),
  email: z
    .string()
    .refine((value) => parseEmail(value).ok && value === value.trim().toLowerCase(), { error: 'Adresse électronique invalide (par exemple prenom.nom@ville-exemple.fr).' })
    .optional(),
  /** Normalised international form, e.g. +33612345678 (see `parsePhone`). */
  phone: z
    .string()
    .refine((value) => {
      const parsed = parsePhone(value);
      return parsed.ok && parsed.value === value;
    }, { error: 'Numéro de téléphone invalide (forme attendue : +33612345678).' })
    .optional(),
});

const DiagnosticSchema = z.object({
  status: DiagnosticStatusSchema,
  summary: plainText(TEXT_LIMITS.description).optional(),
});

const CommitmentSchema = z.object({
  kind: CommitmentKindSchema,
  /** Which room, how much staff time, which association…: what the commitment is, in the official's words. */
  detail: plainText(TEXT_LIMITS.detail).optional(),
  /** The amount of a cofinancing. */
  amountEuros: euros.optional(),
  /** The estimated value of an in-kind commitment (room, staff time), so the budget shows the whole contribution. */
  estimatedValueEuros: euros.optional(),
});

const ActionSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  title: plainText(TEXT_LIMITS.name).optional(),
  field: IntegrationFieldSchema.optional(),
  description: plainText(TEXT_LIMITS.description).optional(),
  publics: z.array(PublicSchema).max(PublicSchema.options.length).default([]),
  beneficiaries: z.number().int().positive().optional(),
  costEuros: euros.optional(),
  stateFundingEuros: euros.optional(),
  /** Who carries the action: the collectivity itself or an association. */
  carrier: plainText(TEXT_LIMITS.name).optional(),
});

/** A funder other than the State and the collectivity (CAF, région, fondation…), with what it brings. */
const FunderSchema = z.object({
  name: plainText(FUNDER_LIMITS.name),
  amountEuros: euros.positive({ error: 'Le montant d’un financeur doit être supérieur à zéro.' }),
  /** Said in passing at another question, before the other funders were asked: the chat confirms it when that question comes. */
  saidEarly: z.boolean().optional(),
});

/** The budget: the totals computed on every write, and the other funders the official gave (absent: not asked yet; empty: none). */
const BudgetSchema = BudgetTotalsSchema.extend({
  otherFunders: z
    .array(FunderSchema)
    .max(FUNDER_LIMITS.count)
    .optional()
    .meta({ description: 'Les financeurs autres que l’État et la collectivité (CAF, région, fondation…), avec leur montant ; absent tant que la question n’a pas été posée, vide s’il n’y en a aucun. Leur somme est otherFundersEuros.' }),
});

const ActorRefSchema = z.object({
  kind: z.enum(['applicant', 'staff', 'system']),
  id: z.string().min(1).max(200),
  name: plainText(TEXT_LIMITS.name).optional(),
});
export type ActorRef = z.infer<typeof ActorRefSchema>;

const HistoryEntrySchema = z.object({
  at: z.date(),
  by: ActorRefSchema,
  from: DossierStatusSchema,
  to: DossierStatusSchema,
  comment: plainText(TEXT_LIMITS.comment).optional(),
  sections: z.array(SectionIdSchema).optional(),
  /** For a correction request or a decision: why, as the agent wrote it (shown to the applicant). */
  reason: plainText(TEXT_LIMITS.comment).optional(),
  /** A document added, removed or found infected: then `from` and `to` are both the status it happened in. */
  document: DocumentEventSchema.optional(),
  /** A resubmission after a correction request: the request it answers, and what the applicant changed. */
  answersRequest: z
    .object({
      requestedAt: z.date(),
      sections: z.array(SectionIdSchema).min(1),
      reason: plainText(TEXT_LIMITS.comment),
      /** The sections whose content differs from the previous submission (empty: only documents, or nothing). */
      changedSections: z.array(SectionIdSchema),
      /** Documents added or removed since the request. */
      documentsChanged: z.number().int().min(0),
    })
    .optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

/** A private staff annotation: never shown to the applicant. */
export const NoteSchema = z.object({
  at: z.date(),
  by: ActorRefSchema,
  text: plainText(TEXT_LIMITS.note),
});

/** A back-office label: short free text chosen by the agents (« urgent », « budget à revoir »). */
export const LabelSchema = plainText(40);

/** One message of the dossier's thread between the prefecture and the applicant. */
export const MessageSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  at: z.date(),
  by: ActorRefSchema,
  text: plainText(TEXT_LIMITS.note),
  /** When a prefecture message reached the applicant's chat; absent if it could not be delivered (yet). */
  deliveredAt: z.date().optional(),
});
export type DossierMessage = z.infer<typeof MessageSchema>;

/** What the applicant had written at a submission, so the agent sees what changed at the next one. */
const SubmissionSnapshotSchema = z.object({
  at: z.date(),
  version: z.number().int().min(1),
  content: z.record(z.string(), z.unknown()),
});

const ChangesRequestedSchema = z.object({
  sections: z.array(SectionIdSchema).min(1),
  reason: plainText(TEXT_LIMITS.comment),
  comment: plainText(TEXT_LIMITS.comment).optional(),
});

const unique = <T>(items: readonly T[]): boolean => new Set(items).size === items.length;

export const DossierSchema = z.object({
  reference: DossierReferenceSchema,
  status: DossierStatusSchema,
  /** Optional while the draft has not reached the scheme step. */
  scheme: SchemeSchema.optional(),
  collectivity: CollectivitySchema.default({}),
  contact: ContactSchema.default({}),
  approach: ApproachSchema.optional(),
  diagnostic: DiagnosticSchema.optional(),
  /** The official's answer to "will the CTAI include housing actions?" (mandatory in a CTAI). */
  housingCommitted: z.boolean().optional(),
  fields: z.array(IntegrationFieldSchema).max(IntegrationFieldSchema.options.length).refine(unique, { error: 'Un champ est cité deux fois.' }).default([]),
  commitments: z.array(CommitmentSchema).max(20).default([]),
  actions: z
    .array(ActionSchema)
    .max(50)
    .refine((actions) => unique(actions.map((action) => action.id)), { error: 'Deux actions ont le même identifiant.' })
    .default([]),
  /** Optional questions the official chose to skip ("passer"), and « actions.more » once « une autre action ? » got « non »: a resumed draft does not ask them again. */
  skippedQuestions: z.array(z.string().min(1).max(100)).max(100).optional(),
  /** Totals computed from actions, commitments and other funders, refreshed on every write; the other funders themselves. */
  budget: BudgetSchema,
  owner: OwnerSchema,
  history: z.array(HistoryEntrySchema).default([]),
  notes: z.array(NoteSchema).default([]),
  /** Back-office labels; like notes, they never change the version. */
  labels: z.array(LabelSchema).max(10).optional(),
  /** Ids of the staff accounts that follow the dossier (« suivre »). */
  followers: z.array(z.string().min(1).max(100)).max(500).optional(),
  /** The thread between the prefecture and the applicant. */
  messages: z.array(MessageSchema).max(1000).optional(),
  /** The content at each submission (the latest last), for « ce qui a changé ». */
  submissions: z.array(SubmissionSnapshotSchema).max(50).optional(),
  /** The documents attached by the applicant (bytes in GridFS, see dossiers/attachments/). */
  attachments: z.array(AttachmentRefSchema).max(MAX_ATTACHMENTS_PER_DOSSIER).default([]),
  /** The open correction request, while the status is changes_requested. */
  changesRequested: ChangesRequestedSchema.optional(),
  /** Incremented on every write: optimistic concurrency (the API's If-Match). */
  version: z.number().int().min(1),
  createdAt: z.date(),
  updatedAt: z.date(),
  /** The date of the first submission. */
  submittedAt: z.date().optional(),
});
export type Dossier = z.infer<typeof DossierSchema>;

/** The sections an applicant edits; status, history and the rest change only through the repository's own methods. */
export const EDITABLE_KEYS = ['scheme', 'collectivity', 'contact', 'approach', 'diagnostic', 'housingCommitted', 'fields', 'commitments', 'actions', 'budget', 'skippedQuestions'] as const;
/** Of the budget, only the other funders are written: its totals are computed. */
export type DossierPatch = Partial<Pick<Dossier, Exclude<(typeof EDITABLE_KEYS)[number], 'budget'>>> & { budget?: Pick<Dossier['budget'], 'otherFunders'> };

/** The budget to store: the totals computed from the content, with the other funders it holds. */
export function budgetOf(content: DossierPatch): Dossier['budget'] {
  const otherFunders = content.budget?.otherFunders;
  return { ...computeBudget(content), ...(otherFunders ? { otherFunders: [...otherFunders] } : {}) };
}
