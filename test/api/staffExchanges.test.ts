// The staff API's thread, labels, « suivre » and annotations, over HTTP through the real app; the applicant in the real Direct Line.
import { dossierModel } from '../../dossiers/dossierModel';
import { startTestApp, type TestApp } from '../support/testApp';
import { call, errorCode, staffKey, submittedDossier } from './staffApiSupport';
import { fillAndSubmit, WidgetApplicant } from './widgetApplicant';

jest.setTimeout(30_000);

let app: TestApp;
let lyon: string;
let marseille: string;

beforeAll(async () => {
  app = await startTestApp();
  lyon = await staffKey(app.staffAccounts, 'instructeur', ['69'], 'Paul Martin');
  marseille = await staffKey(app.staffAccounts, 'instructeur', ['13'], 'Agent de Marseille');
});

beforeEach(async () => {
  await dossierModel(app.database.connection).deleteMany({});
});

afterAll(async () => {
  await app.close();
});

describe('The thread over the staff API', () => {
  test('When an instructeur writes to the applicant, then the message reaches their chat, and their reply in the chat comes back in GET messages', async () => {
    const applicant = await WidgetApplicant.start(app.url);
    const dossier = await fillAndSubmit(app.repository, applicant, 'Commune de Vénissieux (API)');

    const sent = await call(app.url, `/api/dossiers/${dossier.reference}/messages`, { key: lyon, body: { text: 'Pouvez-vous préciser le porteur de l’action 2 ?' } });

    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ delivered: true, message: { text: 'Pouvez-vous préciser le porteur de l’action 2 ?', by: { kind: 'staff', name: 'Paul Martin' }, deliveredAt: expect.any(String) } });
    const told = await applicant.waitFor('Message de la préfecture (Paul Martin)');
    expect(told).toContain('préciser le porteur de l’action 2');

    await applicant.say('répondre à la préfecture : c’est le CCAS qui porte l’action 2.');
    await applicant.waitFor('Votre message est transmis à la préfecture');

    const thread = await call(app.url, `/api/dossiers/${dossier.reference}/messages`, { key: lyon });
    expect(thread.status).toBe(200);
    const items = thread.body.items as Array<{ by: { kind: string; id: string }; text: string }>;
    expect(items.map((item) => [item.by.kind, item.text])).toEqual([
      ['staff', 'Pouvez-vous préciser le porteur de l’action 2 ?'],
      ['applicant', 'c’est le CCAS qui porte l’action 2.'],
    ]);
    // The applicant's chat identifier never reaches staff.
    expect(JSON.stringify(items)).not.toContain(applicant.userId);
  });

  test('When the applicant has no conversation to reach, then the message is kept and delivered is false', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69' });

    const sent = await call(app.url, `/api/dossiers/${dossier.reference}/messages`, { key: lyon, body: { text: 'Bonjour' } });

    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ delivered: false, message: { text: 'Bonjour' } });
    expect(sent.body.message).not.toHaveProperty('deliveredAt');
    const stored = await app.repository.findByReference(dossier.reference);
    expect(stored?.messages?.map((message) => message.text)).toEqual(['Bonjour']);
    expect(stored?.version).toBe(dossier.version);
  });

  test.each([
    [{ text: '' }, 400, 'VALIDATION_FAILED'],
    [{ text: 'x'.repeat(4001) }, 400, 'VALIDATION_FAILED'],
    [{ text: 'Bonjour', extra: 1 }, 400, 'VALIDATION_FAILED'],
    [{ text: { $ne: '' } }, 400, 'VALIDATION_FAILED'],
  ])('When the message body is %j, then it is refused (%i) and nothing is stored', async (body, status, code) => {
    const dossier = await submittedDossier(app.repository, { departement: '69' });

    const response = await call(app.url, `/api/dossiers/${dossier.reference}/messages`, { key: lyon, body });

    expect(response.status).toBe(status);
    expect(errorCode(response)).toBe(code);
    expect((await app.repository.findByReference(dossier.reference))?.messages ?? []).toEqual([]);
  });

  test('When the body is not JSON, then 415', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69' });
    const response = await call(app.url, `/api/dossiers/${dossier.reference}/messages`, { key: lyon, body: 'text=Bonjour', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(415);
  });
});

/** An applicant whose dossier is submitted and whose chat has no question on screen any more, as after submitting in the chat. */
async function applicantWithSubmittedDossier(name: string): Promise<{ applicant: WidgetApplicant; reference: string }> {
  const applicant = await WidgetApplicant.start(app.url);
  const dossier = await fillAndSubmit(app.repository, applicant, name);
  await applicant.say('annuler');
  await applicant.waitFor('D’accord, j’arrête là.');
  return { applicant, reference: dossier.reference };
}

