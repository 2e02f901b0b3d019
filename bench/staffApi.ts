// Staff API latency at 10,000 and 100,000 dossiers: the list with the filters prefecture staff use, and
// one dossier, over HTTP against the real server (child process, embedded database on a file).
import mongoose from 'mongoose';
import { openConnection, runningEmbeddedUri } from '../api/database';
import { StaffAccountRepository } from '../api/staff/staffRepository';
import { computeBudget } from '../knowledge/completeness';
import type { DossierStatus } from '../knowledge/schemes';
import { DossierSchema, type Dossier } from '../dossiers/dossierSchema';
import { printSection, sampleWithin, summarize, type BenchRow, type BenchSection } from './lib';
import { startBenchServer, type BenchServer } from './serverProcess';

const STAFF_SIZES = [10_000, 100_000] as const;
const STAFF_TARGET_P99_MS = 50;
const SAMPLES = 200;
/** A query type gets at most this long: a slow one still leaves the run within its budget. */
const SAMPLE_TIME_LIMIT_MS = 15_000;
const WARM_UP = 10;
const INSERT_BATCH = 1000;

const DEPARTEMENTS = [
  ...Array.from({ length: 95 }, (_, i) => String(i + 1).padStart(2, '0')).filter((code) => code !== '20'),
  '2A',
  '2B',
  '971',
  '972',
  '973',
  '974',
  '976',
];

/** Share of each status among the dossiers, as a year of activity might leave them. */
const STATUS_CYCLE: DossierStatus[] = ['draft', 'draft', 'submitted', 'submitted', 'under_review', 'under_review', 'changes_requested', 'accepted', 'accepted', 'rejected', 'withdrawn', 'draft', 'accepted', 'under_review', 'submitted', 'withdrawn', 'accepted', 'rejected', 'submitted', 'accepted'];

const DAY_MS = 24 * 3600 * 1000;
const EPOCH = Date.UTC(2024, 0, 1);

/** Deterministic pseudo-random numbers, so every run seeds the same dossiers. */
function random(seed: number): number {
  const x = Math.sin(seed * 12.9898 + 78.233) * 43758.5453;
  return x - Math.floor(x);
}

const applicant = { kind: 'applicant' as const, id: 'dl_bench' };
const instructeur = { kind: 'staff' as const, id: 'staff-bench', name: 'Instruction' };

/** A complete dossier in one of the statuses, shaped like those the chat leaves (two actions, two commitments). */
function benchDossier(i: number): Dossier {
  const status = STATUS_CYCLE[i % STATUS_CYCLE.length]!;
  const ctai = random(i) < 0.3;
  const departement = DEPARTEMENTS[Math.floor(random(i + 1) * DEPARTEMENTS.length)]!;
  const createdAt = new Date(EPOCH + Math.floor(random(i + 2) * 700) * DAY_MS + (i % 86_400) * 1000);
  const submitted = status !== 'draft' && !(status === 'withdrawn' && i % 2 === 0);
  const submittedAt = submitted ? new Date(createdAt.getTime() + 3 * DAY_MS) : undefined;
  const updatedAt = new Date(createdAt.getTime() + (submitted ? 10 : 1) * DAY_MS + (i % 1000) * 1000);
  const history: Dossier['history'] = [];
  if (submittedAt) history.push({ at: submittedAt, by: applicant, from: 'draft', to: 'submitted' });
  if (['under_review', 'changes_requested', 'accepted', 'rejected'].includes(status)) history.push({ at: new Date(submittedAt!.getTime() + DAY_MS), by: instructeur, from: 'submitted', to: 'under_review' });
  if (status === 'changes_requested' || status === 'accepted' || status === 'rejected') history.push({ at: updatedAt, by: instructeur, from: 'under_review', to: status });
  if (status === 'withdrawn') history.push({ at: updatedAt, by: applicant, from: submitted ? 'submitted' : 'draft', to: 'withdrawn' });
  const kind = ctai ? 'metropole' : 'commune';
  const name = ctai ? `Métropole de ${placeName(i)}` : `Commune de ${placeName(i)}`;
  const content = {
    scheme: ctai ? ('CTAI' as const) : ('PTAI' as const),
    collectivity: { name, kind: kind as 'metropole' | 'commune', departement, population: 1000 + Math.floor(random(i + 3) * 500_000) },
    contact: { name: 'Camille Martin', role: 'Chargée de mission', email: `contact${i}@collectivite.fr`, phone: '+33472000000' },
    approach: ctai ? ('strategy' as const) : ('targeted' as const),
    diagnostic: { status: 'done' as const, summary: 'Diagnostic conduit avec les acteurs locaux.' },
    ...(ctai ? { housingCommitted: true } : {}),
    fields: ctai ? (['housing', 'employment'] as const) : (['language'] as const),
    commitments: [
      { kind: 'cofinancing' as const, amountEuros: 10_000 + (i % 50) * 1000 },
      { kind: 'premises' as const, detail: 'Une salle, deux demi-journées par semaine', estimatedValueEuros: 5000 },
    ],
    actions: [
      { id: 'a1', title: 'Accompagnement vers le logement', field: ctai ? ('housing' as const) : ('language' as const), description: 'Des ateliers collectifs et un suivi individuel.', publics: ['bpi' as const], beneficiaries: 40, costEuros: 40_000, stateFundingEuros: 20_000, carrier: 'Association' },
      { id: 'a2', title: 'Cours de français', field: ctai ? ('employment' as const) : ('language' as const), description: 'Ateliers sociolinguistiques.', publics: ['primo_arrivants' as const], beneficiaries: 60, costEuros: 30_000, stateFundingEuros: 15_000, carrier: 'La collectivité' },
    ],
  };
  return {
    reference: `TI-2025-${String(i + 1).padStart(6, '0')}`,
    status,
    ...content,
    fields: [...content.fields],
    budget: computeBudget({ ...content, fields: [...content.fields] }),
    owner: { channel: 'webchat', userId: `dl_bench_${i}` },
    history,
    notes: [],
    attachments: [],
    ...(status === 'changes_requested' ? { changesRequested: { sections: ['actions' as const], reason: 'Précisez le budget des actions.' } } : {}),
    version: 3 + history.length,
    createdAt,
    updatedAt,
    ...(submittedAt ? { submittedAt } : {}),
  };
}

