import { EVALUATION_TARGETS, evaluateFaq, loadEvaluationSet, type EvaluationReport } from '../../knowledge/faq/evaluate';
import { createFaqService } from '../../knowledge/faq/faqService';

// Latency is not asserted here (jest timings are noisy); `npm run eval:faq` reports it.
describe('FAQ evaluation set', () => {
  let report: EvaluationReport;

  beforeAll(async () => {
    report = await evaluateFaq(await createFaqService(), { latencyRounds: 1 });
  });

  it('When the evaluation set is loaded, then it has at least 40 answerable and 6 unanswerable questions', () => {
    const set = loadEvaluationSet();

    expect(set.answerable.length).toBeGreaterThanOrEqual(40);
    expect(set.unanswerable.length).toBeGreaterThanOrEqual(6);
  });

  it('When the answerable questions are asked, then at least 90 % of the answers hold their expected facts', () => {
    expect(report.answerableShare).toBeGreaterThanOrEqual(EVALUATION_TARGETS.answerableShare);
  });

  it('When a question expects a verdict and the answer opens on another, then it counts as a failure', async () => {
    const set = { answerable: [{ question: 'Un département peut-il signer un CTAI ?', facts: ['départements'], verdict: 'non' as const }], unanswerable: ['Quel temps fera-t-il demain ?'] };

    const verdicts = await evaluateFaq(await createFaqService(), { set, latencyRounds: 1 });

    expect(verdicts.answerableShare).toBe(0);
    expect(verdicts.failures.map((f) => f.kind)).toEqual(['wrong_verdict']);
  });

  it('When the unanswerable questions are asked, then none of them is answered', () => {
    expect(report.failures.filter((f) => f.kind === 'answered_unanswerable')).toEqual([]);
    expect(report.unanswerableShare).toBe(EVALUATION_TARGETS.unanswerableShare);
  });
});
