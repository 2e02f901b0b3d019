// The back-office dossier page's « Dispositif » card and the PDF export: the housing commitment is a CTAI's
// question only, so a PTAI shows no « Actions logement » line; a CTAI keeps it.
import { execFileSync } from 'node:child_process';
import { startTestApp, type TestApp } from '../support/testApp';
import { CookieClient, createAgent, type TestAgent } from './instructionSupport';
import { submittedDossier } from './staffApiSupport';

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
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(await response.arrayBuffer()) }).toString('utf8');
}

/** The « Dispositif » card of the page. */
function schemeCard(page: string): string {
  return page.slice(page.indexOf('id="s-scheme"'), page.indexOf('</section>', page.indexOf('id="s-scheme"')));
}

describe('The housing commitment on the dossier page and in its PDF', () => {
  test('When a PTAI dossier never answered the housing question, then the page shows no « Actions logement » line under Dispositif', async () => {
    const dossier = await submittedDossier(app.repository, { name: 'Commune de Givors', content: { scheme: 'PTAI', approach: 'targeted', housingCommitted: undefined } });
    expect((await app.repository.findByReference(dossier.reference))?.housingCommitted).toBeUndefined();
    const client = await signedIn();

    const page = await client.get(`/instruction/dossiers/${dossier.reference}`);

    expect(page.status).toBe(200);
    expect(schemeCard(page.text)).toContain('Projet territorial');
    expect(schemeCard(page.text)).not.toContain('Actions logement');
  });

  test('When a PTAI dossier said « non » to housing before choosing the PTAI, then neither the page nor the PDF shows a housing line', async () => {
    const dossier = await submittedDossier(app.repository, { name: 'Commune de Rillieux', content: { scheme: 'PTAI', housingCommitted: false } });
    const client = await signedIn();

    const page = await client.get(`/instruction/dossiers/${dossier.reference}`);
    const pdf = await pdfText(client, dossier.reference);

    expect(schemeCard(page.text)).not.toContain('Actions logement');
    expect(pdf).toContain('Dispositif');
    expect(pdf).not.toContain('Actions de logement');
  });

  test('When the dossier is a CTAI, then the page and the PDF keep the housing line', async () => {
    const dossier = await submittedDossier(app.repository, { name: 'Métropole de Lyon' });
    const client = await signedIn();

    const page = await client.get(`/instruction/dossiers/${dossier.reference}`);
    const pdf = await pdfText(client, dossier.reference);

    expect(schemeCard(page.text)).toContain('<dt>Actions logement</dt><dd>prévues</dd>');
    expect(pdf).toContain('Actions de logement');
  });
});

describe('The département on the dossier page and in its PDF (own walkthrough of 2026-12-07)', () => {
  test('When a dossier of the Rhône is opened, then the page and the PDF name the département after its number, as the chat does', async () => {
    const dossier = await submittedDossier(app.repository, { name: 'Commune de Vénissieux', content: { scheme: 'PTAI' } });
    const client = await signedIn();

    const page = await client.get(`/instruction/dossiers/${dossier.reference}`);
    const pdf = await pdfText(client, dossier.reference);

    expect(page.text).toContain('<dt>Département</dt><dd>69 (Rhône)</dd>');
    expect(pdf).toContain('69 (Rhône)');
  });
});
