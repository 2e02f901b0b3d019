// Helpers of the resilience suites: a web widget user talking over our Direct Line, the journey's
// answers, reading a server's database file after it stopped, and waiting for conditions.
import { MongoClient, type Db } from 'mongodb';
import { devDbFile, startDevDb } from '../../devdb';
import type { Exchange } from '../support/conversation';

/** The first half of an application (collectivity and contact), as in the journey tests. */
export const FIRST_HALF: Exchange[] = [
  ['Préparer une candidature', ['J’ai ouvert le dossier TI-', 'Quel est le nom']],
  ['Métropole de Lyon', 'Dans quel département'],
  ['69', 'SIREN'],
  ['200 046 977', 'habitants'],
  ['1,4 million', 'personne à contacter'],
  ['Camille Martin', 'fonction'],
  ['Chargée de mission cohésion sociale', 'adresse électronique'],
  ['Camille.Martin@GrandLyon.com', 'téléphone'],
  ['04 72 00 00 00', 'stratégie d’ensemble'],
];

/** What the first half leaves in the draft. */
export const FIRST_HALF_DRAFT = {
  collectivity: { name: 'Métropole de Lyon', kind: 'metropole', departement: '69', siren: '200046977', population: 1_400_000 },
  contact: { name: 'Camille Martin', role: 'Chargée de mission cohésion sociale', email: 'camille.martin@grandlyon.com', phone: '+33472000000' },
};

export interface FeedActivity {
  id: string;
  type: string;
  text?: string;
  from: { id: string; role?: string };
  attachments?: unknown[];
}

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

export async function directLineCall(baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}/v3/directline${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as HttpAnswer['body']) : {} };
}

/** A web widget user: a token, a conversation, posts and polls as Web Chat does. */
export class WidgetUser {
  conversationId: string | undefined;
  private watermark = '0';

  constructor(
    public baseUrl: string,
    public token: string,
  ) {}

  static async arrive(baseUrl: string): Promise<WidgetUser> {
    const answer = await directLineCall(baseUrl, 'POST', '/tokens/generate');
    if (answer.status !== 200) throw new Error(`tokens/generate answered ${answer.status}`);
    return new WidgetUser(baseUrl, answer.body.token as string);
  }

  /** Comes back with the stored token, as the page does on a reload: same user, same conversation if it still exists. */
  async comeBack(baseUrl = this.baseUrl, options: { newConversation?: boolean } = {}): Promise<void> {
    this.baseUrl = baseUrl;
    const answer = await directLineCall(baseUrl, 'POST', '/tokens/generate', { token: this.token, body: options });
    if (answer.status !== 200) throw new Error(`tokens/generate with the token answered ${answer.status}`);
    this.token = answer.body.token as string;
  }

  /** Starts (or, with a token bound to one, resumes) a conversation; returns the bot's greeting if any. */
  async start(): Promise<FeedActivity[]> {
    const answer = await directLineCall(this.baseUrl, 'POST', '/conversations', { token: this.token, body: { locale: 'fr-FR' } });
    if (answer.status !== 201 && answer.status !== 200) throw new Error(`conversations answered ${answer.status}`);
    this.conversationId = answer.body.conversationId as string;
    this.token = answer.body.token as string;
    this.watermark = '0';
    return (await this.poll()).filter((activity) => activity.from.role === 'bot');
  }

  /** Posts a message; the post answers once the turn is done, so the replies are then in the feed. */
  async post(text: string): Promise<HttpAnswer> {
    return directLineCall(this.baseUrl, 'POST', `/conversations/${this.conversationId}/activities`, {
      token: this.token,
      body: { type: 'message', text, locale: 'fr-FR', from: { id: 'ignored' }, channelData: { clientActivityID: `c-${Math.random().toString(36).slice(2)}` } },
    });
  }

  /** Posts and returns the bot's replies to it. */
  async say(text: string): Promise<FeedActivity[]> {
    const answer = await this.post(text);
    if (answer.status !== 200) throw new Error(`Posting « ${text} » answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return (await this.poll()).filter((activity) => activity.from.role === 'bot');
  }

  /** Plays a table and checks each expectation against the text of that turn's replies. */
  async play(exchanges: Exchange[]): Promise<void> {
    for (const [said, expected] of exchanges) {
      if (typeof said !== 'string') throw new Error('WidgetUser.play takes typed text only');
      const text = (await this.say(said)).map((reply) => reply.text ?? '').join('\n---\n');
      for (const expectation of Array.isArray(expected) ? expected : [expected]) {
        const found = typeof expectation === 'string' ? text.includes(expectation) : expectation.test(text);
        if (!found) throw new Error(`After « ${said} », expected ${String(expectation)} in:\n${text}`);
      }
    }
  }

  /** Every activity after the last one read. */
  async poll(): Promise<FeedActivity[]> {
    const answer = await directLineCall(this.baseUrl, 'GET', `/conversations/${this.conversationId}/activities?watermark=${this.watermark}`, { token: this.token });
    if (answer.status !== 200) throw new Error(`Polling answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    this.watermark = answer.body.watermark as string;
    return answer.body.activities as FeedActivity[];
  }
}

/** Opens a stopped server's embedded database file and hands its database to `read`. */
export async function readDatabaseFile<T>(dataDir: string, read: (db: Db) => Promise<T>): Promise<T> {
  const devdb = await startDevDb({ filename: devDbFile(dataDir) });
  const client = new MongoClient(devdb.uri('territoires'), { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    return await read(client.db('territoires'));
  } finally {
    await client.close();
    await devdb.close();
  }
}

/** Waits until the condition holds, checking every 20 ms; fails after the timeout. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
