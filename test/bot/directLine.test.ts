import { MENU_TEXT, WELCOME_TEXT } from '../../bot/assistantBot';
import { openConnection } from '../../api/database';
import { BOT_ACCOUNT, ConversationFeed } from '../../bot/directline/conversationFeed';
import { resolveDirectLineSecret } from '../../bot/directline/directLineSecret';
import { DirectLineTokens, USER_ID_PATTERN } from '../../bot/directline/directLineTokens';
import { startTestDatabase, type TestDatabase } from '../support/testDatabase';
import { startDirectLineServer, type DirectLineTestServer } from './directLineTestServer';

const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';
const DAY_SECONDS = 24 * 3600;

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string } };
}

interface Activity {
  id: string;
  type: string;
  timestamp: string;
  text?: string;
  value?: unknown;
  replyToId?: string;
  from: { id: string; role?: string };
  channelData?: Record<string, unknown>;
}

interface Session {
  conversationId: string;
  token: string;
}

let testDatabase: TestDatabase;
let server: DirectLineTestServer;

beforeAll(async () => {
  testDatabase = await startTestDatabase();
  server = await startDirectLineServer(testDatabase, { secret: SECRET });
});

afterAll(async () => {
  await server?.close();
  await testDatabase?.close();
});

async function call(baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown; rawBody?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}/v3/directline${path}`, {
    method,
    headers,
    ...(options.rawBody !== undefined ? { body: options.rawBody } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

async function newUserToken(baseUrl = server.url): Promise<string> {
  const answer = await call(baseUrl, 'POST', '/tokens/generate');
  expect(answer.status).toBe(200);
  return answer.body.token as string;
}

async function startConversation(baseUrl = server.url, token?: string): Promise<Session> {
  const answer = await call(baseUrl, 'POST', '/conversations', { token: token ?? (await newUserToken(baseUrl)), body: { user: {}, locale: 'fr-FR' } });
  expect(answer.status).toBe(201);
  return { conversationId: answer.body.conversationId as string, token: answer.body.token as string };
}

async function readFeed(session: Session, watermark?: string, baseUrl = server.url): Promise<{ activities: Activity[]; watermark: string }> {
  const query = watermark === undefined ? '' : `?watermark=${watermark}`;
  const answer = await call(baseUrl, 'GET', `/conversations/${session.conversationId}/activities${query}`, { token: session.token });
  expect(answer.status).toBe(200);
  return answer.body as unknown as { activities: Activity[]; watermark: string };
}

async function post(session: Session, activity: Record<string, unknown>, baseUrl = server.url): Promise<Answer> {
  return call(baseUrl, 'POST', `/conversations/${session.conversationId}/activities`, { token: session.token, body: activity });
}

function buildMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    text: 'Bonjour',
    locale: 'fr-FR',
    from: { id: 'r_12345', name: '', role: 'user' },
    channelData: { clientActivityID: `client-${Math.random().toString(36).slice(2)}`, clientTimestamp: new Date().toISOString() },
    ...overrides,
  };
}

/** Another connection to a test database, as a second server instance would open. */
function connectTo(database: TestDatabase) {
  return openConnection(database.uri, database.embedded ? 'embedded' : 'mongodb', 1500);
}

function userIdOf(token: string, graceSeconds = 0): string {
  const check = new DirectLineTokens(SECRET, 3600).verify(token, { graceSeconds });
  if (!check.valid) throw new Error(`The token is not valid: ${check.reason}`);
  return check.claims.userId;
}

describe('Direct Line tokens', () => {
  test('When a page asks for a token without one, then it gets a token for a new server-issued user', async () => {
    const first = await call(server.url, 'POST', '/tokens/generate');
    const second = await call(server.url, 'POST', '/tokens/generate');

    expect(first.status).toBe(200);
    expect(first.body).toEqual({ token: expect.any(String), expires_in: 3600 });
    expect(userIdOf(first.body.token as string)).toMatch(USER_ID_PATTERN);
    expect(userIdOf(first.body.token as string)).not.toBe(userIdOf(second.body.token as string));
  });

  test('When a page asks for a token with a valid one, then it gets a fresh token for the same user and conversation', async () => {
    const session = await startConversation();

    const answer = await call(server.url, 'POST', '/tokens/generate', { token: session.token });

    expect(answer.status).toBe(200);
    expect(answer.body.conversationId).toBe(session.conversationId);
    expect(userIdOf(answer.body.token as string)).toBe(userIdOf(session.token));
    expect((await readFeed({ ...session, token: answer.body.token as string })).activities.length).toBeGreaterThan(0);
  });

  test('When a page asks for a new conversation with its token, then the token keeps the user but no longer the conversation', async () => {
    const session = await startConversation();

    const answer = await call(server.url, 'POST', '/tokens/generate', { token: session.token, body: { newConversation: true } });
    const next = await startConversation(server.url, answer.body.token as string);

    expect(answer.body.conversationId).toBeUndefined();
    expect(userIdOf(answer.body.token as string)).toBe(userIdOf(session.token));
    expect(next.conversationId).not.toBe(session.conversationId);
    expect((await readFeed(next)).activities.map((activity) => activity.text)).toEqual([WELCOME_TEXT, MENU_TEXT]);
  });

  test('When a user comes back after the token expired, then tokens/generate refuses it (issue 15, F10: no chainable grace) and the page starts as a new anonymous user', async () => {
    const session = await startConversation();
    const userId = userIdOf(session.token);
    const tenDaysAgo = new DirectLineTokens(SECRET, 3600, () => new Date(Date.now() - 10 * DAY_SECONDS * 1000));
    const staleToken = tenDaysAgo.issue({ userId, conversationId: session.conversationId }).token;

    const refused = await call(server.url, 'POST', '/tokens/generate', { token: staleToken });
    const staleRead = await call(server.url, 'GET', `/conversations/${session.conversationId}/activities`, { token: staleToken });
    const anonymous = await call(server.url, 'POST', '/tokens/generate');

    expect(refused.status).toBe(403);
    expect(refused.body.token).toBeUndefined();
    expect(staleRead.status).toBe(403);
    expect(userIdOf(anonymous.body.token as string)).not.toBe(userId);
  });

  test('When the client refreshes its token, then the new one works for the same conversation', async () => {
    const session = await startConversation();

    const answer = await call(server.url, 'POST', '/tokens/refresh', { token: session.token });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ token: expect.any(String), expires_in: 3600, conversationId: session.conversationId });
    const feed = await readFeed({ conversationId: session.conversationId, token: answer.body.token as string });
    expect(feed.activities.length).toBeGreaterThan(0);
  });
});

describe('Direct Line conversations', () => {
  test('When a conversation starts, then the bot greets through the feed with server ids and a string watermark', async () => {
    const token = await newUserToken();

    const answer = await call(server.url, 'POST', '/conversations', { token, body: { user: {}, locale: 'fr-FR' } });
    const session = { conversationId: answer.body.conversationId as string, token: answer.body.token as string };
    const feed = await readFeed(session);

    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      conversationId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      token: expect.any(String),
      expires_in: 3600,
      streamUrl: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/v3\/directline\/conversations\/[A-Za-z0-9_-]{22}\/stream\?t=/),
    });
    expect(feed.activities.map((activity) => activity.text)).toEqual([WELCOME_TEXT, MENU_TEXT]);
    expect(feed.activities.map((activity) => activity.id)).toEqual([`${session.conversationId}|0000001`, `${session.conversationId}|0000002`]);
    expect(feed.activities[0]).toMatchObject({ type: 'message', from: BOT_ACCOUNT, conversation: { id: session.conversationId }, timestamp: expect.any(String) });
    expect(feed.activities[0]?.replyToId).toBeUndefined();
    expect(feed.watermark).toBe('2');
  });

  test('When the page starts again with a token bound to its conversation, then it gets the same conversation without a second greeting', async () => {
    const session = await startConversation();

    const again = await call(server.url, 'POST', '/conversations', { token: session.token, body: {} });
    const reconnect = await call(server.url, 'GET', `/conversations/${session.conversationId}?watermark=`, { token: session.token });

    expect(again.status).toBe(200);
    expect(again.body.conversationId).toBe(session.conversationId);
    expect(reconnect.status).toBe(200);
    expect(reconnect.body).toEqual({ conversationId: session.conversationId, token: expect.any(String), expires_in: 3600, streamUrl: expect.stringContaining(`/conversations/${session.conversationId}/stream?t=`) });
    expect((await readFeed(session)).activities).toHaveLength(2);
  });

  test('When the user posts a message, then the answer is its id and the feed echoes it before the bot replies', async () => {
    const session = await startConversation();
    const message = buildMessage({ text: 'Je voudrais des informations' });

    const answer = await post(session, message);
    const feed = await readFeed(session, '2');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: `${session.conversationId}|0000003` });
    const [echo, ...replies] = feed.activities;
    expect(echo).toMatchObject({
      id: answer.body.id,
      type: 'message',
      text: 'Je voudrais des informations',
      timestamp: expect.any(String),
      from: { id: userIdOf(session.token), role: 'user' },
      channelData: { clientActivityID: (message.channelData as { clientActivityID: string }).clientActivityID },
    });
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) {
      expect(reply).toMatchObject({ from: BOT_ACCOUNT, replyToId: echo?.id });
      expect(Date.parse(reply.timestamp)).toBeGreaterThan(Date.parse(echo?.timestamp ?? ''));
    }
  });

  test('When the client polls with a watermark, then only newer activities come back', async () => {
    const session = await startConversation();
    const first = await readFeed(session);
    await post(session, buildMessage({ text: 'premier' }));

    const newer = await readFeed(session, first.watermark);
    const nothingNew = await readFeed(session, newer.watermark);

    expect(newer.activities[0]?.text).toBe('premier');
    expect(newer.activities.map((activity) => activity.id)).not.toContain(first.activities[0]?.id);
    expect(Number(newer.watermark)).toBe(Number(first.watermark) + newer.activities.length);
    expect(nothingNew).toEqual({ activities: [], watermark: newer.watermark });
  });

  test('When a card button is clicked, then its value is posted without text and the bot answers', async () => {
    const session = await startConversation();

    const answer = await post(session, buildMessage({ text: undefined, value: { action: 'menu', choice: 'Aide' }, channelData: { postBack: true, clientActivityID: 'card-1' } }));
    const feed = await readFeed(session, '2');

    expect(answer.status).toBe(200);
    expect(feed.activities[0]).toMatchObject({ value: { action: 'menu', choice: 'Aide' }, channelData: { postBack: true, clientActivityID: 'card-1' } });
    expect(feed.activities.length).toBeGreaterThan(1);
  });

  test('When the client claims another user id in from, then the feed shows the token user instead', async () => {
    const session = await startConversation();
    const victim = await startConversation();

    await post(session, buildMessage({ from: { id: userIdOf(victim.token), name: 'Quelqu’un', role: 'bot' } }));
    const [echo] = (await readFeed(session, '2')).activities;

    expect(echo?.from).toEqual({ id: userIdOf(session.token), name: '', role: 'user' });
  });

  test.each([
    ['a type the subset does not take', { type: 'invoke', name: 'x' }],
    ['a message with neither text nor value', { type: 'message', text: '  ' }],
    ['a text over 10,000 characters', { type: 'message', text: 'x'.repeat(10_001) }],
    ['a MongoDB operator as the locale', { type: 'message', text: 'a', locale: { $gt: '' } }],
  ])('When the body is %s, then the answer is a 400 and nothing is stored', async (_label, body) => {
    const session = await startConversation();

    const answer = await post(session, body);

    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe('VALIDATION_FAILED');
    expect((await readFeed(session, '2')).activities).toEqual([]);
  });

  test('When the body is over 64 KB, then the answer is 413', async () => {
    const session = await startConversation();

    const answer = await post(session, buildMessage({ channelData: { padding: 'x'.repeat(70 * 1024) } }));

    expect(answer.status).toBe(413);
    expect(answer.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('When the body is not JSON, then the answer is a JSON 400', async () => {
    const session = await startConversation();

    const answer = await call(server.url, 'POST', `/conversations/${session.conversationId}/activities`, { token: session.token, rawBody: '{"type":' });

    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe('MALFORMED_JSON');
  });
});

describe('Direct Line access control', () => {
  test('When there is no token, then every conversation call answers 403', async () => {
    const session = await startConversation();

    const answers = await Promise.all([
      call(server.url, 'POST', '/conversations'),
      call(server.url, 'GET', `/conversations/${session.conversationId}/activities`),
      call(server.url, 'POST', `/conversations/${session.conversationId}/activities`, { body: buildMessage() }),
      call(server.url, 'POST', '/tokens/refresh'),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([403, 403, 403, 403]);
    expect(answers[0]?.body.error?.code).toBe('DIRECTLINE_TOKEN_INVALID');
  });

  test('When the token has expired, then reading and posting answer 403', async () => {
    const session = await startConversation();
    const twoHoursAgo = new DirectLineTokens(SECRET, 3600, () => new Date(Date.now() - 2 * 3600 * 1000));
    const expired = twoHoursAgo.issue({ userId: userIdOf(session.token), conversationId: session.conversationId }).token;

    const read = await call(server.url, 'GET', `/conversations/${session.conversationId}/activities`, { token: expired });
    const posted = await call(server.url, 'POST', `/conversations/${session.conversationId}/activities`, { token: expired, body: buildMessage() });
    const refreshed = await call(server.url, 'POST', '/tokens/refresh', { token: expired });

    expect([read.status, posted.status, refreshed.status]).toEqual([403, 403, 403]);
    expect(read.body.error).toEqual({ code: 'DIRECTLINE_TOKEN_INVALID', message: expect.any(String), details: { reason: 'expired' } });
  });

  test('When a token is signed with another secret or its claims are altered, then the answer is 403', async () => {
    const victim = await startConversation();
    const forger = new DirectLineTokens('another-secret-of-at-least-thirty-two-characters', 3600);
    const forged = forger.issue({ userId: userIdOf(victim.token), conversationId: victim.conversationId }).token;
    const [, signature] = (await newUserToken()).split('.');
    const altered = `${Buffer.from(JSON.stringify({ v: 1, sub: userIdOf(victim.token), cid: victim.conversationId, iat: 1, exp: 4_000_000_000 })).toString('base64url')}.${signature}`;

    const withForged = await call(server.url, 'GET', `/conversations/${victim.conversationId}/activities`, { token: forged });
    const withAltered = await call(server.url, 'GET', `/conversations/${victim.conversationId}/activities`, { token: altered });
    const withGarbage = await call(server.url, 'GET', `/conversations/${victim.conversationId}/activities`, { token: 'not.a.token' });

    expect([withForged.status, withAltered.status, withGarbage.status]).toEqual([403, 403, 403]);
    expect(withForged.body.error).toMatchObject({ code: 'DIRECTLINE_TOKEN_INVALID', details: { reason: 'signature' } });
  });

  test('When user A uses their token on user B’s conversation, then reading, posting and reconnecting answer 403', async () => {
    const alice = await startConversation();
    const bob = await startConversation();

    const read = await call(server.url, 'GET', `/conversations/${bob.conversationId}/activities`, { token: alice.token });
    const posted = await call(server.url, 'POST', `/conversations/${bob.conversationId}/activities`, { token: alice.token, body: buildMessage() });
    const reconnect = await call(server.url, 'GET', `/conversations/${bob.conversationId}`, { token: alice.token });

    expect([read.status, posted.status, reconnect.status]).toEqual([403, 403, 403]);
    expect((await readFeed(bob, '2')).activities).toEqual([]);
  });

  test('When one address asks for more than 60 new users in a minute, then it gets 429 in the catalogue’s format', async () => {
    const own = await startDirectLineServer(testDatabase, { secret: SECRET });
    try {
      const answers = [];
      for (let index = 0; index < 61; index += 1) answers.push(await call(own.url, 'POST', '/tokens/generate'));

      expect(answers.slice(0, 60).every((answer) => answer.status === 200)).toBe(true);
      expect(answers[60]?.status).toBe(429);
      expect(answers[60]?.body.error?.code).toBe('TOO_MANY_REQUESTS');
    } finally {
      await own.close();
    }
  });

  test('When the conversation does not exist, then the answer is 404', async () => {
    const token = await newUserToken();
    const bound = new DirectLineTokens(SECRET, 3600).issue({ userId: userIdOf(token), conversationId: 'AAAAAAAAAAAAAAAAAAAAAA' }).token;

    const read = await call(server.url, 'GET', '/conversations/AAAAAAAAAAAAAAAAAAAAAA/activities', { token: bound });
    const odd = await call(server.url, 'GET', '/conversations/..%2F..%2Fetc/activities', { token: bound });

    expect(read.status).toBe(404);
    expect(read.body.error?.code).toBe('DIRECTLINE_CONVERSATION_NOT_FOUND');
    expect(odd.status).toBe(404);
  });
});

describe('Direct Line history deletion', () => {
  test('When a user’s web chat history is deleted, then their conversations answer 404 and other users keep theirs', async () => {
    const session = await startConversation();
    const other = await startConversation();
    await post(session, buildMessage({ text: 'des données à effacer' }));
    const secondToken = (await call(server.url, 'POST', '/tokens/generate', { token: session.token, body: { newConversation: true } })).body.token as string;
    const second = await startConversation(server.url, secondToken);

    const deleted = await new ConversationFeed(server.database.connection).deleteUserHistory(userIdOf(session.token));
    const read = await call(server.url, 'GET', `/conversations/${session.conversationId}/activities`, { token: session.token });
    const resumed = await call(server.url, 'POST', '/tokens/generate', { token: session.token });

    expect(deleted).toBe(2);
    expect(read.status).toBe(404);
    expect((await call(server.url, 'GET', `/conversations/${second.conversationId}/activities`, { token: second.token })).status).toBe(404);
    expect(resumed.body.conversationId).toBeUndefined();
    expect(userIdOf(resumed.body.token as string)).toBe(userIdOf(session.token));
    expect(await server.database.connection.collection('directline_activities').countDocuments({ conversationId: session.conversationId })).toBe(0);
    expect((await readFeed(other)).activities).toHaveLength(2);
  });
});

describe('Direct Line across server instances', () => {
  test('When the server restarts on the same database with a generated secret, then the token still works and the whole feed is there', async () => {
    const first = await startDirectLineServer(testDatabase);
    const session = await startConversation(first.url);
    await post(session, buildMessage({ text: 'avant le redémarrage' }), first.url);
    const before = await readFeed(session, undefined, first.url);
    await first.close();

    const second = await startDirectLineServer(testDatabase);
    try {
      const after = await readFeed(session, undefined, second.url);
      const posted = await post(session, buildMessage({ text: 'après le redémarrage' }), second.url);

      expect(after).toEqual(before);
      expect(posted.status).toBe(200);
      expect(posted.body.id).toBe(`${session.conversationId}|${String(before.activities.length + 1).padStart(7, '0')}`);
    } finally {
      await second.close();
    }
  });

  test('When two instances share a database, then both serve one conversation and concurrent posts get distinct, gapless ids', async () => {
    const [one, two] = await Promise.all([startDirectLineServer(testDatabase, { secret: SECRET }), startDirectLineServer(testDatabase, { secret: SECRET })]);
    try {
      const session = await startConversation(one.url);

      const posts = await Promise.all([
        post(session, buildMessage({ text: 'sur la une' }), one.url),
        post(session, buildMessage({ text: 'sur la deux' }), two.url),
        post(session, buildMessage({ text: 'encore la une' }), one.url),
      ]);
      const seenByOne = await readFeed(session, undefined, one.url);
      const seenByTwo = await readFeed(session, undefined, two.url);

      expect(posts.map((answer) => answer.status)).toEqual([200, 200, 200]);
      expect(seenByTwo).toEqual(seenByOne);
      const seqs = seenByOne.activities.map((activity) => Number(activity.id.split('|')[1]));
      expect(seqs).toEqual(seqs.map((_seq, index) => index + 1));
      const texts = seenByOne.activities.filter((activity) => activity.from.role === 'user').map((activity) => activity.text);
      expect(texts.sort()).toEqual(['encore la une', 'sur la deux', 'sur la une']);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  test('When two instances append to one conversation at the same moment, then every activity gets its own number, with no gap', async () => {
    const [a, b] = await Promise.all([connectTo(testDatabase), connectTo(testDatabase)]);
    try {
      const feedA = new ConversationFeed(a.connection);
      const feedB = new ConversationFeed(b.connection);
      const conversation = await feedA.createConversation('dl_AAAAAAAAAAAAAAAAAAAAAA', 'fr-FR');
      const notice = (text: string) => ({ type: 'message', text });

      await Promise.all(
        Array.from({ length: 10 }, (_unused, index) => [
          feedA.appendActivities(conversation.id, [notice(`a${index}`), notice(`a${index}-suite`)]),
          feedB.appendActivities(conversation.id, [notice(`b${index}`)]),
        ]).flat(),
      );
      const { activities, watermark } = await feedB.readActivities(conversation.id, 0);

      expect(activities).toHaveLength(30);
      expect(activities.map((activity) => activity.id)).toEqual(activities.map((_activity, index) => `${conversation.id}|${String(index + 1).padStart(7, '0')}`));
      expect(new Set(activities.map((activity) => activity.text)).size).toBe(30);
      expect(watermark).toBe(30);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('When two instances with no configured secret start together on an empty database, then they agree on one generated secret', async () => {
    const empty = await startTestDatabase();
    const [a, b] = await Promise.all([connectTo(empty), connectTo(empty)]);
    try {
      const [secretA, secretB] = await Promise.all([resolveDirectLineSecret(undefined, a.connection), resolveDirectLineSecret(undefined, b.connection)]);
      const again = await resolveDirectLineSecret(undefined, a.connection);

      expect(secretA).toHaveLength(43);
      expect(secretB).toBe(secretA);
      expect(again).toBe(secretA);
      expect(await resolveDirectLineSecret('configured-secret-of-thirty-two-characters', a.connection)).toBe('configured-secret-of-thirty-two-characters');
    } finally {
      await Promise.all([a.close(), b.close()]);
      await empty.close();
    }
  });
});
