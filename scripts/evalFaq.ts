// `npm run eval:faq`: prints the FAQ's quality and retrieval latency against their targets, and
// exits non-zero when one is missed.
import os from 'node:os';
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

  console.log('FAQ evaluation (knowledge/faq/evaluation.json)\n');
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
  process.exitCode = checks.every((check) => check.met) ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
