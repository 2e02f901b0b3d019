// `npm run eval:faq`: prints the FAQ's quality and retrieval latency against their targets, and
// exits non-zero when one is missed.
import os from 'node:os';
import { BLIND_SPLITS, evaluateBlind, loadBlindSet, MAX_ANSWER_LENGTH, type BlindReport } from '../knowledge/faq/blindEvaluation';
import { EVALUATION_TARGETS, evaluateFaq } from '../knowledge/faq/evaluate';
import { createFaqService } from '../knowledge/faq/faqService';

const COPIES = 100;
const ROUNDS = 21;

const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;
const ms = (value: number): string => `${value.toFixed(3)} ms`;
const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');

async function main(): Promise<void> {
  const base = await createFaqService();
  const report = await evaluateFaq(base, { latencyRounds: ROUNDS });
  const copied = await createFaqService({ copies: COPIES });
  const copiedReport = await evaluateFaq(copied, { latencyRounds: ROUNDS });

  const checks = [
    {
      label: `Answerable questions whose answer holds the expected facts (${report.answerableCount})`,
      value: percent(report.answerableShare),
      target: `>= ${percent(EVALUATION_TARGETS.answerableShare)}`,
      met: report.answerableShare >= EVALUATION_TARGETS.answerableShare,
    },
    {
      label: `Unanswerable questions answered "answered: false" (${report.unanswerableCount})`,
      value: percent(report.unanswerableShare),
      target: `>= ${percent(EVALUATION_TARGETS.unanswerableShare)}`,
      met: report.unanswerableShare >= EVALUATION_TARGETS.unanswerableShare,
    },
    {
      label: `Retrieval latency, base (${base.passageCount} passages)`,
      value: `p50 ${ms(report.retrievalP50Ms)}, p99 ${ms(report.retrievalP99Ms)} (raw calls p99 ${ms(report.retrievalRawCallP99Ms)})`,
      target: `p99 < ${EVALUATION_TARGETS.retrievalP99Ms} ms`,
      met: report.retrievalP99Ms < EVALUATION_TARGETS.retrievalP99Ms,
    },
    {
      label: `Retrieval latency, base copied ${COPIES} times (${copied.passageCount} passages)`,
      value: `p50 ${ms(copiedReport.retrievalP50Ms)}, p99 ${ms(copiedReport.retrievalP99Ms)} (raw calls p99 ${ms(copiedReport.retrievalRawCallP99Ms)})`,
      target: `p99 < ${EVALUATION_TARGETS.retrievalP99MsCopied} ms`,
      met: copiedReport.retrievalP99Ms < EVALUATION_TARGETS.retrievalP99MsCopied,
    },
  ];

  console.log('FAQ evaluation: team set (knowledge/faq/evaluation.json)\n');
  for (const check of checks) console.log(`- ${check.label}: ${check.value} (target ${check.target}): ${verdict(check.met)}`);
  console.log(
    `\nLatency: per question, the median of ${ROUNDS} timed retrievals (after warm-up); p50/p99 are taken over the questions.` +
      `\nRaw call p99 includes preemption by other processes (load average ${os.loadavg()[0]?.toFixed(1)} on ${os.availableParallelism()} CPUs).`,
  );
  if (copiedReport.answerableShare !== report.answerableShare || copiedReport.unanswerableShare !== report.unanswerableShare) {
    console.log(
      `\nNote: on the copied base, answerable ${percent(copiedReport.answerableShare)}, unanswerable ${percent(copiedReport.unanswerableShare)}.`,
    );
  }
  if (report.failures.length > 0) {
    console.log('\nFailures:');
    for (const failure of report.failures) {
      const missing = failure.missingFacts.length > 0 ? ` (missing: ${failure.missingFacts.join(', ')})` : '';
      console.log(`- [${failure.kind}] ${failure.question}${missing}\n    → ${failure.answer}`);
    }
  }

  // Held-out sets written blind from the seed (knowledge/faq/evaluation): tuned on dev and the fresh splits only; test and test2 are measured, never tuned on.
  const showFailures = process.argv.includes('--failures');
  let blindMet = true;
  for (const split of BLIND_SPLITS) {
    const blind = await evaluateBlind(base, loadBlindSet(split));
    printBlind(split, blind, showFailures && !split.startsWith('test'));
    if (split === 'test') blindMet = blind.answerableShare >= BLIND_TARGETS.answerableShare && blind.declinedShare >= BLIND_TARGETS.declinedShare;
  }
  process.exitCode = checks.every((check) => check.met) && blindMet ? 0 : 1;
}

/** The issue's targets on the test split. */
const BLIND_TARGETS = { answerableShare: 0.92, declinedShare: 1 } as const;

function printBlind(split: string, report: BlindReport, withFailures: boolean): void {
  console.log(`\nBlind ${split} split (knowledge/faq/evaluation/${split}.jsonl, ${report.count} questions)`);
  console.log(`- All criteria met: ${percent(report.overallShare)}`);
  console.log(`- Answerable (${report.answerableCount}) answered with every expected fact and the right verdict: ${percent(report.answerableShare)} (facts alone ${percent(report.factsShare)})${split === 'test' ? ` (target >= ${percent(BLIND_TARGETS.answerableShare)})` : ''}`);
  console.log(`- Out of scope (${report.unanswerableCount}) declined: ${percent(report.declinedShare)}${split === 'test' ? ` (target ${percent(BLIND_TARGETS.declinedShare)})` : ''}`);
  console.log(`- Yes/no questions (${report.yesNoCount}) opening on the expected verdict: ${percent(report.yesNoShare)}`);
  console.log(`- Answers of at most ${MAX_ANSWER_LENGTH} characters: ${percent(report.shortShare)} (longest ${report.maxLength})`);
  console.log('- Per kind: ' + Object.entries(report.byKind).map(([kind, t]) => `${kind} ${t.correct}/${t.total}`).join(', '));
  if (withFailures) for (const f of report.failures) console.log(`  [${f.id} ${f.kind} ${f.problem}] ${f.question}${f.missing.length ? ` (missing: ${f.missing.join(', ')})` : ''}\n    → ${f.answer}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
