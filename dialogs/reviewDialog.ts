// Section 8: the review. The official reads the whole dossier, sees what is still missing, then
// submits it, edits a section by name ("modifier les engagements"), or keeps it as a draft.
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { MessageFactory } from 'botbuilder';
import { checkCompleteness, firstIncompleteSection, SECTION_LABELS, SectionIdSchema, type SectionId } from '../knowledge/completeness';
import { normalizeText, parseYesNo, type ParseResult } from '../knowledge/parsers';
import { formatCount, formatEuros } from '../knowledge/formatting';
import { departementLabel } from '../knowledge/departements';
import { escapeMarkdown } from './questionCards';
import { ATTACHMENT_KIND_LABELS, type AttachmentKind } from '../dossiers/attachments/attachmentSchema';
import type { Dossier } from '../dossiers/dossierSchema';
import { AnswerPrompt, answerText, type AnswerOutcome } from './answerPrompt';
import type { DraftStore } from './draftStore';
import { summaryCard } from './dossierSummary';
import { readSectionOptions } from './questionFlow';

export const REVIEW_DIALOG = 'reviewDialog';
const DECISION_PROMPT = 'reviewDialog.decision';
const SECTION_PROMPT = 'reviewDialog.section';
const CONFIRM_PROMPT = 'reviewDialog.confirm';
const AWAITING = 'awaiting';
const STEPS = 'reviewDialog.steps';

/** What the review ends with, for the application dialog to act on. */
export type ReviewOutcome = { kind: 'submit' } | { kind: 'keep' } | { kind: 'edit'; section: SectionId; revisit: boolean };

type Decision = { kind: 'submit' } | { kind: 'keep' } | { kind: 'complete' } | { kind: 'edit'; section?: SectionId };

const SECTION_KEYWORDS: ReadonlyArray<{ section: SectionId; pattern: RegExp }> = [
  { section: 'collectivity', pattern: /\b(collectivite|commune|nom|departement|siren|population)\b/ },
  { section: 'contact', pattern: /\b(contact|courriel|mail|e-mail|email|telephone|fonction)\b/ },
  { section: 'scheme', pattern: /\b(dispositif|ctai|ptai|diagnostic|strategie|demarche)\b/ },
  { section: 'fields', pattern: /\b(champs?|domaines?)\b/ },
  { section: 'commitments', pattern: /\b(engagements?|cofinancement|salle|personnel|association)\b/ },
  { section: 'budget', pattern: /\b(budget|financeurs?|plan de financement)\b/ },
  { section: 'actions', pattern: /\b(actions?|couts?|montants?)\b/ },
];

/**
 * "modifier les engagements" → commitments; "modifier les financeurs" → the budget's other funders (its totals follow the actions and commitments).
 * A section's own label (a button of the section card, « Engagements de la collectivité ») or id names that
 * section; then « engagement » before the other words, so that « les engagements de la commune » are the commitments.
 */
function parseSectionName(text: string): SectionId | undefined {
  const normalized = normalizeText(text);
  const labelled = sectionOfLabel(normalized);
  if (labelled) return labelled;
  if (/\bengagements?\b/.test(normalized)) return 'commitments';
  return SECTION_KEYWORDS.find((candidate) => candidate.pattern.test(normalized))?.section;
}

const SUBMIT_WORDS = /\b(re)?(deposer|depose|deposons|deposez|soumettre|soumets|envoyer|envoyez|envoie|envoi|envoyons|transmettre|transmets|transmettez|transmettons|valider)\b|\brenvo(i|y)\w*/;
/** « je dépose le dossier », « on le renvoie » typed outside the journey: the official wants the submit confirmation. */
export function asksToSubmit(text: string): boolean {
  const normalized = normalizeText(text);
  return SUBMIT_WORDS.test(normalized) && !/\b(ne|pas|jamais|comment|quand)\b/.test(normalized);
}

