import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateBlind, loadBlindSet, mentions, type BlindReport } from '../../knowledge/faq/blindEvaluation';
import { loadEvaluationSet } from '../../knowledge/faq/evaluate';
import { createFaqService } from '../../knowledge/faq/faqService';

// The held-out sets were written blind from the seed by another helper and copied unedited: their
// hashes are pinned so that no one edits them to pass. Floors sit just under the figures measured
// when they were set (see README); the test split is measured only, never tuned on.
const PINNED_SHA256 = {
  dev: 'c2eaeac1e2ac7bbcf2a7594a74c36455b2923adde23b6872efb74fbe0960b285',
  test: 'db2594bf527e59d6b45a8ce1a2a7fb3fff383e444838482022700160b7585e34',
} as const;

const FLOORS = {
  dev: { answerableShare: 0.93, declinedShare: 1, yesNoShare: 0.98 },
  test: { answerableShare: 0.66, declinedShare: 0.92, yesNoShare: 0.76 },
} as const;

describe('Blind FAQ evaluation sets', () => {
  const reports: Partial<Record<'dev' | 'test', BlindReport>> = {};

  beforeAll(async () => {
    const faq = await createFaqService();
    reports.dev = await evaluateBlind(faq, loadBlindSet('dev'));
    reports.test = await evaluateBlind(faq, loadBlindSet('test'));
  });

  test.each(['dev', 'test'] as const)('When the %s split is read, then it is byte for byte the copy received from the blind writer', (split) => {
    const content = readFileSync(path.join(__dirname, '../../knowledge/faq/evaluation', `${split}.jsonl`));

    expect(createHash('sha256').update(content).digest('hex')).toBe(PINNED_SHA256[split]);
  });

  test('When the sets are counted with the team set, then there are at least 300 answerable and 60 unanswerable questions', () => {
    const blind = [...loadBlindSet('dev'), ...loadBlindSet('test')];
    const team = loadEvaluationSet();

    expect(blind.filter((q) => q.answerable).length + team.answerable.length).toBeGreaterThanOrEqual(300);
    expect(blind.filter((q) => !q.answerable).length + team.unanswerable.length).toBeGreaterThanOrEqual(60);
  });

  test.each(['dev', 'test'] as const)('When the %s split is asked, then the scores stay at or above their floors', (split) => {
    const report = reports[split] as BlindReport;

    expect(report.answerableShare).toBeGreaterThanOrEqual(FLOORS[split].answerableShare);
    expect(report.declinedShare).toBeGreaterThanOrEqual(FLOORS[split].declinedShare);
    expect(report.yesNoShare).toBeGreaterThanOrEqual(FLOORS[split].yesNoShare);
  });

  test('When a fact is written in another inflection, then it still counts, but a missing word does not', () => {
    expect(mentions('Les CTAI sont signés par les préfets.', 'préfet')).toBe(true);
    expect(mentions('Les régions volontaires.', 'régions volontaires')).toBe(true);
    expect(mentions('Les CTAI sont signés par les préfets.', 'ministre')).toBe(false);
  });
});
