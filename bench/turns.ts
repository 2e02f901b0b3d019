// Turn cost against the floor: whole scripted applications through the Direct Line endpoint and through
// /api/messages, with 1, 10 and 50 officials at once, on our bot and on an echo bot on the same stack.
import { DirectLineSession, MessagesSession, type ChatSession } from './chatClients';
import { journeyFor, ptaiJourney } from './journeys';
import { runJourneys, type RunResult } from './journeyRunner';
import { printSection, summarize, type BenchRow, type BenchSection } from './lib';
import { startBenchServer, type BenchServer } from './serverProcess';

const CONCURRENCY_LEVELS = [1, 10, 50] as const;
const TURN_TARGET_P99_MS = 50;
const FLOOR_RATIO_TARGET = 3;
/** Officials typing: the pause between a reply and the next message (jittered ±50 %). People take 5-60 s. */
const THINK_TIME_MS = 1000;
const TYPING_OFFICIALS = 50;

type Channel = 'directline' | 'messages';

const CHANNEL_LABELS: Record<Channel, string> = { directline: 'Direct Line', messages: '/api/messages' };

/** Enough journeys for a stable p99 at each level (a CTAI is 46 turns, a PTAI 24). */
const JOURNEYS_AT: Record<number, number> = { 1: 6, 10: 20, 50: 50 };
const RUN_TIME_LIMIT_MS = 120_000;
const ROUNDS = 2;

/** Several runs as one: their turns, latencies and errors together, their durations added. */
function merge(runs: RunResult[]): RunResult {
  return {
    turns: runs.reduce((sum, run) => sum + run.turns, 0),
    latencies: runs.flatMap((run) => run.latencies),
    errors: runs.flatMap((run) => run.errors),
    seconds: runs.reduce((sum, run) => sum + run.seconds, 0),
    played: runs.flatMap((run) => run.played),
  };
}

let addresses = 0;

/** A new official: their own browser address for the widget, their own conversation for the channel. */
export function sessionFactory(channel: Channel, baseUrl: string): (n: number) => ChatSession {
  return () => {
    addresses += 1;
    const address = `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;
    return channel === 'directline' ? new DirectLineSession(baseUrl, address) : new MessagesSession(baseUrl, address);
  };
}

function play(server: BenchServer, channel: Channel, concurrency: number, journeys: number, thinkMs?: number): Promise<RunResult> {
  return runJourneys({
    journeys,
    concurrency,
    // Typing officials fill in PTAI applications (24 turns): the run stays under a minute.
    journeyOf: thinkMs ? ptaiJourney : journeyFor,
    newSession: sessionFactory(channel, server.url),
    checkReplies: server.kind === 'product',
    ...(thinkMs ? { thinkMs } : {}),
    timeLimitMs: RUN_TIME_LIMIT_MS,
  });
}

export interface TurnBenchResult {
  section: BenchSection;
  /** p50 and p99 per turn by channel and level, for the cost-growth section. */
  growth: Array<{ channel: string; concurrency: number; p50: number; p99: number; turnsPerSecond: number }>;
}

export async function runTurnBench(): Promise<TurnBenchResult> {
  const rows: BenchRow[] = [];
  const growth: TurnBenchResult['growth'] = [];
  const product = await startBenchServer('product');
  const floor = await startBenchServer('floor');
  try {
    for (const channel of ['directline', 'messages'] as const) {
      // Warm-up: the first journeys pay for JIT compilation and the first index pages.
      await play(product, channel, 2, 2);
      await play(floor, channel, 2, 2);
      for (const concurrency of CONCURRENCY_LEVELS) {
        const journeys = JOURNEYS_AT[concurrency]!;
        // Ours and the floor take turns, twice: what else the machine does weighs on both alike.
        const runs: RunResult[] = [];
        for (let round = 0; round < ROUNDS; round += 1) runs.push(await play(product, channel, concurrency, journeys), await play(floor, channel, concurrency, journeys));
        const ours = merge(runs.filter((_, i) => i % 2 === 0));
        const base = merge(runs.filter((_, i) => i % 2 === 1));
        rows.push(...levelRows(`${CHANNEL_LABELS[channel]}, ${concurrency} at once`, ours, base, false));
        const o = summarize(ours.latencies);
        growth.push({ channel: CHANNEL_LABELS[channel], concurrency, p50: o.p50, p99: o.p99, turnsPerSecond: ours.turns / ours.seconds });
      }
      const ours = await play(product, channel, TYPING_OFFICIALS, TYPING_OFFICIALS, THINK_TIME_MS);
      const base = await play(floor, channel, TYPING_OFFICIALS, TYPING_OFFICIALS, THINK_TIME_MS);
      rows.push(...levelRows(`${CHANNEL_LABELS[channel]}, ${TYPING_OFFICIALS} officials typing`, ours, base, true));
    }
  } finally {
    await Promise.all([product.stop(), floor.stop()]);
  }
  return {
    section: {
      title:
        `Turn cost against the floor (whole applications; "at once": each official sends the next message as soon as the reply is in, ours and the floor alternating, twice each; ` +
        `"typing": ${TYPING_OFFICIALS} officials pausing ${THINK_TIME_MS / 1000} s ±50 % before each message)`,
      rows,
    },
    growth,
  };
}

function levelRows(label: string, ours: RunResult, base: RunResult, atTarget: boolean): BenchRow[] {
  for (const error of [...ours.errors.slice(0, 3), ...base.errors.slice(0, 3)]) console.error(`  ${label}: ${error}`);
  const o = summarize(ours.latencies);
  const f = summarize(base.latencies);
  const p99Row: BenchRow = { metric: `${label}: ours p99 per turn`, value: o.p99, unit: 'ms' };
  if (atTarget) Object.assign(p99Row, { target: `< ${TURN_TARGET_P99_MS} ms`, met: o.p99 < TURN_TARGET_P99_MS });
  const ratioP50 = o.p50 / f.p50;
  const ratioP99 = o.p99 / f.p99;
  return [
    { metric: `${label}: ours turns/s (${ours.turns} turns, ${ours.errors.length} errors)`, value: ours.turns / ours.seconds, unit: 'turns/s', target: '0 errors', met: ours.errors.length === 0 },
    { metric: `${label}: ours p50 per turn`, value: o.p50, unit: 'ms' },
    p99Row,
    { metric: `${label}: floor turns/s (${base.turns} turns, ${base.errors.length} errors)`, value: base.turns / base.seconds, unit: 'turns/s' },
    { metric: `${label}: floor p50 per turn`, value: f.p50, unit: 'ms' },
    { metric: `${label}: floor p99 per turn`, value: f.p99, unit: 'ms' },
    // The target is on the typical cost of a turn; the tail's ratio is shown for what it says about pauses.
    { metric: `${label}: ratio ours/floor, p50`, value: ratioP50, unit: 'x', target: `≤ ${FLOOR_RATIO_TARGET}`, met: ratioP50 <= FLOOR_RATIO_TARGET },
    { metric: `${label}: ratio ours/floor, p99`, value: ratioP99, unit: 'x' },
  ];
}

if (require.main === module) {
  runTurnBench().then((result) => printSection(result.section), (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
