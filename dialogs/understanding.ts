// Where understanding meets the dossier: which question a prompt asks, the value of a message for it,
// the values a message gives for other questions (kept as answers), and corrections of earlier answers.
import { TEXT_LIMITS, type Dossier } from '../dossiers/dossierSchema';
import { DEPARTEMENT_NAMES } from '../knowledge/departements';
import { formatEuros, formatInteger } from '../knowledge/formatting';
import { amountsIn, FUNDER_LIMITS, fundersText, type Funder } from '../knowledge/funders';
import { parseEmail, parsePhone } from '../knowledge/parsers';
import { APPROACH_LABELS, COLLECTIVITY_KIND_LABELS, COMMITMENT_KIND_LABELS, ctaiEligibility, DIAGNOSTIC_STATUS_LABELS, FIELD_LABELS, PUBLIC_LABELS, type CommitmentKind } from '../knowledge/schemes';
import { detailStatesValue, estimatedValueIn } from '../knowledge/understanding/commitmentDetails';
import { extractEntities, plainOf } from '../knowledge/understanding/entities';
import { fold } from '../knowledge/understanding/text';
import type { Entities, Pending, QuestionId } from '../knowledge/understanding/types';

/** The question a prompt asks, from its dialog id (e.g. `contactDialog.contact.name`). */
const PROMPT_QUESTIONS: ReadonlyArray<[RegExp, Pending]> = [
  [/\.fields$/, 'fields.selection'],
  [/\.commitments\.cofinancing\.amount$/, 'commitments.amount'],
  [/\.commitments\.\w+\.value$/, 'commitments.amount'],
  [/\.commitments\.\w+\.detail$/, 'action.description'],
  [/\.action\.stateFunding$/, 'action.stateShare'],
  [/^actionsDialog\.another$/, 'actions.more'],
  [/^actionsDialog\.manage$/, 'review.section'],
  [/^actionEditDialog\.(which|item)$/, 'review.section'],
  [/^reviewDialog\.decision$/, 'review.menu'],
  [/^reviewDialog\.section$/, 'review.section'],
  [/^reviewDialog\.confirm$/, 'review.confirm'],
  [/^fundersDialog\./, 'budget.otherFunders'],
];

export function pendingOfPrompt(promptId: string | undefined): Pending | undefined {
  if (!promptId) return undefined;
  const mapped = PROMPT_QUESTIONS.find(([pattern]) => pattern.test(promptId))?.[1];
  if (mapped) return mapped;
  const questionId = promptId.split('.').slice(1).join('.');
  return /^(collectivity|contact|scheme|commitments|action)\./.test(questionId) ? (questionId as QuestionId) : undefined;
}

/** The code's question ids for the labels' ids, where they differ. */
export function questionIdOf(target: QuestionId): string {
  if (target === 'fields.selection') return 'fields';
  if (target === 'commitments.amount') return 'commitments.cofinancing.amount';
  if (target === 'action.stateShare') return 'action.stateFunding';
  return target;
}

/**
 * The value of a message for the question on screen, as text its parser reads (« c'est moi, Claire
 * Lefebvre » → « Claire Lefebvre »), or undefined when the message should be read as typed.
 */
export function valueFor(pending: Pending, entities: Entities): string | undefined {
  switch (pending) {
    case 'collectivity.name':
      return entities.collectivityName;
    case 'collectivity.kind':
      return entities.collectivityKind ? COLLECTIVITY_KIND_LABELS[entities.collectivityKind] : undefined;
    case 'collectivity.departement':
      return entities.departement;
    case 'collectivity.siren':
      return entities.siren;
    case 'collectivity.population':
      return entities.population?.toString();
    case 'contact.name':
      return entities.personName;
    case 'contact.role':
      return entities.role;
    case 'contact.email':
      return entities.email;
    case 'contact.phone':
      return entities.phone;
    case 'scheme.approach':
      return entities.approach ? APPROACH_LABELS[entities.approach] : undefined;
    case 'scheme.diagnostic':
      return entities.diagnostic ? DIAGNOSTIC_STATUS_LABELS[entities.diagnostic] : undefined;
    case 'scheme.choice':
      return entities.scheme;
    case 'commitments.amount':
      return entities.amount?.toString();
    case 'action.cost':
      return (entities.cost ?? entities.amount)?.toString();
    case 'action.stateShare':
      return (entities.stateShare ?? entities.amount)?.toString();
    case 'action.beneficiaries':
      return (entities.count ?? entities.number)?.toString();
    case 'scheme.housing':
    case 'actions.more':
    case 'review.confirm':
      return entities.yesNo === undefined ? undefined : entities.yesNo ? 'oui' : 'non';
    default:
      return undefined;
  }
}

