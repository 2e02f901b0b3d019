// What a dossier still lacks before it can be submitted, and its budget totals: one rule set for the chat and the API.
import { z } from 'zod';
import { formatEuros } from './formatting';
import type { Funder } from './funders';
import { isDepartementCode } from './parsers';
import { COLLECTIVITY_KIND_LABELS, ctaiEligibility, FIELD_LABELS, SCHEME_CATALOGUE, type Approach, type CollectivityKind, type CommitmentKind, type DiagnosticStatus, type IntegrationField, type Public, type Scheme } from './schemes';
import { seedRef, type SeedRef } from './seedReferences';

/** The sections of a dossier, in the order the conversation fills them. */
export const SectionIdSchema = z.enum(['collectivity', 'contact', 'scheme', 'fields', 'commitments', 'actions', 'budget']);
export type SectionId = z.infer<typeof SectionIdSchema>;

export const SECTION_LABELS: Record<SectionId, string> = {
  collectivity: 'Collectivité',
  contact: 'Contact',
  scheme: 'Dispositif',
  fields: 'Champs d’intervention',
  commitments: 'Engagements de la collectivité',
  actions: 'Actions',
  budget: 'Budget',
};

/**
 * The parts of a dossier these rules read, every one optional because drafts are filled
 * progressively. It is the consumer's view, not a second definition of the dossier: the
 * `Dossier` type of dossiers/ is assignable to it, which the compiler checks wherever a dossier
 * is passed to `checkCompleteness` or `computeBudget`.
 */
export interface DossierContent {
  readonly scheme?: Scheme;
  readonly collectivity?: { readonly name?: string; readonly kind?: CollectivityKind; readonly departement?: string };
  readonly contact?: { readonly name?: string; readonly role?: string; readonly email?: string };
  readonly approach?: Approach;
  readonly diagnostic?: { readonly status?: DiagnosticStatus };
  readonly fields?: readonly IntegrationField[];
  readonly commitments?: readonly CommitmentContent[];
  readonly actions?: readonly ActionContent[];
  /** The budget's other funders, as the official gave them (the totals are computed). */
  readonly budget?: { readonly otherFunders?: readonly Funder[] };
}

interface CommitmentContent {
  readonly kind: CommitmentKind;
  readonly detail?: string;
  readonly amountEuros?: number;
  readonly estimatedValueEuros?: number;
}

interface ActionContent {
  readonly id: string;
  readonly title?: string;
  readonly field?: IntegrationField;
  readonly description?: string;
  readonly publics?: readonly Public[];
  readonly beneficiaries?: number;
  readonly costEuros?: number;
  readonly stateFundingEuros?: number;
  readonly carrier?: string;
}

export type ProblemCode =
  | 'collectivity_name_missing'
  | 'collectivity_kind_missing'
  | 'collectivity_departement_missing'
  | 'collectivity_departement_invalid'
  | 'contact_name_missing'
  | 'contact_role_missing'
  | 'contact_email_missing'
  | 'scheme_missing'
  | 'approach_missing'
  | 'diagnostic_missing'
  | 'ctai_kind_not_allowed'
  | 'ctai_diagnostic_missing'
  | 'fields_missing'
  | 'ctai_housing_field_missing'
  | 'commitments_missing'
  | 'commitment_detail_missing'
  | 'amount_negative'
  | 'actions_missing'
  | 'action_incomplete'
  | 'ctai_housing_action_missing'
  | 'action_field_not_chosen'
  | 'state_funding_exceeds_cost';

type WarningCode = 'ctai_prefecture_decides' | 'ctai_diagnostic_planned' | 'ptai_diagnostic_advised' | 'field_without_action' | 'budget_unbalanced';

export interface CompletenessProblem {
  readonly section: SectionId;
  readonly code: ProblemCode;
  /** French, addressed to the official. */
  readonly message: string;
  /** The action concerned, when the problem is about one action. */
  readonly actionId?: string;
  /** The seed passage behind the rule, when the rule is a scheme rule rather than a form rule. */
  readonly ref?: SeedRef;
}

