// How a question looks in the chat: plain text, buttons for single choices, an Adaptive Card 1.5 for
// multi-selects. What the official typed is only ever shown escaped or as a plain text run.
import { ActionTypes, CardFactory, MessageFactory, type Activity, type Attachment } from 'botbuilder';

export interface ChoiceOption {
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

export function buildQuestionActivity(spec: QuestionSpec): Partial<Activity> {
  const lines = [spec.text];
  if (spec.current !== undefined) lines.push(`Actuellement : « ${escapeMarkdown(spec.current)} ». Répondez « garder » pour le conserver.`);
  if (spec.optional) lines.push('_(Facultatif : répondez « passer » pour ignorer cette question.)_');
  const text = lines.join('\n\n');
  if (spec.multiSelect) {
    const choices = spec.multiSelect.choices.map((choice) => choice.title).join(', ');
    const activity = MessageFactory.attachment(multiSelectCard(spec.text, spec.multiSelect.choices, spec.multiSelect.selected ?? []));
    activity.text = `${text}\n\nCochez les cases puis validez, ou écrivez votre réponse (${choices}).`;
    return activity;
  }
  if (spec.choices && spec.choices.length > 0) {
    const activity = MessageFactory.suggestedActions(
      spec.choices.map((choice) => ({ type: ActionTypes.ImBack, title: choice.title, value: choice.title })),
      text,
    );
    return activity;
  }
  return MessageFactory.text(text);
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
