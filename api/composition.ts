// Builds the whole product on an open database: the bot, its channels (Bot Framework endpoint, web
// widget and Direct Line), the FAQ and the staff API. The server and the tests compose it the same way.
import type { Express } from 'express';
import { createBotRuntime, type AssistantRuntime, type BotSettings } from '../bot/botRuntime';
import { BOT_ACCOUNT, ConversationFeed, DIRECTLINE_CHANNEL_ID } from '../bot/directline/conversationFeed';
import { ConversationQuota, type ConversationLimits } from '../bot/directline/conversationQuota';
import { DEFAULT_CONVERSATION_LIMITS } from '../bot/directline/directLineRouter';
import { resolveDirectLineSecret } from '../bot/directline/directLineSecret';
import { MongoStorage } from '../bot/mongoStorage';
import { DossierRepository } from '../dossiers/dossierRepository';
import { DraftRetention, type RetentionPolicy } from '../dossiers/draftRetention';
import type { FaqService } from '../knowledge/faq/faqService';
import { AttachmentTurns, infectedDocumentText, type AttachmentTurnsDependencies } from '../bot/attachments/attachmentTurns';
import { ClamdScanner } from '../dossiers/attachments/clamdScanner';
import { DossierAttachments } from '../dossiers/attachments/dossierAttachments';
import { createApp } from './app';
import { DEFAULT_ATTACHMENTS_CONFIG, type AttachmentsConfig } from './attachments/attachmentsConfig';
import { UploadInbox } from './attachments/directLineUpload';
import type { Database } from './database';
import type { StaffApiDependencies } from './dossiers/dossierRouter';
import { statusChangeEventOf, type StatusChangeListener } from './dossiers/dossierService';
import type { InstructionOptions } from './instruction/instructionRouter';
import { AgentNotifications, createSmtpSender } from './instruction/mailer';
import { PrefectureReplies } from '../bot/notifications';
import { DailyDigest } from './instruction/dailyDigest';
import type { Logger } from './logger';
import { createConversationPurgeTask, createRetentionTask, type ConversationPurgeTask, type RetentionTask } from './retention';
import { StaffAccountRepository } from './staff/staffRepository';

export interface CompositionOptions {
  database: Database;
  logger: Logger;
  faq: FaqService;
  version: string;
  bot: BotSettings;
  directLine: {
    secret: string | undefined;
    tokenTtlSeconds: number;
    now?: () => Date;
    /** Caps on the conversations started per UTC day (200 per address and 20,000 in all by default). */
    conversationLimits?: ConversationLimits;
    /** How long idle conversations are kept (24 hours if the user never wrote, 7 days otherwise, by default). */
    purge?: { emptyHours: number; abandonedDays: number };
  };
  staffApi: Omit<StaffApiDependencies, 'dossiers' | 'staffAccounts' | 'onStatusChange'>;
  /** POST /api/faq per client IP and minute (120 by default). */
  faqRateLimitPerMinute?: number;
  /** More subscribers to staff's status changes; the applicant's chat notification is always there. */
  statusListeners?: StatusChangeListener[];
  /** Subscribers to every status change, the applicant's included (the webhook). */
  transitionListeners?: StatusChangeListener[];
  /** Drafts untouched this long are deleted, after a warning `warningDays` before (180 and 7 by default). */
  retention?: Partial<RetentionPolicy>;
  isShuttingDown?: () => boolean;
  /** Documents: limits and clamd (from the configuration; defaults otherwise), and Teams file downloads (on with an app id). */
  attachments?: AttachmentsConfig & { teamsFiles?: AttachmentTurnsDependencies['teamsFiles'] };
  /** The back-office pages: session lifetimes, ProConnect, e-mail. */
  instruction?: InstructionOptions;
}

export interface Composition {
  app: Express;
  repository: DossierRepository;
  bot: AssistantRuntime;
  staffAccounts: StaffAccountRepository;
  /** The draft retention task, for the server's timer (and tests, with their own clock). */
  retention: RetentionTask;
  /** The dossiers' documents. */
  attachments: DossierAttachments;
  /** The purge of idle widget conversations, for the server's timer (and tests, with their own clock). */
  conversationPurge: ConversationPurgeTask;
  /** The instructeurs' daily digest, when SMTP and MAIL_DIGEST_HOUR are set: for the server's timer. */
  digest?: DailyDigest;
}

const DEFAULT_RETENTION: RetentionPolicy = { retentionDays: 180, warningDays: 7 };
const DEFAULT_CONVERSATION_PURGE = { emptyHours: 24, abandonedDays: 7 };

