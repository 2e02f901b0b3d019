// The Direct Line WebSocket stream (`streamUrl`): activity sets pushed to Web Chat as they are written
// to the feed, so a reply shows as soon as the bot has sent it rather than at the next poll.
//
// How a socket learns of new activities, with several server instances on one MongoDB and no second
// product: an activity appended by this process (the turn runs where the user's post arrived, so
// nearly every reply) wakes its sockets at once through `feedAppended`; an activity appended by
// another instance (a proactive message) is found by a read of the feed every second, the same
// query as a poll but inside the server. A MongoDB change stream would need a replica set, which
// the embedded development database is not.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { feedAppended, isRevoked, type ConversationFeed } from './conversationFeed';
import { CONVERSATION_ID_PATTERN, type DirectLineTokens } from './directLineTokens';

export interface DirectLineStreamOptions {
  /** Where the router is mounted, e.g. `/v3/directline`. */
  basePath: string;
  feed: ConversationFeed;
  tokens: DirectLineTokens;
  logger: Logger;
  /** How often a socket also reads the feed, for activities appended by another instance. */
  fallbackPollMs?: number;
}

const DEFAULT_FALLBACK_POLL_MS = 1000;
/** A ping to each socket this often, so proxies and browsers keep idle sockets open and dead ones close. */
const PING_INTERVAL_MS = 25_000;
const MAX_STREAMS_PER_CONVERSATION = 10;

/** `wss://host/v3/directline/conversations/{id}/stream?watermark=n&t=token`, as Direct Line gives it. */
export function streamUrlFor(request: { secure: boolean; headers: IncomingMessage['headers'] }, basePath: string, conversationId: string, token: string, watermark?: string): string {
  const host = request.headers.host ?? 'localhost';
  const query = new URLSearchParams({ ...(watermark ? { watermark } : {}), t: token });
  return `${request.secure ? 'wss' : 'ws'}://${host}${basePath}/conversations/${encodeURIComponent(conversationId)}/stream?${query.toString()}`;
}

export class DirectLineStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  private readonly servers = new WeakSet<Server>();
  private readonly open = new Map<string, Set<WebSocket>>();
  private readonly fallbackPollMs: number;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(request, socket, head);

  constructor(private readonly options: DirectLineStreamOptions) {
    this.fallbackPollMs = options.fallbackPollMs ?? DEFAULT_FALLBACK_POLL_MS;
  }

  /** Listens for stream upgrades on the HTTP server behind a request (once per server). */
  attach(server: Server | undefined): void {
    if (!server || this.servers.has(server)) return;
    this.servers.add(server);
    server.on('upgrade', this.onUpgrade);
    server.once('close', () => this.closeAll());
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const prefix = `${this.options.basePath}/conversations/`;
    if (!url.pathname.startsWith(prefix)) return; // Not ours: another upgrade listener may take it.
    const match = /^([^/]+)\/stream$/.exec(url.pathname.slice(prefix.length));
    const conversationId = match ? decodeURIComponent(match[1] ?? '') : '';
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!CONVERSATION_ID_PATTERN.test(conversationId)) return refuse(404, 'Not Found');
    const check = this.options.tokens.verify(url.searchParams.get('t') ?? '', { graceSeconds: 0 });
    if (!check.valid || check.claims.conversationId !== conversationId) return refuse(403, 'Forbidden');
    const conversation = await this.options.feed.findConversation(conversationId).catch(() => undefined);
    if (!conversation || conversation.userId !== check.claims.userId) return refuse(404, 'Not Found');
    const revocation = await this.options.feed.revocationOf(check.claims.userId).catch(() => undefined);
    if (revocation && isRevoked(check.claims, revocation, conversationId)) return refuse(403, 'Forbidden');
    if ((this.open.get(conversationId)?.size ?? 0) >= MAX_STREAMS_PER_CONVERSATION) return refuse(429, 'Too Many Requests');
    const watermarkText = url.searchParams.get('watermark') ?? '';
    const watermark = /^\d{1,15}$/.test(watermarkText) ? Number(watermarkText) : 0;
    this.wss.handleUpgrade(request, socket, head, (ws) => this.serve(ws, conversationId, watermark));
  }

  /** Sends every activity after the watermark, then each new one as it lands, as `{activities, watermark}`. */
  private serve(ws: WebSocket, conversationId: string, initialWatermark: number): void {
    const sockets = this.open.get(conversationId) ?? new Set<WebSocket>();
    sockets.add(ws);
    this.open.set(conversationId, sockets);
    let watermark = initialWatermark;
    let reading = false;
    let again = false;
    let alive = true;

    const pump = async (): Promise<void> => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const page = await this.options.feed.readActivities(conversationId, watermark);
          if (page.activities.length > 0 && ws.readyState === ws.OPEN) {
            watermark = page.watermark;
            ws.send(JSON.stringify({ activities: page.activities, watermark: String(page.watermark) }));
            if (page.activities.length >= 100) again = true;
          }
        } while (again && ws.readyState === ws.OPEN);
      } catch (error) {
        // The database is away: the next wake-up or fallback read tries again.
        this.options.logger.warn({ err: error, conversationId }, 'Direct Line stream could not read the feed');
      } finally {
        reading = false;
      }
    };
    const onAppended = (id: string) => {
      if (id === conversationId) void pump();
    };
    feedAppended.on('appended', onAppended);
    const poller = setInterval(() => void pump(), this.fallbackPollMs);
    const pinger = setInterval(() => {
      if (!alive) {
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
    }, PING_INTERVAL_MS);
    ws.on('pong', () => {
      alive = true;
    });
    // Web Chat sends empty messages as keep-alives; nothing else is read from the stream.
    ws.on('message', () => {
      alive = true;
    });
    ws.on('close', () => {
      clearInterval(poller);
      clearInterval(pinger);
      feedAppended.off('appended', onAppended);
      sockets.delete(ws);
      if (sockets.size === 0) this.open.delete(conversationId);
    });
    ws.on('error', () => ws.terminate());
    void pump();
  }

  private closeAll(): void {
    for (const sockets of this.open.values()) for (const ws of sockets) ws.terminate();
    this.open.clear();
  }
}