/** Worth telling the official, but not blocking the submission. */
interface CompletenessWarning {
  readonly section: SectionId;
  readonly code: WarningCode;
  readonly message: string;
  /** The seed passage behind the advice; none for the budget's balance, which the seed does not rule on. */
  readonly ref?: SeedRef;
}

export interface CompletenessReport {
  readonly complete: boolean;
  readonly problems: CompletenessProblem[];
  readonly warnings: CompletenessWarning[];
}

/**
 * Who reads the messages: the official filling the dossier in the chat (« ajoutez… », « vous pouvez… »), or the
 * prefecture's agent in the back-office and its PDF, to whom the same findings are stated, not advised.
 */
export type CompletenessReader = 'official' | 'agent';

/** The message for the reader: the official's wording, or the agent's. */
type Say = (official: string, agent: string) => string;

/** Lists, section by section, what is missing or inconsistent before the dossier can be submitted. */
export function checkCompleteness(dossier: DossierContent, reader: CompletenessReader = 'official'): CompletenessReport {
  const say: Say = (official, agent) => (reader === 'agent' ? agent : official);
  const problems: CompletenessProblem[] = [];
  const warnings: CompletenessWarning[] = [];
  checkCollectivity(dossier, problems);
  checkContact(dossier, problems);
  checkScheme(dossier, problems, warnings, say);
  checkFields(dossier, problems, say);
  checkCommitments(dossier, problems, say);
  checkActions(dossier, problems, warnings, say);
  const totals = computeBudget(dossier);
  const advice = budgetAdvice(totals);
  if (advice) {
    const remedy = budgetBalance(totals).gapEuros > 0 ? 'vous pouvez ajouter un financeur ou revoir les montants' : 'vérifiez les montants';
    warnings.push({ section: 'budget', code: 'budget_unbalanced', message: say(`${advice} : ${remedy} (ce n’est pas obligatoire pour déposer).`, `${advice} (sans effet sur la recevabilité du dépôt).`) });
  }
  return { complete: problems.length === 0, problems, warnings };
}

/** The first section, in conversation order, that has a problem: where a resumed draft starts again. */
export function firstIncompleteSection(report: CompletenessReport): SectionId | undefined {
  return SectionIdSchema.options.find((section) => report.problems.some((problem) => problem.section === section));
}

function checkCollectivity(dossier: DossierContent, problems: CompletenessProblem[]): void {
  const collectivity = dossier.collectivity;
  if (isBlank(collectivity?.name)) problems.push({ section: 'collectivity', code: 'collectivity_name_missing', message: 'Le nom de la collectivité n’est pas renseigné.' });
  if (!collectivity?.kind) problems.push({ section: 'collectivity', code: 'collectivity_kind_missing', message: 'Le type de collectivité n’est pas renseigné.' });
  const departement = collectivity?.departement;
  if (departement === undefined || isBlank(departement)) {
    problems.push({ section: 'collectivity', code: 'collectivity_departement_missing', message: 'Le département n’est pas renseigné.' });
  } else if (!isDepartementCode(departement)) {
    problems.push({ section: 'collectivity', code: 'collectivity_departement_invalid', message: `Le département « ${departement} » n’est pas un code valide (par exemple 69, 2A ou 974).` });
  }
}

function checkContact(dossier: DossierContent, problems: CompletenessProblem[]): void {
  const contact = dossier.contact;
  if (isBlank(contact?.name)) problems.push({ section: 'contact', code: 'contact_name_missing', message: 'Le nom de la personne à contacter n’est pas renseigné.' });
  if (isBlank(contact?.role)) problems.push({ section: 'contact', code: 'contact_role_missing', message: 'La fonction de la personne à contacter n’est pas renseignée.' });
  if (isBlank(contact?.email)) problems.push({ section: 'contact', code: 'contact_email_missing', message: 'L’adresse électronique de la personne à contacter n’est pas renseignée.' });
}