/** « aucune », « rien », « retour », « je veux déposer » on the section question: back to the review. */
const NO_SECTION = /^(aucune?|rien|retour|revenir|non|finalement rien|pas de modification)\b|\brecapitulatif\b/;

const NO_SECTION_LABEL = 'Aucune, revenir au récapitulatif';

/** A click on one of the section question's buttons: a section's label, or « Aucune, revenir au récapitulatif ». */
export function isSectionChoice(text: string): boolean {
  return sectionOfLabel(text) !== undefined || normalizeText(text).replace(/[\s.!?…]+$/, '') === normalizeText(NO_SECTION_LABEL);
}

/** The section whose label (or id) is the whole message: a click on the section card's button. */
function sectionOfLabel(text: string): SectionId | undefined {
  const normalized = normalizeText(text).replace(/[\s.!?…]+$/, '');
  return SectionIdSchema.options.find((section) => normalizeText(SECTION_LABELS[section]) === normalized || section === normalized);
}

function parseDecision(text: string, complete: boolean): ParseResult<Decision> {
  const normalized = normalizeText(text);
  // « on envoie », and « on envoi » as it is often typed, submit too.
  // « je renvoie le dossier corrigé », « on redépose » after the prefecture's corrections submit too.
  if (SUBMIT_WORDS.test(normalized)) {
    return complete ? { ok: true, value: { kind: 'submit' } } : { ok: false, reason: 'Le dossier n’est pas encore complet : complétez d’abord les points listés ci-dessus.' };
  }
  if (/\b(brouillon|plus tard|garder|conserver|pause)\b/.test(normalized)) return { ok: true, value: { kind: 'keep' } };
  if (/\b(completer|continuer|terminer)\b/.test(normalized)) return { ok: true, value: { kind: 'complete' } };
  if (/\b(modifi\w*|chang\w*|corrig\w*|edit\w*)\b/.test(normalized) || parseSectionName(normalized)) {
    return { ok: true, value: { kind: 'edit', section: parseSectionName(normalized.replace(/\bune section\b/, '')) } };
  }
  return { ok: false, reason: `Je n’ai pas compris. Répondez par exemple ${complete ? '« déposer le dossier », ' : '« compléter le dossier », '}« modifier les engagements » ou « garder en brouillon ».` };
}

