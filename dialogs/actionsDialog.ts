// Section 6: the actions, one after the other, until the official has described them all.
import { formatCount } from '../knowledge/formatting';
import { randomUUID } from 'node:crypto';
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { normalizeText, parseFields, parseYesNo, type ParseResult } from '../knowledge/parsers';
import { FIELD_LABELS } from '../knowledge/schemes';
import { TEXT_LIMITS, type Dossier } from '../dossiers/dossierSchema';
import { ACTION_DIALOG, ActionDialog, isActionComplete } from './actionDialog';
import { ACTION_EDIT_DIALOG, ActionEditDialog } from './actionEditDialog';
import { AnswerPrompt, answerText, type AnswerOutcome } from './answerPrompt';
import type { DraftStore } from './draftStore';
import { escapeMarkdown } from './questionCards';
import { keepEarlyAnswers } from './understanding';
import { understand } from '../knowledge/understanding/understand';
import type { Entities } from '../knowledge/understanding/types';
import { fromText, readSectionOptions, type SectionOptions } from './questionFlow';

export const ACTIONS_DIALOG = 'actionsDialog';
const ANOTHER_PROMPT = 'actionsDialog.another';
const MANAGE_PROMPT = 'actionsDialog.manage';
const STEPS = 'actionsDialog.steps';
/** Set when the menu's choice was editing one action: the section ends after it (back to the review). */
const EDITED = 'edited';

type ManageChoice = { kind: 'add' } | { kind: 'edit'; actionId: string } | { kind: 'delete'; actionId: string } | { kind: 'done' };

