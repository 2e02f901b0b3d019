// The express app factory: tests build it in-process, the server entry serves it.
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { pinoHttp } from 'pino-http';
import { z } from 'zod';
import type { BotRuntime } from '../bot/botRuntime';
import type { ConversationLimits } from '../bot/directline/conversationQuota';
import { createDirectLineRouter } from '../bot/directline/directLineRouter';
import { createWidgetRouter } from '../bot/webchat/widgetRouter';
import { isDatabaseUnavailable } from '../dossiers/databaseErrors';
import type { FaqService } from '../knowledge/faq/faqService';
import type { DossierAttachments } from '../dossiers/attachments/dossierAttachments';
import { createAttachmentRouter } from './attachments/attachmentRouter';
import type { DirectLineUploadSettings } from './attachments/directLineUpload';
import type { Database } from './database';
import { apiHelmet, createDossierRouter, type StaffApiDependencies } from './dossiers/dossierRouter';
import { ExportSlots } from './dossiers/exportSlots';
import { AppError } from './errors';
import { createFaqRouter } from './faq/faqRouter';
import { createInstructionRouter, type InstructionOptions } from './instruction/instructionRouter';
import type { Logger } from './logger';
import { createOpenApiRouter } from './openapi';
import { depthWithin, parseRequest } from './validation';

export interface AppDependencies {
  logger: Logger;
  database: Database;
  bot: BotRuntime;
  faq: FaqService;
  /** POST /api/faq per client IP and minute (120 by default). */
  faqRateLimitPerMinute?: number;
  /** Tells whether the server is stopping, so new requests are refused cleanly. */
  isShuttingDown?: () => boolean;
  version?: string;
  /** The prefecture staff API (/api/dossiers). */
  staffApi: StaffApiDependencies;
  /** The web widget's Direct Line: the signing secret (from `resolveDirectLineSecret`) and token lifetime. */
  directLine: { secret: string; tokenTtlSeconds: number; now?: () => Date; upload?: DirectLineUploadSettings; conversationLimits?: ConversationLimits };
  /** The back-office pages (/instruction/): sessions, ProConnect, e-mail. */
  instruction?: InstructionOptions;
  /** Quoted by the widget page's explanation of how data is kept. */
  draftRetentionDays?: number;
  /** The dossiers' documents, for staff (api/attachments/). */
  attachments?: DossierAttachments;
}

const BOT_BODY_LIMIT = '256kb';
/** How deep a Bot Framework activity may nest objects and lists (Teams' own stay under 10). */
const MAX_ACTIVITY_NESTING = 32;

/**
 * The fields of an incoming activity that the bot uses as keys or in queries (who, where, which
 * channel) must be plain strings: `{"from": {"id": {"$gt": ""}}}` would otherwise reach a MongoDB
 * filter as an operator. The rest of the activity is the SDK's to read.
 */
const idString = z.string().min(1).max(512);
const BotActivityEnvelopeSchema = z.looseObject({
  type: z.string().min(1).max(64),
  channelId: idString.optional(),
  serviceUrl: z.string().max(2048).optional(),
  conversation: z.looseObject({ id: idString, tenantId: idString.optional() }).optional(),
  from: z.looseObject({ id: idString, aadObjectId: idString.optional(), name: z.string().max(512).nullish() }).optional(),
  recipient: z.looseObject({ id: idString }).optional(),
  text: z.string().optional(),
  locale: z.string().max(64).optional(),
}).refine((activity) => depthWithin(activity, MAX_ACTIVITY_NESTING), {
  // A deeply nested activity used to reach the SDK and end in a 500 (issue 15, F12).
  message: `Une activité ne peut pas imbriquer plus de ${MAX_ACTIVITY_NESTING} niveaux d’objets ou de listes.`,
});
/** A widget conversation id is a bearer of its dialog: the request log names the route, never the id. */
function redactIds(path: string): string {
  return path.replace(/\/conversations\/[^/]+/g, '/conversations/:id');
}

const WIDGET_POLL = /^\/v3\/directline\/conversations\/[^/]+\/activities/;

