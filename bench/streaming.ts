// What the official feels in the web widget: from the send to the bot's reply received by a Web Chat-like
// client, replies pushed on the WebSocket stream against Web Chat's fallback of polling every second, with
// 1, 20 and 100 officials typing at once, both in the same run on the same server.
import { WebChatSession, type ReceiveMode } from './chatClients';
import { ptaiJourney } from './journeys';
import { runJourneys, type RunResult } from './journeyRunner';
import { printSection, summarize, type BenchRow, type BenchSection } from './lib';
import { startBenchServer, type BenchServer } from './serverProcess';

const OFFICIALS = [1, 20, 100] as const;
/** One official plays three applications, so that the level has enough turns for a p99. */
const JOURNEYS_AT: Record<number, number> = { 1: 3, 20: 20, 100: 100 };
/** Officials pause about a second (±50 %) before each message: the server is not saturated, the wait is the channel's. */
const THINK_TIME_MS = 1000;
const POLL_INTERVAL_MS = 1000;
const TARGET_OFFICIALS = 20;
const TARGET_P50_MS = 100;
const RUN_TIME_LIMIT_MS = 120_000;

let addresses = 0;

async function play(server: BenchServer, mode: ReceiveMode, officials: number): Promise<RunResult> {
  const result = await runJourneys({
    journeys: JOURNEYS_AT[officials]!,
    concurrency: officials,
    journeyOf: ptaiJourney,
    newSession: () => {
      addresses += 1;
      // Each official behind their own address: the anonymous token limit is per address.
      return new WebChatSession(server.url, `10.200.${(addresses >> 8) & 255}.${addresses & 255}`, mode, POLL_INTERVAL_MS);
    },
    checkReplies: true,
    thinkMs: THINK_TIME_MS,
    timeLimitMs: RUN_TIME_LIMIT_MS,
  });
  for (const { session } of result.played) (session as WebChatSession).close();
  return result;
}

export async function runStreamingBench(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const server = await startBenchServer('product');
  try {
    // Warm-up: JIT and the first index pages.
    await play(server, 'stream', 1);
    for (const officials of OFFICIALS) {
      for (const mode of ['stream', 'poll'] as const) {
        const run = await play(server, mode, officials);
        for (const error of run.errors.slice(0, 3)) console.error(`  ${mode}, ${officials} officials: ${error}`);
        const s = summarize(run.latencies);
        const label = `${mode === 'stream' ? 'streaming (WebSocket)' : `polling every ${POLL_INTERVAL_MS / 1000} s`}, ${officials} official${officials > 1 ? 's' : ''}`;
        const p50Row: BenchRow = { metric: `${label}: send → reply received, p50`, value: s.p50, unit: 'ms' };
        if (mode === 'stream' && officials === TARGET_OFFICIALS) Object.assign(p50Row, { target: `< ${TARGET_P50_MS} ms`, met: s.p50 < TARGET_P50_MS });
        rows.push(p50Row, {
          metric: `${label}: p99 (${run.turns} turns, ${run.errors.length} errors)`,
          value: s.p99,
          unit: 'ms',
          target: '0 errors',
          met: run.errors.length === 0,
        });
      }
    }
  } finally {
    await server.stop();
  }
  return {
    title: `Widget replies as the official receives them (PTAI applications, officials pausing ${THINK_TIME_MS / 1000} s ±50 % before each message; streaming and polling alternate on one server)`,
    rows,
  };
}

if (require.main === module) {
  runStreamingBench().then(printSection, (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
