// The load run of issue 8: 100 simulated officials complete whole applications at the same time through
// the Direct Line endpoint of the real server. Zero errors, zero lost or duplicated activities, and
// every dossier saved with exactly the answers given; turns per second and latency percentiles.
import { openConnection, runningEmbeddedUri } from '../api/database';
import { dossierModel } from '../dossiers/dossierModel';
import { DossierSchema } from '../dossiers/dossierSchema';
import { DirectLineSession, type ReadActivity } from './chatClients';
import { ctaiJourney, dossierDifferences } from './journeys';
import { runJourneys } from './journeyRunner';
import { percentile, printSection, type BenchRow, type BenchSection } from './lib';
import { startBenchServer } from './serverProcess';

const OFFICIALS = 100;
const TIME_LIMIT_MS = 300_000;

/** What is wrong with one conversation's feed: duplicates, gaps, a lost message, a reply to nothing. */
function feedProblems(session: DirectLineSession, full: ReadActivity[]): string[] {
  const problems: string[] = [];
  const ids = full.map((activity) => activity.id ?? '');
  if (new Set(ids).size !== ids.length) problems.push('duplicated activity ids');
  const sequence = ids.map((id) => Number(id.split('|')[1]));
  if (sequence.some((seq, i) => seq !== i + 1)) problems.push(`activity numbers are not 1..${ids.length} without a gap`);
  // What the client read, watermark after watermark, is the feed: nothing lost, nothing twice.
  if (session.seen.map((activity) => activity.id).join(',') !== ids.join(',')) problems.push('the incremental reads differ from the whole feed');
  const userMessages = full.filter((activity) => activity.from?.role === 'user');
  const echoed = userMessages.map((activity) => activity.channelData?.clientActivityID);
  if (echoed.join(',') !== session.posted.join(',')) problems.push(`${session.posted.length} messages posted, ${echoed.length} in the feed (or out of order)`);
  const userIds = new Set(userMessages.map((activity) => activity.id));
  const orphan = full.filter((activity) => activity.from?.role === 'bot' && activity.replyToId !== undefined && !userIds.has(activity.replyToId));
  if (orphan.length > 0) problems.push(`${orphan.length} replies to no message of the feed`);
  return problems;
}

export async function runLoadBench(): Promise<BenchSection> {
  const server = await startBenchServer('product');
  try {
    const sessions = new Map<number, DirectLineSession>();
    const run = await runJourneys({
      journeys: OFFICIALS,
      concurrency: OFFICIALS,
      journeyOf: ctaiJourney,
      newSession: (n) => {
        const session = new DirectLineSession(server.url, `10.200.${n >> 8}.${n & 255}`);
        sessions.set(n, session);
        return session;
      },
      checkReplies: true,
      timeLimitMs: TIME_LIMIT_MS,
    });

    // Every feed read again from the start, and compared with what the officials saw and posted.
    const feedErrors: string[] = [];
    let activities = 0;
    for (const [n, session] of sessions) {
      const full = await session.readAll();
      activities += full.length;
      for (const problem of feedProblems(session, full)) feedErrors.push(`official ${n}: ${problem}`);
    }

    // Every dossier read back from the database and compared with the answers typed.
    const uri = runningEmbeddedUri(server.dataDir);
    if (!uri) throw new Error('The server did not publish its embedded database address');
    const database = await openConnection(uri, 'embedded', 10_000);
    const dossierErrors: string[] = [];
    try {
      const model = dossierModel(database.connection);
      for (const played of run.played) {
        const found = await model.find({ 'owner.channel': 'webchat', 'owner.userId': played.session.userId }).lean();
        if (found.length !== 1) dossierErrors.push(`${played.journey.collectivityName}: ${found.length} dossiers`);
        const differences = dossierDifferences(found[0] ? DossierSchema.parse(found[0]) : undefined, played.journey.expected);
        for (const difference of differences) dossierErrors.push(`${played.journey.collectivityName}: ${difference}`);
      }
    } finally {
      await database.close();
    }

    for (const error of [...run.errors, ...feedErrors, ...dossierErrors].slice(0, 10)) console.error(`  load: ${error}`);
    const sorted = [...run.latencies].sort((a, b) => a - b);
    const completed = run.played.filter((played) => played.completed).length;
    const rows: BenchRow[] = [
      { metric: `officials who completed their application (of ${OFFICIALS})`, value: completed, unit: 'officials', target: `${OFFICIALS}`, met: completed === OFFICIALS },
      { metric: 'errors (failed requests, unexpected replies)', value: run.errors.length, unit: 'errors', target: '0', met: run.errors.length === 0 },
      { metric: `lost or duplicated activities (${activities.toLocaleString('en-US')} activities checked)`, value: feedErrors.length, unit: 'problems', target: '0', met: feedErrors.length === 0 },
      { metric: `dossiers not saved with exactly the answers given (${run.played.length} checked)`, value: dossierErrors.length, unit: 'differences', target: '0', met: dossierErrors.length === 0 },
      { metric: `throughput (${run.turns.toLocaleString('en-US')} turns in ${run.seconds.toFixed(1)} s)`, value: run.turns / run.seconds, unit: 'turns/s' },
      { metric: 'turn latency p50', value: percentile(sorted, 50), unit: 'ms' },
      { metric: 'turn latency p90', value: percentile(sorted, 90), unit: 'ms' },
      { metric: 'turn latency p99', value: percentile(sorted, 99), unit: 'ms' },
      { metric: 'turn latency max', value: sorted.at(-1) ?? Number.NaN, unit: 'ms' },
    ];
    return { title: `Load: ${OFFICIALS} officials complete a CTAI application (46 turns) at once through Direct Line (api/main.ts, closed loop)`, rows };
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  runLoadBench().then(printSection, (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