function checkScheme(dossier: DossierContent, problems: CompletenessProblem[], warnings: CompletenessWarning[], say: Say): void {
  if (!dossier.approach) problems.push({ section: 'scheme', code: 'approach_missing', message: say('Il reste à indiquer si vous visez une stratégie d’ensemble ou des actions ciblées.', 'La démarche (stratégie d’ensemble ou actions ciblées) n’est pas renseignée.') });
  const diagnostic = dossier.diagnostic?.status;
  if (!diagnostic) problems.push({ section: 'scheme', code: 'diagnostic_missing', message: say('Il reste à indiquer où en est votre diagnostic territorial (réalisé, prévu ou aucun).', 'L’état du diagnostic territorial (réalisé, prévu ou aucun) n’est pas renseigné.') });
  if (!dossier.scheme) {
    problems.push({ section: 'scheme', code: 'scheme_missing', message: 'Le dispositif (CTAI ou PTAI) n’est pas choisi.' });
    return;
  }

  if (dossier.scheme === 'PTAI') {
    if (diagnostic === 'none') {
      warnings.push({ section: 'scheme', code: 'ptai_diagnostic_advised', message: 'Un diagnostic territorial n’est pas requis pour un PTAI, mais il est conseillé.', ref: SCHEME_CATALOGUE.PTAI.diagnostic.ref });
    }
    return;
  }

  const kind = dossier.collectivity?.kind;
  if (kind) {
    const eligibility = ctaiEligibility(kind);
    const [firstReason] = eligibility.reasons;
    if (eligibility.allowed === false && firstReason) {
      problems.push({
        section: 'scheme',
        code: 'ctai_kind_not_allowed',
        message: say(firstReason.text, `Ce type de collectivité (${COLLECTIVITY_KIND_LABELS[kind].toLowerCase()}) ne figure pas parmi les signataires des CTAI : les métropoles, les communautés urbaines, les départements et les régions.`),
        ref: firstReason.ref,
      });
    } else if (eligibility.allowed === 'prefecture_decides') {
      warnings.push({
        section: 'scheme',
        code: 'ctai_prefecture_decides',
        message: say(
          'Votre type de collectivité ne figure pas parmi les signataires cités des CTAI ; s’il peut en signer un, le texte ne le précise pas ; la préfecture de votre département pourra vous renseigner.',
          'Ce type de collectivité ne figure pas parmi les signataires cités des CTAI ; s’il peut en signer un, le texte ne le précise pas : l’appréciation revient à la préfecture.',
        ),
        ref: SCHEME_CATALOGUE.CTAI.signatoryKinds.ref,
      });
    }
  }
  const diagnosticRef = SCHEME_CATALOGUE.CTAI.diagnostic.ref;
  if (diagnostic === 'none') {
    problems.push({
      section: 'scheme',
      code: 'ctai_diagnostic_missing',
      message: say('Un CTAI répond à des besoins identifiés par un diagnostic territorial : indiquez un diagnostic réalisé ou prévu, ou choisissez un PTAI.', 'Un CTAI répond à des besoins identifiés par un diagnostic territorial : la collectivité n’en indique aucun, ni réalisé ni prévu.'),
      ref: diagnosticRef,
    });
  } else if (diagnostic === 'planned') {
    warnings.push({
      section: 'scheme',
      code: 'ctai_diagnostic_planned',
      message: say('Votre diagnostic territorial est en cours ou prévu ; s’il doit être achevé avant l’engagement du contrat, le texte ne le précise pas ; la préfecture de votre département pourra vous renseigner.', 'Le diagnostic territorial est en cours ou prévu ; s’il doit être achevé avant l’engagement du contrat, le texte ne le précise pas.'),
      ref: diagnosticRef,
    });
  }
}

