// The bot: greets officials in French and routes each turn (commands, questions to the FAQ, the guided
// application); conversation and user state are saved once, at the end of the turn.
import {
  ActivityHandler,
  MessageFactory,
  type Activity,
  type BotState,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import { DialogSet, type DialogContext, type DialogState } from 'botbuilder-dialogs';
import type { Logger } from 'pino';
import type { Collection } from 'mongoose';
import type { DossierRepository } from '../dossiers/dossierRepository';
import type { Dossier, Owner } from '../dossiers/dossierSchema';
import { checkCompleteness, SECTION_LABELS, SectionIdSchema } from '../knowledge/completeness';
import type { FaqAnswer, FaqService } from '../knowledge/faq/faqService';
import { STATUS_LABELS } from '../knowledge/schemes';
import { AnswerPrompt } from '../dialogs/answerPrompt';
import { APPLICATION_DIALOG, ApplicationDialog } from '../dialogs/applicationDialog';
import { summaryCard } from '../dialogs/dossierSummary';
import { DraftUnavailableError, RepositoryDraftStore } from '../dialogs/draftStore';
import { escapeMarkdown } from '../dialogs/questionCards';
import { isJourneyRequest, questionLikelihood, recognizeCommand, recognizeErasureConfirmation, type Command } from './commands';
import type { ConversationReferences, PrefectureReplies } from './notifications';
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

const FEEDBACK_CHOICES = ['👍 Utile', '👎 Pas utile'];

interface ConversationMemory {
  dialogVersion?: number;
  /** The last FAQ answer, for « source 2 » and the 👍/👎 feedback. */
  lastFaq?: { question: string; answered: boolean; sources: FaqAnswer['sources'] };
  /** « Supprimer mes données » was asked: the next message confirms it or not. */
  pendingErasure?: boolean;
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

  constructor(private readonly deps: AssistantBotDependencies) {
    super();
    this.now = deps.now ?? (() => new Date());
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    this.memory = deps.conversationState.createProperty<ConversationMemory>('memory');
    this.profile = deps.userState.createProperty<UserProfile>('profile');
    this.dialogs = new DialogSet(this.dialogState);
    this.dialogs.add(new ApplicationDialog(new RepositoryDraftStore(deps.repository)));

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
        const gone = error.reason === 'not found' || error.reason === 'dossier_not_found';
        await context.sendActivity(
          gone
            ? `Le dossier ${error.reference} n’existe plus : il a été supprimé. Écrivez « préparer une candidature » pour en commencer un nouveau.`
            : `Le dossier ${error.reference} ne peut plus être modifié ici (il a peut-être été déposé depuis une autre fenêtre). Écrivez « résumé » pour le consulter.`,
        );
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
    const command = recognizeCommand(text);
    if (command) {
      await this.runCommand(dc, command, memory);
      return;
    }

    if (dc.activeDialog) {
      const likelihood = questionLikelihood(text);
      if (likelihood !== 'no') {
        const answer = await this.deps.faq.answer(text ?? '');
        if (likelihood === 'certain' || answer.answered) {
          await this.sendFaqAnswer(context, text ?? '', answer, memory);
          await dc.repromptDialog();
          return;
        }
      }
      await this.continueSafely(dc);
      return;
    }

    if (!text || text.trim() === '') {
      await context.sendActivity(MessageFactory.suggestedActions([...MENU_CHOICES], MENU_TEXT));
      return;
    }
    if (isJourneyRequest(text)) {
      await this.startApplication(dc, false);
      return;
    }
    const answer = await this.deps.faq.answer(text);
    if (!answer.answered && questionLikelihood(text) === 'no') {
      // A greeting or a word the base does not know: not a question to rate, so offer the menu.
      await context.sendActivity(answer.answer);
      await context.sendActivity(MessageFactory.suggestedActions([...MENU_CHOICES], MENU_TEXT));
      return;
    }
    await this.sendFaqAnswer(context, text, answer, memory);
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
        const draft = await this.deps.repository.findDraftForOwner(ownerOf(context.activity));
        await context.sendActivity(draft ? progressText(draft) : 'Vous n’avez pas de dossier en cours. Écrivez « préparer une candidature » pour en commencer un.');
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
          await context.sendActivity('Merci !');
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
  private async startApplication(dc: DialogContext, fresh: boolean): Promise<void> {
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
      await dc.beginDialog(APPLICATION_DIALOG, { reference: existing.reference });
      return;
    }
    const draft = await this.deps.repository.createDraft(owner);
    await dc.context.sendActivity(
      `C’est parti ! J’ai ouvert le dossier ${draft.reference}. Tout est enregistré au fur et à mesure : vous pouvez vous interrompre et reprendre plus tard. ` +
        'Écrivez « aide » à tout moment pour un exemple de réponse.',
    );
    await dc.beginDialog(APPLICATION_DIALOG, { reference: draft.reference });
  }

  private async latestDossier(context: TurnContext): Promise<Dossier | null> {
    return this.deps.repository.findDraftForOwner(ownerOf(context.activity));
  }

  private async sendFaqAnswer(context: TurnContext, question: string, answer: FaqAnswer, memory: ConversationMemory): Promise<void> {
    memory.lastFaq = { question: question.slice(0, 1000), answered: answer.answered, sources: answer.sources };
    const sources = answer.sources.map((source, index) => `[${index + 1}] ${source.title}`).join(' ; ');
    const body = answer.answered && sources ? `${answer.answer}\n\nSources : ${sources}. Écrivez « source 1 » pour lire le passage.` : answer.answer;
    await context.sendActivity(body);
    await context.sendActivity(MessageFactory.suggestedActions(FEEDBACK_CHOICES, 'Cette réponse vous a aidé ?'));
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
