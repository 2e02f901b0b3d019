// The CTAI/PTAI catalogue: the enumerations of the contract, their French labels, and the scheme rules
// of the seed text as data and pure functions. Nothing here invents a rule: where the seed is silent,
// the answer is "the prefecture decides".
import { z } from 'zod';
import { seedRef, type Reason, type SeedRef } from './seedReferences';

export const SchemeSchema = z.enum(['CTAI', 'PTAI']);
export type Scheme = z.infer<typeof SchemeSchema>;

export const CollectivityKindSchema = z.enum([
  'commune',
  'communaute_de_communes',
  'communaute_agglomeration',
  'communaute_urbaine',
  'metropole',
  'departement',
  'region',
  'other',
]);
export type CollectivityKind = z.infer<typeof CollectivityKindSchema>;

export const IntegrationFieldSchema = z.enum([
  'housing',
  'health',
  'rights',
  'language',
  'employment',
  'vocational_training',
  'sport_culture',
  'social',
  'mobility',
  'childcare',
  'language_coordination',
  'other',
]);
export type IntegrationField = z.infer<typeof IntegrationFieldSchema>;

export const CommitmentKindSchema = z.enum(['cofinancing', 'premises', 'staff', 'communication', 'association_support', 'other']);
export type CommitmentKind = z.infer<typeof CommitmentKindSchema>;

export const DossierStatusSchema = z.enum(['draft', 'submitted', 'under_review', 'changes_requested', 'accepted', 'rejected', 'withdrawn']);
export type DossierStatus = z.infer<typeof DossierStatusSchema>;

/** Whether the collectivity wants a whole strategy over several needs or a few targeted actions. */
export const ApproachSchema = z.enum(['strategy', 'targeted']);
export type Approach = z.infer<typeof ApproachSchema>;

export const DiagnosticStatusSchema = z.enum(['done', 'planned', 'none']);
export type DiagnosticStatus = z.infer<typeof DiagnosticStatusSchema>;

/** The public of the actions: newly arrived foreigners, among whom the beneficiaries of international protection. */
export const PublicSchema = z.enum(['primo_arrivants', 'bpi']);
export type Public = z.infer<typeof PublicSchema>;

/** What each acronym stands for, to write after it: « CTAI (contrat territorial d’accueil et d’intégration) ». */
export const SCHEME_NAMES: Record<Scheme, string> = {
  CTAI: 'contrat territorial d’accueil et d’intégration',
  PTAI: 'projet territorial d’accueil et d’intégration',
};

/**
 * The scheme standing alone (a summary line, an export): its name, then its acronym. Never put it in
 * brackets after the acronym (« CTAI (Contrat … (CTAI)) »): write SCHEME_NAMES there.
 */
export const SCHEME_LABELS: Record<Scheme, string> = {
  CTAI: `${SCHEME_NAMES.CTAI.charAt(0).toUpperCase()}${SCHEME_NAMES.CTAI.slice(1)} (CTAI)`,
  PTAI: `${SCHEME_NAMES.PTAI.charAt(0).toUpperCase()}${SCHEME_NAMES.PTAI.slice(1)} (PTAI)`,
};

export const COLLECTIVITY_KIND_LABELS: Record<CollectivityKind, string> = {
  commune: 'Commune',
  communaute_de_communes: 'Communauté de communes',
  communaute_agglomeration: 'Communauté d’agglomération',
  communaute_urbaine: 'Communauté urbaine',
  metropole: 'Métropole',
  departement: 'Département',
  region: 'Région',
  other: 'Autre collectivité',
};

export const FIELD_LABELS: Record<IntegrationField, string> = {
  housing: 'Accès au logement',
  health: 'Accès aux soins',
  rights: 'Accès aux droits',
  language: 'Formation linguistique',
  employment: 'Accès à l’emploi',
  vocational_training: 'Formation professionnelle',
  sport_culture: 'Offres sportives et culturelles',
  social: 'Projets à visée sociale',
  mobility: 'Mobilité',
  childcare: 'Garde d’enfants',
  language_coordination: 'Coordination linguistique',
  other: 'Autre champ de l’intégration',
};

