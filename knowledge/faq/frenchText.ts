// French text analysis shared by indexing and querying: normalisation, elisions, SMS spellings,
// stop words, Snowball stemming, acronyms, synonyms and question intents.
import { newStemmer } from 'snowball-stemmers';
import { fra } from 'stopword';
import {
  ACRONYMS,
  EXTRA_STOP_WORDS,
  GREETINGS,
  INTENT_WORDS,
  NUMBER_TERM,
  NUMBER_WORDS,
  SMS_SPELLINGS,
  STEM_OVERRIDES,
  SYNONYM_GROUPS,
  THANKS,
} from './frenchLexicon';

/** A word of the text, after normalisation, with the term it is indexed under. */
export interface Token {
  /** lower-case, accent-folded surface form ("engagees"). */
  readonly folded: string;
  /** accent-folded Snowball stem ("engag"), or an acronym ("ctai"). */
  readonly stem: string;
}

/** One alternative term a query word may match, with how much a match counts. */
export interface WeightedTerm {
  readonly term: string;
  readonly weight: number;
}

/**
 * One thing a question looks for: a content word (or a spelled-out acronym), or an intent such as
 * "c'est quoi" or "combien". The index turns it into weighted terms (synonyms, fuzzy spelling).
 */
interface QueryWord {
  /** the folded word as typed, for fuzzy matching when its stem is unknown to the index */
  readonly folded: string;
  /** its stem, or the acronym it was spelled out as */
  readonly stem: string;
  /** intents steer ranking but are not content: an unmatched intent does not make a question unanswerable */
  readonly intentTerms?: readonly WeightedTerm[];
}

/** Small talk found in a message: it decides how to reply when the message asks nothing. */
export type SmallTalk = 'greeting' | 'thanks' | undefined;

export interface AnalyzedQuery {
  readonly words: readonly QueryWord[];
  readonly smallTalk: SmallTalk;
}

const SYNONYM_WEIGHT = 0.9;
const INTENT_WEIGHT = 0.5;

const ELISION = /^(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu|quoiqu|presqu)'(.+)$/;

const stemmer = newStemmer('french');

export function foldAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * Lower case, no accents, one kind of apostrophe, « œ » spelled out, white space as single spaces, trimmed:
 * the form in which questions, answers and options are compared.
 */
export function fold(text: string): string {
  return foldAccents(text.toLowerCase())
    .replace(/[’‘`´ʼ]/g, "'")
    .replace(/œ/g, 'oe')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Lower case, one kind of apostrophe, ligatures spelled out, and the few multi-word questions. */
function normalize(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFC')
      .replace(/[’‘`´ʼ]/g, "'")
      .replace(/œ/g, 'oe')
      .replace(/æ/g, 'ae')
      // "qu'est-ce que X" and "que veut dire X" ask for a definition like "c'est quoi X"
      .replace(/qu'est[\s-]+ce/g, ' quoi ')
      .replace(/\bce qu'est\b/g, ' quoi ')
      .replace(/veu[tx][\s-]+dire/g, ' signifie ')
  );
}

function stripElisions(word: string): string[] {
  let rest = word;
  for (let match = ELISION.exec(rest); match; match = ELISION.exec(rest)) rest = match[1] ?? '';
  // "aujourd'hui" and stray quotes: the remaining apostrophes separate words
  return rest.split("'").filter((part) => part.length > 0);
}

function compileSms(): Map<string, string> {
  return new Map(Object.entries(SMS_SPELLINGS).map(([sms, word]) => [foldAccents(sms), word]));
}
const sms = compileSms();

/** Words of a text, lower case with accents kept, elisions removed and SMS spellings rewritten. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const raw of normalize(text).split(/[^\p{L}\p{N}']+/u)) {
    for (const word of stripElisions(raw)) {
      const rewritten = sms.get(foldAccents(word));
      if (rewritten === undefined) out.push(word);
      // a rewrite is plain words ("il y a"), so no second rewrite can loop
      else for (const part of normalize(rewritten).split(/[^\p{L}\p{N}']+/u)) out.push(...stripElisions(part));
    }
  }
  return out;
}

const stopWords = new Set([...fra, ...EXTRA_STOP_WORDS].map(foldAccents));
const greetings = new Set(GREETINGS.map(foldAccents));
const thanks = new Set(THANKS.map(foldAccents));
const stemOverrides = new Map(Object.entries(STEM_OVERRIDES).map(([word, stem]) => [foldAccents(word), stem]));

function isStopWord(folded: string): boolean {
  // single letters left over by hyphens ("fera-t-il") or typos carry nothing; digits do ("9 millions")
  return stopWords.has(folded) || (folded.length < 2 && !/\d/.test(folded));
}

/**
 * The term a word is indexed under. Stemming runs on the accented word because the Snowball rules
 * need the accents ("engagées" → "engag"); the stem is folded afterwards so that documents and
 * questions typed without accents meet (the index also maps unaccented spellings of corpus words).
 */
export function stem(word: string): string {
  const folded = foldAccents(word);
  if (isDigits(folded)) return folded;
  return stemOverrides.get(folded) ?? foldAccents(stemmer.stem(word));
}

const numberWords = new Set(NUMBER_WORDS.map(foldAccents));

function toTokens(text: string): Token[] {
  const tokens: Token[] = [];
  for (const word of words(text)) {
    const folded = foldAccents(word);
    if (!isStopWord(folded)) tokens.push({ folded, stem: stem(word) });
  }
  return tokens;
}

/** A number written in digits: a year or an amount, which a passage must state exactly. */
export function isDigits(folded: string): boolean {
  return /^\d+$/.test(folded);
}

function isNumber(token: Token): boolean {
  return isDigits(token.folded) || numberWords.has(token.folded);
}

interface AcronymPhrase {
  readonly acronym: string;
  readonly stems: readonly string[];
}

// Longest phrases first, so "contrat d'intégration républicaine" is not read as part of a CTAI.
const acronymPhrases: readonly AcronymPhrase[] = Object.entries(ACRONYMS)
  .flatMap(([acronym, phrases]) => phrases.map((phrase) => ({ acronym, stems: toTokens(phrase).map((t) => t.stem) })))
  .sort((a, b) => b.stems.length - a.stems.length);

function phraseAt(tokens: readonly Token[], start: number): AcronymPhrase | undefined {
  return acronymPhrases.find((phrase) => phrase.stems.every((s, offset) => tokens[start + offset]?.stem === s));
}

/**
 * Terms of a document passage: every content word's stem, plus the acronym after each spelled-out
 * phrase, so a passage that only spells "contrat territorial d'accueil et d'intégration" is found
 * by "CTAI".
 */
export function analyzeText(text: string): Token[] {
  const tokens = toTokens(text);
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const phrase = phraseAt(tokens, i);
    if (phrase) {
      out.push(...tokens.slice(i, i + phrase.stems.length), { folded: phrase.acronym, stem: phrase.acronym });
      i += phrase.stems.length - 1;
    } else {
      const token = tokens[i];
      if (token) out.push(token);
      // lets "combien ..." prefer passages that state a quantity
      if (token && isNumber(token)) out.push({ folded: NUMBER_TERM, stem: NUMBER_TERM });
    }
  }
  return out;
}

