// The guided application, from the collectivity to the submission: each section in order, each one
// skipping what the draft already holds, so a resumed draft starts again at its first missing answer.
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { SectionId } from '../knowledge/completeness';
import { ActionEditDialog, ACTION_EDIT_DIALOG } from './actionEditDialog';
import { ActionsDialog, ACTIONS_DIALOG } from './actionsDialog';
import { departementLabel } from '../knowledge/departements';
import { budgetText } from './dossierSummary';
import { escapeMarkdown } from './questionCards';
import { formatEuros } from '../knowledge/formatting';
import type { Dossier } from '../dossiers/dossierSchema';
import { CollectivityDialog, COLLECTIVITY_DIALOG } from './collectivityDialog';
import { CommitmentsDialog, COMMITMENTS_DIALOG } from './commitmentsDialog';
import { ContactDialog, CONTACT_DIALOG } from './contactDialog';
import type { DraftStore } from './draftStore';
import { FieldsDialog, FIELDS_DIALOG } from './fieldsDialog';
import { FundersDialog, FUNDERS_DIALOG } from './fundersDialog';
import { readSectionOptions } from './questionFlow';
import { questionIdOf } from './understanding';
import type { QuestionId } from '../knowledge/understanding/types';
import { ReviewDialog, REVIEW_DIALOG, type ReviewOutcome } from './reviewDialog';
import { SchemeDialog, SCHEME_DIALOG } from './schemeDialog';

export const APPLICATION_DIALOG = 'applicationDialog';
/** The journey's waterfall; loops restart it (never the component itself, which would nest in its own stack). */
const STEPS = 'applicationDialog.steps';

/** The dialog of each section the official can fill or edit; of the budget, the other funders (its totals follow the actions). */
const SECTION_DIALOGS: Record<SectionId, string> = {
  collectivity: COLLECTIVITY_DIALOG,
  contact: CONTACT_DIALOG,
  scheme: SCHEME_DIALOG,
  fields: FIELDS_DIALOG,
  commitments: COMMITMENTS_DIALOG,
  actions: ACTIONS_DIALOG,
  budget: FUNDERS_DIALOG,
};

const SECTION_ORDER = [COLLECTIVITY_DIALOG, CONTACT_DIALOG, SCHEME_DIALOG, FIELDS_DIALOG, COMMITMENTS_DIALOG, ACTIONS_DIALOG];

export class ApplicationDialog extends ComponentDialog {
  constructor(private readonly store: DraftStore) {
    super(APPLICATION_DIALOG);
    this.addDialog(new CollectivityDialog(store));
    this.addDialog(new ContactDialog(store));
    this.addDialog(new SchemeDialog(store));
    this.addDialog(new FieldsDialog(store));
    this.addDialog(new CommitmentsDialog(store));
    this.addDialog(new ActionsDialog(store));
    // Also here, so that an edit can open one action, or one question of one action, directly.
    this.addDialog(new ActionEditDialog(store));
    this.addDialog(new FundersDialog(store));
    this.addDialog(new ReviewDialog(store));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.correctionStep.bind(this),
        this.nextCorrectionStep.bind(this),
        ...SECTION_ORDER.map((dialogId) => this.sectionStep(dialogId)),
        this.budgetStep.bind(this),
        this.fundersStep.bind(this),
        this.reviewStep.bind(this),
        this.outcomeStep.bind(this),
        this.afterEditStep.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  /**
   * A dossier sent back by the prefecture reopens exactly the sections it named, one after the
   * other, showing the current answers; the journey then goes on to the review as usual.
   */
  private async correctionStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { reference, corrections, focus, actionIndex } = readSectionOptions(step.options);
    if (focus) return this.focusStep(step, reference, focus, actionIndex);
    const [section] = corrections ?? [];
    if (!section) return step.next();
    if (section === 'budget') await step.context.sendActivity(budgetText(await this.store.load(reference, step.context)));
    return step.beginDialog(SECTION_DIALOGS[section], { reference, revisit: true });
  }

  /**
   * An edit named a section (« modifier le contact ») or one question (« le nom du contact est mal
   * enregistré »): only that is asked again, showing the current answer; the journey then goes on.
   */
  private async focusStep(step: WaterfallStepContext, reference: string, focus: string, actionIndex: number | undefined): Promise<DialogTurnResult> {
    const [section] = focus.split('.');
    const whole = !focus.includes('.');
    // « modifier le budget », « modifier les financeurs »: what the budget holds of its own is its other funders.
    if (section === 'budget') return step.beginDialog(FUNDERS_DIALOG, { reference, revisit: true });
    if (section === 'action' || section === 'actions') {
      const dossier = await this.store.load(reference, step.context);
      const index = actionIndex ?? (dossier.actions.length === 1 ? 1 : undefined);
      const action = index ? dossier.actions[index - 1] : undefined;
      // « changer le coût de l'action 2 »: that question only; « modifier l'action 2 »: the menu of its items.
      if (action && !whole) return step.beginDialog(ACTION_EDIT_DIALOG, { reference, actionId: action.id, only: [questionIdOf(focus as QuestionId)] });
      if (action) return step.beginDialog(ACTION_EDIT_DIALOG, { reference, actionId: action.id });
      // « changer le coût d'une action » among several: which action, then that question.
      if (!whole && dossier.actions.length > 1) return step.beginDialog(ACTION_EDIT_DIALOG, { reference, only: [questionIdOf(focus as QuestionId)] });
      return step.beginDialog(ACTIONS_DIALOG, { reference, revisit: true });
    }
    const dialogId = SECTION_DIALOGS[section as Exclude<SectionId, 'budget' | 'actions'>];
    if (!dialogId) return step.next();
    return step.beginDialog(dialogId, whole ? { reference, revisit: true } : { reference, only: [questionIdOf(focus as QuestionId)] });
  }

