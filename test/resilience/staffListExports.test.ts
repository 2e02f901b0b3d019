// F6: one instructeur must not stall the service. The staff list pages by an opaque cursor (keyset),
// which never repeats nor misses a dossier when others arrive between pages; exports are streamed
// while the database is still being read, and one account runs at most STAFF_EXPORTS_PER_KEY at once.
import http from 'node:http';
import { once } from 'node:events';
import { dossierModel } from '../../dossiers/dossierModel';
import type { Dossier } from '../../dossiers/dossierSchema';
import { CommitmentKindSchema, IntegrationFieldSchema } from '../../knowledge/schemes';
import { buildDossier } from '../dossiers/buildDossier';
import { startTestApp, type TestApp } from '../support/testApp';
import { call, errorCode, staffKey } from '../api/staffApiSupport';

let app: TestApp;
let admin: string;
let lyon: string;

beforeAll(async () => {
  app = await startTestApp({ staffApi: { exportsPerStaff: 1 } });
  admin = await staffKey(app.staffAccounts, 'admin');
  lyon = await staffKey(app.staffAccounts, 'instructeur', ['69']);
});

beforeEach(async () => {
  await dossierModel(app.database.connection).deleteMany({});
});

afterAll(async () => {
  await app.close();
});

const BASE = Date.UTC(2026, 2, 1);

/** A submitted dossier with the given number, updated `minutes` after the base date (several share a minute: ties). */
function stored(n: number, minutes: number, departement = '69', fat = false): Dossier {
  const long = (label: string) => `${label} ${'x'.repeat(190)}`.slice(0, 200);
  const base = buildDossier();
  return {
    ...base,
    reference: `TI-2026-${String(n).padStart(5, '0')}`,
    status: 'submitted',
    owner: { channel: 'webchat', userId: `applicant-${n}` },
    collectivity: { ...base.collectivity, departement, ...(fat ? { name: long(`Commune ${n}`) } : {}) },
    ...(fat
      ? {
          contact: { ...base.contact, name: long('Contact'), role: long('Fonction') },
          fields: [...IntegrationFieldSchema.options],
          commitments: CommitmentKindSchema.options.map((kind) => ({ kind, detail: 'Détail' })),
        }
      : {}),
    history: [{ at: new Date(BASE), by: { kind: 'applicant', id: `applicant-${n}` }, from: 'draft', to: 'submitted' }],
    version: 3,
    createdAt: new Date(BASE - 86_400_000),
    submittedAt: new Date(BASE + (n % 7) * 60_000),
    updatedAt: new Date(BASE + minutes * 60_000),
  };
}

async function insert(dossiers: Dossier[]): Promise<void> {
  await dossierModel(app.database.connection).collection.insertMany(dossiers.map((d) => ({ ...d })));
}

type Page = { items: Array<{ reference: string }>; nextCursor: string | null; total: number; page?: number };

/** Walks the list by cursor; `between` runs after each page. */
async function walk(query: string, key: string, between: (pageIndex: number) => Promise<void> = async () => undefined): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null | undefined;
  for (let pageIndex = 0; pageIndex < 100; pageIndex += 1) {
    const response = await call(app.url, `/api/dossiers?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key });
    expect(response.status).toBe(200);
    const page = response.body as unknown as Page;
    seen.push(...page.items.map((item) => item.reference));
    cursor = page.nextCursor;
    if (!cursor) return seen;
    await between(pageIndex);
  }
  throw new Error('The cursor never ended');
}

describe('GET /api/dossiers?cursor=…', () => {
  test('When dossiers arrive while staff walk the list by cursor (default sort, ties on updatedAt), then every dossier is seen exactly once', async () => {
    // 30 dossiers on 8 distinct minutes: pages end in the middle of ties.
    await insert(Array.from({ length: 30 }, (_, i) => stored(i + 1, Math.floor(i / 4))));

    const seen = await walk('limit=4', admin, async (pageIndex) => {
      // Newer dossiers go to the top of the list, before the cursor; one goes in the middle of the rest.
      if (pageIndex === 1) await insert([stored(101, 100), stored(102, 100), stored(103, 2)]);
    });

    expect(new Set(seen).size).toBe(seen.length);
    for (let n = 1; n <= 30; n += 1) expect(seen).toContain(`TI-2026-${String(n).padStart(5, '0')}`);
  });

  test('When sorted by reference or by -submittedAt, then the cursor walks in that order, new dossiers after the cursor included', async () => {
    await insert(Array.from({ length: 17 }, (_, i) => stored(i + 1, i)));

    const byReference = await walk('limit=5&sort=reference', admin, async (pageIndex) => {
      if (pageIndex === 0) await insert([stored(50, 1), stored(51, 1)]);
    });
    expect(byReference).toEqual([...byReference].sort());
    expect(byReference).toHaveLength(19);
    expect(byReference.slice(-2)).toEqual(['TI-2026-00050', 'TI-2026-00051']);

    const bySubmission = await walk('limit=3&sort=-submittedAt', admin);
    expect(new Set(bySubmission).size).toBe(19);
  });

  test('When an instructeur walks by cursor, then only their départements come, and the first page says page 1 while cursor pages do not', async () => {
    await insert([...Array.from({ length: 6 }, (_, i) => stored(i + 1, i, '69')), ...Array.from({ length: 6 }, (_, i) => stored(i + 11, i, '13'))]);

    const first = await call(app.url, '/api/dossiers?limit=4', { key: lyon });
    expect(first.body).toMatchObject({ total: 6, page: 1, limit: 4 });
    const next = await call(app.url, `/api/dossiers?limit=4&cursor=${String(first.body.nextCursor)}`, { key: lyon });
    expect(next.body.page).toBeUndefined();
    expect(next.body.nextCursor).toBeNull();
    expect(await walk('limit=4', lyon)).toHaveLength(6);
  });

  test('When the cursor is damaged, made for another sort, or sent with page, then the answer is a 400 in French', async () => {
    await insert(Array.from({ length: 3 }, (_, i) => stored(i + 1, i)));
    const first = await call(app.url, '/api/dossiers?limit=1', { key: admin });
    const cursor = String(first.body.nextCursor);

    const damaged = await call(app.url, '/api/dossiers?cursor=n0t-a-curs0r', { key: admin });
    const otherSort = await call(app.url, `/api/dossiers?sort=reference&cursor=${cursor}`, { key: admin });
    const both = await call(app.url, `/api/dossiers?page=2&cursor=${cursor}`, { key: admin });

    expect([damaged.status, errorCode(damaged)]).toEqual([400, 'INVALID_CURSOR']);
    expect([otherSort.status, errorCode(otherSort)]).toEqual([400, 'INVALID_CURSOR']);
    expect((otherSort.body.error as { message: string }).message).toContain('sort=-updatedAt');
    expect([both.status, errorCode(both)]).toEqual([400, 'PAGE_AND_CURSOR']);
  });
});

interface OpenDownload {
  status: number;
  headers: http.IncomingHttpHeaders;
  response: http.IncomingMessage;
  request: http.ClientRequest;
  /** The bytes received so far. */
  received: Buffer[];
}

/** Starts a download and stops reading after its first chunk: the server must then wait for the client. */
async function startPaused(path: string, key: string): Promise<OpenDownload> {
  const request = http.get(`${app.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const [response] = (await once(request, 'response')) as [http.IncomingMessage];
  const received: Buffer[] = [];
  // One listener for the whole body: chunks emitted before the pause are kept too.
  const firstChunk = new Promise<void>((resolve) => {
    response.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (received.length === 1) {
        response.pause();
        resolve();
      }
    });
  });
  await firstChunk;
  return { status: response.statusCode ?? 0, headers: response.headers, response, request, received };
}