/** Whether a message's values answer the question on screen (« on n'en a pas » at the diagnostic question). */
export function answersQuestion(pending: Pending, entities: Entities): boolean {
  return valueFor(pending, entities) !== undefined || fillsOf(entities).some((fill) => fill.question === pending || pending.startsWith(`${fill.question}.`));
}

type Commitment = NonNullable<Dossier['commitments']>[number];

/** How the confirmation names each in-kind form's detail (« J’ai aussi noté : salle : … »). */
const DETAIL_LABELS: Partial<Record<CommitmentKind, string>> = { premises: 'salle', staff: 'personnel', communication: 'communication', association_support: 'soutien à l’association' };
/** The in-kind forms whose detail may state their estimated value. */
const VALUED_KINDS: ReadonlySet<CommitmentKind> = new Set(['premises', 'staff']);
type Action = NonNullable<Dossier['actions']>[number];

function commitmentKindOf(spoken: NonNullable<Entities['commitments']>[number]): CommitmentKind {
  return spoken === 'coordination' ? 'other' : spoken;
}

/** One value a message gives: where it goes, how it reads, and how it is written to the dossier. */
interface Fill {
  question: string;
  label: string;
  isSet(dossier: Dossier): boolean;
  write(dossier: Dossier): void;
}

function fillsOf(entities: Entities, actionId?: string): Fill[] {
  const fills: Fill[] = [];
  const collectivity = (patch: Partial<Dossier['collectivity']>) => (draft: Dossier) => {
    draft.collectivity = { ...draft.collectivity, ...patch };
  };
  const contact = (patch: Partial<Dossier['contact']>) => (draft: Dossier) => {
    draft.contact = { ...draft.contact, ...patch };
  };
  if (entities.collectivityName) fills.push({ question: 'collectivity.name', label: `nom de la collectivité : ${entities.collectivityName}`, isSet: (d) => !!d.collectivity?.name, write: collectivity({ name: entities.collectivityName.slice(0, 200) }) });
  if (entities.collectivityKind && entities.collectivityKind !== 'other') {
    const kind = entities.collectivityKind;
    fills.push({ question: 'collectivity.kind', label: `type : ${COLLECTIVITY_KIND_LABELS[kind].toLowerCase()}`, isSet: (d) => !!d.collectivity?.kind, write: collectivity({ kind }) });
  }
  if (entities.departement) {
    const code = entities.departement;
    fills.push({ question: 'collectivity.departement', label: `département : ${code} (${DEPARTEMENT_NAMES[code] ?? code})`, isSet: (d) => !!d.collectivity?.departement, write: collectivity({ departement: code }) });
  }
  if (entities.siren) fills.push({ question: 'collectivity.siren', label: `SIREN : ${entities.siren}`, isSet: (d) => !!d.collectivity?.siren, write: collectivity({ siren: entities.siren }) });
  if (entities.population) fills.push({ question: 'collectivity.population', label: `population : ${formatInteger(entities.population)} habitants`, isSet: (d) => d.collectivity?.population !== undefined, write: collectivity({ population: entities.population }) });
  if (entities.personName) fills.push({ question: 'contact.name', label: `contact : ${entities.personName}`, isSet: (d) => !!d.contact?.name, write: contact({ name: entities.personName.slice(0, 200) }) });
  if (entities.role) fills.push({ question: 'contact.role', label: `fonction : ${entities.role}`, isSet: (d) => !!d.contact?.role, write: contact({ role: entities.role.slice(0, 200) }) });
  if (entities.email && parseEmail(entities.email).ok) fills.push({ question: 'contact.email', label: `e-mail : ${entities.email}`, isSet: (d) => !!d.contact?.email, write: contact({ email: entities.email.toLowerCase() }) });
  const phone = entities.phone ? parsePhone(entities.phone) : undefined;
  if (phone?.ok) fills.push({ question: 'contact.phone', label: `téléphone : ${/^0\d{9}$/.test(entities.phone ?? '') ? entities.phone!.replace(/(\d{2})(?=\d)/g, '$1 ') : entities.phone}`, isSet: (d) => !!d.contact?.phone, write: contact({ phone: phone.value }) });
  if (entities.approach) {
    const approach = entities.approach;
    fills.push({ question: 'scheme.approach', label: `démarche : ${APPROACH_LABELS[approach].toLowerCase()}`, isSet: (d) => !!d.approach, write: (d) => void (d.approach = approach) });
  }
  if (entities.diagnostic) {
    const status = entities.diagnostic;
    fills.push({ question: 'scheme.diagnostic', label: DIAGNOSTIC_STATUS_LABELS[status].toLowerCase(), isSet: (d) => !!d.diagnostic?.status, write: (d) => void (d.diagnostic = { ...d.diagnostic, status }) });
  }
  if (entities.scheme) {
    const scheme = entities.scheme;
    // « une commune peut-elle faire un CTAI ? » has just been answered « Non »: the wish is not noted as the dossier's scheme.
    const ruledOut = (d: Dossier): boolean => {
      const kind = entities.collectivityKind ?? d.collectivity?.kind;
      return scheme === 'CTAI' && kind !== undefined && ctaiEligibility(kind).verdict === 'no';
    };
    fills.push({ question: 'scheme.choice', label: `dispositif souhaité : ${scheme}`, isSet: (d) => !!d.scheme || ruledOut(d), write: (d) => void (d.scheme = scheme) });
  }
  if (entities.fields && entities.fields.length > 0) {
    const fields = [...new Set(entities.fields)];
    fills.push({ question: 'fields', label: `champs : ${fields.map((field) => FIELD_LABELS[field].toLowerCase()).join(', ')}`, isSet: (d) => (d.fields ?? []).length > 0, write: (d) => void (d.fields = fields) });
  }
  if (entities.commitments && entities.commitments.length > 0) {
    const kinds = [...new Set(entities.commitments.map(commitmentKindOf))];
    fills.push({
      question: 'commitments.kinds',
      label: `engagements : ${kinds.map((kind) => COMMITMENT_KIND_LABELS[kind].toLowerCase()).join(', ')}`,
      isSet: (d) => (d.commitments ?? []).length > 0,
      write: (d) => void (d.commitments = kinds.map((kind) => d.commitments?.find((commitment) => commitment.kind === kind) ?? ({ kind } as Commitment))),
    });
  }
  // An amount said with the commitments is the cofinancing's, unless it is the value a detail states (« …, valeur environ 22000 € »).
  const valuesDetail = Object.values(entities.commitmentDetails ?? {}).some((detail) => detailStatesValue(detail, entities.amount));
  if (entities.amount !== undefined && entities.commitments?.includes('cofinancing') && !valuesDetail) {
    const amount = entities.amount;
    fills.push({
      question: 'commitments.cofinancing.amount',
      label: `cofinancement : ${formatEuros(amount)}`,
      isSet: (d) => d.commitments?.find((commitment) => commitment.kind === 'cofinancing')?.amountEuros !== undefined,
      // The sentence named the cofinancing: it is added if the answer on screen left it out, so the amount said is never lost.
      write: (d) => {
        const commitments = d.commitments ?? [];
        d.commitments = commitments.some((commitment) => commitment.kind === 'cofinancing')
          ? commitments.map((commitment) => (commitment.kind === 'cofinancing' ? { ...commitment, amountEuros: amount } : commitment))
          : [...commitments, { kind: 'cofinancing', amountEuros: amount } as Commitment];
      },
    });
  }
  // « on prête une salle à la médiathèque » with the commitments: that form's detail, so its question is not asked; a value in it is its estimated value.
  for (const [kind, detail] of Object.entries(entities.commitmentDetails ?? {}) as Array<[CommitmentKind, string]>) {
    const said = detail.slice(0, TEXT_LIMITS.detail);
    const value = VALUED_KINDS.has(kind) ? estimatedValueIn(said) : undefined;
    const chosen = (d: Dossier) => d.commitments?.find((commitment) => commitment.kind === kind);
    fills.push({
      question: `commitments.${kind}.detail`,
      label: `${DETAIL_LABELS[kind]} : ${said}${value === undefined ? '' : ` ; valeur : ${formatEuros(value)}`}`,
      // Only for a form the dossier has: a detail said elsewhere never adds a commitment.
      isSet: (d) => chosen(d)?.detail !== undefined || !chosen(d),
      write: (d) => {
        d.commitments = d.commitments.map((commitment) =>
          commitment.kind === kind ? { ...commitment, detail: said, ...(value !== undefined && commitment.estimatedValueEuros === undefined ? { estimatedValueEuros: value } : {}) } : commitment,
        );
      },
    });
  }
  // « la CAF met aussi 10 000 € »: the budget's other funders, preset until their question confirms them.
  if (entities.funders && entities.funders.length > 0) {
    const named = entities.funders;
    const sameFunder = (a: Funder, b: Funder) => fold(a.name) === fold(b.name);
    fills.push({
      question: 'budget.otherFunders',
      label: `${named.length > 1 ? 'autres financeurs' : 'autre financeur'} : ${fundersText(named)}`,
      // Under a correction request that does not name the budget, the budget stays as it was sent.
      isSet: (d) =>
        (d.changesRequested !== undefined && !d.changesRequested.sections.includes('budget')) ||
        named.every((funder) => d.budget.otherFunders?.some((kept) => sameFunder(kept, funder) && kept.amountEuros === funder.amountEuros)),
      write: (d) => {
        const kept = d.budget.otherFunders;
        // Before the question, each is marked to be confirmed there; after it, the list is simply completed.
        const saidEarly = kept === undefined || kept.some((funder) => funder.saidEarly);
        const others = (kept ?? []).filter((funder) => !named.some((said) => sameFunder(funder, said)));
        d.budget = { ...d.budget, otherFunders: [...others, ...named.map((funder) => ({ name: funder.name, amountEuros: funder.amountEuros, ...(saidEarly ? { saidEarly: true } : {}) }))].slice(0, FUNDER_LIMITS.count) };
      },
    });
  }
  // An action's cost or State share said in a sentence about that action.
  const action = (patch: Partial<Action>) => (draft: Dossier) => {
    draft.actions = (draft.actions ?? []).map((candidate) => (candidate.id === actionId ? { ...candidate, ...patch } : candidate));
  };
  const current = (draft: Dossier) => draft.actions?.find((candidate) => candidate.id === actionId);
  if (actionId && entities.cost !== undefined) {
    const costEuros = entities.cost;
    fills.push({ question: 'action.cost', label: `coût : ${formatEuros(costEuros)}`, isSet: (d) => current(d)?.costEuros !== undefined, write: action({ costEuros }) });
  }
  // « c'est pour les deux publics » said before the public's question.
  if (actionId && entities.publics && entities.publics.length > 0) {
    const publics = [...new Set(entities.publics)];
    fills.push({ question: 'action.publics', label: `public : ${publics.map((value) => PUBLIC_LABELS[value]).join(' et ')}`, isSet: (d) => (current(d)?.publics ?? []).length > 0, write: action({ publics }) });
  }
  // « 40 adultes primo-arrivants » on the public: the head count is the beneficiaries'.
  if (actionId && entities.count !== undefined) {
    const beneficiaries = entities.count;
    fills.push({ question: 'action.beneficiaries', label: `bénéficiaires : ${formatInteger(beneficiaries)}`, isSet: (d) => current(d)?.beneficiaries !== undefined, write: action({ beneficiaries }) });
  }
  if (actionId && entities.stateShare !== undefined) {
    const stateFundingEuros = entities.stateShare;
    fills.push({
      question: 'action.stateFunding',
      label: `financement demandé à l’État : ${formatEuros(stateFundingEuros)}`,
      // Never more than the cost: the question then asks again, with its own check.
      isSet: (d) => current(d)?.stateFundingEuros !== undefined || stateFundingEuros > (current(d)?.costEuros ?? entities.cost ?? Infinity),
      write: action({ stateFundingEuros }),
    });
  }
  return fills;
}