  private async nextCorrectionStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { reference, corrections } = readSectionOptions(step.options);
    if (!corrections || corrections.length === 0) return step.next();
    // The corrected sections were just revisited: the journey goes on to the review without asking for more actions.
    return step.replaceDialog(STEPS, { reference, corrections: corrections.slice(1), afterEdit: true });
  }

  private sectionStep(dialogId: string) {
    return async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
      const { reference, focus, afterEdit, submit } = readSectionOptions(step.options);
      // « je dépose le dossier » on a kept draft: on to the submit confirmation, without offering more actions.
      return step.beginDialog(dialogId, { reference, ...(focus || afterEdit || submit ? { afterEdit: true } : {}) });
    };
  }

  private async budgetStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { reference } = readSectionOptions(step.options);
    await step.context.sendActivity(budgetText(await this.store.load(reference, step.context)));
    return step.next();
  }

  /** Asked once, after the budget: who else pays for the actions (skipped when the draft already says). */
  private async fundersStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { reference } = readSectionOptions(step.options);
    return step.beginDialog(FUNDERS_DIALOG, { reference });
  }

  private async reviewStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { reference, submit } = readSectionOptions(step.options);
    return step.beginDialog(REVIEW_DIALOG, { reference, ...(submit ? { submit } : {}) });
  }

  private async outcomeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { reference } = readSectionOptions(step.options);
    const outcome = (step.result as ReviewOutcome | undefined) ?? { kind: 'keep' };
    if (outcome.kind === 'edit') {
      return step.beginDialog(SECTION_DIALOGS[outcome.section], { reference, revisit: outcome.revisit });
    }
    if (outcome.kind === 'keep') {
      await step.context.sendActivity(
        `Votre dossier ${reference} reste en brouillon : tout ce que vous avez saisi est enregistré. Revenez quand vous voulez et écrivez « reprendre » pour continuer.`,
      );
      return step.endDialog();
    }
    const submitted = await this.store.submit(reference, step.context.activity.from.id, step.context);
    if (!submitted.ok) {
      await step.context.sendActivity(`Le dossier n’a pas pu être déposé :\n\n${submitted.reasons.map((reason) => `- ${reason}`).join('\n')}`);
      return step.replaceDialog(STEPS, { reference });
    }
    await step.context.sendActivity(receiptText(submitted.dossier));
    return step.endDialog();
  }

  /** After an edit, the journey runs again: filled sections are skipped and the review comes back. */
  private async afterEditStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { reference } = readSectionOptions(step.options);
    return step.replaceDialog(STEPS, { reference, afterEdit: true });
  }
}

const PARIS_TIME = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });

/** The receipt of a submission: reference, date and time, what was sent, and what happens next. */
function receiptText(dossier: Dossier): string {
  const departement = dossier.collectivity.departement;
  // The time of this submission (the latest), not the first one's: a resubmission after corrections has its own receipt.
  const submission = dossier.history.findLast((entry) => entry.to === 'submitted' && entry.from !== 'submitted');
  const when = submission?.at ?? dossier.submittedAt;
  const at = when ? PARIS_TIME.format(when).replace(':', ' h ') : '';
  const again = submission?.from === 'changes_requested';
  const actions = dossier.actions ?? [];
  const lines = [
    `✅ **Accusé de dépôt** — votre dossier ${dossier.reference} a été déposé${again ? ' à nouveau, avec vos corrections,' : ''}${at ? ` le ${at}` : ''} : il est transmis à la préfecture${departement ? ` du département ${departementLabel(departement)}` : ''}.`,
    '',
    `- ${dossier.scheme ?? 'Dispositif'} pour ${escapeMarkdown(dossier.collectivity.name ?? 'votre collectivité')} : ${actions.length} action${actions.length > 1 ? 's' : ''}, coût total ${formatEuros(dossier.budget.actionsCostEuros)}, dont ${formatEuros(dossier.budget.stateFundingRequestedEuros)} demandés à l’État.`,
    `- Contact : ${escapeMarkdown(dossier.contact.name ?? '')}${dossier.contact.email ? ` (${escapeMarkdown(dossier.contact.email)})` : ''}.`,
    '',
    'Et maintenant ? Un instructeur de la préfecture va examiner le dossier ; il pourra vous demander des précisions ou des corrections, que je vous transmettrai ici. ' +
      `Écrivez « où en est mon dossier » à tout moment pour connaître son statut, et « résumé » pour le relire. Conservez la référence ${dossier.reference} pour vos échanges avec la préfecture.`,
  ];
  return lines.join('\n');
}
