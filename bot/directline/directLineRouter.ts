// The web widget's Direct Line 3.0 subset (tokens, conversations, activities pushed on a WebSocket stream or polled), mounted at /v3/directline.
import type { Server } from 'node:http';
import type { Activity, ChannelAccount, ConversationAccount } from 'botbuilder';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { z } from 'zod';
import { directLineUpload, type DirectLineUploadSettings } from '../../api/attachments/directLineUpload';
import { AppError } from '../../api/errors';
import { depthWithin } from '../../api/validation';
import type { BotRuntime } from '../botRuntime';
import { BOT_ACCOUNT, ConversationFeed, DIRECTLINE_CHANNEL_ID, DIRECTLINE_SERVICE_URL, isRevoked, type ConversationRecord, type FeedActivity } from './conversationFeed';
import { ConversationQuota, type ConversationLimits } from './conversationQuota';
import { DirectLineStreams, streamUrlFor } from './directLineStream';
import { CONVERSATION_ID_PATTERN, DirectLineTokens, newUserId, type TokenClaims } from './directLineTokens';

export interface DirectLineRouterDependencies {
  bot: BotRuntime;
  connection: Connection;
  /** Signs the tokens: from `resolveDirectLineSecret`. */
  secret: string;
  tokenTtlSeconds: number;
  logger: Logger;
  now?: () => Date;
  /** Caps on the conversations started per address and per day, and in all per day. */
  conversationLimits?: ConversationLimits;
  /** How long a post waits for the bot's turn before answering `{id}` anyway (the turn goes on). */
  turnResponseBudgetMs?: number;
  /** Web Chat's file upload; without it the upload route does not exist. */
  upload?: DirectLineUploadSettings;
  /** Where the router is mounted, for the streams' URLs (`/v3/directline`). */
  basePath?: string;
}

/** An office behind one address (a town hall, a prefecture) may start many; a script far more. */
export const DEFAULT_CONVERSATION_LIMITS: ConversationLimits = { perAddressPerDay: 200, perDay: 20_000 };
/** Direct Line answers a post once the bot has replied, within 8 s; the widget's client waits 10 s. */
const DEFAULT_TURN_RESPONSE_BUDGET_MS = 8_000;
const DEFAULT_BASE_PATH = '/v3/directline';
const BODY_LIMIT = '64kb';
const MAX_TEXT_LENGTH = 10_000;
/** Cards and Web Chat's channel data nest a few levels; thousands only burden every later reader of the feed. */
const MAX_NESTING = 32;
const DEFAULT_LOCALE = 'fr-FR';

const LocaleSchema = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/);

const GenerateBodySchema = z.object({
  /** Forget the conversation the token was bound to (the widget's "Nouvelle conversation"). */
  newConversation: z.boolean().optional(),
});

const StartBodySchema = z.object({ locale: LocaleSchema.optional() });

/** What a client may post: anything else (ids, from, recipient, conversation, serviceUrl) is the server's to say. */
const ClientActivitySchema = z
  .object({
    type: z.enum(['message', 'event', 'typing']),
    text: z.string().max(MAX_TEXT_LENGTH).optional(),
    textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
    locale: LocaleSchema.optional(),
    name: z.string().max(200).optional(),
    value: z.union([z.record(z.string(), z.unknown()), z.string().max(MAX_TEXT_LENGTH), z.number(), z.boolean()]).optional(),
    channelData: z.record(z.string(), z.unknown()).optional(),
    entities: z.array(z.looseObject({ type: z.string().max(100) })).max(20).optional(),
  })
  .refine((activity) => activity.type !== 'message' || (activity.text ?? '').trim() !== '' || activity.value !== undefined, {
    message: 'Un message doit contenir du texte ou une valeur.',
    path: ['text'],
  })
  .refine((activity) => [activity.value, activity.channelData, activity.entities].every((part) => depthWithin(part, MAX_NESTING)), {
    message: `Une activité ne peut pas imbriquer plus de ${MAX_NESTING} niveaux d’objets ou de listes.`,
    path: ['value'],
  });
type ClientActivity = z.infer<typeof ClientActivitySchema>;

const ConversationParamsSchema = z.object({ id: z.string() });
const WatermarkQuerySchema = z.object({ watermark: z.string().regex(/^\d{0,15}$/).optional() });

