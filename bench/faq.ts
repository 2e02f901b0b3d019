// FAQ latency: retrieval alone and the whole answer (retrieval, coverage check, extractive composition),
// in-process, on the knowledge base and on the base indexed 100 times, with the evaluation's questions.
import { EVALUATION_TARGETS, loadEvaluationSet } from '../knowledge/faq/evaluate';
import { createFaqService, type FaqService } from '../knowledge/faq/faqService';
import { printSection, summarize, type BenchRow, type BenchSection } from './lib';

/** A whole answer must leave a chat turn most of its budget (the turn target is 50 ms at p99). */
const FAQ_ANSWER_TARGET_P99_MS = 25;
const WARM_UP_ROUNDS = 5;
const ROUNDS = 20;

async function timeCalls(questions: readonly string[], call: (question: string) => Promise<unknown>): Promise<number[]> {
  for (let round = 0; round < WARM_UP_ROUNDS; round += 1) for (const question of questions) await call(question);
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const question of questions) {
      const started = performance.now();
      await call(question);
      samples.push(performance.now() - started);
    }
  }
  return samples;
}

async function measure(label: string, service: FaqService, questions: readonly string[], retrievalTarget: number): Promise<BenchRow[]> {
  const retrieval = summarize(await timeCalls(questions, (question) => service.retriever.invoke(question)));
  const answer = summarize(await timeCalls(questions, (question) => service.answer(question)));
  return [
    { metric: `${label}: retrieval p50 (n=${retrieval.n})`, value: retrieval.p50, unit: 'ms' },
    { metric: `${label}: retrieval p99`, value: retrieval.p99, unit: 'ms', target: `< ${retrievalTarget} ms`, met: retrieval.p99 < retrievalTarget },
    { metric: `${label}: whole answer p50 (n=${answer.n})`, value: answer.p50, unit: 'ms' },
    { metric: `${label}: whole answer p99`, value: answer.p99, unit: 'ms', target: `< ${FAQ_ANSWER_TARGET_P99_MS} ms`, met: answer.p99 < FAQ_ANSWER_TARGET_P99_MS },
  ];
}

export async function runFaqBench(): Promise<BenchSection> {
  const set = loadEvaluationSet();
  const questions = [...set.answerable.map((q) => q.question), ...set.unanswerable];
  const base = await createFaqService();
  const started = performance.now();
  const copied = await createFaqService({ copies: 100 });
  const buildMs = performance.now() - started;
  const rows: BenchRow[] = [
    { metric: `base (${base.passageCount} passages): ${questions.length} evaluation questions x ${ROUNDS} rounds`, value: questions.length * ROUNDS, unit: 'calls' },
    ...(await measure('base', base, questions, EVALUATION_TARGETS.retrievalP99Ms)),
    { metric: `base x100 (${copied.passageCount.toLocaleString('en-US')} passages): index built in`, value: buildMs, unit: 'ms' },
    ...(await measure('base x100', copied, questions, EVALUATION_TARGETS.retrievalP99MsCopied)),
  ];
  return { title: 'FAQ (in-process; every call timed, scheduler noise included)', rows };
}

if (require.main === module) {
  runFaqBench().then(printSection, (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
