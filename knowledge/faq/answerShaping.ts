// The last touches on an answer before it is shown: the option a choice question asks for put
// first (« Le préfet : … »), parts of the question named as typed, and the answer kept within the
// chat's length without cutting a sentence.
import { MAX_ANSWER_LENGTH } from './blindEvaluation';
import type { ComposedAnswer } from './extractiveAnswer';
import { foldAccents } from './frenchText';

const foldChar = (c: string): string => foldAccents(c.toLowerCase()).replace(/[’‘`´ʼ]/g, "'").replace(/œ/g, 'oe').replace(/\s/g, ' ');

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
    const f = foldChar(typed.charAt(i));
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

const foldSentence = (sentence: string): string => foldAccents(sentence.toLowerCase()).replace(/[’']/g, "'");

function mentions(sentence: string, option: string): boolean {
  return optionPattern(option).test(foldSentence(sentence));
}

/** The option's head word as the answer spells it (« prefet » typed without accents, « préfet » shown). */
function accented(option: string, answer: string): string {
  const head = option.replace(ARTICLE, '').split(/\s+/)[0] ?? '';
  const word = answer.split(/[^\p{L}'’-]+/u).find((w) => foldSentence(w) === head || foldSentence(w) === `${head}s`);
  if (!word || head.length < 3) return option;
  const spelled = foldSentence(word) === head ? word : word.slice(0, -1);
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
  const spelled = foldSentence(shown) === shown ? accented(shown, answer) : shown;
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

/** « … : a, b, c, d ou e [2]. » → « … : a, b, c, etc. [2] »; a sentence without a list of four common nouns or more is left as it is. */
function shortList(sentence: string): string {
  const colon = sentence.lastIndexOf(' : ');
  const end = /(?:,? etc\.?|…)?(\s*\[\d+\])?\s*[.!?…]?$/.exec(sentence);
  if (colon < 0 || !end) return sentence;
  const items = sentence.slice(colon + 3, end.index).split(/,\s+|\s+ou\s+(?=(?:le|la|les|l['’]|un|une|des|du)\s?\S)/);
  // A list of names (the engaged territories) is the fact asked for: it is never shortened.
  if (items.length <= LIST_ITEMS_KEPT + 1 || items.some((item) => /^\p{Lu}/u.test(item.trim()))) return sentence;
  return `${sentence.slice(0, colon + 3)}${items.slice(0, LIST_ITEMS_KEPT).join(', ')}, etc.${end[1] ?? ''}`;
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
  const order: number[] = [];
  const answer = kept.join(' ').replace(/\[(\d+)\]/g, (_all, n: string) => {
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