export function createDirectLineRouter(deps: DirectLineRouterDependencies): Router {
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger.child({ component: 'directline' });
  const tokens = new DirectLineTokens(deps.secret, deps.tokenTtlSeconds, now);
  const feed = new ConversationFeed(deps.connection, now);
  const quota = new ConversationQuota(deps.connection, deps.conversationLimits ?? DEFAULT_CONVERSATION_LIMITS, deps.secret);
  const turnBudgetMs = deps.turnResponseBudgetMs ?? DEFAULT_TURN_RESPONSE_BUDGET_MS;
  const turns = new TurnQueue();
  const limits = createLimits();
  const basePath = deps.basePath ?? DEFAULT_BASE_PATH;
  const streams = new DirectLineStreams({ basePath, feed, tokens, logger });

  /**
   * A valid token (an expired one is refused everywhere: its holder starts as a new anonymous
   * user), of a user whose tokens « supprimer mes données » has not revoked. With `onKeptConversation`,
   * a revoked token still reads and posts on the conversation kept open for the erasure's confirmation.
   */
  const authenticate = (options: { onKeptConversation?: boolean } = {}): RequestHandler => (req, res, next) => {
    const token = bearerToken(req);
    const check = token === undefined ? undefined : tokens.verify(token);
    if (!check?.valid) {
      next(new AppError('DIRECTLINE_TOKEN_INVALID', { details: { reason: check?.reason ?? 'missing' } }));
      return;
    }
    const inPath = typeof req.params.id === 'string' ? req.params.id : undefined;
    feed.revocationOf(check.claims.userId).then((revocation) => {
      if (revocation && isRevoked(check.claims, revocation, options.onKeptConversation ? inPath : undefined)) {
        next(new AppError('DIRECTLINE_TOKEN_INVALID', { details: { reason: 'revoked' } }));
        return;
      }
      res.locals.directLine = check.claims;
      next();
    }, next);
  };

  /** The conversation in the path, if it exists (404) and the token is bound to it (403). */
  const authorise = async (req: Request, res: Response): Promise<ConversationRecord> => {
    const claims = claimsOf(res);
    const { id } = ConversationParamsSchema.parse(req.params);
    const conversation = CONVERSATION_ID_PATTERN.test(id) ? await feed.findConversation(id) : undefined;
    if (!conversation) throw new AppError('DIRECTLINE_CONVERSATION_NOT_FOUND');
    if (claims.conversationId !== conversation.id || claims.userId !== conversation.userId) throw new AppError('FORBIDDEN');
    return conversation;
  };

  /** Runs one bot turn on the conversation's queue and appends the replies; failures are logged, not thrown. */
  const runTurn = async (conversation: ConversationRecord, inbound: Partial<Activity>, replyToId: string | undefined): Promise<void> => {
    try {
      const replies = await deps.bot.processInternal(inbound);
      const shown = replies
        .filter((reply) => reply.type === 'message' || reply.type === 'event')
        .map((reply) => toBotReply(reply, conversation, replyToId));
      await feed.appendActivities(conversation.id, shown);
    } catch (error) {
      if (error instanceof AppError && error.code === 'DIRECTLINE_CONVERSATION_NOT_FOUND') {
        // The turn deleted the user's history ("supprimer mes données"): its replies have nowhere to go.
        logger.info('Direct Line conversation deleted during its turn');
        return;
      }
      logger.error({ err: error, conversationId: conversation.id, activityType: inbound.type }, 'Direct Line turn failed');
    }
  };

  /** Waits for the turn at most the budget, so a slow bot never makes Web Chat's post time out. */
  const withinBudget = async (work: Promise<unknown>): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, turnBudgetMs);
      timer.unref();
    });
    await Promise.race([work.then(noop, noop), budget]);
    clearTimeout(timer);
  };

  /** Direct Line's answer shape: `{conversationId?, token, expires_in}` with a fresh token for these claims. */
  const answerWithToken = async (res: Response, claims: { userId: string; conversationId?: string }, status = 200) => {
    // A token issued for a conversation is a use of it: the purge of idle conversations leaves it alone.
    if (claims.conversationId !== undefined) await feed.touch(claims.conversationId);
    const issued = tokens.issue(claims);
    res.status(status).json({ ...(claims.conversationId === undefined ? {} : { conversationId: claims.conversationId }), token: issued.token, expires_in: issued.expiresIn });
  };

  /** Echoes a user's activity to the feed and runs its turn, in the conversation's order; resolves to the echo's id. */
  const postUserActivity = async (conversation: ConversationRecord, activity: Partial<Activity>): Promise<string> => {
    const echoed = deferred<FeedActivity>();
    const work = turns.run(conversation.id, async () => {
      // The echo (with the server's id and timestamp) is what tells Web Chat the message was sent.
      const appended = await feed.appendActivities(conversation.id, [activity]).catch((error: unknown) => {
        echoed.reject(error);
        return [];
      });
      const echo = appended[0];
      if (!echo) return;
      echoed.resolve(echo);
      await runTurn(conversation, { ...activity, id: echo.id, timestamp: new Date(echo.timestamp) }, echo.id);
    });
    const echo = await echoed.promise;
    await withinBudget(work);
    return echo.id;
  };

  /** A conversation's start or reconnection: a fresh token and the stream to read it from, after `watermark`. */
  const answerWithStream = async (req: Request, res: Response, claims: { userId: string; conversationId: string }, status = 200, watermark?: string) => {
    await feed.touch(claims.conversationId);
    const issued = tokens.issue(claims);
    res.status(status).json({
      conversationId: claims.conversationId,
      token: issued.token,
      expires_in: issued.expiresIn,
      streamUrl: streamUrlFor(req, basePath, claims.conversationId, issued.token, watermark),
    });
  };

  const router = express.Router();
  // Stream upgrades arrive on the HTTP server, not through Express: listen there once a client has come.
  router.use((req, _res, next) => {
    streams.attach((req.socket as { server?: Server }).server);
    next();
  });
  const json = express.json({ limit: BODY_LIMIT });
  const parseJson: RequestHandler = (req, res, next) => json(req, res, (error?: unknown) => next(error === undefined ? undefined : toBodyError(error)));

  // No token: a new anonymous user, whose id only the server chooses. With one: the same user again.
  router.post('/tokens/generate', (req, _res, next) => next(bearerToken(req) === undefined ? undefined : 'route'), limits.anonymous, async (_req, res) => {
    await answerWithToken(res, { userId: newUserId() });
  });

  router.post('/tokens/generate', authenticate(), limits.write, parseJson, async (req, res) => {
    const body = parseOrReject(GenerateBodySchema, req.body ?? {});
    const claims = claimsOf(res);
    let conversationId: string | undefined;
    if (claims.conversationId !== undefined && !body.newConversation) {
      // Keep the conversation only if it still exists (the user may have deleted their data).
      const conversation = await feed.findConversation(claims.conversationId);
      if (conversation?.userId === claims.userId) conversationId = conversation.id;
    }
    await answerWithToken(res, { userId: claims.userId, ...(conversationId === undefined ? {} : { conversationId }) });
  });

  router.post('/tokens/refresh', authenticate(), limits.write, async (_req, res) => {
    const { userId, conversationId } = claimsOf(res);
    await answerWithToken(res, { userId, ...(conversationId === undefined ? {} : { conversationId }) });
  });

  router.post('/conversations', authenticate(), limits.write, parseJson, async (req, res) => {
    const body = parseOrReject(StartBodySchema, req.body ?? {});
    const claims = claimsOf(res);
    if (claims.conversationId !== undefined) {
      // A token already bound to a conversation resumes it (a reload), without a new greeting.
      const existing = await feed.findConversation(claims.conversationId);
      if (existing?.userId === claims.userId) {
        await answerWithStream(req, res, { userId: claims.userId, conversationId: existing.id });
        return;
      }
    }
    const allowed = await quota.take(ipKeyGenerator(req.ip ?? 'unknown'), now());
    if (!allowed.allowed) {
      res.setHeader('Retry-After', String(allowed.retryAfterSeconds));
      logger.warn({ scope: allowed.scope }, 'Direct Line conversation refused: daily cap reached');
      throw new AppError(allowed.scope === 'address' ? 'DIRECTLINE_ADDRESS_QUOTA' : 'DIRECTLINE_DAILY_QUOTA');
    }
    const conversation = await feed.createConversation(claims.userId, body.locale ?? DEFAULT_LOCALE);
    logger.debug({ conversationId: conversation.id }, 'Direct Line conversation started');
    const greeting = turns.run(conversation.id, () =>
      runTurn(
        conversation,
        {
          ...inboundEnvelope(conversation),
          id: `${conversation.id}|start`,
          timestamp: now(),
          type: 'conversationUpdate',
          membersAdded: [userAccount(conversation.userId)],
        },
        undefined,
      ),
    );
    await withinBudget(greeting);
    await answerWithStream(req, res, { userId: claims.userId, conversationId: conversation.id }, 201);
  });

  router.get('/conversations/:id', authenticate(), limits.read, async (req, res) => {
    const conversation = await authorise(req, res);
    // Direct Line's reconnection: the stream resumes after the watermark the client has seen.
    const { watermark } = parseOrReject(WatermarkQuerySchema, req.query);
    await answerWithStream(req, res, { userId: conversation.userId, conversationId: conversation.id }, 200, watermark);
  });

  router.post('/conversations/:id/activities', authenticate({ onKeptConversation: true }), limits.write, parseJson, async (req, res) => {
    const conversation = await authorise(req, res);
    const posted = parseOrReject(ClientActivitySchema, req.body);
    if (posted.type === 'typing') {
      // Web Chat only sends these when asked to; the bot has nothing to do with them: not stored, not forwarded.
      res.json({ id: `${conversation.id}|typing` });
      return;
    }
    res.json({ id: await postUserActivity(conversation, toUserActivity(posted, conversation)) });
  });

  // Web Chat's paperclip (owned by the attachments feature: api/attachments/directLineUpload.ts).
  if (deps.upload) router.post('/conversations/:id/upload', authenticate({ onKeptConversation: true }), limits.write, directLineUpload({ ...deps.upload, authorise, envelope: inboundEnvelope, post: postUserActivity }));

  router.get('/conversations/:id/activities', authenticate({ onKeptConversation: true }), limits.read, async (req, res) => {
    const conversation = await authorise(req, res);
    const { watermark } = parseOrReject(WatermarkQuerySchema, req.query);
    const page = await feed.readActivities(conversation.id, watermark ? Number(watermark) : 0);
    res.json({ activities: page.activities, watermark: String(page.watermark) });
  });

  return router;
}

