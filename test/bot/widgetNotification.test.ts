// A status change reaches a web widget user through their conversation's Direct Line feed.
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

async function directLine(method: string, path: string, token?: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${app.url}/v3/directline${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

describe('Status notifications in the web widget', () => {
  test('When the prefecture takes up a widget user’s dossier, then the message appears in their conversation feed', async () => {
    const { token: userToken } = (await directLine('POST', '/tokens/generate')) as { token: string };
    const { conversationId, token } = (await directLine('POST', '/conversations', userToken, { locale: 'fr-FR' })) as { conversationId: string; token: string };
    await directLine('POST', `/conversations/${conversationId}/activities`, token, { type: 'message', text: 'Préparer une candidature', from: { id: 'ignored' } });
    const before = (await directLine('GET', `/conversations/${conversationId}/activities`, token)) as {
      watermark: string;
      activities: Array<{ text?: string; from: { id: string } }>;
    };
    // The server rewrote the user's id: the echo of their own message tells which it is.
    const userId = before.activities.find((activity) => activity.text === 'Préparer une candidature')!.from.id;
    const draft = await app.repository.findDraftForOwner({ channel: 'webchat', userId });

    await app.bot.notifyStatusChange({ dossier: draft!, from: 'submitted', to: 'under_review' });
    const after = (await directLine('GET', `/conversations/${conversationId}/activities?watermark=${before.watermark}`, token)) as {
      activities: Array<{ text?: string; from: { id: string } }>;
    };

    expect(draft).not.toBeNull();
    expect(after.activities).toHaveLength(1);
    expect(after.activities[0]?.text).toContain(`Votre dossier ${draft!.reference} est en cours d’instruction`);
    expect(after.activities[0]?.from.id).toBe('territoires-bot');
  });
});
