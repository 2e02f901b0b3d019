// One server instance with the web widget and its Direct Line, as the app mounts them, on a given test database.
import express, { type ErrorRequestHandler } from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { openConnection, type Database } from '../../api/database';
import { AppError } from '../../api/errors';
import { createBotRuntime } from '../../bot/botRuntime';
import { createDirectLineRouter } from '../../bot/directline/directLineRouter';
import { resolveDirectLineSecret } from '../../bot/directline/directLineSecret';
import { createWidgetRouter } from '../../bot/webchat/widgetRouter';
import { DossierRepository } from '../../dossiers/dossierRepository';
import { createFaqService, type FaqService } from '../../knowledge/faq/faqService';
import type { TestDatabase } from '../support/testDatabase';

export interface DirectLineTestServer {
  url: string;
  database: Database;
  close(): Promise<void>;
}

const silentLogger = pino({ level: 'silent' });

/** Answers like the app's own error middleware: the catalogue's JSON body. */
const catalogueErrors: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const appError = error instanceof AppError ? error : new AppError('INTERNAL', { cause: error });
  res.status(appError.status).json(appError.toBody());
};

export async function startDirectLineServer(
  testDatabase: TestDatabase,
  options: { secret?: string; tokenTtlSeconds?: number; now?: () => Date } = {},
): Promise<DirectLineTestServer> {
  const database = await openConnection(testDatabase.uri, testDatabase.embedded ? 'embedded' : 'mongodb', 1500);
  const repository = new DossierRepository(database.connection);
  await repository.init();
  const bot = createBotRuntime(
    { appId: undefined, appPassword: undefined, appTenantId: undefined, appType: 'MultiTenant' },
    { connection: database.connection, repository, faq: await sharedFaq(), logger: silentLogger },
  );
  const secret = await resolveDirectLineSecret(options.secret, database.connection);

  const app = express();
  app.set('trust proxy', 'loopback');
  app.use(
    '/v3/directline',
    createDirectLineRouter({ bot, connection: database.connection, secret, tokenTtlSeconds: options.tokenTtlSeconds ?? 3600, logger: silentLogger, ...(options.now ? { now: options.now } : {}) }),
  );
  app.use(createWidgetRouter());
  app.use((req, _res, next) => next(new AppError('ROUTE_NOT_FOUND', { details: { method: req.method, path: req.path } })));
  app.use(catalogueErrors);

  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}

let faqService: Promise<FaqService> | undefined;

/** The FAQ index is read-only: built once per test file. */
function sharedFaq(): Promise<FaqService> {
  faqService ??= createFaqService();
  return faqService;
}