/** Turns of one conversation run one after the other in this process, so replies keep their order. */
class TurnQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run(conversationId: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(conversationId) ?? Promise.resolve();
    const current = previous.then(task).catch(noop);
    this.tails.set(conversationId, current);
    void current.then(() => {
      if (this.tails.get(conversationId) === current) this.tails.delete(conversationId);
    });
    return current;
  }
}

/**
 * Generous limits: Web Chat polls once a second (60 reads a minute), a person posts far less; the
 * anonymous limit is per address since it mints new users.
 */
function createLimits(): { anonymous: RequestHandler; read: RequestHandler; write: RequestHandler } {
  const tooMany = (_req: Request, _res: Response, next: NextFunction) => next(new AppError('TOO_MANY_REQUESTS'));
  const byUser = (_req: Request, res: Response) => `user:${claimsOf(res).userId}`;
  const common = { windowMs: 60_000, standardHeaders: 'draft-8', legacyHeaders: false, handler: tooMany } as const;
  return {
    anonymous: rateLimit({ ...common, limit: 60, keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}` }),
    read: rateLimit({ ...common, limit: 300, keyGenerator: byUser }),
    write: rateLimit({ ...common, limit: 120, keyGenerator: byUser }),
  };
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function claimsOf(res: Response): TokenClaims {
  return res.locals.directLine as TokenClaims;
}

function parseOrReject<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', {
      details: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return parsed.data;
}

/** The router parses its own bodies, so its parse errors join the catalogue like the app's. */
function toBodyError(error: unknown): AppError {
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', { cause: error });
  if (type === 'entity.parse.failed') return new AppError('MALFORMED_JSON', { cause: error });
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') return new AppError('UNSUPPORTED_MEDIA_TYPE', { cause: error });
  return new AppError('VALIDATION_FAILED', { cause: error });
}

function userAccount(userId: string): ChannelAccount {
  return { id: userId, name: '', role: 'user' };
}

/** Who and where, as the bot sees every activity of the widget. */
function inboundEnvelope(conversation: ConversationRecord): Partial<Activity> {
  const account: ConversationAccount = { id: conversation.id, name: '', isGroup: false, conversationType: 'personal' };
  return {
    channelId: DIRECTLINE_CHANNEL_ID,
    serviceUrl: DIRECTLINE_SERVICE_URL,
    conversation: account,
    from: userAccount(conversation.userId),
    recipient: { ...BOT_ACCOUNT },
    locale: conversation.locale,
  };
}

/** The user's activity as the server states it: `from` is always the token's user, whatever the client wrote. */
function toUserActivity(posted: ClientActivity, conversation: ConversationRecord): Partial<Activity> {
  return {
    ...inboundEnvelope(conversation),
    type: posted.type,
    locale: posted.locale ?? conversation.locale,
    ...(posted.text === undefined ? {} : { text: posted.text }),
    ...(posted.textFormat === undefined ? {} : { textFormat: posted.textFormat }),
    ...(posted.name === undefined ? {} : { name: posted.name }),
    ...(posted.value === undefined ? {} : { value: posted.value }),
    ...(posted.channelData === undefined ? {} : { channelData: posted.channelData }),
    ...(posted.entities === undefined ? {} : { entities: posted.entities }),
  };
}

function toBotReply(reply: Activity, conversation: ConversationRecord, replyToId: string | undefined): Partial<Activity> {
  const { id: _id, timestamp: _timestamp, replyToId: _replyToId, ...rest } = reply;
  return {
    ...rest,
    from: { ...BOT_ACCOUNT },
    recipient: userAccount(conversation.userId),
    // Web Chat holds a reply until the activity it answers is in the transcript: only point at a real one.
    ...(replyToId === undefined ? {} : { replyToId }),
  };
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function noop(): void {}
