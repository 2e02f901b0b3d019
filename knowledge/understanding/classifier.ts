// A small trained intent classifier for the messages no rule recognises: multinomial naive Bayes over
// the words, word pairs and word stems (first five letters, which absorb typos in endings and
// conjugation) of the folded text, and a second model that adds letter 4-grams (typos anywhere in a word), trained on the labelled dev splits (dev, dev-fresh, dev-fresh2; dev-fresh3 is the untrained check). The rules decide first; this
// only replaces a default (« question », « chitchat », « answer ») when it is confident.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fold, stripOpeners } from './text';
import type { Intent, Pending } from './types';

interface Model {
  intents: Intent[];
  /** log P(intent) */
  prior: Map<Intent, number>;
  /** count of each feature per intent, and the total per intent */
  counts: Map<Intent, Map<string, number>>;
  totals: Map<Intent, number>;
  vocabulary: number;
}

/** The features of a message: its words, word pairs, stems, and where the official is in the journey. */
function featuresOf(text: string, pending: Pending, letters = false): string[] {
  const words = stripOpeners(fold(text))
    .replace(/[^\p{L}\d' -]/gu, ' ')
    .split(/[\s']+/)
    .filter((word) => word.length > 0);
  const where = pending === 'none' ? '@none' : pending === 'submitted' ? '@submitted' : '@flow';
  const features = [where, ...words, ...words.filter((word) => word.length > 5).map((word) => `~${word.slice(0, 5)}`)];
  for (let index = 1; index < words.length; index += 1) features.push(`${words[index - 1]}_${words[index]}`);
  if (/\?\s*$/.test(text)) features.push('@asks');
  if (!letters) return features;
  // Letter 4-grams across the words: a typo (« modifer », « budjet », « formualire ») still shares most of them with the word meant.
  const joined = ` ${words.join(' ')} `;
  for (let index = 0; index + 4 <= joined.length; index += 1) features.push(`#${joined.slice(index, index + 4)}`);
  return features;
}

const models = new Map<boolean, Model>();

function train(letters: boolean): Model {
  // The tuning splits only: the test splits and dev-fresh3 (the readable generalisation check) are never learnt from.
  const rows = ['dev.jsonl', 'dev-fresh.jsonl', 'dev-fresh2.jsonl']
    .flatMap((file) => readFileSync(path.join(__dirname, 'evaluation', file), 'utf8').split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { text: string; pending: Pending; intent: Intent });
  const counts = new Map<Intent, Map<string, number>>();
  const totals = new Map<Intent, number>();
  const documents = new Map<Intent, number>();
  const vocabulary = new Set<string>();
  for (const row of rows) {
    const perIntent = counts.get(row.intent) ?? new Map<string, number>();
    counts.set(row.intent, perIntent);
    documents.set(row.intent, (documents.get(row.intent) ?? 0) + 1);
    for (const feature of featuresOf(row.text, row.pending, letters)) {
      perIntent.set(feature, (perIntent.get(feature) ?? 0) + 1);
      totals.set(row.intent, (totals.get(row.intent) ?? 0) + 1);
      vocabulary.add(feature);
    }
  }
  const intents = [...counts.keys()];
  const prior = new Map(intents.map((intent) => [intent, Math.log((documents.get(intent) ?? 0) / rows.length)] as const));
  return { intents, prior, counts, totals, vocabulary: vocabulary.size };
}

function scored(model: Model, features: string[], allowed: ReadonlySet<Intent>, temper = 1): { intent: Intent; confidence: number } | undefined {
  const scores: Array<{ intent: Intent; score: number }> = [];
  for (const intent of model.intents) {
    if (!allowed.has(intent)) continue;
    const perIntent = model.counts.get(intent)!;
    const total = model.totals.get(intent) ?? 0;
    const score = model.prior.get(intent) ?? 0;
    let evidence = 0;
    for (const feature of features) evidence += Math.log(((perIntent.get(feature) ?? 0) + 0.5) / (total + 0.5 * model.vocabulary));
    scores.push({ intent, score: score + evidence / temper });
  }
  if (scores.length === 0) return undefined;
  scores.sort((a, b) => b.score - a.score);
  const best = scores[0]!;
  const normaliser = scores.reduce((sum, candidate) => sum + Math.exp(candidate.score - best.score), 0);
  return { intent: best.intent, confidence: 1 / normaliser };
}

function modelOf(letters: boolean): Model {
  let model = models.get(letters);
  if (!model) {
    model = train(letters);
    models.set(letters, model);
  }
  return model;
}

/** The most likely intent among `allowed`, with its posterior probability (0–1); `letters` adds letter 4-grams to the features. */
export function predictIntent(text: string, pending: Pending, allowed: ReadonlySet<Intent>, letters = false): { intent: Intent; confidence: number } | undefined {
  const features = featuresOf(text, pending, letters);
  // The letter 4-grams of one word are not independent evidence: their sum is tempered to the weight of the words' features.
  const temper = letters ? features.length / Math.max(1, featuresOf(text, pending).length) : 1;
  return scored(modelOf(letters), features, allowed, temper);
}
