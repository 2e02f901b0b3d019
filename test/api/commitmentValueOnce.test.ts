// A commitment whose description states its value (« …, valeur environ 22000 € »): the back-office page and the PDF
// show that value once (stranger walkthrough stop 27, problem 7), over HTTP with the real app.
import { execFileSync } from 'node:child_process';
import { buildDossier } from '../dossiers/buildDossier';
import { startTestApp, type TestApp } from '../support/testApp';
import { CookieClient, createAgent } from './instructionSupport';
import { staffKey, submittedDossier } from './staffApiSupport';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const STAFF = { kind: 'staff' as const, estimatedValueEuros: 22_000, detail: 'une coordinatrice à mi-temps (0,5 ETP) de la direction cohesion sociale, valeur environ 22000 €' };

describe('A commitment whose description states its value', () => {
  test('When the description says « valeur environ 22000 € », then the dossier page and the PDF show it once, without « valeur estimée 22 000 € » or « valorisé 22 000 € » beside it', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69', content: { commitments: [...buildDossier().commitments, STAFF] } });
    const agent = await createAgent(app.staffAccounts, { departements: ['69'] });
    const client = new CookieClient(app.url);
    await client.signIn(agent.email, agent.password);

    const page = (await client.get(`/instruction/dossiers/${dossier.reference}`)).text.replace(/[\u202f\u00a0]/g, ' ');
    const item = /<li><strong>Mise à disposition d’un personnel<\/strong>[^<]*<\/li>/.exec(page)?.[0] ?? '';
    expect(item).toContain('valeur environ 22000 €');
    expect(item).not.toContain('valeur estimée');
    // A value the description does not state is still shown.
    expect(page).toContain('valeur estimée 6 000 €');

    const key = await staffKey(app.staffAccounts, 'instructeur', ['69']);
    const pdf = await fetch(`${app.url}/api/dossiers/${dossier.reference}.pdf`, { headers: { authorization: `Bearer ${key}` } });
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(await pdf.arrayBuffer()) }).toString('utf8').replace(/[\u202f\u00a0]/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('Mise à disposition d’un personnel. Une coordinatrice à mi-temps (0,5 ETP) de la direction cohesion sociale, valeur environ 22000 €');
    expect(text).not.toContain('valorisé 22 000 €');
  });
});
