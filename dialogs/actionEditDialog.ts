// One item of one action edited from the review: which action (if several), which of its items (or deleting it),
// then only that question, its new value said back beside the old one.
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { normalizeText, type ParseResult } from '../knowledge/parsers';
import { ACTION_DIALOG, ACTION_ITEMS, ActionDialog, actionItemValue } from './actionDialog';
import { AnswerPrompt, answerText, type Answer, type AnswerOutcome } from './answerPrompt';
import type { DraftStore } from './draftStore';
import { escapeMarkdown } from './questionCards';
import { readSectionOptions } from './questionFlow';

export const ACTION_EDIT_DIALOG = 'actionEditDialog';
const WHICH_ACTION_PROMPT = 'actionEditDialog.which';
const ACTION_ITEM_PROMPT = 'actionEditDialog.item';
const STEPS = 'actionEditDialog.steps';
const ACTION_ID = 'actionId';
const ITEM = 'item';
const BEFORE = 'before';

type ItemChoice = { kind: 'item'; id: string } | { kind: 'delete' } | { kind: 'none' };

const DELETE_LABEL = 'Supprimer l’action';
const NONE_LABEL = 'Revenir au récapitulatif';

/** Typed names of each item (« le coût », « la part de l'État », « qui porte »), the State's share before the cost. */
const ITEM_WORDS: ReadonlyArray<{ id: string; pattern: RegExp }> = [
  { id: 'action.stateFunding', pattern: /\b(etat|subvention|financement)\b/ },
  { id: 'action.title', pattern: /\b(intitule|titre|nom)\b/ },
  { id: 'action.field', pattern: /\b(champs?|domaines?)\b/ },
  { id: 'action.description', pattern: /\bdescri\w*/ },
  { id: 'action.publics', pattern: /\bpublics?\b/ },
  { id: 'action.beneficiaries', pattern: /\b(beneficiaires?|personnes|nombre)\b/ },
  { id: 'action.cost', pattern: /\b(couts?|coute|montant|prix|budget)\b/ },
  { id: 'action.carrier', pattern: /\b(porteur|porteuse|porte|structure|portee?)\b/ },
];

/** The item a message names on the item menu: a button's label, or its words; undefined when it names none. */
function parseItemChoice(text: string): ParseResult<ItemChoice> {
  const normalized = normalizeText(text).replace(/[\s.!?…]+$/, '');
  if (/\b(supprim|retir|enlev|effac)\w*/.test(normalized)) return { ok: true, value: { kind: 'delete' } };
  if (/^(aucune?|rien|retour|revenir|non)\b|\brecapitulatif\b/.test(normalized)) return { ok: true, value: { kind: 'none' } };
  const labelled = ACTION_ITEMS.find((item) => normalizeText(item.label) === normalized);
  const named = labelled ?? ITEM_WORDS.find((item) => item.pattern.test(normalized));
  if (named) return { ok: true, value: { kind: 'item', id: named.id } };
  return { ok: false, reason: `Je n’ai pas compris. Répondez par exemple « coût », « porteur » ou « description », « supprimer l’action », ou « retour » pour revenir au récapitulatif.` };
}

/** The action a message names on the « which action » menu, by its number (« 2 », « l'action 2 ») or its title; 0-based. */
function parseWhichAction(answer: Answer, titles: string[]): ParseResult<number> {
  const normalized = normalizeText(answerText(answer));
  const number = Number(/\d+/.exec(normalized)?.[0]);
  if (Number.isInteger(number) && number >= 1 && number <= titles.length) return { ok: true, value: number - 1 };
  const byTitle = titles.findIndex((title) => title && normalized.includes(normalizeText(title)));
  if (byTitle >= 0) return { ok: true, value: byTitle };
  return { ok: false, reason: `Répondez par le numéro de l’action, de 1 à ${titles.length}.` };
}

/** Whether a message is an answer to one of this dialog's menus (the bot hands it to the prompt, unread). */
export function isActionEditChoice(promptId: string | undefined, text: string): boolean {
  if (promptId === ACTION_ITEM_PROMPT) return parseItemChoice(text).ok && !/\d/.test(text);
  if (promptId === WHICH_ACTION_PROMPT) return /^\D{0,12}\d{1,2}\D{0,3}$/.test(text.trim());
  return false;
}

