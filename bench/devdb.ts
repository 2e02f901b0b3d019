// devdb benchmark: insert throughput and query latencies at 10,000 and 100,000 documents, through the real driver.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, type ObjectId } from 'mongodb';
import { startDevDb } from '../devdb';
import { printSection, sampleLatencies, summarize, type BenchRow, type BenchSection } from './lib';

const SIZES = [10_000, 100_000];
const BATCH = 1000;
const POINT_QUERIES = 500;
const TARGET_P99_MS = 2;
const WARM_UP = 200;

/** A document shaped like a dossier summary (~300 bytes). */
function buildDoc(i: number) {
  return {
    reference: `TI-2025-${String(i).padStart(6, '0')}`,
    email: `mairie${i}@commune.example.fr`,
    status: ['draft', 'submitted', 'under_review', 'accepted'][i % 4],
    collectivity: { name: `Commune ${i}`, departement: String(1 + (i % 95)).padStart(2, '0'), population: 500 + ((i * 7919) % 200_000) },
    fields: ['housing', 'language', 'employment'].slice(0, 1 + (i % 3)),
    createdAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000),
    serial: i,
  };
}

/** Deterministic pseudo-random indexes, so every run asks for the same documents. */
function picks(count: number, size: number): number[] {
  let state = 12345;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % size;
  });
}

async function benchSize(size: number): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-bench-'));
  const db = await startDevDb({ filename: path.join(dir, 'devdb.sqlite') });
  const client = await MongoClient.connect(db.uri('bench'));
  const label = size >= 1000 ? `${size / 1000}k` : String(size);
  try {
    const coll = client.db().collection('dossiers');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.createIndex({ status: 1, createdAt: -1 });

    const ids: ObjectId[] = [];
    const insertStarted = performance.now();
    for (let start = 0; start < size; start += BATCH) {
      const docs = Array.from({ length: Math.min(BATCH, size - start) }, (_, k) => buildDoc(start + k));
      const result = await coll.insertMany(docs);
      for (let k = 0; k < docs.length; k++) ids.push(result.insertedIds[k]!);
    }
    const insertSeconds = (performance.now() - insertStarted) / 1000;

    const pointPicks = picks(POINT_QUERIES, size);
    // Warm-up: let the JIT compile the query path before timing it.
    await sampleLatencies(WARM_UP, (i) => coll.findOne({ _id: ids[(i * 7) % size] }));
    await sampleLatencies(WARM_UP, (i) => coll.findOne({ email: `mairie${(i * 13) % size}@commune.example.fr` }));
    const byId = summarize(await sampleLatencies(POINT_QUERIES, (i) => coll.findOne({ _id: ids[pointPicks[i]!] })));
    const byEmail = summarize(await sampleLatencies(POINT_QUERIES, (i) => coll.findOne({ email: `mairie${pointPicks[i]}@commune.example.fr` })));
    // A full scan per query: fewer samples at the larger size keep the run within minutes.
    const scanQueries = size > 10_000 ? 20 : 100;
    const scanPicks = picks(scanQueries, size);
    const unindexed = summarize(await sampleLatencies(scanQueries, (i) => coll.findOne({ serial: scanPicks[i] })));

    // A staff-list-like page: two statuses, newest first, 20 at a time (index ranges merged in order), and its total.
    const page = (i: number) => coll.find({ status: { $in: ['submitted', 'accepted'] } }).sort({ createdAt: -1 }).skip((i % 5) * 20).limit(20).toArray();
    const total = () => coll.countDocuments({ status: { $in: ['submitted', 'accepted'] } });
    await sampleLatencies(WARM_UP / 10, page);
    const sortedPage = summarize(await sampleLatencies(POINT_QUERIES / 5, page));
    const counted = summarize(await sampleLatencies(POINT_QUERIES / 5, total));

    const checkTarget = size === 100_000;
    const latencyRows = (name: string, s: ReturnType<typeof summarize>, withTarget: boolean): BenchRow[] => [
      { metric: `${label}: ${name} p50 (n=${s.n})`, value: s.p50, unit: 'ms' },
      withTarget
        ? { metric: `${label}: ${name} p99`, value: s.p99, unit: 'ms', target: `< ${TARGET_P99_MS} ms`, met: s.p99 < TARGET_P99_MS }
        : { metric: `${label}: ${name} p99`, value: s.p99, unit: 'ms' },
    ];
    return [
      { metric: `${label}: insert throughput (insertMany x${BATCH})`, value: size / insertSeconds, unit: 'docs/s' },
      ...latencyRows('find by _id', byId, checkTarget),
      ...latencyRows('find by indexed field', byEmail, checkTarget),
      ...latencyRows('unindexed filter (full scan)', unindexed, false),
      ...latencyRows('sorted page on an index ($in, sort, skip, limit 20)', sortedPage, false),
      ...latencyRows(`count on an index (${(size / 2).toLocaleString('en-US')} matches)`, counted, false),
    ];
  } finally {
    await client.close();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function runDevDbBench(): Promise<BenchSection> {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const rows: BenchRow[] = [];
  for (const size of SIZES) rows.push(...(await benchSize(size)));
  // Latency tails depend on what else the machine runs: the load average goes with the figures.
  return { title: `devdb (file-backed, WAL, synchronous=FULL; official driver over loopback; load average before: ${load})`, rows };
}

if (require.main === module) {
  runDevDbBench().then(printSection, (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