export function createApp(deps: AppDependencies): Express {
  const { logger, database, bot } = deps;
  // One count of running exports per account, whether started from the staff API or from the back-office.
  const exportSlots = deps.staffApi.exportSlots ?? new ExportSlots(deps.staffApi.exportsPerStaff);
  const staffApi = { ...deps.staffApi, exportSlots };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // `status[$ne]=x` stays the literal key "status[$ne]" (which strict schemas refuse) instead of an object.
  app.set('query parser', 'simple');

  app.use(
    pinoHttp({
      logger: logger.child({ component: 'http' }),
      genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'].slice(0, 64) : randomUUID()),
      // Only the request line and the outcome: bodies and headers may carry personal data or keys.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: redactIds(req.url.split('?')[0] ?? '') }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (req, res, error) => {
        if (error || res.statusCode >= 500) return 'error';
        if (res.statusCode >= 400) return 'warn';
        // An open widget polls its feed every second: successful polls would drown the log.
        return req.method === 'GET' && WIDGET_POLL.test(req.url ?? '') ? 'debug' : 'info';
      },
      // A refused request is logged with the catalogue code that explains it.
      customSuccessObject: (_req, res, value: object) => {
        const errorCode = (res as { locals?: { errorCode?: unknown } }).locals?.errorCode;
        return errorCode === undefined ? value : { ...value, errorCode };
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );

  app.use(refuseWhenStopping(deps.isShuttingDown));

  app.get('/healthz', apiHelmet, async (_req, res) => {
    const up = await database.ping();
    const body = { status: up ? 'ok' : 'unavailable', database: database.kind, version: deps.version ?? 'dev', uptimeSeconds: Math.round(process.uptime()) };
    res.status(up ? 200 : 503).json(body);
  });

  app.post('/api/messages', apiHelmet, express.json({ limit: BOT_BODY_LIMIT }), ...messagesRateLimits(), async (req, res) => {
    parseRequest(BotActivityEnvelopeSchema, req.body);
    await bot.handleMessages(req, res);
  });

  app.use(createFaqRouter(deps.faq, deps.faqRateLimitPerMinute));
  app.use(createOpenApiRouter(deps.version ?? 'dev'));
  app.use(createDossierRouter(staffApi, logger));
  if (deps.attachments) app.use(createAttachmentRouter({ dossiers: deps.staffApi.dossiers, attachments: deps.attachments, clock: deps.staffApi.clock }, logger));
  app.use(
    createInstructionRouter({
      ...staffApi,
      ...deps.instruction,
      exports: { slots: exportSlots, perMinute: staffApi.rateLimit.perKeyPerMinute },
      connection: database.connection,
      logger,
      ...(deps.attachments ? { attachments: deps.attachments } : {}),
    }),
  );
  app.use('/v3/directline', apiHelmet, createDirectLineRouter({ bot, connection: database.connection, logger, ...deps.directLine }));
  app.use(createWidgetRouter({ draftRetentionDays: deps.draftRetentionDays }));

  // Error answers are JSON, never to be sniffed or rendered: the API's headers unless a router set a page's own.
  app.use((req, _res, next) => next(new AppError('ROUTE_NOT_FOUND', { details: { method: req.method, path: req.path } })));
  app.use(errorMiddleware(logger));
  return app;
}

/**
 * Rate limits in front of the Bot Framework endpoint. Teams traffic arrives from a few Microsoft
 * addresses shared by every user, so the fine limit is per conversation and the per-address one
 * only stops a flood.
 */
function messagesRateLimits(): RequestHandler[] {
  const tooMany: RequestHandler = (_req, _res, next) => next(new AppError('TOO_MANY_REQUESTS'));
  return [
    rateLimit({ windowMs: 60_000, limit: 6000, standardHeaders: 'draft-8', legacyHeaders: false, identifier: 'messages-per-ip', handler: tooMany }),
    rateLimit({
      windowMs: 60_000,
      limit: 120,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      identifier: 'messages-per-conversation',
      keyGenerator: (req) => {
        const conversation = (req.body as { conversation?: { id?: unknown } } | undefined)?.conversation?.id;
        return typeof conversation === 'string' ? `conversation:${conversation.slice(0, 200)}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
      },
      handler: tooMany,
    }),
  ];
}

function refuseWhenStopping(isShuttingDown: (() => boolean) | undefined): RequestHandler {
  return (_req, res, next) => {
    if (isShuttingDown?.()) {
      res.setHeader('Connection', 'close');
      next(new AppError('SHUTTING_DOWN'));
      return;
    }
    next();
  };
}

/** Turns every error into a JSON answer: expected ones from the catalogue, the rest into a logged 500. */
function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const appError = toAppError(error);
    res.locals.errorCode = appError.code;
    if (appError.status >= 500 && appError.code !== 'SHUTTING_DOWN' && appError.code !== 'DATABASE_UNAVAILABLE') {
      logger.error({ err: error, path: req.path, method: req.method }, 'Unexpected error');
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (!res.hasHeader('Content-Security-Policy')) res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    res.status(appError.status).json(appError.toBody());
  };
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const bodyParserType = (error as { type?: unknown } | null)?.type;
  if (bodyParserType === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', { cause: error });
  if (bodyParserType === 'entity.parse.failed') return new AppError('MALFORMED_JSON', { cause: error });
  if (bodyParserType === 'charset.unsupported' || bodyParserType === 'encoding.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', { cause: error });
  }
  if (isDatabaseUnavailable(error)) return new AppError('DATABASE_UNAVAILABLE', { cause: error });
  // The router could not decode a path parameter such as `%` or `%E0%A4%A`.
  if (error instanceof URIError) return new AppError('MALFORMED_URL', { cause: error });
  // Any other refusal of the HTTP layer (an aborted body, a wrong length) is the client's, not ours.
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new AppError('BAD_REQUEST', { cause: error });
  return new AppError('INTERNAL', { cause: error });
}

