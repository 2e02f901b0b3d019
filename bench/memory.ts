// Resident memory of the real server (api/main.ts as a child process, embedded database on a file)
// after 500 and 1,000 whole applications through the Direct Line endpoint, read from /proc.
import { ptaiJourney } from './journeys';
import { runJourneys } from './journeyRunner';
import { printSection, type BenchRow, type BenchSection } from './lib';
import { startBenchServer, type BenchServer } from './serverProcess';
import { sessionFactory } from './turns';

const MEMORY_TARGET_MB = 300;
/** "Not growing": the second 500 conversations may add at most this share to the resident memory. */
const MEMORY_GROWTH_TARGET = 0.1;
const CONVERSATIONS_PER_STEP = 500;
const CONCURRENCY = 20;
const STEP_TIME_LIMIT_MS = 240_000;
const SAMPLE_EVERY_MS = 2000;
const SETTLE_LIMIT_MS = 60_000;
const STILL_SAMPLES = 6;

/**
 * The resident memory the server keeps once the conversations are over. Under load V8 lets its heap
 * grow to a few times the live data and gives the pages back when the process idles (its memory
 * reducer, after some 30-40 s): wait for that drop, then for the figure to hold still, at most a minute.
 */
async function settledRss(server: BenchServer, underLoad: number): Promise<{ rss: number; seconds: number }> {
  const started = performance.now();
  const samples: number[] = [];
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
    samples.push(server.rssMb());
    // Still for 10 s: the reducer works in rounds a few seconds apart.
    const last = samples.slice(-STILL_SAMPLES);
    const still = last.length === STILL_SAMPLES && Math.max(...last) - Math.min(...last) < 3;
    const dropped = last.at(-1)! < underLoad * 0.85;
    if ((still && dropped) || performance.now() - started > SETTLE_LIMIT_MS) return { rss: samples.at(-1)!, seconds: (performance.now() - started) / 1000 };
  }
}

export async function runMemoryBench(): Promise<BenchSection> {
  const server = await startBenchServer('product');
  const rows: BenchRow[] = [];
  try {
    const atStart = server.rssMb();
    rows.push({ metric: 'resident memory after start-up', value: atStart, unit: 'MB' });
    const settled: number[] = [];
    let errors = 0;
    let turns = 0;
    for (let step = 1; step <= 2; step += 1) {
      const run = await runJourneys({
        journeys: CONVERSATIONS_PER_STEP,
        concurrency: CONCURRENCY,
        // Whole PTAI applications (24 turns each): the most conversations a few minutes allow.
        journeyOf: (n) => ptaiJourney(n + (step - 1) * CONVERSATIONS_PER_STEP),
        newSession: sessionFactory('directline', server.url),
        checkReplies: true,
        timeLimitMs: STEP_TIME_LIMIT_MS,
      });
      errors += run.errors.length;
      turns += run.turns;
      const completed = run.played.filter((played) => played.completed).length;
      const conversations = step * CONVERSATIONS_PER_STEP;
      const underLoad = server.rssMb();
      const after = await settledRss(server, underLoad);
      settled.push(after.rss);
      rows.push({ metric: `${conversations} conversations (${completed}/${CONVERSATIONS_PER_STEP} of this step completed): resident memory at the end of the load`, value: underLoad, unit: 'MB' });
      const row: BenchRow = { metric: `${conversations} conversations: resident memory once idle (${after.seconds.toFixed(0)} s later)`, value: after.rss, unit: 'MB' };
      if (step === 2) Object.assign(row, { target: `< ${MEMORY_TARGET_MB} MB`, met: after.rss < MEMORY_TARGET_MB && completed === CONVERSATIONS_PER_STEP });
      rows.push(row);
    }
    const growth = (settled[1]! - settled[0]!) / settled[0]!;
    rows.push({ metric: 'growth of the idle figure from 500 to 1,000 conversations', value: growth * 100, unit: '%', target: `≤ ${MEMORY_GROWTH_TARGET * 100} %`, met: growth <= MEMORY_GROWTH_TARGET });
    rows.push({ metric: `errors over the ${turns.toLocaleString('en-US')} turns`, value: errors, unit: 'errors', target: '0', met: errors === 0 });
  } finally {
    await server.stop();
  }
  return { title: `Memory of the server (api/main.ts; Direct Line, ${CONCURRENCY} officials at once, whole applications; resident set read from /proc)`, rows };
}

if (require.main === module) {
  runMemoryBench().then(printSection, (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