/** Pronounceable place names, several thousand of them, so a search by name finds a handful. */
function placeName(i: number): string {
  const a = ['Saint', 'Mont', 'Beau', 'Ville', 'Bourg', 'Roche', 'Val', 'Font', 'Pont', 'Bois'];
  const b = ['ar', 'el', 'on', 'ur', 'ix', 'ac', 'ey', 'ol', 'in', 'as', 'em', 'ou'];
  const c = ['dé', 'ne', 'rac', 'lieu', 'mont', 'ville', 'court', 'fort', 'champ', 'val', 'sur', 'bourg', 'mar', 'gny'];
  return `${a[i % 10]}-${b[Math.floor(i / 10) % 12]}${c[Math.floor(i / 120) % 14]}${Math.floor(i / 1680) % 60 === 0 ? '' : `-${['le', 'la', 'les', 'en'][Math.floor(i / 1680) % 4]}-${c[Math.floor(i / 6720) % 14]}`}`;
}

interface Seeded {
  connection: mongoose.Connection;
  close(): Promise<void>;
}

export async function connectToServerDatabase(server: BenchServer): Promise<Seeded> {
  const uri = runningEmbeddedUri(server.dataDir);
  if (!uri) throw new Error('The server did not publish its embedded database address');
  const database = await openConnection(uri, 'embedded', 10_000);
  return { connection: database.connection, close: () => database.close() };
}

export async function seed(connection: mongoose.Connection, from: number, to: number): Promise<void> {
  const collection = connection.collection('dossiers');
  for (let start = from; start < to; start += INSERT_BATCH) {
    const docs = Array.from({ length: Math.min(INSERT_BATCH, to - start) }, (_, k) => benchDossier(start + k));
    await collection.insertMany(docs);
  }
}

interface QueryCase {
  name: string;
  key: string;
  path: (size: number) => string;
}

const CASES: QueryCase[] = [
  { name: 'instructeur (69): list, default filters', key: 'instructeur', path: () => '/api/dossiers' },
  { name: 'instructeur (69): status=submitted', key: 'instructeur', path: () => '/api/dossiers?status=submitted' },
  { name: 'admin: list, no filter', key: 'admin', path: () => '/api/dossiers' },
  { name: 'admin: status=under_review&scheme=CTAI', key: 'admin', path: () => '/api/dossiers?status=under_review&scheme=CTAI' },
  { name: 'admin: departement=13,69&status=submitted,under_review', key: 'admin', path: () => '/api/dossiers?departement=13,69&status=submitted,under_review' },
  { name: 'admin: q=<collectivity name>', key: 'admin', path: () => `/api/dossiers?q=${encodeURIComponent('Beau-ardé')}` },
  { name: 'admin: page 20 (sort -updatedAt)', key: 'admin', path: () => '/api/dossiers?page=20' },
  { name: 'admin: sort=-submittedAt', key: 'admin', path: () => '/api/dossiers?sort=-submittedAt' },
];

