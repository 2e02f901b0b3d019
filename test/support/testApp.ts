// Builds the real product in-process on the test database (the same composition as the server),
// listening on a free port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type DestinationStream, type Level } from 'pino';
import { composeApp, type CompositionOptions } from '../../api/composition';
import { openConnection, type Database } from '../../api/database';
import type { StaffAccountRepository } from '../../api/staff/staffRepository';
import type { ConversationPurgeTask, RetentionTask } from '../../api/retention';
import type { AssistantRuntime } from '../../bot/botRuntime';
import type { DossierRepository } from '../../dossiers/dossierRepository';
import type { DossierAttachments } from '../../dossiers/attachments/dossierAttachments';
import { createFaqService, type FaqService } from '../../knowledge/faq/faqService';
import { startTestDatabase, type TestDatabase } from './testDatabase';

export interface TestApp {
  url: string;
  database: Database;
  repository: DossierRepository;
  bot: AssistantRuntime;
  staffAccounts: StaffAccountRepository;
  /** The draft retention task, to run with a test clock. */
  retention: RetentionTask;
  /** The dossiers' documents (GridFS). */
  attachments: DossierAttachments;
  /** The purge of idle widget conversations, to run with a test clock. */
  conversationPurge: ConversationPurgeTask;
  testDatabase: TestDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Overrides of the staff API's dependencies (rate limits, OIDC, clock). */
  staffApi?: Partial<CompositionOptions['staffApi']>;
  /** More subscribers to staff's status changes. */
  statusListeners?: CompositionOptions['statusListeners'];
  /** Subscribers to every status change, the applicant's included (the webhook, as the server wires it). */
  transitionListeners?: CompositionOptions['transitionListeners'];
  /** POST /api/faq per client IP and minute (no limit to speak of by default). */
  faqRateLimitPerMinute?: number;
  /** Where the app's logs go (silent by default), to check what is logged. */
  logDestination?: DestinationStream;
  /** The level of those logs (info by default, as in production). */
  logLevel?: Level;
  /** The draft retention policy (180 days, warned 7 days before, by default). */
  retention?: CompositionOptions['retention'];
  /** An already running test database (two instances on one database, a restart); a fresh one otherwise. */
  testDatabase?: TestDatabase;
  directLine?: Partial<CompositionOptions['directLine']>;
  /** The back-office pages' options (session lifetimes, ProConnect, e-mail). */
  instruction?: CompositionOptions['instruction'];
  /**
   * The Azure Bot registration. By default none, with the explicit development switch on, so that
   * tests talk to /api/messages as the Emulator does (serviceUrl on 127.0.0.1 only).
   */
  bot?: CompositionOptions['bot'];
  /** Documents: limits, clamd, Teams downloads. */
  attachments?: CompositionOptions['attachments'];
}

const silentLogger = pino({ level: 'silent' });

const TEST_DIRECTLINE_SECRET = 'test-directline-secret-of-at-least-32-characters';

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const ownDatabase = options.testDatabase === undefined;
  const testDatabase = options.testDatabase ?? (await startTestDatabase());
  const database = await openConnection(testDatabase.uri, testDatabase.embedded ? 'embedded' : 'mongodb', 1500);
  const logger = options.logDestination ? pino({ level: options.logLevel ?? 'info' }, options.logDestination) : silentLogger;
  const { app, repository, bot, staffAccounts, retention, attachments, conversationPurge } = await composeApp({
    database,
    logger,
    faq: await sharedFaq(),
    version: 'test',
    faqRateLimitPerMinute: options.faqRateLimitPerMinute ?? 100_000,
    bot: options.bot ?? { appId: undefined, appPassword: undefined, appTenantId: undefined, appType: 'MultiTenant', allowUnauthenticated: true },
    directLine: { secret: TEST_DIRECTLINE_SECRET, tokenTtlSeconds: 3600, ...options.directLine },
    staffApi: { rateLimit: { perIpPerMinute: 100_000, perKeyPerMinute: 100_000 }, ...options.staffApi },
    statusListeners: options.statusListeners,
    transitionListeners: options.transitionListeners,
    retention: options.retention,
    attachments: options.attachments,
    ...(options.instruction ? { instruction: options.instruction } : {}),
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    repository,
    bot,
    staffAccounts,
    retention,
    attachments,
    conversationPurge,
    testDatabase,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
      if (ownDatabase) await testDatabase.close();
    },
  };
}

let faqService: Promise<FaqService> | undefined;

/** The FAQ index is built once per test file: it is read-only. */
function sharedFaq(): Promise<FaqService> {
  faqService ??= createFaqService();
  return faqService;
}