export async function composeApp(options: CompositionOptions): Promise<Composition> {
  const { database, logger, faq } = options;
  const { connection } = database;
  const repository = new DossierRepository(connection);
  const staffAccounts = new StaffAccountRepository(connection);
  await Promise.all([repository.init(), staffAccounts.init()]);
  for (const listener of options.transitionListeners ?? []) {
    repository.onTransition((dossier, entry) => listener(statusChangeEventOf(dossier, entry)));
  }
  const feed = new ConversationFeed(connection);
  const attachmentsConfig = options.attachments ?? DEFAULT_ATTACHMENTS_CONFIG;
  const attachments = new DossierAttachments(connection, {
    limits: attachmentsConfig.limits,
    ...(attachmentsConfig.clamd ? { scanner: new ClamdScanner(attachmentsConfig.clamd.address, attachmentsConfig.clamd.timeoutMs) } : {}),
    logger: logger.child({ component: 'attachments' }),
  });
  const uploads = new UploadInbox();
  const attachmentTurns = new AttachmentTurns({
    attachments,
    repository,
    uploads,
    teamsFiles: options.attachments?.teamsFiles ?? { enabled: Boolean(options.bot.appId) },
    logger: logger.child({ component: 'attachments' }),
  });
  const mail = options.instruction?.mail;
  const agentMail = mail
    ? new AgentNotifications({ accounts: staffAccounts, send: createSmtpSender(mail), publicBaseUrl: options.instruction?.publicBaseUrl, logger: logger.child({ component: 'mail' }) })
    : undefined;
  if (agentMail) {
    repository.onTransition(
      (dossier, entry) => agentMail.dossierSubmitted(dossier, entry),
      (error) => logger.error({ err: error }, 'Could not tell the agents of a submission by e-mail'),
    );
  }
  const digest =
    mail?.digestHour !== undefined
      ? new DailyDigest({ dossiers: repository, accounts: staffAccounts, send: createSmtpSender(mail), connection, hour: mail.digestHour, publicBaseUrl: options.instruction?.publicBaseUrl, logger: logger.child({ component: 'digest' }) })
      : undefined;
  const prefectureReplies = new PrefectureReplies({
    repository,
    ...(agentMail ? { onReply: (dossier, message) => agentMail.applicantMessage(dossier, message) } : {}),
    logger: logger.child({ component: 'replies' }),
  });
  const bot = createBotRuntime(options.bot, {
    connection,
    repository,
    faq,
    logger,
    attachmentTurns,
    deleteDossierFiles: (references) => attachments.deleteFilesOf(references),
    prefectureReplies,
    appendToWidgetFeed: async (conversationId, text) => {
      await feed.appendActivities(conversationId, [{ type: 'message', from: BOT_ACCOUNT, text, locale: 'fr-FR' }]);
    },
    widgetHistory: {
      channelId: DIRECTLINE_CHANNEL_ID,
      conversationIdsOf: (userId) => feed.conversationIdsOf(userId),
      deleteUserHistory: (userId, deletion) => feed.deleteUserHistory(userId, deletion),
      revokeTokens: (userId, revocation) => feed.revokeUser(userId, revocation),
    },
  });
  // A document found infected after it was held for analysis: the applicant is told in their chat.
  attachments.onInfected(async ({ reference, attachment, signature }) => {
    const dossier = await repository.findByReference(reference);
    if (dossier) await bot.notifyOwner(dossier.owner, infectedDocumentText(dossier, attachment, signature), { reference, reason: 'attachment-infected' });
  });
  const policy: RetentionPolicy = { ...DEFAULT_RETENTION, ...options.retention };
  const retention = createRetentionTask({ retention: new DraftRetention(connection), notifyOwner: bot.notifyOwner, policy, logger: logger.child({ component: 'retention' }), deleteDossierFiles: async (references) => {
    await attachments.deleteFilesOf(references);
    await attachments.deleteOrphans();
  } });
  const secret = await resolveDirectLineSecret(options.directLine.secret, connection);
  const conversationLimits = options.directLine.conversationLimits ?? DEFAULT_CONVERSATION_LIMITS;
  const botState = new MongoStorage(connection);
  const conversationPurge = createConversationPurgeTask({
    feed,
    quota: new ConversationQuota(connection, conversationLimits, secret),
    deleteConversationStates: (ids) => botState.delete(ids.map((id) => `${DIRECTLINE_CHANNEL_ID}/conversations/${id}/`)),
    policy: { ...DEFAULT_CONVERSATION_PURGE, ...options.directLine.purge, tokenTtlSeconds: options.directLine.tokenTtlSeconds },
    logger: logger.child({ component: 'directline' }),
  });
  const app = createApp({
    logger,
    database,
    bot,
    faq,
    faqRateLimitPerMinute: options.faqRateLimitPerMinute,
    version: options.version,
    isShuttingDown: options.isShuttingDown,
    directLine: { secret, tokenTtlSeconds: options.directLine.tokenTtlSeconds, now: options.directLine.now, conversationLimits, upload: { inbox: uploads, maxFileBytes: attachmentsConfig.limits.maxFileBytes } },
    draftRetentionDays: policy.retentionDays,
    attachments,
    instruction: { ...options.instruction, notifyOwner: bot.notifyOwner },
    staffApi: {
      ...options.staffApi,
      dossiers: repository,
      staffAccounts,
      notifyOwner: bot.notifyOwner,
      onStatusChange: [(event) => bot.notifyStatusChange(event), ...(options.statusListeners ?? [])],
    },
  });
  return { app, repository, bot, staffAccounts, retention, attachments, conversationPurge, ...(digest ? { digest } : {}) };
}