async function readRest(download: OpenDownload): Promise<string> {
  download.response.resume();
  await once(download.response, 'end');
  return Buffer.concat(download.received).toString('utf8');
}

describe('Exports under load', () => {
  const ROWS = 6000;

  test('When an export is under way, then its rows come while the database is still read, and a second export by the same account is refused with 429', async () => {
    // 6,000 wide rows (some 9 MB of CSV): more than the loopback buffers hold, so a client that stops reading holds the server.
    const dossiers = Array.from({ length: ROWS }, (_, i) => stored(i + 1, i % 50, i % 2 === 0 ? '69' : '13', true));
    for (let i = 0; i < dossiers.length; i += 1000) await insert(dossiers.slice(i, i + 1000));

    const first = await startPaused('/api/dossiers/export.csv?sort=reference', admin);
    expect(first.status).toBe(200);
    // Inserted after the first bytes went out: a streamed export, still reading, reaches it (sorted last).
    await insert([stored(99_999, 1, '69')]);

    const second = await call(app.url, '/api/dossiers/export.xlsx', { key: admin });
    expect(second.status).toBe(429);
    expect(errorCode(second)).toBe('EXPORTS_IN_PROGRESS');
    expect(second.headers.get('retry-after')).toBe('10');
    expect((second.body.error as { message: string }).message).toMatch(/^Vous avez déjà un export en cours/);

    // The cap is per account: another agent exports meanwhile.
    const other = await call(app.url, '/api/dossiers/export.csv?q=Commune%201234', { key: lyon });
    expect(other.status).toBe(200);

    const text = await readRest(first);
    const lines = text.slice(1).split('\r\n').filter((line) => line !== '');
    expect(lines).toHaveLength(ROWS + 2);
    expect(lines.at(-1)).toMatch(/^TI-2026-99999;/);
    expect(new Set(lines.map((line) => line.split(';')[0])).size).toBe(ROWS + 2);

    // Finished: the slot is free again.
    const after = await call(app.url, '/api/dossiers/export.csv?departement=01', { key: admin });
    expect(after.status).toBe(200);
  }, 120_000);

  test('When a client abandons an export half way, then its slot is freed and the account can export again', async () => {
    const dossiers = Array.from({ length: ROWS }, (_, i) => stored(i + 1, i % 50, '69', true));
    for (let i = 0; i < dossiers.length; i += 1000) await insert(dossiers.slice(i, i + 1000));

    const abandoned = await startPaused('/api/dossiers/export.csv', admin);
    expect(abandoned.status).toBe(200);
    expect((await call(app.url, '/api/dossiers/export.csv', { key: admin })).status).toBe(429);
    abandoned.request.destroy();

    let status = 0;
    // The server learns of the closed connection at its next write: give a loaded machine some time.
    const deadline = Date.now() + 30_000;
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await call(app.url, '/api/dossiers/export.csv?departement=01', { key: admin })).status;
    }
    expect(status).toBe(200);
  }, 120_000);
});
