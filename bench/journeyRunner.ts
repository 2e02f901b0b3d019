// Plays scripted journeys with a given number of officials at once and collects per-turn latencies and errors.
import { checkTurn, TurnError, type ChatSession } from './chatClients';
import type { Journey } from './journeys';

export interface RunOptions {
  /** How many journeys in all. */
  journeys: number;
  /** How many officials type at the same time. */
  concurrency: number;
  journeyOf: (n: number) => Journey;
  newSession: (n: number) => ChatSession;
  /** Check each reply against the script (off for the echo bot, which only repeats). */
  checkReplies: boolean;
  /** Pause of an official between a reply and their next message. */
  thinkMs?: number;
  /** The run stops starting new turns after this long; unfinished journeys count as errors. */
  timeLimitMs: number;
}

interface PlayedJourney {
  journey: Journey;
  session: ChatSession;
  completed: boolean;
}

export interface RunResult {
  turns: number;
  latencies: number[];
  errors: string[];
  seconds: number;
  played: PlayedJourney[];
}

export async function runJourneys(options: RunOptions): Promise<RunResult> {
  const latencies: number[] = [];
  const errors: string[] = [];
  const played: PlayedJourney[] = [];
  const started = performance.now();
  const deadline = started + options.timeLimitMs;
  let next = 0;

  const worker = async (): Promise<void> => {
    while (next < options.journeys && performance.now() < deadline) {
      const n = next++;
      const journey = options.journeyOf(n);
      const session = options.newSession(n);
      const entry: PlayedJourney = { journey, session, completed: false };
      played.push(entry);
      try {
        await session.start();
        for (const turn of journey.turns) {
          if (performance.now() >= deadline) throw new TurnError(`time limit reached in journey ${n}`);
          if (options.thinkMs) await new Promise((resolve) => setTimeout(resolve, jitter(options.thinkMs!)));
          const outcome = await session.say(turn.say);
          latencies.push(outcome.latencyMs);
          if (options.checkReplies) checkTurn(turn, outcome);
        }
        entry.completed = true;
      } catch (error) {
        errors.push(error instanceof TurnError ? error.message : String(error));
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.journeys) }, worker));
  return { turns: latencies.length, latencies, errors, seconds: (performance.now() - started) / 1000, played };
}

/** ±50 % around the mean, so officials do not type in lockstep. */
function jitter(meanMs: number): number {
  return meanMs * (0.5 + Math.random());
}
