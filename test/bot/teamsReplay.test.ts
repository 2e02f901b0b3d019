// Teams-shaped activities (channel msteams, tenant, Entra ID identity, card submits) through
// /api/messages; the bot answers through a simulated Bot Framework connector, as it does in Teams.
import { randomUUID } from 'node:crypto';
import { startFakeConnector, type FakeConnector } from '../support/fakeConnector';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;
let connector: FakeConnector;

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

beforeAll(async () => {
  [app, connector] = await Promise.all([startTestApp(), startFakeConnector()]);
});

afterAll(async () => {
  await Promise.all([app.close(), connector.close()]);
});

function teamsUser() {
  return { id: `29:${randomUUID()}`, aadObjectId: randomUUID(), name: 'Camille Martin' };
}

/** Posts one Teams activity and returns the texts and attachments the bot sent back through the connector. */
async function send(conversationId: string, user: ReturnType<typeof teamsUser>, activity: Record<string, unknown>) {
  const id = `f:${randomUUID()}`;
  const response = await fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id,
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      from: user,
      recipient: { id: '28:bot-id', name: 'Territoires d’intégration' },
      conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      locale: 'fr-FR',
      ...activity,
    }),
  });
  expect(response.status).toBe(200);
  const calls = connector.take();
  return {
    calls,
    text: calls.map((call) => String(call.activity.text ?? '')).join('\n'),
    cards: calls.flatMap((call) => (call.activity.attachments as Array<{ contentType: string; content: Record<string, unknown> }> | undefined) ?? []),
  };
}

describe('Microsoft Teams through a simulated connector', () => {
  test('When a Teams user installs the bot, then the greeting goes back to that conversation through the connector', async () => {
    const user = teamsUser();
    const conversationId = `a:${randomUUID()}`;

    const replies = await send(conversationId, user, { type: 'conversationUpdate', membersAdded: [{ id: user.id }], text: undefined });

    expect(replies.text).toContain('Bonjour et bienvenue');
    expect(replies.calls.every((call) => call.conversationId === conversationId)).toBe(true);
  });

  test('When a Teams user answers with card buttons and a multi-select submit, then the draft records the answers with the Teams identity', async () => {
    const user = teamsUser();
    const conversationId = `a:${randomUUID()}`;

    await send(conversationId, user, { text: 'Préparer une candidature' });
    const kindQuestion = await send(conversationId, user, { text: 'Pays de Quimperlé' });
    const card = kindQuestion.cards.find((attachment) => attachment.contentType === 'application/vnd.microsoft.card.adaptive');
    const buttons = (card?.content.body as Array<{ actions: Array<{ title: string; data: { msteams: { type: string; value: string } } }> }>)[0]!.actions;
    const button = buttons.find((action) => action.title === 'Communauté de communes')!;
    // Teams turns an imBack Action.Submit into a message whose text is the button's value.
    const afterKind = await send(conversationId, user, { text: button.data.msteams.value });
    for (const answer of ['29', 'passer', 'passer', 'Camille Martin', 'Chargée de mission', 'camille.martin@quimperle.fr', 'passer', 'des actions ciblées', 'réalisé', 'plus tard']) {
      await send(conversationId, user, { text: answer });
    }
    const fieldsCard = await send(conversationId, user, { text: 'PTAI' });
    const afterFields = await send(conversationId, user, { text: '', value: { selection: 'mobility,language_coordination', card: 'multiSelect' } });

    expect(card?.content.version).toBe('1.5');
    expect(button.data.msteams.type).toBe('imBack');
    expect(afterKind.text).toContain('département');
    expect(fieldsCard.cards.some((attachment) => JSON.stringify(attachment.content).includes('Input.ChoiceSet'))).toBe(true);
    expect(afterFields.text).toContain('Quel engagement');
    const draft = await app.repository.findDraftForOwner({ channel: 'msteams', userId: user.id, aadObjectId: user.aadObjectId, tenantId: TENANT });
    expect(draft).toMatchObject({
      owner: { channel: 'msteams', userId: user.id, aadObjectId: user.aadObjectId, tenantId: TENANT },
      collectivity: { name: 'Pays de Quimperlé', kind: 'communaute_de_communes', departement: '29' },
      scheme: 'PTAI',
      fields: ['mobility', 'language_coordination'],
    });
  });

  test('When the same Entra ID user writes from another conversation, then their draft is found and resumed', async () => {
    const user = teamsUser();
    const firstConversation = `a:${randomUUID()}`;
    await send(firstConversation, user, { text: 'Préparer une candidature' });
    await send(firstConversation, user, { text: 'Métropole de Brest' });

    const elsewhere = { ...user, id: `29:${randomUUID()}` };
    const greeting = await send(`a:${randomUUID()}`, elsewhere, { type: 'conversationUpdate', membersAdded: [{ id: elsewhere.id }], text: undefined });

    expect(greeting.text).toContain('Vous avez un dossier en cours');
    expect(greeting.text).toContain('Métropole de Brest');
  });

  test('When the prefecture changes the status of a Teams user’s dossier, then the user is told in their conversation', async () => {
    const user = teamsUser();
    const conversationId = `a:${randomUUID()}`;
    await send(conversationId, user, { text: 'Préparer une candidature' });
    const draft = await app.repository.findDraftForOwner({ channel: 'msteams', userId: user.id });

    await app.bot.notifyStatusChange({ dossier: draft!, from: 'submitted', to: 'under_review' });
    const notified = connector.take();

    expect(notified).toHaveLength(1);
    expect(notified[0]?.conversationId).toBe(conversationId);
    expect(String(notified[0]?.activity.text)).toContain(`Votre dossier ${draft!.reference} est en cours d’instruction`);
  });

  test('When a change is the applicant’s own, then nobody is notified', async () => {
    const user = teamsUser();
    const conversationId = `a:${randomUUID()}`;
    await send(conversationId, user, { text: 'Préparer une candidature' });
    const draft = await app.repository.findDraftForOwner({ channel: 'msteams', userId: user.id });

    await app.bot.notifyStatusChange({ dossier: draft!, from: 'draft', to: 'submitted' });

    expect(connector.take()).toEqual([]);
  });
});
