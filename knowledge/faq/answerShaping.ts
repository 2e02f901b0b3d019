// The last touches on an answer before it is shown: the option a choice question asks for put
// first (« Le préfet : … »), parts of the question named as typed, and the answer kept within the
// chat's length without cutting a sentence.
import { MAX_ANSWER_LENGTH } from './blindEvaluation';
import type { ComposedAnswer } from './extractiveAnswer';
import { fold } from './frenchText';


/**
 * The stretch of the message as typed (accents, capitals) whose folded form is `folded`, or
 * undefined when the normalisation changed its words (SMS spellings): « le prefet » → « le préfet ».
 */
function typedSpan(typed: string, folded: string): string | undefined {
  const target = folded.trim();
  if (target === '') return undefined;
  let text = '';
  const origin: number[] = [];
  for (let i = 0; i < typed.length; i += 1) {
    const c = typed.charAt(i);
    const f = /\s/.test(c) ? ' ' : fold(c);
    for (const ch of f) {
      // Runs of spaces fold to one, as the analysis does.
      if (ch === ' ' && text.endsWith(' ')) continue;
      text += ch;
      origin.push(i);
    }
  }
  const at = text.indexOf(target);
  if (at < 0) return undefined;
  const start = origin[at] ?? 0;
  const end = (origin[at + target.length - 1] ?? typed.length - 1) + 1;
  return typed.slice(start, end);
}

