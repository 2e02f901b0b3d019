// A dossier's documents in the back-office (/instruction/) over real HTTP with a real session: listed
// with their antivirus status, downloaded byte for byte, zipped; and what happens to a file held
// « en attente d'analyse » when clamd comes back (the timer, the flag, the applicant told in the chat).
import { randomUUID } from 'node:crypto';
import JSZip from 'jszip';
import pino from 'pino';
import { scheduleRescan } from '../../api/attachments/rescanTimer';
import { loadConfig } from '../../api/config';
import { ClamdScanner } from '../../dossiers/attachments/clamdScanner';
import { DossierAttachments } from '../../dossiers/attachments/dossierAttachments';
import type { Dossier } from '../../dossiers/dossierSchema';
import { valueOf } from '../api/staffApiSupport';
import { CookieClient, createAgent, type TestAgent } from '../api/instructionSupport';
import { buildDossier } from '../dossiers/buildDossier';
import { startTestApp, type TestApp } from '../support/testApp';
import { EICAR_SIGNATURE, startClamd, type ClamdProcess } from './clamdProcess';
import { docx, infectedPdf, pdf } from './sampleFiles';

jest.setTimeout(60_000);

let app: TestApp;
let clamd: ClamdProcess;
let lyon: TestAgent;
let marseille: TestAgent;

beforeAll(async () => {
  clamd = await startClamd();
  app = await startTestApp({ attachments: { limits: { maxFileBytes: 1_000_000, maxDossierBytes: 5_000_000 }, clamd: { address: { socket: clamd.socket }, timeoutMs: 5000 } } });
  lyon = await createAgent(app.staffAccounts, { departements: ['69'], name: 'Claire Instructrice' });
  marseille = await createAgent(app.staffAccounts, { departements: ['13'], name: 'Agent de Marseille' });
});

afterAll(async () => {
  await app?.close();
  await clamd?.stop();
});

/** A store whose clamd is away: what the app's store is while clamd is down. */
function offlineStore(): DossierAttachments {
  return new DossierAttachments(app.database.connection, { limits: app.attachments.limits, scanner: new ClamdScanner({ socket: `${clamd.socket}.absent` }, 1000) });
}

async function fill(reference: string, version: number): Promise<Dossier> {
  const { scheme, collectivity, contact, approach, diagnostic, housingCommitted, fields, commitments, actions } = buildDossier();
  return valueOf(await app.repository.update(reference, version, { scheme, collectivity, contact, approach, diagnostic, housingCommitted, fields, commitments, actions }));
}

async function submit(dossier: Dossier): Promise<Dossier> {
  return valueOf(await app.repository.transition(dossier.reference, dossier.version, { to: 'submitted', by: { role: 'applicant', id: 'applicant' } }));
}

async function signedIn(agent: TestAgent): Promise<CookieClient> {
  const client = new CookieClient(app.url);
  const response = await client.signIn(agent.email, agent.password);
  expect(response.status).toBe(303);
  return client;
}

/** The page's text without tags, spaces collapsed: what a reader reads. */
function textOf(page: string): string {
  return page.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ');
}

