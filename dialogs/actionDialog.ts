// One action of the dossier: title, field, description, public, beneficiaries, cost, State funding, carrier.
import { formatEuros, formatInteger } from '../knowledge/formatting';
import { fieldOfTitle, normalizeText, parseEuros, parseFields, parseYesNo, parsePositiveInteger, type ParseResult } from '../knowledge/parsers';
import { FIELD_LABELS, PUBLIC_LABELS, type IntegrationField, type Public, type Scheme } from '../knowledge/schemes';
import { TEXT_LIMITS, type Dossier } from '../dossiers/dossierSchema';
import { answerText } from './answerPrompt';
import type { DraftStore } from './draftStore';
import { fromText, parseFreeText, QuestionSectionDialog, type AnyQuestion, type Question, type QuestionContext, type SectionOptions } from './questionFlow';

export const ACTION_DIALOG = 'actionDialog';

type Action = NonNullable<Dossier['actions']>[number];

function findAction(dossier: Dossier, options: Pick<SectionOptions, 'actionId'>): Action | undefined {
  return dossier.actions?.find((action) => action.id === options.actionId);
}

/** A question about a property of the action named in the options. */
function actionQuestion<T>(
  id: string,
  definition: Omit<Question<T>, 'id' | 'current' | 'save' | 'ask'> & {
    ask: (context: QuestionContext & { action: Action }) => ReturnType<Question<T>['ask']>;
    show: (action: Action) => string | undefined;
    apply: (action: Action, value: T) => Partial<Action>;
  },
): Question<T> {
  return {
    id: `action.${id}`,
    parse: definition.parse,
    ask: (context) => {
      const action = findAction(context.dossier, context.options);
      return action ? definition.ask({ ...context, action }) : undefined;
    },
    current: (context) => {
      const action = findAction(context.dossier, context.options);
      return action ? definition.show(action) : undefined;
    },
    save: (dossier, value, options) => {
      dossier.actions = (dossier.actions ?? []).map((action) => (action.id === options.actionId ? { ...action, ...definition.apply(action, value) } : action));
    },
  };
}

const title = actionQuestion<string>('title', {
  parse: parseFreeText('« Ateliers sociolinguistiques pour l’accès au logement »', TEXT_LIMITS.name),
  ask: () => ({
    text: 'Quel est l’intitulé de cette action ?',
    help: 'Un titre court qui dit ce que fait l’action, par exemple « Ateliers sociolinguistiques pour l’accès au logement ».',
  }),
  show: (action) => action.title,
  apply: (_action, value) => ({ title: value }),
});

const field = actionQuestion<IntegrationField>('field', {
  parse: (answer, spec) => {
    const allowed = (spec.choices ?? []).map((choice) => choice.value as IntegrationField);
    // « oui » to the field the title suggests.
    const yes = parseYesNo(answerText(answer));
    if (spec.proposed && yes.ok && yes.value) return { ok: true, value: spec.proposed as IntegrationField };
    const parsed = parseFields(answerText(answer));
    const match = parsed.ok ? parsed.value.find((value) => allowed.includes(value)) : undefined;
    if (match) return { ok: true, value: match };
    return { ok: false, reason: `Choisissez l’un des champs retenus pour votre dossier : ${allowed.map((value) => FIELD_LABELS[value].toLowerCase()).join(', ')}.` };
  },
  ask: ({ dossier, action }) => {
    const fields = dossier.fields ?? [];
    // « Cours de français pour adultes »: the one field the title names is proposed, confirmed in one word.
    const proposed = action.title ? fieldOfTitle(action.title, fields) : undefined;
    if (proposed) {
      return {
        text: `D’après son intitulé, elle relève du champ « ${FIELD_LABELS[proposed]} » : c’est bien ça ? Répondez « oui », ou nommez un autre champ.`,
        help: `Répondez « oui » pour « ${FIELD_LABELS[proposed]} », ou nommez l’un des champs retenus : ${fields.map((value) => FIELD_LABELS[value].toLowerCase()).join(', ')}.`,
        choices: [proposed, ...fields.filter((value) => value !== proposed)].map((value) => ({ value, title: FIELD_LABELS[value] })),
        proposed,
      };
    }
    return {
      text: 'Dans quel champ s’inscrit-elle ?',
      help: `L’action doit relever de l’un des champs que vous avez retenus : ${fields.map((value) => FIELD_LABELS[value].toLowerCase()).join(', ')}.`,
      choices: fields.map((value) => ({ value, title: FIELD_LABELS[value] })),
    };
  },
  show: (action) => (action.field ? FIELD_LABELS[action.field] : undefined),
  apply: (_action, value) => ({ field: value }),
});

const description = actionQuestion<string>('description', {
  parse: parseFreeText('« Douze ateliers de deux heures pour préparer une demande de logement social »'),
  ask: () => ({
    text: 'Décrivez l’action en quelques phrases : ce qui sera fait, où et quand.',
    help: 'Quelques phrases suffisent, par exemple « Douze ateliers de deux heures, au centre social, pour préparer une demande de logement social ».',
  }),
  show: (action) => action.description,
  apply: (_action, value) => ({ description: value }),
});

const PUBLIC_CHOICES: Array<{ value: string; title: string; publics: Public[] }> = [
  { value: 'primo_arrivants', title: PUBLIC_LABELS.primo_arrivants, publics: ['primo_arrivants'] },
  { value: 'bpi', title: PUBLIC_LABELS.bpi, publics: ['bpi'] },
  { value: 'both', title: 'Les deux', publics: ['primo_arrivants', 'bpi'] },
];

