// Numbers as officials write them: digits with any separator, « 1,7 million », « 100k€ », « cinquante mille
// euros », « une trentaine », each with what follows it (euros, inhabitants, people…).
const UNITS: Record<string, number> = {
  zero: 0, un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, six: 6, sept: 7, huit: 8, neuf: 9, dix: 10,
  onze: 11, douze: 12, treize: 13, quatorze: 14, quinze: 15, seize: 16, vingt: 20, trente: 30, quarante: 40,
  cinquante: 50, soixante: 60, septante: 70, huitante: 80, octante: 80, nonante: 90, cent: 100, cents: 100,
};
const APPROXIMATE: Record<string, number> = { dizaine: 10, douzaine: 12, quinzaine: 15, vingtaine: 20, trentaine: 30, quarantaine: 40, cinquantaine: 50, soixantaine: 60, centaine: 100 };

/** Written just after the words that announce the wrong value of a correction. */
export const NEGATED_BEFORE = /(\bpas|\bnon|et non|au lieu d[eu']?|plutot qu[e']|non pas|et pas|\bni|(j'ai|j'avais|g|on a|on avait|vous avez|ai) (mis|dit|tape|ecrit|indique|saisi|donne|note))\s*(que |qu')?(le |la |l'|les |de |des |du |d'|a |au |un |une )?\s*$/;

type NumberUnit = 'euros' | 'inhabitants' | 'people' | 'percent' | 'other' | 'none';

export interface NumberMention {
  value: number;
  unit: NumberUnit;
  /** Where it starts and ends in the folded text. */
  start: number;
  end: number;
  /** Written after « pas », « et non », « au lieu de »: the wrong value of a correction. */
  negated: boolean;
  /** Followed or preceded by the name of a thing it counts which is no amount (« 14 chiffres », « poste 214 »). */
  text: string;
}

const WORD = '(?:zero|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingts?|trente|quarante|cinquante|soixante|septante|huitante|octante|nonante|cents?|mille|et)';
const MULTIPLIER = '(?:\\s*(?:milliards?|mds?|millions?|m(?:€|e\\b)|m\\b|millier?s?|mille|k€|ke\\b|k\\b|keur\\b))';
const DIGITS = '\\d{1,3}(?:[ .\\u00a0\\u202f]\\d{3})+(?:,\\d+)?|\\d+(?:[.,]\\d+)?';
const MENTION = new RegExp(`(${DIGITS})(${MULTIPLIER})?|\\b(${WORD}(?:[\\s-]+${WORD})*)\\b(${MULTIPLIER})?|\\b(?:une? )?(dizaine|douzaine|quinzaine|vingtaine|trentaine|quarantaine|cinquantaine|soixantaine|centaine)\\b`, 'g');

function multiplierOf(text: string | undefined): number {
  const word = (text ?? '').trim();
  if (!word) return 1;
  if (/^(milliards?|mds?)/.test(word)) return 1_000_000_000;
  if (/^(millions?|m)/.test(word)) return 1_000_000;
  return 1_000;
}

function readDigits(text: string): number {
  const compact = text.replace(/[\u00a0\u202f]/g, ' ');
  if (/^\d{1,3}([ .]\d{3})+(,\d+)?$/.test(compact)) return Number(compact.replace(/[ .]/g, '').replace(',', '.'));
  // « 12,000 » or « 12.000 » with no multiplier is a thousands separator, as people mean it.
  if (/^\d{1,3}[.,]\d{3}$/.test(compact)) return Number(compact.replace(/[.,]/, ''));
  return Number(compact.replace(',', '.'));
}

/** « cinquante mille » → 50000; « deux cent trente » → 230; undefined when no number word is there. */
function readWords(text: string): number | undefined {
  const words = text.split(/[\s-]+/).filter((word) => word !== 'et');
  if (words.length === 0) return undefined;
  let total = 0;
  let current = 0;
  let seen = false;
  for (const word of words) {
    if (word === 'mille') {
      total += (current || 1) * 1000;
      current = 0;
      seen = true;
    } else if (word === 'cent' || word === 'cents') {
      current = (current || 1) * 100;
      seen = true;
    } else if (word === 'vingts' || word === 'vingt') {
      current = current > 0 && current < 10 ? current * 20 : current + 20;
      seen = true;
    } else if (UNITS[word] !== undefined) {
      current += UNITS[word]!;
      seen = true;
    } else return undefined;
  }
  return seen ? total + current : undefined;
}

function unitAfter(restTyped: string, before: string): NumberUnit {
  const rest = restTyped.replace(/^\s*(de |d')/, ' ');
  if (/^\s*(€|euros?|eur\b|hors taxes|ht\b|ttc\b)/.test(rest) || /(€|euros?)\s*$/.test(before)) return 'euros';
  // « 4000 e » typed for euros (an ordinal is glued to its number: « 2e »).
  if (/^\s+e\b(?!')/.test(rest)) return 'euros';
  if (/^\s*(habitants?|hab\b|ames)/.test(rest)) return 'inhabitants';
  if (/^\s*(personnes?|pers\b|beneficiaires?|familles?|participants?|jeunes|femmes|hommes|enfants|adultes|refugies|stagiaires|menages|gens|bpi|primo)/.test(rest)) return 'people';
  if (/^\s*(%|pour ?cent|pourcent)/.test(rest)) return 'percent';
  if (/^\s*(chiffres?|min(utes?)?\b|heures?|h\b|jours?|semaines?|mois|ans?\b|annees?|lignes?|pages?|etp|demi|fois|eme|e\b|er\b|ere\b|sections?|actions?|questions?|etapes?)/.test(rest)) return 'other';
  if (/(poste|action|n°|numero|no|page|section|etape|question|article)\s*$/.test(before)) return 'other';
  return 'none';
}

/** Every number in a folded text, in order, with its unit. Codes (SIREN, phone, references) are the caller's to remove first. */
export function findNumbers(folded: string): NumberMention[] {
  const mentions: NumberMention[] = [];
  for (const match of folded.matchAll(MENTION)) {
    const [whole, digits, digitMultiplier, words, wordMultiplier, approximate] = match;
    let value: number | undefined;
    if (digits) value = readDigits(digits) * multiplierOf(digitMultiplier);
    else if (words) {
      // « un » and « une » alone are articles, « les deux » a pair and « zéro » a start, not numbers.
      if (/^(une?|et|zero)$/.test(words.trim())) continue;
      const start = match.index ?? 0;
      if (/(les|des|aux|tous|toutes|entre) $/.test(folded.slice(Math.max(0, start - 8), start)) && words.trim() === 'deux') continue;
      const read = readWords(words.trim());
      if (read === undefined) continue;
      // A number in words counts only with what it counts (« trois semaines », « cinquante mille euros »).
      const after = folded.slice(start + whole.length, start + whole.length + 25);
      if (unitAfter(after, '') === 'none' && !wordMultiplier && read < 1000) continue;
      value = read * multiplierOf(wordMultiplier);
    } else if (approximate) value = APPROXIMATE[approximate];
    if (value === undefined || !Number.isFinite(value)) continue;
    const start = match.index ?? 0;
    // « -5 » is minus five (a range « 2-3 » is not).
    if (digits && /(^|[^\p{L}\d])-\s*$/u.test(folded.slice(Math.max(0, start - 3), start))) value = -value;
    const end = start + whole.length;
    const before = folded.slice(Math.max(0, start - 25), start);
    const rest = folded.slice(end, end + 25);
    const multiplied = /[km€]|mill|md/.test(digitMultiplier ?? wordMultiplier ?? '');
    let unit = unitAfter(rest, before);
    if (unit === 'none' && multiplied && /€|e\b|eur/.test(digitMultiplier ?? wordMultiplier ?? '')) unit = 'euros';
    if (unit === 'none' && /k€|ke\b|m€/.test(whole)) unit = 'euros';
    const negated = NEGATED_BEFORE.test(before);
    mentions.push({ value, unit, start, end, negated, text: whole });
  }
  return mentions;
}
