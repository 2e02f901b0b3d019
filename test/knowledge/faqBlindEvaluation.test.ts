import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BLIND_SPLITS, evaluateBlind, loadBlindSet, mentions, type BlindReport, type BlindSplit } from '../../knowledge/faq/blindEvaluation';
import { loadEvaluationSet } from '../../knowledge/faq/evaluate';
import { createFaqService } from '../../knowledge/faq/faqService';

// The held-out sets were written blind from the seed by another helper and copied unedited: their
// hashes are pinned so that no one edits them to pass. Floors sit just under the figures measured
// when they were set (see README); the test split is measured only, never tuned on.
const PINNED_SHA256 = {
  dev: 'c2eaeac1e2ac7bbcf2a7594a74c36455b2923adde23b6872efb74fbe0960b285',
  test: 'db2594bf527e59d6b45a8ce1a2a7fb3fff383e444838482022700160b7585e34',
  // tuning splits written from the seed alone before the FAQ was run on them (commits 4608eb9, a2937a9)
  fresh: '0c354ae625b627e9b1d9afa791b8184701a832bf1983479df41834b0f710744b',
  fresh2: '2288219e51c55e00b4a0b83f8a5890a2f3adc94d4f1802504b6a710be0a79800',
  // written from the seed alone by another helper (team/blind/faq-fresh3.jsonl), copied unedited; untuned 71.6 % / 97.1 % / 70.5 %
  fresh3: '6839fd0bf54ab89f0bdc2d11f4ec88026b236da0bf926741ab31aac27b8492b5',
  // written from the seed alone by a stranger, copied unedited by the lead (arrived with commit b4050a4); first scored untouched at e0a7edd:
  // 75.0 % answerable / 94.1 % declined / 74.6 % yes-no (the code before this branch, 4dffa09, scores 71.3 / 91.2 / 71.2)
  fresh4: 'cc657a62e00847519dbf37e9430e53555fb3ee9df45ab40a4d56510de967b5ff',
  // written from the seed alone by a stranger, copied unedited by the lead; first scored untouched at ee76b8a:
  // 62.5 % answerable / 95.5 % declined / 77.5 % yes-no (the code before this round, 624afbc, scores 63.3 / 95.5 / 77.5)
  fresh5: '01f7d09fa5be0424ef6e6fe78ff03c71d770d1119ff8e0ea2c1024f1e6078207',
  // a second blind held-out set, written from the seed alone by another helper (team/blind/faq-fresh4.jsonl), copied unedited, never tuned on
  test2: '4f7061e9e05331405473b686a9add9594776c5aeb438f4ebe0f8168da39ae3b0',
} as const;

const FLOORS = {
  dev: { answerableShare: 0.95, declinedShare: 1, yesNoShare: 0.98 },
  fresh: { answerableShare: 0.98, declinedShare: 1, yesNoShare: 1 },
  fresh2: { answerableShare: 1, declinedShare: 1, yesNoShare: 1 },
  // untuned 0.716 / 0.971 / 0.705; raised to just under the figures after tuning on it
  fresh3: { answerableShare: 0.95, declinedShare: 1, yesNoShare: 0.97 },
  // first scored untouched 0.750 / 0.941 / 0.746; raised to just under 0.860 / 1 / 0.881 after tuning on its errors
  fresh4: { answerableShare: 0.85, declinedShare: 1, yesNoShare: 0.88 },
  // first scored untouched 0.625 / 0.955 / 0.775; raised to just under 0.711 / 1 / 0.850 after tuning on its errors
  fresh5: { answerableShare: 0.71, declinedShare: 1, yesNoShare: 0.84 },
  // measured 0.766 / 0.939 / 0.884 after the seed quotes (never tuned on)
  test: { answerableShare: 0.76, declinedShare: 0.92, yesNoShare: 0.82 },
  // first scored 60.5 % / 91.2 % / 78.8 % (before the fresh3 tuning), 62.8 / 91.2 / 75.8 after it, 67.4 / 91.2 / 75.8 after the phrase table
  // 75.6 / 91.2 / 81.8 after the seed quotes, the waves compared and the paraphrase lexicon (tuned on fresh4 and fresh5)
  test2: { answerableShare: 0.75, declinedShare: 0.91, yesNoShare: 0.75 },
} as const;

describe('Blind FAQ evaluation sets', () => {
  const reports: Partial<Record<BlindSplit, BlindReport>> = {};

  beforeAll(async () => {
    const faq = await createFaqService();
    for (const split of BLIND_SPLITS) reports[split] = await evaluateBlind(faq, loadBlindSet(split));
  });

  test.each(BLIND_SPLITS)('When the %s split is read, then it is byte for byte the pinned copy (written blind, never edited to pass)', (split) => {
    const content = readFileSync(path.join(__dirname, '../../knowledge/faq/evaluation', `${split}.jsonl`));

    expect(createHash('sha256').update(content).digest('hex')).toBe(PINNED_SHA256[split]);
  });

  test('When the sets are counted with the team set, then there are at least 300 answerable and 60 unanswerable questions', () => {
    const blind = [...loadBlindSet('dev'), ...loadBlindSet('test')];
    const team = loadEvaluationSet();

    expect(blind.filter((q) => q.answerable).length + team.answerable.length).toBeGreaterThanOrEqual(300);
    expect(blind.filter((q) => !q.answerable).length + team.unanswerable.length).toBeGreaterThanOrEqual(60);
  });

  test.each(BLIND_SPLITS)('When the %s split is asked, then the scores stay at or above their floors', (split) => {
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
