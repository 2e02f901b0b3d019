// One official, one draft, two conversations (two tabs, or Teams and the widget with one identity)
// answering at the same moment: the draft's optimistic concurrency keeps every answer.
import { TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const OFFICIALS = 8;

async function draftOf(userId: string) {
  const draft = await app.repository.findDraftForOwner({ channel: 'test', userId });
  if (!draft) throw new Error(`No draft for ${userId}`);
  return draft;
}

/** Two tabs of one official, both on the draft's collectivity questions: the first at SIREN, the second at the population. */
async function twoTabsOnTheCollectivity(): Promise<{ first: TestConversation; second: TestConversation }> {
  const first = new TestConversation(app.url);
  await first.play([
    ['Préparer une candidature', 'Quel est le nom'],
    ['Métropole de Lyon', 'Dans quel département'],
    ['69', 'SIREN'],
  ]);
  const second = new TestConversation(app.url, first.userId);
  await second.play([
    ['reprendre', ['Je reprends votre dossier', 'SIREN']],
    ['passer', 'habitants'],
  ]);
  return { first, second };
}

describe('Two tabs, one draft', () => {
  test('When two tabs answer different questions of the same section at the same moment, then both answers are in the draft', async () => {
    const officials = await Promise.all(Array.from({ length: OFFICIALS }, () => twoTabsOnTheCollectivity()));
    const versionsBefore = await Promise.all(officials.map(({ first }) => draftOf(first.userId).then((draft) => draft.version)));

    const replies = await Promise.all(officials.map(({ first, second }) => Promise.all([first.say('200 046 977'), second.say('1,4 million')])));

    for (const [index, { first }] of officials.entries()) {
      const draft = await draftOf(first.userId);
      expect(draft.collectivity).toEqual({ name: 'Métropole de Lyon', kind: 'metropole', departement: '69', siren: '200046977', population: 1_400_000 });
      expect(draft.version).toBe((versionsBefore[index] ?? 0) + 2);
    }
    for (const [fromFirst, fromSecond] of replies) {
      expect(fromFirst.map((reply) => reply.text).join('\n')).toMatch(/habitants|personne à contacter/);
      expect(fromSecond.map((reply) => reply.text).join('\n')).toContain('personne à contacter');
    }
  });

  test('When two tabs answer the same question at the same moment, then both writes apply one after the other and neither is lost', async () => {
    const officials = await Promise.all(Array.from({ length: OFFICIALS }, () => twoTabsOnTheCollectivity()));
    // Both tabs at the population question.
    await Promise.all(officials.map(({ first }) => first.play([['passer', 'habitants']])));
    const versionsBefore = await Promise.all(officials.map(({ first }) => draftOf(first.userId).then((draft) => draft.version)));

    await Promise.all(officials.map(({ first, second }) => Promise.all([first.say('12 000'), second.say('13 000')])));

    for (const [index, { first }] of officials.entries()) {
      const draft = await draftOf(first.userId);
      expect([12_000, 13_000]).toContain(draft.collectivity.population);
      expect(draft.collectivity).toMatchObject({ name: 'Métropole de Lyon', departement: '69' });
      expect(draft.version).toBe((versionsBefore[index] ?? 0) + 2);
    }
  });

  test('When a tab writes on a version another tab has already replaced, then its change is applied again on the newer version instead of overwriting it', async () => {
    const { first } = await twoTabsOnTheCollectivity();
    const draft = await draftOf(first.userId);
    // A stale write, as a tab that read the draft before the other tab's answer would send it.
    const stale = await app.repository.update(draft.reference, draft.version - 1, { collectivity: { ...draft.collectivity, siren: '200046977' } });
    const retried = await app.repository.updateWithRetry(draft.reference, (current) => ({ collectivity: { ...current.collectivity, siren: '200046977' } }));

    expect(stale).toMatchObject({ ok: false, error: { code: 'stale_version', currentVersion: draft.version } });
    expect(retried.ok && retried.value.collectivity).toEqual({ ...draft.collectivity, siren: '200046977' });
    expect(retried.ok && retried.value.version).toBe(draft.version + 1);
  });
});
