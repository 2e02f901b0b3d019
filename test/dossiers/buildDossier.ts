// Test factories: a complete CTAI of a métropole and an empty draft, each overridable.
import { computeBudget } from '../../knowledge/completeness';
import { DossierSchema, type Dossier } from '../../dossiers/dossierSchema';

const CREATED_AT = new Date('2026-03-02T09:00:00Z');

/** A complete, consistent CTAI dossier still in draft: it passes `checkCompleteness`. */
export function buildDossier(overrides: Partial<Dossier> = {}): Dossier {
  const base: Dossier = {
    reference: 'TI-2026-00042',
    status: 'draft',
    scheme: 'CTAI',
    collectivity: { name: 'Métropole de Lyon', kind: 'metropole', departement: '69', siren: '200046977', population: 1_400_000 },
    contact: { name: 'Marie Dupont', role: 'Cheffe de projet intégration', email: 'marie.dupont@grandlyon.com', phone: '+33612345678' },
    approach: 'strategy',
    diagnostic: { status: 'done', summary: 'Diagnostic territorial conduit en 2025 avec les acteurs locaux.' },
    housingCommitted: true,
    fields: ['housing', 'language'],
    commitments: [
      { kind: 'cofinancing', amountEuros: 50_000 },
      { kind: 'premises', detail: 'Salle polyvalente de la Part-Dieu, deux demi-journées par semaine', estimatedValueEuros: 6_000 },
    ],
    actions: [
      {
        id: 'a1',
        title: 'Intermédiation locative',
        field: 'housing',
        description: 'Accompagner vers un logement autonome des ménages réfugiés.',
        publics: ['bpi'],
        beneficiaries: 40,
        costEuros: 120_000,
        stateFundingEuros: 80_000,
        carrier: 'Association Habitat et Humanisme',
      },
      {
        id: 'a2',
        title: 'Cours de français à visée professionnelle',
        field: 'language',
        description: 'Ateliers sociolinguistiques de 200 heures.',
        publics: ['primo_arrivants', 'bpi'],
        beneficiaries: 60,
        costEuros: 30_000,
        stateFundingEuros: 20_000,
        carrier: 'Métropole de Lyon',
      },
    ],
    budget: computeBudget({}),
    owner: { channel: 'msteams', userId: 'user-1', aadObjectId: 'aad-1', tenantId: 'tenant-1' },
    history: [],
    notes: [],
    attachments: [],
    version: 1,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
  };
  const merged = { ...base, ...overrides };
  return DossierSchema.parse({ ...merged, budget: computeBudget(merged) });
}

/** A draft as `createDraft` leaves it: nothing filled in yet. */
export function buildEmptyDraft(overrides: Partial<Dossier> = {}): Dossier {
  return DossierSchema.parse({
    reference: 'TI-2026-00043',
    status: 'draft',
    budget: computeBudget({}),
    owner: { channel: 'webchat', userId: 'user-2' },
    version: 1,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    ...overrides,
  });
}
