// Documents sent in the chat: through the widget's real Direct Line upload route, and as Teams-shaped
// activities through the real adapter (files downloaded from, and sent back to, a loopback "OneDrive").
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeConnector, type FakeConnector } from '../support/fakeConnector';
import { startTestApp, type TestApp } from '../support/testApp';
import { startClamd, type ClamdProcess } from './clamdProcess';
import { buildDossier } from '../dossiers/buildDossier';
import { executable, infectedPdf, pdf, pdfOfSize } from './sampleFiles';

let app: TestApp;
let clamd: ClamdProcess;
let connector: FakeConnector;
let oneDrive: { url: string; files: Map<string, Buffer>; received: Map<string, { bytes: Buffer; range: string | undefined }>; server: Server };

const MAX_FILE_BYTES = 100_000;

beforeAll(async () => {
  clamd = await startClamd();
  connector = await startFakeConnector();
  app = await startTestApp({
    attachments: { limits: { maxFileBytes: MAX_FILE_BYTES, maxDossierBytes: 400_000 }, clamd: { address: { socket: clamd.socket }, timeoutMs: 5000 }, teamsFiles: { enabled: true, allowHttp: true } },
  });
  const files = new Map<string, Buffer>();
  const received = new Map<string, { bytes: Buffer; range: string | undefined }>();
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    if (req.method === 'GET' && files.has(path)) {
      res.end(files.get(path));
      return;
    }
    if (req.method === 'PUT') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.set(path, { bytes: Buffer.concat(chunks), range: req.headers['content-range'] });
        res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  oneDrive = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, files, received, server };
});

afterAll(async () => {
  await app?.close();
  await connector?.close();
  await clamd?.stop();
  oneDrive?.server.closeAllConnections();
  await new Promise<void>((resolve) => (oneDrive ? oneDrive.server.close(() => resolve()) : resolve()));
});

async function storedFiles(): Promise<number> {
  return app.database.connection.db!.collection('attachments.files').countDocuments();
}

interface WidgetSession {
  conversationId: string;
  token: string;
  watermark: string;
}

