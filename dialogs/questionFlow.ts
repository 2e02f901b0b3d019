// The mechanism behind every section: a list of questions, each asked only when its answer is missing
// (or when the official revisits the section), each answer saved to the draft at once.
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStep, type WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { TEXT_LIMITS, type Dossier } from '../dossiers/dossierSchema';
import { normalizeText, type ParseResult } from '../knowledge/parsers';
import { AnswerPrompt, answerText, type Answer, type AnswerOutcome, type AnswerParser } from './answerPrompt';
import type { DraftStore } from './draftStore';
import { escapeMarkdown, type QuestionSpec } from './questionCards';
import { keepEarlyAnswers } from './understanding';

const SectionOptionsSchema = z.object({
  reference: z.string(),
  /** Ask every question again, showing the current answer, which « garder » keeps. */
  revisit: z.boolean().optional(),
  /** The action being filled, for the action dialog. */
  actionId: z.string().optional(),
  /** Set when the actions dialog loops back after an action was just described. */
  afterAction: z.boolean().optional(),
  /** The journey runs again after an edit: filled sections ask nothing, and the review comes back. */
  afterEdit: z.boolean().optional(),
  /** Questions to ask again although answered (an edit of one field); the others are asked only when missing. */
  only: z.array(z.string()).optional(),
  /** The labels' id of one question to edit, for the application dialog to open it (e.g. `contact.name`). */
  focus: z.string().optional(),
  /** The action an edit or a correction names (1-based). */
  actionIndex: z.number().int().positive().optional(),
  /** « je dépose le dossier » typed outside the journey: the review goes straight to the submit confirmation. */
  submit: z.boolean().optional(),
  /** Sections the prefecture asked to correct, still to be revisited before the review. */
  corrections: z.array(z.enum(['collectivity', 'contact', 'scheme', 'fields', 'commitments', 'actions', 'budget'])).optional(),
});
export type SectionOptions = z.infer<typeof SectionOptionsSchema>;

export interface QuestionContext {
  dossier: Dossier;
  options: SectionOptions;
}

export interface Question<T> {
  /** Stable id: names the prompt and marks the question as skipped in the draft. */
  id: string;
  parse: AnswerParser<T>;
  /** The question, or undefined when it does not apply to this dossier. */
  ask(context: QuestionContext): QuestionSpec | undefined;
  /** The current answer as the official reads it, or undefined when there is none yet. */
  current(context: QuestionContext): string | undefined;
  save(dossier: Dossier, value: T, options: SectionOptions): void;
  /**
   * Erases the answer, for an optional question skipped (« passer », « pas de numéro », « effacez-le »)
   * while it holds one: a skip never leaves the old value behind. Every optional question has one,
   * unless its answer is not a value of the draft (a file sent stays filed).
   */
  clear?(dossier: Dossier, options: SectionOptions): void;
  /** Undoes the choice a declinable question rests on (its spec says `declinable`); returns what to tell the official. */
  deny?(dossier: Dossier, options: SectionOptions): string;
}

/** Lets a list hold questions of different answer types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyQuestion = Question<any>;

/** A free-text answer: required, plain, capped at what the dossier stores for it (TEXT_LIMITS, one source for both). */
export function parseFreeText(example: string, max: number = TEXT_LIMITS.description): (answer: Answer) => ParseResult<string> {
  return (answer) => {
    const text = answerText(answer);
    if (text.length === 0) return { ok: false, reason: `Votre réponse est vide. Par exemple : ${example}.` };
    if (text.length > max) return { ok: false, reason: `Votre réponse est trop longue (${text.length} caractères, ${max} au plus). Résumez-la, s’il vous plaît.` };
    return { ok: true, value: text };
  };
}

/** Adapts a parser of knowledge/ (which reads text) to an answer that may come from a button. */
export function fromText<T>(parse: (text: string) => ParseResult<T>): AnswerParser<T> {
  return (answer) => parse(answerText(answer));
}

export function readSectionOptions(options: unknown): SectionOptions {
  return SectionOptionsSchema.parse(options);
}

/**
 * A section of the journey as one ComponentDialog: optional intro, the questions, optional closing
 * steps. Subclasses only declare their questions.
 */
export class QuestionSectionDialog extends ComponentDialog {
  constructor(
    dialogId: string,
    protected readonly store: DraftStore,
    questions: AnyQuestion[],
    options: { intro?: string; closingSteps?: WaterfallStep[] } = {},
  ) {
    super(dialogId);
    for (const question of questions) this.addDialog(new AnswerPrompt(promptId(dialogId, question), question.parse));
    const steps: WaterfallStep[] = [];
    if (options.intro) steps.push(this.introStep(questions, options.intro));
    for (const question of questions) steps.push(this.askStep(dialogId, question), this.saveStep(question));
    steps.push(...(options.closingSteps ?? []), async (step) => step.endDialog());
    this.addDialog(new WaterfallDialog(`${dialogId}.steps`, steps));
    this.initialDialogId = `${dialogId}.steps`;
  }

  private introStep(questions: AnyQuestion[], intro: string): WaterfallStep {
    return async (step) => {
      const options = readSectionOptions(step.options);
      const dossier = await this.store.load(options.reference, step.context);
      if (questions.some((question) => isPending(question, { dossier, options }))) await step.context.sendActivity(intro);
      return step.next();
    };
  }

