// Starts the whole product (database, bot, HTTP) and stops it gracefully; used by the entry and by tests.
import type { Express } from 'express';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer, type Server } from 'node:http';
import { createChatModelFromConfig } from '../knowledge/faq/chatModelFactory';
import { createFaqService } from '../knowledge/faq/faqService';
import { createOidcVerifier } from './auth/oidcVerifier';
import { composeApp } from './composition';
import type { Config } from './config';
import { connectDatabase, type Database } from './database';
import type { Logger } from './logger';
import { scheduleRetention, type ConversationPurgeTask, type RetentionTask, type ScheduledTask } from './retention';
import { scheduleRescan } from './attachments/rescanTimer';
import type { DossierAttachments } from '../dossiers/attachments/dossierAttachments';
import { scheduleDigest, type DailyDigest } from './instruction/dailyDigest';
import { createStatusWebhook } from './webhooks/statusWebhook';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly database: Database;
  /** Stops accepting, lets requests in flight finish (up to the shutdown timeout), closes the database. */
  stop(): Promise<void>;
}

const upgradedSockets = new WeakMap<Server, Set<Duplex>>();

function trackUpgradedSockets(server: Server): void {
  const sockets = new Set<Duplex>();
  upgradedSockets.set(server, sockets);
  server.on('upgrade', (_request, socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const database = await connectDatabase(config.database, logger);
  let stopping: Promise<void> | undefined;
  let server: Server;
  let retention: RetentionTask;
  let digest: DailyDigest | undefined;
  let attachments: DossierAttachments;
  let conversationPurge: ConversationPurgeTask;
  try {
    const built = await buildApp(config, logger, database, () => stopping !== undefined);
    retention = built.retention;
    digest = built.digest;
    attachments = built.attachments;
    conversationPurge = built.conversationPurge;
    server = createServer(built.app);
    trackUpgradedSockets(server);
    await listen(server, config.http.port, config.http.host);
  } catch (error) {
    await database.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.http.host && config.http.host !== '0.0.0.0' ? config.http.host : '127.0.0.1'}:${port}`;
  const botAuth = config.bot.appId ? 'jwt' : config.bot.allowUnauthenticated ? 'development-unauthenticated' : 'refused';
  logger.info({ port, url, database: database.kind, auth: botAuth }, 'Server listening');
  if (botAuth === 'development-unauthenticated') {
    logger.warn(
      'BOT_ALLOW_UNAUTHENTICATED=true: /api/messages accepts UNAUTHENTICATED activities (replies only to this machine). Development only: never expose this server.',
    );
  } else if (botAuth === 'refused') {
    logger.warn('MicrosoftAppId is not set: /api/messages refuses every activity (401). The web widget (Direct Line) works; Teams needs an Azure Bot registration.');
  }
  if (config.env === 'production' && database.kind === 'embedded') {
    // Issue 15, F16: said loudly, not at info, since nothing else would tell the operator.
    logger.warn(
      { database: 'embedded' },
      'NODE_ENV=production on the embedded development database (devdb, no replication, no backups): set MONGODB_URI to a MongoDB server before opening this service to users.',
    );
  }
  const digestTimer = digest ? scheduleDigest(digest, { intervalMs: DIGEST_CHECK_MS, logger: logger.child({ component: 'digest' }) }) : undefined;
  const retentionTimer = scheduleRetention(retention, { intervalMs: RETENTION_INTERVAL_MS, firstRunDelayMs: RETENTION_FIRST_RUN_MS, logger: logger.child({ component: 'retention' }) });
  const rescanIntervalMs = config.attachments.clamd?.rescanIntervalMs;
  const rescanTimer: ScheduledTask | undefined = rescanIntervalMs ? scheduleRescan(attachments, { intervalMs: rescanIntervalMs, logger: logger.child({ component: 'attachments' }) }) : undefined;
  const purgeTimer = scheduleRetention(conversationPurge, {
    intervalMs: PURGE_INTERVAL_MS,
    firstRunDelayMs: RETENTION_FIRST_RUN_MS,
    logger: logger.child({ component: 'directline' }),
    name: 'Direct Line purge',
  });

  const stop = async (): Promise<void> => {
    logger.info('Stopping: no new requests, finishing the ones in flight');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // A socket upgraded to a WebSocket (the widget's live stream) is no request in flight, and
    // closeAllConnections() does not reach it: without this, server.close() would wait for ever.
    // The page reconnects, to this server once restarted or to another instance.
    for (const socket of upgradedSockets.get(server) ?? []) socket.destroy();
    // A keep-alive connection becomes idle once its request in flight is answered: close it then.
    server.closeIdleConnections();
    const reaper = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => {
      logger.warn({ timeoutMs: config.http.shutdownTimeoutMs }, 'Shutdown timeout: closing the remaining connections');
      server.closeAllConnections();
    }, config.http.shutdownTimeoutMs);
    await closed;
    clearInterval(reaper);
    clearTimeout(force);
    await Promise.all([retentionTimer.stop(), purgeTimer.stop(), rescanTimer?.stop(), digestTimer?.stop()]);
    await database.close();
    logger.info('Stopped');
  };

  return {
    url,
    port,
    database,
    stop: () => (stopping ??= stop()),
  };
}

/** The daily digest is due from MAIL_DIGEST_HOUR: checked every five minutes. */
const DIGEST_CHECK_MS = 5 * 60_000;

/** The retention sweep runs a minute after start-up (not in the way of a restart), then every six hours. */
const RETENTION_FIRST_RUN_MS = 60_000;
const RETENTION_INTERVAL_MS = 6 * 3600 * 1000;
/** Idle widget conversations are looked for every hour. */
const PURGE_INTERVAL_MS = 3600 * 1000;

async function buildApp(config: Config, logger: Logger, database: Database, isShuttingDown: () => boolean): Promise<{
  app: Express;
  retention: RetentionTask;
  attachments: DossierAttachments;
  conversationPurge: ConversationPurgeTask;
  digest?: DailyDigest;
}> {
  const chatModel = config.llm ? await createChatModelFromConfig(config.llm) : undefined;
  if (config.llm) logger.info({ provider: config.llm.provider, model: config.llm.model }, 'FAQ answers written by a chat model');
  const webhook = config.staffApi.webhook
    ? createStatusWebhook({ config: config.staffApi.webhook, connection: database.connection, logger: logger.child({ component: 'webhook' }) })
    : undefined;
  const faq = await createFaqService({ chatModel, generationTimeoutMs: config.llm?.timeoutMs, logger: logger.child({ component: 'faq' }) });
  const { app, retention, attachments, conversationPurge, digest } = await composeApp({
    database,
    logger,
    faq,
    faqRateLimitPerMinute: config.faq.perIpPerMinute,
    version: config.version,
    bot: config.bot,
    directLine: config.directLine,
    staffApi: {
      ...(config.staffApi.oidc ? { oidc: createOidcVerifier(config.staffApi.oidc) } : {}),
      rateLimit: config.staffApi.rateLimit,
    },
    transitionListeners: webhook ? [webhook.listener] : [],
    retention: config.retention,
    attachments: config.attachments,
    isShuttingDown,
    instruction: {
      ...(config.mail ? { mail: config.mail } : {}),
      ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}),
      ...(config.proConnect ? { proConnect: config.proConnect } : {}),
    },
  });
  // Deliveries a previous run left pending go out again, in the background.
  void webhook?.resume().catch((error: unknown) => logger.error({ err: error }, 'Could not resume the webhook outbox'));
  return { app, retention, attachments, conversationPurge, ...(digest ? { digest } : {}) };
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
