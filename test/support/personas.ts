// Simulated officials: a whole conversation through the real bot, then the dossier the prefecture
// received, read through the staff API, must hold what the official meant.
import { call, staffKey } from '../api/staffApiSupport';
import { startTestApp, type TestApp } from './testApp';
import { TestConversation, type Exchange } from './conversation';

export interface Persona {
  who: string;
  conversation: Exchange[];
  /** The contact's e-mail as finally given: tells this official's dossier from the others. */
  email: string;
  expected: Record<string, unknown>;
  /** Paths (« contact.phone ») the official erased: the dossier received must not hold them. */
  absent?: string[];
}

/** Plays the persona's conversation, then checks its submitted dossier through the staff API. */
async function expectDossierAsMeant(baseUrl: string, staffKey: string, persona: Persona): Promise<void> {
  const official = new TestConversation(baseUrl);
  await official.play(persona.conversation);
  const name = (persona.expected.collectivity as { name: string }).name;
  const listed = await call(baseUrl, `/api/dossiers?q=${encodeURIComponent(name)}&limit=50`, { key: staffKey });
  expect(listed.status).toBe(200);
  const items = (listed.body.items ?? []) as Array<{ reference: string; contact?: { email?: string } }>;
  const mine = items.find((item) => item.contact?.email === persona.email) ?? items[0];
  expect(mine).toBeDefined();
  const detail = await call(baseUrl, `/api/dossiers/${mine!.reference}`, { key: staffKey });
  expect(detail.status).toBe(200);
  expect(detail.body).toMatchObject({ status: 'submitted', ...persona.expected });
  for (const path of persona.absent ?? []) {
    const value = path.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], detail.body);
    expect([path, value]).toEqual([path, undefined]);
  }
}

/** One describe block for a file of simulated officials: one app, one admin key, one test per persona. */
export function describePersonas(title: string, personas: readonly Persona[], timeoutMs?: number): void {
  describe(title, () => {
    let app: TestApp;
    let staff: string;

    beforeAll(async () => {
      app = await startTestApp();
      staff = await staffKey(app.staffAccounts, 'admin');
    });

    afterAll(async () => {
      await app.close();
    });

    test.each(personas.map((persona) => [persona.who, persona] as const))(
      'When %s applies, then the dossier received holds what they meant',
      async (_who, persona) => {
        await expectDossierAsMeant(app.url, staff, persona);
      },
      timeoutMs,
    );
  });
}
