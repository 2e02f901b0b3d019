// The database goes away in the middle of conversations and comes back: the chat says so in French,
// the API and /healthz answer 503, nothing crashes, and the conversations go on where they were.
import { DATABASE_UNAVAILABLE_TEXT, TURN_ERROR_TEXT } from '../../bot/botRuntime';
import { call, errorCode, staffKey } from '../api/staffApiSupport';
import { TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';
import { directLineCall, FIRST_HALF, waitFor, WidgetUser } from './resilienceSupport';

let app: TestApp;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
  process.off('unhandledRejection', onUnhandled);
});

async function health(): Promise<number> {
  return (await fetch(`${app.url}/healthz`)).status;
}

describe('Database outage', () => {
  test('When the database stops mid-conversation and comes back, then users are told in French, the API answers 503, and every conversation goes on with nothing lost', async () => {
    if (!app.testDatabase.embedded) return expect(app.testDatabase.embedded).toBe(false);
    const key = await staffKey(app.staffAccounts, 'admin');
    const teamsLike = new TestConversation(app.url);
    await teamsLike.play(FIRST_HALF.slice(0, 3));
    const widget = await WidgetUser.arrive(app.url);
    await widget.start();
    await widget.play(FIRST_HALF.slice(0, 2));

    await app.testDatabase.stop();
    const chatReplies = await teamsLike.say('200 046 977');
    const widgetPost = await widget.post('69');
    const widgetPoll = await directLineCall(app.url, 'GET', `/conversations/${widget.conversationId}/activities`, { token: widget.token });
    const newWidgetUser = await directLineCall(app.url, 'POST', '/tokens/generate');
    const healthDown = await health();
    const staffList = await call(app.url, '/api/dossiers', { key });
    const faq = await call(app.url, '/api/faq', { body: { question: 'Qui signe un CTAI ?' } });

    await app.testDatabase.start();
    await waitFor(async () => (await health()) === 200, 'the database to answer again');
    const chatAfter = await teamsLike.say('200 046 977');
    const widgetAfter = await widget.say('69');
    const staffAfter = await call(app.url, '/api/dossiers', { key });

    expect(chatReplies.map((reply) => reply.text)).toEqual([DATABASE_UNAVAILABLE_TEXT]);
    expect(widgetPost.status).toBe(503);
    expect(widgetPost.body.error).toEqual({ code: 'DATABASE_UNAVAILABLE', message: expect.stringMatching(/momentanément indisponible.*conservé/) });
    expect(widgetPoll.status).toBe(503);
    expect(newWidgetUser.status).toBe(200);
    expect(healthDown).toBe(503);
    expect(staffList.status).toBe(503);
    expect(errorCode(staffList)).toBe('DATABASE_UNAVAILABLE');
    expect(faq.status).toBe(200);

    expect(chatAfter.map((reply) => reply.text).join('\n')).toContain('habitants');
    expect(widgetAfter.map((reply) => reply.text).join('\n')).toContain('SIREN');
    expect(staffAfter.status).toBe(200);
    const chatDraft = await app.repository.findDraftForOwner({ channel: 'test', userId: teamsLike.userId });
    expect(chatDraft?.collectivity).toEqual({ name: 'Métropole de Lyon', kind: 'metropole', departement: '69', siren: '200046977' });
    const widgetDrafts = await app.database.connection.collection('dossiers').find({ 'owner.channel': 'webchat' }).toArray();
    expect(widgetDrafts.map((draft) => draft.collectivity)).toEqual([{ name: 'Métropole de Lyon', kind: 'metropole', departement: '69' }]);
    expect(unhandled).toEqual([]);
  });

  test('When a turn fails for another reason than the database, then the user gets the general error message, not the outage one', async () => {
    // No sender: botbuilder's UserState cannot name the user's state, and the turn fails.
    const broken = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'bonjour', channelId: 'test', serviceUrl: 'http://127.0.0.1:9/', deliveryMode: 'expectReplies', recipient: { id: 'bot' } }),
    });
    const body = (await broken.json()) as { activities?: Array<{ text?: string }> };

    expect(body.activities?.map((reply) => reply.text)).toEqual([TURN_ERROR_TEXT]);
  });
});