export class ActionsDialog extends ComponentDialog {
  constructor(private readonly store: DraftStore) {
    super(ACTIONS_DIALOG);
    this.addDialog(new ActionDialog(store));
    this.addDialog(new ActionEditDialog(store));
    this.addDialog(new AnswerPrompt(ANOTHER_PROMPT, fromText(parseYesNo)));
    this.addDialog(new AnswerPrompt(MANAGE_PROMPT, (answer, spec) => parseManageChoice(answerText(answer), (spec.choices ?? []).map((choice) => choice.value))));
    this.addDialog(new WaterfallDialog(STEPS, [this.nextActionStep.bind(this), this.choiceStep.bind(this), this.loopStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async nextActionStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = readSectionOptions(step.options);
    const dossier = await this.store.load(options.reference, step.context);
    const actions = dossier.actions ?? [];
    const unfinished = actions.find((action) => !isActionComplete(action));
    if (unfinished) return step.beginDialog(ACTION_DIALOG, { reference: options.reference, actionId: unfinished.id });
    if (actions.length === 0) {
      await step.context.sendActivity(actionsIntro(dossier));
      return this.beginNewAction(step, options);
    }
    if (options.revisit) {
      const choices = [
        { value: 'add', title: 'Ajouter une action' },
        ...actions.map((action, index) => ({ value: `edit:${action.id}`, title: `Modifier l’action ${index + 1}` })),
        ...actions.map((action, index) => ({ value: `delete:${action.id}`, title: `Supprimer l’action ${index + 1}` })),
        { value: 'done', title: 'Terminer' },
      ];
      const list = actions.map((action, index) => `${index + 1}. ${escapeMarkdown(action.title ?? 'Action sans titre')}`).join('\n');
      return step.prompt(MANAGE_PROMPT, {
        validations: {
          text: `Vos actions :\n\n${list}\n\nQue souhaitez-vous faire ?`,
          help: 'Répondez par exemple « ajouter une action », « modifier l’action 2 », « supprimer l’action 1 » ou « terminer ».',
          choices,
        },
      });
    }
    // Coming back to a filled section: nothing to ask after an edit (the review comes back, with its
    // advice), nor on a resumed draft unless a chosen field still lacks its action.
    // « non » said to « une autre action ? » before (then kept at the review) is not asked again on resume.
    if (!options.afterAction && (options.afterEdit || uncoveredFields(dossier).length === 0 || answeredNoMore(dossier))) return step.endDialog();
    if (answeredNoMore(dossier)) await this.store.change(options.reference, (draft) => void (draft.skippedQuestions = draft.skippedQuestions?.filter((id) => id !== ACTIONS_MORE)), step.context);
    // Said once, apart from the question: asked again (after a correction, a digression), the question
    // never repeats advice the draft may no longer deserve.
    await step.context.sendActivity(coverageHint(dossier).trim());
    return step.prompt(ANOTHER_PROMPT, {
      validations: {
        text: 'Voulez-vous ajouter une autre action ?',
        help: 'Répondez « oui » pour décrire une action de plus, « non » pour passer au budget.',
        choices: [
          { value: 'oui', title: 'Oui' },
          { value: 'non', title: 'Non' },
        ],
      },
    });
  }

  private async choiceStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = readSectionOptions(step.options);
    const outcome = step.result as AnswerOutcome<boolean | ManageChoice> | undefined;
    if (outcome?.kind !== 'answer') return step.next();
    const choice = outcome.value;
    const said = step.context.activity.text;
    // « non non, les 120 c'est bon. Je veux ajouter une 2e action »: the request said outright wins over a « non » that answers something else.
    if (choice === true || (choice === false && asksForAnotherAction(said))) return this.beginNewAction(step, options, choice === true ? titleAfterYes(said) : undefined, outcome.entities);
    if (typeof choice === 'object' && choice.kind === 'add') return this.beginNewAction(step, options);
    if (choice === false) {
      await this.store.change(options.reference, (draft) => void (draft.skippedQuestions = [...new Set([...(draft.skippedQuestions ?? []), ACTIONS_MORE])]), step.context);
      return step.endDialog();
    }
    if (typeof choice === 'object' && choice.kind === 'done') return step.endDialog();
    // One action edited: the menu of its items, that question only, then back to the review.
    if (choice.kind === 'edit') {
      (step.values as Record<string, unknown>)[EDITED] = true;
      return step.beginDialog(ACTION_EDIT_DIALOG, { reference: options.reference, actionId: choice.actionId });
    }
    if (choice.kind === 'delete') {
      await this.store.change(
        options.reference,
        (dossier) => {
          dossier.actions = (dossier.actions ?? []).filter((action) => action.id !== choice.actionId);
        },
        step.context,
      );
      await step.context.sendActivity('L’action a été supprimée.');
    }
    return step.next();
  }

  private async loopStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = readSectionOptions(step.options);
    if ((step.values as Record<string, unknown>)[EDITED]) return step.endDialog();
    // Loop by restarting our own waterfall: replacing the component itself from inside would nest a new
    // copy of it in its own stack at every turn of the loop.
    return step.replaceDialog(STEPS, { reference: options.reference, revisit: options.revisit, afterAction: !options.revisit });
  }

  private async beginNewAction(step: WaterfallStepContext, options: SectionOptions, title?: string, entities?: Entities): Promise<DialogTurnResult> {
    const actionId = `act-${randomUUID().slice(0, 8)}`;
    let noted: string[] = [];
    await this.store.change(
      options.reference,
      (dossier) => {
        // « oui, des ateliers sociolinguistiques (formation linguistique) pour 40 adultes primo-arrivants »: what the
        // sentence said is the new action's (one field of the dossier, the public, the head count, the amounts).
        // (« oui, une autre sur la santé » names no action yet: its field is confirmed once its title is given.)
        const field = title && entities?.fields?.length === 1 && dossier.fields.includes(entities.fields[0]!) ? entities.fields[0] : undefined;
        dossier.actions = [...(dossier.actions ?? []), { id: actionId, publics: [], ...(title ? { title } : {}), ...(field ? { field } : {}) }];
        noted = [...(title ? [`intitulé : « ${title} »`] : []), ...(field ? [`champ : ${FIELD_LABELS[field].toLowerCase()}`] : []), ...(entities ? keepEarlyAnswers(dossier, entities, ACTIONS_MORE, actionId) : [])];
      },
      step.context,
    );
    if (noted.length > 0) await step.context.sendActivity(`Nouvelle action, j’ai noté : ${escapeMarkdown(noted.join(' ; '))}.`);
    return step.beginDialog(ACTION_DIALOG, { reference: options.reference, actionId });
  }
}

function answeredNoMore(dossier: Dossier): boolean {
  return (dossier.skippedQuestions ?? []).includes(ACTIONS_MORE);
}

/** The question « une autre action ? », as keepEarlyAnswers names the question a message answered; kept with the skipped questions when the last one got « non ». */
const ACTIONS_MORE = 'actions.more';

/** « je veux ajouter une 2e action » in a sentence of the message, not denied in it (« je ne veux pas ajouter d'autre action »). */
function asksForAnotherAction(text: string | undefined): boolean {
  return (text ?? '')
    .split(/[.!?;]+/)
    .some((sentence) => understand(sentence, 'actions.more').newAction === true && !/\b(ne|n'|pas|plus|aucune?|jamais)\b/.test(normalizeText(sentence)));
}

/** « oui, des ateliers de français à visée pro » at « une autre action ? »: what follows the « oui » is the new action's title (not « oui, une autre »). */
function titleAfterYes(text: string | undefined): string | undefined {
  const said = (text ?? '').trim();
  const rest = said.replace(/^(?:(?:oui|ouais|yes|ok|okay|d['’]accord|bien s[uû]r|volontiers|absolument|tout à fait|avec plaisir|allons-y|merci)\b[\s,.:;!-]*)+/iu, '').trim();
  // Only what follows a « oui » said first (« et une troisième pour le français » is no title).
  if (rest === said) return undefined;
  if (!/\p{L}{2,}.*\s.*\p{L}{2,}/u.test(rest) || rest.length > TEXT_LIMITS.name) return undefined;
  // « des ateliers sociolinguistiques (formation linguistique) pour 40 adultes primo-arrivants »: the field in brackets and the
  // head count are noted apart (their own questions), the title is what is left (« Des ateliers sociolinguistiques »).
  const short = rest
    .replace(/\s*\(([^)]*)\)/g, (bracket: string, inside: string) => (parseFields(inside).ok ? '' : bracket))
    .replace(/\s+pour\s+(?:environ\s+|une?\s+)?\d+\b.*$/iu, '')
    .trim();
  if (short !== rest && /\p{L}{2,}.*\s.*\p{L}{2,}/u.test(short)) return short.charAt(0).toUpperCase() + short.slice(1);
  // « une dernière pour l'emploi », « une autre »: of the actions, not a title.
  if (/^(encore )?une\b|\b(actions?|autres?|encore|de plus|ajout\w*|suivante?)\b/.test(normalizeText(rest))) return undefined;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

function actionsIntro(dossier: Dossier): string {
  const housing = dossier.scheme === 'CTAI' ? ' Un CTAI doit comporter au moins une action en faveur de l’accès au logement.' : '';
  return `Décrivons maintenant les actions de votre ${dossier.scheme ?? 'projet'}, une par une.${housing}`;
}

/** Reminds which chosen fields still have no action (and the housing rule of a CTAI). */
function coverageHint(dossier: Dossier): string {
  const uncovered = uncoveredFields(dossier);
  if (uncovered.length === 0) return `Vous avez décrit ${formatCount(dossier.actions?.length ?? 0, 'action')}. `;
  return `Ces champs retenus n’ont pas encore d’action : ${uncovered.map((field) => FIELD_LABELS[field].toLowerCase()).join(', ')}. `;
}

function uncoveredFields(dossier: Dossier): Dossier['fields'] {
  const covered = new Set(dossier.actions.map((action) => action.field));
  return dossier.fields.filter((field) => !covered.has(field));
}

function parseManageChoice(text: string, values: string[]): ParseResult<ManageChoice> {
  const normalized = normalizeText(text);
  const actionIds = values.filter((value) => value.startsWith('edit:')).map((value) => value.slice('edit:'.length));
  const number = Number(/\d+/.exec(normalized)?.[0]);
  const target = Number.isInteger(number) ? actionIds[number - 1] : undefined;
  if (/\b(ajout|ajouter|nouvelle|autre action)\b/.test(normalized)) return { ok: true, value: { kind: 'add' } };
  if (/\b(supprim\w*|retir\w*|enlev\w*|effac\w*)\b/.test(normalized) && target) return { ok: true, value: { kind: 'delete', actionId: target } };
  if (/\b(modifi\w*|chang\w*|corrig\w*)\b/.test(normalized) && target) return { ok: true, value: { kind: 'edit', actionId: target } };
  if (/\b(termin\w*|fini\w*|rien|c'est tout|continuer|suite|non)\b/.test(normalized)) return { ok: true, value: { kind: 'done' } };
  return { ok: false, reason: 'Je n’ai pas compris. Répondez par exemple « ajouter une action », « modifier l’action 2 », « supprimer l’action 1 » ou « terminer ».' };
}