export const COMMITMENT_KIND_LABELS: Record<CommitmentKind, string> = {
  cofinancing: 'Cofinancement',
  premises: 'Prêt d’une salle',
  staff: 'Mise à disposition d’un personnel',
  communication: 'Relais dans la communication',
  association_support: 'Soutien à l’association porteuse de l’action',
  other: 'Autre forme d’engagement',
};

export const STATUS_LABELS: Record<DossierStatus, string> = {
  draft: 'Brouillon',
  submitted: 'Déposé',
  under_review: 'En instruction',
  changes_requested: 'Corrections demandées',
  accepted: 'Accepté',
  rejected: 'Refusé',
  withdrawn: 'Retiré',
};

export const APPROACH_LABELS: Record<Approach, string> = {
  strategy: 'Une stratégie d’ensemble sur plusieurs besoins',
  targeted: 'Des actions ciblées',
};

export const DIAGNOSTIC_STATUS_LABELS: Record<DiagnosticStatus, string> = {
  done: 'Diagnostic territorial réalisé',
  planned: 'Diagnostic territorial prévu',
  none: 'Pas de diagnostic territorial',
};

export const PUBLIC_LABELS: Record<Public, string> = {
  primo_arrivants: 'Étrangers primo-arrivants',
  bpi: 'Bénéficiaires de la protection internationale (BPI)',
};

/** A CTAI is either open to the collectivity, closed to it, or left to the prefecture's judgement. */
export type CtaiAllowance = boolean | 'prefecture_decides';

/** The scheme rules of the seed, each with the passage it comes from. */
export const SCHEME_CATALOGUE = {
  CTAI: {
    scheme: 'CTAI',
    purpose: { text: 'Une stratégie d’ensemble pour les grandes agglomérations, déclinée en actions concrètes.', ref: seedRef('ctai-cible') },
    signatoryKinds: {
      kinds: ['metropole', 'communaute_urbaine', 'departement', 'region'] as const satisfies readonly CollectivityKind[],
      ref: seedRef('ctai-signataires'),
    },
    // Cities joined in 2021 by a letter of engagement, without becoming listed signatories: their case is left to the prefecture.
    byLetterOfEngagement: { kinds: ['commune'] as const satisfies readonly CollectivityKind[], ref: seedRef('ctai-lettre-engagement') },
    needAreas: {
      fields: ['health', 'rights', 'housing', 'language', 'employment', 'sport_culture'] as const satisfies readonly IntegrationField[],
      ref: seedRef('ctai-besoins'),
    },
    mandatoryFields: { fields: ['housing'] as const satisfies readonly IntegrationField[], ref: seedRef('ctai-logement') },
    diagnostic: { requirement: 'required', ref: seedRef('ctai-diagnostic') },
  },
  PTAI: {
    scheme: 'PTAI',
    purpose: { text: 'Des actions plus ponctuelles, ouvertes à toute collectivité.', ref: seedRef('ptai-ouverture') },
    openTo: { kinds: CollectivityKindSchema.options, ref: seedRef('ptai-ouverture') },
    exampleFields: {
      fields: ['vocational_training', 'employment', 'social', 'mobility', 'childcare', 'language_coordination'] as const satisfies readonly IntegrationField[],
      ref: seedRef('ptai-exemples'),
    },
    mandatoryFields: { fields: [] as const satisfies readonly IntegrationField[], ref: seedRef('ptai-financement') },
    diagnostic: { requirement: 'advised', ref: seedRef('ptai-diagnostic') },
    funding: { minimumEuros: 0, ref: seedRef('ptai-financement') },
  },
} as const;

/**
 * Whether the housing commitment (« prévoyez-vous des actions de logement ? ») means anything for a dossier: a CTAI
 * "comporte obligatoirement des actions en faveur de l’accès au logement", a PTAI has no such rule. Before the scheme
 * is chosen it may still become a CTAI.
 */
export function housingCommitmentApplies(scheme: Scheme | undefined): boolean {
  return scheme === undefined || (SCHEME_CATALOGUE[scheme].mandatoryFields.fields as readonly IntegrationField[]).includes('housing');
}

