// Walkthrough stop 27, minors 21, 22 and 23: the back-office and its PDF speak to the prefecture's agent, not to the
// applicant (« vous pouvez ajouter un financeur… (ce n’est pas obligatoire pour déposer) »); they show no internal
// version number (« Version 43 »); and /favicon.ico is served, as the pages reference it.
import { checkCompleteness } from '../../knowledge/completeness';
import { execFileSync } from 'node:child_process';
import { startTestApp, type TestApp } from '../support/testApp';
import { CookieClient, createAgent, type TestAgent } from './instructionSupport';
import { submittedDossier, valueOf } from './staffApiSupport';

let app: TestApp;
let lyon: TestAgent;

beforeAll(async () => {
  app = await startTestApp();
  lyon = await createAgent(app.staffAccounts, { departements: ['69'] });
});

afterAll(async () => {
  await app.close();
});

async function signedIn(): Promise<CookieClient> {
  const client = new CookieClient(app.url);
  expect((await client.signIn(lyon.email, lyon.password)).status).toBe(303);
  return client;
}

async function pdfText(client: CookieClient, reference: string): Promise<string> {
  const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const response = await fetch(`${app.url}/instruction/dossiers/${reference}.pdf`, { headers: { cookie } });
  expect(response.status).toBe(200);
  // One line per paragraph: pdftotext wraps long sentences, and a phrase may straddle two lines.
  return execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(await response.arrayBuffer()) })
    .toString('utf8')
    .replace(/[\u202f\u00a0]/g, ' ')
    .replace(/\s+/g, ' ');
}

/** A CTAI whose budget leaves 30 000 € without a funder and with a field that no action covers: two warnings. */
function unbalanced() {
  return submittedDossier(app.repository, {
    name: 'Métropole de Lyon',
    content: { commitments: [{ kind: 'cofinancing', amountEuros: 20_000 }], fields: ['housing', 'language', 'mobility'] },
  });
}

describe('The completeness advice in the PDF is written for the agent', () => {
  test('When the budget leaves an amount without a funder, then the PDF states it without « vous pouvez » nor « pour déposer »', async () => {
    const dossier = await unbalanced();
    const client = await signedIn();

    const pdf = await pdfText(client, dossier.reference);
    const completeness = pdf.slice(pdf.indexOf('Complétude'));

    expect(completeness).toContain('Le plan de financement laisse 30 000 € sans financeur');
    expect(completeness).toContain('Le champ « Mobilité » est retenu mais aucune action ne s’y rattache');
    expect(completeness).toContain('sans effet sur la recevabilité du dépôt');
    expect(completeness).not.toMatch(/\bvous\b|\bvotre\b|pour déposer/i);
  });

  test('When the applicant reviews the same dossier in the chat, then the advice still speaks to the official', async () => {
    const dossier = await unbalanced();

    const warnings = checkCompleteness(dossier).warnings.map((warning) => warning.message);

    expect(warnings.some((message) => message.includes('vous pouvez ajouter un financeur ou revoir les montants (ce n’est pas obligatoire pour déposer)'))).toBe(true);
  });

  test('When a dossier lacks its diagnostic and its cofinancing amount, then the page’s « incomplet » panel gives no order to the agent', async () => {
    // Sent back for corrections, then half corrected: the agent sees what the dossier now lacks.
    const submitted = await submittedDossier(app.repository, { name: 'Métropole de Lyon' });
    const staff = { role: 'instructeur' as const, id: 'staff-wording', name: 'Claire Martin' };
    const underReview = valueOf(await app.repository.transition(submitted.reference, submitted.version, { to: 'under_review', by: staff }));
    const sentBack = valueOf(await app.repository.transition(submitted.reference, underReview.version, { to: 'changes_requested', by: staff, sections: ['scheme', 'commitments'], reason: 'Précisez vos engagements.' }));
    const draft = valueOf(await app.repository.update(sentBack.reference, sentBack.version, { diagnostic: { status: 'none' }, commitments: [{ kind: 'cofinancing' }, { kind: 'premises' }] }));
    const client = await signedIn();

    const page = await client.get(`/instruction/dossiers/${draft.reference}`);
    expect(page.status).toBe(200);
    const panel = page.text.slice(page.text.indexOf('Le dossier est incomplet'), page.text.indexOf('</ul>', page.text.indexOf('Le dossier est incomplet')));

    expect(panel).toContain('Le montant du cofinancement n’est pas indiqué.');
    expect(panel).toContain('La salle prêtée n’est pas précisée.');
    expect(panel).toContain('la collectivité n’en indique aucun');
    expect(panel).not.toMatch(/\b(vous|votre|indiquez|précisez|ajoutez|choisissez)\b/i);
  });
});

describe('No internal version number is shown to the agent', () => {
  test('When a dossier changed many times is opened, then neither the header nor the PDF says « Version », and the forms still carry it hidden', async () => {
    const dossier = await submittedDossier(app.repository, { name: 'Métropole de Lyon' });
    expect(dossier.version).toBeGreaterThan(1);
    const client = await signedIn();

    const page = await client.get(`/instruction/dossiers/${dossier.reference}`);
    const pdf = await pdfText(client, dossier.reference);

    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/Version\s*\d/);
    expect(page.text).toContain(`<input type="hidden" name="version" value="${dossier.version}">`);
    expect(pdf).toContain('Mis à jour le');
    expect(pdf).not.toMatch(/Version\s*\d/);
  });
});

describe('The favicon', () => {
  test('When a browser asks for /favicon.ico, then a small icon is served and both pages reference it', async () => {
    const response = await fetch(`${app.url}/favicon.ico`);
    const body = Buffer.from(await response.arrayBuffer());

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/x-icon');
    expect(body.length).toBeGreaterThan(100);
    expect(body.length).toBeLessThan(20_000);
    // An ICO file starts with 00 00 01 00.
    expect([...body.subarray(0, 4)]).toEqual([0, 0, 1, 0]);

    const widget = await (await fetch(`${app.url}/`)).text();
    const signIn = await new CookieClient(app.url).get('/instruction/connexion');
    expect(widget).toContain('<link rel="icon" href="/favicon.ico" sizes="any">');
    expect(signIn.text).toContain('<link rel="icon" href="/favicon.ico" sizes="any">');
  });
});
