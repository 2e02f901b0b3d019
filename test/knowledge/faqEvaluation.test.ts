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

  it('When the unanswerable questions are asked, then none of them is answered', () => {
    expect(report.failures.filter((f) => f.kind === 'answered_unanswerable')).toEqual([]);
    expect(report.unanswerableShare).toBe(EVALUATION_TARGETS.unanswerableShare);
  });
});