export const COMMITMENT_FORMS = { kinds: CommitmentKindSchema.options, ref: seedRef('engagement-collectivite') } as const;

/**
 * The fields to offer for a scheme: its own fields first, then every other one, because the seed
 * lists them as examples ("notamment", "etc.") and closes none; `required` must be chosen.
 */
export function fieldOptionsFor(scheme: Scheme): { suggested: IntegrationField[]; others: IntegrationField[]; required: IntegrationField[]; ref: SeedRef } {
  const own: readonly IntegrationField[] = scheme === 'CTAI' ? SCHEME_CATALOGUE.CTAI.needAreas.fields : SCHEME_CATALOGUE.PTAI.exampleFields.fields;
  const suggested = [...own];
  const others = IntegrationFieldSchema.options.filter((field) => !own.includes(field));
  const required = [...SCHEME_CATALOGUE[scheme].mandatoryFields.fields];
  const ref = scheme === 'CTAI' ? SCHEME_CATALOGUE.CTAI.needAreas.ref : SCHEME_CATALOGUE.PTAI.exampleFields.ref;
  return { suggested, others, required, ref };
}

const PTAI_ALTERNATIVE: Reason = {
  text: 'Le PTAI, lui, est ouvert à toute collectivité qui souhaite s’engager plus ponctuellement.',
  ref: seedRef('ptai-ouverture'),
};

const SIGNATORIES_TEXT = 'les métropoles, les communautés urbaines ainsi qu’avec les départements et les régions volontaires';

/** Who signs a CTAI, the seed's sentence: for a question that names a collectivity without its kind. */
export function ctaiSignatories(): Reason {
  return { text: `Les CTAI sont négociés et signés par les préfets avec ${SIGNATORIES_TEXT}.`, ref: SCHEME_CATALOGUE.CTAI.signatoryKinds.ref };
}

/** A kind's CTAI eligibility, as the journey applies it and the FAQ says it: one function for both. */
interface CtaiEligibility {
  allowed: CtaiAllowance;
  /** the FAQ's verdict to « peut-elle signer un CTAI ? »: a kind the seed does not list gets « non », even when the prefecture may still decide */
  verdict: RuleVerdict;
  reasons: Reason[];
  /** the way in when the answer is not yes */
  alternative?: Reason;
}

interface CtaiEligibilityContext {
  /** the collectivity calls itself small (« petite commune », « village »): not one of the « grandes agglomérations » the CTAI targets */
  selfDescribedSmall?: boolean;
}

/** Whether a kind of collectivity may sign a CTAI, and why, from the seed alone. */
export function ctaiEligibility(kind: CollectivityKind, context: CtaiEligibilityContext = {}): CtaiEligibility {
  const signatories: readonly CollectivityKind[] = SCHEME_CATALOGUE.CTAI.signatoryKinds.kinds;
  const signatoriesRef = SCHEME_CATALOGUE.CTAI.signatoryKinds.ref;
  if (signatories.includes(kind)) {
    return {
      allowed: true,
      verdict: 'yes',
      reasons: [{ text: `Les CTAI sont signés par les préfets avec ${SIGNATORIES_TEXT} : ${withArticle(kind)} peut donc en conclure un.`, ref: signatoriesRef }],
    };
  }
  if (kind === 'commune' && context.selfDescribedSmall) {
    return {
      allowed: false,
      verdict: 'no',
      reasons: [{ text: `Les CTAI visent les grandes agglomérations et sont signés par les préfets avec ${SIGNATORIES_TEXT}.`, ref: signatoriesRef }],
      alternative: PTAI_ALTERNATIVE,
    };
  }
  if (kind === 'commune') {
    // Cities joined in 2021 by a letter of engagement: not a listed signatory, yet not ruled out.
    return {
      allowed: 'prefecture_decides',
      verdict: 'no',
      reasons: [
        { text: 'Les CTAI visent les grandes agglomérations ; les communes ne sont pas citées parmi leurs signataires (métropoles, communautés urbaines, départements, régions).', ref: signatoriesRef },
        { text: 'Des villes ont rejoint la démarche en 2021 par lettre d’engagement ; pour les autres, le texte ne le précise pas.', ref: SCHEME_CATALOGUE.CTAI.byLetterOfEngagement.ref },
      ],
      alternative: PTAI_ALTERNATIVE,
    };
  }
  if (kind === 'communaute_de_communes' || kind === 'communaute_agglomeration') {
    return {
      allowed: false,
      verdict: 'no',
      reasons: [
        {
          text: `${capitalize(withArticle(kind))} ne figure pas parmi les signataires des CTAI, qui sont signés avec ${SIGNATORIES_TEXT}. Le PTAI, ouvert à toute collectivité, vous est donc conseillé ; vous pouvez toutefois interroger la préfecture.`,
          ref: signatoriesRef,
        },
      ],
      alternative: PTAI_ALTERNATIVE,
    };
  }
  // 'other': the seed neither lists nor excludes it.
  return {
    allowed: 'prefecture_decides',
    verdict: 'unspecified',
    reasons: [
      {
        text: `Le texte de référence ne cite pas ce type de collectivité parmi les signataires des CTAI (${SIGNATORIES_TEXT}) sans pour autant l’exclure : la préfecture de votre département pourra vous renseigner.`,
        ref: signatoriesRef,
      },
    ],
    alternative: PTAI_ALTERNATIVE,
  };
}

