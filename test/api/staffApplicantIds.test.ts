// Issue #15 F3: staff never see the applicant's chat identifier (widget `dl_…`, Teams ids), in the API, the
// exports or the back-office pages; the applicant is « le demandeur ». Real app, real Direct Line, real HTTP.
import JSZip from 'jszip';
import { inflateSync } from 'node:zlib';
import { dossierModel } from '../../dossiers/dossierModel';
import { startTestApp, type TestApp } from '../support/testApp';
import { CookieClient, createAgent, type TestAgent } from './instructionSupport';
import { call, staffKey } from './staffApiSupport';
import { fillAndSubmit, WidgetApplicant } from './widgetApplicant';

jest.setTimeout(60_000);

let app: TestApp;
let lyon: string;
let agent: TestAgent;

beforeAll(async () => {
  app = await startTestApp();
  lyon = await staffKey(app.staffAccounts, 'instructeur', ['69'], 'Paul Martin');
  agent = await createAgent(app.staffAccounts, { departements: ['69'], name: 'Claire Instructrice' });
});

beforeEach(async () => {
  await dossierModel(app.database.connection).deleteMany({});
});

afterAll(async () => {
  await app.close();
});

async function bytesOf(path: string): Promise<{ status: number; bytes: Buffer }> {
  const response = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${lyon}` } });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** Every text inside a ZIP (an XLSX, the dossier's ZIP), PDFs with their streams inflated. */
async function zipTexts(bytes: Buffer): Promise<string[]> {
  const zip = await JSZip.loadAsync(bytes);
  const texts: string[] = [];
  for (const file of Object.values(zip.files)) {
    if (file.dir) continue;
    const content = await file.async('nodebuffer');
    texts.push(file.name.endsWith('.pdf') ? pdfText(content) : content.toString('utf8'));
  }
  return texts;
}

/** The PDF's bytes with each Flate stream inflated, so that an identifier anywhere in it is found. */
function pdfText(bytes: Buffer): string {
  const raw = bytes.toString('latin1');
  const parts = [raw];
  const streams = /stream\r?\n/g;
  let match: RegExpExecArray | null;
  while ((match = streams.exec(raw))) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    try {
      parts.push(inflateSync(bytes.subarray(start, end)).toString('latin1'));
    } catch {
      // Not a Flate stream (an image, a font): left as is.
    }
  }
  return parts.join('\n');
}

describe('The applicant’s chat identifier never reaches staff', () => {
  test('When a dossier is submitted through the widget and the applicant writes in the thread, then no staff answer contains their `dl_` id', async () => {
    const applicant = await WidgetApplicant.start(app.url);
    expect(applicant.userId).toMatch(/^dl_/);
    const dossier = await fillAndSubmit(app.repository, applicant, 'Commune de Vénissieux (F3)', '69');
    // The applicant's own stored history entry and a message of theirs in the thread.
    const sent = await call(app.url, `/api/dossiers/${dossier.reference}/messages`, { key: lyon, body: { text: 'Pouvez-vous préciser le porteur ?' } });
    expect(sent.status).toBe(201);
    await applicant.waitFor('Message de la préfecture');
    await applicant.say('répondre à la préfecture : c’est le CCAS.');
    await applicant.waitFor('Votre message est transmis à la préfecture');
    const stored = await app.repository.findByReference(dossier.reference);
    expect(stored?.messages?.find((message) => message.by.kind === 'applicant')?.by).toEqual({ kind: 'applicant', id: 'demandeur' });
    // A message stored by an earlier version, with the chat id: the staff views below must not show it either.
    const legacy = await app.repository.addMessage(dossier.reference, { by: { kind: 'applicant', id: applicant.userId }, text: 'Message d’avant la correction.' });
    expect(legacy.ok).toBe(true);

    const texts: Array<[string, string]> = [];
    for (const path of ['/api/dossiers', `/api/dossiers/${dossier.reference}`, `/api/dossiers/${dossier.reference}/messages`, '/api/dossiers/export.csv']) {
      const response = await call(app.url, path, { key: lyon });
      expect(response.status).toBe(200);
      texts.push([path, response.text]);
    }
    const detail = await call(app.url, `/api/dossiers/${dossier.reference}`, { key: lyon });
    const messages = detail.body.messages as Array<{ by: { kind: string; id: string; name?: string } }>;
    expect(messages.filter((message) => message.by.kind === 'applicant').map((message) => message.by)).toEqual([
      { kind: 'applicant', id: 'demandeur' },
      { kind: 'applicant', id: 'demandeur' },
    ]);
    const xlsx = await bytesOf('/api/dossiers/export.xlsx');
    expect(xlsx.status).toBe(200);
    for (const text of await zipTexts(xlsx.bytes)) texts.push(['export.xlsx', text]);
    const zip = await bytesOf(`/api/dossiers/${dossier.reference}/export.zip`);
    expect(zip.status).toBe(200);
    for (const text of await zipTexts(zip.bytes)) texts.push(['export.zip', text]);
    const pdf = await bytesOf(`/api/dossiers/${dossier.reference}.pdf`);
    expect(pdf.status).toBe(200);
    texts.push(['pdf', pdfText(pdf.bytes)]);

    const client = new CookieClient(app.url);
    await client.signIn(agent.email, agent.password);
    for (const path of ['/instruction/', `/instruction/dossiers/${dossier.reference}`]) {
      const page = await client.get(path);
      expect(page.status).toBe(200);
      texts.push([path, page.text]);
    }
    const page = texts.find(([path]) => path === `/instruction/dossiers/${dossier.reference}`)?.[1] ?? '';
    expect(page).toContain('Le demandeur');

    const leaks = texts.filter(([, text]) => text.includes(applicant.userId) || /\bdl_[A-Za-z0-9]/.test(text)).map(([path]) => path);
    expect(leaks).toEqual([]);
  });
});
