// The document store on the real test database (GridFS on devdb, or MONGODB_URI) with a real clamd.
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { openConnection, type Database } from '../../api/database';
import { ClamdScanner } from '../../dossiers/attachments/clamdScanner';
import { detectContentType, sanitizeFileName } from '../../dossiers/attachments/contentType';
import { DossierAttachments, type AttachmentLimits } from '../../dossiers/attachments/dossierAttachments';
import { DossierRepository } from '../../dossiers/dossierRepository';
import { startTestDatabase, type TestDatabase } from '../support/testDatabase';
import { EICAR, EICAR_SIGNATURE, startClamd, type ClamdProcess } from './clamdProcess';
import { docm, docx, executable, infectedPdf, jpeg, ods, odt, pdf, pdfOfSize, plainZip, png, xlsx } from './sampleFiles';

let testDatabase: TestDatabase;
let database: Database;
let repository: DossierRepository;
let clamd: ClamdProcess;

const LIMITS: AttachmentLimits = { maxFileBytes: 200_000, maxDossierBytes: 300_000 };

beforeAll(async () => {
  [testDatabase, clamd] = await Promise.all([startTestDatabase(), startClamd()]);
  database = await openConnection(testDatabase.uri, testDatabase.embedded ? 'embedded' : 'mongodb', 3000);
  repository = new DossierRepository(database.connection);
  await repository.init();
});

afterAll(async () => {
  await database?.close();
  await testDatabase?.close();
  await clamd?.stop();
});

function store(scanner = new ClamdScanner({ socket: clamd.socket })): DossierAttachments {
  return new DossierAttachments(database.connection, { limits: LIMITS, scanner });
}

async function newDraft(): Promise<string> {
  return (await repository.createDraft({ channel: 'test', userId: `user-${Math.random()}` })).reference;
}

async function storedFilesOf(reference: string): Promise<number> {
  return database.connection.db!.collection('attachments.files').countDocuments({ 'metadata.dossier': reference });
}