  private askStep(dialogId: string, question: AnyQuestion): WaterfallStep {
    return async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
      const options = readSectionOptions(step.options);
      const dossier = await this.store.load(options.reference, step.context);
      const context = { dossier, options };
      if (!isPending(question, context)) return step.next();
      const spec = question.ask(context);
      const current = options.revisit || options.only?.includes(question.id) ? question.current(context) : undefined;
      return step.prompt(promptId(dialogId, question), { validations: { ...spec, current } });
    };
  }

  private saveStep(question: AnyQuestion): WaterfallStep {
    return async (step) => {
      const options = readSectionOptions(step.options);
      const outcome = step.result as AnswerOutcome<unknown> | undefined;
      if (outcome?.kind === 'answer') {
        (step.values as Record<string, unknown>)[ANSWERED] = true;
        let noted: string[] = [];
        let echo: string | undefined;
        await this.store.change(
          options.reference,
          (dossier) => {
            question.save(dossier, outcome.value, options);
            // What the sentence said for later questions is kept: they will not be asked.
            noted = outcome.entities ? keepEarlyAnswers(dossier, outcome.entities, question.id, options.actionId) : [];
            // A selection typed in a sentence is said back, since no box was seen ticked; a card's click or « Valider » is not.
            if (Array.isArray(outcome.value) && step.context.activity.value === undefined) echo = question.current({ dossier, options });
            // A text cut out of a sentence that gave other values too is said back with them, to be checked.
            if (typeof outcome.value === 'string' && noted.length > 0) echo = question.current({ dossier, options });
            // A choice typed in words of its own (« il est en cours, le cabinet rend ses conclusions en mars »): what was read is said back.
            if (step.context.activity.value === undefined && choiceReadFromOtherWords(question.ask({ dossier, options }), outcome.value, step.context.activity.text ?? '')) echo = question.current({ dossier, options });
          },
          step.context,
        );
        const said = [echo ? `C’est noté : ${echo}.` : '', noted.length > 0 ? `J’ai aussi noté : ${escapeMarkdown(noted.join(' ; '))}.` : ''].filter(Boolean).join(' ');
        if (said) await step.context.sendActivity(said);
      } else if (outcome?.kind === 'elsewhere') {
        // Another question's value: noted there (unless already answered), this question asked again.
        let noted: string[] = [];
        await this.store.change(options.reference, (dossier) => void (noted = keepEarlyAnswers(dossier, outcome.entities, question.id, options.actionId)), step.context);
        await step.context.sendActivity(`${noted.length > 0 ? `J’ai aussi noté : ${escapeMarkdown(noted.join(' ; '))}. ` : ''}${outcome.reason}`);
        return askAgain(step);
      } else if (outcome?.kind === 'deny' && question.deny) {
        let said = '';
        await this.store.change(options.reference, (dossier) => void (said = question.deny!(dossier, options)), step.context);
        await step.context.sendActivity(said);
      } else if (outcome?.kind === 'skip') {
        let noted: string[] = [];
        await this.store.change(
          options.reference,
          (dossier) => {
            question.clear?.(dossier, options);
            dossier.skippedQuestions = [...new Set([...(dossier.skippedQuestions ?? []), question.id])];
            noted = outcome.entities ? keepEarlyAnswers(dossier, outcome.entities, question.id, options.actionId) : [];
          },
          step.context,
        );
        if (noted.length > 0) await step.context.sendActivity(`J’ai noté : ${escapeMarkdown(noted.join(' ; '))}.`);
      }
      return step.next();
    };
  }
}

/**
 * Whether a single choice was typed without any word that tells the chosen option from the others: « il est en cours »
 * read as « Diagnostic territorial prévu » (not « il est réalisé », nor « oui »).
 */
function choiceReadFromOtherWords(spec: QuestionSpec | undefined, value: unknown, typed: string): boolean {
  const choices = spec?.choices;
  const chosen = choices?.find((choice) => choice.value === value);
  if (!choices || !chosen || typed.trim() === '') return false;
  const wordsOf = (title: string) => new Set(normalizeText(title).split(/[^a-z0-9]+/).filter(Boolean));
  const others = new Set(choices.filter((choice) => choice !== chosen).flatMap((choice) => [...wordsOf(choice.title)]));
  const distinctive = [...wordsOf(chosen.title)].filter((word) => !others.has(word));
  const said = wordsOf(typed);
  return distinctive.length > 0 && !distinctive.some((word) => said.has(word));
}

/** Runs the ask step just before this save step again: the same question is asked anew. */
function askAgain(step: WaterfallStepContext): Promise<DialogTurnResult> {
  (step.activeDialog!.state as { stepIndex: number }).stepIndex = step.index - 2;
  return step.next();
}

/** Whether the official answered a question in this run of the section (closing steps confirm only then). */
export function answeredInThisRun(step: WaterfallStepContext): boolean {
  return (step.values as Record<string, unknown>)[ANSWERED] === true;
}

const ANSWERED = 'answeredInThisRun';

function promptId(dialogId: string, question: AnyQuestion): string {
  return `${dialogId}.${question.id}`;
}

/** A question is asked when it applies and, unless revisiting, has no answer and was not skipped. */
function isPending(question: AnyQuestion, context: QuestionContext): boolean {
  if (!question.ask(context)) return false;
  if (context.options.revisit) return true;
  if (context.options.only?.includes(question.id)) return true;
  return question.current(context) === undefined && !(context.dossier.skippedQuestions ?? []).includes(question.id);
}