async function widgetSession(): Promise<WidgetSession> {
  const generated = (await (await fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as { token: string };
  const started = await fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${generated.token}`, 'content-type': 'application/json' }, body: '{}' });
  const body = (await started.json()) as { conversationId: string; token: string };
  const session = { conversationId: body.conversationId, token: body.token, watermark: '0' };
  await botTexts(session);
  return session;
}

/** The bot's texts since the last read. */
async function botTexts(session: WidgetSession): Promise<string> {
  const response = await fetch(`${app.url}/v3/directline/conversations/${session.conversationId}/activities?watermark=${session.watermark}`, { headers: { authorization: `Bearer ${session.token}` } });
  const page = (await response.json()) as { activities: Array<{ from: { role?: string }; text?: string }>; watermark: string };
  session.watermark = page.watermark;
  // Markdown escapes (« budget\\.pdf ») removed: the text as the official reads it.
  return page.activities.filter((activity) => activity.from.role === 'bot').map((activity) => (activity.text ?? '').replace(/\\(.)/g, '$1')).join('\n');
}

async function say(session: WidgetSession, text: string): Promise<string> {
  const response = await fetch(`${app.url}/v3/directline/conversations/${session.conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', text, from: { id: 'ignored' } }),
  });
  expect(response.status).toBe(200);
  return botTexts(session);
}

/** What Web Chat's paperclip sends: the activity as a first part, then each file. */
async function upload(session: WidgetSession, files: Array<{ name: string; bytes: Buffer; type?: string }>, text = ''): Promise<{ status: number; texts: string }> {
  const form = new FormData();
  form.append('activity', new Blob([JSON.stringify({ type: 'message', text, from: { id: 'x' }, channelData: { clientActivityID: randomUUID() }, attachments: files.map((file) => ({ contentType: file.type ?? 'application/pdf', name: file.name })) })], { type: 'application/vnd.microsoft.activity' }), 'blob');
  for (const file of files) form.append('file', new Blob([file.bytes], { type: file.type ?? 'application/pdf' }), file.name);
  const response = await fetch(`${app.url}/v3/directline/conversations/${session.conversationId}/upload?userId=x`, { method: 'POST', headers: { authorization: `Bearer ${session.token}` }, body: form });
  return { status: response.status, texts: await botTexts(session) };
}

async function ownerOf(session: WidgetSession) {
  const conversation = await app.database.connection.db!.collection('directline_conversations').findOne({ _id: session.conversationId as never });
  return { channel: 'webchat', userId: String(conversation?.userId) };
}

async function draftOf(session: WidgetSession) {
  return app.repository.findDraftForOwner(await ownerOf(session));
}

/** A draft of this widget user, already filled with these parts of a complete CTAI. */
async function prefilledDraft(session: WidgetSession, keys: ReadonlyArray<'scheme' | 'collectivity' | 'contact' | 'approach' | 'diagnostic' | 'housingCommitted' | 'fields' | 'commitments' | 'actions'>) {
  const draft = await app.repository.createDraft(await ownerOf(session));
  const complete = buildDossier();
  const patch = Object.fromEntries(keys.map((key) => [key, complete[key]]));
  const updated = await app.repository.update(draft.reference, draft.version, patch);
  if (!updated.ok) throw new Error('could not prefill the draft');
  return updated.value;
}

describe('Documents through the web widget’s Direct Line upload', () => {
  test('When an official uploads a PDF with the paperclip, then the bot confirms its name, size and place, and the same bytes are stored', async () => {
    const session = await widgetSession();
    await say(session, 'Préparer une candidature');
    const bytes = pdf('Délibération du 12 mars');

    const { status, texts } = await upload(session, [{ name: 'Délibération conseil.pdf', bytes }]);

    expect(status).toBe(200);
    expect(texts).toMatch(/J’ai bien reçu « Délibération conseil\.pdf » \(\d+ octets\) : il est classé comme délibération dans le dossier TI-\d{4}-\d{5}/);
    const draft = await draftOf(session);
    expect(draft?.attachments).toHaveLength(1);
    const read = await app.attachments.read(draft!.reference, draft!.attachments[0]!.id);
    expect(read.status === 'ok' && read.bytes.equals(bytes)).toBe(true);
  });

  test('When the official writes « supprimer le document … », then it leaves the draft and the database', async () => {
    const session = await widgetSession();
    await say(session, 'Préparer une candidature');
    await upload(session, [{ name: 'budget 2026.pdf', bytes: pdf('Budget') }]);
    const before = await storedFiles();

    expect(await say(session, 'mes documents')).toContain('1. « budget 2026.pdf »');
    expect(await say(session, 'supprimer le document budget 2026')).toContain('« budget 2026.pdf » est retiré du dossier');

    expect((await draftOf(session))?.attachments).toEqual([]);
    expect(await storedFiles()).toBe(before - 1);
  });

  test.each([
    ['a disguised executable', { name: 'diagnostic.pdf', bytes: executable() }, 'n’est pas dans un format accepté'],
    ['a file over the limit', { name: 'gros.pdf', bytes: pdfOfSize(MAX_FILE_BYTES + 10) }, 'dépasse la limite de 97,7 Ko par fichier'],
    ['the EICAR file (clamd running)', { name: 'lettre.pdf', bytes: infectedPdf() }, 'contient un virus'],
  ])('When %s is uploaded, then the bot refuses it in French and nothing is stored', async (_what, file, expected) => {
    const session = await widgetSession();
    await say(session, 'Préparer une candidature');
    const before = await storedFiles();

    const { status, texts } = await upload(session, [file]);

    expect(status).toBe(200);
    expect(texts).toContain(expected);
    expect(texts).toMatch(/(R|r)ien n’a été enregistré|n’a pas été enregistré/);
    expect(await storedFiles()).toBe(before);
    expect((await draftOf(session))?.attachments).toEqual([]);
  });

  test('When an official without a draft uploads a file, then they are told to open one and nothing is stored', async () => {
    const session = await widgetSession();
    const before = await storedFiles();
    expect((await upload(session, [{ name: 'a.pdf', bytes: pdf() }])).texts).toContain('il faut un dossier en cours');
    expect(await storedFiles()).toBe(before);
  });

  // The walkthrough of 2026-12-06: the prefecture asked for the deliberation and the upload was told to open a new application.
  test.each(['submitted', 'under_review'] as const)('When the official uploads a file to a dossier that is %s, then nothing is stored and the bot says how to send it, never to start a new application', async (status) => {
    const session = await widgetSession();
    const draft = await prefilledDraft(session, ['scheme', 'collectivity', 'contact', 'approach', 'diagnostic', 'housingCommitted', 'fields', 'commitments', 'actions']);
    const submitted = await app.repository.transition(draft.reference, draft.version, { to: 'submitted', by: { role: 'applicant', id: 'applicant' } });
    if (!submitted.ok) throw new Error(JSON.stringify(submitted.error));
    if (status === 'under_review') {
      const review = await app.repository.transition(draft.reference, submitted.value.version, { to: 'under_review', by: { role: 'instructeur', id: 'staff-1' } });
      if (!review.ok) throw new Error(JSON.stringify(review.error));
    }
    const before = await storedFiles();

    const { texts } = await upload(session, [{ name: 'deliberation_projet.pdf', bytes: pdf() }]);

    expect(texts).toContain(draft.reference);
    expect(texts).not.toContain('préparer une candidature');
    expect(texts).toContain('« reprendre »');
    expect(texts).toContain('Rien n’a été enregistré');
    expect(await storedFiles()).toBe(before);
  });

  test('When the prefecture sent the dossier back for corrections, then a file uploaded is filed in it', async () => {
    const session = await widgetSession();
    const draft = await prefilledDraft(session, ['scheme', 'collectivity', 'contact', 'approach', 'diagnostic', 'housingCommitted', 'fields', 'commitments', 'actions']);
    const staff = { role: 'instructeur' as const, id: 'staff-1' };
    const submitted = await app.repository.transition(draft.reference, draft.version, { to: 'submitted', by: { role: 'applicant', id: 'applicant' } });
    if (!submitted.ok) throw new Error(JSON.stringify(submitted.error));
    const review = await app.repository.transition(draft.reference, submitted.value.version, { to: 'under_review', by: staff });
    if (!review.ok) throw new Error(JSON.stringify(review.error));
    const back = await app.repository.transition(draft.reference, review.value.version, { to: 'changes_requested', by: staff, sections: ['actions'], reason: 'Joignez la délibération.' });
    if (!back.ok) throw new Error(JSON.stringify(back.error));

    const { texts } = await upload(session, [{ name: 'deliberation_projet.pdf', bytes: pdf() }]);

    expect(texts).toContain(`dans le dossier ${draft.reference}`);
    expect((await app.repository.findByReference(draft.reference))?.attachments).toHaveLength(1);
  });

  test('When someone uploads to another user’s conversation, then it is refused', async () => {
    const victim = await widgetSession();
    const intruder = await widgetSession();
    const form = new FormData();
    form.append('file', new Blob([pdf()]), 'a.pdf');
    const response = await fetch(`${app.url}/v3/directline/conversations/${victim.conversationId}/upload`, { method: 'POST', headers: { authorization: `Bearer ${intruder.token}` }, body: form });
    expect(response.status).toBe(403);
  });

  test('When the official erases their data, then the draft’s files are deleted too', async () => {
    const session = await widgetSession();
    await say(session, 'Préparer une candidature');
    await upload(session, [{ name: 'diagnostic.pdf', bytes: pdf('Diagnostic') }]);
    const reference = (await draftOf(session))!.reference;
    const files = app.database.connection.db!.collection('attachments.files');
    expect(await files.countDocuments({ 'metadata.dossier': reference })).toBe(1);

    await say(session, 'supprimer mes données');
    await say(session, 'oui');

    expect(await files.countDocuments({ 'metadata.dossier': reference })).toBe(0);
  });
});

describe('Documents the journey asks for', () => {
  test('When the diagnostic is « réalisé », then the bot asks for its file, and a file sent then is filed as the diagnostic whatever its name', async () => {
    const session = await widgetSession();
    await prefilledDraft(session, ['collectivity', 'contact', 'approach']);
    expect(await say(session, 'reprendre')).toContain('Où en est le diagnostic territorial');

    const asked = await say(session, 'il est réalisé');
    expect(asked).toContain('Pouvez-vous joindre le fichier du diagnostic territorial');
    expect(asked).toContain('« plus tard »');

    const { texts } = await upload(session, [{ name: 'Rapport final 2025.pdf', bytes: pdf('Rapport') }]);
    expect(texts).toMatch(/J’ai bien reçu « Rapport final 2025\.pdf » .* classé comme diagnostic territorial/);
    // The journey goes on with the next question, not the same one again.
    expect(texts).toContain('Prévoyez-vous d’en inclure');
    expect(texts).not.toContain('Pouvez-vous joindre le fichier du diagnostic');
    expect((await draftOf(session))?.attachments.map((attachment) => attachment.kind)).toEqual(['diagnostic']);
  });

  test('When the official answers « plus tard » to the diagnostic file, then the journey goes on and does not ask again', async () => {
    const session = await widgetSession();
    await prefilledDraft(session, ['collectivity', 'contact', 'approach', 'diagnostic']);
    expect(await say(session, 'reprendre')).toContain('Pouvez-vous joindre le fichier du diagnostic territorial');

    expect(await say(session, 'oui')).toContain('Envoyez le fichier avec le trombone');
    expect(await say(session, 'plus tard')).toContain('Prévoyez-vous d’en inclure');

    const draft = await draftOf(session);
    expect(draft?.attachments).toEqual([]);
    expect(draft?.skippedQuestions).toContain('scheme.diagnosticFile');
    await say(session, 'annuler');
    expect(await say(session, 'reprendre')).not.toContain('Pouvez-vous joindre le fichier du diagnostic');
  });

  test('When the diagnostic is only « prévu », then no file is asked for', async () => {
    const session = await widgetSession();
    await prefilledDraft(session, ['collectivity', 'contact', 'approach']);
    await say(session, 'reprendre');
    expect(await say(session, 'il est prévu')).not.toContain('joindre le fichier du diagnostic');
  });

  test('When the official reaches the review, then the deliberation and the budget are offered as optional documents, and those attached are listed', async () => {
    const session = await widgetSession();
    const draft = await prefilledDraft(session, ['scheme', 'collectivity', 'contact', 'approach', 'diagnostic', 'housingCommitted', 'fields', 'commitments', 'actions']);
    const attached = await app.attachments.attach(draft.reference, { bytes: pdf('Diagnostic'), name: 'Diagnostic.pdf', kind: 'diagnostic' });
    expect(attached.ok).toBe(true);

    expect(await say(session, 'reprendre')).toContain('D’autres financeurs participent-ils au projet');
    const review = await say(session, 'non');

    expect(review).toContain('Votre dossier est complet');
    expect(review).toContain('Documents joints : « Diagnostic.pdf » (diagnostic territorial)');
    expect(review).toMatch(/facultatifs.*la délibération.*le budget/s);

    const { texts } = await upload(session, [{ name: 'Délibération du conseil.pdf', bytes: pdf('Délibération') }]);
    expect(texts).toContain('classé comme délibération');
    expect(texts).toContain('Que souhaitez-vous faire');
  });

  test('When the official asks to submit with two documents attached, then the confirmation counts them and names their kinds (walkthrough 2, minor 8)', async () => {
    const session = await widgetSession();
    const draft = await prefilledDraft(session, ['scheme', 'collectivity', 'contact', 'approach', 'diagnostic', 'housingCommitted', 'fields', 'commitments', 'actions']);
    expect((await app.attachments.attach(draft.reference, { bytes: pdf('Diagnostic'), name: 'Diagnostic.pdf', kind: 'diagnostic' })).ok).toBe(true);
    expect((await app.attachments.attach(draft.reference, { bytes: pdf('Délibération'), name: 'Délibération.pdf', kind: 'deliberation' })).ok).toBe(true);
    expect(await say(session, 'reprendre')).toContain('D’autres financeurs participent-ils au projet');
    expect(await say(session, 'non')).toContain('Votre dossier est complet');

    const confirmation = await say(session, 'Déposer le dossier');

    expect(confirmation).toContain('Seront transmis');
    expect(confirmation).toMatch(/demandés à l’État, et 2 documents joints \(diagnostic territorial, délibération\)\./);
    expect(confirmation).toContain('Confirmez-vous');
  });
});

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

describe('Documents in a Teams personal chat', () => {
  const user = { id: `29:${randomUUID()}`, aadObjectId: randomUUID(), name: 'Camille Martin' };
  const conversationId = `a:${randomUUID()}`;

  async function send(activity: Record<string, unknown>) {
    const response = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `f:${randomUUID()}`,
        timestamp: new Date().toISOString(),
        channelId: 'msteams',
        serviceUrl: connector.serviceUrl,
        from: user,
        recipient: { id: '28:bot-id', name: 'Territoires d’intégration' },
        conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT },
        channelData: { tenant: { id: TENANT } },
        locale: 'fr-FR',
        ...activity,
      }),
    });
    const calls = connector.take();
    return { status: response.status, body: await response.text(), calls, text: calls.map((call) => String(call.activity.text ?? '').replace(/\\(.)/g, '$1')).join('\n') };
  }

  test('When a file is sent to the bot, then it is downloaded, filed and confirmed; « envoyer le document » brings it back through the consent card', async () => {
    await send({ text: 'Préparer une candidature' });
    const bytes = pdf('Lettre d’engagement de l’association');
    oneDrive.files.set('/personal/camille/lettre.pdf', bytes);

    // As Teams sends it: the file's download info, and the message's own HTML rendering.
    const received = await send({
      text: '',
      attachments: [
        { contentType: 'application/vnd.microsoft.teams.file.download.info', contentUrl: `${oneDrive.url}/personal/camille/lettre.pdf`, name: 'Lettre partenaire.pdf', content: { downloadUrl: `${oneDrive.url}/personal/camille/lettre.pdf`, uniqueId: randomUUID(), fileType: 'pdf' } },
        { contentType: 'text/html', content: '<p></p>' },
      ],
    });
    expect(received.text).toMatch(/J’ai bien reçu « Lettre partenaire\.pdf » .* classé comme lettre d’engagement d’un partenaire/);
    const draft = await app.repository.findDraftForOwner({ channel: 'msteams', userId: user.id, aadObjectId: user.aadObjectId });
    expect(draft?.attachments.map((attachment) => attachment.sha256)).toHaveLength(1);

    const offer = await send({ text: 'envoyer le document 1' });
    const consent = offer.calls.flatMap((call) => (call.activity.attachments as Array<{ contentType: string; name: string; content: Record<string, unknown> }>) ?? []).find((attachment) => attachment.contentType === 'application/vnd.microsoft.teams.card.file.consent');
    expect(consent).toMatchObject({ name: 'Lettre partenaire.pdf', content: { sizeInBytes: bytes.length } });

    const accepted = await send({
      type: 'invoke',
      name: 'fileConsent/invoke',
      text: undefined,
      value: {
        type: 'fileUpload',
        action: 'accept',
        context: consent!.content.acceptContext,
        uploadInfo: { name: 'Lettre partenaire.pdf', uploadUrl: `${oneDrive.url}/upload/session-1`, contentUrl: `${oneDrive.url}/personal/camille/Lettre partenaire.pdf`, uniqueId: 'unique-1', fileType: 'pdf' },
      },
    });
    expect(accepted.status).toBe(200);
    expect(oneDrive.received.get('/upload/session-1')).toEqual({ bytes, range: `bytes 0-${bytes.length - 1}/${bytes.length}` });
    const info = accepted.calls.flatMap((call) => (call.activity.attachments as Array<{ contentType: string }>) ?? []).find((attachment) => attachment.contentType === 'application/vnd.microsoft.teams.card.file.info');
    expect(info).toMatchObject({ name: 'Lettre partenaire.pdf', content: { uniqueId: 'unique-1' } });
  });

  test('When a Teams file is an executable, then it is refused and nothing is stored', async () => {
    oneDrive.files.set('/personal/camille/budget.xlsx', executable());
    const before = await storedFiles();
    const received = await send({
      text: '',
      attachments: [{ contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'budget.xlsx', content: { downloadUrl: `${oneDrive.url}/personal/camille/budget.xlsx`, fileType: 'xlsx' } }],
    });
    expect(received.text).toContain('n’est pas dans un format accepté');
    expect(await storedFiles()).toBe(before);
  });
});