export interface SchemeAnswers {
  kind: CollectivityKind;
  approach: Approach;
  diagnostic: DiagnosticStatus;
  /** Whether housing actions will be included; undefined while the question has not been asked. */
  housingCommitted?: boolean;
  /** Accepted for completeness, never decisive: the seed speaks of "grandes agglomérations" without a threshold. */
  population?: number;
}

export interface SchemeRecommendation {
  recommended: Scheme;
  /** Whether the scheme that is not recommended may still be chosen. */
  otherAllowed: boolean;
  ctai: { allowed: CtaiAllowance; reasons: Reason[] };
  /** Everything to tell the official, in reading order. */
  reasons: Reason[];
}

/**
 * Recommends a scheme from the scheme-step answers.
 * - The kind decides whether a CTAI is possible at all (see `ctaiEligibility`).
 * - A CTAI answers needs "identifiés par un diagnostic territorial": with no diagnostic at all it is
 *   not possible; with a diagnostic only planned, the seed does not say whether it must come first,
 *   so the prefecture decides.
 * - A CTAI "comporte obligatoirement des actions en faveur de l’accès au logement": refusing housing
 *   actions rules it out.
 * - A PTAI is open to any collectivity, with no required diagnostic: it is always allowed.
 */
export function recommendScheme(answers: SchemeAnswers): SchemeRecommendation {
  const ctai = ctaiConditions(answers);
  return ctai.allowed !== false && answers.approach === 'strategy'
    ? { recommended: 'CTAI', otherAllowed: true, ctai, reasons: ctaiRecommendedReasons(answers) }
    : { recommended: 'PTAI', otherAllowed: ctai.allowed !== false, ctai, reasons: ptaiRecommendedReasons(answers, ctai.allowed) };
}

/**
 * What the official reads with the recommendation: short (the decisive reasons only, a few lines in the chat) and
 * never at odds with the seed's list of CTAI signatories (a commune is not in it, yet cities joined in 2021).
 */
function ctaiRecommendedReasons(answers: SchemeAnswers): Reason[] {
  const reasons: Reason[] = [{ text: 'Vous visez une stratégie d’ensemble : c’est l’objet du CTAI.', ref: seedRef('ctai-cible') }];
  const caveat = signatoryCaveat(answers.kind);
  reasons.push(
    caveat
      ? { text: `${capitalize(caveat.text.replace(/\.$/, ''))} : la préfecture vous dira s’il vous est ouvert.`, ref: caveat.ref }
      : { text: `${capitalize(withArticle(answers.kind))} fait partie de ses signataires.`, ref: SCHEME_CATALOGUE.CTAI.signatoryKinds.ref },
  );
  if (answers.diagnostic === 'planned') reasons.push(plannedDiagnostic(caveat !== undefined));
  reasons.push({ text: 'Le PTAI reste possible pour des actions ponctuelles.', ref: seedRef('ptai-ouverture') });
  return reasons;
}

