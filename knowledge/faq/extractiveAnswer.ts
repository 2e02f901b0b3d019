// The answer given without a language model: the few sentences of the retrieved passages that best
// match the question, each followed by the number of the passage it is quoted from.
import type { IndexedPassage, ResolvedQuery, Sentence } from './lexicalIndex';

interface CitedSource {
  id: string;
  title: string;
  excerpt: string;
}

export interface ComposedAnswer {
  answer: string;
  sources: CitedSource[];
}

export interface RankedPassage {
  readonly passage: IndexedPassage;
  readonly score: number;
}

const MAX_SENTENCES = 3;
const MAX_PASSAGES = 3;
// Passages scoring under half the best are about something else; quoting them would blur the answer.
const RELATIVE_PASSAGE_SCORE = 0.5;
// A further sentence must bring a real part of the question, not a stray word.
const MIN_GAIN_SHARE = 0.35;
const EXCERPT_LENGTH = 320;
const NEAR_DUPLICATE_SHARE = 0.7;

/** The passage shown as a source: its text, cut at a word boundary when long. */
export function excerptOf(text: string): string {
  if (text.length <= EXCERPT_LENGTH) return text;
  const cut = text.slice(0, EXCERPT_LENGTH);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), EXCERPT_LENGTH / 2))}…`;
}

/** "Brest, Dijon [1] Lyon" reads badly: keep the sentence's final punctuation before the marker. */
function withMarker(sentence: string, marker: number): string {
  const end = /[.!?…]$/.exec(sentence);
  return end ? `${sentence.slice(0, -1)} [${marker}]${end[0]}` : `${sentence} [${marker}].`;
}

/** Two sentences that share most of their terms say the same thing (the base repeats a fact in a comparison). */
function nearDuplicate(a: Sentence, b: Sentence): boolean {
  let shared = 0;
  for (const term of a.terms) if (b.terms.has(term)) shared += 1;
  return shared >= NEAR_DUPLICATE_SHARE * Math.min(a.terms.size, b.terms.size);
}

interface Candidate {
  readonly sentence: Sentence;
  readonly passage: IndexedPassage;
  readonly rank: number;
  readonly position: number;
  /** value of each query group found in the sentence (0 when absent) */
  readonly groupValues: readonly number[];
}

export function composeExtractive(
  ranked: readonly RankedPassage[],
  query: ResolvedQuery,
  termWeight: (term: string) => number,
): ComposedAnswer {
  const bestScore = ranked[0]?.score ?? 0;
  const passages = ranked.filter((r) => r.score >= bestScore * RELATIVE_PASSAGE_SCORE).slice(0, MAX_PASSAGES);

  const candidates: Candidate[] = passages.flatMap(({ passage }, rank) =>
    passage.sentences.map((sentence, position) => ({
      sentence,
      passage,
      rank,
      position,
      groupValues: query.groups.map((group) =>
        Math.max(0, ...group.terms.filter((t) => sentence.terms.has(t.term)).map((t) => t.weight * termWeight(t.term))),
      ),
    })),
  );
  const total = (c: Candidate): number => c.groupValues.reduce((sum, v) => sum + v, 0);

  // The first sentence comes from the best passage: its heading and title often carry the match
  // (a definition section for "c'est quoi"), which sentence-level scores cannot see. Ties keep the
  // earliest sentence, usually the one that states the topic.
  const first = candidates
    .filter((c) => c.rank === 0)
    .reduce<Candidate | undefined>((best, c) => (best === undefined || total(c) > total(best) ? c : best), undefined);
  if (!first) return { answer: '', sources: [] };

  const chosen: Candidate[] = [first];
  // What the best passage's title or heading already says needs no second sentence
  // ("Financement de la démarche" answers the "démarche" of the question).
  const covered = first.groupValues.map((v, g) => v > 0 || (query.groups[g]?.terms.some((t) => first.passage.headingTerms.has(t.term)) ?? false));
  const threshold = Math.max(total(first), 1e-9) * MIN_GAIN_SHARE;
  while (chosen.length < MAX_SENTENCES) {
    let next: Candidate | undefined;
    let nextGain = 0;
    for (const c of candidates) {
      if (chosen.includes(c) || chosen.some((other) => nearDuplicate(c.sentence, other.sentence))) continue;
      // It must stay on the answer's subject: "Lyon fait-elle partie des territoires engagés ?"
      // should not pull in "Les BPI font partie des étrangers…" for the word "partie" alone.
      if (!c.groupValues.some((v, g) => v > 0 && covered[g])) continue;
      const gain = c.groupValues.reduce((sum, v, g) => sum + (covered[g] || query.groups[g]?.optional ? 0 : v), 0);
      if (gain > nextGain) {
        next = c;
        nextGain = gain;
      }
    }
    if (!next || nextGain < threshold) break;
    chosen.push(next);
    next.groupValues.forEach((v, g) => {
      if (v > 0) covered[g] = true;
    });
  }

  // Read in document order: best passage first, and within a passage, as written.
  chosen.sort((a, b) => a.rank - b.rank || a.position - b.position);
  const sources: CitedSource[] = [];
  const parts = chosen.map((c) => {
    let marker = sources.findIndex((s) => s.id === c.passage.id) + 1;
    if (marker === 0) {
      sources.push({ id: c.passage.id, title: c.passage.title, excerpt: excerptOf(c.passage.text) });
      marker = sources.length;
    }
    return withMarker(c.sentence.text, marker);
  });
  return { answer: parts.join(' '), sources };
}
