// Simulated officials over HTTP: a web widget on the Direct Line endpoint, and a Bot Framework channel on
// /api/messages (expectReplies). Each turn is timed and checked; nothing here knows the bot's internals.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { ScriptedTurn } from './journeys';

/** One bot activity as a client reads it. */
export interface ReadActivity {
  id?: string;
  type: string;
  text?: string;
  replyToId?: string;
  from?: { id?: string; role?: string };
  channelData?: { clientActivityID?: string };
}

export interface TurnOutcome {
  /** Milliseconds from sending the message to holding the bot's replies. */
  latencyMs: number;
  replies: string[];
}

/** A failed request or an answer that is not the expected one: the run counts it as an error. */
export class TurnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TurnError';
  }
}

export interface ChatSession {
  readonly userId: string;
  start(): Promise<void>;
  say(text: string): Promise<TurnOutcome>;
}

/** Checks that the replies of a turn hold every expected fragment. */
export function checkTurn(turn: ScriptedTurn, outcome: TurnOutcome): void {
  const text = outcome.replies.join('\n---\n');
  const missing = turn.expect.filter((fragment) => !text.includes(fragment));
  if (missing.length > 0) throw new TurnError(`After « ${turn.say} », expected ${missing.map((m) => `« ${m} »`).join(', ')} in: ${text.slice(0, 600)}`);
}

