// The exports of the staff API: CSV for French Excel, XLSX with numbers, and the printable PDF of one dossier.
import { execFileSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { dossierModel } from '../../dossiers/dossierModel';
import { startTestApp, type TestApp } from '../support/testApp';
import { call, staffKey, submittedDossier } from './staffApiSupport';

let app: TestApp;
let admin: string;
let lyon: string;

beforeAll(async () => {
  app = await startTestApp({ staffApi: { clock: () => new Date('2026-03-10T08:00:00Z') } });
  admin = await staffKey(app.staffAccounts, 'admin');
  lyon = await staffKey(app.staffAccounts, 'instructeur', ['69']);
});

beforeEach(async () => {
  await dossierModel(app.database.connection).deleteMany({});
});

afterAll(async () => {
  await app.close();
});

async function download(path: string, key: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('GET /api/dossiers/export.csv', () => {
  test('When staff export, then the CSV has a BOM, French headers, `;` separators, decimal commas and only their dossiers', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69', name: 'Métropole de Lyon' });
    await submittedDossier(app.repository, { departement: '13', name: 'Marseille' });

    const { status, headers, bytes } = await download('/api/dossiers/export.csv', lyon);

    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(headers.get('content-disposition')).toBe('attachment; filename="dossiers-2026-03-10.csv"');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n').filter((line) => line !== '');
    expect(lines).toHaveLength(2);
    const header = lines[0]?.split(';') ?? [];
    const row = lines[1]?.split(';') ?? [];
    const cell = (name: string) => row[header.indexOf(name)];
    expect(header).toEqual(expect.arrayContaining(['Référence', 'Statut', 'Collectivité', 'Département', 'Coût des actions (€)', 'Part de l’État demandée (%)', 'Déposé le']));
    expect(cell('Référence')).toBe(dossier.reference);
    expect(cell('Statut')).toBe('Déposé');
    expect(cell('Collectivité')).toBe('Métropole de Lyon');
    expect(cell('Coût des actions (€)')).toBe('150000');
    expect(cell('Part de l’État demandée (%)')).toBe('66,67');
    expect(cell('Téléphone du contact')).toBe('06 12 34 56 78');
    expect(cell('Déposé le')).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
  });

  test('When a collectivity name starts like a spreadsheet formula, then the cell is neutralised', async () => {
    await submittedDossier(app.repository, { name: '=HYPERLINK("http://evil.example","Lyon")' });

    const { bytes } = await download('/api/dossiers/export.csv?q=HYPERLINK', admin);

    expect(bytes.toString('utf8')).toContain(`"'=HYPERLINK(""http://evil.example"",""Lyon"")"`);
  });

  test('When the export filters are invalid, then the answer is 400', async () => {
    const response = await call(app.url, '/api/dossiers/export.csv?status[$ne]=draft', { key: admin });

    expect(response.status).toBe(400);
  });
});

describe('GET /api/dossiers/export.xlsx', () => {
  test('When staff export to XLSX with filters, then the sheet has French headers, amounts as numbers and the matching dossiers', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69' });
    await submittedDossier(app.repository, { departement: '01' });

    const { status, headers, bytes } = await download('/api/dossiers/export.xlsx?departement=69', admin);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('Dossiers');
    const header = (sheet?.getRow(1).values as unknown[]).slice(1);
    const row = (sheet?.getRow(2).values as unknown[]).slice(1);
    const cell = (name: string) => row[header.indexOf(name)];

    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('spreadsheetml');
    expect(sheet?.rowCount).toBe(2);
    expect(cell('Référence')).toBe(dossier.reference);
    expect(cell('Coût des actions (€)')).toBe(150_000);
    expect(cell('Financement de l’État demandé (€)')).toBe(100_000);
    expect(cell('Population')).toBe(1_400_000);
    expect(cell('Déposé le')).toBeInstanceOf(Date);
  });
});