describe('The applicant’s replies in the chat', () => {
  test('When the prefecture’s message is pending, then the applicant’s next message, even a plain « oui », lands in the thread; once answered, a « merci » is the chat’s again', async () => {
    const { applicant, reference } = await applicantWithSubmittedDossier('Commune de Bron (réponse en attente)');
    await call(app.url, `/api/dossiers/${reference}/messages`, { key: lyon, body: { text: 'Le conseil municipal a-t-il délibéré ?' } });
    await applicant.waitFor('Message de la préfecture (Paul Martin)');

    await applicant.say('Oui, nous l’avons votée en mars.');
    const acknowledged = await applicant.waitFor('Votre message est transmis à la préfecture');
    expect(acknowledged).toContain(reference);
    await applicant.say('merci');
    const answer = await applicant.nextMessage();
    expect(answer).not.toContain('transmis à la préfecture');

    const thread = await call(app.url, `/api/dossiers/${reference}/messages`, { key: lyon });
    const texts = (thread.body.items as Array<{ by: { kind: string }; text: string }>).map((item) => [item.by.kind, item.text]);
    expect(texts).toEqual([
      ['staff', 'Le conseil municipal a-t-il délibéré ?'],
      ['applicant', 'Oui, nous l’avons votée en mars.'],
    ]);
  });

  test('When no prefecture message is pending, then a plain « oui » is not taken for a reply', async () => {
    const { applicant, reference } = await applicantWithSubmittedDossier('Commune de Rillieux (sans message)');

    await applicant.say('Oui, nous l’avons votée en mars.');
    const answer = await applicant.nextMessage();

    expect(answer).not.toContain('transmis à la préfecture');
    expect((await app.repository.findByReference(reference))?.messages ?? []).toEqual([]);
  });

  test('When the prefecture’s message is pending and the applicant asks a question, then the FAQ answers it and the thread does not take it', async () => {
    const { applicant, reference } = await applicantWithSubmittedDossier('Commune de Givors (question)');
    await call(app.url, `/api/dossiers/${reference}/messages`, { key: lyon, body: { text: 'Avez-vous la délibération ?' } });
    await applicant.waitFor('Message de la préfecture (Paul Martin)');

    await applicant.say('Qui signe un CTAI ?');
    await applicant.waitFor('[1]');

    const stored = await app.repository.findByReference(reference);
    expect(stored?.messages?.map((message) => message.by.kind)).toEqual(['staff']);
  });

  test('When the applicant writes to the prefecture in their own words, then it lands in the thread the instructeur reads, not in the agents’ private notes', async () => {
    const { applicant, reference } = await applicantWithSubmittedDossier('Communauté de communes (réponse libre)');

    await applicant.say('Suite à la demande de la préfecture, je précise que le numéro SIREN de la communauté de communes est le 200 070 381.');
    await applicant.waitFor('Votre message est transmis à la préfecture');

    const thread = await call(app.url, `/api/dossiers/${reference}/messages`, { key: lyon });
    expect((thread.body.items as Array<{ by: { kind: string }; text: string }>).map((item) => [item.by.kind, item.text])).toEqual([
      ['applicant', 'Suite à la demande de la préfecture, je précise que le numéro SIREN de la communauté de communes est le 200 070 381.'],
    ]);
    const notes = await call(app.url, `/api/dossiers/${reference}/notes`, { key: lyon });
    expect(notes.body.items).toEqual([]);
  });
});