function checkFields(dossier: DossierContent, problems: CompletenessProblem[], say: Say): void {
  const fields = dossier.fields ?? [];
  if (fields.length === 0) {
    problems.push({ section: 'fields', code: 'fields_missing', message: 'Aucun champ d’intervention n’est choisi.' });
  }
  if (dossier.scheme === 'CTAI' && !fields.includes('housing')) {
    problems.push({
      section: 'fields',
      code: 'ctai_housing_field_missing',
      message: say('Un CTAI comporte obligatoirement des actions en faveur de l’accès au logement : ajoutez le champ « Accès au logement ».', 'Un CTAI comporte obligatoirement des actions en faveur de l’accès au logement : le champ « Accès au logement » n’est pas retenu.'),
      ref: SCHEME_CATALOGUE.CTAI.mandatoryFields.ref,
    });
  }
}

const DETAIL_REQUESTS: Record<Exclude<CommitmentKind, 'cofinancing'>, string> = {
  premises: 'Précisez la salle prêtée (par exemple : salle polyvalente, deux demi-journées par semaine).',
  staff: 'Précisez le temps de personnel mis à disposition (par exemple : un agent à mi-temps pendant six mois).',
  communication: 'Précisez le relais de communication (par exemple : un article dans le magazine municipal).',
  association_support: 'Précisez l’association soutenue (par exemple : l’association Accueil et Partage).',
  other: 'Décrivez cet engagement.',
};

const DETAIL_MISSING: Record<Exclude<CommitmentKind, 'cofinancing'>, string> = {
  premises: 'La salle prêtée n’est pas précisée.',
  staff: 'Le temps de personnel mis à disposition n’est pas précisé.',
  communication: 'Le relais de communication n’est pas précisé.',
  association_support: 'L’association soutenue n’est pas précisée.',
  other: 'Un engagement n’est pas décrit.',
};

function checkCommitments(dossier: DossierContent, problems: CompletenessProblem[], say: Say): void {
  const commitments = dossier.commitments ?? [];
  if (commitments.length === 0) {
    problems.push({
      section: 'commitments',
      code: 'commitments_missing',
      message: 'Aucun engagement de la collectivité n’est indiqué : un engagement est attendu (cofinancement, prêt d’une salle, mise à disposition d’un personnel, relais dans la communication, soutien à l’association porteuse de l’action…).',
      ref: seedRef('engagement-collectivite'),
    });
  }
  for (const commitment of commitments) {
    if (commitment.kind === 'cofinancing') {
      if (commitment.amountEuros === undefined) {
        problems.push({ section: 'commitments', code: 'commitment_detail_missing', message: say('Indiquez le montant du cofinancement (par exemple : 15 000 €).', 'Le montant du cofinancement n’est pas indiqué.') });
      }
    } else if (isBlank(commitment.detail)) {
      problems.push({ section: 'commitments', code: 'commitment_detail_missing', message: say(DETAIL_REQUESTS[commitment.kind], DETAIL_MISSING[commitment.kind]) });
    }
    for (const amount of [commitment.amountEuros, commitment.estimatedValueEuros]) {
      if (amount !== undefined && amount < 0) {
        problems.push({ section: 'commitments', code: 'amount_negative', message: say(`Un montant d’engagement est négatif (${formatEuros(amount)}) : indiquez un montant positif.`, `Un montant d’engagement est négatif (${formatEuros(amount)}).`) });
      }
    }
  }
}

const ACTION_PARTS: ReadonlyArray<{ label: string; isMissing: (action: ActionContent) => boolean }> = [
  { label: 'le titre', isMissing: (action) => isBlank(action.title) },
  { label: 'le champ d’intervention', isMissing: (action) => !action.field },
  { label: 'la description', isMissing: (action) => isBlank(action.description) },
  { label: 'le public visé', isMissing: (action) => (action.publics ?? []).length === 0 },
  { label: 'le nombre de bénéficiaires attendus', isMissing: (action) => action.beneficiaries === undefined },
  { label: 'le coût', isMissing: (action) => action.costEuros === undefined },
  { label: 'le financement demandé à l’État', isMissing: (action) => action.stateFundingEuros === undefined },
  { label: 'le porteur', isMissing: (action) => isBlank(action.carrier) },
];

