// RGPD: « supprimer mes données » in the chat erases the user's drafts, conversation and user state,
// where to reach them and the web widget's history, after a confirmation; submitted dossiers stay.
import type { Owner } from '../../dossiers/dossierSchema';
import { buildDossier } from '../dossiers/buildDossier';
import { valueOf } from '../api/staffApiSupport';
import { TestConversation } from '../support/conversation';
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

/** A complete dossier of this owner, submitted to the prefecture. */
async function submittedBy(owner: Owner): Promise<string> {
  const draft = await app.repository.createDraft(owner);
  const { scheme, collectivity, contact, approach, diagnostic, housingCommitted, fields, commitments, actions } = buildDossier();
  const filled = valueOf(await app.repository.update(draft.reference, draft.version, { scheme, collectivity, contact, approach, diagnostic, housingCommitted, fields, commitments, actions }));
  return valueOf(await app.repository.transition(filled.reference, filled.version, { to: 'submitted', by: { role: 'applicant', id: owner.userId } })).reference;
}

async function statesMentioning(id: string): Promise<string[]> {
  const documents = await app.database.connection.collection<{ _id: string }>('botstate').find({}).toArray();
  return documents.map((document) => document._id).filter((key) => key.includes(id));
}

function textOf(replies: Array<{ text?: string }>): string {
  return replies.map((reply) => reply.text ?? '').join('\n');
}

describe('« Supprimer mes données »', () => {
  test('When a widget user confirms the deletion, then their draft, states, references and history are gone, the submitted dossier stays and the bot says so', async () => {
    const widget = await WidgetUser.arrive(app.url);
    const userId = userIdOf(widget.token);
    const kept = await submittedBy({ channel: 'webchat', userId });
    await widget.start();
    const firstConversation = widget.conversationId!;
    const firstToken = widget.token;
    await widget.play(FIRST_HALF.slice(0, 3));
    await widget.say('c’est quoi un BPI ?');
    await widget.comeBack(app.url, { newConversation: true });
    await widget.start();
    const draft = await app.repository.findDraftForOwner({ channel: 'webchat', userId });

    const question = textOf(await widget.say('supprimer mes données'));
    const refused = textOf(await widget.say('non'));
    const stillThere = await app.repository.findByReference(draft!.reference);
    await widget.say('Supprimer mes données');
    const done = textOf(await widget.say('oui'));

    expect(question).toContain('Voulez-vous vraiment supprimer vos données ?');
    expect(question).toContain(draft!.reference);
    expect(question).toContain(`Le dossier ${kept}, déjà déposé, est conservé`);
    expect(refused).toContain('je ne supprime rien');
    expect(stillThere).not.toBeNull();
    expect(done).toContain(`C’est fait : votre brouillon ${draft!.reference}`);
    expect(done).toContain(`Le dossier ${kept}, déjà déposé, est conservé`);
    expect(await app.repository.findByReference(draft!.reference)).toBeNull();
    expect((await app.repository.findByReference(kept))?.status).toBe('submitted');
    expect(await statesMentioning(userId)).toEqual([]);
    expect(await statesMentioning(firstConversation)).toEqual([]);
    expect(await statesMentioning(widget.conversationId!)).toEqual([]);
    expect(await app.database.connection.collection('conversation_references').countDocuments({ userId })).toBe(0);
    // The old conversation is gone, and its token is revoked anyway (issue 15, F8).
    const oldConversation = await directLineCall(app.url, 'GET', `/conversations/${firstConversation}/activities`, { token: firstToken });
    expect(oldConversation.status).toBe(403);
    expect(oldConversation.body.error).toMatchObject({ code: 'DIRECTLINE_TOKEN_INVALID', details: { reason: 'revoked' } });
    expect(await app.database.connection.collection('directline_conversations').countDocuments({ _id: firstConversation as never })).toBe(0);
    // The conversation that asked stays open, emptied: only the confirmation is left in it.
    const history = await directLineCall(app.url, 'GET', `/conversations/${widget.conversationId}/activities`, { token: widget.token });
    expect((history.body.activities as Array<{ text?: string }>).map((activity) => activity.text)).toEqual([expect.stringContaining('C’est fait')]);
    expect(textOf(await widget.say('préparer une candidature'))).toContain('J’ai ouvert le dossier');
  });

  test('When a Bot Framework user erases their data mid-application, then the draft and the conversation state go, and their next message starts afresh', async () => {
    const official = new TestConversation(app.url);
    await official.play(FIRST_HALF.slice(0, 4));
    const draft = await app.repository.findDraftForOwner({ channel: 'test', userId: official.userId });

    await official.play([
      ['effacer mes données', ['Voulez-vous vraiment', draft!.reference, 'Répondez « oui »']],
      ['200 046 977', ['je ne supprime rien', 'habitants']],
      ['effacer mes données', 'Voulez-vous vraiment'],
      ['Oui, supprimer mes données', 'C’est fait'],
    ]);
    const statesAfter = [...(await statesMentioning(official.conversationId)), ...(await statesMentioning(official.userId))];
    const next = textOf((await official.say('préparer une candidature')).map((reply) => ({ text: reply.text })));

    expect(await app.repository.findByReference(draft!.reference)).toBeNull();
    expect(statesAfter).toEqual([]);
    expect(next).toContain('J’ai ouvert le dossier');
    expect(next).not.toContain(draft!.reference);
  });
});
