// In-memory BM25 index over stemmed French terms, with synonym expansion and bounded fuzzy
// matching of misspelled words; built once at start-up, searched synchronously per question.
import type { Passage } from './corpus';
import { analyzeQuery, analyzeText, expand, isDigits, type SmallTalk, type WeightedTerm } from './frenchText';

/** A sentence of a passage, with its terms, so that answers can quote the best sentences. */
export interface Sentence {
  readonly text: string;
  readonly terms: ReadonlySet<string>;
}

export interface IndexedPassage extends Passage {
  readonly sentences: readonly Sentence[];
  /** terms of the title and section heading: the context every sentence of the passage is read in */
  readonly headingTerms: ReadonlySet<string>;
}

// A passage about one scheme answers a question that names none less well than a general one:
// « quelle somme est mobilisée ? » is the programme's 9 millions, not a PTAI's funding.
const SCHEME_TERMS = ['ctai', 'ptai'] as const;
const OTHER_SCHEME_FACTOR = 0.75;

/** What one word of the question looks for once resolved against the index. */
interface ResolvedGroup {
  /** terms the index holds, with their weight (1 = the word itself, less for synonyms, fuzzy or intents) */
  readonly terms: readonly WeightedTerm[];
  /** intents ("c'est quoi", "combien") rank but are not content that must be found */
  readonly optional: boolean;
  /** a number (a year, an amount): an answer about another year is no answer */
  readonly exact: boolean;
}

export interface ResolvedQuery {
  readonly groups: readonly ResolvedGroup[];
  /** content words of the question (matched or not): the denominator of coverage */
  readonly contentCount: number;
  /** numbers of the question (matched or not) */
  readonly exactCount: number;
  readonly smallTalk: SmallTalk;
}

export interface SearchHit {
  readonly passage: IndexedPassage;
  readonly score: number;
  /** share of the question's content words found in this passage, 0..1 */
  readonly coverage: number;
  /** the same share, counting only the words the passage says itself (its question lines aside) */
  readonly ownCoverage: number;
  /** every number of the question appears in this passage */
  readonly numbersFound: boolean;
}

// Standard BM25 constants; passages are short and similar in length, so b matters little.
const K1 = 1.2;
const B = 0.75;
// A section heading says what the passage is about: its words count twice.
const HEADING_WEIGHT = 2;
const FUZZY_WEIGHT = 0.8;
const FUZZY_MIN_LENGTH = 4;
const FUZZY_CACHE_LIMIT = 10_000;

