// The back-office list's exports (/instruction/export.csv, /instruction/export.xlsx): with the session cookie,
// what the list shows under its tab, filters and search, in the agent's départements only.
import ExcelJS from 'exceljs';
import { dossierModel } from '../../dossiers/dossierModel';
import { startTestApp, type TestApp } from '../support/testApp';
import { CookieClient, createAgent, type TestAgent } from './instructionSupport';
import { submittedDossier, valueOf } from './staffApiSupport';

let app: TestApp;
let lyon: TestAgent;
let admin: TestAgent;

beforeAll(async () => {
  app = await startTestApp({ staffApi: { clock: () => new Date('2026-03-10T08:00:00Z'), exportsPerStaff: 1 } });
  lyon = await createAgent(app.staffAccounts, { departements: ['69'] });
  admin = await createAgent(app.staffAccounts, { role: 'admin' });
});

beforeEach(async () => {
  await dossierModel(app.database.connection).deleteMany({});
});

afterAll(async () => {
  await app.close();
});

async function signedIn(agent: TestAgent): Promise<CookieClient> {
  const client = new CookieClient(app.url);
  const response = await client.signIn(agent.email, agent.password);
  expect(response.status).toBe(303);
  return client;
}

async function download(client: CookieClient, path: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const response = await fetch(`${app.url}${path}`, { headers: { cookie }, redirect: 'manual' });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

function csvRows(bytes: Buffer): Array<Record<string, string>> {
  const [header = '', ...lines] = bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n').filter((line) => line !== '');
  const names = header.split(';');
  return lines.map((line) => Object.fromEntries(line.split(';').map((value, index) => [names[index] ?? String(index), value])));
}

/** Three dossiers in the Rhône (one in review) and one in the Bouches-du-Rhône with the same name. */
async function fourDossiers() {
  const lyonSubmitted = await submittedDossier(app.repository, { departement: '69', name: 'Métropole de Lyon' });
  const villeurbanne = await submittedDossier(app.repository, { departement: '69', name: 'Villeurbanne' });
  const inReview = await submittedDossier(app.repository, { departement: '69', name: 'Vaulx-en-Velin' });
  valueOf(await app.repository.transition(inReview.reference, inReview.version, { to: 'under_review', by: { role: 'instructeur', id: lyon.account.id, name: 'Agent' } }));
  const marseille = await submittedDossier(app.repository, { departement: '13', name: 'Métropole de Lyon (copie marseillaise)' });
  return { lyonSubmitted, villeurbanne, inReview, marseille };
}

describe('The list page links to its exports', () => {
  test('When an agent filters the list, then the « Exporter en CSV » and « Exporter en XLSX » links carry the tab, the search and the sort', async () => {
    const client = await signedIn(lyon);

    const page = await client.get('/instruction/?onglet=a-examiner&recherche=Lyon&tri=reference&page=2');

    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/instruction/export.csv?onglet=a-examiner&amp;recherche=Lyon&amp;tri=reference" download aria-describedby="ti-exports-hint">Exporter en CSV</a>');
    expect(page.text).toContain('href="/instruction/export.csv?onglet=a-examiner&amp;recherche=Lyon&amp;tri=reference&amp;detail=actions"');
    expect(page.text).toMatch(/href="\/instruction\/export\.xlsx\?onglet=a-examiner&amp;recherche=Lyon&amp;tri=reference" download[^>]*>Exporter en XLSX/);
  });
});

describe('GET /instruction/export.csv', () => {
  test('When an agent exports the « À examiner » tab with a search, then the CSV has exactly the dossiers the list shows, never another département’s', async () => {
    const { lyonSubmitted } = await fourDossiers();
    const client = await signedIn(lyon);

    const { status, headers, bytes } = await download(client, '/instruction/export.csv?onglet=a-examiner&recherche=Lyon');

    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(headers.get('content-disposition')).toBe('attachment; filename="dossiers-2026-03-10.csv"');
    expect(csvRows(bytes).map((row) => row['Référence'])).toEqual([lyonSubmitted.reference]);
  });

  test('When an agent exports a tab without search, then the rows are the tab’s, in the list’s sort, in their départements only', async () => {
    const { lyonSubmitted, villeurbanne, inReview, marseille } = await fourDossiers();
    const client = await signedIn(lyon);

    const submitted = csvRows((await download(client, '/instruction/export.csv?onglet=a-examiner&tri=reference')).bytes).map((row) => row['Référence']);
    const review = csvRows((await download(client, '/instruction/export.csv?onglet=en-instruction')).bytes);

    expect(submitted).toEqual([lyonSubmitted.reference, villeurbanne.reference].sort());
    expect(submitted).not.toContain(marseille.reference);
    expect(review.map((row) => [row['Référence'], row.Statut])).toEqual([[inReview.reference, 'En instruction']]);
  });

  test('When an agent asks for the actions detail, then the CSV has one row per action of the filtered dossiers', async () => {
    const { lyonSubmitted } = await fourDossiers();
    const client = await signedIn(lyon);

    const rows = csvRows((await download(client, '/instruction/export.csv?onglet=a-examiner&recherche=Lyon&detail=actions')).bytes);

    expect(rows.map((row) => row['Référence du dossier'])).toEqual([lyonSubmitted.reference, lyonSubmitted.reference]);
    expect(rows.map((row) => row.Action)).toEqual(lyonSubmitted.actions.map((action) => action.title));
  });

  test('When an agent asks for another département by the query string, then nothing of it is exported', async () => {
    await fourDossiers();
    const client = await signedIn(lyon);

    const rows = csvRows((await download(client, '/instruction/export.csv?onglet=a-examiner&departement=13')).bytes);

    expect(rows).toEqual([]);
  });

  test('When nobody is signed in, then the export redirects to the sign-in page and sends no file', async () => {
    await fourDossiers();

    const response = await fetch(`${app.url}/instruction/export.csv?onglet=a-examiner`, { redirect: 'manual' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/instruction/connexion?retour=${encodeURIComponent('/instruction/export.csv?onglet=a-examiner')}`);
    expect(response.headers.get('content-disposition')).toBeNull();
  });

  test('When an account already runs as many exports as allowed (staff API included), then one more answers 429 with Retry-After', async () => {
    for (let index = 0; index < 3; index += 1) await submittedDossier(app.repository, { departement: '69' });
    const client = await signedIn(lyon);
    const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    // A download that is started and not read keeps its slot (the cap is 1 here).
    const controller = new AbortController();
    const held = await fetch(`${app.url}/instruction/export.xlsx?onglet=a-examiner`, { headers: { cookie }, signal: controller.signal });
    expect(held.status).toBe(200);

    const refused = await download(client, '/instruction/export.csv?onglet=a-examiner');

    controller.abort();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(refused.bytes.toString('utf8')).toContain('export en cours');
  });
});

describe('GET /instruction/export.xlsx', () => {
  test('When an agent exports a filtered tab to XLSX, then the « Dossiers » and « Actions » sheets hold that tab’s dossiers and their actions', async () => {
    const { inReview } = await fourDossiers();
    const client = await signedIn(lyon);

    const { status, headers, bytes } = await download(client, '/instruction/export.xlsx?onglet=en-instruction');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const column = (sheetName: string, header: string) => {
      const sheet = workbook.getWorksheet(sheetName);
      const headers = (sheet?.getRow(1).values as unknown[]).slice(1);
      const rows: unknown[] = [];
      sheet?.eachRow((row, index) => {
        if (index > 1) rows.push((row.values as unknown[]).slice(1)[headers.indexOf(header)]);
      });
      return rows;
    };

    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('spreadsheetml');
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Dossiers', 'Actions']);
    expect(column('Dossiers', 'Référence')).toEqual([inReview.reference]);
    expect(column('Actions', 'Référence du dossier')).toEqual([inReview.reference, inReview.reference]);
  });

  test('When an admin exports with a département filter, then only that département is in the file', async () => {
    const { marseille } = await fourDossiers();
    const client = await signedIn(admin);

    const { bytes } = await download(client, '/instruction/export.xlsx?onglet=a-examiner&departement=13');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);

    expect(workbook.getWorksheet('Dossiers')?.rowCount).toBe(2);
    expect(workbook.getWorksheet('Dossiers')?.getRow(2).getCell(1).value).toBe(marseille.reference);
  });
});