export class ActionEditDialog extends ComponentDialog {
  constructor(private readonly store: DraftStore) {
    super(ACTION_EDIT_DIALOG);
    this.addDialog(new ActionDialog(store));
    this.addDialog(new AnswerPrompt(WHICH_ACTION_PROMPT, (answer, spec) => parseWhichAction(answer, (spec.choices ?? []).map((choice) => choice.value))));
    this.addDialog(new AnswerPrompt(ACTION_ITEM_PROMPT, (answer) => parseItemChoice(typeof answer.value === 'string' ? answer.value : answerText(answer))));
    this.addDialog(new WaterfallDialog(STEPS, [this.whichStep.bind(this), this.itemStep.bind(this), this.askStep.bind(this), this.echoStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private values(step: WaterfallStepContext): Record<string, unknown> {
    return step.values as Record<string, unknown>;
  }

  private async whichStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = readSectionOptions(step.options);
    const dossier = await this.store.load(options.reference, step.context);
    const given = options.actionId ?? (dossier.actions.length === 1 ? dossier.actions[0]!.id : undefined);
    if (given) return step.next({ kind: 'answer', value: dossier.actions.findIndex((action) => action.id === given) } satisfies AnswerOutcome<number>);
    const list = dossier.actions.map((action, index) => `${index + 1}. ${escapeMarkdown(action.title ?? 'Action sans titre')}`).join('\n');
    return step.prompt(WHICH_ACTION_PROMPT, {
      validations: {
        text: `Quelle action souhaitez-vous modifier ?\n\n${list}`,
        help: 'Répondez par le numéro de l’action, par exemple « 2 ».',
        choices: dossier.actions.map((action, index) => ({ value: action.title ?? '', title: `Action ${index + 1}` })),
      },
    });
  }

  private async itemStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = readSectionOptions(step.options);
    const outcome = step.result as AnswerOutcome<number> | undefined;
    if (outcome?.kind !== 'answer') return step.endDialog();
    const dossier = await this.store.load(options.reference, step.context);
    const action = dossier.actions[outcome.value];
    if (!action) return step.endDialog();
    this.values(step)[ACTION_ID] = action.id;
    const [only] = options.only ?? [];
    if (only) return step.next({ kind: 'answer', value: { kind: 'item', id: only } } satisfies AnswerOutcome<ItemChoice>);
    return step.prompt(ACTION_ITEM_PROMPT, {
      validations: {
        text: `Que souhaitez-vous modifier dans l’action ${outcome.value + 1} « ${escapeMarkdown(action.title ?? 'Action sans titre')} » ?`,
        help: 'Choisissez ce que vous voulez changer : seule cette question vous sera posée. Vous pouvez aussi supprimer l’action, ou revenir au récapitulatif.',
        choices: [...ACTION_ITEMS.map((item) => ({ value: item.label, title: item.label })), { value: DELETE_LABEL, title: DELETE_LABEL }, { value: NONE_LABEL, title: NONE_LABEL }],
      },
    });
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = readSectionOptions(step.options);
    const outcome = step.result as AnswerOutcome<ItemChoice> | undefined;
    const actionId = this.values(step)[ACTION_ID] as string | undefined;
    if (outcome?.kind !== 'answer' || !actionId || outcome.value.kind === 'none') return step.endDialog();
    const dossier = await this.store.load(options.reference, step.context);
    const number = dossier.actions.findIndex((action) => action.id === actionId) + 1;
    if (outcome.value.kind === 'delete') {
      await this.store.change(options.reference, (draft) => void (draft.actions = draft.actions.filter((action) => action.id !== actionId)), step.context);
      await step.context.sendActivity(`L’action ${number} a été supprimée.`);
      return step.endDialog();
    }
    this.values(step)[ITEM] = outcome.value.id;
    this.values(step)[BEFORE] = actionItemValue(dossier, actionId, outcome.value.id);
    return step.beginDialog(ACTION_DIALOG, { reference: options.reference, actionId, only: [outcome.value.id] });
  }

  /** « Coût de l'action 2 : 12 000 € (au lieu de 8 000 €). » */
  private async echoStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = readSectionOptions(step.options);
    const actionId = this.values(step)[ACTION_ID] as string;
    const itemId = this.values(step)[ITEM] as string;
    const before = this.values(step)[BEFORE] as string | undefined;
    const dossier = await this.store.load(options.reference, step.context);
    const number = dossier.actions.findIndex((action) => action.id === actionId) + 1;
    const after = actionItemValue(dossier, actionId, itemId);
    const label = ACTION_ITEMS.find((item) => item.id === itemId)?.label ?? 'Réponse';
    if (after !== undefined && number > 0) {
      const what = `${label} de l’action ${number} : ${escapeMarkdown(after)}`;
      await step.context.sendActivity(before === after ? `C’est inchangé : ${what}.` : `${what}${before !== undefined ? ` (au lieu de ${escapeMarkdown(before)})` : ''}.`);
    }
    return step.endDialog();
  }
}