function ptaiRecommendedReasons(answers: SchemeAnswers, ctaiAllowed: CtaiAllowance): Reason[] {
  const reasons: Reason[] = [
    answers.approach === 'targeted'
      ? { text: 'Vous visez des actions ciblées : c’est l’objet du PTAI, ouvert à toute collectivité.', ref: seedRef('ptai-ouverture') }
      : { text: 'Le PTAI est ouvert à toute collectivité.', ref: seedRef('ptai-ouverture') },
  ];
  if (ctaiAllowed === false) {
    // The first condition of the CTAI that fails, as the seed states it.
    const notSignatory = ctaiEligibility(answers.kind).allowed === false;
    reasons.push(
      notSignatory
        ? { text: `${capitalize(withArticle(answers.kind))} ne figure pas parmi les signataires des CTAI (${SHORT_SIGNATORIES}).`, ref: SCHEME_CATALOGUE.CTAI.signatoryKinds.ref }
        : answers.diagnostic === 'none'
          ? { text: 'Un CTAI répond à des besoins identifiés par un diagnostic territorial : sans diagnostic, il n’est pas possible.', ref: SCHEME_CATALOGUE.CTAI.diagnostic.ref }
          : { text: 'Un CTAI comporte obligatoirement des actions en faveur de l’accès au logement : sans elles, il n’est pas possible.', ref: SCHEME_CATALOGUE.CTAI.mandatoryFields.ref },
    );
  }
  if (answers.diagnostic !== 'done') {
    reasons.push({ text: 'Un diagnostic préalable n’est pas requis pour un PTAI, même s’il est conseillé.', ref: seedRef('ptai-diagnostic') });
  }
  if (ctaiAllowed !== false) {
    const caveat = signatoryCaveat(answers.kind);
    reasons.push(
      caveat
        ? { text: `Un CTAI serait à voir avec la préfecture : ${caveat.text.charAt(0).toLowerCase()}${caveat.text.slice(1)}`, ref: caveat.ref }
        : { text: 'Un CTAI reste possible si vous visez finalement une stratégie d’ensemble.', ref: seedRef('ctai-cible') },
    );
  }
  return reasons;
}

const SHORT_SIGNATORIES = 'métropoles, communautés urbaines, départements et régions';

/** For a kind the seed does not list among the CTAI signatories without ruling it out: what the text says, in one line. */
function signatoryCaveat(kind: CollectivityKind): Reason | undefined {
  if (kind === 'commune') {
    return { text: 'les communes ne sont pas citées parmi ses signataires, mais des villes l’ont rejoint en 2021.', ref: SCHEME_CATALOGUE.CTAI.byLetterOfEngagement.ref };
  }
  if (ctaiEligibility(kind).allowed === 'prefecture_decides') {
    return { text: 'votre type de collectivité n’est pas cité parmi ses signataires, sans en être exclu.', ref: SCHEME_CATALOGUE.CTAI.signatoryKinds.ref };
  }
  return undefined;
}

/** The seed does not say whether the diagnostic must be done first; the prefecture is named once in the recommendation. */
function plannedDiagnostic(prefectureNamed: boolean): Reason {
  return { text: `Diagnostic en cours ou prévu : s’il doit être achevé avant, le texte ne le précise pas${prefectureNamed ? '' : ' ; voyez la préfecture'}.`, ref: seedRef('ctai-diagnostic') };
}