describe('The actions detail of the exports (one row per action)', () => {
  test('When staff export to XLSX, then a second sheet « Actions » has one row per action with its dossier, title, field, publics, cost, State share and carrier', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69', name: 'Métropole de Lyon' });
    const other = await submittedDossier(app.repository, { departement: '69', name: 'Villeurbanne' });
    await submittedDossier(app.repository, { departement: '13', name: 'Marseille' });

    const { status, bytes } = await download('/api/dossiers/export.xlsx', lyon);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('Actions');
    const header = (sheet?.getRow(1).values as unknown[]).slice(1);
    const rows = [2, 3, 4, 5].map((index) => (sheet?.getRow(index).values as unknown[]).slice(1));
    const cell = (row: unknown[] | undefined, name: string) => row?.[header.indexOf(name)];

    expect(status).toBe(200);
    expect(workbook.worksheets.map((candidate) => candidate.name)).toEqual(['Dossiers', 'Actions']);
    expect(workbook.getWorksheet('Dossiers')?.rowCount).toBe(3);
    expect(sheet?.rowCount).toBe(5);
    expect(header).toEqual(expect.arrayContaining(['Référence du dossier', 'Collectivité', 'Action', 'Champ d’intervention', 'Publics', 'Coût de l’action (€)', 'Financement de l’État demandé (€)', 'Porteur']));
    expect(rows.map((row) => cell(row, 'Référence du dossier'))).toEqual([dossier.reference, dossier.reference, other.reference, other.reference]);
    const first = rows[0];
    expect(cell(first, 'Collectivité')).toBe('Métropole de Lyon');
    expect(cell(first, 'Action')).toBe('Intermédiation locative');
    expect(cell(first, 'Champ d’intervention')).toBe('Accès au logement');
    expect(cell(first, 'Publics')).toBe('Bénéficiaires de la protection internationale (BPI)');
    expect(cell(first, 'Coût de l’action (€)')).toBe(120_000);
    expect(cell(first, 'Financement de l’État demandé (€)')).toBe(80_000);
    expect(cell(first, 'Part de l’État demandée (%)')).toBeCloseTo(2 / 3, 5);
    expect(cell(first, 'Porteur')).toBe('Association Habitat et Humanisme');
    expect(cell(rows[1], 'Publics')).toBe('Étrangers primo-arrivants, Bénéficiaires de la protection internationale (BPI)');
  });

  test('When staff export the CSV with detail=actions, then it has one row per action, French headers and decimal commas', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69', name: 'Métropole de Lyon' });
    await submittedDossier(app.repository, { departement: '13', name: 'Marseille' });

    const { status, headers, bytes } = await download('/api/dossiers/export.csv?detail=actions', lyon);

    expect(status).toBe(200);
    expect(headers.get('content-disposition')).toBe('attachment; filename="actions-2026-03-10.csv"');
    const lines = bytes.toString('utf8').slice(1).split('\r\n').filter((line) => line !== '');
    expect(lines).toHaveLength(3);
    const header = lines[0]?.split(';') ?? [];
    const rows = lines.slice(1).map((line) => line.split(';'));
    const cell = (row: string[] | undefined, name: string) => row?.[header.indexOf(name)];
    expect(rows.map((row) => cell(row, 'Référence du dossier'))).toEqual([dossier.reference, dossier.reference]);
    expect(rows.map((row) => cell(row, 'Action'))).toEqual(['Intermédiation locative', 'Cours de français à visée professionnelle']);
    expect(cell(rows[0], 'Coût de l’action (€)')).toBe('120000');
    expect(cell(rows[0], 'Financement de l’État demandé (€)')).toBe('80000');
    expect(cell(rows[0], 'Part de l’État demandée (%)')).toBe('66,67');
    expect(cell(rows[1], 'Porteur')).toBe('Métropole de Lyon');
  });

  test('When the detail asked for is unknown, then the CSV export answers 400', async () => {
    const response = await call(app.url, '/api/dossiers/export.csv?detail=messages', { key: admin });

    expect(response.status).toBe(400);
  });
});

describe('GET /api/dossiers/:reference.pdf', () => {
  test('When staff print a dossier, then a valid PDF comes with its reference in the title and a page tree counting its pages', async () => {
    const dossier = await submittedDossier(app.repository);

    const { status, headers, bytes } = await download(`/api/dossiers/${dossier.reference}.pdf`, lyon);
    const text = bytes.toString('latin1');

    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/pdf');
    expect(headers.get('content-disposition')).toBe(`inline; filename="${dossier.reference}.pdf"`);
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    // The document information names the dossier (the page text itself is in the embedded font's glyph codes).
    expect(text).toMatch(/\/Title \d+ 0 R/);
    expect(text).toContain(`(Dossier ${dossier.reference})`);
    const pages = text.match(/\/Type \/Page\b/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(text).toContain(`/Count ${pages.length}`);
    expect(bytes.length).toBeGreaterThan(5_000);
  });

  test('When a dossier was refused with a motivation, then the PDF’s history shows that motivation beside the decision', async () => {
    const dossier = await submittedDossier(app.repository);
    const review = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key: lyon, body: { to: 'under_review' }, headers: { 'if-match': `"${dossier.version}"` } });
    const refuse = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, {
      key: lyon,
      body: { to: 'rejected', reason: 'Aucune action ne concerne le logement.' },
      headers: { 'if-match': review.headers.get('etag') ?? '' },
    });
    expect(refuse.body).toMatchObject({ status: 'rejected' });

    const { bytes } = await download(`/api/dossiers/${dossier.reference}.pdf`, lyon);
    // Debian's poppler-utils (installed by .ci/run) reads the page text back.
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: bytes }).toString('utf8');

    // The motivation wraps in its column: its first words sit on the decision's line.
    expect(text).toMatch(/En instruction → Refusé .*Motif : Aucune action ne/);
  });

  test('When the dossier is out of the instructeur’s scope, then the PDF answers 404', async () => {
    const marseille = await submittedDossier(app.repository, { departement: '13' });

    const { status } = await download(`/api/dossiers/${marseille.reference}.pdf`, lyon);

    expect(status).toBe(404);
  });
});
