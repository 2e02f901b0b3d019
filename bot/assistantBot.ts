// The bot: greets officials in French and routes each turn (commands, questions to the FAQ, the guided
// application); conversation and user state are saved once, at the end of the turn.
import { randomUUID } from 'node:crypto';
import {
  ActivityHandler,
  MessageFactory,
  type Activity,
  type BotState,
  type InvokeResponse,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import { DialogSet, type DialogContext, type DialogState } from 'botbuilder-dialogs';
import type { Logger } from 'pino';
import type { Collection } from 'mongoose';
import type { DossierRepository } from '../dossiers/dossierRepository';
import type { Dossier, Owner } from '../dossiers/dossierSchema';
import { APPLICANT_ACTOR } from '../dossiers/statusMachine';
import { checkCompleteness, SECTION_LABELS, SectionIdSchema } from '../knowledge/completeness';
import { asksHowItWorks, journeyQuestion, questionInWish, questionWithContext, type JourneyContext } from '../knowledge/understanding/followUp';
import type { FaqAnswer, FaqService } from '../knowledge/faq/faqService';
import { FIELD_LABELS, STATUS_LABELS, type IntegrationField } from '../knowledge/schemes';
import { AnswerPrompt } from '../dialogs/answerPrompt';
import { APPLICATION_DIALOG, ApplicationDialog } from '../dialogs/applicationDialog';
import { summaryCard } from '../dialogs/dossierSummary';
import { DraftUnavailableError, RepositoryDraftStore } from '../dialogs/draftStore';
import { buildQuestionActivity, escapeMarkdown, isMultiSelectSubmit, isQuestionCardClick } from '../dialogs/questionCards';
import { isSectionChoice } from '../dialogs/reviewDialog';
import { isActionEditChoice } from '../dialogs/actionEditDialog';
import { normalizeText } from '../knowledge/parsers';
import { asksAboutDecision, bareCommandOf, commandOf, recognizeErasureConfirmation, type Command } from './commands';
import { isExplicitReply, questionParts, understand } from '../knowledge/understanding/understand';
import { valueKeysOf } from '../knowledge/understanding/intents';
import type { Entities, Pending, QuestionId, Understanding } from '../knowledge/understanding/types';
import { asksToSubmit } from '../dialogs/reviewDialog';
import { answersQuestion, applyCorrection, applyOtherCorrections, applySectionCorrection, correctActionValues, holdsAnswer, keepEarlyAnswers, pendingOfPrompt } from '../dialogs/understanding';
import type { ConversationReferences, PrefectureReplies } from './notifications';
import type { AttachmentTurns } from './attachments/attachmentTurns';
import type { ErasureReport, PersonalData } from './personalData';

export const WELCOME_TEXT =
  'Bonjour et bienvenue ! Je suis l’assistant « Territoires d’intégration ». ' +
  'Je réponds à vos questions sur les contrats territoriaux d’accueil et d’intégration (CTAI) et les projets territoriaux (PTAI), ' +
  'et je vous accompagne pas à pas pour préparer le dossier de candidature de votre collectivité.';

export const MENU_TEXT = 'Que souhaitez-vous faire ?';
export const MENU_CHOICES = ['Préparer une candidature', 'Poser une question', 'Aide'] as const;

/** Bumped whenever the dialogs change shape: older saved dialog stacks are then dropped, never replayed. */
const DIALOG_STATE_VERSION = 1;

const GENERAL_HELP =
  'Je peux :\n\n' +
  '- **vous accompagner pour préparer votre candidature** à un CTAI ou à un PTAI : écrivez « préparer une candidature » ;\n' +
  '- **répondre à vos questions** sur ces dispositifs, en citant mes sources : posez-les simplement, par exemple « qui signe un CTAI ? ».\n\n' +
  'À tout moment : « aide », « où en suis-je », « résumé », « annuler », « reprendre » ou « recommencer ». ' +
  '« Supprimer mes données » efface votre brouillon et l’historique de nos conversations.';

const HOW_IT_WORKS_TEXT =
  'Voici comment cela se passe : je vous pose une à une les questions du dossier (votre collectivité, la personne à contacter, le dispositif, ' +
  'les champs d’intervention, vos engagements, puis les actions et leur budget) et j’enregistre chaque réponse au fur et à mesure. ' +
  'Vous relisez ensuite le récapitulatif et déposez le dossier, qui est transmis à la préfecture de votre département. ' +
  'Vous pouvez me poser une question à tout moment. Deux dispositifs existent :';
/** What the FAQ is asked to present the two schemes, from the documentation. */
const SCHEMES_QUESTION = 'Quelle est la différence entre un CTAI et un PTAI ?';

const CORRECTIONS_ACKNOWLEDGED = 'Très bien. Écrivez « reprendre » quand vous voulez faire les corrections demandées.';

// Words, not 👍/👎: a device without a colour emoji font (Debian's Chromium) draws those as empty boxes.
const FEEDBACK_CHOICES = ['Utile', 'Pas utile'];
const FEEDBACK_QUESTION = 'Cette réponse vous a aidé ?';
/** The web widget's channels: there suggested actions vanish as soon as the pending question is asked again. */
const WIDGET_CHANNELS = new Set(['webchat', 'directline']);

/**
 * 👍/👎 under a FAQ answer: in the widget, card buttons that stay under the answer (each sends its
 * title as the user's message, like the suggested actions it replaces); elsewhere (Teams) suggested actions.
 */
function feedbackActivity(channelId: string | undefined): Partial<Activity> {
  if (channelId === undefined || !WIDGET_CHANNELS.has(channelId)) return MessageFactory.suggestedActions(FEEDBACK_CHOICES, FEEDBACK_QUESTION);
  return buildQuestionActivity({ text: FEEDBACK_QUESTION, help: '', choices: FEEDBACK_CHOICES.map((title) => ({ value: title, title })) }, channelId);
}

interface ConversationMemory {
  dialogVersion?: number;
  /** The last FAQ answer, for « source 2 » and the 👍/👎 feedback. */
  lastFaq?: { question: string; answered: boolean; sources: FaqAnswer['sources'] };
  /** « Supprimer mes données » was asked: the next message confirms it or not. */
  pendingErasure?: boolean;
  /** A greeting before a question while the prefecture's message waits: held until « oui » sends it as the reply. */
  pendingReply?: string;
}

interface UserProfile {
  firstSeenAt: string;
  lastSeenAt: string;
  turns: number;
}

export interface AssistantBotDependencies {
  conversationState: BotState;
  userState: BotState;
  repository: DossierRepository;
  faq: FaqService;
  /** Where 👍/👎 on FAQ answers are kept, for the team to improve the base. */
  feedback: Collection;
  /** Each user's last conversation, for the status notifications. */
  references: ConversationReferences;
  /** « Supprimer mes données ». */
  personalData: PersonalData;
  /** Documents sent in the chat and the document commands (bot/attachments/). */
  attachmentTurns?: AttachmentTurns;
  logger: Logger;
  now?: () => Date;
  /** « répondre à la préfecture : … » lands in the dossier's thread (back-office). */
  prefectureReplies?: PrefectureReplies;
}

export class AssistantBot extends ActivityHandler {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly memory: StatePropertyAccessor<ConversationMemory>;
  private readonly profile: StatePropertyAccessor<UserProfile>;
  private readonly dialogs: DialogSet;
  private readonly now: () => Date;
  private readonly store: RepositoryDraftStore;

  constructor(private readonly deps: AssistantBotDependencies) {
    super();
    this.now = deps.now ?? (() => new Date());
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    this.memory = deps.conversationState.createProperty<ConversationMemory>('memory');
    this.profile = deps.userState.createProperty<UserProfile>('profile');
    this.dialogs = new DialogSet(this.dialogState);
    // One store for the dialogs and the bot's own corrections, so both write from the same copy.
    this.store = new RepositoryDraftStore(deps.repository);
    this.dialogs.add(new ApplicationDialog(this.store));

    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const humans = (context.activity.membersAdded ?? []).filter((member) => member.id !== botId);
      if (humans.length > 0) await this.greet(context);
      await next();
    });

    this.onMessage(async (context, next) => {
      await this.touchProfile(context);
      const replied = await this.deps.prefectureReplies?.handle(ownerOf(context.activity), context.activity.text);
      if (replied) {
        await context.sendActivity(replied);
        return next();
      }
      try {
        await this.handleMessage(context);
      } catch (thrown) {
        const error = draftUnavailable(thrown);
        if (!error) throw thrown;
        // Submitted from another tab, or deleted on request: the dialog can no longer write to it.
        const dc = await this.dialogs.createContext(context);
        await dc.cancelAllDialogs();
        await context.sendActivity(draftUnavailableText(error));
      }
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    if (context.activity.type === 'message' || context.activity.type === 'conversationUpdate') {
      await this.deps.references.remember(context.activity, this.now());
    }
    await super.run(context);
    // Only the bot layer saves state, once per turn (STYLE.md §6).
    await this.deps.conversationState.saveChanges(context, false);
    await this.deps.userState.saveChanges(context, false);
  }

  /** Teams' file consent answers go to the attachments; any other invoke as before. */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    return (await this.deps.attachmentTurns?.onInvoke(context, ownerOf(context.activity))) ?? super.onInvokeActivity(context);
  }

  private async greet(context: TurnContext): Promise<void> {
    await context.sendActivity(WELCOME_TEXT);
    const draft = await this.deps.repository.findDraftForOwner(ownerOf(context.activity));
    if (draft) {
      await context.sendActivity(
        MessageFactory.suggestedActions(
          ['Reprendre', 'Poser une question', 'Aide'],
          `Vous avez un dossier en cours, ${draft.reference}${draft.collectivity.name ? ` (${escapeMarkdown(draft.collectivity.name)})` : ''}. Écrivez « reprendre » pour le continuer là où vous l’aviez laissé.`,
        ),
      );
      return;
    }
    await context.sendActivity(MessageFactory.suggestedActions([...MENU_CHOICES], MENU_TEXT));
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const dc = await this.dialogs.createContext(context);
    const memory = await this.memory.get(context, {});
    if (memory.dialogVersion !== DIALOG_STATE_VERSION) {
      // A stack saved by other dialogs may name dialogs or steps that no longer exist: drop it. The
      // draft keeps every answer, so « reprendre » starts again at its first missing one.
      if (dc.activeDialog) {
        await dc.cancelAllDialogs();
        await context.sendActivity('L’assistant a été mis à jour : reprenons votre dossier là où il en était.');
        memory.dialogVersion = DIALOG_STATE_VERSION;
        await this.startApplication(dc, false);
        return;
      }
      memory.dialogVersion = DIALOG_STATE_VERSION;
    }

    const text = context.activity.text;
    if (memory.pendingErasure) {
      memory.pendingErasure = undefined;
      const confirmation = recognizeErasureConfirmation(text);
      if (confirmation === 'yes') {
        await this.eraseData(dc);
        return;
      }
      await context.sendActivity('D’accord, je ne supprime rien : vos données sont conservées.');
      // Back to the pending question (a prompt would not ask again in a turn that already answered).
      if (dc.activeDialog) {
        await dc.repromptDialog();
        return;
      }
      if (confirmation === 'no') return;
      // Out of the application, anything else than yes or no is read as usual after that notice.
    }
    if (memory.pendingReply !== undefined) {
      const held = memory.pendingReply;
      memory.pendingReply = undefined;
      const confirmation = recognizeErasureConfirmation((text ?? '').replace(/\b(la |l')?(transmettre|envoyer|l'envoyer|transmettez-la|envoyez-la)\b/gi, '').replace(/[ ,]+$/, ''));
      const awaiting = confirmation === 'yes' ? await this.deps.prefectureReplies?.pendingFor(ownerOf(context.activity)) : undefined;
      if (awaiting && this.deps.prefectureReplies) {
        await context.sendActivity(await this.deps.prefectureReplies.store(awaiting, held));
        return;
      }
      if (confirmation === 'no') {
        // Read again as a message to the assistant, without its greeting.
        context.activity.text = held.replace(/^\s*(bonjour|bonsoir)\b[\s,!.]*/i, '') || held;
        memory.pendingReply = undefined;
        await this.handleMessageAfterReplyCheck(dc, memory);
        return;
      }
    }
    await this.handleMessageAfterReplyCheck(dc, memory);
  }

  private async handleMessageAfterReplyCheck(dc: DialogContext, memory: ConversationMemory): Promise<void> {
    const { context } = dc;
    const text = context.activity.text;
    const documentTurn = await this.deps.attachmentTurns?.handle(dc, ownerOf(context.activity));
    if (documentTurn) {
      // The file a question asked for answers it; otherwise the pending question is asked again.
      if (dc.activeDialog) await (documentTurn === 'continue' ? this.continueSafely(dc) : dc.repromptDialog());
      return;
    }
    // A card's submit (a multi-select, or a button of a question's card) answers the question on screen, or is refused by
    // its prompt when the card is an old question's: it is never read as a correction. (Web Chat sends a multi-select's
    // ticked labels and a button's title as its text, to show them: its value is what counts.)
    const cardSubmit =
      context.activity.value !== undefined && (!(text ?? '').trim() || isMultiSelectSubmit(context.activity.value) || isQuestionCardClick(context.activity.value));
    if (dc.activeDialog && cardSubmit) {
      await this.continueSafely(dc);
      return;
    }
    if (!text || text.trim() === '' || cardSubmit) {
      if (dc.activeDialog) await this.continueSafely(dc);
      else if (cardSubmit && (await this.answerStaleButton(context))) return;
      else await context.sendActivity(MessageFactory.suggestedActions([...MENU_CHOICES], MENU_TEXT));
      return;
    }

    // One understanding step per turn, then dispatch.
    const pending: Pending = dc.activeDialog ? (pendingOfPrompt(innermostDialogId(dc)) ?? 'action.description') : await this.pendingOutsideDialog(context);
    // « Quelle section souhaitez-vous modifier ? »: a section's button (« Engagements de la collectivité ») is the answer, read by the prompt.
    // « Coût », « le porteur » on the menu of an action's items, « 2 » on « quelle action ? »: the answer, read by the prompt.
    if (pending === 'review.section' && (isSectionChoice(text) || isActionEditChoice(innermostDialogId(dc), text))) {
      await this.continueSafely(dc);
      return;
    }
    const understanding = understand(text, pending);
    this.deps.logger.debug({ intent: understanding.intent, pending }, 'Message understood');
    // « je dépose le dossier » outside the journey (after « garder en brouillon »): back to the review's submit confirmation.
    if (!dc.activeDialog && understanding.intent !== 'question' && asksToSubmit(text)) {
      const draft = await this.deps.repository.findDraftForOwner(ownerOf(context.activity));
      if (draft?.status === 'draft') {
        await this.startApplication(dc, false, undefined, true);
        return;
      }
    }
    // While the prefecture's message waits for an answer, a message addressed to someone (« Bonjour Mme Martin, 8 places
    // sur 12… ») is the reply: never a command nor a source number. A greeting before a question or a command asks first.
    const addressed = !dc.activeDialog && !bareCommandOf(text) && this.deps.prefectureReplies ? addressOf(text) : undefined;
    if (addressed && this.deps.prefectureReplies) {
      const awaitingReply = await this.deps.prefectureReplies.pendingFor(ownerOf(context.activity));
      if (awaitingReply && (addressed === 'person' || !ASKING_INTENTS.has(understanding.intent))) {
        await context.sendActivity(await this.deps.prefectureReplies.store(awaitingReply, text));
        return;
      }
      if (awaitingReply) {
        memory.pendingReply = text.slice(0, 4000);
        await context.sendActivity(
          MessageFactory.suggestedActions([...REPLY_CHOICES], `Est-ce votre réponse au message de la préfecture sur le dossier ${awaitingReply.reference} ? Répondez « oui » pour la lui transmettre, ou « non » si c’est une question pour moi.`),
        );
        return;
      }
    }
    // After the prefecture's decision, « pourquoi c'est refusé ? » asks about the dossier, not about the schemes.
    const command = commandOf(understanding, text) ?? (pending === 'submitted' && asksAboutDecision(text) ? ({ kind: 'status' } as const) : undefined);
    if (command) {
      await this.runCommand(dc, command, memory);
      return;
    }
    // « pour les ateliers le coût total est 12 000 € et 40 bénéficiaires », from a menu, the review or outside the
    // journey: the named action's values are corrected, whatever the rest of the sentence reads as.
    const atMenu = pending === 'none' || pending === 'review.menu' || pending === 'review.section' || pending === 'actions.more';
    const correctsAction = understanding.intent === 'correct' && (understanding.entities.target ?? '').startsWith('action.');
    // « oui, des ateliers … pour 40 adultes » at « une autre action ? »: the values are the new action's, never a correction of the last one.
    const describesNewAction = pending === 'actions.more' && !correctsAction && (understanding.entities.yesNo === true || understanding.newAction === true);
    if (((atMenu && understanding.intent !== 'question') || correctsAction) && !describesNewAction) {
      if (await this.correctActionValues(dc, text, pending, understanding.answerPart)) return;
    }
    // « ajouter une action sur le logement » at the review or at « une autre action ? »: a new action in that field.
    if (understanding.newAction && understanding.entities.fields?.length === 1 && (await this.addAction(dc, understanding.entities.fields[0]!))) return;
    // « Le siren c'est 245 900 410. Pour l'action 2 … 22 000 € au total. je dois renvoyer le dossier moi même ? » while the
    // prefecture's corrections wait: the values correct the dossier, the question is answered, then the corrections resume.
    if (!dc.activeDialog && text.includes('?') && (await this.awaitsCorrections(context)) && (await this.correctAndAnswer(dc, text, memory))) return;
    switch (understanding.intent) {
      case 'question': {
        // In the journey, the question is read for the dossier's scheme, and with its subject when it has none of its own.
        // « comment ça marche ? » outside the journey: how the assistant and the two schemes work.
        if (!dc.activeDialog && asksHowItWorks(understanding.core) && !understanding.entities.scheme) {
          await this.explainHowItWorks(context, memory);
          return;
        }
        const asked = dc.activeDialog ? journeyQuestion(understanding, await this.journeyContext(context, understanding, pending)) : { question: understanding.core, subjectInAnswer: false };
        // « Pourquoi ? » after an answer is read with the question it follows; « … et qui signe ? » asks twice, each answered.
        for (const part of questionParts(asked.question)) await this.sendFaqAnswer(context, text, await this.deps.faq.answer(questionWithContext(part, memory.lastFaq?.question)), memory);
        // « 76. c’est quoi un BPI ? »: the answer part then answers the question on screen, which moves on
        // (not « on n'a pas de diagnostic, c'est obligatoire ? », whose first part is what is asked about).
        if (understanding.answerPart && dc.activeDialog && !asked.subjectInAnswer) {
          // The answer part is dispatched as a message of its own: a correction (« c'est le 76 en fait. ») corrects.
          const part = understand(understanding.answerPart, pending);
          if (part.intent === 'correct') {
            await this.correct(dc, part, understanding.answerPart);
            return;
          }
          await this.answerOnScreen(dc, understanding.answerPart);
          return;
        }
        // A digression: the pending question is asked again.
        if (dc.activeDialog) await dc.repromptDialog();
        return;
      }
      case 'correct': {
        // « garder, et le siren est 245 900 410 » at a question asked again: the SIREN is noted, and « garder » keeps the answer on screen.
        const kept = dc.activeDialog && !understanding.answerPart && activeQuestion(dc)?.current !== undefined ? KEEP_BEFORE_VALUE.exec(normalizeText(text)) : null;
        await this.correct(dc, kept ? { ...understanding, answerPart: 'garder' } : understanding, text);
        return;
      }
      case 'edit':
        await this.edit(dc, understanding);
        return;
      case 'apply': {
        if (dc.activeDialog) {
          await dc.repromptDialog();
          return;
        }
        // « la métropole augmente son cofinancement… » while the prefecture's corrections wait: the value corrects the dossier, then the
        // corrections resume (a wish to apply with values, « nous sommes le département de la Gironde… », never rewrites a draft).
        if ((await this.awaitsCorrections(context)) && (await this.correctOutsideJourney(dc, text))) return;
        // « on voudrait un PTAI, une commune de 3000 habitants c'est possible ? »: answered, then the dossier opens.
        const asked = questionInWish(text);
        // « …voudrait monter un projet pour les réfugiés, ça marche comment ? »: how it works, then the dossier opens.
        if (asked && asksHowItWorks(asked)) await this.explainHowItWorks(context, memory);
        else if (asked) await this.sendFaqAnswer(context, asked, await this.deps.faq.answer(asked), memory);
        await this.startApplication(dc, false, understanding.entities);
        return;
      }
      case 'reply_prefecture':
        // A plain answer (« oui, elle passe en conseil le 15 janvier ») replies only while the prefecture's message waits.
        if (!dc.activeDialog && this.deps.prefectureReplies && !isExplicitReply(text) && !(await this.deps.prefectureReplies.pendingFor(ownerOf(context.activity)))) break;
        await this.replyToPrefecture(dc, text, memory);
        return;
      case 'chitchat':
        if (dc.activeDialog) {
          await context.sendActivity(/merci/i.test(text) ? 'Avec plaisir !' : 'Je reste concentré sur votre dossier : reprenons.');
          await dc.repromptDialog();
          return;
        }
        if (await this.correctOutsideJourney(dc, text)) return;
        // « ok je regarde ça » while the prefecture's corrections wait: acknowledged with the way on, never refused as
        // off-topic. A question, even off-topic (« quel temps fera-t-il ? »), is still answered or declined.
        if (!text.includes('?') && (await this.awaitsCorrections(context))) {
          await context.sendActivity(CORRECTIONS_ACKNOWLEDGED);
          return;
        }
        break;
      default:
        // « non, déposer le dossier » at « ajouter une autre action ? » or at the other funders, the last question before
        // the review: « non » to it, then straight to the deposit's confirmation (from the actions, the funders question comes first).
        if (dc.activeDialog && (pending === 'actions.more' || pending === 'budget.otherFunders') && /^non\b.{0,20}\b(deposer|deposez|envoyer|soumettre|transmettre)\b/.test(normalizeText(text))) {
          context.activity.text = 'non';
          await this.continueSafely(dc);
          if (pendingOfPrompt(innermostDialogId(dc)) === 'review.menu') {
            context.activity.text = 'déposer le dossier';
            await this.continueSafely(dc);
          }
          return;
        }
        if (dc.activeDialog) {
          await this.continueSafely(dc);
          return;
        }
        if (await this.correctOutsideJourney(dc, text)) return;
    }
    // Neither a command nor a question while the prefecture's message waits for an answer: it is the reply.
    const awaiting = dc.activeDialog ? undefined : await this.deps.prefectureReplies?.pendingFor(ownerOf(context.activity));
    if (awaiting && this.deps.prefectureReplies) {
      await context.sendActivity(await this.deps.prefectureReplies.store(awaiting, text));
      return;
    }
    const answer = await this.deps.faq.answer(text);
    if (!answer.answered && understanding.intent === 'chitchat') {
      // A greeting or a word the base does not know: not a question to rate, so offer the menu.
      await context.sendActivity(answer.answer);
      await context.sendActivity(MessageFactory.suggestedActions([...MENU_CHOICES], MENU_TEXT));
      return;
    }
    await this.sendFaqAnswer(context, text, answer, memory);
  }

  /** The scheme and approach a question in the journey is read for: said in the message, else the draft's. */
  private async journeyContext(context: TurnContext, understanding: Understanding, pending: Pending): Promise<JourneyContext> {
    // « des actions ciblées, on n'a pas de diagnostic » before the question: what the part repeats and what it answers both count.
    const part = understanding.answerPart ? understand(understanding.answerPart, pending) : undefined;
    const said = { ...(part?.answerPart ? understand(part.answerPart, pending).entities : {}), ...(part?.entities ?? {}) };
    const draft = await this.deps.repository.findDraftForOwner(ownerOf(context.activity));
    return { scheme: said.scheme ?? draft?.scheme, approach: said.approach ?? draft?.approach, pending, answersPending: answersQuestion(pending, said) };
  }

  /** Outside the application: a dossier submitted earlier is what « où en est-il » is about. */
  private async pendingOutsideDialog(context: TurnContext): Promise<Pending> {
    const owner = ownerOf(context.activity);
    if (await this.deps.repository.findDraftForOwner(owner)) return 'none';
    const latest = await this.deps.repository.findLatestForOwner(owner);
    return latest && latest.status !== 'draft' ? 'submitted' : 'none';
  }

  /**
   * A correction of an earlier answer changes that answer (never the one on screen), says what
   * changed, and comes back to the pending question; a change the recommendation rests on asks the scheme again.
   */
  private async correct(dc: DialogContext, understanding: Understanding, text: string): Promise<void> {
    const { context } = dc;
    const draft = await this.deps.repository.findDraftForOwner(ownerOf(context.activity));
    const target = understanding.entities.target;
    if (!draft || !target) {
      await context.sendActivity(draft ? 'Je n’ai pas compris quelle réponse corriger. Écrivez par exemple « modifier le département ».' : 'Vous n’avez pas de dossier en cours à corriger.');
      if (dc.activeDialog) await dc.repromptDialog();
      return;
    }
    const quoted = quotedValue(text);
    // « et aussi la santé »: the field joins those chosen.
    // « on retire l'emploi des champs »: the field leaves those chosen.
    const named = understanding.entities.fields;
    const fields = !named ? undefined : understanding.adds ? [...new Set([...(draft.fields ?? []), ...named])] : understanding.removes ? (draft.fields ?? []).filter((field) => !named.includes(field)) : undefined;
    const entities = fields ? { ...understanding.entities, fields } : understanding.entities;
    const onScreen = dc.activeDialog ? pendingOfPrompt(innermostDialogId(dc)) : undefined;
    // « à peu près 15 000 habitants » said before the population was asked gives it, it corrects nothing.
    const firstAnswer = target.includes('.') && !holdsAnswer(draft, target as QuestionId, entities);
    let result: ReturnType<typeof applyCorrection>;
    await this.store.change(
      draft.reference,
      (dossier) => {
        // A section named with its values (« le contact ce sera Marc Dubois, marc.dubois@… ») has each corrected; without values, it opens.
        result = target.includes('.') ? applyCorrection(dossier, target as QuestionId, entities, understanding.entities.actionIndex, quoted) : applySectionCorrection(dossier, target, entities);
        // « c'est le 76 et 12 000 habitants »: every value a correction gives is corrected, not only the first.
        if (result) result = { ...result, label: [result.label, ...applyOtherCorrections(dossier, understanding.also, target as QuestionId)].join(' ; ') };
      },
      context,
    );
    if (!result) {
      // « des actions ciblées, on n'a pas de diagnostic » at the diagnostic: the earlier answer is only repeated, and the
      // rest answers the question on screen.
      if (understanding.answerPart && dc.activeDialog) {
        await this.answerOnScreen(dc, understanding.answerPart);
        return;
      }
      // No new value in the message: open that question, showing its current answer.
      await this.edit(dc, understanding);
      return;
    }
    await context.sendActivity(`${understanding.adds ? 'C’est ajouté' : understanding.removes ? 'C’est retiré' : firstAnswer ? 'C’est noté' : 'C’est corrigé'} : ${escapeMarkdown(result.label)}.${result.schemeToReview ? ' Le dispositif recommandé en dépend : je vous reposerai la question.' : ''}`);
    // At the review, the review is shown again with the value corrected.
    if (result.schemeToReview || onScreen === 'review.menu') {
      await dc.cancelAllDialogs();
      await dc.beginDialog(APPLICATION_DIALOG, { reference: draft.reference, ...(result.schemeToReview ? {} : { afterEdit: true }) });
      return;
    }
    // « claire@… et au fait le département c’est le 76 »: the answer part then answers the question on screen.
    if (understanding.answerPart && dc.activeDialog) {
      await this.answerOnScreen(dc, understanding.answerPart);
      return;
    }
    if (dc.activeDialog) await dc.repromptDialog();
  }

  /**
   * « Bonjour, la metropole augmente son cofinancement…, ça fait donc 52 000 € au total » with no question on screen
   * (a draft kept, the prefecture's corrections waiting): read as it would be at the review, a value of the dossier
   * is corrected, then the journey resumes (the corrections asked, or the review). False when it corrects nothing.
   */
  private async correctOutsideJourney(dc: DialogContext, text: string): Promise<boolean> {
    if (dc.activeDialog || text.includes('?')) return false;
    const atReview = understand(text, 'review.menu');
    const target = atReview.entities.target;
    const keys = target && target.includes('.') ? valueKeysOf(target) : undefined;
    if (atReview.intent !== 'correct' || !keys?.some((key) => atReview.entities[key] !== undefined)) return false;
    if (!(await this.deps.repository.findDraftForOwner(ownerOf(dc.context.activity)))) return false;
    await this.correct(dc, atReview, text);
    if (!dc.activeDialog) await this.startApplication(dc, false);
    return true;
  }

  /**
   * A message with values and a question while the prefecture's corrections wait (no question on screen): each value
   * is corrected as at the review (an action's values, and another answer such as the SIREN), the question is
   * answered (« dois-je renvoyer le dossier ? » in the product's terms, any other by the FAQ), then the corrections
   * resume. False when the message corrects nothing.
   */
  private async correctAndAnswer(dc: DialogContext, text: string, memory: ConversationMemory): Promise<boolean> {
    const { context } = dc;
    const atReview = understand(text, 'review.menu');
    // The values, and the question: as understood (« … 45 bénéficiaires. je dois renvoyer le dossier ? »), else by sentence
    // (« je dois renvoyer le dossier ? Le siren c'est … »); a correction that only ends with « ? » corrects.
    const sentences = text.split(/(?<=[.?!])\s+/).filter((sentence) => sentence.trim() !== '');
    const split = { values: sentences.filter((sentence) => !sentence.trim().endsWith('?')).join(' '), question: sentences.filter((sentence) => sentence.trim().endsWith('?')).join(' ') };
    const { part, asked } =
      atReview.intent === 'question' && atReview.answerPart ? { part: atReview.answerPart, asked: atReview.core } : split.values ? { part: split.values, asked: split.question } : atReview.intent === 'correct' ? { part: text, asked: '' } : { part: '', asked: '' };
    if (!part) return false;
    const draft = await this.deps.repository.findDraftForOwner(ownerOf(context.activity));
    if (!draft) return false;
    const labels: string[] = [];
    await this.store.change(
      draft.reference,
      (dossier) => {
        labels.length = 0;
        labels.push(...(correctActionValues(dossier, part) ?? []));
        const said = understand(part, 'review.menu');
        const target = said.entities.target;
        if (said.intent !== 'correct' || !target?.includes('.') || target.startsWith('action.')) return;
        const result = applyCorrection(dossier, target as QuestionId, said.entities, said.entities.actionIndex, quotedValue(part));
        if (result) labels.push(result.label, ...applyOtherCorrections(dossier, said.also, target as QuestionId));
      },
      context,
    );
    if (labels.length === 0) return false;
    await context.sendActivity(`C’est corrigé : ${escapeMarkdown(labels.join(' ; '))}.`);
    if (asksToResubmit(asked)) await context.sendActivity(RESUBMIT_AFTER_CORRECTIONS);
    else if (asked) for (const question of questionParts(asked)) await this.sendFaqAnswer(context, question, await this.deps.faq.answer(question), memory);
    await this.startApplication(dc, false);
    return true;
  }

  /** A new action with its field preset (the field joins the dossier's if it was not chosen); false without a draft. */
  private async addAction(dc: DialogContext, field: IntegrationField): Promise<boolean> {
    const { context } = dc;
    const draft = await this.deps.repository.findDraftForOwner(ownerOf(context.activity));
    if (!draft) return false;
    const added = !(draft.fields ?? []).includes(field);
    await this.store.change(
      draft.reference,
      (dossier) => {
        if (!dossier.fields.includes(field)) dossier.fields = [...dossier.fields, field];
        dossier.actions = [...(dossier.actions ?? []), { id: `act-${randomUUID().slice(0, 8)}`, publics: [], field }];
      },
      context,
    );
    await context.sendActivity(`D’accord, ajoutons une action dans le champ « ${FIELD_LABELS[field]} »${added ? ', que j’ajoute aux champs du dossier' : ''}.`);
    await dc.cancelAllDialogs();
    await dc.beginDialog(APPLICATION_DIALOG, { reference: draft.reference, afterEdit: true });
    return true;
  }

  /** The values of a named action corrected in one message (see correctActionValues); false when the message corrects none. */
  private async correctActionValues(dc: DialogContext, text: string, pending: Pending, answerPart?: string): Promise<boolean> {
    const { context } = dc;
    const draft = await this.deps.repository.findDraftForOwner(ownerOf(context.activity));
    if (!draft || !correctActionValues(structuredClone(draft), text)) return false;
    let labels: string[] = [];
    await this.store.change(draft.reference, (dossier) => void (labels = correctActionValues(dossier, text) ?? []), context);
    await context.sendActivity(`C’est corrigé : ${escapeMarkdown(labels.join(' ; '))}.`);
    if (pending === 'review.menu') {
      // The review is shown again, with the values corrected.
      await dc.cancelAllDialogs();
      await dc.beginDialog(APPLICATION_DIALOG, { reference: draft.reference, afterEdit: true });
    } else if (dc.activeDialog && answerPart) {
      // « non pas d'autre action. par contre … 60 bénéficiaires »: the part that answers the question on screen answers it.
      await this.answerOnScreen(dc, answerPart);
    } else if (dc.activeDialog) await dc.repromptDialog();
    else await this.startApplication(dc, false);
    return true;
  }

  /** « modifier le contact, le nom est mal enregistré »: straight to that question (or section), then on with the journey. */
  private async edit(dc: DialogContext, understanding: Understanding): Promise<void> {
    const { context } = dc;
    const draft = await this.deps.repository.findDraftForOwner(ownerOf(context.activity));
    const target = understanding.entities.target;
    if (!draft) {
      await context.sendActivity('Vous n’avez pas de dossier en cours à modifier.');
      await this.startApplication(dc, false);
      return;
    }
    await dc.cancelAllDialogs();
    if (!target) {
      await dc.beginDialog(APPLICATION_DIALOG, { reference: draft.reference });
      return;
    }
    await context.sendActivity(`D’accord, modifions ${TARGET_LABELS[target] ?? 'cette réponse'}.`);
    await dc.beginDialog(APPLICATION_DIALOG, {
      reference: draft.reference,
      focus: target,
      ...(understanding.entities.actionIndex ? { actionIndex: understanding.entities.actionIndex } : {}),
    });
  }

  /** A reply to the prefecture's request: back into the corrections, or joined to the dossier for the instructor. */
  private async replyToPrefecture(dc: DialogContext, text: string, memory: ConversationMemory): Promise<void> {
    const { context } = dc;
    const owner = ownerOf(context.activity);
    const latest = (await this.deps.repository.findDraftForOwner(owner)) ?? (await this.deps.repository.findLatestForOwner(owner));
    if (latest?.status === 'changes_requested' && !dc.activeDialog) {
      await this.startApplication(dc, false);
      return;
    }
    if (latest && latest.status !== 'draft' && latest.status !== 'changes_requested') {
      // The dossier's thread, which the instructeur reads (never the agents' private notes).
      if (this.deps.prefectureReplies) {
        await context.sendActivity(await this.deps.prefectureReplies.store(latest, text));
        return;
      }
      // Stored as « le demandeur »: the applicant's chat id never leaves the bot layer (issue #15 F3).
      await this.deps.repository.addMessage(latest.reference, { by: APPLICANT_ACTOR, text: text.slice(0, 4000) });
      await context.sendActivity(`Votre réponse est jointe au dossier ${latest.reference} : l’instructeur de la préfecture la verra. Je vous préviendrai ici de la suite.`);
      return;
    }
    if (dc.activeDialog) {
      await this.continueSafely(dc);
      return;
    }
    await this.sendFaqAnswer(context, text, await this.deps.faq.answer(text), memory);
  }

  private async runCommand(dc: DialogContext, command: Command, memory: ConversationMemory): Promise<void> {
    const { context } = dc;
    switch (command.kind) {
      case 'help': {
        const spec = activeQuestion(dc);
        if (spec) {
          await context.sendActivity(`${spec.help}${spec.optional ? ' Vous pouvez aussi répondre « passer ».' : ''}`);
          await dc.repromptDialog();
        } else {
          await context.sendActivity(MessageFactory.suggestedActions([...MENU_CHOICES.slice(0, 2)], GENERAL_HELP));
        }
        return;
      }
      case 'cancel': {
        if (!dc.activeDialog) {
          await context.sendActivity('Il n’y a rien à annuler. Écrivez « aide » pour voir ce que je peux faire.');
          return;
        }
        await dc.cancelAllDialogs();
        const draft = await this.deps.repository.findDraftForOwner(ownerOf(context.activity));
        await context.sendActivity(
          `D’accord, j’arrête là.${draft ? ` Votre dossier ${draft.reference} est conservé avec tout ce que vous avez saisi : écrivez « reprendre » pour le continuer.` : ''}`,
        );
        return;
      }
      case 'restart': {
        await dc.cancelAllDialogs();
        const owner = ownerOf(context.activity);
        const draft = await this.deps.repository.findDraftForOwner(owner);
        if (draft && draft.status === 'draft') {
          // The old draft is withdrawn, not deleted: nothing typed is lost, and it leaves the way clear.
          await this.deps.repository.transition(draft.reference, draft.version, { to: 'withdrawn', by: { role: 'applicant', id: owner.userId }, comment: 'Recommencé par le demandeur' });
          await context.sendActivity(`Le dossier ${draft.reference} est mis de côté (retiré). Nous repartons d’un dossier vierge.`);
        }
        await this.startApplication(dc, true);
        return;
      }
      case 'progress': {
        const draft = await this.latestDossier(context);
        await context.sendActivity(
          !draft ? 'Vous n’avez pas de dossier en cours. Écrivez « préparer une candidature » pour en commencer un.' : draft.status === 'draft' ? progressText(draft) : statusText(draft),
        );
        if (dc.activeDialog) await dc.repromptDialog();
        return;
      }
      case 'summary': {
        const draft = await this.latestDossier(context);
        if (!draft) {
          await context.sendActivity('Vous n’avez pas encore de dossier. Écrivez « préparer une candidature » pour en commencer un.');
          return;
        }
        await context.sendActivity(MessageFactory.attachment(summaryCard(draft), `Voici votre dossier ${draft.reference} (${STATUS_LABELS[draft.status].toLowerCase()}).`));
        if (dc.activeDialog) await dc.repromptDialog();
        return;
      }
      case 'status': {
        const owner = ownerOf(context.activity);
        const found = command.reference ? await this.deps.repository.findByReference(command.reference) : await this.latestDossier(context);
        // Only the official's own dossiers: a reference typed by someone else says nothing of it.
        const dossier = found && ownedBy(found, owner) ? found : null;
        await context.sendActivity(
          dossier
            ? statusText(dossier)
            : command.reference
              ? `Je ne trouve pas de dossier ${command.reference} à votre nom. Vérifiez la référence (par exemple TI-2026-00002), ou adressez-vous à la préfecture.`
              : 'Vous n’avez pas encore de dossier. Écrivez « préparer une candidature » pour en commencer un.',
        );
        if (dc.activeDialog) await dc.repromptDialog();
        return;
      }
      case 'resume': {
        if (dc.activeDialog) {
          await dc.repromptDialog();
          return;
        }
        await this.startApplication(dc, false);
        return;
      }
      case 'ask': {
        await context.sendActivity('Je vous écoute : posez votre question sur les CTAI ou les PTAI, par exemple « qui peut signer un CTAI ? ».');
        return;
      }
      case 'source': {
        const source = memory.lastFaq?.sources[command.number - 1];
        await context.sendActivity(
          source ? `Source ${command.number} — ${source.title} :\n\n> ${escapeMarkdown(source.excerpt)}` : 'Je n’ai pas de source sous ce numéro pour la dernière réponse.',
        );
        if (dc.activeDialog) await dc.repromptDialog();
        return;
      }
      case 'eraseData': {
        const preview = await this.deps.personalData.preview(ownerOf(context.activity));
        memory.pendingErasure = true;
        await context.sendActivity(MessageFactory.suggestedActions([...ERASURE_CHOICES], erasureQuestion(preview)));
        return;
      }
      case 'feedback': {
        if (memory.lastFaq) {
          await this.deps.feedback.insertOne({
            question: memory.lastFaq.question,
            answered: memory.lastFaq.answered,
            sources: memory.lastFaq.sources.map((source) => source.id),
            helpful: command.helpful,
            channel: context.activity.channelId,
            at: this.now(),
          });
          memory.lastFaq = undefined;
          await context.sendActivity(command.helpful ? 'Merci pour votre retour !' : 'Merci, votre retour nous aidera à améliorer les réponses. N’hésitez pas à reformuler votre question ou à contacter la préfecture.');
        } else {
          // « merci, c'est clair » with no FAQ answer to rate: after a request for corrections, the way on.
          await context.sendActivity(!dc.activeDialog && (await this.awaitsCorrections(context)) ? CORRECTIONS_ACKNOWLEDGED : 'Merci !');
        }
        if (dc.activeDialog) await dc.repromptDialog();
        return;
      }
    }
  }

  /**
   * Continues the dialog; a saved stack that no longer matches the deployed dialogs (a step or a
   * dialog renamed without a version bump) restarts from the draft instead of failing the turn.
   */
  private async continueSafely(dc: DialogContext): Promise<void> {
    try {
      await dc.continueDialog();
    } catch (error) {
      if (!(error instanceof Error) || !/wasn't found|can't find|Can't continue/i.test(error.message)) throw error;
      this.deps.logger.warn({ err: error }, 'Saved dialog stack does not fit the dialogs: restarting from the draft');
      await dc.cancelAllDialogs(true);
      await dc.context.sendActivity('L’assistant a été mis à jour : reprenons votre dossier là où il en était.');
      await this.startApplication(dc, false);
    }
  }

  /** Resumes the official's draft (same user, or same Teams identity) or opens a new one. */
  private async startApplication(dc: DialogContext, fresh: boolean, entities?: Entities, submit?: boolean): Promise<void> {
    const owner = ownerOf(dc.context.activity);
    const existing = fresh ? null : await this.deps.repository.findDraftForOwner(owner);
    if (existing?.status === 'changes_requested' && existing.changesRequested) {
      const request = existing.changesRequested;
      await dc.context.sendActivity(
        `La préfecture demande des corrections sur votre dossier ${existing.reference} : ${request.sections.map((section) => SECTION_LABELS[section].toLowerCase()).join(', ')}.\n\n` +
          `Motif : ${escapeMarkdown(request.reason)}${request.comment ? `\n\nPrécision : ${escapeMarkdown(request.comment)}` : ''}\n\n` +
          'Reprenons ces sections : pour chaque question, votre réponse actuelle est rappelée et « garder » la conserve.',
      );
      await dc.beginDialog(APPLICATION_DIALOG, { reference: existing.reference, corrections: [...request.sections] });
      return;
    }
    if (existing) {
      const report = checkCompleteness(existing);
      const filled = SectionIdSchema.options.filter((section) => section !== 'budget' && !report.problems.some((problem) => problem.section === section));
      await dc.context.sendActivity(
        `Je reprends votre dossier ${existing.reference}${existing.collectivity.name ? ` (${escapeMarkdown(existing.collectivity.name)})` : ''}.` +
          (filled.length > 0 ? ` Déjà renseigné : ${filled.map((section) => SECTION_LABELS[section].toLowerCase()).join(', ')}.` : '') +
          ' Reprenons là où vous vous étiez arrêté.',
      );
      await dc.beginDialog(APPLICATION_DIALOG, { reference: existing.reference, ...(submit ? { submit } : {}) });
      return;
    }
    const draft = await this.deps.repository.createDraft(owner);
    await dc.context.sendActivity(
      `C’est parti ! J’ai ouvert le dossier ${draft.reference}. Tout est enregistré au fur et à mesure : vous pouvez vous interrompre et reprendre plus tard. ` +
        'Écrivez « aide » à tout moment pour un exemple de réponse.',
    );
    // The opening sentence may already give the collectivity, the scheme wanted, the fields…
    if (entities) {
      let noted: string[] = [];
      await this.store.change(
        draft.reference,
        (dossier) => {
          noted = keepEarlyAnswers(dossier, entities, undefined);
        },
        dc.context,
      );
      if (noted.length > 0) await dc.context.sendActivity(`J’ai déjà noté : ${escapeMarkdown(noted.join(' ; '))}.`);
    }
    await dc.beginDialog(APPLICATION_DIALOG, { reference: draft.reference });
  }

  /**
   * A button of an old question's card (« Modifier une section ») once the dossier is submitted: it can no longer be
   * changed here, which is said with its status. False when the official still has a dossier to edit.
   */
  private async answerStaleButton(context: TurnContext): Promise<boolean> {
    const owner = ownerOf(context.activity);
    if (await this.deps.repository.findDraftForOwner(owner)) return false;
    const latest = await this.deps.repository.findLatestForOwner(owner);
    if (!latest || latest.status === 'draft') return false;
    const open = latest.status === 'submitted' || latest.status === 'under_review';
    await context.sendActivity(
      `Ce bouton date d’avant le dépôt : le dossier ${latest.reference} ne peut plus être modifié ici` +
        (open ? ', sauf à la demande de la préfecture (je vous préviendrai ici si elle demande des corrections).' : '.') +
        `\n\n${statusText(latest)}`,
    );
    return true;
  }

  /** « ça marche comment ? »: the journey in a few words, then the two schemes as the documentation tells them (with its sources). */
  private async explainHowItWorks(context: TurnContext, memory: ConversationMemory): Promise<void> {
    await context.sendActivity(HOW_IT_WORKS_TEXT);
    await this.sendFaqAnswer(context, SCHEMES_QUESTION, await this.deps.faq.answer(SCHEMES_QUESTION), memory);
  }

  /** The part of a message that answers the question on screen, given to its prompt as if typed alone. */
  private async answerOnScreen(dc: DialogContext, answerPart: string): Promise<void> {
    dc.context.activity.text = answerPart;
    await this.continueSafely(dc);
  }

  /** Whether the official's dossier waits for the corrections the prefecture asked. */
  private async awaitsCorrections(context: TurnContext): Promise<boolean> {
    return (await this.latestDossier(context))?.status === 'changes_requested';
  }

  /** The draft being prepared, or else the latest dossier, submitted or not. */
  private async latestDossier(context: TurnContext): Promise<Dossier | null> {
    const owner = ownerOf(context.activity);
    return (await this.deps.repository.findDraftForOwner(owner)) ?? (await this.deps.repository.findLatestForOwner(owner));
  }

  private async sendFaqAnswer(context: TurnContext, question: string, answer: FaqAnswer, memory: ConversationMemory): Promise<void> {
    memory.lastFaq = { question: question.slice(0, 1000), answered: answer.answered, sources: answer.sources };
    const sources = answer.sources.map((source, index) => `[${index + 1}] ${source.title}`).join(' ; ');
    const body = answer.answered && sources ? `${answer.answer}\n\nSources : ${sources}. Écrivez « source 1 » pour lire le passage.` : answer.answer;
    await context.sendActivity(body);
    await context.sendActivity(feedbackActivity(context.activity.channelId));
  }

  /** Erases the user's data, then this conversation's and user's state, which must not be saved again this turn. */
  private async eraseData(dc: DialogContext): Promise<void> {
    const { context } = dc;
    await dc.cancelAllDialogs();
    const report = await this.deps.personalData.erase(ownerOf(context.activity), context.activity.conversation?.id);
    await this.deps.conversationState.delete(context);
    await this.deps.userState.delete(context);
    this.deps.logger.info({ erasedDossiers: report.erased.length, keptDossiers: report.kept.length, channel: context.activity.channelId }, 'Personal data erased on request');
    await context.sendActivity(erasureDoneText(report));
  }

  private async touchProfile(context: TurnContext): Promise<void> {
    const at = this.now().toISOString();
    const profile = await this.profile.get(context, { firstSeenAt: at, lastSeenAt: at, turns: 0 });
    profile.lastSeenAt = at;
    profile.turns += 1;
  }
}

/** Why the draft could not be written, for the official: nothing was changed in any case. */
function draftUnavailableText(error: DraftUnavailableError): string {
  switch (error.reason) {
    case 'not found':
    case 'dossier_not_found':
      return `Le dossier ${error.reference} n’existe plus : il a été supprimé. Écrivez « préparer une candidature » pour en commencer un nouveau.`;
    case 'correction_outside_sections':
      return (
        `La préfecture n’a rouvert que certaines sections du dossier ${error.reference} : cette modification porte sur une autre section (ou sur le département, ` +
        'que seule la préfecture peut changer). Rien n’a été modifié. Écrivez « reprendre » pour revenir aux corrections demandées, ou contactez la préfecture.'
      );
    case 'invalid_dossier':
      return `Cette réponse n’a pas pu être enregistrée dans le dossier ${error.reference} (trop longue ou non valide) : rien n’a été modifié. Écrivez « reprendre » pour continuer.`;
    default:
      return `Le dossier ${error.reference} ne peut plus être modifié ici (il a peut-être été déposé depuis une autre fenêtre). Écrivez « résumé » pour le consulter.`;
  }
}

/** The DraftUnavailableError behind an error, which botbuilder-dialogs wraps in a DialogContextError (`error`). */
function draftUnavailable(thrown: unknown): DraftUnavailableError | undefined {
  if (thrown instanceof DraftUnavailableError) return thrown;
  const inner = (thrown as { error?: unknown } | null)?.error;
  return inner instanceof DraftUnavailableError ? inner : undefined;
}

/** Who is writing: the user id on this channel, and the Teams identity when there is one. */
function ownerOf(activity: Partial<Activity>): Owner {
  const channelData = activity.channelData as { tenant?: { id?: string } } | undefined;
  const tenantId = activity.conversation?.tenantId ?? channelData?.tenant?.id;
  return {
    channel: activity.channelId ?? 'unknown',
    userId: activity.from?.id ?? 'unknown',
    ...(activity.from?.aadObjectId ? { aadObjectId: activity.from.aadObjectId } : {}),
    ...(tenantId ? { tenantId } : {}),
  };
}

/**
 * A message written to a person (« Bonjour Mme Martin, … », « Madame, … », « Cher Monsieur Durand, … »), or opened
 * by a greeting: the shape of a reply to the prefecture's message.
 */
function addressOf(text: string): 'person' | 'greeting' | undefined {
  const folded = text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
  if (/^((bonjour|bonsoir|cher|chere)\b[ ,]*)?(madame|monsieur|mme|mlle|m\.|mr)(\s|,|$)/.test(folded)) return 'person';
  if (/^(bonjour|bonsoir)\b[ ,!.]+\p{L}/u.test(folded) && folded.split(/\s+/).length >= 6) return 'greeting';
  return undefined;
}

/** What a greeting may open other than a reply: then the official is asked whether it is one. */
const ASKING_INTENTS: ReadonlySet<Understanding['intent']> = new Set(['question', 'status', 'progress', 'summary', 'apply', 'help', 'restart', 'cancel', 'erase_data']);
const REPLY_CHOICES = ['Oui', 'Non'] as const;
const RESUBMIT_AFTER_CORRECTIONS =
  'Oui, c’est vous qui redéposez le dossier : une fois les sections demandées revues, le récapitulatif revient ; répondez alors « Déposer le dossier » et il repart à la préfecture.';

/** « je dois renvoyer le dossier moi même ? », « on le redépose comment ? »: how the corrected dossier goes back. */
function asksToResubmit(question: string): boolean {
  return /\b(renvo\w*|redepos\w*|re-depos\w*|retransmet\w*|deposer (a|de) nouveau|transmettre (a|de) nouveau)\b/.test(normalizeText(question));
}
/** « garder, et … », « je garde et … »: the answer on screen is kept before another question's value. */
const KEEP_BEFORE_VALUE = /^(garder|je garde|on garde|conserver|inchange|inchangee|pareil|idem)\b\s*(,|et\b|\.|;)/;

/** The id of the dialog at the bottom of the stack: the prompt on screen. */
function innermostDialogId(dc: DialogContext): string | undefined {
  let inner: DialogContext = dc;
  while (inner.child) inner = inner.child;
  return inner.activeDialog?.id;
}

/** The first «…» of a correction that is not the wrong value (« « Ateliers du Val » et non « Ateliers » »). */
function quotedValue(text: string): string | undefined {
  for (const match of text.matchAll(/[«"“]\s*([^»"”]+?)\s*[»"”]/g)) {
    const before = text.slice(Math.max(0, match.index - 12), match.index);
    if (!/(non|pas|au lieu de)\s*$/i.test(before)) return match[1];
  }
  return undefined;
}

function ownedBy(dossier: Dossier, owner: Owner): boolean {
  const holder = dossier.owner;
  return (holder.userId === owner.userId && holder.channel === owner.channel) || (owner.aadObjectId !== undefined && holder.aadObjectId === owner.aadObjectId);
}

/** How each target of an edit reads in « D'accord, modifions … ». */
const TARGET_LABELS: Record<string, string> = {
  collectivity: 'la collectivité',
  contact: 'le contact',
  scheme: 'le dispositif',
  fields: 'les champs',
  commitments: 'les engagements',
  actions: 'les actions',
  budget: 'les autres financeurs du budget',
  'collectivity.name': 'le nom de la collectivité',
  'collectivity.kind': 'le type de collectivité',
  'collectivity.departement': 'le département',
  'collectivity.siren': 'le SIREN',
  'collectivity.population': 'la population',
  'contact.name': 'le nom du contact',
  'contact.role': 'la fonction du contact',
  'contact.email': 'l’adresse électronique du contact',
  'contact.phone': 'le téléphone du contact',
  'scheme.approach': 'la démarche',
  'scheme.diagnostic': 'le diagnostic',
  'scheme.housing': 'les actions de logement',
  'scheme.choice': 'le dispositif',
  'fields.selection': 'les champs',
  'commitments.kinds': 'les engagements',
  'commitments.amount': 'le montant du cofinancement',
  'action.title': 'l’intitulé de l’action',
  'action.field': 'le champ de l’action',
  'action.description': 'la description de l’action',
  'action.publics': 'le public de l’action',
  'action.beneficiaries': 'le nombre de bénéficiaires',
  'action.cost': 'le coût de l’action',
  'action.stateShare': 'le financement demandé à l’État',
  'action.carrier': 'le porteur de l’action',
  'budget.otherFunders': 'les autres financeurs',
};

/** What the seed says of a new application after a refusal: nothing, so nothing is invented. */
const AFTER_REFUSAL = 'Si ou quand un dossier refusé peut être déposé de nouveau, le texte de référence ne le précise pas : la préfecture de votre département pourra vous renseigner.';

/** A submitted dossier as its official sees it: status, date, what the prefecture asked, what comes next. */
function statusText(dossier: Dossier): string {
  const longDate = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });
  const lastSubmission = dossier.history.findLast((entry) => entry.to === 'submitted' && entry.from !== 'submitted');
  const first = dossier.submittedAt ? longDate.format(dossier.submittedAt) : undefined;
  const again = lastSubmission && dossier.submittedAt && lastSubmission.at.getTime() !== dossier.submittedAt.getTime() ? longDate.format(lastSubmission.at) : undefined;
  // Resubmitted the same day: « déposé puis redéposé le 6 décembre 2026 », the date said once.
  const submitted = !first ? '' : again === undefined ? ` le ${first}` : again === first ? ` puis redéposé le ${first}` : ` le ${first} et de nouveau le ${again}`;
  // The decision's motivation as the prefecture wrote it (mandatory to refuse), repeated whenever the official asks.
  const decision = dossier.status === 'rejected' || dossier.status === 'accepted' ? dossier.history.findLast((entry) => entry.to === dossier.status && !entry.document) : undefined;
  const motivation = decision?.reason ?? decision?.comment;
  const head = `Votre dossier ${dossier.reference}${dossier.collectivity.name ? ` (${escapeMarkdown(dossier.collectivity.name)})` : ''} a le statut « ${STATUS_LABELS[dossier.status]} »${dossier.status === 'draft' ? '' : `, déposé${submitted}`}.`;
  const request = dossier.changesRequested
    ? `\n\nLa préfecture demande des corrections (${dossier.changesRequested.sections.map((section) => SECTION_LABELS[section].toLowerCase()).join(', ')}) : ${escapeMarkdown(dossier.changesRequested.reason)}. Écrivez « reprendre » pour les faire.`
    : '';
  const next: Record<string, string> = {
    draft: ' Il n’est pas encore déposé : écrivez « reprendre » pour le continuer.',
    submitted: ' Il attend d’être examiné par un instructeur de la préfecture ; je vous préviendrai ici de toute demande.',
    under_review: ' Un instructeur de la préfecture l’examine ; je vous préviendrai ici de toute demande ou décision.',
    changes_requested: '',
    accepted: ` Il a été accepté : la préfecture vous contactera pour la suite.${motivation ? `\n\nMessage de la préfecture : ${escapeMarkdown(motivation)}` : ''}`,
    rejected: motivation
      ? ` Il n’a pas été retenu.\n\nMotivation de la préfecture : ${escapeMarkdown(motivation)}\n\n${AFTER_REFUSAL}`
      : ` Il n’a pas été retenu ; pour en connaître les motifs, adressez-vous à la préfecture de votre département. ${AFTER_REFUSAL}`,
    withdrawn: ' Il a été retiré.',
  };
  return `${head}${next[dossier.status] ?? ''}${request}`;
}

