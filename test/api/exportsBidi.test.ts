// F19: bidirectional controls typed by an applicant cannot reorder what an instructeur reads in the
// exports (CSV, XLSX, PDF), and Arabic, Hebrew and emoji in names survive in every one of them.
import { execFileSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { dossierModel } from '../../dossiers/dossierModel';
import { startTestApp, type TestApp } from '../support/testApp';
import { staffKey, submittedDossier } from './staffApiSupport';

let app: TestApp;
let admin: string;

beforeAll(async () => {
  app = await startTestApp({ staffApi: { clock: () => new Date('2026-03-10T08:00:00Z') } });
  admin = await staffKey(app.staffAccounts, 'admin');
});

beforeEach(async () => {
  await dossierModel(app.database.connection).deleteMany({});
});

afterAll(async () => {
  await app.close();
});

async function download(path: string): Promise<Buffer> {
  const response = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${admin}` } });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

const BIDI_CONTROLS = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/;
/** « Lyon » then an override that shows « 000 051 » for the 150 000 typed, then a right-to-left mark. */
const TRICKED = 'Lyon \u202e150 000\u202c €\u200f';
/** An association's name in Arabic, Hebrew and an emoji, as an official could type it. */
const WORLD = 'Maison جمعية الأمل et עמותת שלום 😀';
/** A formula hidden behind an isolate: the isolate must not let it past the formula check. */
const HIDDEN_FORMULA = '\u2066=HYPERLINK("http://evil.example","Lyon")';

const CONTACT = { name: WORLD, role: 'Maire', email: 'contact@example.fr', phone: '+33612345678' };

/** The cells of a `;` CSV without quoted separators, by header. */
function csvRows(text: string): Array<Record<string, string>> {
  const [header = '', ...lines] = text.replace(/^\ufeff/, '').split('\r\n').filter((line) => line !== '');
  const names = header.split(';');
  return lines.map((line) => Object.fromEntries(line.split(';').map((cell, index) => [names[index] ?? '', cell])));
}

describe('F19: bidi controls and right-to-left names in the exports', () => {
  test('When names hold bidi controls, Arabic, Hebrew and emoji, then the CSV has no control left, keeps the letters and still neutralises a hidden formula', async () => {
    const tricked = await submittedDossier(app.repository, { name: TRICKED, content: { contact: CONTACT } });
    const hidden = await submittedDossier(app.repository, { name: HIDDEN_FORMULA });

    const text = (await download('/api/dossiers/export.csv')).toString('utf8');
    const rows = csvRows(text);

    expect(text).not.toMatch(BIDI_CONTROLS);
    const trickedRow = rows.find((row) => row['Référence'] === tricked.reference);
    expect(trickedRow?.['Collectivité']).toBe('Lyon 150 000 €');
    expect(trickedRow?.['Contact']).toBe(WORLD);
    const hiddenRow = text.split('\r\n').find((line) => line.startsWith(hidden.reference));
    expect(hiddenRow).toContain(`"'=HYPERLINK(""http://evil.example"",""Lyon"")"`);
  });

  test('When names hold bidi controls, Arabic, Hebrew and emoji, then the XLSX cells have no control left and keep the letters', async () => {
    const tricked = await submittedDossier(app.repository, { name: TRICKED, content: { contact: CONTACT } });

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download('/api/dossiers/export.xlsx')) as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('Dossiers');
    const header = (sheet?.getRow(1).values as unknown[]).slice(1);
    const row = (sheet?.getRow(2).values as unknown[]).slice(1);
    const cell = (name: string) => row[header.indexOf(name)];

    expect(cell('Référence')).toBe(tricked.reference);
    expect(cell('Collectivité')).toBe('Lyon 150 000 €');
    expect(cell('Contact')).toBe(WORLD);
    const actions = workbook.getWorksheet('Actions');
    expect(actions?.getRow(2).getCell(4).value).toBe('Lyon 150 000 €');
  });

  test('When names hold bidi controls, Arabic, Hebrew and emoji, then the PDF shows every letter, right-to-left words in reading order, and no control', async () => {
    const dossier = await submittedDossier(app.repository, { name: TRICKED, content: { contact: CONTACT } });

    const bytes = await download(`/api/dossiers/${dossier.reference}.pdf`);
    // -raw: the words as drawn, left to right (pdftotext wraps each right-to-left word in U+202B … U+202C).
    const text = execFileSync('pdftotext', ['-raw', '-', '-'], { input: bytes })
      .toString('utf8')
      .replace(/[\u202b\u202c]/g, '');

    expect(text).toContain('Lyon 150 000 €');
    expect(text).not.toMatch(/[\u202a\u202d\u202e\u2066-\u2069\u200e\u200f]/);
    // Drawn left to right, a right-to-left run shows its last word first: « الأمل جمعية » reads « جمعية الأمل ».
    expect(text).toMatch(/Maison \S*الأمل|Maison \S*األمل/);
    expect(text).toMatch(/(الأمل|األمل) جمعية et שלום עמותת 😀/);
  });
});
