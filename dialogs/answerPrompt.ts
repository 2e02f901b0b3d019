// One prompt for every question of the journey: it reads typed text or a card's submitted value, parses
// it with a rule of knowledge/, and on failure says what was wrong, with an example, before asking again.
import { ActivityTypes, MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import { Prompt, type PromptOptions, type PromptRecognizerResult } from 'botbuilder-dialogs';
import { normalizeText, type ParseResult } from '../knowledge/parsers';
import { declinesForNow, deniesChoice, leadingYesNo, plainOf } from '../knowledge/understanding/entities';
import { understand } from '../knowledge/understanding/understand';
import { withoutPreamble } from '../knowledge/understanding/text';
import type { Entities, Pending } from '../knowledge/understanding/types';
import { buildQuestionActivity, escapeMarkdown, newQuestionId, staleCardReason, type QuestionSpec } from './questionCards';
import { misplacedValues, pendingOfPrompt, valueFor } from './understanding';

/** What the official gave: the text typed or the value of a card's submit button. */
export interface Answer {
  text: string;
  value: unknown;
}

/** Parses an answer; the question is given for rules that depend on it (e.g. a field that must be selected). */
export type AnswerParser<T> = (answer: Answer, spec: QuestionSpec) => ParseResult<T>;

/** The outcome of a question: an answer, "passer" on an optional question, or "garder" when revisiting. */
/** `entities`: everything else the message said, kept for the questions still to come. */
/** `deny`: the official denies the choice the question rests on (see QuestionSpec.declinable). */
/** `elsewhere`: the message fits another question, not this one (an e-mail on the fonction): noted there, this one asked again. */
export type AnswerOutcome<T> =
  | { kind: 'answer'; value: T; entities?: Entities }
  | { kind: 'skip'; entities?: Entities }
  | { kind: 'keep' }
  | { kind: 'deny' }
  | { kind: 'elsewhere'; entities: Entities; reason: string };

interface PromptState {
  failures?: number;
  reason?: string;
  /** Which asking of the question its cards belong to (a retry keeps it). */
  questionId?: string;
  /** A value read from a hedged or long sentence, waiting for the official's « oui » before it is stored. */
  confirming?: string;
  /** The other values of the message being confirmed, kept for their questions once it is. */
  confirmingEntities?: Entities;
  /** The official answered « non » to that confirmation: the question is asked again. */
  declined?: boolean;
}

/** The questions whose answer is a name: a sentence is never stored as one, whatever else it says. */
const NAME_QUESTIONS: Partial<Record<Pending, string>> = {
  'collectivity.name': 'Je n’ai pas trouvé le nom de la collectivité dans votre message. Indiquez-le simplement, par exemple « Commune de Riom » ou « Métropole de Lyon ».',
  'contact.name': 'Je n’ai pas trouvé de prénom et de nom dans votre message. Indiquez-les simplement, par exemple « Camille Martin ».',
};

/** The questions answered by free text, where a denial could otherwise be stored as the answer. */
const FREE_TEXT_QUESTIONS: ReadonlySet<Pending> = new Set(['collectivity.name', 'contact.name', 'contact.role', 'action.title', 'action.description', 'action.carrier']);

/** After this many failed answers the retry also offers help (and skipping, when the question allows it). */
const FAILURES_BEFORE_HELP = 3;

const SKIP = /^(passer|je passe|on passe|ignorer|sauter|plus tard|je ne sais pas|je sais pas|jsp|ne sais pas|non communique|nc|aucun|aucune|pas de \w+|non)\b/;
const KEEP = /^(garder|je garde|conserver|inchange|inchangee|pareil|idem|ne pas modifier|pas de changement|c'est bon|ok)\b/;

/**
 * Plain text of an answer: control characters removed, spaces collapsed, capped; never markup. In NFC,
 * as the dossier schema stores it, so that every length checked is the stored one.
 */
export function answerText(answer: Answer): string {
  return answer.text.normalize('NFC').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ').trim();
}

export class AnswerPrompt<T> extends Prompt<AnswerOutcome<T>> {
  constructor(
    dialogId: string,
    private readonly parse: AnswerParser<T>,
  ) {
    super(dialogId);
  }

  /** The question being asked, as given by the step that began this prompt. */
  static specOf(options: PromptOptions | undefined): QuestionSpec | undefined {
    return options?.validations as QuestionSpec | undefined;
  }

  protected async onPrompt(context: TurnContext, state: PromptState, options: PromptOptions, isRetry: boolean): Promise<void> {
    const spec = AnswerPrompt.specOf(options);
    if (!spec) return;
    if (state.declined) {
      state.declined = undefined;
      state.confirming = undefined;
    }
    if (isRetry && state.confirming !== undefined) {
      await context.sendActivity(MessageFactory.suggestedActions(['Oui', 'Non'], `${escapeMarkdown(state.confirming)}, c’est bien ça ?`));
      return;
    }
    if (isRetry && state.reason) {
      const failures = state.failures ?? 0;
      const extra =
        failures >= FAILURES_BEFORE_HELP
          ? ` Tapez « aide » pour un exemple${spec.optional ? ', ou « passer » : cette question est facultative' : ''}.`
          : '';
      await context.sendActivity(`${state.reason}${extra}`);
    }
    state.questionId ??= newQuestionId();
    await context.sendActivity(buildQuestionActivity(spec, context.activity.channelId, state.questionId));
  }

  protected async onRecognize(context: TurnContext, state: PromptState, options: PromptOptions): Promise<PromptRecognizerResult<AnswerOutcome<T>>> {
    const activity: Partial<Activity> = context.activity;
    if (activity.type !== ActivityTypes.Message) return { succeeded: false };
    const spec = AnswerPrompt.specOf(options);
    // « je viens de le dire : Sandrine Lemaitre »: the preamble is no part of the value, for every question.
    const typed = answerText({ text: activity.text ?? '', value: undefined });
    const answer: Answer = { text: withoutPreamble(typed, plainOf(typed)), value: activity.value };
    const keyword = normalizeText(answer.text);
    // A click on an old card: not an answer, nor a failure; the current question is asked again.
    const stale = staleCardReason(activity.value, state.questionId);
    if (stale) {
      state.reason = stale;
      return { succeeded: false };
    }
    if (spec?.acceptsFile && (activity.attachments ?? []).length > 0) return { succeeded: true, value: { kind: 'keep' } };
    // Recognition runs twice a turn (before bubbling, then to continue): it must give the same result both times.
    if (state.confirming !== undefined && spec) {
      // « oui » stores the value read; « non » asks the question again; anything else is a new answer.
      const yes = keyword.split(' ').length <= 4 ? leadingYesNo(answer.text) : undefined;
      if (yes === true) {
        const confirmed = this.parse({ text: state.confirming, value: undefined }, spec);
        if (confirmed.ok) return { succeeded: true, value: { kind: 'answer', value: confirmed.value, ...(state.confirmingEntities ? { entities: state.confirmingEntities } : {}) } };
      }
      if (yes === false) {
        state.declined = true;
        state.reason = undefined;
        return { succeeded: false };
      }
      state.confirming = undefined;
      state.confirmingEntities = undefined;
    }
    if (spec?.current !== undefined && KEEP.test(keyword)) return { succeeded: true, value: { kind: 'keep' } };
    if (!spec) return { succeeded: false };
    // A sentence is read for its value (« c'est moi, Claire Lefebvre » → « Claire Lefebvre »), a button as it is.
    const pending = pendingOfPrompt(this.id);
    const understood = pending && answer.value === undefined && answer.text ? understand(answer.text, pending) : undefined;
    // « passer, et on a 230 000 habitants »: the skip keeps what else the message said, for its questions.
    // « je sais pas trop, disons 3000 € »: a hedged estimate with its value is the value, not a skip.
    const hedgedValue = pending && understood && /\d/.test(answer.text) && valueFor(pending, understood.entities) !== undefined;
    if (spec.optional && !hedgedValue && (SKIP.test(keyword) || understood?.entities.skip || declinesForNow(plainOf(answer.text)))) return { succeeded: true, value: { kind: 'skip', ...(understood ? { entities: understood.entities } : {}) } };
    // Every answer is checked against the question's type: a value that fits another question (an e-mail on the
    // fonction, euros on a head count, « de l'État » on the cost) is noted there, never stored here. A weaker
    // mismatch (a name and a role on the SIREN) only when the answer does not read as this question's value.
    const misplaced = pending && understood ? misplacedValues(pending, understood.entities, answer.text) : undefined;
    if (misplaced && (misplaced.strong || !this.parse(answer, spec).ok)) {
      state.failures = 0;
      state.reason = undefined;
      return { succeeded: true, value: { kind: 'elsewhere', entities: misplaced.entities, reason: NAME_QUESTIONS[pending!] ?? misplaced.reason } };
    }
    // A denial is never stored as a value: it undoes the choice the question rests on, or is refused.
    // (« non, c'est Paul Martin » gives a value: it is an answer; a long description may begin with « non ».)
    const denial = pending && understood && FREE_TEXT_QUESTIONS.has(pending) && valueFor(pending, understood.entities) === undefined && deniesChoice(answer.text);
    if (denial && (spec.declinable || answer.text.split(/\s+/).length <= 6)) {
      if (spec.declinable) return { succeeded: true, value: { kind: 'deny' } };
      state.failures = (state.failures ?? 0) + 1;
      state.reason = 'Votre message ne donne pas de réponse à cette question : répondez-y en quelques mots.';
      return { succeeded: false };
    }
    // A long sentence, or a number, a phone, an e-mail, on a name question with no name in it is never stored as the name.
    const nameReason = pending ? NAME_QUESTIONS[pending] : undefined;
    const otherValue = understood && (['phone', 'email', 'siren', 'amount', 'number'] as const).some((key) => understood.entities[key] !== undefined);
    if (nameReason && understood && valueFor(pending!, understood.entities) === undefined && (answer.text.split(/\s+/).length > 5 || otherValue)) {
      state.failures = (state.failures ?? 0) + 1;
      state.reason = nameReason;
      return { succeeded: false };
    }
    if (understood?.selfOnly) {
      state.reason = 'D’accord, c’est vous qui suivrez le dossier : indiquez-moi votre prénom et votre nom.';
      return { succeeded: false };
    }
    const value = understood && pending ? valueFor(pending, understood.entities) : undefined;
    let parsed = value !== undefined ? this.parse({ text: value, value: undefined }, spec) : this.parse(answer, spec);
    if (!parsed.ok && value !== undefined) parsed = this.parse(answer, spec);
    if (parsed.ok && understood?.unsure && value !== undefined) {
      // Not stored yet: « Claire Lefebvre, c’est bien ça ? »
      state.confirming = value;
      state.confirmingEntities = understood.entities;
      state.reason = undefined;
      return { succeeded: false };
    }
    if (parsed.ok) {
      state.failures = 0;
      state.reason = undefined;
      return { succeeded: true, value: { kind: 'answer', value: parsed.value, ...(understood ? { entities: understood.entities } : {}) } };
    }
    state.failures = (state.failures ?? 0) + 1;
    state.reason = parsed.reason;
    return { succeeded: false };
  }
}
