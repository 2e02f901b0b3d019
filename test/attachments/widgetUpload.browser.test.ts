// The paperclip in real Chromium: Web Chat reads the chosen file, posts it to our Direct Line upload
// route, and the bot's confirmation appears in the transcript; the file is in the draft, byte for byte.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { WELCOME_TEXT } from '../../bot/assistantBot';
import { startTestApp, type TestApp } from '../support/testApp';
import { startClamd, type ClamdProcess } from './clamdProcess';
import { pdf } from './sampleFiles';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');

jest.setTimeout(90_000);

let app: TestApp;
let clamd: ClamdProcess;
let browser: Browser;

beforeAll(async () => {
  clamd = await startClamd();
  app = await startTestApp({ attachments: { limits: { maxFileBytes: 1_000_000, maxDossierBytes: 5_000_000 }, clamd: { address: { socket: clamd.socket }, timeoutMs: 5000 } } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await clamd?.stop();
});

test('When an official chooses a PDF with Web Chat’s paperclip, then it is sent at once, the bot confirms it and it is filed in the draft', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  try {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await page.goto(`${app.url}/`);
    await page.getByText(WELCOME_TEXT.slice(0, 40)).first().waitFor();
    const input = page.getByPlaceholder('Écrivez votre message…');
    await input.fill('Préparer une candidature');
    await input.press('Enter');
    await page.getByText(/J’ai ouvert le dossier TI-\d{4}-\d{5}/).first().waitFor();

    const bytes = pdf('Délibération du conseil métropolitain');
    await page.locator('input[type="file"]').setInputFiles({ name: 'Délibération conseil.pdf', mimeType: 'application/pdf', buffer: bytes });
    // Choosing the file sends it: nothing else to click (Web Chat's sendAttachmentOn: 'attach').

    try {
      await page.getByText(/J’ai bien reçu « Délibération conseil.pdf »/).first().waitFor({ timeout: 30_000 });
    } finally {
      await page.screenshot({ path: path.join(ARTIFACTS, 'widget-upload.png') });
    }
    await page.getByText(/classé comme délibération dans le dossier TI-\d{4}-\d{5}/).first().waitFor();

    const drafts = await app.database.connection.db!.collection('dossiers').find({ status: 'draft', 'owner.channel': 'webchat' }).toArray();
    expect(drafts).toHaveLength(1);
    const reference = String(drafts[0]!.reference);
    const [attachment] = await app.attachments.list(reference);
    expect(attachment).toMatchObject({ name: 'Délibération conseil.pdf', kind: 'deliberation', scan: 'clean' });
    const read = await app.attachments.read(reference, attachment!.id);
    expect(read.status === 'ok' && read.bytes.equals(bytes)).toBe(true);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