function checkActions(dossier: DossierContent, problems: CompletenessProblem[], warnings: CompletenessWarning[], say: Say): void {
  const actions = dossier.actions ?? [];
  const fields = dossier.fields ?? [];
  if (actions.length === 0) {
    problems.push({ section: 'actions', code: 'actions_missing', message: 'Aucune action n’est décrite.' });
  }

  actions.forEach((action, index) => {
    const name = isBlank(action.title) ? `n° ${index + 1}` : `« ${action.title} »`;
    const missing = ACTION_PARTS.filter((part) => part.isMissing(action)).map((part) => part.label);
    if (missing.length > 0) {
      problems.push({ section: 'actions', code: 'action_incomplete', actionId: action.id, message: `L’action ${name} est incomplète : il manque ${joinFrench(missing)}.` });
    }
    if (action.field && !fields.includes(action.field)) {
      problems.push({
        section: 'actions',
        code: 'action_field_not_chosen',
        actionId: action.id,
        message: say(
          `L’action ${name} relève du champ « ${FIELD_LABELS[action.field]} », qui ne figure pas parmi les champs choisis : ajoutez ce champ ou changez celui de l’action.`,
          `L’action ${name} relève du champ « ${FIELD_LABELS[action.field]} », qui ne figure pas parmi les champs choisis.`,
        ),
      });
    }
    for (const amount of [action.costEuros, action.stateFundingEuros]) {
      if (amount !== undefined && amount < 0) {
        problems.push({ section: 'actions', code: 'amount_negative', actionId: action.id, message: say(`L’action ${name} comporte un montant négatif (${formatEuros(amount)}) : indiquez un montant positif.`, `L’action ${name} comporte un montant négatif (${formatEuros(amount)}).`) });
      }
    }
    const { costEuros, stateFundingEuros } = action;
    // A negative amount is reported above; comparing it would only add a confusing second message.
    if (costEuros !== undefined && stateFundingEuros !== undefined && costEuros >= 0 && stateFundingEuros > costEuros) {
      problems.push({
        section: 'actions',
        code: 'state_funding_exceeds_cost',
        actionId: action.id,
        message: `Pour l’action ${name}, le financement demandé à l’État (${formatEuros(stateFundingEuros)}) dépasse son coût (${formatEuros(costEuros)}).`,
      });
    }
  });

  if (dossier.scheme === 'CTAI' && !actions.some((action) => action.field === 'housing')) {
    problems.push({
      section: 'actions',
      code: 'ctai_housing_action_missing',
      message: say('Un CTAI comporte obligatoirement des actions en faveur de l’accès au logement : ajoutez au moins une action dans ce champ.', 'Un CTAI comporte obligatoirement des actions en faveur de l’accès au logement : aucune action ne relève de ce champ.'),
      ref: SCHEME_CATALOGUE.CTAI.mandatoryFields.ref,
    });
  }
  for (const field of fields) {
    // The CTAI housing case is reported above with its own, stronger reason.
    const reportedAbove = dossier.scheme === 'CTAI' && field === 'housing';
    // The seed requires no action per field (only the CTAI's housing actions): advice, never a blocker.
    if (!reportedAbove && !actions.some((action) => action.field === field)) {
      warnings.push({
        section: 'actions',
        code: 'field_without_action',
        message: say(
          `Le champ « ${FIELD_LABELS[field]} » est retenu mais aucune action ne s’y rattache encore : vous pouvez en ajouter une ou retirer ce champ (ce n’est pas obligatoire pour déposer).`,
          `Le champ « ${FIELD_LABELS[field]} » est retenu mais aucune action ne s’y rattache (sans effet sur la recevabilité du dépôt).`,
        ),
        // A CTAI is a strategy « déclinée dans des actions concrètes »; a PTAI « s’inscrit dans un ou plusieurs champs ».
        ref: dossier.scheme === 'CTAI' ? seedRef('ctai-cible') : seedRef('ptai-financement'),
      });
    }
  }
}

