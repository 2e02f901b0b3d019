import { MENU_CHOICES, MENU_TEXT, WELCOME_TEXT } from '../../bot/assistantBot';
import { buildActivity, postExpectingReplies } from '../support/activities';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

describe('POST /api/messages', () => {
  test('When a user joins the conversation, then the bot greets in French and shows the menu', async () => {
    const replies = await postExpectingReplies(
      app.url,
      buildActivity({ type: 'conversationUpdate', conversation: { id: 'greet' }, membersAdded: [{ id: 'user-1' }] }),
    );

    expect(replies.map((reply) => reply.text)).toEqual([WELCOME_TEXT, MENU_TEXT]);
    const actions = (replies[1]?.suggestedActions as { actions: Array<{ title: string }> }).actions;
    expect(actions.map((action) => action.title)).toEqual([...MENU_CHOICES]);
  });

  test('When only the bot joins, then it says nothing', async () => {
    const replies = await postExpectingReplies(
      app.url,
      buildActivity({ type: 'conversationUpdate', conversation: { id: 'bot-only' }, membersAdded: [{ id: 'bot' }] }),
    );

    expect(replies).toEqual([]);
  });

  test('When a user asks for help, then the bot explains what it does and records the user in MongoDB', async () => {
    const replies = await postExpectingReplies(app.url, buildActivity({ text: 'Aide', conversation: { id: 'msg' }, from: { id: 'user-42' } }));
    await postExpectingReplies(app.url, buildActivity({ text: 'encore moi', conversation: { id: 'msg' }, from: { id: 'user-42' } }));

    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('préparer une candidature');
    const stored = await app.database.connection.collection('botstate').findOne({ _id: 'test/users/user-42/' as never });
    expect(stored).not.toBeNull();
    expect(JSON.parse(String(stored?.data)).profile.turns).toBe(2);
  });

  test('When the body is not JSON, then the answer is a JSON 400 in French', async () => {
    const response = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":' });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'MALFORMED_JSON', message: expect.stringContaining('JSON') } });
  });

  test('When the body is over the cap, then the answer is 413', async () => {
    const response = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(buildActivity({ text: 'x'.repeat(400 * 1024) })),
    });

    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('When an Azure Bot app id is configured, then an activity without a Bot Framework token is refused with 401 and never reaches the bot', async () => {
    // botbuilder's CloudAdapter reports refused requests with console.error: keep the test output clean.
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const secured = await startTestApp({
      bot: { appId: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', appPassword: 'secret', appTenantId: undefined, appType: 'MultiTenant' },
    });
    try {
      const anonymous = await fetch(`${secured.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(buildActivity({ text: 'Préparer une candidature', from: { id: 'intruder' } })),
      });
      const forged = await fetch(`${secured.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.' },
        body: JSON.stringify(buildActivity({ text: 'Préparer une candidature', from: { id: 'intruder' } })),
      });

      expect(anonymous.status).toBe(401);
      expect(forged.status).toBe(401);
      expect(await secured.repository.findDraftForOwner({ channel: 'test', userId: 'intruder' })).toBeNull();
    } finally {
      await secured.close();
      consoleError.mockRestore();
    }
  });

  test('When one conversation posts more than 120 activities in a minute, then the next ones get 429 and other conversations are unaffected', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 125; index += 1) {
      const response = await fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(buildActivity({ text: 'aide', conversation: { id: 'flood' } })),
      });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    const other = await postExpectingReplies(app.url, buildActivity({ text: 'aide', conversation: { id: 'quiet' } }));

    expect(statuses.filter((status) => status === 200)).toHaveLength(120);
    expect(statuses.slice(120)).toEqual([429, 429, 429, 429, 429]);
    expect(other.length).toBeGreaterThan(0);
  });
});