function parsePublics(text: string): ParseResult<Public[]> {
  const normalized = normalizeText(text);
  const both = /\b(les deux|tous|toutes|2|deux)\b/.test(normalized);
  const bpi = /\b(bpi|refugies?|protection internationale|beneficiaires?)\b/.test(normalized);
  const newcomers = /\b(primo|arrivants?|etrangers?|nouveaux arrivants)\b/.test(normalized);
  if (both || (bpi && newcomers)) return { ok: true, value: ['primo_arrivants', 'bpi'] };
  if (bpi) return { ok: true, value: ['bpi'] };
  if (newcomers) return { ok: true, value: ['primo_arrivants'] };
  return { ok: false, reason: 'Répondez « primo-arrivants », « BPI » (bénéficiaires de la protection internationale) ou « les deux ».' };
}

const publics = actionQuestion<Public[]>('publics', {
  parse: fromText(parsePublics),
  ask: () => ({
    text: 'À quel public s’adresse-t-elle ?',
    help: 'Les actions s’adressent aux étrangers primo-arrivants, dont les bénéficiaires de la protection internationale (BPI). Répondez « primo-arrivants », « BPI » ou « les deux ».',
    choices: PUBLIC_CHOICES.map(({ value, title: label }) => ({ value, title: label })),
  }),
  show: (action) => (action.publics && action.publics.length > 0 ? action.publics.map((value) => PUBLIC_LABELS[value]).join(' et ') : undefined),
  apply: (_action, value) => ({ publics: value }),
});

const beneficiaries = actionQuestion<number>('beneficiaries', {
  parse: fromText(parsePositiveInteger),
  ask: () => ({
    text: 'Combien de personnes en bénéficieront, environ ?',
    help: 'Une estimation du nombre de bénéficiaires, par exemple « 40 » ou « environ 120 personnes ».',
  }),
  show: (action) => (action.beneficiaries === undefined ? undefined : formatInteger(action.beneficiaries)),
  apply: (_action, value) => ({ beneficiaries: value }),
});

const cost = actionQuestion<number>('cost', {
  parse: fromText(parseEuros),
  ask: () => ({
    text: 'Quel est son coût total, en euros ?',
    help: 'Le coût total de l’action, toutes sources de financement confondues, par exemple « 25 000 € ».',
  }),
  show: (action) => (action.costEuros === undefined ? undefined : formatEuros(action.costEuros)),
  apply: (_action, value) => ({ costEuros: value }),
});

/** The seed's word on the State's share, for the dossier's own scheme (see schemeObligation(…, 'minimum_funding')). */
const STATE_FUNDING_RULE: Record<Scheme, string> = {
  CTAI: 'le texte ne fixe pas de montant pour un CTAI',
  PTAI: 'un PTAI peut mobiliser un financement de l’État d’ampleur variable, sans minimum',
};

const stateFunding = actionQuestion<number>('stateFunding', {
  parse: (answer, spec) => {
    const parsed = parseEuros(answerText(answer));
    const max = spec.maxEuros;
    if (parsed.ok && max !== undefined && parsed.value > max) {
      return { ok: false, reason: `Le financement demandé à l’État (${formatEuros(parsed.value)}) ne peut pas dépasser le coût de l’action (${formatEuros(max)}).` };
    }
    return parsed;
  },
  ask: ({ action, dossier }) => ({
    text: 'Quel financement demandez-vous à l’État pour cette action, en euros ?',
    help: `Le montant demandé à l’État, au plus le coût de l’action${dossier.scheme ? ` ; ${STATE_FUNDING_RULE[dossier.scheme]}` : ''}. Par exemple « 10 000 € », ou « 0 € ».`,
    maxEuros: action.costEuros,
  }),
  show: (action) => (action.stateFundingEuros === undefined ? undefined : formatEuros(action.stateFundingEuros)),
  apply: (_action, value) => ({ stateFundingEuros: value }),
});

const carrier = actionQuestion<string>('carrier', {
  parse: parseFreeText('« la collectivité » ou « l’association Accueil Réfugiés 69 »', TEXT_LIMITS.name),
  ask: () => ({
    text: 'Qui porte cette action ?',
    help: 'La structure qui met en œuvre l’action, par exemple « la collectivité », « le CCAS » ou « l’association Accueil Réfugiés 69 ».',
  }),
  show: (action) => action.carrier,
  apply: (_action, value) => ({ carrier: value }),
});

const QUESTIONS: AnyQuestion[] = [title, field, description, publics, beneficiaries, cost, stateFunding, carrier];

/** The items of an action the official may edit one by one, as the edit menu names them, in the order asked. */
export const ACTION_ITEMS: ReadonlyArray<{ id: string; label: string }> = [
  { id: title.id, label: 'Intitulé' },
  { id: field.id, label: 'Champ' },
  { id: description.id, label: 'Description' },
  { id: publics.id, label: 'Public' },
  { id: beneficiaries.id, label: 'Bénéficiaires' },
  { id: cost.id, label: 'Coût' },
  { id: stateFunding.id, label: 'Financement demandé à l’État' },
  { id: carrier.id, label: 'Porteur' },
];

/** How one item of an action reads (« 8 000 € »), or undefined when it has no answer yet. */
export function actionItemValue(dossier: Dossier, actionId: string, questionId: string): string | undefined {
  return QUESTIONS.find((question) => question.id === questionId)?.current({ dossier, options: { reference: dossier.reference, actionId } });
}

/** True when every question of the action has an answer. */
export function isActionComplete(action: Action): boolean {
  return [action.title, action.field, action.description, action.publics?.length ? action.publics : undefined, action.beneficiaries, action.costEuros, action.stateFundingEuros, action.carrier].every(
    (value) => value !== undefined,
  );
}

export class ActionDialog extends QuestionSectionDialog {
  constructor(store: DraftStore) {
    super(ACTION_DIALOG, store, QUESTIONS);
  }
}
