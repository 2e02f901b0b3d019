// The back-office's decision forms over HTTP: accepting or refusing asks for a confirmation, and a refused form
// says what is missing in a French sentence.
import { execFileSync } from 'node:child_process';
import { buildDossier } from '../dossiers/buildDossier';
import { startTestApp, type TestApp } from '../support/testApp';
import { CookieClient, createAgent, hiddenValue } from './instructionSupport';
import { staffKey, submittedDossier } from './staffApiSupport';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

/** An agent signed in, and a dossier of their département under review. */
async function dossierUnderReview(): Promise<{ client: CookieClient; reference: string }> {
  const agent = await createAgent(app.staffAccounts, { departements: ['69'], name: 'Claire Martin' });
  const client = new CookieClient(app.url);
  await client.signIn(agent.email, agent.password);
  const dossier = await submittedDossier(app.repository, { departement: '69' });
  const page = (await client.get(`/instruction/dossiers/${dossier.reference}`)).text;
  const started = await client.post(`/instruction/dossiers/${dossier.reference}/decision`, { _csrf: hiddenValue(page, '_csrf'), version: hiddenValue(page, 'version'), vers: 'under_review' });
  expect(started.status).toBe(303);
  return { client, reference: dossier.reference };
}

async function decide(client: CookieClient, reference: string, form: Record<string, string | string[]>) {
  const page = (await client.get(`/instruction/dossiers/${reference}`)).text;
  return client.post(`/instruction/dossiers/${reference}/decision`, { _csrf: hiddenValue(page, '_csrf'), version: hiddenValue(page, 'version'), ...form });
}

describe('Accepting or refusing asks for a confirmation', () => {
  test.each([
    ['accepted', { motivation: 'Projet complet.' }, 'Le dossier n’a pas été accepté'],
    ['rejected', { motivation: 'Le budget ne tient pas.' }, 'Le dossier n’a pas été refusé'],
  ] as const)('When « %s » is sent without the confirmation box ticked, then nothing changes and the page asks to confirm, keeping the motivation', async (to, form, refused) => {
    const { client, reference } = await dossierUnderReview();

    const response = await decide(client, reference, { vers: to, ...form });

    expect(response.status).toBe(400);
    expect(response.text).toContain('Cochez « Je confirme');
    expect(response.text).toContain(refused);
    expect(response.text).toContain(form.motivation);
    expect((await app.repository.findByReference(reference))?.status).toBe('under_review');
  });

  test.each(['accepted', 'rejected'] as const)('When « %s » is sent with the confirmation box ticked, then the decision is made', async (to) => {
    const { client, reference } = await dossierUnderReview();
    const page = (await client.get(`/instruction/dossiers/${reference}`)).text;
    expect(page).toMatch(new RegExp(`name="confirmation"[^>]*id="${to === 'accepted' ? 'accept' : 'reject'}-confirm"|id="${to === 'accepted' ? 'accept' : 'reject'}-confirm"[^>]*name="confirmation"`));

    const response = await decide(client, reference, { vers: to, motivation: 'Décision motivée.', confirmation: 'oui' });

    expect(response.status).toBe(303);
    expect((await app.repository.findByReference(reference))?.status).toBe(to);
  });
});

describe('A request for corrections with something missing', () => {
  test.each([
    [{ sections: ['budget'] }, 'Pour demander des corrections, indiquez le motif et ce que le demandeur doit corriger. Rien n’a été envoyé.'],
    [{ commentaire: 'Précisez le coût.' }, 'Pour demander des corrections, indiquez les sections à corriger et le motif. Rien n’a été envoyé.'],
    [{}, 'Pour demander des corrections, indiquez les sections à corriger, le motif et ce que le demandeur doit corriger. Rien n’a été envoyé.'],
  ])('When %p is sent, then the message lists what is missing in a French sentence', async (form, message) => {
    const { client, reference } = await dossierUnderReview();

    const response = await decide(client, reference, { vers: 'changes_requested', ...form });

    expect(response.status).toBe(400);
    expect(response.text).toContain(message);
  });
});

describe('A notice after a decision reflects the dossier as it is now (walkthrough 2, minor 9)', () => {
  test('When corrections were requested and the applicant has resubmitted, then reloading the page left with « ?info=corrections-demandees » no longer shows the notice', async () => {
    const { client, reference } = await dossierUnderReview();
    const asked = await decide(client, reference, { vers: 'changes_requested', sections: ['budget'], motif: 'incomplete', commentaire: 'Précisez le coût.' });
    expect(asked.status).toBe(303);
    expect(asked.location).toBe(`/instruction/dossiers/${reference}?info=corrections-demandees`);
    const notice = 'La demande de corrections est envoyée au demandeur, avec son motif.';
    expect((await client.get(`/instruction/dossiers/${reference}?info=corrections-demandees`)).text).toContain(notice);

    const current = (await app.repository.findByReference(reference))!;
    const resubmitted = await app.repository.transition(reference, current.version, { to: 'submitted', by: { role: 'applicant', id: current.owner.userId } });
    expect(resubmitted.ok).toBe(true);

    const reloaded = (await client.get(`/instruction/dossiers/${reference}?info=corrections-demandees`)).text;
    expect(reloaded).not.toContain(notice);
    expect(reloaded).toContain('Déposé');
  });
});

describe('The PDF of a dossier', () => {
  test('When a commitment is valued and described, then its description starts a sentence with a capital', async () => {
    const commitments = [...buildDossier().commitments, { kind: 'staff' as const, estimatedValueEuros: 25000, detail: 'une coordinatrice à mi-temps' }];
    const dossier = await submittedDossier(app.repository, { departement: '69', content: { commitments } });
    const key = await staffKey(app.staffAccounts, 'instructeur', ['69']);

    const pdf = await fetch(`${app.url}/api/dossiers/${dossier.reference}.pdf`, { headers: { authorization: `Bearer ${key}` } });

    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(await pdf.arrayBuffer()) }).toString('utf8').replace(/[\u202f\u00a0]/g, ' ');
    expect(text).toContain('Mise à disposition d’un personnel : valorisé 25 000 €. Une coordinatrice à mi-temps');
  });
});
