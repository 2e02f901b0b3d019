// The staff list and exports at 100,000 dossiers, over HTTP against the real server (child process,
// embedded database on a file): pages by cursor against deep `page` skips, /healthz while one
// instructeur sends 20 list calls at once, CSV and XLSX exports of every visible dossier (time to the
// first byte, whole time, the server's peak resident memory) and the cap on concurrent exports.
import { StaffAccountRepository } from '../api/staff/staffRepository';
import { printSection, sampleWithin, summarize, type BenchRow, type BenchSection } from './lib';
import { startBenchServer, type BenchServer } from './serverProcess';
import { connectToServerDatabase, seed } from './staffApi';

const SIZE = 100_000;
const PAGE_LIMIT = 100;
/** A page this deep skips 49,900 dossiers. */
const DEEP_PAGE = 500;
const SAMPLE_TIME_LIMIT_MS = 15_000;
/** The cursor walk stops after this long even if the list is not done. */
const WALK_TIME_LIMIT_MS = 30_000;
const CONCURRENT_LISTS = 20;
const CONCURRENCY_TIME_MS = 5000;
const EXPORT_RUNS = 2;
const EXPORT_TIME_LIMIT_MS = 150_000;
const RSS_EVERY_MS = 20;

interface Exported {
  status: number;
  firstByteMs: number;
  totalMs: number;
  bytes: number;
}

async function download(url: string, key: string): Promise<Exported> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  let firstByteMs = Number.NaN;
  let bytes = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (Number.isNaN(firstByteMs)) firstByteMs = performance.now() - started;
    bytes += value.byteLength;
  }
  return { status: response.status, firstByteMs, totalMs: performance.now() - started, bytes };
}

