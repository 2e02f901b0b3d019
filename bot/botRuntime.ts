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
import { AppError } from '../api/errors';
import { ApplicantDossiers } from '../dossiers/applicantData';
import { isDatabaseUnavailable } from '../dossiers/databaseErrors';
import { DossierRepository } from '../dossiers/dossierRepository';
import type { FaqService } from '../knowledge/faq/faqService';
import { AssistantBot } from './assistantBot';
import type { AttachmentTurns } from './attachments/attachmentTurns';
import { DIRECTLINE_CHANNEL_ID, DIRECTLINE_SERVICE_URL } from './directline/conversationFeed';
import { MongoStorage } from './mongoStorage';
import { ConversationReferences, createOwnerNotifier, createStatusNotifier, type OwnerNotifier, type PrefectureReplies, type StatusChangeEvent } from './notifications';
import { PersonalData, type WidgetHistory } from './personalData';

export interface BotSettings {
  appId: string | undefined;
  appPassword: string | undefined;
  appTenantId: string | undefined;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  /**
   * Development only (the config refuses it in production): without an app id, accept unauthenticated
   * activities whose serviceUrl is on this machine, as the Bot Framework Emulator sends them.
   */
  allowUnauthenticated?: boolean;
  /** Where channel tokens' signing keys are published and who issues them: the Bot Framework's by default (a loopback server in tests). */
  channelTokens?: { openIdMetadataUrl: string; issuer: string };
}

/**
 * Channels that only our own Direct Line may carry: their conversation state must never be reachable
 * through /api/messages (a stranger naming a widget conversation id would share its dialog).
 */
const WIDGET_CHANNELS = new Set([DIRECTLINE_CHANNEL_ID, 'webchat', 'directline']);

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function isLoopbackServiceUrl(serviceUrl: string | undefined): boolean {
  if (!serviceUrl) return false;
  try {
    const url = new URL(serviceUrl);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
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

type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/** The claim of a Bot Framework channel token naming where the bot may POST its replies. */
const SERVICE_URL_CLAIM = 'serviceurl';

/** The adapter of /api/messages, fed with requests `createBotRuntime` has already authenticated. */
class BotFrameworkChannelAdapter extends CloudAdapter {
  processAuthenticated(authenticated: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authenticated, activity, logic);
  }
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
  /** Documents in the chat (widget uploads, Teams files); without it files are ignored. */
  attachmentTurns?: AttachmentTurns;
  /** Deletes the stored files of erased drafts. */
  deleteDossierFiles?: (references: string[]) => Promise<unknown>;
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
    ...(settings.channelTokens
      ? { ToBotFromChannelOpenIdMetadataUrl: settings.channelTokens.openIdMetadataUrl, ToBotFromChannelTokenIssuer: settings.channelTokens.issuer }
      : {}),
  };
  // With an empty MicrosoftAppId the SDK itself would accept anyone: `authenticate` below refuses
  // that unless the development switch is on, and then only for a serviceUrl on this machine.
  const auth = new ConfigurationBotFrameworkAuthentication(authConfig, new ConfigurationServiceClientCredentialFactory(authConfig));
  const adapter = new BotFrameworkChannelAdapter(auth);
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
  const personalData = new PersonalData({ dossiers: new ApplicantDossiers(connection), storage, references, widget: deps.widgetHistory, deleteDossierFiles: deps.deleteDossierFiles });
  const bot = new AssistantBot({
    conversationState: new ConversationState(storage),
    userState: new UserState(storage),
    repository: deps.repository,
    attachmentTurns: deps.attachmentTurns,
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

  /**
   * Who may post to /api/messages: the Bot Framework, with a token that vouches for the activity's
   * serviceUrl (the bot POSTs its replies there, so an unchecked one is a blind SSRF).
   */
  const authenticate = async (activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> => {
    if (WIDGET_CHANNELS.has(activity.channelId)) throw new AppError('BOT_CHANNEL_REFUSED');
    if (!settings.appId) {
      if (!settings.allowUnauthenticated) throw new AppError('BOT_AUTHENTICATION_NOT_CONFIGURED');
      if (!isLoopbackServiceUrl(activity.serviceUrl)) throw new AppError('BOT_SERVICE_URL_REFUSED');
      return auth.authenticateRequest(activity, '');
    }
    if (!authHeader) throw new AppError('BOT_UNAUTHENTICATED');
    let result: AuthenticateRequestResult;
    try {
      result = await auth.authenticateRequest(activity, authHeader);
    } catch (error) {
      // Whatever the SDK throws on a bad token (`alg: none`, a garbled header) is a refusal, not a 500.
      throw new AppError('BOT_UNAUTHENTICATED', { cause: error });
    }
    // Emulator and skill tokens carry no serviceUrl claim: nothing then vouches for where replies would go.
    if (result.claimsIdentity.getClaimValue(SERVICE_URL_CLAIM) !== activity.serviceUrl) {
      throw new AppError('BOT_SERVICE_URL_REFUSED');
    }
    return result;
  };

  return {
    notifyStatusChange: createStatusNotifier(notifyOwner),
    notifyOwner,
    handleMessages: async (req, res) => {
      const activity = req.body as Activity;
      const authHeader = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
      const authenticated = await authenticate(activity, authHeader);
      const invokeResponse = await adapter.processAuthenticated(authenticated, activity, (context) => bot.run(context));
      res.status(invokeResponse?.status ?? 200);
      if (invokeResponse?.body === undefined) res.end();
      else res.json(invokeResponse.body);
    },
    processInternal: (activity) => internalAdapter.processInternal(activity, (context) => bot.run(context)),
  };
}