async function requestJson(url: string, init: RequestInit & { expectStatus?: number[] }): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new TurnError(`${init.method ?? 'GET'} ${new URL(url).pathname} failed: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!(init.expectStatus ?? [200]).includes(response.status)) {
    throw new TurnError(`${init.method ?? 'GET'} ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 300)}`);
  }
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

/** A Direct Line request as the widget's browser sends it, behind its own address, with its token if any. */
function directLineCall(baseUrl: string, clientAddress: string, token: string, method: string, path: string, body: unknown, expectStatus: number[]): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { 'x-forwarded-for': clientAddress };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return requestJson(`${baseUrl}/v3/directline${path}`, { method, headers, expectStatus, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

/** A token, then a conversation, as Web Chat starts; the user is the one the server chose (the token's `sub`). */
async function startConversation(baseUrl: string, clientAddress: string): Promise<{ token: string; conversationId: string; userId: string; streamUrl: string }> {
  const generated = await directLineCall(baseUrl, clientAddress, '', 'POST', '/tokens/generate', undefined, [200]);
  const started = await directLineCall(baseUrl, clientAddress, String(generated.token), 'POST', '/conversations', { locale: 'fr-FR' }, [201]);
  const token = String(started.token);
  const [payload = ''] = token.split('.');
  const userId = String((JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub ?? '');
  return { token, conversationId: String(started.conversationId), userId, streamUrl: String(started.streamUrl) };
}

/**
 * The web widget as Web Chat drives it: a token, a conversation, then for each message a POST (answered
 * once the bot's replies are in the feed) and a GET of the feed from the last watermark.
 */
export class DirectLineSession implements ChatSession {
  private token = '';
  private conversationId = '';
  private watermark = '';
  /** Every activity read from the feed, in order, to check it against a full read at the end. */
  readonly seen: ReadActivity[] = [];
  /** The client ids of the messages posted, in order. */
  readonly posted: string[] = [];
  userId = '';

  /**
   * @param clientAddress the address the official's browser has behind the reverse proxy
   * (X-Forwarded-For from loopback, which the app trusts): the anonymous token limit is per address.
   */
  constructor(
    private readonly baseUrl: string,
    private readonly clientAddress: string,
  ) {}

  async start(): Promise<void> {
    const started = await startConversation(this.baseUrl, this.clientAddress);
    ({ token: this.token, conversationId: this.conversationId, userId: this.userId } = started);
    // The greeting is in the feed once the conversation is answered.
    const greeting = await this.read();
    if (!greeting.some((activity) => activity.type === 'message' && activity.from?.role === 'bot')) throw new TurnError('No greeting in a new Direct Line conversation');
  }

  async say(text: string): Promise<TurnOutcome> {
    const clientActivityID = randomUUID();
    const started = performance.now();
    const posted = await this.call(
      'POST',
      `/conversations/${this.conversationId}/activities`,
      { type: 'message', text, locale: 'fr-FR', from: { id: 'ignored', role: 'user' }, channelData: { clientActivityID } },
      [200],
    );
    this.posted.push(clientActivityID);
    const echoId = String(posted.id);
    const activities = await this.read();
    const latencyMs = performance.now() - started;
    const echoes = activities.filter((activity) => activity.id === echoId);
    if (echoes.length !== 1 || echoes[0]?.channelData?.clientActivityID !== clientActivityID) throw new TurnError(`The message « ${text} » is not echoed once in the feed`);
    const replies = activities.filter((activity) => activity.replyToId === echoId && activity.type === 'message').map((activity) => activity.text ?? '');
    if (replies.length === 0) throw new TurnError(`No reply to « ${text} » in the feed`);
    return { latencyMs, replies };
  }

  /** The whole feed from the start, page after page, as a client that lost its watermark reads it. */
  async readAll(): Promise<ReadActivity[]> {
    const all: ReadActivity[] = [];
    let watermark = '0';
    for (let page = 0; page < 100; page += 1) {
      const body = await this.call('GET', `/conversations/${this.conversationId}/activities?watermark=${watermark}`, undefined, [200]);
      const activities = body.activities as ReadActivity[];
      all.push(...activities);
      if (activities.length === 0 || String(body.watermark) === watermark) break;
      watermark = String(body.watermark);
    }
    return all;
  }

  private async read(): Promise<ReadActivity[]> {
    const query = this.watermark === '' ? '' : `?watermark=${this.watermark}`;
    const body = await this.call('GET', `/conversations/${this.conversationId}/activities${query}`, undefined, [200]);
    const activities = body.activities as ReadActivity[];
    this.watermark = String(body.watermark);
    this.seen.push(...activities);
    return activities;
  }

  private call(method: string, path: string, body: unknown, expectStatus: number[]): Promise<Record<string, unknown>> {
    return directLineCall(this.baseUrl, this.clientAddress, this.token, method, path, body, expectStatus);
  }
}

/** How a Web Chat-like client receives the bot's replies. */
export type ReceiveMode = 'stream' | 'poll';

interface Received {
  at: number;
  texts: string[];
}

const REPLY_TIMEOUT_MS = 15_000;
const REPLY_SETTLE_MS = 30;

/**
 * The web widget as the official feels it: Web Chat posts the message and shows the reply when it
 * reaches the page, either pushed on the conversation's WebSocket `streamUrl`, or read by its fallback,
 * a GET of the feed every second whatever the user does. A turn is timed from the send to the moment
 * the first reply is received, not to the end of the POST.
 */
export class WebChatSession implements ChatSession {
  private token = '';
  private conversationId = '';
  private watermark = '';
  private socket: WebSocket | undefined;
  private polling = false;
  private greeted = false;
  /** The bot's replies by the id of the message they answer, with the moment the first one arrived. */
  private readonly received = new Map<string, Received>();
  private wake: (() => void) | undefined;
  userId = '';

  constructor(
    private readonly baseUrl: string,
    private readonly clientAddress: string,
    private readonly mode: ReceiveMode,
    private readonly pollMs = 1000,
  ) {}

  async start(): Promise<void> {
    const started = await startConversation(this.baseUrl, this.clientAddress);
    ({ token: this.token, conversationId: this.conversationId, userId: this.userId } = started);
    if (this.mode === 'stream') await this.openStream(started.streamUrl);
    else this.startPolling();
    await this.until(() => this.greeted, 'No greeting in a new Web Chat conversation');
  }

  async say(text: string): Promise<TurnOutcome> {
    const started = performance.now();
    const posted = await this.call(
      'POST',
      `/conversations/${this.conversationId}/activities`,
      { type: 'message', text, locale: 'fr-FR', from: { id: 'ignored', role: 'user' }, channelData: { clientActivityID: randomUUID() } },
      [200],
    );
    const echoId = String(posted.id);
    await this.until(() => this.received.has(echoId), `No reply to « ${text} » reached the client (${this.mode})`);
    const reply = this.received.get(echoId)!;
    // The turn is timed at its first reply; the script is checked on all of them, which may come in a later set.
    await new Promise((resolve) => setTimeout(resolve, REPLY_SETTLE_MS));
    this.received.delete(echoId);
    return { latencyMs: reply.at - started, replies: reply.texts };
  }

  /** Closes the socket or stops polling. */
  close(): void {
    this.polling = false;
    this.socket?.close();
  }

  private take(activities: ReadActivity[]): void {
    const at = performance.now();
    for (const activity of activities) {
      if (activity.type !== 'message' || activity.from?.role !== 'bot') continue;
      this.greeted = true;
      if (!activity.replyToId) continue;
      const entry = this.received.get(activity.replyToId) ?? { at, texts: [] };
      entry.texts.push(activity.text ?? '');
      this.received.set(activity.replyToId, entry);
    }
    this.wake?.();
  }

  private openStream(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { 'x-forwarded-for': this.clientAddress } });
      this.socket = socket;
      socket.once('open', () => resolve());
      socket.once('error', (error) => reject(new TurnError(`The stream did not open: ${error.message}`)));
      socket.on('message', (data: Buffer) => {
        const text = data.toString('utf8');
        if (text.trim() === '') return;
        const set = JSON.parse(text) as { activities?: ReadActivity[]; watermark?: string };
        if (set.watermark) this.watermark = set.watermark;
        this.take(set.activities ?? []);
      });
    });
  }

  private startPolling(): void {
    this.polling = true;
    const poll = async (): Promise<void> => {
      while (this.polling) {
        const query = this.watermark === '' ? '' : `?watermark=${this.watermark}`;
        try {
          const body = await this.call('GET', `/conversations/${this.conversationId}/activities${query}`, undefined, [200]);
          this.watermark = String(body.watermark);
          this.take(body.activities as ReadActivity[]);
        } catch {
          // A failed poll is retried at the next interval, as Web Chat does; a missing reply times out.
        }
        await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      }
    };
    void poll();
  }

  private async until(done: () => boolean, failure: string): Promise<void> {
    const deadline = performance.now() + REPLY_TIMEOUT_MS;
    while (!done()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new TurnError(failure);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private call(method: string, path: string, body: unknown, expectStatus: number[]): Promise<Record<string, unknown>> {
    return directLineCall(this.baseUrl, this.clientAddress, this.token, method, path, body, expectStatus);
  }
}

/** A Bot Framework channel posting to /api/messages with `deliveryMode: expectReplies`, as the tests do. */
export class MessagesSession implements ChatSession {
  readonly userId = `bench-${randomUUID().slice(0, 12)}`;
  private readonly conversationId = `conv-${randomUUID().slice(0, 12)}`;

  /**
   * @param clientAddress the address the request comes from behind the reverse proxy: the
   * endpoint's flood guard (6,000 a minute per address) would otherwise see every official as one.
   */
  constructor(
    private readonly baseUrl: string,
    private readonly clientAddress: string,
  ) {}

  async start(): Promise<void> {
    const replies = await this.post({ type: 'conversationUpdate', membersAdded: [{ id: this.userId }] });
    if (replies.length === 0) throw new TurnError('No greeting on /api/messages');
  }

  async say(text: string): Promise<TurnOutcome> {
    const started = performance.now();
    const replies = await this.post({ type: 'message', text });
    const latencyMs = performance.now() - started;
    if (replies.length === 0) throw new TurnError(`No reply to « ${text} » on /api/messages`);
    return { latencyMs, replies: replies.map((reply) => reply.text ?? '') };
  }

  private async post(overrides: Record<string, unknown>): Promise<ReadActivity[]> {
    const activity = {
      type: 'message',
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      channelId: 'bench',
      serviceUrl: 'http://127.0.0.1:9/',
      conversation: { id: this.conversationId },
      from: { id: this.userId, name: 'Agent' },
      recipient: { id: 'bot', name: 'Assistant' },
      locale: 'fr-FR',
      deliveryMode: 'expectReplies',
      ...overrides,
    };
    const body = await requestJson(`${this.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': this.clientAddress },
      body: JSON.stringify(activity),
      expectStatus: [200],
    });
    return (body.activities as ReadActivity[] | undefined) ?? [];
  }
}