/**
 * Writes to the draft every value the message gives for a question other than `answered`, unless
 * that question already has an answer; returns how each value reads, for a one-line confirmation.
 */
export function keepEarlyAnswers(dossier: Dossier, entities: Entities, answered: string | undefined, actionId?: string): string[] {
  const noted: string[] = [];
  // The commitments go first: an amount said with them needs them to exist; an action's cost before its State share.
  const fills = fillsOf(entities, actionId).sort((a, b) => Number(b.question === 'commitments.kinds') - Number(a.question === 'commitments.kinds'));
  for (const fill of fills) {
    if (fill.question === answered) continue;
    if (fill.isSet(dossier)) continue;
    // A head count is the beneficiaries' only when said with the public (« 40 adultes primo-arrivants »), not « 30 ménages » in a description.
    if (fill.question === 'action.beneficiaries' && answered !== 'action.publics' && !(entities.publics && !ACTION_FREE_TEXT.has(answered ?? ''))) continue;
    // A word of a title or a description (« ateliers pour les réfugiés ») is no answer to the public's question.
    if (fill.question === 'action.publics' && ACTION_FREE_TEXT.has(answered ?? '')) continue;
    fill.write(dossier);
    noted.push(fill.label);
  }
  return noted;
}

/** The action's free-text questions: a public or a head count in their text describes the action, it does not answer those questions. */
const ACTION_FREE_TEXT: ReadonlySet<string> = new Set(['action.title', 'action.description', 'action.carrier']);

