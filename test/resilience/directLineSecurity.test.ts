// Direct Line access control, beyond test/bot/directLine.test.ts (which covers missing, expired,
// forged and altered tokens, user A on user B's conversation, unknown conversations and the echo of
// a spoofed `from`): what a spoofed identity can reach through the bot, and tokens used out of place.
import { startTestApp, type TestApp } from '../support/testApp';
import { directLineCall, FIRST_HALF, WidgetUser } from './resilienceSupport';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

function userIdOf(token: string): string {
  const [payload = ''] = token.split('.');
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string }).sub;
}

async function victimWithADraft(): Promise<{ victim: WidgetUser; reference: string }> {
  const victim = await WidgetUser.arrive(app.url);
  await victim.start();
  await victim.play(FIRST_HALF.slice(0, 3));
  const draft = await app.repository.findDraftForOwner({ channel: 'webchat', userId: userIdOf(victim.token) });
  if (!draft) throw new Error('The victim has no draft');
  return { victim, reference: draft.reference };
}

describe('Direct Line identity', () => {
  test('When a client posts with another user’s id in from and a forged envelope, then the bot acts for the token’s user and the victim’s draft and feed are untouched', async () => {
    const { victim, reference } = await victimWithADraft();
    const victimFeedBefore = await directLineCall(app.url, 'GET', `/conversations/${victim.conversationId}/activities`, { token: victim.token });
    const attacker = await WidgetUser.arrive(app.url);
    await attacker.start();

    const posted = await directLineCall(app.url, 'POST', `/conversations/${attacker.conversationId}/activities`, {
      token: attacker.token,
      body: {
        type: 'message',
        text: 'reprendre',
        from: { id: userIdOf(victim.token), role: 'user' },
        conversation: { id: victim.conversationId },
        channelId: 'msteams',
        serviceUrl: 'http://127.0.0.1:9/',
        recipient: { id: userIdOf(victim.token) },
      },
    });
    const seen = await attacker.poll();
    const victimFeedAfter = await directLineCall(app.url, 'GET', `/conversations/${victim.conversationId}/activities`, { token: victim.token });
    const victimDraft = await app.repository.findByReference(reference);

    expect(posted.status).toBe(200);
    const echo = seen.find((activity) => activity.from.role === 'user') as unknown as Record<string, unknown>;
    expect(echo).toMatchObject({ from: { id: userIdOf(attacker.token) }, conversation: { id: attacker.conversationId }, channelId: 'webchat' });
    expect(echo.serviceUrl).toBeUndefined();
    const replies = seen.filter((activity) => activity.from.role === 'bot').map((activity) => activity.text ?? '');
    expect(replies.join('\n')).not.toContain(reference);
    expect(replies.join('\n')).toContain('J’ai ouvert le dossier');
    expect(victimFeedAfter.body).toEqual(victimFeedBefore.body);
    expect(victimDraft?.owner.userId).toBe(userIdOf(victim.token));
    expect(victimDraft?.collectivity).toEqual({ name: 'Métropole de Lyon', kind: 'metropole', departement: '69' });
  });

  test('When tokens/generate is asked for another user by its body, then the token is still for the caller', async () => {
    const { victim } = await victimWithADraft();
    const caller = await WidgetUser.arrive(app.url);

    const anonymous = await directLineCall(app.url, 'POST', '/tokens/generate', { body: { user: { id: userIdOf(victim.token) }, userId: userIdOf(victim.token) } });
    const withToken = await directLineCall(app.url, 'POST', '/tokens/generate', { token: caller.token, body: { userId: userIdOf(victim.token), conversationId: victim.conversationId } });

    expect(userIdOf(anonymous.body.token as string)).not.toBe(userIdOf(victim.token));
    expect(userIdOf(withToken.body.token as string)).toBe(userIdOf(caller.token));
    expect(withToken.body.conversationId).toBeUndefined();
  });
});

describe('Tokens out of place', () => {
  test('When a token not yet bound to a conversation, or bound to another conversation of the same user, is used on a conversation, then the answer is 403', async () => {
    const { victim } = await victimWithADraft();
    const stranger = await WidgetUser.arrive(app.url);
    const firstTab = await WidgetUser.arrive(app.url);
    await firstTab.start();
    const secondTab = new WidgetUser(app.url, firstTab.token);
    await secondTab.comeBack(app.url, { newConversation: true });
    await secondTab.start();

    const unbound = await directLineCall(app.url, 'GET', `/conversations/${victim.conversationId}/activities`, { token: stranger.token });
    const unboundPost = await directLineCall(app.url, 'POST', `/conversations/${victim.conversationId}/activities`, { token: stranger.token, body: { type: 'message', text: 'bonjour' } });
    const otherTab = await directLineCall(app.url, 'GET', `/conversations/${firstTab.conversationId}/activities`, { token: secondTab.token });

    expect([unbound.status, unboundPost.status, otherTab.status]).toEqual([403, 403, 403]);
    expect(unbound.body.error?.code).toBe('FORBIDDEN');
  });

  test('When the token comes in the query string or in another header instead of Authorization, then it is not accepted', async () => {
    const { victim } = await victimWithADraft();

    const inQuery = await fetch(`${app.url}/v3/directline/conversations/${victim.conversationId}/activities?token=${victim.token}`);
    const inCookie = await fetch(`${app.url}/v3/directline/conversations/${victim.conversationId}/activities`, { headers: { cookie: `token=${victim.token}`, 'x-token': victim.token } });

    expect([inQuery.status, inCookie.status]).toEqual([403, 403]);
  });
});