/** Combines the kind's eligibility with the diagnostic and housing conditions of a CTAI. */
function ctaiConditions(answers: SchemeAnswers): { allowed: CtaiAllowance; reasons: Reason[] } {
  const eligibility = ctaiEligibility(answers.kind);
  // When the kind already rules a CTAI out, its other conditions would only blur the answer.
  if (eligibility.allowed === false) return eligibility;
  const reasons = [...eligibility.reasons];
  let allowed: CtaiAllowance = eligibility.allowed;

  if (answers.kind === 'commune' && answers.population !== undefined) {
    reasons.push({ text: 'Le CTAI vise les grandes agglomérations ; à partir de quelle population, le texte ne le précise pas ; la préfecture de votre département pourra vous renseigner.', ref: seedRef('ctai-cible') });
  }

  const diagnosticRef = SCHEME_CATALOGUE.CTAI.diagnostic.ref;
  if (answers.diagnostic === 'none') {
    allowed = false;
    reasons.push({ text: 'Un CTAI répond à des besoins identifiés par un diagnostic territorial : sans diagnostic, il n’est pas possible.', ref: diagnosticRef });
  } else if (answers.diagnostic === 'planned') {
    if (allowed === true) allowed = 'prefecture_decides';
    reasons.push({
      text: 'Un CTAI répond à des besoins identifiés par un diagnostic territorial. Le vôtre est en cours ou prévu : doit-il être achevé avant l’engagement du contrat ? Le texte ne le précise pas ; la préfecture de votre département pourra vous renseigner.',
      ref: diagnosticRef,
    });
  } else {
    reasons.push({ text: 'Votre diagnostic territorial permettra d’identifier les besoins auxquels répondront les actions du CTAI.', ref: diagnosticRef });
  }

  const housingRef = SCHEME_CATALOGUE.CTAI.mandatoryFields.ref;
  if (answers.housingCommitted === false) {
    allowed = false;
    reasons.push({ text: 'Un CTAI comporte obligatoirement des actions en faveur de l’accès au logement : sans elles, il n’est pas possible.', ref: housingRef });
  } else if (allowed !== false) {
    reasons.push({ text: 'Un CTAI comporte obligatoirement des actions en faveur de l’accès au logement.', ref: housingRef });
  }
  return { allowed, reasons };
}

const KINDS_WITH_ARTICLE: Record<CollectivityKind, string> = {
  commune: 'une commune',
  communaute_de_communes: 'une communauté de communes',
  communaute_agglomeration: 'une communauté d’agglomération',
  communaute_urbaine: 'une communauté urbaine',
  metropole: 'une métropole',
  departement: 'un département',
  region: 'une région',
  other: 'une autre collectivité',
};