/** What a correction changed, to say so, and whether the scheme must be chosen again. */
export interface CorrectionResult {
  label: string;
  schemeToReview: boolean;
}

/** Whether `target` already held an answer the message's value would replace (« c'est corrigé ») or held none yet (« c'est noté »). */
export function holdsAnswer(dossier: Dossier, target: QuestionId, entities: Entities): boolean {
  const questionId = questionIdOf(target);
  return fillsOf(entities).find((candidate) => candidate.question === questionId)?.isSet(dossier) ?? true;
}

/** Applies a correction of `target` to the dossier; undefined when the message gives no usable value for it. */
export function applyCorrection(dossier: Dossier, target: QuestionId, entities: Entities, actionIndex: number | undefined, quoted: string | undefined): CorrectionResult | undefined {
  const action: Action | undefined = target.startsWith('action.') ? (actionIndex ? dossier.actions?.[actionIndex - 1] : dossier.actions?.[dossier.actions.length - 1]) : undefined;
  const setAction = (patch: Partial<Action>, label: string): CorrectionResult | undefined => {
    if (!action) return undefined;
    dossier.actions = dossier.actions.map((candidate) => (candidate.id === action.id ? { ...candidate, ...patch } : candidate));
    const index = dossier.actions.findIndex((candidate) => candidate.id === action.id) + 1;
    return { label: `${label} de l’action ${index}`, schemeToReview: false };
  };
  switch (target) {
    case 'action.cost':
      return entities.amount === undefined ? undefined : setAction({ costEuros: entities.amount }, `coût : ${formatEuros(entities.amount)}`);
    case 'action.stateShare':
      return entities.amount === undefined ? undefined : setAction({ stateFundingEuros: entities.amount }, `financement demandé à l’État : ${formatEuros(entities.amount)}`);
    case 'action.beneficiaries': {
      const count = entities.count ?? entities.number;
      return count === undefined ? undefined : setAction({ beneficiaries: Math.round(count) }, `bénéficiaires : ${formatInteger(count)}`);
    }
    case 'action.publics':
      return entities.publics ? setAction({ publics: entities.publics }, `public : ${entities.publics.map((value) => PUBLIC_LABELS[value]).join(' et ')}`) : undefined;
    case 'action.title':
      return quoted ? setAction({ title: quoted.slice(0, 200) }, `intitulé : « ${quoted} »`) : undefined;
    case 'action.carrier':
      return quoted ? setAction({ carrier: quoted.slice(0, 200) }, `porteur : ${quoted}`) : undefined;
    case 'action.field':
      return entities.fields?.[0] ? setAction({ field: entities.fields[0] }, `champ : ${FIELD_LABELS[entities.fields[0]].toLowerCase()}`) : undefined;
    case 'scheme.housing': {
      // The recommendation rests on it: with a scheme already chosen, it is chosen again.
      if (entities.yesNo === undefined) return undefined;
      dossier.housingCommitted = entities.yesNo;
      const schemeToReview = dossier.scheme !== undefined;
      if (schemeToReview) dossier.scheme = undefined;
      return { label: `actions en faveur de l’accès au logement : ${entities.yesNo ? 'oui' : 'non'}`, schemeToReview };
    }
    case 'commitments.amount': {
      // The cofinancing's amount: « on apporte aussi un cofinancement de 20 000 € » adds the cofinancing if the dossier had none.
      if (entities.amount === undefined) return undefined;
      const fill = fillsOf({ ...entities, commitments: [...new Set([...(entities.commitments ?? []), 'cofinancing' as const])] }).find((candidate) => candidate.question === questionIdOf(target));
      fill?.write(dossier);
      return fill && { label: fill.label, schemeToReview: false };
    }
    default:
      break;
  }
  const questionId = questionIdOf(target);
  const fill = fillsOf(entities).find((candidate) => candidate.question === questionId);
  if (!fill) return undefined;
  fill.write(dossier);
  // What the recommendation rests on changed: the scheme (and the housing answer) are asked again.
  const schemeToReview = ['collectivity.kind', 'scheme.approach', 'scheme.diagnostic'].includes(target) && dossier.scheme !== undefined;
  if (schemeToReview) {
    dossier.scheme = undefined;
    dossier.housingCommitted = undefined;
  }
  return { label: fill.label, schemeToReview };
}

