// Scores the understanding step on a labelled split: intent accuracy (with per-intent confusion), entity
// precision/recall/F1 over (type, value) pairs, and utterances whose entities all match exactly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseFields } from '../../parsers';
import { plainOf } from '../entities';
import { understand } from '../understand';
import { INTENTS, type Entities, type Intent, type Pending, type Understanding } from '../types';

const LabelledSchema = z.object({
  id: z.string(),
  pending: z.string(),
  text: z.string(),
  intent: z.enum(INTENTS),
  entities: z.record(z.string(), z.unknown()),
  register: z.string().optional(),
});
type Labelled = z.infer<typeof LabelledSchema>;

/**
 * `dev` and `test` were written blind by other helpers; `dev-fresh` by the understanding's author from the bot's questions,
 * before tuning on it; `dev-fresh2` by a helper shown only the bot's questions and the labels (2026-12-06), scored once
 * before any tuning (intent 82.5 %, entity F1 75.8 %, exact 72.0 %, 6 corrections read as answers). `test2` is a second
 * held-out split, written the same way by another helper as ten officials going through the journey (2026-12-06), never
 * tuned on: first scored at intent 82.0 %, entity F1 78.9 %, exact 80.0 %, 9 corrections read as answers. `dev-fresh3`
 * (320 rows, written by a stranger to the code, 2026-12-08) was first scored untouched at commit 4dffa09: intent 83.8 %,
 * entity F1 75.3 %, exact 74.7 %, 14 corrections read as answers (84.7 / 75.5 / 74.7 / 14 with the letter-4-gram gate
 * and the verdicts on the assistant, written before it arrived); it is now the readable generalisation check. `dev-fresh4`
 * (268 rows, written by a stranger, 2026-12-08, never trained on) was first scored untouched at commit 50ca50f: intent
 * 84.3 %, entity F1 78.0 %, exact 72.0 %, 4 corrections read as answers (the same with the walkthrough stop-27 repairs,
 * written before it arrived and scored on it without reading it).
 */
export type Split = 'dev' | 'dev-fresh' | 'dev-fresh2' | 'dev-fresh3' | 'dev-fresh4' | 'test' | 'test2';

function loadSplit(split: Split): Labelled[] {
  const file = path.join(__dirname, `${split}.jsonl`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => LabelledSchema.parse(JSON.parse(line)));
}

/** The labels' vocabulary is coarser than the dossier's in places (« epci », « in_progress »): both sides are put in the labels' terms. */
const PENDING_ALIASES: Record<string, Pending> = {};

