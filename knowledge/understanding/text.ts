// The text the rules read: lower case, no accents, SMS spellings spelled out, openers and politeness removed.
import { restoreElisions } from '../faq/questionNormalization';
import { normalizeText } from '../parsers';

/** SMS and hurried spellings, read as the words they stand for (whole words only). */
const SPELLINGS: ReadonlyArray<[RegExp, string]> = [
  [/\bc koi\b|\bckoi\b|\bc quoi\b|\bc'est koi\b|\bcest quoi\b/g, "c'est quoi"],
  [/\bkoi\b/g, 'quoi'],
  [/\bqd\b/g, 'quand'],
  [/\bpk\b|\bpq\b|\bpourquoi\b/g, 'pourquoi'],
  [/\bcb\b/g, 'combien'],
  [/\bjsp\b|\bj'sais pas\b|\bchais pas\b|\bjsais pas\b/g, 'je sais pas'],
  [/\bchui\b|\bchuis\b|\bj'suis\b/g, 'je suis'],
  [/\bstp\b|\bsvp\b|\bs'il vous plait\b|\bs'il te plait\b/g, ''],
  [/\bmrc\b|\bmci\b|\bmerci beaucoup\b/g, 'merci'],
  [/\bbjr\b|\bbonjours\b/g, 'bonjour'],
  [/\bslt\b/g, 'salut'],
  [/\bg\b/g, "j'ai"],
  [/\bc\b(?!')/g, "c'est"],
  [/\bcv\b/g, 'ca va'],
  [/\bjarrete\b/g, "j'arrete"],
  [/\bjai\b/g, "j'ai"],
  [/\bjveux\b/g, 'je veux'],
  [/\bveu\b/g, 'veux'],
  [/\bpa\b/g, 'pas'],
  [/\bbcp\b/g, 'beaucoup'],
  [/\bdonnes\b|\bdonnés\b/g, 'donnees'],
  [/\bcest\b/g, "c'est"],
  // « ya pas de diagnostic » says « y a pas », a statement; « il y a … » opens a question.
  [/\bya\b/g, 'y a'],
  [/\bds\b/g, 'dans'],
  [/\bpr\b/g, 'pour'],
  [/\btt\b/g, 'tout'],
  [/\bpb\b/g, 'probleme'],
  [/\bdpt\b|\bdept\b|\bdep\b/g, 'departement'],
  [/\bmodif\b/g, 'modifier'],
  [/\brecap\b/g, 'recapitulatif'],
  [/\bqqn\b/g, "quelqu'un"],
  [/\bqqch\b/g, 'quelque chose'],
  [/\bmtn\b/g, 'maintenant'],
  [/\bauj\b|\bajd\b/g, "aujourd'hui"],
  [/\bpref\b/g, 'prefecture'],
  [/\bla diff\b/g, 'la difference'],
  // Inversions typed without hyphens: « a t elle », « peut on », « ou en sommes nous » → « a-t-elle », « peut-on », « sommes-nous ».
  [/\b(\w+)[ -]t[ -](il|elle|ils|elles|on)\b/g, '$1-t-$2'],
  [/\b(sommes|suis|peut|peux|dois|doit|faut|est|sont|avez|pouvez|pourriez|voulez|savez|devons|pouvons|devez|allez|avons|aurons|aurai|puis|dois|faudrait) (nous|vous|je|il|elle|on|ils|elles)\b(?!-)/g, '$1-$2'],
  [/\best-il y a\b/g, 'est il y a'],
];

/** The words that name what to edit or correct: one typed with a slip of the finger is read as the word meant. */
const COMMAND_WORDS = ['modifier', 'changer', 'corriger', 'budget', 'mail', 'contact', 'telephone', 'fonction', 'collectivite', 'engagements', 'departement', 'population', 'diagnostic', 'description', 'beneficiaires', 'financeurs', 'intitule', 'cofinancement'];

/** Whether `typed` is `word` with two neighbouring letters swapped, one letter replaced, or one letter left out. */
function oneSlipFrom(typed: string, word: string): boolean {
  if (typed.length === word.length) {
    const differ = [...typed].flatMap((letter, index) => (letter === word[index] ? [] : [index]));
    if (differ.length === 2 && differ[1] === differ[0]! + 1) return typed[differ[0]!] === word[differ[1]!] && typed[differ[1]!] === word[differ[0]!];
    // A replaced letter in a short word makes another word too often (« mais », « mail »).
    return differ.length === 1 && typed.length >= 5;
  }
  // A letter more or fewer at the end is a plural or a conjugation (« contacte », « corrige »), not a slip; one fewer
  // inside a word long enough is.
  if (typed.length !== word.length - 1 || typed.length < 5) return false;
  for (let index = 0; index < word.length - 1; index += 1) if (word.slice(0, index) + word.slice(index + 1) === typed) return true;
  return false;
}

/** « regionnal », « communeauté »: one letter more inside a word long enough (not at its end, which is a plural or a conjugation). */
function oneInsertedInto(typed: string, word: string): boolean {
  if (typed.length !== word.length + 1 || word.length < 6) return false;
  for (let index = 1; index < typed.length - 1; index += 1) if (typed.slice(0, index) + typed.slice(index + 1) === word) return true;
  return false;
}

/** The words that name a kind of collectivity, read through a slip on the kind question (« departemnt », « comunauté de comunes »). */
const KIND_WORDS = ['commune', 'communes', 'communaute', 'agglomeration', 'urbaine', 'metropole', 'departement', 'departemental', 'region', 'regional', 'regionale', 'mairie', 'municipalite'];

/** « conseil régionnal », « communeauté urbaine » → « conseil regional », « communaute urbaine » (folded text). */
export function mendKindWords(folded: string): string {
  return folded.replace(/\p{L}{5,}/gu, (typed) => (KIND_WORDS.includes(typed) ? typed : (KIND_WORDS.find((word) => oneSlipFrom(typed, word) || oneInsertedInto(typed, word)) ?? typed)));
}

/** « modifer le budjet », « changer le mial » → « modifier le budget », « changer le mail ». */
export function mendCommandWords(folded: string): string {
  return folded.replace(/\p{L}{4,}/gu, (typed) => (COMMAND_WORDS.includes(typed) ? typed : (COMMAND_WORDS.find((word) => oneSlipFrom(typed, word)) ?? typed)));
}

/** Lower case, no accents, SMS spellings spelled out, command words mended, punctuation kept as single spaces around words. */
export function fold(text: string): string {
  let folded = restoreElisions(normalizeText(text).replace(/[«»"“”]/g, ' ').replace(/…/g, '...'));
  for (const [pattern, replacement] of SPELLINGS) folded = folded.replace(pattern, replacement);
  return mendCommandWords(folded.replace(/\s+/g, ' ').trim());
}

/** Words that open a message without carrying its point. */
const OPENER = new RegExp(
  '^(?:' +
    [
      'bonjour( a (vous|tous))?',
      'bonsoir',
      'salut',
      'coucou',
      'hello',
      're',
      'madame,? monsieur',
      'madame',
      'monsieur',
      'attendez',
      'attends',
      'attendez une seconde',
      'une seconde',
      'pardon',
      'excusez[- ]moi( mais)?',
      'excuse[- ]moi( mais)?',
      'desolee?( mais)?',
      'euh+',
      'heu+',
      'bon',
      'alors',
      'ah',
      'oh',
      'hmm+',
      'tiens',
      'au fait',
      'dites[- ]moi',
      'dis[- ]moi',
      'juste une question',
      'petite question',
      'une question',
      "j'ai une question",
      'question',
    ].join('|') +
    ')(?:[\\s,;:.!?-]+|$)',
);

/** The message without its openers (« bonjour, attendez, excusez-moi mais c'est quoi un BPI ? » → « c'est quoi un bpi ? »). */
export function stripOpeners(folded: string): string {
  let text = folded;
  for (let guard = 0; guard < 6; guard += 1) {
    const stripped = text.replace(OPENER, '').trim();
    if (stripped === text) break;
    text = stripped;
  }
  return text;
}

/** The message as typed, without its openers: what the FAQ should be asked (« excusez-moi mais c'est quoi un BPI ? » → « c'est quoi un BPI ? »). */
export function withoutOpeners(raw: string, plain: string): string {
  let offset = 0;
  for (let guard = 0; guard < 6; guard += 1) {
    const rest = plain.slice(offset);
    const trimmed = rest.length - rest.trimStart().length;
    const match = OPENER.exec(rest.trimStart());
    if (!match || match[0].length === 0) break;
    offset += trimmed + match[0].length;
  }
  const result = raw.slice(offset).trim();
  return result.length > 0 ? result : raw.trim();
}

/**
 * Conversational preambles before an answer, never part of its value: « je viens de le dire : »,
 * « comme je vous l'ai dit, », « je répète : », « euh, », « bon ben ». Read on the plain text (lower case, no accents).
 */
const PREAMBLE = new RegExp(
  '^(?:' +
    [
      "(?:je )?(?:viens|venais) de (?:le |vous le )?(?:dire|ecrire|indiquer|preciser|donner)",
      "comme (?:je )?(?:l'ai|vous l'ai|le)? ?(?:deja )?(?:dit|ecrit|indique|precise)(?: (?:plus haut|avant|precedemment))?",
      "je (?:l'ai|vous l'ai|vous ai) deja (?:dit|ecrit|indique|donne|repondu)",
      "(?:je l'ai |j'ai )?deja (?:dit|repondu|ecrit|indique)",
      "je (?:le )?repete",
      "je le redis",
      "c'est ce que (?:je viens de dire|j'ai dit|je disais)",
      "(?:comme )?(?:dit|indique|precise) (?:plus haut|avant|precedemment)",
      "(?:euh+|heu+|ben|bah|bon|alors|hmm+|ah|oh)(?= *[,.;:!]| (?:ben|bah|alors|euh|donc)\\b)",
      'donc(?= *[,:])',
    ].join('|') +
    ")\\s*(?:[,;:.!-]+\\s*|\\s+(?:donc|c'est|:)\\s*)?",
);

/** An answer as typed without its conversational preambles (« je viens de le dire : Sandrine Lemaitre » → « Sandrine Lemaitre »); unchanged when nothing is left. */
export function withoutPreamble(raw: string, plain: string): string {
  let offset = 0;
  for (let guard = 0; guard < 6; guard += 1) {
    const rest = plain.slice(offset);
    const trimmed = rest.length - rest.trimStart().length;
    const match = PREAMBLE.exec(rest.trimStart());
    if (!match || match[0].length === 0) break;
    offset += trimmed + match[0].length;
  }
  const result = raw.slice(offset).trim();
  return result.length > 0 ? result : raw.trim();
}

/**
 * How a typed list changes a selection already made: « enlevez l'accès aux soins et l'emploi » removes
 * those, « ajoutez la mobilité » adds it; undefined when the list is the new selection.
 */
function selectionChange(text: string): 'remove' | 'add' | undefined {
  const folded = fold(text);
  if (/\b(enlev|retir|supprim|ot|decoch)(e|es|ez|er|ons)\b|\b(sans|sauf|hormis|excepte)\b|\bplus (de |d'|du |la |le |l'|les )/.test(folded)) return 'remove';
  if (/\b(r?ajout|cochez|coche)(e|es|ez|er|ons)?\b|\ben plus\b|\b(aussi|egalement)\b/.test(folded)) return 'add';
  return undefined;
}

/** A selection changed as a typed list says (see selectionChange): the current one less or plus what it names. */
export function changedSelection<T>(text: string, current: readonly T[], named: readonly T[]): T[] {
  const change = selectionChange(text);
  if (change === 'remove') return current.filter((value) => !named.includes(value));
  if (change === 'add') return [...new Set([...current, ...named])];
  return [...new Set(named)];
}