/** The questions a correction's other values may change (values of their own, never a choice read from a stray word). */
const ALSO_CORRECTABLE = /^(collectivity|contact)\./;

/**
 * « Finalement le contact ce sera Marc Dubois, marc.dubois@ville.fr »: writes every value the message gives for
 * a question of that section (a section whose values are values of their own); undefined when it gives none.
 */
export function applySectionCorrection(dossier: Dossier, section: string, entities: Entities): CorrectionResult | undefined {
  const fills = fillsOf(entities).filter((fill) => ALSO_CORRECTABLE.test(fill.question) && fill.question.startsWith(`${section}.`));
  if (fills.length === 0) return undefined;
  for (const fill of fills) fill.write(dossier);
  return { label: fills.map((fill) => fill.label).join(' ; '), schemeToReview: false };
}

/** Writes a correction's other values (« …c'est le 76 et 12 000 habitants »), even over an answer; returns how each reads. */
export function applyOtherCorrections(dossier: Dossier, also: Entities | undefined, corrected: QuestionId): string[] {
  if (!also) return [];
  const target = questionIdOf(corrected);
  const fills = fillsOf(also).filter((fill) => ALSO_CORRECTABLE.test(fill.question) && fill.question !== target);
  for (const fill of fills) fill.write(dossier);
  return fills.map((fill) => fill.label);
}

