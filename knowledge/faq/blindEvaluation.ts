// Scores the FAQ on question sets written blind by someone who never saw the bot
// (knowledge/faq/evaluation/{dev,test}.jsonl): declined or answered as expected, the expected
// facts present, yes/no questions opening on their verdict. Shared by `npm run eval:faq` and jest.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { FaqService } from './faqService';
import { analyzeText, foldAccents } from './frenchText';

const BlindQuestionSchema = z.object({
  id: z.string().min(1),
  question: z.string().min(1),
  answerable: z.boolean(),
  kind: z.string().min(1),
  expected_yes_no: z.enum(['oui', 'non', 'non_precise']).nullable().optional(),
  must_mention: z.array(z.string()).default([]),
  seed_quote: z.string().nullable().optional(),
});
type BlindQuestion = z.infer<typeof BlindQuestionSchema>;

export const BLIND_SPLITS = ['dev', 'fresh', 'fresh2', 'fresh3', 'fresh4', 'fresh5', 'test', 'test2'] as const;
export type BlindSplit = (typeof BLIND_SPLITS)[number];

/** Longest answer the chat shows without scrolling: the target. */
export const MAX_ANSWER_LENGTH = 400;

export function loadBlindSet(split: BlindSplit, dir: string = path.join(__dirname, 'evaluation')): BlindQuestion[] {
  return readFileSync(path.join(dir, `${split}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed = BlindQuestionSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${split}.jsonl line ${i + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

const comparable = (text: string): string => foldAccents(text).toLowerCase().replace(/[’']/g, "'").replace(/\s+/g, ' ');

/**
 * A fact is present when the answer contains it, ignoring case and accents, or when every word of
 * it appears in the answer in some inflection (« préfets » for « préfet », « volontaire » for
 * « volontaires »): the writer listed key words, not exact spans.
 */
export function mentions(answer: string, fact: string): boolean {
  if (comparable(answer).includes(comparable(fact))) return true;
  const stems = new Set(analyzeText(answer).map((t) => t.stem));
  const factStems = analyzeText(fact).map((t) => t.stem);
  return factStems.length > 0 && factStems.every((s) => stems.has(s));
}

const VERDICT_OPENINGS: Record<'oui' | 'non' | 'non_precise', RegExp> = {
  oui: /^oui\b/i,
  non: /^non\b/i,
  non_precise: /^le texte ne le pr[ée]cise pas\b/i,
};

interface BlindFailure {
  id: string;
  kind: string;
  question: string;
  problem: 'declined' | 'answered_out_of_scope' | 'missing_facts' | 'wrong_verdict';
  missing: string[];
  answer: string;
}

interface Tally {
  total: number;
  correct: number;
}

export interface BlindReport {
  count: number;
  /** every criterion met, over all questions */
  overallShare: number;
  answerableCount: number;
  /** answered, with every expected fact (and the right verdict when one is expected) */
  answerableShare: number;
  /** answered, with every expected fact (verdict not considered) */
  factsShare: number;
  unanswerableCount: number;
  declinedShare: number;
  yesNoCount: number;
  /** yes/no questions whose answer opens on the expected verdict */
  yesNoShare: number;
  /** answers at most MAX_ANSWER_LENGTH characters */
  shortShare: number;
  maxLength: number;
  byKind: Record<string, Tally>;
  failures: BlindFailure[];
}

export async function evaluateBlind(service: FaqService, questions: readonly BlindQuestion[]): Promise<BlindReport> {
  const byKind: Record<string, Tally> = {};
  const failures: BlindFailure[] = [];
  let correct = 0;
  let answerableWell = 0;
  let factsWell = 0;
  let declined = 0;
  let yesNo = 0;
  let yesNoWell = 0;
  let short = 0;
  let maxLength = 0;

  for (const q of questions) {
    const result = await service.answer(q.question);
    const tally = (byKind[q.kind] ??= { total: 0, correct: 0 });
    tally.total += 1;
    maxLength = Math.max(maxLength, result.answer.length);
    if (result.answer.length <= MAX_ANSWER_LENGTH) short += 1;
    const fail = (problem: BlindFailure['problem'], missing: string[] = []): void => {
      failures.push({ id: q.id, kind: q.kind, question: q.question, problem, missing, answer: result.answer });
    };

    if (!q.answerable) {
      if (!result.answered) {
        declined += 1;
        correct += 1;
        tally.correct += 1;
      } else fail('answered_out_of_scope');
      continue;
    }
    if (!result.answered) {
      fail('declined');
      if (q.expected_yes_no) yesNo += 1;
      continue;
    }
    const missing = q.must_mention.filter((fact) => !mentions(result.answer, fact));
    const verdictOk = !q.expected_yes_no || VERDICT_OPENINGS[q.expected_yes_no].test(result.answer.trim());
    if (q.expected_yes_no) {
      yesNo += 1;
      if (verdictOk) yesNoWell += 1;
    }
    if (missing.length === 0) factsWell += 1;
    if (missing.length === 0 && verdictOk) {
      answerableWell += 1;
      correct += 1;
      tally.correct += 1;
    } else fail(missing.length > 0 ? 'missing_facts' : 'wrong_verdict', missing);
  }

  const answerableCount = questions.filter((q) => q.answerable).length;
  const unanswerableCount = questions.length - answerableCount;
  const share = (n: number, d: number): number => (d === 0 ? 1 : n / d);
  return {
    count: questions.length,
    overallShare: share(correct, questions.length),
    answerableCount,
    answerableShare: share(answerableWell, answerableCount),
    factsShare: share(factsWell, answerableCount),
    unanswerableCount,
    declinedShare: share(declined, unanswerableCount),
    yesNoCount: yesNo,
    yesNoShare: share(yesNoWell, yesNo),
    shortShare: share(short, questions.length),
    maxLength,
    byKind,
    failures,
  };
}