async function getJson(url: string, key: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

/** The server's resident memory sampled while `work` runs: the highest figure, in MB. */
async function peakRss<T>(server: BenchServer, work: () => Promise<T>): Promise<{ result: T; peakMb: number; beforeMb: number }> {
  const beforeMb = server.rssMb();
  let peakMb = beforeMb;
  const timer = setInterval(() => {
    peakMb = Math.max(peakMb, server.rssMb());
  }, RSS_EVERY_MS);
  try {
    const result = await work();
    peakMb = Math.max(peakMb, server.rssMb());
    return { result, peakMb, beforeMb };
  } finally {
    clearInterval(timer);
  }
}

function latencyRows(rows: BenchRow[], name: string, samples: number[], extra = ''): void {
  const s = summarize(samples);
  rows.push({ metric: `${name} p50 (n=${s.n}${extra})`, value: s.p50, unit: 'ms' });
  rows.push({ metric: `${name} p99`, value: s.p99, unit: 'ms' });
}

async function listFigures(server: BenchServer, key: string, rows: BenchRow[]): Promise<void> {
  const base = `${server.url}/api/dossiers?limit=${PAGE_LIMIT}`;
  latencyRows(rows, 'list, first page (limit 100)', await sampleWithin(100, SAMPLE_TIME_LIMIT_MS, () => getJson(base, key)));
  latencyRows(rows, `list, page=${DEEP_PAGE} (skip ${((DEEP_PAGE - 1) * PAGE_LIMIT).toLocaleString('en-US')})`, await sampleWithin(50, SAMPLE_TIME_LIMIT_MS, () => getJson(`${base}&page=${DEEP_PAGE}`, key)));

  // The whole list by cursor, page after page, checking that no dossier comes twice.
  const first = await getJson(base, key);
  if (first.body.nextCursor === undefined) {
    rows.push({ metric: 'list by cursor: not offered (no nextCursor in the answer)', value: Number.NaN, unit: '' });
  } else {
    const seen = new Set<string>();
    const samples: number[] = [];
    let duplicates = 0;
    let cursor = first.body.nextCursor as string | null;
    for (const item of first.body.items as Array<{ reference: string }>) seen.add(item.reference);
    const deadline = performance.now() + WALK_TIME_LIMIT_MS;
    while (cursor && performance.now() < deadline) {
      const started = performance.now();
      const page = await getJson(`${base}&cursor=${encodeURIComponent(cursor)}`, key);
      samples.push(performance.now() - started);
      if (page.status !== 200) throw new Error(`The cursor page answered ${page.status}: ${JSON.stringify(page.body).slice(0, 300)}`);
      for (const item of page.body.items as Array<{ reference: string }>) {
        if (seen.has(item.reference)) duplicates += 1;
        seen.add(item.reference);
      }
      cursor = page.body.nextCursor as string | null;
    }
    latencyRows(rows, 'list by cursor, every page of the whole list', samples, `, ${seen.size.toLocaleString('en-US')} of ${Number(first.body.total).toLocaleString('en-US')} dossiers${cursor ? ', stopped at the time limit' : ''}`);
    rows.push({ metric: 'list by cursor: dossiers seen twice', value: duplicates, unit: 'dossiers', target: '0', met: duplicates === 0 });
  }

  // One instructeur sending 20 deep list calls at once, again and again; /healthz asked meanwhile.
  const health: number[] = [];
  let stop = false;
  let lists = 0;
  const hammer = Array.from({ length: CONCURRENT_LISTS }, async () => {
    while (!stop) {
      await getJson(`${base}&page=${DEEP_PAGE}`, key);
      lists += 1;
    }
  });
  const until = performance.now() + CONCURRENCY_TIME_MS;
  while (performance.now() < until) {
    const started = performance.now();
    await fetch(`${server.url}/healthz`).then((response) => response.text());
    health.push(performance.now() - started);
  }
  stop = true;
  await Promise.all(hammer);
  latencyRows(rows, `/healthz while ${CONCURRENT_LISTS} deep list calls run at once`, health, `, ${lists} list calls served`);
}

async function exportFigures(server: BenchServer, key: string, rows: BenchRow[], visible: number): Promise<void> {
  for (const [format, runs] of [['csv', EXPORT_RUNS], ['xlsx', 1]] as const) {
    for (const [label, query] of [
      ['5 départements (under the old 5,000 cap)', '?departement=01,02,03,04,05'],
      [`all ${visible.toLocaleString('en-US')} visible`, ''],
    ] as const) {
      const url = `${server.url}/api/dossiers/export.${format}${query}`;
      const results: Exported[] = [];
      const { peakMb, beforeMb } = await peakRss(server, async () => {
        const deadline = performance.now() + EXPORT_TIME_LIMIT_MS;
        for (let i = 0; i < runs && performance.now() < deadline; i += 1) results.push(await download(url, key));
      });
      const ok = results.filter((r) => r.status === 200);
      const name = `export ${format.toUpperCase()}, ${label}`;
      if (ok.length === 0) {
        rows.push({ metric: `${name}: refused (HTTP ${results[0]?.status ?? '?'})`, value: Number.NaN, unit: '' });
        continue;
      }
      const total = summarize(ok.map((r) => r.totalMs));
      const first = summarize(ok.map((r) => r.firstByteMs));
      rows.push({ metric: `${name}: whole download p50 (n=${total.n}, ${(ok[0]!.bytes / 1e6).toFixed(1)} MB)`, value: total.p50, unit: 'ms' });
      rows.push({ metric: `${name}: whole download p99`, value: total.p99, unit: 'ms' });
      rows.push({ metric: `${name}: first byte p50`, value: first.p50, unit: 'ms' });
      rows.push({ metric: `${name}: server peak RSS (${beforeMb.toFixed(0)} MB before)`, value: peakMb, unit: 'MB' });
    }
  }
  // Three exports at once by the same account: those beyond the cap are refused at once.
  const statuses = await Promise.all(Array.from({ length: 3 }, () => download(`${server.url}/api/dossiers/export.csv`, key).then((r) => r.status)));
  rows.push({ metric: `3 exports at once by one account: answers ${statuses.sort().join(', ')}`, value: statuses.filter((s) => s === 429).length, unit: 'refused (429)' });
}

/** The section's rows, each also printed to stderr as soon as measured: a run cut short still tells what it saw. */
function progressRows(): BenchRow[] {
  const rows: BenchRow[] = [];
  const push = rows.push.bind(rows);
  rows.push = (...added: BenchRow[]): number => {
    for (const row of added) console.error(`  exports: ${row.metric}: ${row.value.toFixed(1)} ${row.unit}`);
    return push(...added);
  };
  return rows;
}

export async function runStaffExportsBench(): Promise<BenchSection> {
  const rows = progressRows();
  const server = await startBenchServer('product', { STAFF_RATE_LIMIT_PER_IP: '100000000', STAFF_RATE_LIMIT_PER_KEY: '100000000' });
  const database = await connectToServerDatabase(server);
  try {
    const accounts = new StaffAccountRepository(database.connection);
    await accounts.init();
    const created = await accounts.create({ name: 'Bench admin', role: 'admin', departements: [] });
    if (!created.ok) throw new Error('Could not create the admin account');
    const started = performance.now();
    await seed(database.connection, 0, SIZE);
    rows.push({ metric: `seeding ${SIZE.toLocaleString('en-US')} dossiers`, value: (performance.now() - started) / 1000, unit: 's' });
    const visible = Number((await getJson(`${server.url}/api/dossiers?limit=1`, created.key)).body.total);
    await listFigures(server, created.key, rows);
    await exportFigures(server, created.key, rows, visible);
  } finally {
    await database.close();
    await server.stop();
  }
  return { title: `Staff list and exports at ${SIZE.toLocaleString('en-US')} dossiers (api/main.ts, embedded database on a file; admin account, 100 dossiers a page)`, rows };
}

if (require.main === module) {
  runStaffExportsBench().then(printSection, (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
