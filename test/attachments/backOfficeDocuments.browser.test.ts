// From the paperclip to the prefecture, in real Chromium: an official attaches a file in Web Chat,
// their dossier is submitted, and the instructeur signs in, finds the document on the dossier page
// and downloads the very same bytes; the page passes an axe audit.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { WELCOME_TEXT } from '../../bot/assistantBot';
import { createAgent, launchChromium, seriousViolations, signInWithKeyboard, type TestAgent } from '../api/instructionSupport';
import { buildDossier } from '../dossiers/buildDossier';
import { startTestApp, type TestApp } from '../support/testApp';
import { startClamd, type ClamdProcess } from './clamdProcess';
import { pdf } from './sampleFiles';

const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');

jest.setTimeout(120_000);

let app: TestApp;
let clamd: ClamdProcess;
let browser: Browser;
let lyon: TestAgent;

beforeAll(async () => {
  clamd = await startClamd();
  app = await startTestApp({ attachments: { limits: { maxFileBytes: 1_000_000, maxDossierBytes: 5_000_000 }, clamd: { address: { socket: clamd.socket }, timeoutMs: 5000 } } });
  browser = await launchChromium();
  lyon = await createAgent(app.staffAccounts, { departements: ['69'], name: 'Claire Instructrice' });
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await clamd?.stop();
});

test('When an official attaches a file in the chat, then the instructeur sees it on the dossier page and downloads the same bytes', async () => {
  // The official, in the widget.
  const official = await browser.newContext({ locale: 'fr-FR' });
  const bytes = pdf('Délibération du conseil métropolitain du 12 mars');
  try {
    const page = await official.newPage();
    await page.goto(`${app.url}/`);
    await page.getByText(WELCOME_TEXT.slice(0, 40)).first().waitFor();
    const input = page.getByPlaceholder('Écrivez votre message…');
    await input.fill('Préparer une candidature');
    await input.press('Enter');
    await page.getByText(/J’ai ouvert le dossier TI-\d{4}-\d{5}/).first().waitFor();
    await page.locator('input[type="file"]').setInputFiles({ name: 'Délibération conseil.pdf', mimeType: 'application/pdf', buffer: bytes });
    await input.fill('Voici notre délibération');
    await input.press('Enter');
    await page.getByText(/J’ai bien reçu « Délibération conseil.pdf »/).first().waitFor({ timeout: 30_000 });
  } finally {
    await official.close();
  }

  // The rest of the draft as the journey fills it, then submitted by the official.
  const [stored] = await app.database.connection.db!.collection('dossiers').find({ status: 'draft', 'owner.channel': 'webchat' }).toArray();
  const draft = await app.repository.findByReference(String(stored?.reference));
  if (!draft) throw new Error('The chat did not open a draft');
  const { scheme, collectivity, contact, approach, diagnostic, housingCommitted, fields, commitments, actions } = buildDossier();
  const filled = await app.repository.update(draft.reference, draft.version, { scheme, collectivity, contact, approach, diagnostic, housingCommitted, fields, commitments, actions });
  if (!filled.ok) throw new Error(JSON.stringify(filled.error));
  const submitted = await app.repository.transition(draft.reference, filled.value.version, { to: 'submitted', by: { role: 'applicant', id: draft.owner.userId } });
  if (!submitted.ok) throw new Error(JSON.stringify(submitted.error));

  // The instructeur, in the back-office.
  const context = await browser.newContext({ locale: 'fr-FR', acceptDownloads: true });
  try {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await signInWithKeyboard(page, app.url, lyon);
    await page.goto(`${app.url}/instruction/dossiers/${draft.reference}`);
    const documents = page.locator('#documents');
    await documents.waitFor();
    const listed = await documents.innerText();
    expect(listed.replace(/\s+/g, ' ')).toMatch(/Délibération Délibération conseil\.pdf \(télécharger, \d+ octets\) \d+ octets PDF \d\d\/\d\d\/\d{4} \d\d:\d\d analysé/i);
    expect(((await page.locator('#s-history').locator('..').textContent()) ?? '').replace(/\s+/g, ' ')).toContain('Le demandeur : Document ajouté « Délibération conseil.pdf » (délibération)');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'instruction-documents.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), documents.getByRole('link', { name: /Délibération conseil\.pdf/ }).click()]);
    expect(download.suggestedFilename()).toBe('Délibération conseil.pdf');
    const saved = await download.path();
    expect((await readFile(saved)).equals(bytes)).toBe(true);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
