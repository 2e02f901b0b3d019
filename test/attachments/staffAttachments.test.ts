// Staff read a submitted dossier's documents through the real staff API: listed in the dossier,
// downloaded byte for byte, and in the dossier's ZIP with its PDF; drafts' files go with the draft.
import JSZip from 'jszip';
import { valueOf, staffKey, call } from '../api/staffApiSupport';
import { buildDossier } from '../dossiers/buildDossier';
import { startTestApp, type TestApp } from '../support/testApp';
import { ClamdScanner } from '../../dossiers/attachments/clamdScanner';
import { DossierAttachments } from '../../dossiers/attachments/dossierAttachments';
import { startClamd, type ClamdProcess } from './clamdProcess';
import { docx, pdf, png } from './sampleFiles';

let app: TestApp;
let clamd: ClamdProcess;
let instructeur: string;

beforeAll(async () => {
  clamd = await startClamd();
  app = await startTestApp({ attachments: { limits: { maxFileBytes: 1_000_000, maxDossierBytes: 5_000_000 }, clamd: { address: { socket: clamd.socket }, timeoutMs: 5000 } } });
  instructeur = await staffKey(app.staffAccounts, 'instructeur', ['69']);
});

afterAll(async () => {
  await app?.close();
  await clamd?.stop();
});

let applicants = 0;

/** A complete CTAI with documents, submitted by its applicant. */
async function dossierWith(files: Array<{ name: string; bytes: Buffer; kind: 'diagnostic' | 'deliberation' | 'budget' | 'partner_letter' | 'other' }>, submit = true, attachments = app.attachments) {
  applicants += 1;
  const draft = await app.repository.createDraft({ channel: 'webchat', userId: `staff-test-applicant-${applicants}` });
  const { scheme, collectivity, contact, approach, diagnostic, housingCommitted, fields, commitments, actions } = buildDossier();
  const filled = valueOf(await app.repository.update(draft.reference, draft.version, { scheme, collectivity, contact, approach, diagnostic, housingCommitted, fields, commitments, actions }));
  for (const file of files) {
    const outcome = await attachments.attach(draft.reference, file);
    if (!outcome.ok) throw new Error(outcome.message);
  }
  if (!submit) return filled;
  return valueOf(await app.repository.transition(filled.reference, filled.version, { to: 'submitted', by: { role: 'applicant', id: 'applicant' } }));
}

async function download(path: string, key = instructeur): Promise<Response> {
  return fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
}

describe('A dossier’s documents in the staff API', () => {
  test('When staff read a submitted dossier, then its documents are listed and each downloads with the same bytes, as an attachment, never sniffed', async () => {
    const diagnostic = pdf('Diagnostic');
    const dossier = await dossierWith([
      { name: 'Diagnostic territorial.pdf', bytes: diagnostic, kind: 'diagnostic' },
      { name: 'budget.docx', bytes: await docx(), kind: 'budget' },
    ]);

    const detail = await call(app.url, `/api/dossiers/${dossier.reference}`, { key: instructeur });
    expect(detail.status).toBe(200);
    const listed = (detail.body as { attachments: Array<{ id: string; name: string; kind: string; size: number; contentType: string; sha256: string }> }).attachments;
    expect(listed.map((attachment) => [attachment.name, attachment.kind, attachment.contentType])).toEqual([
      ['Diagnostic territorial.pdf', 'diagnostic', 'application/pdf'],
      ['budget.docx', 'budget', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ]);

    const response = await download(`/api/dossiers/${dossier.reference}/attachments/${listed[0]!.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="Diagnostic territorial.pdf"; filename*=UTF-8''Diagnostic%20territorial.pdf`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await response.arrayBuffer()).equals(diagnostic)).toBe(true);
  });

  test('When staff export a dossier as ZIP, then it holds the dossier’s PDF and every document by kind', async () => {
    const image = png();
    const dossier = await dossierWith([
      { name: 'photo réunion.png', bytes: image, kind: 'other' },
      { name: 'Délibération.pdf', bytes: pdf('Délibération'), kind: 'deliberation' },
    ]);

    const response = await download(`/api/dossiers/${dossier.reference}/export.zip`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(`attachment; filename="${dossier.reference}.zip"`);
    const zip = await JSZip.loadAsync(Buffer.from(await response.arrayBuffer()));
    expect(Object.keys(zip.files).filter((name) => !zip.files[name]!.dir).sort()).toEqual([`${dossier.reference}.pdf`, 'documents/deliberation/Délibération.pdf', 'documents/other/photo réunion.png']);
    expect((await zip.file(`${dossier.reference}.pdf`)!.async('nodebuffer')).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await zip.file('documents/other/photo réunion.png')!.async('nodebuffer')).equals(image)).toBe(true);
  });

  test('When a document was held « en attente d’analyse », then it stays closed while clamd is away and is scanned before staff download it', async () => {
    const offline = new DossierAttachments(app.database.connection, { limits: app.attachments.limits, scanner: new ClamdScanner({ socket: `${clamd.socket}.absent` }, 1000) });
    const dossier = await dossierWith([{ name: 'budget.pdf', bytes: pdf('Budget'), kind: 'budget' }], true, offline);
    expect(dossier.attachments[0]?.scan).toBe('pending');
    // Held while clamd stays unreachable.
    const held = await offline.read(dossier.reference, dossier.attachments[0]!.id);
    expect(held).toEqual({ status: 'pending' });

    // With clamd back (the app's store), the download scans it first, then serves it.
    const response = await download(`/api/dossiers/${dossier.reference}/attachments/${dossier.attachments[0]!.id}`);
    expect(response.status).toBe(200);
    const after = await call(app.url, `/api/dossiers/${dossier.reference}`, { key: instructeur });
    expect((after.body as { attachments: Array<{ scan: string }> }).attachments[0]?.scan).toBe('clean');
  });

  test('When staff ask for a document of a dossier outside their départements, or for an unknown one, then it is not found', async () => {
    const dossier = await dossierWith([{ name: 'a.pdf', bytes: pdf(), kind: 'other' }]);
    const elsewhere = await staffKey(app.staffAccounts, 'instructeur', ['13']);
    expect((await download(`/api/dossiers/${dossier.reference}/attachments/${dossier.attachments[0]!.id}`, elsewhere)).status).toBe(404);
    expect((await download(`/api/dossiers/${dossier.reference}/export.zip`, elsewhere)).status).toBe(404);
    expect((await download(`/api/dossiers/${dossier.reference}/attachments/ffffffffffffffffffffffff`)).status).toBe(404);
    expect((await fetch(`${app.url}/api/dossiers/${dossier.reference}/attachments/${dossier.attachments[0]!.id}`)).status).toBe(401);
  });

  test('When a draft with documents is purged by the retention, then its files go; a submitted dossier keeps them', async () => {
    const draft = await dossierWith([{ name: 'brouillon.pdf', bytes: pdf(), kind: 'other' }], false);
    const submitted = await dossierWith([{ name: 'depose.pdf', bytes: pdf(), kind: 'other' }]);
    const files = app.database.connection.db!.collection('attachments.files');
    const later = new Date(Date.now() + 400 * 24 * 3600 * 1000);

    await app.retention.run(later);
    await app.retention.run(new Date(later.getTime() + 30 * 24 * 3600 * 1000));

    expect(await app.repository.findByReference(draft.reference)).toBeNull();
    expect(await files.countDocuments({ 'metadata.dossier': draft.reference })).toBe(0);
    expect(await files.countDocuments({ 'metadata.dossier': submitted.reference })).toBe(1);
  });
});