/** The question waiting for an answer, found at the bottom of the dialog stack. */
function activeQuestion(dc: DialogContext) {
  let inner: DialogContext = dc;
  while (inner.child) inner = inner.child;
  const state = inner.activeDialog?.state as { options?: Parameters<typeof AnswerPrompt.specOf>[0] } | undefined;
  return AnswerPrompt.specOf(state?.options);
}

const ERASURE_CHOICES = ['Oui, supprimer mes données', 'Non, ne rien supprimer'] as const;

function listOf(references: string[]): string {
  return references.length <= 1 ? references.join('') : `${references.slice(0, -1).join(', ')} et ${references[references.length - 1]}`;
}

function keptText(kept: string[]): string {
  if (kept.length === 0) return '';
  return kept.length === 1
    ? ` Le dossier ${kept[0]}, déjà déposé, est conservé : la préfecture en a besoin pour son instruction.`
    : ` Les dossiers ${listOf(kept)}, déjà déposés, sont conservés : la préfecture en a besoin pour leur instruction.`;
}

function erasureQuestion({ erased, kept }: ErasureReport): string {
  const drafts = erased.length === 0 ? '' : erased.length === 1 ? `votre brouillon ${erased[0]}, ` : `vos brouillons ${listOf(erased)}, `;
  return (
    `Voulez-vous vraiment supprimer vos données ? J’effacerai définitivement ${drafts}l’historique de nos conversations et ce que je garde de vous (préférences, dernière question posée).` +
    `${keptText(kept)} Répondez « oui » pour confirmer ou « non » pour ne rien supprimer.`
  );
}

function erasureDoneText({ erased, kept }: ErasureReport): string {
  const drafts = erased.length === 0 ? '' : erased.length === 1 ? `votre brouillon ${erased[0]}, ` : `vos brouillons ${listOf(erased)}, `;
  return (
    `C’est fait : ${drafts}l’historique de nos conversations et vos préférences ont été supprimés.` +
    (kept.length === 0 ? '' : `${keptText(kept)} Pour toute question à leur sujet, adressez-vous à la préfecture de votre département.`) +
    ' Vous pouvez revenir quand vous voulez : écrivez « préparer une candidature » pour commencer un nouveau dossier.'
  );
}

function progressText(dossier: Dossier): string {
  const report = checkCompleteness(dossier);
  const lines = SectionIdSchema.options
    .filter((section) => section !== 'budget')
    .map((section) => {
      const problems = report.problems.filter((problem) => problem.section === section).length;
      return `- ${SECTION_LABELS[section]} : ${problems === 0 ? '✅ complet' : `à compléter (${problems} point${problems > 1 ? 's' : ''})`}`;
    });
  return `Dossier ${dossier.reference} (${STATUS_LABELS[dossier.status].toLowerCase()}) :\n\n${lines.join('\n')}`;
}