function text(value: unknown): string {
  return plainOf(String(value))
    .replace(/[’'`´-]/g, ' ')
    .replace(/[.,;:!?«»"()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function fieldsOf(labels: unknown): string[] {
  if (!Array.isArray(labels)) return [];
  return labels
    .flatMap((label) => {
      const parsed = parseFields(String(label));
      return parsed.ok ? parsed.value : [`?${text(label)}`];
    })
    .filter((value, index, all) => all.indexOf(value) === index)
    .sort();
}

const KIND_TO_LABEL: Record<string, string> = {
  commune: 'commune',
  communaute_de_communes: 'epci',
  communaute_agglomeration: 'epci',
  communaute_urbaine: 'epci',
  metropole: 'metropole',
  departement: 'departement',
  region: 'region',
  other: 'other',
};
const DIAGNOSTIC_TO_LABEL: Record<string, string> = { done: 'done', planned: 'in_progress', none: 'not_started' };
const COMMITMENT_TO_LABEL: Record<string, string> = { cofinancing: 'cofinancing', staff: 'staff', premises: 'premises', coordination: 'coordination', communication: 'other', association_support: 'other', other: 'other' };

function phoneKey(value: unknown): string {
  const digits = String(value).replace(/[^\d+]/g, '');
  return digits.startsWith('+33') ? `0${digits.slice(3)}` : digits;
}

/** Gold entities as comparable (type → canonical string). */
function goldPairs(entities: Record<string, unknown>): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const [type, value] of Object.entries(entities)) {
    if (value === null || value === undefined) continue;
    switch (type) {
      case 'collectivity_name':
      case 'person_name':
      case 'role':
        pairs.set(type, text(value));
        break;
      case 'fields':
        pairs.set(type, fieldsOf(value).join(','));
        break;
      case 'commitments':
      case 'publics':
        pairs.set(type, (Array.isArray(value) ? value.map(String) : [String(value)]).filter((item, index, all) => all.indexOf(item) === index).sort().join(','));
        break;
      case 'phone':
        pairs.set(type, phoneKey(value));
        break;
      case 'email':
      case 'reference':
        pairs.set(type, String(value).toLowerCase());
        break;
      case 'amount':
      case 'count':
      case 'number':
      case 'population':
      case 'action_index':
        pairs.set(type, String(Number(value)));
        break;
      default:
        pairs.set(type, String(value));
    }
  }
  return pairs;
}

function predictedPairs(entities: Entities): Map<string, string> {
  const pairs = new Map<string, string>();
  const put = (type: string, value: string | undefined) => {
    if (value !== undefined && value !== '') pairs.set(type, value);
  };
  put('collectivity_name', entities.collectivityName && text(entities.collectivityName));
  put('collectivity_kind', entities.collectivityKind && KIND_TO_LABEL[entities.collectivityKind]);
  put('departement', entities.departement);
  put('siren', entities.siren);
  put('population', entities.population?.toString());
  put('person_name', entities.personName && text(entities.personName));
  put('role', entities.role && text(entities.role));
  put('email', entities.email?.toLowerCase());
  put('phone', entities.phone && phoneKey(entities.phone));
  put('scheme', entities.scheme);
  put('approach', entities.approach);
  put('diagnostic', entities.diagnostic && DIAGNOSTIC_TO_LABEL[entities.diagnostic]);
  put('fields', entities.fields && [...new Set(entities.fields)].sort().join(','));
  put('commitments', entities.commitments && [...new Set(entities.commitments.map((kind) => COMMITMENT_TO_LABEL[kind]!))].sort().join(','));
  put('amount', entities.amount?.toString());
  put('count', entities.count?.toString());
  put('publics', entities.publics && [...new Set(entities.publics)].sort().join(','));
  put('yes_no', entities.yesNo === undefined ? undefined : entities.yesNo ? 'yes' : 'no');
  put('skip', entities.skip ? 'true' : undefined);
  put('reference', entities.reference?.toLowerCase());
  put('target', entities.target);
  put('action_index', entities.actionIndex?.toString());
  put('section', entities.section);
  put('number', entities.number?.toString());
  return pairs;
}

export interface SplitReport {
  split: Split;
  utterances: number;
  intentAccuracy: number;
  entityPrecision: number;
  entityRecall: number;
  entityF1: number;
  /** Utterances whose predicted entities equal the labelled ones exactly. */
  entityExactMatch: number;
  /** Corrections of an earlier answer that would have been stored as the answer on screen. */
  correctionsReadAsAnswers: number;
  confusion: Record<string, Record<string, number>>;
  perEntity: Record<string, { tp: number; fp: number; fn: number }>;
  errors: Array<{ id: string; pending: string; text: string; expected: string; got: string; entityDiff?: string }>;
}

/**
 * What a message does. « environ 4200 habitants. ça compte la population municipale ? » is understood as a question with
 * an answer part, which the bot stores as the answer (read again) and then answers the question: the message does both.
 * The labels call that shape an answer (with its values) or a question (with the answer's values too), so its reading
 * counts for either intent, with the values of both parts. Any other understanding is scored as it is (a correction with
 * an answer part too, as a correction with its own values: the labels vary on that shape's answer values).
 */
function scoredReading(text: string, pending: Pending): { result: Understanding; intents: Intent[] } {
  const result = understand(text, pending);
  if (result.intent !== 'question' || !result.answerPart) return { result, intents: [result.intent] };
  const answered = understand(result.answerPart, pending);
  if (answered.intent !== 'answer') return { result, intents: [result.intent] };
  return { result: { ...result, entities: { ...result.entities, ...answered.entities } }, intents: ['question', 'answer'] };
}

export function evaluateSplit(split: Split): SplitReport {
  const rows = loadSplit(split);
  let correctIntents = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let exact = 0;
  let correctionsReadAsAnswers = 0;
  const confusion: SplitReport['confusion'] = {};
  const perEntity: SplitReport['perEntity'] = {};
  const errors: SplitReport['errors'] = [];
  for (const row of rows) {
    const pending = (PENDING_ALIASES[row.pending] ?? row.pending) as Pending;
    const { result: reading, intents } = scoredReading(row.text, pending);
    const result = { ...reading, intent: intents.includes(row.intent) ? row.intent : reading.intent };
    const expectedPairs = goldPairs(row.entities);
    const gotPairs = predictedPairs(result.entities);
    confusion[row.intent] ??= {};
    confusion[row.intent]![result.intent] = (confusion[row.intent]![result.intent] ?? 0) + 1;
    if (result.intent === row.intent) correctIntents += 1;
    if (row.intent === 'correct' && result.intent === 'answer') correctionsReadAsAnswers += 1;
    const diffs: string[] = [];
    for (const type of new Set([...expectedPairs.keys(), ...gotPairs.keys()])) {
      const expected = expectedPairs.get(type);
      const got = gotPairs.get(type);
      perEntity[type] ??= { tp: 0, fp: 0, fn: 0 };
      if (expected !== undefined && expected === got) {
        tp += 1;
        perEntity[type]!.tp += 1;
        continue;
      }
      if (expected !== undefined) {
        fn += 1;
        perEntity[type]!.fn += 1;
      }
      if (got !== undefined) {
        fp += 1;
        perEntity[type]!.fp += 1;
      }
      diffs.push(`${type}: ${expected ?? '∅'} ≠ ${got ?? '∅'}`);
    }
    if (diffs.length === 0) exact += 1;
    if (result.intent !== row.intent || diffs.length > 0) {
      errors.push({ id: row.id, pending: row.pending, text: row.text, expected: row.intent, got: result.intent, ...(diffs.length > 0 ? { entityDiff: diffs.join(' ; ') } : {}) });
    }
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  return {
    split,
    utterances: rows.length,
    intentAccuracy: correctIntents / rows.length,
    entityPrecision: precision,
    entityRecall: recall,
    entityF1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    entityExactMatch: exact / rows.length,
    correctionsReadAsAnswers,
    confusion,
    perEntity,
    errors,
  };
}
