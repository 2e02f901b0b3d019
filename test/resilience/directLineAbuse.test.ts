// Issue 15, F8 and F10: Direct Line conversations are capped per address and per day, idle ones are
// purged, « supprimer mes données » revokes the user's tokens, and an expired token is never renewed.
import { DirectLineTokens } from '../../bot/directline/directLineTokens';
import { startTestApp, type TestApp } from '../support/testApp';
import { directLineCall, FIRST_HALF, WidgetUser } from './resilienceSupport';

const SECRET = 'test-directline-secret-of-at-least-32-characters';
const HOUR_MS = 3600 * 1000;

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ directLine: { conversationLimits: { perAddressPerDay: 3, perDay: 5 }, purge: { emptyHours: 24, abandonedDays: 7 } } });
});

afterAll(async () => {
  await app.close();
});

function userIdOf(token: string): string {
  const [payload = ''] = token.split('.');
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string }).sub;
}

/** A new anonymous user starting a conversation from `address` (the app trusts X-Forwarded-For from loopback, as behind its proxy). */
async function startFrom(address: string, token?: string): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> {
  const headers = { 'x-forwarded-for': address, 'content-type': 'application/json' };
  const bearer = token ?? (((await (await fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST', headers })).json()) as { token: string }).token);
  const response = await fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${bearer}` }, body: '{}' });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, retryAfter: response.headers.get('retry-after') };
}

describe('Direct Line conversation caps (F8)', () => {
  test('When one address starts more conversations in a day than its cap, then the next is refused with 429 and a French reason, and resuming one still works', async () => {
    const started = [];
    for (let i = 0; i < 3; i += 1) started.push(await startFrom('198.51.100.7'));
    const refused = await startFrom('198.51.100.7');
    const elsewhere = await startFrom('198.51.100.8');
    const resumed = await startFrom('198.51.100.7', started[0]!.body.token as string);

    expect(started.map((answer) => answer.status)).toEqual([201, 201, 201]);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toEqual({ code: 'DIRECTLINE_ADDRESS_QUOTA', message: expect.stringContaining('Trop de conversations ont été ouvertes depuis votre adresse aujourd’hui') });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(86_400);
    expect(elsewhere.status).toBe(201);
    expect(resumed.status).toBe(200);
    expect(resumed.body.conversationId).toBe(started[0]!.body.conversationId);
    // The counters hold no address.
    const counters = await app.database.connection.collection('directline_quota').find({}).toArray();
    expect(JSON.stringify(counters)).not.toContain('198.51.100');
  });

  test('When all addresses together reach the daily cap, then any further start is refused with 429', async () => {
    // 4 already started by the previous test (3 + 1); the global cap is 5.
    const fifth = await startFrom('203.0.113.1');
    const sixth = await startFrom('203.0.113.2');

    expect(fifth.status).toBe(201);
    expect(sixth.status).toBe(429);
    expect(sixth.body.error).toMatchObject({ code: 'DIRECTLINE_DAILY_QUOTA', message: expect.stringContaining('nombre maximal de nouvelles conversations pour aujourd’hui') });
  });
});

/** The caps are tiny here: tests past the caps' own start from a clean day. */
async function clearCounters(): Promise<void> {
  await app.database.connection.collection('directline_quota').deleteMany({});
}

describe('Direct Line purge of idle conversations (F8)', () => {
  beforeEach(clearCounters);

  test('When the purge runs, then conversations where nobody wrote go after a day idle, the others after a week with their dialog state, and the past days’ counters go', async () => {
    const conversations = app.database.connection.collection<{ _id: string; updatedAt: Date }>('directline_conversations');
    await conversations.deleteMany({});
    const empty = await WidgetUser.arrive(app.url);
    await empty.start();
    const talked = await WidgetUser.arrive(app.url);
    await talked.start();
    await talked.play(FIRST_HALF.slice(0, 2));
    const recent = await WidgetUser.arrive(app.url);
    await recent.start();
    const now = Date.now();
    await app.database.connection.collection('directline_quota').insertOne({ _id: '2020-01-01|*' as never, day: '2020-01-01', count: 9 });

    // A token issued for a conversation (Web Chat refreshes every 15 minutes while the page is open) counts as a use.
    const before = (await conversations.findOne({ _id: recent.conversationId! }))!.updatedAt;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const refreshed = await directLineCall(app.url, 'POST', '/tokens/refresh', { token: recent.token });
    const touched = (await conversations.findOne({ _id: recent.conversationId! }))!.updatedAt;
    // As if the page had stayed open for 20 hours.
    await conversations.updateOne({ _id: recent.conversationId! }, { $set: { updatedAt: new Date(now + 20 * HOUR_MS) } });

    const afterADay = await app.conversationPurge.run(new Date(now + 25 * HOUR_MS));
    const remainingAfterADay = (await conversations.find({}).toArray()).map((conversation) => conversation._id);
    const afterEightDays = await app.conversationPurge.run(new Date(now + 8 * 24 * HOUR_MS));
    const remaining = (await conversations.find({}).toArray()).map((conversation) => conversation._id);
    const talkedActivities = await app.database.connection.collection('directline_activities').countDocuments({ conversationId: talked.conversationId });
    const talkedState = await app.database.connection.collection('botstate').countDocuments({ _id: `webchat/conversations/${talked.conversationId}/` as never });

    expect(refreshed.status).toBe(200);
    expect(touched.getTime()).toBeGreaterThan(before.getTime());
    expect(afterADay.conversations).toBe(1);
    expect(remainingAfterADay.sort()).toEqual([talked.conversationId, recent.conversationId].sort());
    expect(afterADay.counters).toBeGreaterThanOrEqual(1);
    expect(await app.database.connection.collection('directline_quota').countDocuments({ day: '2020-01-01' })).toBe(0);
    expect(afterEightDays.conversations).toBe(2);
    expect(remaining).toEqual([]);
    expect(talkedActivities).toBe(0);
    expect(talkedState).toBe(0);
  });
});

describe('Revocation on « supprimer mes données » (F8)', () => {
  beforeEach(clearCounters);

  test('When a widget user erases their data, then every token issued before is refused, but the page may still read the confirmation and write on', async () => {
    const widget = await WidgetUser.arrive(app.url);
    const bareToken = widget.token;
    await widget.start();
    await widget.play(FIRST_HALF.slice(0, 2));
    const otherTab = new WidgetUser(app.url, widget.token);
    await otherTab.comeBack(app.url, { newConversation: true });
    await otherTab.start();

    await widget.say('supprimer mes données');
    const done = (await widget.say('oui')).map((reply) => reply.text ?? '').join('\n');
    const generated = await directLineCall(app.url, 'POST', '/tokens/generate', { token: bareToken });
    const resumed = await directLineCall(app.url, 'POST', '/tokens/generate', { token: widget.token });
    const refreshed = await directLineCall(app.url, 'POST', '/tokens/refresh', { token: widget.token });
    const restarted = await directLineCall(app.url, 'POST', '/conversations', { token: widget.token, body: {} });
    const otherTabRead = await directLineCall(app.url, 'GET', `/conversations/${otherTab.conversationId}/activities`, { token: otherTab.token });
    const confirmation = await directLineCall(app.url, 'GET', `/conversations/${widget.conversationId}/activities`, { token: widget.token });
    const stillWriting = await widget.say('aide');

    expect(done).toContain('C’est fait');
    for (const refused of [generated, resumed, refreshed, restarted, otherTabRead]) {
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'DIRECTLINE_TOKEN_INVALID', details: { reason: 'revoked' } });
    }
    expect(confirmation.status).toBe(200);
    expect(stillWriting.length).toBeGreaterThan(0);
    // A new anonymous user is not concerned.
    const fresh = await WidgetUser.arrive(app.url);
    expect(userIdOf(fresh.token)).not.toBe(userIdOf(widget.token));
    await fresh.start();
  });
});

describe('Expired tokens (F10)', () => {
  beforeEach(clearCounters);

  test('When tokens/generate or tokens/refresh gets a token that expired, however recently, then it is refused and no token comes back', async () => {
    const widget = await WidgetUser.arrive(app.url);
    await widget.start();
    const userId = userIdOf(widget.token);
    const anHourAndASecondAgo = new DirectLineTokens(SECRET, 3600, () => new Date(Date.now() - 3601 * 1000));
    const expired = anHourAndASecondAgo.issue({ userId, conversationId: widget.conversationId! }).token;

    const generated = await directLineCall(app.url, 'POST', '/tokens/generate', { token: expired });
    const refreshed = await directLineCall(app.url, 'POST', '/tokens/refresh', { token: expired });

    for (const refused of [generated, refreshed]) {
      expect(refused.status).toBe(403);
      expect(refused.body.token).toBeUndefined();
      expect(refused.body.error).toMatchObject({ code: 'DIRECTLINE_TOKEN_INVALID', details: { reason: 'expired' } });
    }
  });
});