const ARTICLE = /^(?:par |avec )?(?:(?:les|le|la|une|un|des|du|aux|au)\s|l')?/;
const SCHEME_ACRONYM = /^(?:ctai|ptai|cir|bpi|dgef|diair)$/;

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const stem = (word: string): string => (word.length > 5 ? word.slice(0, word.length - 2) : word.replace(/[sx]$/, ''));

/** How an option is recognised in an answer: « le préfet » by « préfets », « une communauté de communes » by the whole phrase. */
function optionPattern(option: string): RegExp {
  const words = option.replace(ARTICLE, '').split(/\s+/).filter((w) => w !== '');
  return new RegExp(`\\b${words.map((w) => (/^(?:de|d')$/.test(w) ? escaped(w) : `${escaped(stem(w))}\\w*`)).join('\\s+')}`);
}

function mentions(sentence: string, option: string): boolean {
  return optionPattern(option).test(fold(sentence));
}

/** The option's head word as the answer spells it (« prefet » typed without accents, « préfet » shown). */
function accented(option: string, answer: string): string {
  const head = option.replace(ARTICLE, '').split(/\s+/)[0] ?? '';
  const word = answer.split(/[^\p{L}'’-]+/u).find((w) => fold(w) === head || fold(w) === `${head}s`);
  if (!word || head.length < 3) return option;
  const spelled = fold(word) === head ? word : word.slice(0, -1);
  return option.replace(head, spelled.toLowerCase() === spelled ? spelled : head);
}

/** Between two sentences, the marker staying with the sentence it follows: « …etc. [1] Oui : … ». */
const SENTENCE_END = /(?<=[.!?…])\s+(?!\[)|(?<=[.!?…]\s\[\d+\])\s+/;

/**
 * « qui signe, le maire ou le préfet ? »: the option the answer bears out, as its opening
 * (« Le préfet : les CTAI sont… »). The first sentence that names an option decides; when it names
 * both, or none does, the answer is left as it is.
 */
export function withChoice(answer: string, choice: readonly [string, string], typed: string): string {
  const sentence = answer.split(SENTENCE_END).find((s) => choice.some((o) => mentions(s, o)));
  if (!sentence) return answer;
  const named = choice.filter((o) => mentions(sentence, o));
  if (named.length !== 1) return answer;
  const option = (named[0] ?? '').replace(/^(?:par |avec )/, '');
  const shown = typedSpan(typed, option) ?? option;
  const spelled = fold(shown) === shown ? accented(shown, answer) : shown;
  const head = option.replace(ARTICLE, '');
  const label = SCHEME_ACRONYM.test(head) ? spelled.replace(new RegExp(head, 'i'), head.toUpperCase()) : spelled;
  const rest = /^[A-ZÉÈÀÂ][a-zéèàâêîôûç]/.test(answer) && !/^(?:CTAI|PTAI|Diair|DGEF|BPI|CIR)\b/.test(answer) ? `${answer.charAt(0).toLowerCase()}${answer.slice(1)}` : answer;
  return `${label.charAt(0).toUpperCase()}${label.slice(1)} : ${rest}`;
}

/** A part of the question as the official typed it, for an answer that names it: « la date limite ». */
export function partLabel(typed: string, folded: string): string {
  const bare = folded.replace(/^(?:et|mais|puis|alors)\s+/, '').replace(/\s*[?!.…]+\s*$/, '').trim();
  const shown = (typedSpan(typed, bare) ?? bare).trim();
  if (shown.length <= 70) return shown;
  const cut = shown.slice(0, 70);
  return `${cut.slice(0, cut.lastIndexOf(' '))}…`;
}

const LIST_ITEMS_KEPT = 3;

/**
 * « … : a, b, c, d ou e [2]. » → « … : a, b, c, etc. [2] » (`kept` items, three unless told); a
 * sentence without a list of five common nouns or more is left as it is.
 */
function shortList(sentence: string, kept: number = LIST_ITEMS_KEPT): string {
  const list = listOf(sentence);
  // A list of names (the engaged territories) is the fact asked for: it is never shortened.
  if (!list || list.items.length <= kept || list.items.length <= LIST_ITEMS_KEPT + 1 || list.items.some((item) => /^\p{Lu}/u.test(item.trim()))) return sentence;
  return `${sentence.slice(0, list.colon + 3)}${list.items.slice(0, kept).join(', ')}, etc.${list.marker}`;
}

/** The items of a sentence's closing list (« … : a, b, c, etc. [2] »), where it starts, and the marker after it. */
function listOf(sentence: string): { colon: number; items: string[]; marker: string } | undefined {
  const colon = sentence.lastIndexOf(' : ');
  const end = /(?:,? etc\.?|…)?(\s*\[\d+\])?\s*[.!?…]?$/.exec(sentence);
  if (colon < 0 || !end) return undefined;
  return { colon, items: sentence.slice(colon + 3, end.index).split(/,\s+|\s+ou\s+(?=(?:le|la|les|l['’]|un|une|des|du)\s?\S)/), marker: end[1] ?? '' };
}

/** The sentences of a text, each with the marker that closes it. */
function sentencesOf(text: string): string[] {
  return text.split(SENTENCE_END).filter((s) => s.trim() !== '');
}

// Where a sentence can end earlier and still be a sentence: before « ; », « , et… », « , mais… », « , même si… ».
const CLAUSE_START = /\s*;\s+|,\s+(?=(?:et|mais|alors que|tandis que|même si|même s['’]|dont|notamment|afin de)\s)/g;
const MIN_CLAUSE_KEPT = 40;
/** A clause that must stay: it names places or people (« ainsi que Rouen et Montpellier ») or holds a list (« : un cofinancement, … »). */
const HOLDS_FACTS = /\s\p{Lu}\p{Ll}| : /u;

/**
 * The sentence without its last clause, ending as a sentence with its marker: « …variable, sans
 * minimum, et s’inscrire dans… (formation…) [1]. » → « …variable, sans minimum, et s’inscrire dans… [1]. »
 * → « …variable, sans minimum [1]. »; undefined when no clause can go.
 */
function withoutLastClause(sentence: string): string | undefined {
  const end = /(\s*\[\d+\])?\s*[.!?…]?$/.exec(sentence);
  if (!end) return undefined;
  const marker = end[1] ?? '';
  const body = sentence.slice(0, end.index);
  // An aside in brackets goes first, unless it is an acronym the answer introduces: « (PTAI) ».
  const aside = /\s*\(([^()]*)\)$/.exec(body);
  if (aside && aside.index >= MIN_CLAUSE_KEPT && !/^[\p{Lu}\d]+$/u.test(aside[1] ?? '') && !HOLDS_FACTS.test(aside[0])) return `${body.slice(0, aside.index)}${marker}.`;
  const cut = [...body.matchAll(CLAUSE_START)].map((m) => m.index).filter((i) => i >= MIN_CLAUSE_KEPT).pop();
  // Nor is a list cut short: « …avec le préfet : les métropoles, les communautés urbaines, et les départements… ».
  if (cut === undefined || HOLDS_FACTS.test(body.slice(cut)) || body.slice(0, cut).includes(' : ')) return undefined;
  return `${body.slice(0, cut)}${marker}.`;
}

/**
 * A part's answer from the longest to the shortest, each made of whole sentences: as given, lists
 * kept to three items, later sentences left out one by one, then the first sentence's last clauses.
 */
export function shorterVersions(text: string): string[] {
  const versions = [text];
  const push = (sentences: readonly string[]): void => {
    const version = sentences.join(' ');
    if (version !== versions[versions.length - 1]) versions.push(version);
  };
  // Lists lose one item at a time, the longest list first, down to three items: as much of each as fits is kept.
  const whole = sentencesOf(text);
  const kept = whole.map((sentence) => (shortList(sentence) === sentence ? 0 : (listOf(sentence)?.items.length ?? 0)));
  let sentences = whole;
  for (let longest = kept.indexOf(Math.max(...kept)); (kept[longest] ?? 0) > LIST_ITEMS_KEPT; longest = kept.indexOf(Math.max(...kept))) {
    kept[longest] = (kept[longest] ?? 0) - 1;
    sentences = whole.map((sentence, i) => ((kept[i] ?? 0) > 0 ? shortList(sentence, kept[i]) : sentence));
    push(sentences);
  }
  while (sentences.length > 1) {
    sentences = sentences.slice(0, -1);
    push(sentences);
  }
  for (let first = sentences[0] && withoutLastClause(sentences[0]); first; first = withoutLastClause(first)) push([first]);
  return versions;
}

/** While the parts are too long, the longest that can still be shortened takes its next shorter version. */
function shortened(versions: readonly (readonly string[])[], max: number): string[] {
  const at = versions.map(() => 0);
  const texts = (): string[] => versions.map((v, i) => v[at[i] ?? 0] ?? '');
  while (texts().join(' ').length > max) {
    const current = texts();
    const longest = versions
      .map((_v, i) => i)
      .filter((i) => (at[i] ?? 0) < (versions[i]?.length ?? 0) - 1)
      .sort((a, b) => (current[b]?.length ?? 0) - (current[a]?.length ?? 0))[0];
    if (longest === undefined) break;
    at[longest] = (at[longest] ?? 0) + 1;
  }
  return texts();
}

/** The sets of `k` of `items`, those with the later items first: [2], [1], [0] from [0, 1, 2]. */
function subsets(items: readonly number[], k: number): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  const later = [...items].reverse();
  for (const [at, item] of later.entries()) for (const rest of subsets(later.slice(at + 1).reverse(), k - 1)) out.push([item, ...rest]);
  return out;
}

/**
 * The parts of an answer within MAX_ANSWER_LENGTH characters together, none left out silently:
 * each part is shortened within itself, the longest first, so that every part keeps a share and a
 * short part stays whole. When even their shortest versions do not fit, as few parts as possible
 * (the later ones first) give way to one note naming them (`crowdedOut`); a part without a label
 * (a note itself) always stays.
 */
export function fitParts(
  versions: readonly (readonly string[])[],
  labels: readonly (string | undefined)[],
  crowdedOut: (labels: readonly string[]) => string,
  max: number = MAX_ANSWER_LENGTH,
): string[] {
  const declinable = labels.flatMap((label, i) => (label === undefined ? [] : [i]));
  for (let k = 0; k < Math.max(1, declinable.length); k += 1) {
    for (const left of subsets(declinable, k)) {
      const kept = versions.filter((_v, i) => !left.includes(i));
      const named = [...left].sort((a, b) => a - b).map((i) => labels[i] ?? '');
      const texts = shortened(left.length === 0 ? kept : [...kept, [crowdedOut(named)]], max);
      if (texts.join(' ').length <= max) return texts;
    }
  }
  return shortened(versions, max);
}

/** Markers renumbered in the order the answer cites them, the sources no marker cites left out. */
export function renumbered(composed: ComposedAnswer): ComposedAnswer {
  const order: number[] = [];
  const answer = composed.answer.replace(/\[(\d+)\]/g, (_all, n: string) => {
    let at = order.indexOf(Number(n));
    if (at < 0) {
      order.push(Number(n));
      at = order.length - 1;
    }
    return `[${at + 1}]`;
  });
  const sources = order.map((n) => composed.sources[n - 1]).filter((s): s is ComposedAnswer['sources'][number] => s !== undefined);
  return { answer, sources };
}

/**
 * The answer within MAX_ANSWER_LENGTH characters: whole sentences are kept from the start while
 * they fit (the first always), and the sources no kept sentence cites are dropped and the markers
 * renumbered.
 */
export function withinAnswerLength(composed: ComposedAnswer): ComposedAnswer {
  if (composed.answer.length <= MAX_ANSWER_LENGTH) return composed;
  const sentences = composed.answer.split(SENTENCE_END);
  // Lists first: the longest list keeps its first items and « etc. », the source holding the rest.
  for (let round = 0; round < sentences.length && sentences.join(' ').length > MAX_ANSWER_LENGTH; round += 1) {
    const longest = sentences.map((sentence, i) => ({ sentence, i, short: shortList(sentence) })).filter((c) => c.short !== c.sentence).sort((a, b) => b.sentence.length - a.sentence.length)[0];
    if (!longest) break;
    sentences[longest.i] = longest.short;
  }
  const kept: string[] = [];
  for (const sentence of sentences) {
    const next = [...kept, sentence].join(' ');
    if (kept.length > 0 && next.length > MAX_ANSWER_LENGTH) continue;
    kept.push(sentence);
  }
  return renumbered({ answer: kept.join(' '), sources: composed.sources });
}