describe('Attaching documents to a dossier', () => {
  test('When a PDF is attached, then the dossier lists it and the same bytes come back from GridFS', async () => {
    const reference = await newDraft();
    const bytes = pdf('Délibération du conseil');

    const outcome = await store().attach(reference, { bytes, name: 'C:\\Users\\agent\\Délibération conseil 12-03.PDF', kind: 'deliberation' });

    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.attachment).toMatchObject({
      kind: 'deliberation',
      name: 'Délibération conseil 12-03.pdf',
      size: bytes.length,
      contentType: 'application/pdf',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      scan: 'clean',
    });
    const dossier = await repository.findByReference(reference);
    expect(dossier?.attachments).toEqual([outcome.attachment]);
    expect(dossier?.version).toBe(1);
    const read = await store().read(reference, outcome.attachment.id);
    expect(read.status).toBe('ok');
    if (read.status === 'ok') expect(read.bytes.equals(bytes)).toBe(true);
  });

  test.each([
    ['diagnostic.docx', docx, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['budget.xlsx', xlsx, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['lettre.odt', odt, 'application/vnd.oasis.opendocument.text'],
    ['budget.ods', ods, 'application/vnd.oasis.opendocument.spreadsheet'],
    ['photo.png', async () => png(), 'image/png'],
    ['scan.jpeg', async () => jpeg(), 'image/jpeg'],
  ])('When %s is attached, then its type is read from its content (%s)', async (name, make, expected) => {
    const reference = await newDraft();
    const outcome = await store().attach(reference, { bytes: await make(), name, kind: 'other' });
    expect(outcome.ok && outcome.attachment.contentType).toBe(expected);
  });

  test.each([
    ['an executable named like a PDF', 'rapport.pdf', async () => executable()],
    ['a Word document with macros', 'budget.docm', docm],
    ['a plain ZIP archive', 'pieces.zip', plainZip],
    ['a text file', 'notes.txt', async () => Buffer.from('Ceci est un simple texte sans en-tête reconnu.')],
  ])('When %s is sent, then it is refused in French and nothing is stored', async (_what, name, make) => {
    const reference = await newDraft();
    const outcome = await store().attach(reference, { bytes: await make(), name, kind: 'other' });
    expect(outcome).toMatchObject({ ok: false, code: 'type_refused' });
    expect(!outcome.ok && outcome.message).toContain('n’est pas dans un format accepté (PDF, ODT, DOCX, ODS, XLSX, JPEG ou PNG)');
    expect(await storedFilesOf(reference)).toBe(0);
    expect((await repository.findByReference(reference))?.attachments).toEqual([]);
  });

  test('When a file is over the per-file limit, then it is refused with both sizes', async () => {
    const reference = await newDraft();
    const outcome = await store().attach(reference, { bytes: pdfOfSize(250_000), name: 'gros.pdf', kind: 'budget' });
    expect(outcome).toMatchObject({ ok: false, code: 'too_large' });
    expect(!outcome.ok && outcome.message).toMatch(/pèse 244,1 Ko : la limite est de 195,3 Ko par fichier/);
    expect(await storedFilesOf(reference)).toBe(0);
  });

  test('When the dossier would go over its total limit, then the file is refused and the earlier ones stay', async () => {
    const reference = await newDraft();
    const attachments = store();
    expect((await attachments.attach(reference, { bytes: pdfOfSize(150_000), name: 'un.pdf', kind: 'other' })).ok).toBe(true);
    const second = await attachments.attach(reference, { bytes: pdfOfSize(160_000), name: 'deux.pdf', kind: 'other' });
    expect(second).toMatchObject({ ok: false, code: 'dossier_full' });
    expect(await storedFilesOf(reference)).toBe(1);
  });

  test('When two files race for the last room of a dossier, then only one is kept', async () => {
    const reference = await newDraft();
    const attachments = store();
    const outcomes = await Promise.all([
      attachments.attach(reference, { bytes: pdfOfSize(160_000), name: 'a.pdf', kind: 'other' }),
      attachments.attach(reference, { bytes: pdfOfSize(160_000), name: 'b.pdf', kind: 'other' }),
    ]);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    expect(await storedFilesOf(reference)).toBe(1);
    expect((await repository.findByReference(reference))?.attachments).toHaveLength(1);
  });

  test.each([
    ['the EICAR test file', () => EICAR],
    ['a PDF carrying the EICAR string', infectedPdf],
  ])('When %s is sent with clamd running, then it is refused as infected and never stored', async (_what, make) => {
    const reference = await newDraft();
    const outcome = await store().attach(reference, { bytes: make(), name: 'diagnostic.pdf', kind: 'diagnostic' });
    expect(outcome).toMatchObject({ ok: false, code: 'infected' });
    expect(!outcome.ok && outcome.message).toContain(`contient un virus (${EICAR_SIGNATURE}`);
    expect(await storedFilesOf(reference)).toBe(0);
  });

  test('When clamd is reached over TCP (CLAMD_HOST/CLAMD_PORT), then clean and infected files are told apart', async () => {
    const scanner = new ClamdScanner({ host: clamd.host, port: clamd.port });
    await expect(scanner.scan(pdf())).resolves.toEqual({ status: 'clean' });
    await expect(scanner.scan(infectedPdf())).resolves.toEqual({ status: 'infected', signature: expect.stringContaining(EICAR_SIGNATURE) });
  });

  test('When clamd is unreachable, then files are held « en attente d’analyse », and scanned before staff can read them', async () => {
    const reference = await newDraft();
    const offline = store(new ClamdScanner({ socket: `${clamd.socket}.absent` }, 2000));
    const clean = await offline.attach(reference, { bytes: pdf(), name: 'budget.pdf', kind: 'budget' });
    const infected = await offline.attach(reference, { bytes: infectedPdf(), name: 'lettre.pdf', kind: 'partner_letter' });
    expect(clean.ok && clean.attachment.scan).toBe('pending');
    expect(infected.ok && infected.attachment.scan).toBe('pending');
    if (!clean.ok || !infected.ok) return;

    await expect(offline.read(reference, clean.attachment.id)).resolves.toEqual({ status: 'pending' });

    const online = store();
    const told: string[] = [];
    online.onInfected(async (found) => {
      told.push(`${found.reference} ${found.attachment.name} ${found.signature}`);
    });
    const read = await online.read(reference, clean.attachment.id);
    expect(read.status).toBe('ok');
    await expect(online.rescanPending()).resolves.toMatchObject({ infected: 1 });
    // Flagged and kept for staff to see, never served; told once.
    const dossier = await repository.findByReference(reference);
    expect(dossier?.attachments.map((attachment) => [attachment.name, attachment.scan, attachment.signature])).toEqual([
      ['budget.pdf', 'clean', undefined],
      ['lettre.pdf', 'infected', expect.stringContaining(EICAR_SIGNATURE)],
    ]);
    expect(await storedFilesOf(reference)).toBe(2);
    await expect(online.read(reference, infected.attachment.id)).resolves.toEqual({ status: 'infected' });
    await expect(online.rescanPending()).resolves.toMatchObject({ infected: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(told).toEqual([`${reference} lettre.pdf ${dossier?.attachments[1]?.signature}`]);
    expect(dossier?.history.at(-1)).toMatchObject({ by: { kind: 'system', name: 'Antivirus' }, from: 'draft', to: 'draft', document: { action: 'infected', name: 'lettre.pdf', kind: 'partner_letter' } });
  });

  test('When documents are added and removed in a draft, then the history says who, when and which', async () => {
    const reference = await newDraft();
    const at = new Date('2026-03-12T09:30:00Z');
    const attachments = new DossierAttachments(database.connection, { limits: LIMITS, scanner: new ClamdScanner({ socket: clamd.socket }), clock: () => at });
    const added = await attachments.attach(reference, { bytes: pdf(), name: 'budget.pdf', kind: 'budget' });
    if (!added.ok) throw new Error(added.message);
    await attachments.remove(reference, added.attachment.id);

    const dossier = await repository.findByReference(reference);
    const event = { id: added.attachment.id, name: 'budget.pdf', kind: 'budget' };
    expect(dossier?.history).toEqual([
      { at, by: { kind: 'applicant', id: 'demandeur' }, from: 'draft', to: 'draft', document: { action: 'added', ...event } },
      { at, by: { kind: 'applicant', id: 'demandeur' }, from: 'draft', to: 'draft', document: { action: 'removed', ...event } },
    ]);
    // Like a note, a document leaves the version alone.
    expect(dossier?.version).toBe(1);
  });

  test('When the applicant replaces a document while correcting their dossier, then both changes are in the history under « corrections demandées »', async () => {
    const reference = await newDraft();
    const attachments = store();
    const first = await attachments.attach(reference, { bytes: pdf('Budget 1'), name: 'budget.pdf', kind: 'budget' });
    if (!first.ok) throw new Error(first.message);
    await database.connection.db!.collection('dossiers').updateOne({ reference }, { $set: { status: 'changes_requested', submittedAt: new Date() } });

    await attachments.remove(reference, first.attachment.id);
    const second = await attachments.attach(reference, { bytes: pdf('Budget 2'), name: 'budget corrigé.pdf', kind: 'budget' });

    expect(second.ok).toBe(true);
    const history = (await repository.findByReference(reference))?.history ?? [];
    expect(history.map((entry) => [entry.from, entry.to, entry.document?.action, entry.document?.name])).toEqual([
      ['draft', 'draft', 'added', 'budget.pdf'],
      ['changes_requested', 'changes_requested', 'removed', 'budget.pdf'],
      ['changes_requested', 'changes_requested', 'added', 'budget corrigé.pdf'],
    ]);
  });

  test('When clamd is too slow, then the scan gives up within its time limit', async () => {
    // Reads what it is sent and never answers.
    const silent = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    await expect(new ClamdScanner({ host: '127.0.0.1', port }, 300).scan(pdf())).resolves.toMatchObject({ status: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(3000);
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  test('When a document is removed from a draft, then its bytes are deleted too', async () => {
    const reference = await newDraft();
    const attachments = store();
    const outcome = await attachments.attach(reference, { bytes: png(), name: 'photo.png', kind: 'other' });
    if (!outcome.ok) throw new Error(outcome.message);

    await expect(attachments.remove(reference, outcome.attachment.id)).resolves.toMatchObject({ name: 'photo.png' });

    expect(await storedFilesOf(reference)).toBe(0);
    expect(await database.connection.db!.collection('attachments.chunks').countDocuments({ files_id: outcome.attachment.id })).toBe(0);
    expect((await repository.findByReference(reference))?.attachments).toEqual([]);
  });

  test('When the dossier is submitted, then documents can neither be added nor removed', async () => {
    const reference = await newDraft();
    const attachments = store();
    const first = await attachments.attach(reference, { bytes: pdf(), name: 'a.pdf', kind: 'other' });
    if (!first.ok) throw new Error(first.message);
    await database.connection.db!.collection('dossiers').updateOne({ reference }, { $set: { status: 'submitted', submittedAt: new Date() } });

    const added = await attachments.attach(reference, { bytes: pdf(), name: 'b.pdf', kind: 'other' });
    expect(added).toMatchObject({ ok: false, code: 'not_editable' });
    await expect(attachments.remove(reference, first.attachment.id)).resolves.toBeUndefined();
    expect(await storedFilesOf(reference)).toBe(1);
  });

  test('When dossiers are deleted without their files, then the orphan sweep deletes the files', async () => {
    const reference = await newDraft();
    const attachments = store();
    await attachments.attach(reference, { bytes: pdf(), name: 'a.pdf', kind: 'other' });
    await database.connection.db!.collection('dossiers').deleteOne({ reference });
    expect(await attachments.deleteOrphans()).toBeGreaterThanOrEqual(1);
    expect(await storedFilesOf(reference)).toBe(0);
  });
});

describe('Reading a file for what it is', () => {
  test.each([
    ['../../etc/passwd', 'pdf', 'passwd.pdf'],
    ['rapport.exe', 'pdf', 'rapport.pdf'],
    ['  .cachée\u0000\u202e.png  ', 'png', 'cachée.png'],
    ['a<b>:c|d?.docx', 'docx', 'a b c d.docx'],
    ['', 'jpg', 'document.jpg'],
    [`${'é'.repeat(300)}.pdf`, 'pdf', `${'é'.repeat(100)}.pdf`],
  ])('When a file is named %j, then it is stored as %s… (%s)', (raw, extension, expected) => {
    expect(sanitizeFileName(raw, extension)).toBe(expected);
  });

  test('When bytes are too short or truncated, then no type is claimed', () => {
    expect(detectContentType(Buffer.from('%PD'))).toBeUndefined();
    expect(detectContentType(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
  });
});