/** The free-text questions, where a typed value (an e-mail, a phone, a SIREN, an amount) said alone is no answer. */
const FREE_TEXT: ReadonlySet<Pending> = new Set(['collectivity.name', 'contact.name', 'contact.role', 'action.title', 'action.carrier']);
/** The questions a value of their own answers, checked by type. */
const TYPED: ReadonlySet<Pending> = new Set(['collectivity.kind', 'collectivity.departement', 'collectivity.siren', 'collectivity.population', 'contact.email', 'contact.phone', 'scheme.approach', 'scheme.choice', 'commitments.amount', 'action.publics', 'action.beneficiaries', 'action.cost', 'action.stateShare']);

/** What is left of a message once its e-mails, phones, numbers and amounts are taken out: the words that could be a name or a role. */
function wordsBesideValues(text: string): string[] {
  const rest = text.replace(/\S+@\S+/g, ' ').replace(/[+\d][\d\s.,()-]*(?:k€|k|€|euros?|eur)?/gi, ' ');
  return rest.split(/[^\p{L}'’-]+/u).filter((word) => word.length >= 2 && !/^(c'est|c’est|voici|son|sa|mon|ma|le|la|l'|mail|e-mail|email|adresse|tel|tél|téléphone|numéro|numero|siren|est|:)$/i.test(word));
}

/** Households (« une dizaine de familles »), and the words that count people (« 10 familles, soit 35 personnes »). */
const HOUSEHOLDS = /\b(familles?|menages?|foyers?)\b/;
const PERSONS = /\b(personnes?|beneficiaires?|participants?|individus|gens|adultes|enfants|jeunes|femmes|hommes)\b/;

/** The amounts an other funder's cannot be, as the reason says them. */
const FUNDED_AMOUNTS: Partial<Record<Pending, string>> = {
  'commitments.amount': 'le cofinancement de votre collectivité',
  'action.cost': 'le coût total de l’action',
  'action.stateShare': 'le financement demandé à l’État',
  'action.beneficiaries': 'un nombre de personnes',
};

/** Entities given for a question that is not `pending`, with what to tell the official. */
interface Misplaced {
  entities: Entities;
  reason: string;
  /** A clear mismatch of type; otherwise only when the answer does not parse as the question's value. */
  strong: boolean;
}

/**
 * Checks a message against the type of the question on screen: when it clearly gives another question's
 * value instead (an e-mail on the fonction, an amount in euros on a head count, « 8 000 de l'État » on the
 * cost), the values to note elsewhere and why this question is asked again; undefined when it may answer it.
 */
export function misplacedValues(pending: Pending, entities: Entities, text: string): Misplaced | undefined {
  // « la CAF met aussi 10 000 € » at an amount of the collectivity's or the action's: every amount said is a funder's.
  const funders = entities.funders ?? [];
  const amountOf = FUNDED_AMOUNTS[pending];
  if (amountOf && funders.length > 0 && amountsIn(text) <= funders.length) {
    return { entities: { funders }, reason: `Un montant apporté par un autre financeur n’est pas ${amountOf}.`, strong: true };
  }
  // « une dizaine de familles » on the head count: households are not people, their number is asked.
  if (pending === 'action.beneficiaries' && entities.count !== undefined && HOUSEHOLDS.test(fold(text)) && !PERSONS.test(fold(text))) {
    const households = /menages?/.test(fold(text)) ? 'ménages' : /foyers?/.test(fold(text)) ? 'foyers' : 'familles';
    return { entities: {}, reason: `${formatInteger(entities.count)} ${households} : j’ai besoin du nombre de personnes, adultes et enfants compris.`, strong: true };
  }
  // « c'est pour les deux publics, une vingtaine de personnes » on the field: the action's later values are kept, the field asked again.
  if (pending === 'action.field' && !entities.fields?.length && (entities.publics?.length || entities.count !== undefined || entities.cost !== undefined || entities.stateShare !== undefined)) {
    return { entities, reason: 'Il me manque encore le champ de cette action.', strong: false };
  }
  const typeConflict = (pending === 'action.cost' && entities.cost === undefined && entities.stateShare !== undefined) || (pending === 'action.beneficiaries' && entities.count === undefined && entities.amount !== undefined);
  if (!typeConflict && valueFor(pending, entities) !== undefined) return undefined;
  if (FREE_TEXT.has(pending)) {
    const typed = entities.email ?? entities.phone ?? entities.siren ?? entities.amount;
    if (typed === undefined || wordsBesideValues(text).length > 1) return undefined;
    const what = entities.email ? 'Une adresse électronique' : entities.phone ? 'Un numéro de téléphone' : entities.siren ? 'Un numéro SIREN' : 'Un montant';
    return { entities, reason: `${what} ne répond pas à cette question.`, strong: true };
  }
  if (!TYPED.has(pending)) return undefined;
  if ((pending === 'action.beneficiaries' || pending === 'collectivity.population') && entities.amount !== undefined && entities.count === undefined && entities.population === undefined) {
    const noted: Entities = pending === 'action.beneficiaries' ? (entities.stateShare !== undefined ? { stateShare: entities.stateShare } : { cost: entities.cost ?? entities.amount }) : {};
    return { entities: noted, reason: `Un montant en euros n’est pas un nombre de ${pending === 'action.beneficiaries' ? 'personnes' : 'habitants'}.`, strong: true };
  }
  if (pending === 'action.cost' && entities.cost === undefined && entities.stateShare !== undefined) {
    return { entities: { stateShare: entities.stateShare }, reason: 'Un montant « de l’État » est la part demandée à l’État, pas le coût total de l’action.', strong: true };
  }
  // A message with values for other questions only (a name and a role on the SIREN): noted, this question asked again.
  const others = fillsOf(entities).filter((fill) => fill.question !== questionIdOf(pending as QuestionId));
  if (others.length === 0) return undefined;
  return { entities, reason: 'Votre message ne répond pas à cette question.', strong: false };
}

/** Words of a message that cannot name an action (what is corrected, not which action). */
const NOT_TITLE_WORDS = new Set(['pour', 'avec', 'dans', 'vers', 'sont', 'action', 'cout', 'total', 'totale', 'euro', 'beneficiaire', 'personne', 'corrige', 'corriger', 'correction', 'aussi', 'etat', 'part', 'financement', 'demande', 'nombre', 'plutot', 'dossier', 'elle', 'cette']);

function titleWords(text: string): string[] {
  return fold(plainOf(text))
    .split(/[^a-z]+/)
    .map((word) => (word.length > 4 ? word.replace(/[sx]$/, '') : word))
    .filter((word) => word.length >= 4 && !NOT_TITLE_WORDS.has(word));
}

/** The action a message names by the words of its title (« les ateliers » → « Ateliers de français »), 1-based; undefined when none or two fit. */
function actionNamedIn(text: string, actions: ReadonlyArray<{ title?: string }>): number | undefined {
  const said = new Set(titleWords(text));
  const scores = actions.map((action) => new Set(titleWords(action.title ?? '').filter((word) => said.has(word))).size);
  const best = Math.max(0, ...scores);
  if (best === 0 || scores.filter((score) => score === best).length > 1) return undefined;
  return scores.indexOf(best) + 1;
}

/**
 * « pour les ateliers c'est 40 bénéficiaires et le coût total est de 12 000 € »: the cost, State share and
 * head count a message gives for one action, named by its number or its title's words (or the only one),
 * all written to it; returns how each reads, or undefined when the message corrects no action's values.
 */
export function correctActionValues(dossier: Dossier, text: string): string[] | undefined {
  const actions = dossier.actions ?? [];
  if (actions.length === 0) return undefined;
  const entities = extractEntities(text, 'review.menu');
  const values: Entities = {};
  if (entities.cost !== undefined) values.cost = entities.cost;
  // « pour l'action 2 la garde coûte 4000 de plus donc 22 000 € au total »: an amount said with « coûte » of a named action is its cost.
  else if (entities.amount !== undefined && entities.actionIndex !== undefined && entities.stateShare === undefined && /\bcout(e|ent|era|erait)?\b/.test(plainOf(text))) values.cost = entities.amount;
  if (entities.stateShare !== undefined) values.stateShare = entities.stateShare;
  if (entities.count !== undefined) values.count = entities.count;
  if (Object.keys(values).length === 0) return undefined;
  const index = entities.actionIndex !== undefined && entities.actionIndex <= actions.length ? entities.actionIndex : (actionNamedIn(text, actions) ?? (actions.length === 1 ? 1 : undefined));
  const action = index ? actions[index - 1] : undefined;
  if (!action) return undefined;
  const fills = fillsOf(values, action.id);
  for (const fill of fills) fill.write(dossier);
  return fills.map((fill) => `${fill.label} (action ${index}${action.title ? ` « ${action.title} »` : ''})`);
}