function compileSynonyms(): Map<string, string[]> {
  const byStem = new Map<string, string[]>();
  for (const group of SYNONYM_GROUPS) {
    // toTokens, not analyzeText: "millions" must not make every number a synonym of money
    const stems = [...new Set(group.flatMap((word) => toTokens(word).map((t) => t.stem)))];
    for (const s of stems) byStem.set(s, [...new Set([...(byStem.get(s) ?? []), ...stems])]);
  }
  return byStem;
}
const synonymsByStem = compileSynonyms();

function compileIntents(): Map<string, string[]> {
  return new Map(
    Object.entries(INTENT_WORDS).map(([word, targets]) => [
      foldAccents(word),
      targets.map((target) => (target === NUMBER_TERM ? target : stem(target))),
    ]),
  );
}
const intents = compileIntents();

/** The stem and its synonyms, the stem itself weighing most. */
export function expand(stemmed: string): WeightedTerm[] {
  const synonyms = synonymsByStem.get(stemmed) ?? [];
  return [
    { term: stemmed, weight: 1 },
    ...synonyms.filter((s) => s !== stemmed).map((term) => ({ term, weight: SYNONYM_WEIGHT })),
  ];
}

/**
 * What a question looks for: one word per content word (a spelled-out acronym collapses into its
 * acronym) and the question's intents. Duplicates are dropped here; synonyms are merged by the
 * index once it knows which stems it holds.
 */
export function analyzeQuery(question: string): AnalyzedQuery {
  const out: QueryWord[] = [];
  const seen = new Set<string>();
  let smallTalk: SmallTalk;

  for (const word of words(question)) {
    const folded = foldAccents(word);
    if (thanks.has(folded)) smallTalk = 'thanks';
    else if (greetings.has(folded)) smallTalk ??= 'greeting';
    const intent = intents.get(folded);
    if (intent && !seen.has(`?${folded}`)) {
      seen.add(`?${folded}`);
      out.push({ folded, stem: folded, intentTerms: intent.map((term) => ({ term, weight: INTENT_WEIGHT })) });
    }
  }

  const tokens = toTokens(question);
  for (let i = 0; i < tokens.length; i += 1) {
    const phrase = phraseAt(tokens, i);
    const token = phrase ? { folded: phrase.acronym, stem: phrase.acronym } : tokens[i];
    if (phrase) i += phrase.stems.length - 1;
    if (!token || intents.has(token.folded) || seen.has(token.folded)) continue;
    seen.add(token.folded);
    out.push(token);
  }
  return { words: out, smallTalk };
}
