// The details of in-kind commitments said with them (« on prête une salle à la médiathèque », « un agent à
// mi-temps »), and the estimated value a detail states (« valorisée environ 6 000 € par an »).
import { parseCommitmentKinds, parseEuros } from '../parsers';
import type { CommitmentKind } from '../schemes';
import { fold } from './text';

/** The forms of commitment whose detail a clause can give; a cofinancing has an amount, « autre » is too loose a word. */
const DETAILED: ReadonlySet<CommitmentKind> = new Set(['premises', 'staff', 'communication', 'association_support']);

/** Where one clause ends: a full stop, a semicolon, « et », or a comma followed by a space. */
const CLAUSE_END = /\s*(?:[.;!?]+(?:\s+|$)|,\s+|\s+et\s+)/g;

/** The verb that puts a form of commitment forward (« on prête », « nous mettons à disposition »), with its openers. */
const LEAD =
  /^(?:(?:et|puis|aussi|enfin|alors|donc|oui|euh|ben|bah|sinon|plus)\s+)*(?:(?:on|nous|la (?:ville|commune|collectivit[ée]))\s+(?:(?:va|vont|allons|peut|pouvons|pourra|pourrons|pourrait)\s+)?(?:pr[eê]t\w*|met\w*|fer\w*|fai\w*|fourni\w*|donne\w*|apport\w*|propos\w*|assur\w*|soutien\w*|subventionn\w*|relai\w*|relay\w*|diffus\w*|communiqu\w*|a|avons|aura|aurons)\s+(?:aussi\s+|[ée]galement\s+|en plus\s+)?(?:[àa]\s+dispo(?:sition)?\s+)?)?/i;

/** « la salle c'est … », « pour le personnel, ce sera … »: the kind named as a topic, then its detail. */
const TOPIC = /^(?:pour |c[ôo]t[ée] )?(?:la salle|les salles|les locaux|le local|le personnel|l'agent|l’agent|la communication)\s*,?\s*(?:c'est|c’est|ce sera|ce serait|sera|est)\s+/i;

/** Words that value a form of commitment rather than put money in. */
const VALUING = /\b(valeur|valoris\w*|estim\w*|vaut|represente)\b/;

/** Words that only name the form itself (« une salle », « des locaux », « du personnel »): no detail beyond the kind. */
const KIND_WORDS =
  /\b(une?|des|du|de|d'|la|le|les|l'|a|au|aux|en|dans|pour|notre|nos|nous|on|aussi|egalement|salles?|locaux|local|batiments?|pret|prete|prets|(?:inter)?(?:municip|commun)(?:ale?s?|aux)|agents?|personnels?|salaries?|mise|mis|disposition|dispo|communication|relais|soutien|soutenir|associations?|porteuses?|projet|actions?|etc|fai\w*|fer\w*|assur\w*|mett\w*|met|mets|pret\w*|donn\w*|apport\w*|propos\w*|fourni\w*|relai\w*|relay\w*|diffus\w*|souten\w*|soutien\w*|subventionn\w*|va|vont|allons|peut|pouvons|pourr\w*)\b/g;

/** Whether a detail says more than its kind word: a place, a person, a rhythm. */
function saysMore(detail: string): boolean {
  const rest = fold(detail).replace(/[’]/g, "'").replace(KIND_WORDS, ' ');
  return /\d|[a-z]{3,}/.test(rest);
}

/**
 * The detail said for each in-kind form of commitment among `kinds`, clause by clause, as typed, without the verb
 * that puts it forward: « on met 20 000 euros et on prête une salle à la médiathèque » → premises « une salle à la
 * médiathèque ». A clause that names no form continues the one before (« la salle polyvalente, deux demi-journées par
 * semaine », « …, valeur environ 22 000 € »); a bare « une salle » or « des locaux » is no detail.
 */
export function commitmentDetailsIn(text: string, kinds: readonly CommitmentKind[]): Partial<Record<CommitmentKind, string>> | undefined {
  const clauses: Array<{ start: number; end: number; kind?: CommitmentKind }> = [];
  let start = 0;
  const close = (end: number) => {
    const clause = text.slice(start, end);
    if (clause.trim() === '') return;
    const named = parseCommitmentKinds(clause);
    // « …, valeur environ 22 000 € »: an amount that values the form before is part of its detail, not a cofinancing.
    const valuing = VALUING.test(fold(clause)) && (!named.ok || named.value.every((kind) => kind === 'cofinancing'));
    const kind = named.ok && !valuing ? named.value[0] : undefined;
    const last = clauses[clauses.length - 1];
    if (kind === undefined && last) last.end = end;
    else clauses.push({ start, end, kind });
  };
  for (const match of text.matchAll(CLAUSE_END)) {
    close(match.index);
    start = match.index + match[0].length;
  }
  close(text.length);
  const details: Partial<Record<CommitmentKind, string>> = {};
  for (const clause of clauses) {
    if (!clause.kind || !DETAILED.has(clause.kind) || !kinds.includes(clause.kind) || details[clause.kind]) continue;
    const detail = text
      .slice(clause.start, clause.end)
      .trim()
      .replace(LEAD, '')
      .replace(TOPIC, '')
      .replace(/[\s,;:.!]+$/, '')
      .trim();
    if (detail && saysMore(detail)) details[clause.kind] = detail;
  }
  return Object.keys(details).length > 0 ? details : undefined;
}

/** A euro amount written in a detail (« valorisée à 25 000 € par an »), as the estimated value. */
export function estimatedValueIn(text: string): number | undefined {
  const said = /\d[\d\s.,]*\s*(?:k\s?€|m\s?€|€|euros?\b)/i.exec(text);
  const parsed = said ? parseEuros(said[0]) : undefined;
  return parsed?.ok ? parsed.value : undefined;
}

/** Whether a detail already states its estimated value (« …, valeur environ 22000 € »): the value is then shown once, in the detail. */
export function detailStatesValue(detail: string | undefined, valueEuros: number | undefined): boolean {
  if (!detail || valueEuros === undefined) return false;
  return [...detail.matchAll(/\d[\d\s.,]*\s*(?:k\s?€|m\s?€|€|euros?\b)/gi)].some((said) => {
    const parsed = parseEuros(said[0]);
    return parsed.ok && parsed.value === valueEuros;
  });
}
