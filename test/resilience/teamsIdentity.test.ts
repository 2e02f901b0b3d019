// Review finding F4: a Teams user's draft is reached by their Entra ID identity only from Teams, in
// their own tenant. A client of any other channel writes `from.aadObjectId` as it likes.
import { randomUUID } from 'node:crypto';
import { TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

function teamsExtra(tenantId: string) {
  return { channelId: 'msteams', channelData: { tenant: { id: tenantId } }, conversation: { id: `a:${randomUUID()}`, tenantId } };
}

async function victimDraft(): Promise<{ aadObjectId: string; reference: string }> {
  const aadObjectId = randomUUID();
  const victimId = `29:${randomUUID()}`;
  const victim = new TestConversation(app.url, victimId, { ...teamsExtra(TENANT), from: { id: victimId, aadObjectId, name: 'Camille' } });
  await victim.play([
    ['Préparer une candidature', 'J’ai ouvert le dossier TI-'],
    ['Métropole de Lyon', 'Dans quel département'],
  ]);
  const draft = await app.repository.findDraftForOwner({ channel: 'msteams', userId: victimId, aadObjectId, tenantId: TENANT });
  if (!draft) throw new Error('The victim has no draft');
  return { aadObjectId, reference: draft.reference };
}

describe('Teams identity', () => {
  test('When a client of another channel sets the victim’s aadObjectId, then it does not reach the victim’s draft', async () => {
    const { aadObjectId, reference } = await victimDraft();
    const attacker = new TestConversation(app.url, 'attacker-web', { from: { id: 'attacker-web', aadObjectId, name: 'Intrus' } });

    const replies = await attacker.say('reprendre');
    const text = replies.map((reply) => reply.text).join('\n');

    expect(text).not.toContain(reference);
    expect(text).not.toContain('Métropole de Lyon');
    expect((await app.repository.findDraftForOwner({ channel: 'test', userId: 'attacker-web', aadObjectId }))?.reference).not.toBe(reference);
  });

  test('When a Teams activity of another tenant carries the same aadObjectId, then it does not reach the draft either', async () => {
    const { aadObjectId, reference } = await victimDraft();
    const otherTenant = randomUUID();
    const attacker = new TestConversation(app.url, '29:attacker', { ...teamsExtra(otherTenant), from: { id: '29:attacker', aadObjectId, name: 'Intrus' } });

    const text = (await attacker.say('reprendre')).map((reply) => reply.text).join('\n');

    expect(text).not.toContain(reference);
    expect((await app.repository.findDraftForOwner({ channel: 'msteams', userId: '29:attacker', aadObjectId, tenantId: otherTenant }))?.reference).not.toBe(reference);
  });

  test('When the same Teams user comes back in another conversation of their tenant, then their draft is found', async () => {
    const { aadObjectId, reference } = await victimDraft();
    const again = new TestConversation(app.url, '29:victim-again', { ...teamsExtra(TENANT), from: { id: '29:victim-again', aadObjectId, name: 'Camille' } });

    const text = (await again.say('reprendre')).map((reply) => reply.text).join('\n');

    expect(text).toContain(reference);
  });
});