async function getJson(url: string, key: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export interface StaffGrowthPoint {
  query: string;
  size: number;
  p50: number;
  p99: number;
}

async function measure(server: BenchServer, keys: Record<string, string>, size: number, rows: BenchRow[], references: string[], growth: StaffGrowthPoint[]): Promise<void> {
  const label = `${size / 1000}k`;
  const atTarget = size === 100_000;
  const addRows = (name: string, samples: number[], extra = ''): void => {
    const s = summarize(samples);
    growth.push({ query: name, size, p50: s.p50, p99: s.p99 });
    rows.push({ metric: `${label}: ${name} p50 (n=${s.n}${extra})`, value: s.p50, unit: 'ms' });
    rows.push(
      atTarget
        ? { metric: `${label}: ${name} p99`, value: s.p99, unit: 'ms', target: `< ${STAFF_TARGET_P99_MS} ms`, met: s.p99 < STAFF_TARGET_P99_MS }
        : { metric: `${label}: ${name} p99`, value: s.p99, unit: 'ms' },
    );
  };
  for (const query of CASES) {
    const url = `${server.url}${query.path(size)}`;
    const key = keys[query.key]!;
    let total = 0;
    await sampleWithin(WARM_UP, SAMPLE_TIME_LIMIT_MS / 5, async () => {
      total = Number((await getJson(url, key)).total);
    });
    const samples = await sampleWithin(SAMPLES, SAMPLE_TIME_LIMIT_MS, () => getJson(url, key));
    addRows(query.name, samples, `, total ${total.toLocaleString('en-US')}`);
  }
  const one = await sampleWithin(SAMPLES, SAMPLE_TIME_LIMIT_MS, (i) => getJson(`${server.url}/api/dossiers/${references[(i * 7919) % references.length]}`, keys.admin!));
  addRows('one dossier (GET /api/dossiers/:reference)', one);
}

export async function runStaffApiBench(): Promise<{ section: BenchSection; growth: StaffGrowthPoint[] }> {
  const rows: BenchRow[] = [];
  const growth: StaffGrowthPoint[] = [];
  // Rate limits are the product's defence, not its cost: lifted so the load generator is never refused.
  const server = await startBenchServer('product', { STAFF_RATE_LIMIT_PER_IP: '100000000', STAFF_RATE_LIMIT_PER_KEY: '100000000' });
  const database = await connectToServerDatabase(server);
  try {
    // Every seeded dossier passes the schema the API parses with; one of each status is checked here.
    for (let i = 0; i < STATUS_CYCLE.length; i += 1) DossierSchema.parse(benchDossier(i));
    const accounts = new StaffAccountRepository(database.connection);
    await accounts.init();
    const keys: Record<string, string> = {};
    for (const [key, role, departements] of [['admin', 'admin', []], ['instructeur', 'instructeur', ['69']]] as const) {
      const created = await accounts.create({ name: `Bench ${key}`, role, departements: [...departements] });
      if (!created.ok) throw new Error(`Could not create the ${key} account`);
      keys[key] = created.key;
    }
    let seeded = 0;
    for (const size of STAFF_SIZES) {
      const started = performance.now();
      await seed(database.connection, seeded, size);
      rows.push({ metric: `${size / 1000}k: seeding (insertMany x${INSERT_BATCH}, every index maintained)`, value: (size - seeded) / ((performance.now() - started) / 1000), unit: 'dossiers/s' });
      seeded = size;
      const visible = Array.from({ length: size }, (_, i) => benchDossier(i))
        .filter((dossier) => dossier.submittedAt !== undefined && dossier.status !== 'draft')
        .map((dossier) => dossier.reference);
      await measure(server, keys, size, rows, visible, growth);
    }
  } finally {
    await database.close();
    await server.stop();
  }
  return { section: { title: 'Staff API over HTTP (api/main.ts, embedded database on a file; one request at a time, 20 dossiers a page)', rows }, growth };
}

if (require.main === module) {
  runStaffApiBench().then((result) => printSection(result.section), (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
