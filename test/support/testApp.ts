// Builds the real express app in-process on the test database, listening on a free port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../../api/app';
import { openConnection, type Database } from '../../api/database';
import { createBotRuntime, type BotRuntime } from '../../bot/botRuntime';
import { DossierRepository } from '../../dossiers/dossierRepository';
import { createFaqService, type FaqService } from '../../knowledge/faq/faqService';
import { startTestDatabase, type TestDatabase } from './testDatabase';

export interface TestApp {
  url: string;
  database: Database;
  repository: DossierRepository;
  bot: BotRuntime;
  testDatabase: TestDatabase;
  close(): Promise<void>;
}

const silentLogger = pino({ level: 'silent' });

export async function startTestApp(): Promise<TestApp> {
  const testDatabase = await startTestDatabase();
  const database = await openConnection(testDatabase.uri, testDatabase.embedded ? 'embedded' : 'mongodb', 1500);
  const repository = new DossierRepository(database.connection);
  await repository.init();
  const faq = await sharedFaq();
  const bot = createBotRuntime(
    { appId: undefined, appPassword: undefined, appTenantId: undefined, appType: 'MultiTenant' },
    { connection: database.connection, repository, faq, logger: silentLogger },
  );
  const app = createApp({ logger: silentLogger, database, bot, faq });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    repository,
    bot,
    testDatabase,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
      await testDatabase.close();
    },
  };
}

let faqService: Promise<FaqService> | undefined;

/** The FAQ index is built once per test file: it is read-only. */
function sharedFaq(): Promise<FaqService> {
  faqService ??= createFaqService();
  return faqService;
}