/** The budget totals, in euros; the snapshot stored on the dossier has this shape. */
export const BudgetTotalsSchema = z.object({
  actionsCostEuros: z.number(),
  stateFundingRequestedEuros: z.number(),
  cofinancingEuros: z.number(),
  /** Estimated value of in-kind commitments (premises, staff time…). */
  inKindValueEuros: z.number(),
  /** Cofinancing plus in-kind value: the collectivity's whole contribution. */
  collectivityContributionEuros: z.number(),
  /** What the other funders bring (CAF, région, fondation…); 0 for dossiers stored before they were asked. */
  otherFundersEuros: z.number().default(0),
  /** State funding requested over the actions' cost, between 0 and 1; null while no cost is known. */
  stateFundingShare: z.number().nullable(),
});
export type BudgetTotals = z.infer<typeof BudgetTotalsSchema>;

export function computeBudget(dossier: DossierContent): BudgetTotals {
  const actions = dossier.actions ?? [];
  const commitments = dossier.commitments ?? [];
  const actionsCostEuros = sumEuros(actions.map((action) => action.costEuros));
  const stateFundingRequestedEuros = sumEuros(actions.map((action) => action.stateFundingEuros));
  const cofinancingEuros = sumEuros(commitments.filter((c) => c.kind === 'cofinancing').map((c) => c.amountEuros));
  const inKindValueEuros = sumEuros(commitments.filter((c) => c.kind !== 'cofinancing').map((c) => c.estimatedValueEuros));
  const otherFundersEuros = sumEuros((dossier.budget?.otherFunders ?? []).map((funder) => funder.amountEuros));
  return {
    actionsCostEuros,
    stateFundingRequestedEuros,
    cofinancingEuros,
    inKindValueEuros,
    collectivityContributionEuros: roundCents(cofinancingEuros + inKindValueEuros),
    otherFundersEuros,
    stateFundingShare: actionsCostEuros > 0 ? Math.round((stateFundingRequestedEuros / actionsCostEuros) * 10_000) / 10_000 : null,
  };
}

/**
 * The financing plan: the actions' cost against the money that pays for it, the State's request, the
 * collectivity's cofinancing and the other funders. In-kind contributions (a room, staff time) are left
 * out: they are shown apart, since the actions' cost, as asked, is what must be paid, and a valued room
 * pays none of it. `gapEuros` is positive when part of the cost has no funder, negative when the funding exceeds it.
 */
export function budgetBalance(totals: BudgetTotals): { fundedEuros: number; gapEuros: number } {
  const fundedEuros = roundCents(totals.stateFundingRequestedEuros + totals.cofinancingEuros + totals.otherFundersEuros);
  return { fundedEuros, gapEuros: roundCents(totals.actionsCostEuros - fundedEuros) };
}

/** What an unbalanced plan gets at the review and in the back-office, as advice: never a blocker (the seed sets no such rule). */
export function budgetAdvice(totals: BudgetTotals): string | undefined {
  if (totals.actionsCostEuros <= 0) return undefined;
  const { fundedEuros, gapEuros } = budgetBalance(totals);
  const detail = `coût des actions ${formatEuros(totals.actionsCostEuros)} ; État, cofinancement de la collectivité et autres financeurs ${formatEuros(fundedEuros)}`;
  if (gapEuros > 0) return `Le plan de financement laisse ${formatEuros(gapEuros)} sans financeur (${detail})`;
  if (gapEuros < 0) return `Le plan de financement dépasse le coût des actions de ${formatEuros(-gapEuros)} (${detail})`;
  return undefined;
}

function sumEuros(amounts: ReadonlyArray<number | undefined>): number {
  // Summing in cents keeps 0.1 + 0.2 from showing as 0,30000000000000004 €.
  return amounts.reduce<number>((total, amount) => total + Math.round((amount ?? 0) * 100), 0) / 100;
}

function roundCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

function isBlank(text: string | undefined): boolean {
  return text === undefined || text.trim() === '';
}

/** "a", "a et b", "a, b et c". */
function joinFrench(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`;
}
