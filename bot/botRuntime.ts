// Wires the Bot Framework pieces together: adapter (with or without JWT check), state on MongoDB, the bot.
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  ConversationState,
  UserState,
  type Activity,
  type TurnContext,
} from 'botbuilder';
import type { Request, Response } from 'express';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { ApplicantDossiers } from '../dossiers/applicantData';
import { isDatabaseUnavailable } from '../dossiers/databaseErrors';
import { DossierRepository } from '../dossiers/dossierRepository';
import type { FaqService } from '../knowledge/faq/faqService';
import { AssistantBot } from './assistantBot';
import { DIRECTLINE_SERVICE_URL } from './directline/conversationFeed';
import { MongoStorage } from './mongoStorage';
import { ConversationReferences, createOwnerNotifier, createStatusNotifier, type OwnerNotifier, type PrefectureReplies, type StatusChangeEvent } from './notifications';
import { PersonalData, type WidgetHistory } from './personalData';

export interface BotSettings {
  appId: string | undefined;
  appPassword: string | undefined;
  appTenantId: string | undefined;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
}

export interface BotRuntime {
  /** The express handler for `POST /api/messages`. */
  handleMessages(req: Request, res: Response): Promise<void>;
  /**
   * Runs one turn for an activity of our own channels (the web widget's Direct Line) in-process,
   * with no Bot Framework authentication, and returns the bot's replies.
   */
  processInternal(activity: Partial<Activity>): Promise<Activity[]>;
  /** Tells the applicant, in the channel they used, that their dossier changed status; never throws. */
  notifyStatusChange(event: StatusChangeEvent): Promise<void>;
}

/** The runtime of the product's own bot, which can also write to an applicant about their drafts. */
export interface AssistantRuntime extends BotRuntime {
  /** Writes to an applicant in their last conversation (retention warnings); resolves to whether it went out, never throws. */
  notifyOwner: OwnerNotifier;
}

/** An adapter for activities that never left this process: it trusts them and collects the replies. */
class InternalChannelAdapter extends CloudAdapter {
  async processInternal(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<Activity[]> {
    const response = await this.processActivity('', { ...activity, deliveryMode: 'expectReplies' } as Activity, logic);
    const body = response?.body as { activities?: Activity[] } | undefined;
    return body?.activities ?? [];
  }
}

export const TURN_ERROR_TEXT =
  'Désolé, une erreur inattendue m’empêche de répondre. Ce que vous avez déjà saisi est conservé : réessayez dans un instant.';

/** When the database is out of reach, the answer just given could not be saved, but everything before it was. */
export const DATABASE_UNAVAILABLE_TEXT =
  'Le service est momentanément indisponible. Ce que vous avez déjà saisi est enregistré et en sécurité, ' +
  'mais votre dernier message n’a pas pu être pris en compte : renvoyez-le dans quelques instants.';

export interface BotRuntimeDependencies {
  connection: Connection;
  /** Appends a bot message to a web widget conversation's feed (our Direct Line has no connector). */
  appendToWidgetFeed?: (conversationId: string, text: string) => Promise<void>;
  /** The web widget's conversation history, erased on « supprimer mes données ». */
  widgetHistory?: WidgetHistory;
  repository: DossierRepository;
  faq: FaqService;
  logger: Logger;
  /** The applicant's replies to the prefecture, for the back-office's thread. */
  prefectureReplies?: PrefectureReplies;
}

export function createBotRuntime(settings: BotSettings, deps: BotRuntimeDependencies): AssistantRuntime {
  const { connection, logger } = deps;
  const authConfig = {
    MicrosoftAppId: settings.appId ?? '',
    MicrosoftAppPassword: settings.appPassword ?? '',
    MicrosoftAppTenantId: settings.appTenantId ?? '',
    MicrosoftAppType: settings.appType,
  };
  // With an empty MicrosoftAppId the SDK accepts unauthenticated activities (local use, the web
  // widget's own Direct Line); as soon as an app id is set every request must carry a valid JWT.
  const auth = new ConfigurationBotFrameworkAuthentication(authConfig, new ConfigurationServiceClientCredentialFactory(authConfig));
  const adapter = new CloudAdapter(auth);
  const internalAdapter = new InternalChannelAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const botLogger = logger.child({ component: 'bot' });

  const onTurnError = async (context: TurnContext, error: Error) => {
    const unavailable = isDatabaseUnavailable(error);
    const where = { channelId: context.activity.channelId, activityType: context.activity.type };
    if (unavailable) botLogger.warn({ ...where, error: error.name, code: (error as { code?: unknown }).code }, 'Turn failed: the database is unavailable');
    else botLogger.error({ err: error, ...where }, 'Turn failed');
    try {
      await context.sendActivity(unavailable ? DATABASE_UNAVAILABLE_TEXT : TURN_ERROR_TEXT);
    } catch (sendError) {
      botLogger.warn({ err: sendError }, 'Could not tell the user about the failed turn');
    }
  };
  adapter.onTurnError = onTurnError;
  internalAdapter.onTurnError = onTurnError;

  const storage = new MongoStorage(connection);
  const references = new ConversationReferences(connection);
  const personalData = new PersonalData({ dossiers: new ApplicantDossiers(connection), storage, references, widget: deps.widgetHistory });
  const bot = new AssistantBot({
    conversationState: new ConversationState(storage),
    userState: new UserState(storage),
    repository: deps.repository,
    faq: deps.faq,
    feedback: connection.collection('faq_feedback'),
    references,
    personalData,
    logger: botLogger,
    ...(deps.prefectureReplies ? { prefectureReplies: deps.prefectureReplies } : {}),
  });

  const notifyOwner = createOwnerNotifier({
    references,
    sendThroughConnector: async (reference, text) => {
      // The adapter hands a failure inside the logic to onTurnError and resolves: keep it to report it.
      let failure: unknown;
      await adapter.continueConversationAsync(settings.appId ?? '', reference, async (context) => {
        try {
          await context.sendActivity(text);
        } catch (error) {
          failure = error;
        }
      });
      if (failure !== undefined) throw failure;
    },
    appendToWidgetFeed: async (conversationId, text) => {
      if (!deps.appendToWidgetFeed) throw new Error('The web widget feed is not available');
      await deps.appendToWidgetFeed(conversationId, text);
    },
    isWidgetReference: (reference) => reference.serviceUrl === DIRECTLINE_SERVICE_URL,
    logger: botLogger,
  });

  return {
    notifyStatusChange: createStatusNotifier(notifyOwner),
    notifyOwner,
    handleMessages: (req, res) => adapter.process(req, res, (context) => bot.run(context)),
    processInternal: (activity) => internalAdapter.processInternal(activity, (context) => bot.run(context)),
  };
}
