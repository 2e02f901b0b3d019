// In real Chromium: an instructeur filters the list, clicks « Exporter en CSV » / « Exporter en XLSX », and the files
// hold what the list showed; and an axe-core audit of the back-office pages no other browser test audits.
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { dossierModel } from '../../dossiers/dossierModel';
import { startTestApp, type TestApp } from '../support/testApp';
import { createAgent, launchChromium, seriousViolations, signInWithKeyboard, type TestAgent } from './instructionSupport';
import { submittedDossier, valueOf } from './staffApiSupport';

jest.setTimeout(120_000);

let app: TestApp;
let browser: Browser;
let lyon: TestAgent;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  lyon = await createAgent(app.staffAccounts, { departements: ['69', '01'], name: 'Claire Exports' });
});

beforeEach(async () => {
  await dossierModel(app.database.connection).deleteMany({});
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signedInPage(agent: TestAgent): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', acceptDownloads: true });
  const page = await context.newPage();
  await signInWithKeyboard(page, app.url, agent);
  return page;
}

/** Clicks a link and returns the downloaded file and its suggested name. */
async function downloadBy(page: Page, name: RegExp): Promise<{ filename: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
  const file = await download.path();
  return { filename: download.suggestedFilename(), bytes: await readFile(file) };
}

function csvColumn(bytes: Buffer, header: string): string[] {
  const [first = '', ...lines] = bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n').filter((line) => line !== '');
  const index = first.split(';').indexOf(header);
  return lines.map((line) => line.split(';')[index] ?? '');
}

describe('The list exports in Chromium', () => {
  test('When an instructeur filters the list then clicks « Exporter en CSV » and « Exporter en XLSX », then the files hold the filtered dossiers, and their actions', async () => {
    const ain = await submittedDossier(app.repository, { departement: '01', name: 'Bourg-en-Bresse' });
    const rhone = await submittedDossier(app.repository, { departement: '69', name: 'Villeurbanne' });
    const inReview = await submittedDossier(app.repository, { departement: '01', name: 'Oyonnax' });
    valueOf(await app.repository.transition(inReview.reference, inReview.version, { to: 'under_review', by: { role: 'instructeur', id: lyon.account.id, name: 'Agent' } }));
    const elsewhere = await submittedDossier(app.repository, { departement: '13', name: 'Bourg de Marseille' });
    const page = await signedInPage(lyon);

    // Filter « À examiner » on the Ain: one dossier left on screen.
    await page.getByLabel('Département').selectOption('01');
    await page.getByRole('button', { name: 'Appliquer' }).click();
    await page.getByRole('heading', { name: /À examiner : 1 dossier/ }).waitFor();
    expect(await page.getByRole('link', { name: ain.reference }).count()).toBe(1);
    expect(await page.getByRole('link', { name: rhone.reference }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    const csv = await downloadBy(page, /^Exporter en CSV$/);
    expect(csv.filename).toMatch(/^dossiers-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csvColumn(csv.bytes, 'Référence')).toEqual([ain.reference]);

    const actions = await downloadBy(page, /^Exporter les actions en CSV$/);
    expect(csvColumn(actions.bytes, 'Référence du dossier')).toEqual(ain.actions.map(() => ain.reference));

    const xlsx = await downloadBy(page, /^Exporter en XLSX/);
    expect(xlsx.filename).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as unknown as ExcelJS.Buffer);
    const references = (sheet: string) => {
      const rows: unknown[] = [];
      workbook.getWorksheet(sheet)?.eachRow((row, index) => {
        if (index > 1) rows.push(row.getCell(1).value);
      });
      return rows;
    };
    expect(references('Dossiers')).toEqual([ain.reference]);
    expect(references('Actions')).toEqual(ain.actions.map(() => ain.reference));

    // A search that matches a dossier of another département exports nothing of it.
    await page.getByLabel('Département').selectOption('');
    await page.getByRole('searchbox', { name: /Rechercher/ }).fill('Bourg');
    await page.getByRole('button', { name: 'Appliquer' }).click();
    await page.getByRole('heading', { name: /À examiner : 1 dossier/ }).waitFor();
    const searched = await downloadBy(page, /^Exporter en CSV$/);
    expect(csvColumn(searched.bytes, 'Référence')).toEqual([ain.reference]);
    expect(searched.bytes.toString('utf8')).not.toContain(elsewhere.reference);
    await page.context().close();
  });
});

describe('Accessibility of the pages no other browser test audits', () => {
  test('When axe-core audits the sign-in errors, a dossier answered with a document, a refused dossier, the « Traités », an empty and the « Suivis par moi » tabs and the error pages (404, 403), then no serious or critical violation is found', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const anonymous = await context.newPage();
    const audited: Record<string, unknown[]> = {};

    // The sign-in page with a wrong password, and after an expired session.
    await anonymous.goto(`${app.url}/instruction/connexion`);
    await anonymous.getByLabel('Adresse électronique').fill(lyon.email);
    await anonymous.getByLabel(/Mot de passe/).fill('pas le bon mot de passe');
    await anonymous.getByRole('button', { name: /Se connecter/ }).click();
    await anonymous.getByText(/incorrect|ne correspondent|invalide/i).first().waitFor();
    audited['connexion refusée'] = await seriousViolations(anonymous);
    await anonymous.goto(`${app.url}/instruction/connexion?expiree=1`);
    audited['session expirée'] = await seriousViolations(anonymous);
    await context.close();

    // A dossier answered with a document only (history « Réponse à la demande… », documents in « ce qui a changé »), then refused.
    const answered = await submittedDossier(app.repository, { departement: '69', name: 'Commune de Givors' });
    const agentActor = { role: 'instructeur' as const, id: lyon.account.id, name: 'Claire Exports' };
    const review = valueOf(await app.repository.transition(answered.reference, answered.version, { to: 'under_review', by: agentActor }));
    valueOf(await app.repository.transition(answered.reference, review.version, { to: 'changes_requested', by: agentActor, sections: ['scheme'], reason: 'Joignez le diagnostic.' }));
    expect((await app.attachments.attach(answered.reference, { bytes: Buffer.from('%PDF-1.4\n%%EOF\n'), name: 'Diagnostic.pdf', kind: 'diagnostic' })).ok).toBe(true);
    const corrected = await app.repository.findByReference(answered.reference);
    const resubmitted = valueOf(await app.repository.transition(answered.reference, corrected!.version, { to: 'submitted', by: { role: 'applicant', id: 'applicant-givors' } }));
    const refused = await submittedDossier(app.repository, { departement: '69', name: 'Commune de Rillieux' });
    const refusedReview = valueOf(await app.repository.transition(refused.reference, refused.version, { to: 'under_review', by: agentActor }));
    valueOf(await app.repository.transition(refused.reference, refusedReview.version, { to: 'rejected', by: agentActor, reason: 'Hors du champ du dispositif.' }));

    const page = await signedInPage(lyon);
    await page.goto(`${app.url}/instruction/dossiers/${resubmitted.reference}`);
    expect(await page.locator('main').textContent()).toContain('Réponse à la demande de corrections du');
    for (const [name, path, status] of [
      ['dossier corrigé par un document', `/instruction/dossiers/${resubmitted.reference}`, 200],
      ['dossier refusé', `/instruction/dossiers/${refused.reference}`, 200],
      ['onglet traités', '/instruction/?onglet=traites', 200],
      ['onglet vide', '/instruction/?onglet=corrections', 200],
      ['suivis par moi', '/instruction/?onglet=suivis', 200],
      ['page introuvable', '/instruction/nulle-part', 404],
      ['dossier introuvable', '/instruction/dossiers/TI-2026-99999', 404],
      ['administration refusée', '/instruction/admin/comptes', 403],
    ] as const) {
      const response = await page.goto(`${app.url}${path}`);
      expect([name, response?.status()]).toEqual([name, status]);
      audited[name] = await seriousViolations(page);
    }

    expect(audited).toEqual({
      'dossier corrigé par un document': [],
      'dossier refusé': [],
      'onglet traités': [],
      'connexion refusée': [],
      'session expirée': [],
      'onglet vide': [],
      'suivis par moi': [],
      'page introuvable': [],
      'dossier introuvable': [],
      'administration refusée': [],
    });
    await page.context().close();
  });
});