function withArticle(kind: CollectivityKind): string {
  return KINDS_WITH_ARTICLE[kind];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A yes/no question about the schemes, settled by the seed: yes, no, or the text does not say. */
export type RuleVerdict = 'yes' | 'no' | 'unspecified';

export interface RuleOutcome {
  verdict: RuleVerdict;
  reasons: Reason[];
  /** Where the answer is no (or not given), what the collectivity can do instead. */
  alternative?: Reason;
}


/** Whether a kind of collectivity may carry a PTAI: the seed opens it to "toute collectivité". */
export function ptaiEligibility(kind: CollectivityKind): RuleOutcome {
  return {
    verdict: 'yes',
    reasons: [{ text: `Les PTAI sont à destination de toute collectivité désireuse de s’engager plus ponctuellement, ${withArticle(kind)} comme les autres, sans seuil de population.`, ref: seedRef('ptai-ouverture') }],
  };
}

/** `ctaiEligibility` as a verdict for the FAQ: the same reasons the journey gives, nothing of its own. */
export function ctaiEligibilityVerdict(kind: CollectivityKind, selfDescribedSmall = false): RuleOutcome {
  const { verdict, reasons, alternative } = ctaiEligibility(kind, { selfDescribedSmall });
  return alternative ? { verdict, reasons, alternative } : { verdict, reasons };
}

/** What an official may ask whether a scheme requires. */
export type ObligationTopic =
  | 'diagnostic'
  | 'housing'
  | 'all_fields'
  | 'several_fields'
  | 'commitment'
  | 'cofinancing'
  | 'strategy'
  | 'prefect_signature'
  | 'minimum_funding'
  | 'letter_of_engagement'
  | 'national_strategy'
  | 'signing_duty';

const reason = (text: string, id: Parameters<typeof seedRef>[0]): Reason => ({ text, ref: seedRef(id) });

const OBLIGATIONS: Record<Scheme, Record<ObligationTopic, RuleOutcome>> = {
  CTAI: {
    diagnostic: { verdict: 'yes', reasons: [reason('Les actions d’un CTAI répondent à des besoins identifiés par un diagnostic territorial.', 'ctai-diagnostic')] },
    housing: { verdict: 'yes', reasons: [reason('Les CTAI comportent obligatoirement des actions en faveur de l’accès au logement.', 'ctai-logement')] },
    all_fields: {
      verdict: 'no',
      reasons: [
        reason('Les besoins d’un CTAI portent « notamment » sur l’accès aux soins, aux droits, au logement, à la formation linguistique, à l’emploi et aux offres sportives et culturelles ; seul l’accès au logement est obligatoire.', 'ctai-logement'),
      ],
    },
    several_fields: {
      verdict: 'unspecified',
      reasons: [reason('Un CTAI déploie une stratégie d’ensemble ; le texte n’impose que des actions en faveur de l’accès au logement, sans fixer de nombre de domaines.', 'ctai-logement')],
    },
    commitment: { verdict: 'yes', reasons: [reason('Un engagement est attendu de la collectivité : cofinancement, prêt d’une salle, mise à disposition d’un personnel, relais dans la communication, soutien à l’association porteuse, etc.', 'engagement-collectivite')] },
    cofinancing: {
      verdict: 'no',
      reasons: [reason('L’engagement attendu de la collectivité peut se traduire de différentes manières : le cofinancement en est une, comme le prêt d’une salle ou la mise à disposition d’un personnel.', 'engagement-collectivite')],
    },
    strategy: { verdict: 'yes', reasons: [reason('Les CTAI visent les grandes agglomérations désireuses de déployer une stratégie d’ensemble, déclinée en actions concrètes.', 'ctai-cible')] },
    prefect_signature: { verdict: 'yes', reasons: [reason('Les CTAI sont négociés et signés par les préfets.', 'ctai-signataires')] },
    minimum_funding: { verdict: 'unspecified', reasons: [reason('Le texte ne fixe pas de montant pour un CTAI : 9 millions d’euros sont mobilisés pour l’ensemble de la démarche.', 'financement-national')] },
    letter_of_engagement: {
      verdict: 'unspecified',
      reasons: [reason('Les sept territoires de 2021 se sont engagés par une lettre d’engagement, mais le texte n’en fait pas une obligation.', 'ctai-lettre-engagement')],
    },
    national_strategy: {
      verdict: 'yes',
      reasons: [reason('Les actions d’un CTAI, complémentaires du contrat d’intégration républicaine, s’inscrivent dans les priorités de la stratégie nationale d’accueil et d’intégration des réfugiés.', 'ctai-cir')],
    },
    signing_duty: {
      verdict: 'no',
      reasons: [reason('Les CTAI sont signés par les préfets avec les métropoles, les communautés urbaines ainsi qu’avec les départements et les régions volontaires : rien n’y oblige.', 'ctai-signataires')],
    },
  },
  PTAI: {
    diagnostic: { verdict: 'no', reasons: [reason('Pour un PTAI, un diagnostic territorial préalable n’est pas requis, même s’il est conseillé.', 'ptai-diagnostic')] },
    housing: {
      verdict: 'unspecified',
      reasons: [reason('Le texte impose des actions en faveur du logement aux seuls CTAI ; un PTAI peut s’inscrire dans un ou plusieurs champs de l’intégration.', 'ptai-financement')],
    },
    all_fields: { verdict: 'no', reasons: [reason('Un PTAI peut s’inscrire dans un ou plusieurs champs de l’intégration : un seul suffit.', 'ptai-financement')] },
    several_fields: { verdict: 'no', reasons: [reason('Un PTAI peut s’inscrire dans un ou plusieurs champs de l’intégration : un seul suffit.', 'ptai-financement')] },
    commitment: { verdict: 'yes', reasons: [reason('Un engagement est attendu de la collectivité : cofinancement, prêt d’une salle, mise à disposition d’un personnel, relais dans la communication, soutien à l’association porteuse, etc.', 'engagement-collectivite')] },
    cofinancing: {
      verdict: 'no',
      reasons: [reason('L’engagement attendu de la collectivité peut se traduire de différentes manières : le cofinancement en est une, comme le prêt d’une salle ou la mise à disposition d’un personnel.', 'engagement-collectivite')],
    },
    strategy: { verdict: 'no', reasons: [reason('Le PTAI permet de s’engager plus ponctuellement, sans stratégie d’ensemble.', 'ptai-ouverture')] },
    prefect_signature: { verdict: 'unspecified', reasons: [reason('Le texte dit que les CTAI sont signés par les préfets, mais ne dit pas qui signe un PTAI.', 'ctai-signataires')] },
    minimum_funding: {
      verdict: 'no',
      reasons: [reason('Un PTAI peut mobiliser un financement de l’État d’ampleur variable, sans minimum, et s’inscrire dans un ou plusieurs champs de l’intégration (formation professionnelle, coordination linguistique…).', 'ptai-financement')],
    },
    letter_of_engagement: {
      verdict: 'unspecified',
      reasons: [reason('Le texte ne mentionne une lettre d’engagement que pour les territoires ayant rejoint la contractualisation en 2021, pas pour les PTAI.', 'ctai-lettre-engagement')],
    },
    national_strategy: {
      verdict: 'unspecified',
      reasons: [reason('Le texte rattache les actions des CTAI à la stratégie nationale d’accueil et d’intégration des réfugiés ; pour les PTAI, il dit seulement qu’ils sont complémentaires du contrat d’intégration républicaine.', 'ptai-cir')],
    },
    signing_duty: {
      verdict: 'no',
      reasons: [reason('Les PTAI sont à destination de toute collectivité désireuse de s’engager : c’est une démarche volontaire.', 'ptai-ouverture')],
    },
  },
};

/** Whether a scheme requires something, from the seed: the FAQ's answer to « faut-il… », « est-ce obligatoire… ». */
export function schemeObligation(scheme: Scheme, topic: ObligationTopic): RuleOutcome {
  return OBLIGATIONS[scheme][topic];
}

/**
 * Whether a field of action fits a scheme: listed for it (CTAI needs, PTAI examples), or not
 * listed, which the seed does not close (« notamment », « etc. »): the text does not say.
 */
export function fieldFitsScheme(scheme: Scheme, field: IntegrationField): RuleOutcome {
  if (scheme === 'CTAI') {
    const listed: readonly IntegrationField[] = SCHEME_CATALOGUE.CTAI.needAreas.fields;
    const needs = 'Un CTAI répond aux besoins identifiés par un diagnostic territorial, notamment : l’accès aux soins, aux droits, au logement, à la formation linguistique, à l’emploi et aux offres sportives et culturelles.';
    return listed.includes(field)
      ? { verdict: 'yes', reasons: [reason(needs, 'ctai-besoins')] }
      : { verdict: 'unspecified', reasons: [reason(`« ${FIELD_LABELS[field]} » n’est pas cité, mais la liste n’est pas fermée : ${needs.charAt(0).toLowerCase()}${needs.slice(1)}`, 'ctai-besoins')] };
  }
  // « coordination linguistique » is cited for the PTAI: language training belongs to that field.
  const listed: readonly IntegrationField[] = [...SCHEME_CATALOGUE.PTAI.exampleFields.fields, 'language'];
  const fields = reason('Un PTAI peut porter sur un ou plusieurs champs ; de nombreux types de projets sont possibles : formation professionnelle, accès à l’emploi, projets à visée sociale, mobilité, garde d’enfants, coordinations linguistiques, etc.', 'ptai-exemples');
  return listed.includes(field)
    ? { verdict: 'yes', reasons: [fields] }
    : { verdict: 'unspecified', reasons: [reason(`« ${FIELD_LABELS[field]} » n’est pas cité parmi les exemples, mais la liste n’est pas fermée.`, 'ptai-exemples'), fields] };
}

/** Whether a form of engagement counts as the collectivity's engagement: the seed lists five and leaves the list open (« … »). */
export function commitmentFormAccepted(kind: CommitmentKind): RuleOutcome {
  const forms = reason('Un engagement est attendu de la collectivité, sous différentes manières : cofinancement, prêt d’une salle, mise à disposition d’un personnel, relais dans la communication, soutien à l’association porteuse de l’action, etc.', 'engagement-collectivite');
  return { verdict: kind === 'other' ? 'unspecified' : 'yes', reasons: [forms] };
}
