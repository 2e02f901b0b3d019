// How a question looks in the chat: plain text, buttons for single choices, an Adaptive Card 1.5 for
// multi-selects. What the official typed is only ever shown escaped or as a plain text run.
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
  /** When revisiting a section: the current value, which « garder » keeps. */
  current?: string;
  /** An upper bound for an amount, checked by the parser. */
  maxEuros?: number;
}

/** The card input id of a multi-select; a submit arrives as `value[MULTI_SELECT_INPUT]` = "a,b,c". */
export const MULTI_SELECT_INPUT = 'selection';

const MARKDOWN_SPECIALS = /[\\`*_{}[\]()#+\-.!|<>~]/g;

/** Makes user text inert in a Markdown message (Web Chat and Teams render bot text as Markdown). */
export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN_SPECIALS, (character) => `\\${character}`);
}

/** Channels that render Adaptive Cards: there the buttons speak for themselves. */
const CARD_CHANNELS = new Set(['msteams', 'webchat', 'directline', 'emulator']);

export function buildQuestionActivity(spec: QuestionSpec, channelId?: string): Partial<Activity> {
  const showsCards = channelId !== undefined && CARD_CHANNELS.has(channelId);
  const lines = [spec.text];
  if (spec.current !== undefined) lines.push(`Actuellement : « ${escapeMarkdown(spec.current)} ». Répondez « garder » pour le conserver.`);
  if (spec.optional) lines.push('_(Facultatif : répondez « passer » pour ignorer cette question.)_');
  const text = lines.join('\n\n');
  if (spec.multiSelect) {
    const choices = spec.multiSelect.choices.map((choice) => choice.title).join(', ');
    const activity = MessageFactory.attachment(multiSelectCard(spec.text, spec.multiSelect.choices, spec.multiSelect.selected ?? []));
    activity.text = showsCards ? `${text}\n\nCochez les cases puis validez, ou écrivez votre réponse.` : `${text}\n\nÉcrivez votre réponse parmi : ${choices}.`;
    return activity;
  }
  if (spec.choices && spec.choices.length > 0) {
    const activity = MessageFactory.attachment(choiceCard(spec.text, spec.choices));
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
 * The buttons of a single choice. Each button behaves as an imBack in Teams (`msteams`) and in Web
 * Chat (`__isBotFrameworkCardAction`): the choice is sent as the user's own message, so it shows
 * in the conversation and the bot reads it like typed text.
 */
function choiceCard(question: string, choices: ChoiceOption[]): Attachment {
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
          data: { msteams: { type: 'imBack', value: choice.title }, __isBotFrameworkCardAction: true, type: 'imBack', value: choice.title },
        })),
      },
    ],
  });
}

function multiSelectCard(question: string, choices: ChoiceOption[], selected: string[]): Attachment {
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
    actions: [{ type: 'Action.Submit', title: 'Valider', data: { card: 'multiSelect' } }],
  });
}