/** Sentences of a plain-text passage: ends of sentences followed by an upper-case letter or a digit. */
export function splitSentences(text: string): string[] {
  return text
    .split(/\n\s*\n|(?<=[.!?…])\s+(?=[«"(]?[\p{Lu}\d])/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

/** Edit distance with adjacent transpositions (optimal string alignment), giving up above `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (prevPrev[j - 2] ?? 0) + 1);
      row.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length] ?? max + 1;
}

/** Typos allowed for a word of this length: none for short words, where one letter changes the word. */
function allowedTypos(length: number): number {
  if (length < FUZZY_MIN_LENGTH) return 0;
  return length < 8 ? 1 : 2;
}

interface AnalyzedPassage {
  readonly sentences: Sentence[];
  readonly headingTerms: Set<string>;
  readonly tf: Map<string, number>;
  /** terms of the title, heading and text: what the passage itself says, its question lines aside */
  readonly ownTerms: Set<string>;
  readonly length: number;
}

export class LexicalIndex {
  readonly passages: readonly IndexedPassage[];
  private readonly termIds = new Map<string, number>();
  private readonly idf: number[] = [];
  /** per term: passage numbers and their precomputed BM25 term-frequency factor */
  private readonly postingDocs: Int32Array[] = [];
  private readonly postingFactors: Float64Array[] = [];
  /** per term and posting: 1 when the passage says the term itself, 0 when only its question lines do */
  private readonly postingOwn: Uint8Array[] = [];
  /** how each unaccented spelling of a corpus word is indexed, so "engagees" finds "engagées" */
  private readonly stemOfSpelling = new Map<string, string>();
  private readonly spellings: string[];
  private readonly fuzzyCache = new Map<string, string | null>();
  // Scratch buffers reused by every search: search is synchronous, so no two searches overlap.
  private readonly scores: Float64Array;
  private readonly groupScores: Float64Array;
  private readonly matched: Int32Array;
  private readonly matchedOwn: Int32Array;
  /** per passage, for the group being scored: whether a term the passage says itself matched */
  private readonly groupOwn: Uint8Array;
  private readonly matchedExact: Int32Array;
  /** per passage: whether its text speaks of one scheme only */
  private readonly oneScheme: Uint8Array;

  constructor(passages: readonly Passage[]) {
    const termFrequencies: Map<string, number>[] = [];
    const ownTerms: Set<string>[] = [];
    const lengths: number[] = [];
    const analyzed = new Map<string, AnalyzedPassage>();

    this.passages = passages.map((passage) => {
      // Copies made for benchmarks share their text: analyse each distinct passage once.
      const cacheKey = `${passage.title}\u0000${passage.section}\u0000${passage.text}\u0000${passage.questions ?? ''}`;
      let entry = analyzed.get(cacheKey);
      if (!entry) {
        entry = this.analyzePassage(passage);
        analyzed.set(cacheKey, entry);
      }
      termFrequencies.push(entry.tf);
      ownTerms.push(entry.ownTerms);
      lengths.push(entry.length);
      return { ...passage, sentences: entry.sentences, headingTerms: entry.headingTerms };
    });

    const averageLength = lengths.reduce((sum, length) => sum + length, 0) / Math.max(1, lengths.length);
    const docs: number[][] = [];
    const factors: number[][] = [];
    const own: number[][] = [];
    termFrequencies.forEach((tf, doc) => {
      const norm = K1 * (1 - B + (B * (lengths[doc] ?? 0)) / averageLength);
      for (const [term, frequency] of tf) {
        let id = this.termIds.get(term);
        if (id === undefined) {
          id = this.termIds.size;
          this.termIds.set(term, id);
          docs.push([]);
          factors.push([]);
          own.push([]);
        }
        docs[id]?.push(doc);
        own[id]?.push(ownTerms[doc]?.has(term) ? 1 : 0);
        factors[id]?.push((frequency * (K1 + 1)) / (frequency + norm));
      }
    });
    const n = this.passages.length;
    docs.forEach((list, id) => {
      this.idf[id] = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      this.postingDocs[id] = Int32Array.from(list);
      this.postingFactors[id] = Float64Array.from(factors[id] ?? []);
      this.postingOwn[id] = Uint8Array.from(own[id] ?? []);
    });
    this.spellings = [...this.stemOfSpelling.keys()];
    this.scores = new Float64Array(n);
    this.groupScores = new Float64Array(n);
    this.matched = new Int32Array(n);
    this.matchedOwn = new Int32Array(n);
    this.groupOwn = new Uint8Array(n);
    this.matchedExact = new Int32Array(n);
    this.oneScheme = Uint8Array.from(termFrequencies, (tf) => (SCHEME_TERMS.filter((t) => tf.has(t)).length === 1 ? 1 : 0));
  }

  get size(): number {
    return this.passages.length;
  }

  /** How discriminating a term is (BM25 idf); 0 for a term the index does not hold. */
  termWeight(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : (this.idf[id] ?? 0);
  }

  /** The question's words as terms of this index: synonyms, accents and typos resolved. */
  resolve(question: string): ResolvedQuery {
    const analyzed = analyzeQuery(question);
    const groups: ResolvedGroup[] = [];
    const seen = new Set<string>();
    let contentCount = 0;
    let exactCount = 0;
    for (const word of analyzed.words) {
      const optional = word.intentTerms !== undefined;
      const exact = !optional && isDigits(word.folded);
      const terms = word.intentTerms ? word.intentTerms.filter((t) => this.termIds.has(t.term)) : this.termsFor(word.folded, word.stem);
      // "combien d'argent" and "quel budget" are one idea: a second word with the same terms adds nothing
      const key = terms.length > 0 ? terms.map((t) => t.term).sort().join(' ') : `?${word.folded}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!optional) contentCount += 1;
      if (exact) exactCount += 1;
      if (terms.length > 0) groups.push({ terms, optional, exact });
    }
    return { groups, contentCount, exactCount, smallTalk: analyzed.smallTalk };
  }

  /** The k best passages for a resolved question, by BM25 where each group counts its best term once. */
  search(query: ResolvedQuery, k: number): SearchHit[] {
    const touched: number[] = [];
    for (const group of query.groups) {
      const groupTouched: number[] = [];
      for (const { term, weight } of group.terms) {
        const id = this.termIds.get(term);
        if (id === undefined) continue;
        const docs = this.postingDocs[id] as Int32Array;
        const factors = this.postingFactors[id] as Float64Array;
        const own = this.postingOwn[id] as Uint8Array;
        const termScore = weight * (this.idf[id] ?? 0);
        for (let i = 0; i < docs.length; i += 1) {
          const doc = docs[i] as number;
          const score = termScore * (factors[i] as number);
          const previous = this.groupScores[doc] as number;
          if (previous === 0) groupTouched.push(doc);
          if (score > previous) this.groupScores[doc] = score;
          if (own[i] === 1) this.groupOwn[doc] = 1;
        }
      }
      for (const doc of groupTouched) {
        if (this.scores[doc] === 0 && this.matched[doc] === 0) touched.push(doc);
        this.scores[doc] = (this.scores[doc] as number) + (this.groupScores[doc] as number);
        if (!group.optional) this.matched[doc] = (this.matched[doc] as number) + 1;
        if (!group.optional && this.groupOwn[doc] === 1) this.matchedOwn[doc] = (this.matchedOwn[doc] as number) + 1;
        if (group.exact) this.matchedExact[doc] = (this.matchedExact[doc] as number) + 1;
        this.groupScores[doc] = 0;
        this.groupOwn[doc] = 0;
      }
    }

    const schemeAsked = query.groups.some((g) => g.terms.some((t) => (SCHEME_TERMS as readonly string[]).includes(t.term)));
    const best: { doc: number; score: number; matched: number; matchedOwn: number; matchedExact: number }[] = [];
    for (const doc of touched) {
      const score = (this.scores[doc] as number) * (!schemeAsked && this.oneScheme[doc] === 1 ? OTHER_SCHEME_FACTOR : 1);
      const matched = this.matched[doc] as number;
      const matchedExact = this.matchedExact[doc] as number;
      const matchedOwn = this.matchedOwn[doc] as number;
      this.scores[doc] = 0;
      this.matched[doc] = 0;
      this.matchedOwn[doc] = 0;
      this.matchedExact[doc] = 0;
      // ties keep corpus order, so copies and equal passages rank predictably
      if (best.length < k || score > (best[best.length - 1]?.score ?? 0)) {
        let at = best.length;
        while (at > 0 && score > (best[at - 1]?.score ?? 0)) at -= 1;
        best.splice(at, 0, { doc, score, matched, matchedOwn, matchedExact });
        if (best.length > k) best.pop();
      }
    }
    return best.map(({ doc, score, matched, matchedOwn, matchedExact }) => ({
      passage: this.passages[doc] as IndexedPassage,
      score,
      coverage: query.contentCount === 0 ? 0 : matched / query.contentCount,
      ownCoverage: query.contentCount === 0 ? 0 : matchedOwn / query.contentCount,
      numbersFound: matchedExact === query.exactCount,
    }));
  }

  private analyzePassage(passage: Passage): AnalyzedPassage {
    const tf = new Map<string, number>();
    const headingTerms = new Set<string>();
    let length = 0;
    const ownTerms = new Set<string>();
    const add = (text: string, weight: number, heading = false, question = false): void => {
      for (const token of analyzeText(text)) {
        if (heading) headingTerms.add(token.stem);
        if (!question) ownTerms.add(token.stem);
        tf.set(token.stem, (tf.get(token.stem) ?? 0) + weight);
        // Question lines are not text to read: a section asked about in many ways is not a longer passage.
        if (!question) length += weight;
        if (!this.stemOfSpelling.has(token.folded)) this.stemOfSpelling.set(token.folded, token.stem);
      }
    };
    add(passage.title, 1, true);
    if (passage.section !== passage.title) add(passage.section, HEADING_WEIGHT, true);
    // The questions a passage answers say what it is about, as its heading does.
    if (passage.questions) add(passage.questions, 1, true, true);
    add(passage.text, 1);
    const sentences = splitSentences(passage.text).map((text) => ({
      text,
      terms: new Set(analyzeText(text).map((token) => token.stem)),
    }));
    return { sentences, headingTerms, tf, ownTerms, length };
  }

  private termsFor(folded: string, stemmed: string): WeightedTerm[] {
    const known = (terms: WeightedTerm[]): WeightedTerm[] => terms.filter((t) => this.termIds.has(t.term));
    const stem = this.stemOfSpelling.get(folded) ?? stemmed;
    const direct = known(expand(stem));
    if (direct.length > 0) return direct;
    const corrected = this.correct(folded, stem);
    return corrected === null ? [] : known(expand(corrected)).map((t) => ({ term: t.term, weight: t.weight * FUZZY_WEIGHT }));
  }

  /**
   * The indexed stem a misspelled word most likely meant: the closest corpus spelling within a few
   * typos, or an indexed stem the word's stem extends or starts ("signent" → "sign", "diagnost" →
   * "diagnostic"). Cached, since questions repeat and the scan is over the whole vocabulary.
   */
  private correct(folded: string, stem: string): string | null {
    if (folded.length < FUZZY_MIN_LENGTH || /\d/.test(folded)) return null;
    const cached = this.fuzzyCache.get(folded);
    if (cached !== undefined) return cached;

    let bestStem: string | null = null;
    let bestDistance = allowedTypos(folded.length) + 1;
    for (const spelling of this.spellings) {
      const distance = editDistance(folded, spelling, bestDistance - 1);
      if (distance < bestDistance) {
        bestDistance = distance;
        bestStem = this.stemOfSpelling.get(spelling) ?? null;
      }
    }
    if (bestStem === null && stem.length >= FUZZY_MIN_LENGTH) {
      for (const indexed of this.termIds.keys()) {
        const extends_ = indexed.length >= FUZZY_MIN_LENGTH && stem.startsWith(indexed) && stem.length - indexed.length <= 3;
        const truncated = stem.length >= 5 && indexed.startsWith(stem) && indexed.length - stem.length <= 3;
        if ((extends_ || truncated) && (bestStem === null || indexed.length > bestStem.length)) bestStem = indexed;
      }
    }

    if (this.fuzzyCache.size >= FUZZY_CACHE_LIMIT) this.fuzzyCache.clear();
    this.fuzzyCache.set(folded, bestStem);
    return bestStem;
  }
}