export class ReviewDialog extends ComponentDialog {
  constructor(private readonly store: DraftStore) {
    super(REVIEW_DIALOG);
    this.addDialog(new AnswerPrompt(DECISION_PROMPT, (answer, spec) => parseDecision(answerText(answer), spec.choices?.[0]?.value === 'submit')));
    this.addDialog(
      new AnswerPrompt<SectionId | 'none'>(SECTION_PROMPT, (answer) => {
        const text = normalizeText(answerText(answer));
        if (answer.value === 'none' || NO_SECTION.test(text) || SUBMIT_WORDS.test(text)) return { ok: true, value: 'none' };
        const section = parseSectionName(text);
        return section ? { ok: true, value: section } : { ok: false, reason: 'Je n’ai pas reconnu la section. Répondez par exemple « collectivité », « contact », « dispositif », « champs », « engagements », « actions » ou « financeurs », ou « aucune » pour revenir au récapitulatif.' };
      }),
    );
    this.addDialog(new AnswerPrompt(CONFIRM_PROMPT, (answer) => parseConfirmation(answerText(answer))));
    this.addDialog(new WaterfallDialog(STEPS, [this.showStep.bind(this), this.decisionStep.bind(this), this.sectionStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async showStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = readSectionOptions(step.options);
    const dossier = await this.store.load(options.reference, step.context);
    const report = checkCompleteness(dossier);
    await step.context.sendActivity(MessageFactory.attachment(summaryCard(dossier), 'Voici le récapitulatif de votre dossier.'));
    const lines: string[] = [];
    if (report.complete) lines.push('Votre dossier est complet : vous pouvez le déposer.');
    else lines.push(`Avant de le déposer, il reste ${report.problems.length === 1 ? 'un point' : `${report.problems.length} points`} à régler :`, ...report.problems.map((problem) => `- ${problem.message}`));
    if (report.warnings.length > 0) lines.push('', 'À savoir :', ...report.warnings.map((warning) => `- ${warning.message}`));
    lines.push('', ...documentLines(dossier));
    await step.context.sendActivity(lines.join('\n'));
    // « je dépose le dossier » typed outside the journey: straight to the confirmation of what will be sent.
    if (options.submit && report.complete) {
      (step.values as Record<string, unknown>)[AWAITING] = 'confirm';
      return this.confirmPrompt(step, dossier);
    }
    const choices = report.complete
      ? [
          { value: 'submit', title: 'Déposer le dossier' },
          { value: 'edit', title: 'Modifier une section' },
          { value: 'keep', title: 'Garder en brouillon' },
        ]
      : [
          { value: 'complete', title: 'Compléter le dossier' },
          { value: 'edit', title: 'Modifier une section' },
          { value: 'keep', title: 'Garder en brouillon' },
        ];
    return step.prompt(DECISION_PROMPT, {
      validations: {
        text: 'Que souhaitez-vous faire ?',
        help: 'Vous pouvez déposer le dossier quand il est complet, modifier une section en la nommant (par exemple « modifier les engagements »), ou le garder en brouillon pour y revenir plus tard.',
        choices,
      },
    });
  }

  private confirmPrompt(step: WaterfallStepContext, dossier: Dossier): Promise<DialogTurnResult> {
    return step.prompt(CONFIRM_PROMPT, {
      validations: {
        text: confirmationText(dossier),
        help: 'Répondez « oui » pour déposer le dossier maintenant, ou « non » pour revenir au récapitulatif sans rien envoyer.',
        choices: [
          { value: 'oui', title: 'Oui, déposer' },
          { value: 'non', title: 'Non, pas encore' },
        ],
      },
    });
  }

  private async decisionStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // The confirmation asked at once (« je dépose le dossier »): its answer is the next step's.
    if ((step.values as Record<string, unknown>)[AWAITING] === 'confirm') return step.next(step.result);
    const options = readSectionOptions(step.options);
    const outcome = step.result as AnswerOutcome<Decision> | undefined;
    if (outcome?.kind !== 'answer') return step.endDialog({ kind: 'keep' } satisfies ReviewOutcome);
    const decision = outcome.value;
    if (decision.kind === 'keep') return step.endDialog({ kind: 'keep' } satisfies ReviewOutcome);
    if (decision.kind === 'submit') {
      // Nothing leaves for the prefecture without a clear yes to what will be sent.
      (step.values as Record<string, unknown>)[AWAITING] = 'confirm';
      return this.confirmPrompt(step, await this.store.load(options.reference, step.context));
    }
    if (decision.kind === 'complete') {
      const section = firstIncompleteSection(checkCompleteness(await this.store.load(options.reference, step.context))) ?? 'actions';
      // A complete action list with a field still uncovered is completed through the actions menu.
      const target = section === 'budget' ? 'actions' : section;
      return step.endDialog({ kind: 'edit', section: target, revisit: target === 'actions' } satisfies ReviewOutcome);
    }
    if (decision.section) return step.endDialog({ kind: 'edit', section: decision.section, revisit: true } satisfies ReviewOutcome);
    return step.prompt(SECTION_PROMPT, {
      validations: {
        text: 'Quelle section souhaitez-vous modifier ?',
        help: 'Nommez la section : collectivité, contact, dispositif, champs, engagements, actions, ou budget pour ses autres financeurs (les coûts et la part de l’État se modifient dans les actions).',
        choices: [
          ...SectionIdSchema.options.map((section) => ({ value: section, title: SECTION_LABELS[section] })),
          { value: 'none', title: NO_SECTION_LABEL },
        ],
      },
    });
  }

  private async sectionStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.values as Record<string, unknown>)[AWAITING] === 'confirm') {
      const confirmed = step.result as AnswerOutcome<boolean> | undefined;
      if (confirmed?.kind === 'answer' && confirmed.value) return step.endDialog({ kind: 'submit' } satisfies ReviewOutcome);
      await step.context.sendActivity('D’accord, rien n’est envoyé : le dossier reste en brouillon.');
      return step.replaceDialog(STEPS, { ...readSectionOptions(step.options), submit: undefined });
    }
    const outcome = step.result as AnswerOutcome<SectionId | 'none'> | undefined;
    if (outcome?.kind !== 'answer') return step.endDialog({ kind: 'keep' } satisfies ReviewOutcome);
    if (outcome.value === 'none') return step.replaceDialog(STEPS, step.options);
    return step.endDialog({ kind: 'edit', section: outcome.value, revisit: true } satisfies ReviewOutcome);
  }
}