describe('Labels, « suivre » and annotations over the staff API', () => {
  test('When an instructeur labels a dossier, then the labels replace the previous ones and the list filters on them', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69' });
    await submittedDossier(app.repository, { departement: '69' });

    const first = await call(app.url, `/api/dossiers/${dossier.reference}/labels`, { key: lyon, method: 'PUT', body: { labels: ['urgent', 'budget à revoir', 'urgent'] } });
    const second = await call(app.url, `/api/dossiers/${dossier.reference}/labels`, { key: lyon, method: 'PUT', body: { labels: ['prioritaire'] } });
    const listed = await call(app.url, '/api/dossiers?label=prioritaire', { key: lyon });

    expect(first.status).toBe(200);
    expect(first.body).toEqual({ labels: ['urgent', 'budget à revoir'] });
    expect(second.body).toEqual({ labels: ['prioritaire'] });
    expect((listed.body.items as Array<{ reference: string }>).map((item) => item.reference)).toEqual([dossier.reference]);
    expect((await app.repository.findByReference(dossier.reference))?.version).toBe(dossier.version);
  });

  test.each([[{ labels: Array.from({ length: 11 }, (_, index) => `e${index}`) }], [{ labels: ['x'.repeat(41)] }], [{ labels: 'urgent' }], [{}]])('When the labels are %j, then 400 and nothing changes', async (body) => {
    const dossier = await submittedDossier(app.repository, { departement: '69' });
    const response = await call(app.url, `/api/dossiers/${dossier.reference}/labels`, { key: lyon, method: 'PUT', body });
    expect(response.status).toBe(400);
    expect((await app.repository.findByReference(dossier.reference))?.labels ?? []).toEqual([]);
  });

  test('When an instructeur follows then unfollows, then the answer and the dossier say so', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69' });

    const followed = await call(app.url, `/api/dossiers/${dossier.reference}/follow`, { key: lyon, method: 'PUT' });
    const again = await call(app.url, `/api/dossiers/${dossier.reference}/follow`, { key: lyon, method: 'PUT' });
    expect(followed.status).toBe(200);
    expect(followed.body).toEqual({ following: true, followers: 1 });
    expect(again.body).toEqual({ following: true, followers: 1 });

    const unfollowed = await call(app.url, `/api/dossiers/${dossier.reference}/follow`, { key: lyon, method: 'DELETE' });
    expect(unfollowed.body).toEqual({ following: false, followers: 0 });
  });

  test('When an instructeur lists with followed=me, then only the dossiers they follow come, in the list and the export', async () => {
    const mine = await submittedDossier(app.repository, { departement: '69', name: 'Suivi par Paul' });
    await submittedDossier(app.repository, { departement: '69', name: 'Non suivi' });
    const colleague = await staffKey(app.staffAccounts, 'instructeur', ['69'], 'Collègue de Lyon');
    expect((await call(app.url, `/api/dossiers/${mine.reference}/follow`, { key: lyon, method: 'PUT' })).status).toBe(200);

    const followed = await call(app.url, '/api/dossiers?followed=me', { key: lyon });
    const all = await call(app.url, '/api/dossiers', { key: lyon });
    const theirs = await call(app.url, '/api/dossiers?followed=me', { key: colleague });
    const csv = await call(app.url, '/api/dossiers/export.csv?followed=me', { key: lyon });
    const invalid = await call(app.url, '/api/dossiers?followed=someone-else', { key: lyon });

    expect(followed.status).toBe(200);
    expect((followed.body.items as Array<{ reference: string }>).map((item) => item.reference)).toEqual([mine.reference]);
    expect(followed.body.total).toBe(1);
    expect(all.body.total).toBe(2);
    expect(theirs.body.total).toBe(0);
    expect(csv.text.split('\r\n').filter((line) => line !== '')).toHaveLength(2);
    expect(csv.text).toContain(mine.reference);
    expect(invalid.status).toBe(400);
  });

  test('When an instructeur annotates, then GET notes lists the annotations, oldest first', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69' });
    await call(app.url, `/api/dossiers/${dossier.reference}/notes`, { key: lyon, body: { text: 'Première note' } });
    await call(app.url, `/api/dossiers/${dossier.reference}/notes`, { key: lyon, body: { text: 'Deuxième note' } });

    const notes = await call(app.url, `/api/dossiers/${dossier.reference}/notes`, { key: lyon });

    expect(notes.status).toBe(200);
    expect((notes.body.items as Array<{ text: string; by: { name: string } }>).map((note) => [note.text, note.by.name])).toEqual([
      ['Première note', 'Paul Martin'],
      ['Deuxième note', 'Paul Martin'],
    ]);
  });

  test.each([
    ['GET', 'messages', undefined],
    ['POST', 'messages', { text: 'Bonjour' }],
    ['GET', 'notes', undefined],
    ['PUT', 'labels', { labels: ['urgent'] }],
    ['PUT', 'follow', undefined],
    ['DELETE', 'follow', undefined],
  ])('When an instructeur of another département calls %s %s, then 404 and nothing changes', async (method, route, body) => {
    const dossier = await submittedDossier(app.repository, { departement: '69' });

    const response = await call(app.url, `/api/dossiers/${dossier.reference}/${route}`, { key: marseille, method, ...(body ? { body } : {}) });
    const anonymous = await call(app.url, `/api/dossiers/${dossier.reference}/${route}`, { method, ...(body ? { body } : {}) });

    expect(response.status).toBe(404);
    expect(errorCode(response)).toBe('DOSSIER_NOT_FOUND');
    expect(anonymous.status).toBe(401);
    const stored = await app.repository.findByReference(dossier.reference);
    expect([stored?.messages ?? [], stored?.labels ?? [], stored?.followers ?? []]).toEqual([[], [], []]);
  });

  test('When the dossier is a draft, then it does not exist for staff', async () => {
    const draft = await app.repository.createDraft({ channel: 'webchat', userId: 'drafting' });
    const response = await call(app.url, `/api/dossiers/${draft.reference}/messages`, { key: lyon, body: { text: 'Bonjour' } });
    expect(response.status).toBe(404);
  });
});
