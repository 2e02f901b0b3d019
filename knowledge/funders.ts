// Reading the budget's other funders from what an official types: « la CAF pour 3 000 € et la région 2 000 € », « non, personne d'autre ».
import { formatEuros } from './formatting';
import { normalizeText, parseEuros, parseYesNo, type ParseResult } from './parsers';

/** A funder other than the State and the collectivity, with the amount it brings. */
export interface Funder {
  readonly name: string;
  readonly amountEuros: number;
  /** Said in passing at another question, before the other funders were asked: confirmed when that question comes. */
  readonly saidEarly?: boolean;
}

/** `yes`: the official said there are other funders without naming them (the names and amounts are asked next). */
/** `unpriced`: funders named after the last amount without one (« la CAF 8000 et la fondation de France »), whose amount is to be asked. */
export type FundersAnswer = { kind: 'none' } | { kind: 'yes' } | { kind: 'list'; funders: Funder[]; unpriced?: string[] };

/** At most this many other funders, and this long a name (as the dossier stores them). */
export const FUNDER_LIMITS = { count: 20, name: 200 } as const;

const EXAMPLE = 'Par exemple : « la CAF pour 3 000 € et la région 2 000 € », ou « non ».';

// A French amount: « 3 000 », « 3000 », « 2 500,50 », « 15 k€ », « 1,5 M€ », with its unit if any.
const AMOUNT = /\d{1,3}(?:[ .]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?/g;
const UNIT = /^\s*(?:(?:k|m|milliers?|mille|millions?)(?![\p{L}]))?\s*(?:€|euros?\b|eur\b)?/iu;

/** No other funder: « non », « personne d'autre », « nous sommes seuls », « aucun ». */
const NONE = /^(aucun|aucune|personne|rien|nous sommes seuls?|on est seuls?|seuls?|pas d'autres?|pas de financeurs?)\b|\b(personne d'autre|aucun autre|aucune autre|pas d'autres? financeurs?)\b/;

// Words around a funder's name that are no part of it: connectors, articles, verbs of giving.
const LEADING = /^(?:[\s,;:.!?+\-–—/()]|et\b|puis\b|ainsi que\b|plus\b|avec\b|oui\b|si\b|alors\b|donc\b|il y a\b|nous avons\b|on a\b|aussi\b|egalement\b|de la\b|de l'|du\b|des\b|de\b|d'|la\b|le\b|les\b|l'|un\b|une\b)+/;
// Whole words only (« met » is a verb, not « m » + « et »).
const TRAILING =
  /(?:[\s,;:.!?+\-–—=/()]|(?<![\p{L}])(?:pour(?: un montant de)?|a hauteur de|qui|(?:apporte|donne|finance|verse|participe|contribue|met)(?:nt)?|mettra|apportera|prend en charge|de|avec|et|environ|soit|aussi|egalement|en plus)(?![\p{L}]))+$/u;
/** A total repeated at the end (« soit 5 000 € au total ») is not a funder. */
const TOTAL = /^(soit|au total|en tout|total)\b/;

/**
 * Reads the answer to « D'autres financeurs participent-ils au projet ? »: none, a bare yes, or a list
 * of funders with their amounts. A name without an amount (or the reverse) is refused with what is missing,
 * so that nothing half-understood is stored.
 */
export function parseFunders(input: string): ParseResult<FundersAnswer> {
  const original = input.normalize('NFC').replace(/[\u00a0\u202f]/g, ' ').replace(/[’‘`´]/g, "'").trim();
  const amounts = [...original.matchAll(AMOUNT)].map((match) => {
    const unit = UNIT.exec(original.slice(match.index + match[0].length))?.[0] ?? '';
    return { start: match.index, end: match.index + match[0].length + unit.length, text: `${match[0]}${unit}` };
  });
  const plain = normalizeText(original).replace(/[!.?]+$/g, '');
  if (amounts.length === 0) {
    const yesNo = parseYesNo(plain);
    if ((yesNo.ok && !yesNo.value) || NONE.test(plain)) return { ok: true, value: { kind: 'none' } };
    const names = nameOf(original);
    if (yesNo.ok && names === '') return { ok: true, value: { kind: 'yes' } };
    if (names !== '') return { ok: false, reason: `Indiquez aussi le montant apporté par chaque financeur. ${EXAMPLE}` };
    return { ok: false, reason: `Je n’ai pas compris. Indiquez le nom et le montant de chaque autre financeur, ou répondez « non ». ${EXAMPLE}` };
  }

  // The names come before their amounts (« la CAF 3 000 € ») unless the first amount has none before it (« 3 000 € de la CAF »).
  const namesBefore = nameOf(original.slice(0, amounts[0]!.start)) !== '';
  const funders: Funder[] = [];
  for (const [index, amount] of amounts.entries()) {
    const around = namesBefore
      ? original.slice(index === 0 ? 0 : amounts[index - 1]!.end, amount.start)
      : original.slice(amount.end, amounts[index + 1]?.start ?? original.length);
    if (TOTAL.test(normalizeText(around).replace(LEADING, ''))) continue;
    const name = nameOf(around);
    if (name === '') return { ok: false, reason: `Je n’ai pas trouvé le nom du financeur qui apporte ${amount.text.trim()}. ${EXAMPLE}` };
    const euros = parseEuros(amount.text);
    if (!euros.ok) return { ok: false, reason: `Le montant de « ${name} » n’est pas lisible. ${EXAMPLE}` };
    if (euros.value <= 0) return { ok: false, reason: `Le montant de « ${name} » doit être supérieur à zéro. ${EXAMPLE}` };
    if (name.length > FUNDER_LIMITS.name) return { ok: false, reason: `Le nom d’un financeur est trop long (${FUNDER_LIMITS.name} caractères au plus).` };
    funders.push({ name, amountEuros: euros.value });
  }
  if (funders.length === 0) return { ok: false, reason: `Indiquez le nom et le montant de chaque autre financeur. ${EXAMPLE}` };
  // « la CAF 8000 et la fondation de France »: a name listed after the last amount, without one of its own, is never dropped.
  const unpriced = namesBefore ? unpricedAfter(original.slice(amounts[amounts.length - 1]!.end)) : [];
  if (funders.length + unpriced.length > FUNDER_LIMITS.count) return { ok: false, reason: `Vous pouvez indiquer ${FUNDER_LIMITS.count} autres financeurs au plus : regroupez les plus petits.` };
  return { ok: true, value: { kind: 'list', funders, ...(unpriced.length > 0 ? { unpriced } : {}) } };
}

/** The funders listed (« et la fondation de France », « , la région ») in what follows the last amount; empty when it names none. */
function unpricedAfter(tail: string): string[] {
  const folded = normalizeText(tail);
  if (!/^\s*(?:,|et\b|ainsi que\b|plus\b|puis\b)/.test(folded) && !FUNDER_NAMES.test(folded)) return [];
  if (TOTAL.test(folded.replace(LEADING, ''))) return [];
  return tail
    .split(/,|;|\set\s|\sainsi que\s/)
    .map(nameOf)
    .filter((name) => name.length >= 2 && name.length <= FUNDER_LIMITS.name && !/^(c'est tout|c'est|voila|rien|merci|pour|au total|en tout)\b/.test(normalizeText(name)));
}

/**
 * The funder's name in a piece of text, without the words around it, as typed, capitalised
 * (« et la région » → « Région »). Trimming is decided on the folded text, whose length is the same.
 */
function nameOf(text: string): string {
  const folded = foldSameLength(text);
  const start = LEADING.exec(folded)?.[0].length ?? 0;
  const rest = folded.slice(start);
  const end = rest.length - (TRAILING.exec(rest)?.[0].length ?? 0);
  const name = text.slice(start, start + end).trim();
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Lower case without accents, one character for one, so positions in it are positions in the original. */
function foldSameLength(text: string): string {
  return text.replace(/./gsu, (character) => {
    const folded = character.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    return folded.length === character.length ? folded : character;
  });
}

/** The funders an official names at another question, by the names funders go by (never the State nor the collectivity). */
const FUNDER_NAMES = /\b(?:caf|msa|ars|anct|fse\+?|fonds social europeen|france travail|pole emploi|(?:la )?region|conseil regional|conseil departemental|union europeenne|l'europe|(?:une |la )?fondation)\b/;
/** Where a clause ends: a funder and its amount are read within one. */
const CLAUSE = /[.;!?]|,(?!\d)|\s(?:et|mais|puis|dont)\s/;

/**
 * « la CAF met aussi 10 000 € » said while another question is on screen: the funders named with their amount in
 * the same clause (« le coût est de 20 000 €, la région apporte 4 000 € » → Région, 4 000 €); empty when none is.
 */
export function fundersNamedIn(text: string): Funder[] {
  const original = text.normalize('NFC').replace(/[\u00a0\u202f]/g, ' ').replace(/[’‘`´]/g, "'");
  const clauses = original.split(new RegExp(CLAUSE.source, 'g'));
  const funders: Funder[] = [];
  for (const clause of clauses) {
    const named = FUNDER_NAMES.exec(foldSameLength(clause));
    if (!named || !/\d/.test(clause)) continue;
    // From the name on (« le coût est de 20 000 € la CAF met 5 000 € »), else the whole clause (« 10 000 € de la CAF »).
    const funder = [clause.slice(named.index), clause].map(onlyFunderOf).find((found) => found !== undefined);
    if (funder) funders.push(funder);
  }
  return funders.slice(0, FUNDER_LIMITS.count);
}

function onlyFunderOf(clause: string): Funder | undefined {
  const parsed = parseFunders(clause);
  if (!parsed.ok || parsed.value.kind !== 'list' || parsed.value.funders.length !== 1) return undefined;
  const [funder] = parsed.value.funders;
  return funder && FUNDER_NAMES.test(foldSameLength(funder.name)) ? funder : undefined;
}

/** How many euro amounts a message gives, to tell whether the funders' are all of them. */
export function amountsIn(text: string): number {
  return [...text.replace(/[\u00a0\u202f]/g, ' ').matchAll(AMOUNT)].length;
}

/** « la CAF (3 000 €) et la région (2 000 €) », for the chat's confirmations and summaries. */
export function fundersText(funders: readonly Funder[]): string {
  const parts = funders.map((funder) => `${funder.name} (${formatEuros(funder.amountEuros)})`);
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} et ${parts[parts.length - 1]}`;
}