function parseConfirmation(text: string): ParseResult<boolean> {
  if (/\b(deposer|depose|deposez|envoyer|envoyez|go|on y va|allez-y|c'est parti)\b/.test(normalizeText(text)) && !/^\s*non\b/.test(normalizeText(text))) return { ok: true, value: true };
  return parseYesNo(text);
}

/** What will be sent, in one message, before the official confirms. */
function confirmationText(dossier: Dossier): string {
  const departement = dossier.collectivity.departement;
  const actions = dossier.actions ?? [];
  const documents = attachedDocumentsSummary(dossier);
  return (
    `Vous allez déposer le dossier ${dossier.reference} auprès de la préfecture${departement ? ` du département ${departementLabel(departement)}` : ''}. ` +
    `Seront transmis : la collectivité (${escapeMarkdown(dossier.collectivity.name ?? '')}), le contact (${escapeMarkdown(dossier.contact.name ?? '')}), le dispositif (${dossier.scheme ?? '—'}), ` +
    `${formatCount(dossier.fields.length, 'champ')}, les engagements de la collectivité${documents ? ', ' : ' et '}${formatCount(actions.length, 'action')} pour un coût total de ${formatEuros(dossier.budget.actionsCostEuros)}, dont ${formatEuros(dossier.budget.stateFundingRequestedEuros)} demandés à l’État${documents ? `, et ${documents}` : ''}. ` +
    'Une fois déposé, le dossier ne se modifie plus que sur demande de la préfecture. Confirmez-vous ?'
  );
}

/** « 2 documents joints (délibération, budget) »: how many documents go with the dossier and of which kinds, or nothing when none is attached. */
function attachedDocumentsSummary(dossier: Dossier): string | undefined {
  if (dossier.attachments.length === 0) return undefined;
  const kinds = [...new Set(dossier.attachments.map((attachment) => ATTACHMENT_KIND_LABELS[attachment.kind]))];
  return `${formatCount(dossier.attachments.length, 'document joint', 'documents joints')} (${kinds.join(', ')})`;
}

/** Documents offered at the review, none of them required (the seed text asks for none). */
const OPTIONAL_DOCUMENTS: ReadonlyArray<{ kind: AttachmentKind; label: string }> = [
  { kind: 'deliberation', label: 'la délibération de votre assemblée' },
  { kind: 'budget', label: 'le budget prévisionnel' },
];

/** The documents attached, and the optional ones the official may still send with the paperclip. */
function documentLines(dossier: Dossier): string[] {
  const lines: string[] = [];
  if (dossier.attachments.length > 0) {
    lines.push(`Documents joints : ${dossier.attachments.map((attachment) => `« ${escapeMarkdown(attachment.name)} » (${ATTACHMENT_KIND_LABELS[attachment.kind]})`).join(', ')}.`);
  }
  const missing = OPTIONAL_DOCUMENTS.filter((document) => !dossier.attachments.some((attachment) => attachment.kind === document.kind));
  if (missing.length > 0) {
    lines.push(`Documents facultatifs que vous pouvez joindre avec le trombone si vous le souhaitez : ${missing.map((document) => document.label).join(' et ')}.`);
  }
  return lines;
}