describe('The documents on the back-office dossier page', () => {
  test('When an instructeur opens a dossier, then each document is listed with its kind, name, size, format, date and antivirus status, and downloads with the session', async () => {
    const draft = await app.repository.createDraft({ channel: 'webchat', userId: `bo-${randomUUID()}` });
    const filled = await fill(draft.reference, draft.version);
    const diagnostic = pdf('Diagnostic territorial du Grand Lyon');
    const clean = await app.attachments.attach(filled.reference, { bytes: diagnostic, name: 'Diagnostic territorial.pdf', kind: 'diagnostic' });
    const removed = await app.attachments.attach(filled.reference, { bytes: pdf('Brouillon'), name: 'ancienne version.pdf', kind: 'deliberation' });
    if (!clean.ok || !removed.ok) throw new Error('could not attach');
    await app.attachments.remove(filled.reference, removed.attachment.id);
    // A clean scan also rescans the held files: let it finish before one is held, so that it stays held.
    await app.attachments.rescanPending();
    const held = await offlineStore().attach(filled.reference, { bytes: await docx(), name: 'budget.docx', kind: 'budget' });
    if (!held.ok) throw new Error(held.message);
    const dossier = await submit((await app.repository.findByReference(filled.reference))!);

    const client = await signedIn(lyon);
    const page = await client.get(`/instruction/dossiers/${dossier.reference}`);

    expect(page.status).toBe(200);
    const text = textOf(page.text);
    expect(text).toContain('Documents (2)');
    expect(text).toMatch(/Diagnostic territorial Diagnostic territorial\.pdf \(télécharger, \d+ octets\) \d+ octets PDF \d\d\/\d\d\/\d{4} \d\d:\d\d analysé/);
    expect(text).toMatch(/Budget budget\.docx \(télécharger, [\d,]+ (octets|Ko)\) [\d,]+ (octets|Ko) Word \(DOCX\) \d\d\/\d\d\/\d{4} \d\d:\d\d en attente d’analyse/);
    // The history says who added and removed what, in the draft.
    expect(text).toContain('Le demandeur : Document ajouté « Diagnostic territorial.pdf » (diagnostic territorial)');
    expect(text).toContain('Le demandeur : Document retiré « ancienne version.pdf » (délibération)');
    expect(page.text).toContain(`href="/instruction/dossiers/${dossier.reference}/export.zip"`);

    const download = await client.get(`/instruction/dossiers/${dossier.reference}/documents/${clean.attachment.id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="Diagnostic territorial.pdf"; filename*=UTF-8''Diagnostic%20territorial.pdf`);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-type')).toBe('application/pdf');

    const zip = await fetch(`${app.url}/instruction/dossiers/${dossier.reference}/export.zip`, { headers: { cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ') } });
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-disposition')).toContain(`attachment; filename="${dossier.reference}.zip"`);
    const entries = await JSZip.loadAsync(Buffer.from(await zip.arrayBuffer()));
    expect((await entries.file('documents/diagnostic/Diagnostic territorial.pdf')!.async('nodebuffer')).equals(diagnostic)).toBe(true);
  });

  test('When someone without a session, or an agent of another département, asks for a document or the ZIP, then they get neither', async () => {
    const draft = await app.repository.createDraft({ channel: 'webchat', userId: `bo-${randomUUID()}` });
    const filled = await fill(draft.reference, draft.version);
    const outcome = await app.attachments.attach(filled.reference, { bytes: pdf('Secret'), name: 'lettre.pdf', kind: 'partner_letter' });
    if (!outcome.ok) throw new Error(outcome.message);
    const dossier = await submit((await app.repository.findByReference(filled.reference))!);
    const documentPath = `/instruction/dossiers/${dossier.reference}/documents/${outcome.attachment.id}`;
    const zipPath = `/instruction/dossiers/${dossier.reference}/export.zip`;

    const anonymous = new CookieClient(app.url);
    for (const path of [documentPath, zipPath]) {
      const response = await anonymous.get(path);
      expect(response.status).toBe(303);
      expect(response.location).toMatch(/^\/instruction\/connexion\?retour=/);
    }
    const elsewhere = await signedIn(marseille);
    for (const path of [documentPath, zipPath, `/instruction/dossiers/${dossier.reference}`]) {
      const response = await elsewhere.get(path);
      expect(response.status).toBe(404);
      expect(response.text).not.toContain('%PDF');
    }
    const lyonClient = await signedIn(lyon);
    expect((await lyonClient.get(`/instruction/dossiers/${dossier.reference}/documents/ffffffffffffffffffffffff`)).status).toBe(404);
  });
});

describe('Files held « en attente d’analyse » when clamd comes back', () => {
  test('When the rescan timer finds a held file infected, then it is flagged « infecté », never downloadable, in the history, and the applicant is told in their chat', async () => {
    // The applicant's widget conversation, so the bot knows where to reach them.
    const { token: userToken } = (await (await fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as { token: string };
    const started = (await (await fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${userToken}`, 'content-type': 'application/json' }, body: '{}' })).json()) as { conversationId: string; token: string };
    const feed = `${app.url}/v3/directline/conversations/${started.conversationId}/activities`;
    const headers = { authorization: `Bearer ${started.token}`, 'content-type': 'application/json' };
    expect((await fetch(feed, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text: 'Préparer une candidature', from: { id: 'x' } }) })).status).toBe(200);
    const conversation = await app.database.connection.db!.collection('directline_conversations').findOne({ _id: started.conversationId as never });
    const draft = await app.repository.findDraftForOwner({ channel: 'webchat', userId: String(conversation?.userId) });
    if (!draft) throw new Error('no draft');

    // clamd is away when the files arrive.
    const held = await offlineStore().attach(draft.reference, { bytes: infectedPdf(), name: 'lettre du partenaire.pdf', kind: 'partner_letter' });
    const fine = await offlineStore().attach(draft.reference, { bytes: pdf('Budget'), name: 'budget.pdf', kind: 'budget' });
    expect(held.ok && held.attachment.scan).toBe('pending');
    if (!held.ok || !fine.ok) return;

    // clamd is back: the timer scans them, no staff download needed.
    const timer = scheduleRescan(app.attachments, { intervalMs: 100, logger: pino({ level: 'silent' }) });
    try {
      const deadline = Date.now() + 15_000;
      let dossier = await app.repository.findByReference(draft.reference);
      while (dossier?.attachments.some((attachment) => attachment.scan === 'pending') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        dossier = await app.repository.findByReference(draft.reference);
      }
      expect(dossier?.attachments.map((attachment) => [attachment.name, attachment.scan])).toEqual([
        ['lettre du partenaire.pdf', 'infected'],
        ['budget.pdf', 'clean'],
      ]);
      expect(dossier?.history.at(-1)).toMatchObject({ by: { kind: 'system' }, document: { action: 'infected', name: 'lettre du partenaire.pdf', signature: expect.stringContaining(EICAR_SIGNATURE) } });
    } finally {
      await timer.stop();
    }

    let told = '';
    const deadline = Date.now() + 10_000;
    while (!told.includes('virus') && Date.now() < deadline) {
      const page = (await (await fetch(feed, { headers })).json()) as { activities: Array<{ from: { role?: string }; text?: string }> };
      told = page.activities.filter((activity) => activity.from.role === 'bot').map((activity) => (activity.text ?? '').replace(/\\(.)/g, '$1')).join('\n');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(told).toContain(`L’antivirus a trouvé un virus (${EICAR_SIGNATURE}`);
    expect(told).toContain(`dans « lettre du partenaire.pdf » (lettre d’engagement d’un partenaire), joint au dossier ${draft.reference}`);
    expect(told).toContain('« supprimer le document lettre du partenaire.pdf »');
    // Their list of documents says it too.
    expect((await fetch(feed, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text: 'mes documents', from: { id: 'x' } }) })).status).toBe(200);
    const page = (await (await fetch(feed, { headers })).json()) as { activities: Array<{ from: { role?: string }; text?: string }> };
    const list = page.activities.filter((activity) => activity.from.role === 'bot').map((activity) => (activity.text ?? '').replace(/\\(.)/g, '$1'));
    expect(list.join('\n')).toContain('1. « lettre du partenaire.pdf » (244 octets), lettre d’engagement d’un partenaire, infecté : la préfecture ne peut pas l’ouvrir');

    // Submitted, the staff see it flagged, without a link, and cannot download it.
    const filled = await fill(draft.reference, (await app.repository.findByReference(draft.reference))!.version);
    const dossier = await submit(filled);
    const client = await signedIn(lyon);
    const dossierPage = await client.get(`/instruction/dossiers/${dossier.reference}`);
    const text = textOf(dossierPage.text);
    expect(text).toMatch(/Lettre d’engagement d’un partenaire lettre du partenaire\.pdf [\d,]+ (octets|Ko) PDF \d\d\/\d\d\/\d{4} \d\d:\d\d infecté/);
    expect(dossierPage.text).not.toContain(`/documents/${held.attachment.id}"`);
    expect(text).toContain('Antivirus : Virus trouvé dans le document « lettre du partenaire.pdf »');
    const download = await client.get(`/instruction/dossiers/${dossier.reference}/documents/${held.attachment.id}`);
    expect(download.status).toBe(403);
    expect(download.text).not.toContain('EICAR');
    const zip = await fetch(`${app.url}/instruction/dossiers/${dossier.reference}/export.zip`, { headers: { cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ') } });
    const entries = await JSZip.loadAsync(Buffer.from(await zip.arrayBuffer()));
    expect(Object.keys(entries.files).filter((name) => !entries.files[name]!.dir).sort()).toEqual([`${dossier.reference}.pdf`, 'documents/budget/budget.pdf', 'documents/infectes.txt']);
  });

  test.each([
    [{ NODE_ENV: 'test', CLAMD_HOST: '127.0.0.1' }, undefined],
    [{ NODE_ENV: 'test', CLAMD_HOST: '127.0.0.1', ATTACHMENT_RESCAN_INTERVAL_SECONDS: '2' }, 2000],
    [{ NODE_ENV: 'production', CLAMD_HOST: '127.0.0.1' }, 300_000],
    [{ NODE_ENV: 'production', CLAMD_HOST: '127.0.0.1', ATTACHMENT_RESCAN_INTERVAL_SECONDS: '0' }, undefined],
  ])('When the environment is %j, then the rescan timer runs every %s ms', (environment, expected) => {
    expect(loadConfig(environment).attachments.clamd?.rescanIntervalMs).toBe(expected);
  });
});
