// How a question looks in the chat: plain text, buttons for single choices, an Adaptive Card 1.5 for
// multi-selects. What the official typed is only ever shown escaped or as a plain text run.
import { randomBytes } from 'node:crypto';
import { CardFactory, MessageFactory, type Activity, type Attachment } from 'botbuilder';

interface ChoiceOption {
  value: string;
  title: string;
}

/** A question, as kept in the prompt's state (plain JSON: it is saved with the conversation). */
export interface QuestionSpec {
  text: string;
  /** What the step expects, with an example: the answer to « aide ». */
  help: string;
  /** Buttons for a single choice; typed text is understood too. */
  choices?: ChoiceOption[];
  /** A multi-select card; typed lists are understood too. */
  multiSelect?: { choices: ChoiceOption[]; selected?: string[]; required?: string[] };
  optional?: boolean;
  /** The question rests on a choice (a form of commitment): a denial (« aucune, je n'ai pas parlé de soutien ») undoes the choice instead of answering. */
  declinable?: boolean;
  /** When revisiting a section: the current value, which « garder » keeps. */
  current?: string;
  /** A value the dossier already suggests (an action's field from its title), which « oui » accepts. */
  proposed?: string;
  /** An upper bound for an amount, checked by the parser. */
  maxEuros?: number;
  /** The question asks for a document: a message carrying a file answers it (the file is filed before the dialog runs). */
  acceptsFile?: boolean;
}

/** The card input id of a multi-select; a submit arrives as `value[MULTI_SELECT_INPUT]` = "a,b,c". */
export const MULTI_SELECT_INPUT = 'selection';

/** What a multi-select's « Valider » submits beside its ticked values. */
const MULTI_SELECT_CARD = 'multiSelect';

/**
 * Whether a message is a multi-select's « Valider »: read for its value, whatever its text (Web Chat
 * sends the ticked labels as the text, to show them; Teams sends none).
 */
export function isMultiSelectSubmit(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (value as Record<string, unknown>).card === MULTI_SELECT_CARD;
}

/**
 * The key, in every value a card submits, naming the question the card was asked for: a click on an
 * old card (the question has moved on) is recognised and never taken as the answer to the current one.
 */
const CARD_QUESTION_KEY = 'question';

/** A click on a button of a question's card: the prompt reads it (and refuses it when the card is an old question's). */
export function isQuestionCardClick(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as Record<string, unknown>)[CARD_QUESTION_KEY] === 'string';
}

/** A new id for one asking of a question (kept in the prompt's state; a retry keeps it). */
export function newQuestionId(): string {
  return randomBytes(6).toString('base64url');
}

/**
 * Why a submitted value is not an answer to the question being asked, if it comes from the card of
 * another question; undefined when it is typed text, a current card, or a card from before ids.
 */
export function staleCardReason(value: unknown, questionId: string | undefined): string | undefined {
  if (questionId === undefined || value === null || typeof value !== 'object') return undefined;
  const cardQuestion = (value as Record<string, unknown>)[CARD_QUESTION_KEY];
  if (typeof cardQuestion !== 'string' || cardQuestion === questionId) return undefined;
  return 'Ce bouton appartient à une question précédente : je ne l’ai pas pris comme réponse. Voici la question en cours.';
}

/**
 * What a card button submits, built in this one place for every channel:
 * - Teams (`msteams`) sends an imBack: the title as the user's own message;
 * - Web Chat reads `cardAction` when `__isBotFrameworkCardAction` is set (AdaptiveCardRenderer in
 *   botframework-webchat 4.18): a messageBack shows the title as the user's message and sends, with
 *   the same text, a value naming the question, so an old card is recognised.
 */
function choiceButtonData(title: string, questionId: string | undefined): Record<string, unknown> {
  return {
    msteams: { type: 'imBack', value: title },
    __isBotFrameworkCardAction: true,
    cardAction: {
      type: 'messageBack',
      title,
      text: title,
      displayText: title,
      value: { card: 'choice', ...(questionId === undefined ? {} : { [CARD_QUESTION_KEY]: questionId }) },
    },
  };
}

const MARKDOWN_SPECIALS = /[\\`*_{}[\]()#+\-.!|<>~]/g;

/** Makes user text inert in a Markdown message (Web Chat and Teams render bot text as Markdown). */
export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN_SPECIALS, (character) => `\\${character}`);
}

/** Channels that render Adaptive Cards: there the buttons speak for themselves. */
const CARD_CHANNELS = new Set(['msteams', 'webchat', 'directline', 'emulator']);

/** The question as a message; `questionId` (from `newQuestionId`) goes into what its card submits. */
export function buildQuestionActivity(spec: QuestionSpec, channelId?: string, questionId?: string): Partial<Activity> {
  const showsCards = channelId !== undefined && CARD_CHANNELS.has(channelId);
  const lines = [spec.text];
  if (spec.current !== undefined) lines.push(`Actuellement : « ${escapeMarkdown(spec.current)} ». Répondez « garder » pour le conserver.`);
  if (spec.optional) lines.push('_(Facultatif : répondez « passer » pour ignorer cette question.)_');
  const text = lines.join('\n\n');
  if (spec.multiSelect) {
    const choices = spec.multiSelect.choices.map((choice) => choice.title).join(', ');
    const activity = MessageFactory.attachment(multiSelectCard(spec.text, spec.multiSelect.choices, spec.multiSelect.selected ?? [], questionId));
    activity.text = showsCards ? `${text}\n\nCochez les cases puis validez, ou écrivez votre réponse.` : `${text}\n\nÉcrivez votre réponse parmi : ${choices}.`;
    return activity;
  }
  if (spec.choices && spec.choices.length > 0) {
    const activity = MessageFactory.attachment(choiceCard(spec.text, spec.choices, questionId));
    // The question stays in the text; channels that show no card also get the choices spelled out.
    activity.text = showsCards ? text : `${text}\n\n_(${joinChoices(spec.choices)})_`;
    return activity;
  }
  return MessageFactory.text(text);
}

function joinChoices(choices: ChoiceOption[]): string {
  const titles = choices.map((choice) => choice.title);
  return titles.length <= 1 ? titles.join('') : `${titles.slice(0, -1).join(', ')} ou ${titles[titles.length - 1]}`;
}

/**
 * The buttons of a single choice: each sends the choice as the user's own message, so it shows in
 * the conversation and the bot reads it like typed text (see `choiceButtonData`).
 */
function choiceCard(question: string, choices: ChoiceOption[], questionId: string | undefined): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: `${question} (${joinChoices(choices)})`,
    body: [
      {
        type: 'ActionSet',
        actions: choices.map((choice) => ({
          type: 'Action.Submit',
          title: choice.title,
          data: choiceButtonData(choice.title, questionId),
        })),
      },
    ],
  });
}

/** « Valider » submits the ticked values (`selection`) with the question's id; Web Chat sends it as a postBack. */
function multiSelectCard(question: string, choices: ChoiceOption[], selected: string[], questionId: string | undefined): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: question,
    body: [
      { type: 'TextBlock', text: question, wrap: true, weight: 'Bolder' },
      {
        type: 'Input.ChoiceSet',
        id: MULTI_SELECT_INPUT,
        isMultiSelect: true,
        style: 'expanded',
        value: selected.join(','),
        choices: choices.map((choice) => ({ title: choice.title, value: choice.value })),
      },
    ],
    actions: [{ type: 'Action.Submit', title: 'Valider', data: { card: MULTI_SELECT_CARD, ...(questionId === undefined ? {} : { [CARD_QUESTION_KEY]: questionId }) } }],
  });
}
