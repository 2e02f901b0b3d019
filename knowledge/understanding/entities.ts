// The values a message carries, read wherever they are in a sentence: codes, numbers with their unit,
// names and roles without the words around them, choices. Pure functions of the text and the pending question.
import { DEPARTEMENT_NAMES } from '../departements';
import { fundersNamedIn } from '../funders';
import { ELIDED_WITHOUT_APOSTROPHE, isDepartementCode, isValidSiren, parseFields } from '../parsers';
import type { CollectivityKind, CommitmentKind, Public, Scheme } from '../schemes';
import { commitmentDetailsIn } from './commitmentDetails';
import { findNumbers, NEGATED_BEFORE, type NumberMention } from './numbers';
import { fold, mendCommandWords, mendKindWords } from './text';
import type { Entities, Pending, Section, SpokenCommitment, Target } from './types';

/** Lower case without accents, one character for one character, so positions in it are positions in the text as typed. */
export function plainOf(text: string): string {
  let plain = '';
  for (const character of text) {
    const folded = character.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[’‘`´]/g, "'");
    plain += folded.length === character.length ? folded : character.length === 1 ? ' ' : character;
  }
  return plain.replace(ELIDED_WITHOUT_APOSTROPHE, "$1'");
}

/** A text being read: as typed, and its plain twin in which found values are blanked out. */
interface Reading {
  raw: string;
  plain: string;
  pending: Pending;
}

function blank(reading: Reading, start: number, end: number): void {
  reading.plain = reading.plain.slice(0, start) + ' '.repeat(end - start) + reading.plain.slice(end);
}

function negatedAt(plain: string, index: number): boolean {
  return NEGATED_BEFORE.test(plain.slice(Math.max(0, index - 30), index));
}

// ---------------------------------------------------------------------------------------------
// Codes

function readReference(reading: Reading): string | undefined {
  const match = /\bti[- ]?(\d{4})[- ]?(\d{1,6})\b/.exec(reading.plain);
  if (!match) return undefined;
  blank(reading, match.index, match.index + match[0].length);
  return `TI-${match[1]}-${match[2]!.padStart(5, '0')}`;
}

function readEmail(reading: Reading): string | undefined {
  const matches = [...reading.plain.matchAll(/[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/g)];
  const chosen = matches.find((match) => !negatedAt(reading.plain, match.index)) ?? matches[0];
  for (const match of matches) blank(reading, match.index, match.index + match[0].length);
  return chosen?.[0];
}

function readPhone(reading: Reading): string | undefined {
  const pattern = /(?:\+|00)\s?33\s?(?:\(0\))?\s?[1-9](?:[\s.-]?\d){8}|(?:\+|00)\s?(?:590|596|594|262|508)(?:[\s.-]?\d){6,9}|\b0[1-9](?:[\s.-]?\d){8}\b/g;
  const matches = [...reading.plain.matchAll(pattern)];
  const chosen = matches.find((match) => !negatedAt(reading.plain, match.index)) ?? matches[0];
  for (const match of matches) blank(reading, match.index, match.index + match[0].length);
  if (!chosen) return undefined;
  const digits = chosen[0].replace(/[^\d+]/g, '').replace(/^00/, '+');
  const french = /^\+33(\d{9})$/.exec(digits);
  return french ? `0${french[1]}` : digits;
}

function readSiren(reading: Reading): string | undefined {
  const mentioned = /\bsiren\b/.test(reading.plain) || reading.pending === 'collectivity.siren';
  const matches = [...reading.plain.matchAll(/(?<![\d,.])\d{3}[ .\u00a0\u202f]?\d{3}[ .\u00a0\u202f]?\d{3}(?![\d]|\s?(€|euros?|k\b|habitants?))(?![ .]\d{3})/g)];
  const candidates = matches
    .map((match) => ({ match, digits: match[0].replace(/\D/g, '') }))
    .filter(({ digits }) => digits.length === 9 && (mentioned || isValidSiren(digits)));
  const chosen = candidates.find(({ match }) => !negatedAt(reading.plain, match.index)) ?? candidates[0];
  for (const { match } of candidates) blank(reading, match.index, match.index + match[0].length);
  return chosen?.digits;
}

// ---------------------------------------------------------------------------------------------
// Département

/** Region names contain département names (« Centre-Val de Loire »): they are read first and set aside. */
const REGION_NAMES = /\b(centre[- ]val de loire|pays de (la )?loire|auvergne[- ]rhone[- ]alpes|provence[- ]alpes[- ]cote d'azur|bourgogne[- ]franche[- ]comte|hauts[- ]de[- ]france|ile[- ]de[- ]france|grand[- ]est|nouvelle[- ]aquitaine|occitanie|bretagne|normandie)\b/g;

/** Names that are also ordinary words or towns: read only when written with a capital, or after « dans le », « en »… */
const AMBIGUOUS_NAMES = new Set(['cher', 'lot', 'nord', 'somme', 'vienne', 'var', 'manche', 'marne', 'orne', 'indre', 'aube', 'creuse', 'landes', 'loire', 'paris', 'ain', 'eure', 'gard', 'doubs', 'aude', 'oise', 'meuse', 'jura', 'savoie', 'tarn', 'gers', 'charente', 'vendee', 'moselle', 'sarthe', 'yonne', 'gironde', 'isere', 'rhone', 'reunion']);
const STRONG_AMBIGUOUS = new Set(['reunion', 'cher', 'lot', 'nord', 'somme', 'vienne', 'manche', 'creuse', 'landes', 'paris', 'ain', 'var', 'marne', 'aube']);

const DEPARTEMENT_KEYS: ReadonlyArray<{ key: string; code: string }> = Object.entries(DEPARTEMENT_NAMES)
  .map(([code, name]) => ({ code, key: plainOf(name).replace(/[-'’]/g, ' ').replace(/\s+/g, ' ').replace(/^la /, '') }))
  .sort((a, b) => b.key.length - a.key.length);

/** A département's name as a pattern: « Seine-Saint-Denis » also as « seine st denis ». */
function departementPattern(key: string): RegExp {
  return new RegExp(`\\b${key.replace(/\bsainte\b/g, '(?:sainte|ste)').replace(/\bsaint\b/g, '(?:saint|st)').replace(/ /g, '\\s+')}\\b`, 'g');
}

function readDepartement(reading: Reading): string | undefined {
  const spaced = reading.plain.replace(/[-']/g, ' ').replace(REGION_NAMES, (match) => ' '.repeat(match.length));
  const found: Array<{ code: string; index: number; end: number }> = [];
  let remaining = spaced;
  for (const { key, code } of DEPARTEMENT_KEYS) {
    for (const match of remaining.matchAll(departementPattern(key))) {
      const before = remaining.slice(Math.max(0, match.index - 24), match.index);
      const capitalised = /^\p{Lu}/u.test(reading.raw.slice(match.index, match.index + 1));
      const introduced = /(dans (le|la|les|l)|en|du|de la|de l|des|departement (du|de la|de l|des|de)|le|la|l|\()\s*$/.test(before);
      // « Marne, 51 », « Moselle (57) »: a name followed by its own code is the département.
      const ownCode = new RegExp(`^[\\s,(]*0?${code.toLowerCase()}\\b`).test(remaining.slice(match.index + match[0].length));
      if (AMBIGUOUS_NAMES.has(key) && !ownCode) {
        const pendingHere = reading.pending === 'collectivity.departement';
        if (STRONG_AMBIGUOUS.has(key) ? !(capitalised && (introduced || pendingHere)) && !(pendingHere && introduced) : !(capitalised || introduced || pendingHere)) continue;
      }
      found.push({ code, index: match.index, end: match.index + match[0].length });
      remaining = remaining.slice(0, match.index) + ' '.repeat(match[0].length) + remaining.slice(match.index + match[0].length);
    }
  }
  // Codes: anywhere when the question asks for one; otherwise only where a code is expected.
  // On the name question, a code set apart at the end (« Metz Métropole, 57 ») is the département.
  const trailing = reading.pending === 'collectivity.name' ? /,\s*(\d{2,3}|2a|2b)\s*[.!]?\s*$/.exec(reading.plain) : null;
  if (trailing && isDepartementCode(trailing[1]!.toUpperCase())) {
    const index = trailing.index + trailing[0].indexOf(trailing[1]!);
    found.push({ code: trailing[1]!.toUpperCase(), index, end: index + trailing[1]!.length });
  }
  const codePattern = reading.pending === 'collectivity.departement'
    ? /(?<![\d,.])\b(\d{1,3}|2a|2b)\b(?![\d]|[,.]\d|\s\d{3}\b|\s*(€|euros?|k\b|%|habitants?|personnes?|ans|mois|jours?|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre))/g
    : /(?:\(\s*(\d{2,3}|2a|2b)\s*[),]|\b(?:departement|dans le|du|le|en|c'est le)\s+(\d{2,3}|2a|2b)\b(?![\d.]|,\d|\s\d{3}\b|\s*(€|euros?|k\b|%|habitants?|hab\b|personnes?|beneficiaires?|familles?|ans|mois|jours?|min|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre))|\b(2a|2b)\b)/g;
  for (const match of reading.plain.matchAll(codePattern)) {
    const raw = (match[1] ?? match[2] ?? match[4] ?? '').toUpperCase();
    const code = /^\d$/.test(raw) ? `0${raw}` : raw;
    if (!isDepartementCode(code)) continue;
    const index = match.index + match[0].lastIndexOf(raw.toLowerCase());
    found.push({ code, index, end: index + raw.length });
  }
  if (found.length === 0) return undefined;
  found.sort((a, b) => a.index - b.index);
  const kept = found.filter((hit) => !negatedAt(reading.plain, hit.index));
  const chosen = (kept.length > 0 ? kept : found)[0]!;
  for (const hit of found) blank(reading, hit.index, hit.end);
  return chosen.code;
}

// ---------------------------------------------------------------------------------------------
// Collectivity

const CONNECTORS = new Set(['de', 'du', 'des', 'la', 'le', 'les', "d'", "l'", 'et', 'sur', 'en', 'aux', 'au', 'sous', 'lès', 'les']);

/** « pays de lure » → « Pays de Lure »; words already capitalised stay as typed. */
function titleCase(text: string): string {
  if (/\p{Lu}/u.test(text)) return text;
  return text
    .split(/(\s+|-|')/)
    .map((part, index) => (index > 0 && CONNECTORS.has(part) ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('')
    .replace(/\b(D|L)'/g, (letter) => letter.toLowerCase());
}

const KIND_HEADS: ReadonlyArray<{ pattern: RegExp; kind: CollectivityKind; official: string | null }> = [
  { pattern: /^communaute (d'agglomeration|d'agglo)\b/, kind: 'communaute_agglomeration', official: 'Communauté d’agglomération' },
  { pattern: /^communaute de communes\b/, kind: 'communaute_de_communes', official: 'Communauté de communes' },
  { pattern: /^communaute urbaine\b/, kind: 'communaute_urbaine', official: 'Communauté urbaine' },
  { pattern: /^com ?com\b|^cdc\b|^cc\b/, kind: 'communaute_de_communes', official: 'Communauté de communes' },
  { pattern: /^agglo(meration)?\b|^ca\b/, kind: 'communaute_agglomeration', official: 'Communauté d’agglomération' },
  { pattern: /^cu\b/, kind: 'communaute_urbaine', official: 'Communauté urbaine' },
  { pattern: /^metropole\b/, kind: 'metropole', official: 'Métropole' },
  { pattern: /^conseil departemental\b/, kind: 'departement', official: 'Département' },
  { pattern: /^departement\b/, kind: 'departement', official: 'Département' },
  { pattern: /^conseil regional\b/, kind: 'region', official: 'Région' },
  { pattern: /^region\b/, kind: 'region', official: 'Région' },
  { pattern: /^(mairie|ville|commune|ccas)\b/, kind: 'commune', official: null },
];

const HEAD_START = /\b(communaute (d'agglomeration|d'agglo|de communes|urbaine)|com ?com|cdc|cc|agglo(meration)?|ca|cu|metropole|conseil departemental|departement|conseil regional|region|mairie|ville|commune|ccas)\b/g;
const NAME_STOP = /^(et|on|nous|qui|que|pour|avec|a|au|aux|je|j'|il|elle|ils|mais|donc|car|ou|en|est|sont|souhaite|souhaitons|souhaiterait|voudrait|voudrais|aimerait|veut|candidate|candidater|porte|assurera|apportera|met|mettra|depose|dans|sur|c'est|on|la|le|les|un|une|par|depuis|pas|non)$/;

interface FoundName {
  name: string;
  kind: CollectivityKind;
  start: number;
  end: number;
}

/** « la Communauté d'agglomération du Grand Villeneuvois », « com com du pays de lure », « mairie de plouescat ». */
function findCollectivityName(reading: Reading): FoundName | undefined {
  const { raw, plain } = reading;
  // « Nantes Métropole », « Brest Métropole »: the city's name before « Métropole » as typed.
  const cityFirst = /(?<![\p{L}'’-])((?:\p{Lu}[\p{Ll}'’-]+[ -])+)M[ée]tropole\b/u.exec(raw);
  if (cityFirst && !/^(Je|Nous|On|La|Le|Les|Bonjour|Une?)\b/u.test(cityFirst[1]!.trim().split(/[ -]/).pop() ?? '')) {
    const words = cityFirst[1]!.trim().split(' ');
    // Keep the last capitalised words only (« Bonjour Nantes Métropole » → « Nantes Métropole »).
    const kept: string[] = [];
    for (const word of words.reverse()) {
      if (/^(Je|Nous|On|La|Le|Les|Bonjour|Une?|À|A|De|Du|Des|Et|Pour|Chez)$/u.test(word)) break;
      kept.unshift(word);
    }
    if (kept.length > 0) {
      const name = `${kept.join(' ')} Métropole`;
      const start = cityFirst.index + cityFirst[0].length - name.length;
      return { name, kind: 'metropole', start, end: cityFirst.index + cityFirst[0].length };
    }
  }
  for (const head of plain.matchAll(HEAD_START)) {
    const headText = head[0];
    const spec = KIND_HEADS.find((candidate) => candidate.pattern.test(headText));
    if (!spec) continue;
    // « politique de la ville » is a policy, not a town.
    if (headText === 'ville' && /\bpolitiques? de la $/.test(plain.slice(Math.max(0, head.index - 20), head.index))) continue;
    // Acronyms only count in capitals as typed (« ca » is also « ça »).
    if (/^(cc|cdc|ca|cu)$/.test(headText) && !/^(CC|CDC|CdC|CA|CU)$/.test(raw.slice(head.index, head.index + headText.length)) && !(headText !== 'ca' && /^ (du|de|des|d') /.test(plain.slice(head.index + headText.length, head.index + headText.length + 5)))) continue;
    // « département » or « région » alone is a place, not a name, unless it names one (« le Département du Tarn »).
    const following = plain.slice(head.index + headText.length, head.index + headText.length + 40);
    if (/^(departement|region)$/.test(headText) && !/^\p{Lu}/u.test(raw.slice(head.index, head.index + 1)) && !/^ (de la|de l'|du|des|de|d') ?[a-z]/.test(following) && !(headText === 'region' && new RegExp(`^ ${REGION_NAMES.source.replace(/\\b/g, '')}`).test(following))) continue;
    const cursor = head.index + headText.length;
    const words: string[] = [];
    let end = cursor;
    const tail = plain.slice(cursor);
    const tokens = [...tail.matchAll(/\s*(d'|l'|[\p{L}\d]+(?:[-'][\p{L}\d]+)*)/gu)];
    let expectConnector = true;
    for (const token of tokens) {
      if (token.index !== (words.length === 0 ? 0 : end - cursor) && tail.slice(end - cursor, token.index).trim() !== '') break;
      const word = token[1]!;
      const at = cursor + token.index + token[0].length - word.length;
      const typed = raw.slice(at, at + word.length);
      const capitalised = /^\p{Lu}/u.test(typed);
      const connector = CONNECTORS.has(word);
      const lowercaseText = !/\p{Lu}/u.test(raw.replace(/^\p{Lu}/u, ''));
      if (connector) {
        words.push(typed);
        end = at + word.length;
        continue;
      }
      if (capitalised || (lowercaseText && !NAME_STOP.test(word) && words.length < 6 && !/^\d+$/.test(word))) {
        if (!capitalised && NAME_STOP.test(word)) break;
        words.push(typed);
        end = at + word.length;
        expectConnector = false;
        continue;
      }
      break;
    }
    void expectConnector;
    while (words.length > 0 && CONNECTORS.has(plainOf(words[words.length - 1]!))) {
      const last = words.pop()!;
      end -= last.length;
      end = raw.lastIndexOf(last, end) >= 0 ? end : end;
    }
    const nameWords = words.filter((word) => !CONNECTORS.has(plainOf(word)));
    if (nameWords.length === 0) continue;
    const rest = raw.slice(head.index + headText.length, head.index + headText.length + (end - (head.index + headText.length))).replace(/\s+$/, '');
    const restClean = rest.replace(/^\s+/, '');
    const typedHead = raw.slice(head.index, head.index + headText.length);
    let name: string;
    if (spec.official === null && reading.pending === 'collectivity.name' && raw.slice(end, ownClause(raw).length).replace(/[\s.!]/g, '') === '') {
      // Answering the name question, « Commune de Riom » is the name as the official writes it.
      name = titleCase(raw.slice(head.index, end)).replace(/^\p{Ll}/u, (letter) => letter.toUpperCase());
    } else if (spec.official === null) {
      // « mairie d aubenas »: an elided « d' » typed without its apostrophe is no part of the name.
      name = titleCase(restClean.replace(/^(de |d'|du |d (?=[aeiouyhàâéèêîïôû]))/i, ''));
    } else {
      const headOut = /^\p{Lu}/u.test(typedHead) && !/^(CC|CDC|CdC|CA|CU)$/.test(typedHead) ? typedHead : spec.official;
      const connectorLead = /^(de la |de l'|du |des |de |d')/i.exec(restClean)?.[0] ?? '';
      const body = restClean.slice(connectorLead.length);
      const lead = connectorLead.toLowerCase() || (restClean.startsWith("'") ? '' : ' ');
      name = `${headOut}${connectorLead ? ` ${lead.trim()}${lead.endsWith("'") ? '' : ' '}` : ' '}${titleCase(body)}`.replace(/\s+/g, ' ').replace(/' /g, "'");
    }
    return { name: name.trim(), kind: spec.kind, start: head.index, end };
  }
  return undefined;
}

/** Values that are not a name: a clause that gives one of them is another answer than the name. */
const OTHER_VALUES: ReadonlyArray<keyof Entities> = ['siren', 'departement', 'population', 'collectivityKind', 'email', 'phone', 'number', 'amount', 'count', 'reference'];

/**
 * The part of a free-text answer that is the answer itself: its leading clauses, up to the first
 * clause that gives another value (« Eurométropole de Metz (métropole, Moselle 57), siren …, 230 000
 * habitants » → « Eurométropole de Metz »); the other values are read from the whole message.
 */
export function ownClause(text: string): string {
  const boundaries = [...text.matchAll(/\s*(?:[,;(\[]|\)|\s[-–—]\s|:\s)\s*/g)];
  let start = 0;
  for (const boundary of boundaries) {
    const clause = text.slice(start, boundary.index);
    if (start > 0 && carriesOtherValue(clause)) return text.slice(0, start).replace(/[\s,;:(\[–—-]+$/, '');
    start = boundary.index + boundary[0].length;
  }
  const last = text.slice(start);
  return start > 0 && carriesOtherValue(last) ? text.slice(0, start).replace(/[\s,;:(\[–—-]+$/, '') : text;
}

function carriesOtherValue(clause: string): boolean {
  if (!clause.trim()) return false;
  const found = extractEntities(clause, 'none', { wholeAnswer: false });
  return OTHER_VALUES.some((key) => found[key] !== undefined) || /^\s*(siren|siret|pop(ulation)?|habitants?|dept?|departement|code)\b/i.test(plainOf(clause));
}

function readKind(reading: Reading): CollectivityKind | undefined {
  const { raw, pending } = reading;
  // On the kind question, a kind word typed with a slip is the kind meant.
  const plain = pending === 'collectivity.kind' ? mendKindWords(reading.plain) : reading.plain;
  const rules: Array<{ kind: CollectivityKind; pattern: RegExp }> = [
    { kind: 'metropole', pattern: /\bmetropole\b/ },
    { kind: 'communaute_urbaine', pattern: /\bcommunaute urbaine\b/ },
    { kind: 'communaute_agglomeration', pattern: /\bcommunaute (d'\s*)?agglo(meration)?\b|\bagglo(meration)?\b/ },
    { kind: 'communaute_de_communes', pattern: /\bcommunaute de(s)? communes\b|\bcom ?com\b|\bcomcom\b/ },
    { kind: 'region', pattern: pending === 'collectivity.kind' ? /\bregion(al|ale)?\b/ : /\bconseil regional\b|\b(sommes|est|suis|etes) (la |une )?region\b|\bregion (?!(met|mettra|va|a|est|finance|financera|apporte|participe|donne|nous|pourrait|peut|qui|et|ou|aussi|pour|en)\b)(de |d'|du |des )?\p{L}+|\bregions?\b(?= ?:)/u },
    { kind: 'departement', pattern: pending === 'collectivity.kind' ? /\bdepartement(al|ale)?\b/ : /\bconseil departemental\b|\b(sommes|est|suis|etes) (le |un )departement\b|\bdepartement (de la|de l'|du|des|de|d') ?[a-z]/ },
    { kind: 'commune', pattern: /\b(petite |grande )?commune\b(?! de communes)|\bmairie de\b|\b(notre|une|ma|petite) mairie\b|\bvillage\b|\bmunicipalite\b|\bville de [a-z]/ },
  ];
  const hits = rules
    .map((rule) => ({ kind: rule.kind, index: plain.search(rule.pattern) }))
    .filter((hit) => hit.index >= 0)
    .filter((hit) => !negatedAt(plain, hit.index))
    .sort((a, b) => a.index - b.index);
  if (hits[0]) {
    // « Département » in a name only when it names one: « le département » alone is where a collectivity is.
    if (hits[0].kind === 'departement' && pending !== 'collectivity.kind' && !/\bconseil departemental\b|(sommes|est|suis) (le |un )departement/.test(plain)) {
      const typed = raw.slice(hits[0].index, hits[0].index + 1);
      const named = /departement (de la|de l'|du|des|de|d') ?[a-z]/.exec(plain.slice(hits[0].index));
      if (!named || (typed !== 'D' && !DEPARTEMENT_KEYS.some(({ key }) => plain.slice(hits[0]!.index).replace(/[-']/g, ' ').includes(key)))) return hits.slice(1)[0]?.kind;
    }
    return hits[0].kind;
  }
  if (/\b(CU)\b/.test(raw)) return 'communaute_urbaine';
  if (/\b(CA)\b/.test(raw)) return 'communaute_agglomeration';
  if (/\b(CC|CDC|CdC)\b/.test(raw)) return 'communaute_de_communes';
  if (pending === 'collectivity.kind' && /\bepci\b|\binterco(mmunalite)?\b/.test(plain)) return 'communaute_de_communes';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// People

const ROLE_HEAD =
  "(?:charge|chargee) (?:de |d')[a-z]+|directeur|directrice|adjoint|adjointe|responsable|chef|cheffe|coordinateur|coordinatrice|coordonnateur|coordonnatrice|secretaire|dgs|dga|drh|maire|elu|elue|vice[- ]president|vice[- ]presidente|president|presidente|attache|attachee|agent|agente|conseiller|conseillere|referent|referente|delegue|deleguee|assistant|assistante|gestionnaire|technicien|technicienne|animateur|animatrice|chargee|charge|travailleur social|travailleuse sociale|juriste|instructeur|instructrice|cadre|stagiaire|collaborateur|collaboratrice|directeur general|directrice generale";
const ROLE_START = new RegExp(`\\b(${ROLE_HEAD})\\b`);

/** Where a role stops: a comma, « à la Métropole », « de la Communauté… », « pas », the end. */
function cutRole(text: string, plain: string, stops: number[]): string {
  let end = text.length;
  // « de la ville » ends a role (« adjointe de la ville de … ») unless it is « politique de la ville », a policy.
  const stopPattern = /(,|;|\.(\s|$)|!|\?|\(|\bet non\b|\bpas\b|\bnon\b|\bet (je|nous|on|j')|\bje\b|\bnous\b|\bon\b|\bqui\b| a la | a l'| au sein| aupres|(?<!politique) de la (communaute|metropole|ville|commune|region|mairie)| du (departement|conseil)| de l'(agglo|agglomeration)| a (la )?(metropole|mairie|ville|commune|region|communaute)| pour | depuis | c'est )/;
  const match = stopPattern.exec(plain);
  if (match) end = Math.min(end, match.index);
  // « chargée de mission à Nantes Métropole »: the role stops before « à » and a name.
  const place = /\s(?:à|a|chez)\s+(?=\p{Lu})/u.exec(text);
  if (place) end = Math.min(end, place.index);
  for (const stop of stops) if (stop > 0 && stop < end) end = stop;
  return text.slice(0, end).replace(/\s+(de|du|d'|des|a|au|la|le)\s*$/i, '').trim();
}

function readRole(reading: Reading, nameSpan: { start: number; end: number } | undefined, collectivity: FoundName | undefined): string | undefined {
  const { raw, plain, pending } = reading;
  const stops = nameSpan ? [nameSpan.start] : [];
  if (collectivity) {
    // « secrétaire de mairie de Plouescat »: the role stops where the collectivity's own name begins.
    const own = plainOf(collectivity.name.replace(/^(Communauté (de communes|d’agglomération|urbaine)|Métropole|Département|Région)\s*/u, '')).trim();
    const at = own ? plain.indexOf(` de ${own}`, collectivity.start - 40 > 0 ? collectivity.start - 40 : 0) : -1;
    stops.push(at >= 0 ? at : collectivity.start);
  }
  if (pending === 'contact.role') {
    const lead = /^\s*(?:bonjour[ ,]*)?(?:(?:alors|euh|bah|ben|donc)[ ,]+)?(?:(?:sa|la) fonction(?: (?:de|d')\s?[a-z-]+(?= (?:c'est|est)\b))?(?: c'est| est|:)?|son poste(?: (?:de|d')\s?[a-z-]+(?= (?:c'est|est)\b))?(?: c'est| est|:)?|c'est|je suis|elle est|il est|elle occupe le poste de|il occupe le poste de|poste de|moi je suis)?\s*(?::)?\s*(?:le |la |l'|un |une )?/.exec(plain);
    const start = lead ? lead[0].length : 0;
    // « Je suis Sandrine Lemaitre, chargée de mission »: the role is after the name, not the name.
    const role = nameSpan && nameSpan.start <= start ? '' : cutRole(raw.slice(start), plain.slice(start), stops.map((stop) => stop - start));
    // « ah non attendez, … »: interjections are no role.
    if (role && !/^(?:(?:ah|oh|euh|bon|ben|bah|oups|pardon|non|oui|attendez|attends)\W*)+$/.test(plainOf(role))) return role;
  }
  const after = nameSpan ? new RegExp(`^[ ,]+(?:(?:le |la |l')?(${ROLE_HEAD}))\\b`).exec(plain.slice(nameSpan.end)) : null;
  if (after) {
    const start = nameSpan!.end + after[0].length - after[1]!.length;
    const role = cutRole(raw.slice(start), plain.slice(start), []);
    if (role) return role;
  }
  const match = new RegExp(`(?:^\\s*(?:(?:bonjour|bonsoir|madame,? monsieur)[ ,]+)?|(?:\\bje suis|\\belle est|\\bil est|\\b(?:sa|ma|la|son|mon|le) (?:fonction|poste|role) (?:est|c'est|:)|,|\\bcomme|\\ben tant que|\\bmoi c'est)\\s+)(?:le |la |l'|un |une |actuellement |desormais |maintenant )?(${ROLE_HEAD})\\b`).exec(plain);
  if (!match) return undefined;
  const start = match.index + match[0].length - match[1]!.length;
  const role = cutRole(raw.slice(start), plain.slice(start), stops.map((stop) => stop - start));
  return role || undefined;
}

const NAME_TOKEN = /^[\p{L}][\p{L}'’-]*$/u;
const NOT_NAMES = new Set(['je', 'moi', 'il', 'elle', 'est', 'c', 'suis', 'la', 'le', 'les', 'de', 'du', 'et', 'mon', 'ma', 'notre', 'collegue', 'directeur', 'directrice', 'mais', 'pas', 'non', 'oui', 'donc', 'qui', 'pour', 'avec', 'au', 'aux', 'sera', 'c\'est', 'personne', 'contact', 'referent', 'referente', 'adresse', 'mail', 'telephone', 'finalement', 'plutot', 'bien', 'madame', 'monsieur', 'mme', 'm', 'mr', 'meme', 'moi-meme', 'on', 'nous', 'ah', 'oh', 'euh', 'bon', 'ben', 'bah', 'oups', 'pardon', 'attendez', 'attends', "j'ai", "j'avais", 'g']);
const NAME_PARTICLES = new Set(['de', 'du', 'le', 'la', 'van', 'von', 'da', 'di', 'des', "d'", 'ben', 'el', 'al']);

/** Up to four name words from `start`; particles (« Le Goff », « de la Tour ») are kept inside a name. */
function nameFrom(raw: string, plain: string, start: number, allowSingle: boolean): { name: string; end: number } | undefined {
  const tokens = [...raw.slice(start).matchAll(/[\p{L}][\p{L}'’-]*|[,.;:!?()@]|\d+/gu)];
  const words: string[] = [];
  let end = start;
  for (const token of tokens) {
    const word = token[0];
    const at = start + (token.index ?? 0);
    // An e-mail or a phone number already read is not part of a name.
    if (plain.slice(at, at + word.length).trim() === '' || raw.charAt(at + word.length) === '.' && /^\p{L}$/u.test(word)) break;
    // « l’adresse » is « adresse » for the words that are no names.
    const lower = plainOf(word).replace(/^[ld]'(?=\p{L})/u, '');
    if (!NAME_TOKEN.test(word)) break;
    const isParticle = NAME_PARTICLES.has(lower) && words.length > 0;
    if (!isParticle && (NOT_NAMES.has(lower) || ROLE_START.test(lower) || new RegExp(`^(${ROLE_HEAD})$`).test(lower))) break;
    if (words.length >= 4) break;
    words.push(word);
    end = start + (token.index ?? 0) + word.length;
  }
  while (words.length > 0 && NAME_PARTICLES.has(plainOf(words[words.length - 1]!))) words.pop();
  if (words.length === 0 || (!allowSingle && words.length < 2)) return undefined;
  const name = words.map((word) => (/\p{Lu}/u.test(word) ? word : word.replace(/(^|[-'’])(\p{L})/gu, (_all, sep: string, letter: string) => sep + letter.toUpperCase()))).join(' ');
  return { name, end };
}

/** Words that make a name a collectivity's (« Orléans Métropole », « Mairie de Riom »), never a person's. */
const COLLECTIVITY_WORD = /\b(?:metropole|communaute|mairie|commune|ville|departement|region|agglo\w*|conseil|ccas|intercommunalite)\b/;

function readPersonName(reading: Reading): { name: string; start: number; end: number } | undefined {
  const { raw, plain, pending } = reading;
  const introductions = /(?:^(?:bonjour|bonsoir|salut|hello)[ ,]+(?=\S+ \S+,)|\b(?:c'etait|ce sera moi,?|ca sera moi,?|c'est moi,?|c moi,?|(?<!-)moi,|moi c'est|mettez|indiquez|remplacez par|je m'appelle|je me nomme|mon nom est|(?<!qui )je suis|moi je suis|c'est|il s'agit de|ce sera|ca sera|referente?,? c'est|referente? est|la personne a contacter (?:est|sera|c'est)|le contact (?:est|sera|c'est)|contact :|remplacee? par|est finalement|sera finalement|interlocut\w+ (?:est|sera)|m\.|mme|mlle|mr|monsieur|madame))\s*(?:finalement\s+)?(?:(?:m\.|mme|mlle|mr|monsieur|madame)\s+)?/g;
  for (const match of plain.matchAll(introductions)) {
    const start = match.index + match[0].length;
    // After « c’est moi, », one capitalised word is a name (« c’est moi, Dupont »).
    const found = nameFrom(raw, plain, start, false) ?? (/moi,?\s*$/.test(match[0]) && /^\p{Lu}/u.test(raw.slice(start, start + 1)) ? nameFrom(raw, plain, start, true) : undefined);
    if (!found) continue;
    // Outside the contact question, only a name as typed with capitals, or right after « moi ».
    const typed = raw.slice(start, found.end);
    if (pending !== 'contact.name' && !/^\p{Lu}/u.test(typed) && !/moi|referent|contact|appelle|nom|mettez|indiquez|remplacez/.test(match[0])) continue;
    // « non le contact c'est … »: a « non » that opens the message leads a correction in; it negates nothing.
    if (negatedAt(plain, match.index) && !/^\W*(?:(?:non|nan|mais non)\W+)+$/.test(plain.slice(0, match.index))) continue;
    // « c'est Orléans Métropole »: a collectivity's name is nobody's.
    if (COLLECTIVITY_WORD.test(plainOf(found.name))) continue;
    return { name: found.name, start, end: found.end };
  }
  if (pending === 'contact.name') {
    const lead = /^\s*(?:(?:bonjour|alors|euh|bah|ben|donc|oui)[ ,]+)*(?:la personne |le contact |la referente? |le referent )?(?:ce sera |ce serait |ca sera |ca serait |c'est |c (?=moi)|il s'agit de |moi(?:[- ]meme)?[ ,]+|la personne c'est |le contact c'est )?(?:plutot |finalement )?(?:m\. |mme |monsieur |madame |mr |mlle )?/.exec(plain);
    const start = lead ? lead[0].length : 0;
    const found = nameFrom(raw, plain, start, true);
    if (found && !/^(ma|mon|notre|la|le|une?)$/.test(plainOf(found.name))) return { name: found.name, start, end: found.end };
    // « ma collègue Sophie Durand qui gère le dossier »: the first two capitalised words in a row.
    const capitalised = /(?<![\p{L}'’])(\p{Lu}[\p{Ll}'’-]+)\s+(\p{Lu}[\p{L}'’-]+)/u.exec(raw.slice(1));
    if (capitalised) {
      const at = capitalised.index + 1;
      const named = nameFrom(raw, plain, at, false);
      if (named) return { name: named.name, start: at, end: named.end };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Choices

function readScheme(reading: Reading): Scheme | undefined {
  const { plain, pending } = reading;
  const hits: Array<{ scheme: Scheme; index: number }> = [];
  for (const match of plain.matchAll(/\bctai\b|\bcontrats? territoria(l|ux)( d'accueil)?\b/g)) hits.push({ scheme: 'CTAI', index: match.index });
  for (const match of plain.matchAll(/\bptai\b|\bprojets? territoria(l|ux)( d'accueil)?\b/g)) hits.push({ scheme: 'PTAI', index: match.index });
  if (pending === 'scheme.choice' && hits.length === 0) {
    for (const match of plain.matchAll(/\b(le |un )?contrat\b/g)) hits.push({ scheme: 'CTAI', index: match.index });
    for (const match of plain.matchAll(/\b(le |un )?projet\b/g)) hits.push({ scheme: 'PTAI', index: match.index });
    if (/\b(votre|la) recommandation\b|\bcomme (vous le )?recommande|\bce que vous (recommandez|proposez)/.test(plain) && hits.length === 0) return undefined;
  }
  const kept = hits.filter((hit) => !negatedAt(plain, hit.index));
  const schemes = new Set(kept.map((hit) => hit.scheme));
  if (schemes.size === 1) return [...schemes][0];
  if (schemes.size === 0 && hits.length > 0 && new Set(hits.map((hit) => hit.scheme)).size === 1) return undefined;
  // Both named: the one after « finalement », « plutôt », « on garde » or « on part sur » wins.
  const preferred = kept.find((hit) => /(finalement|plutot|on garde|on part sur|on choisit|on prend|on retient|donc|je prends|nous retenons|opter pour|optons pour)\s*(un |le |pour un |pour le )?$/.test(plain.slice(Math.max(0, hit.index - 20), hit.index)));
  return preferred?.scheme;
}

function readApproach(reading: Reading): Entities['approach'] {
  const { plain, pending } = reading;
  const strategy = /\bstrategie (d'ensemble|globale|integree|territoriale|complete)|\bapproche (globale|d'ensemble|transversale)|\bplusieurs besoins\b|\bvision d'ensemble\b|\bstrategie\b/g;
  const targeted = /\bactions? (tres |plutot |plus )?cibl\w*|\bcibl(e|ee|es|ees)\b|\bponctuel\w*|\bquelques actions\b|\bune action (precise|ciblee|ponctuelle)\b|\bun projet cible\b/g;
  const found: Array<{ value: 'strategy' | 'targeted'; index: number }> = [];
  for (const match of plain.matchAll(strategy)) found.push({ value: 'strategy', index: match.index });
  for (const match of plain.matchAll(targeted)) found.push({ value: 'targeted', index: match.index });
  if (pending === 'scheme.approach' && found.length === 0) {
    if (/\b(ensemble|global(e)?|tout|transversal)\b/.test(plain)) return 'strategy';
    if (/\b(cible|precis|limite|petit projet)\b/.test(plain)) return 'targeted';
    // Asked « stratégie d’ensemble ou actions ciblées ? », « juste des actions sur la mobilité » (even typed « jsute ») picks the actions.
    if (/\b(juste|seulement|uniquement|simplement|que) (des |de |quelques )?actions?\b|^\W*([\w']+ )?(des |quelques )?actions? (sur|pour|autour|de|en)\b/.test(plain)) return 'targeted';
  }
  const kept = found.filter((hit) => !negatedAt(plain, hit.index));
  const values = new Set(kept.map((hit) => hit.value));
  if (values.size === 1) return [...values][0];
  return undefined;
}

function readDiagnostic(reading: Reading): Entities['diagnostic'] {
  const { plain, pending } = reading;
  if (pending !== 'scheme.diagnostic' && !/\bdiagnostic|\bdiag\b|etat des lieux/.test(plain)) return undefined;
  if (/\b(rien (n'a ete |n'est |de )?(fait|commence|lance)|pas (encore )?(ete )?(commence|demarre|lance|fait|realise|engage|entame)|aucun|part(ons)? de zero|pas de diag\w*|n'avons pas de|n'a pas de|jamais|on n'en a pas|on en a pas|pas du tout)\b|^\W*non\b/.test(plain)) {
    if (!/\b(en cours|prevu|programme|va (etre|le faire)|on va)\b/.test(plain)) return 'none';
  }
  if (/\b(en cours|pas (encore )?(fini|termine|finalise|acheve|boucle)|commence|demarre|lance|prevu|programme|a venir|bientot|planifie|envisage|on va|va etre|prochainement|en train|en finalisation|finalisation)\b/.test(plain)) return 'planned';
  if (/\b(realise|(?<!en |au )fait|termine|acheve|finalise|boucle|dispose|disponible|oui|on en a un|nous en avons un|c'est bon|valide|a jour)\b/.test(plain)) return 'done';
  return undefined;
}

const FIELD_QUESTIONS: ReadonlySet<Pending> = new Set(['scheme.approach', 'fields.selection', 'action.field', 'actions.more']);

function readFields(reading: Reading, talksAboutFields: boolean, aside: string[]): Entities['fields'] {
  if (!FIELD_QUESTIONS.has(reading.pending) && !talksAboutFields && reading.pending !== 'none' && reading.pending !== 'submitted') return undefined;
  let plain = reading.plain;
  // A role (« chargée de mission cohésion sociale ») or a name says nothing of the fields.
  for (const text of aside) {
    const at = plain.indexOf(plainOf(text));
    if (at >= 0) plain = plain.slice(0, at) + ' '.repeat(text.length) + plain.slice(at + text.length);
  }
  const parsed = parseFields(plain.replace(/\b(une |d'|des |un )?autres?\b|\bdroits? (a l'effacement|a l'oubli|d'acces|de rectification|d'opposition)\b/g, ' '));
  if (!parsed.ok) return undefined;
  // A correction names the wrong field after « et non » / « pas »: keep only the right ones.
  const kept = parsed.value;
  const negatedPart = /(\bet non|\bpas|\bplutot que|\bau lieu d[eu']?)\s+(de |d'|du |des |de la |la |le |l'|les )?(.{3,40})$/.exec(reading.plain.replace(/[.!]+\s*$/, ''));
  if (negatedPart) {
    const wrong = parseFields(negatedPart[3]!);
    if (wrong.ok) {
      const right = kept.filter((field) => !wrong.value.includes(field));
      if (right.length > 0) return right;
    }
  }
  return kept;
}

const COMMITMENT_RULES: ReadonlyArray<{ value: SpokenCommitment; pattern: RegExp }> = [
  { value: 'cofinancing', pattern: /\b(co-?financ\w*|subventions?|apport financier|participation financiere|on (met|mettra|apporte) \d+|de l'argent)\b/ },
  { value: 'staff', pattern: /\b(agents?|personnels?|salarie\w*|etp|mise a dispo(sition)? (d'un|de personnel|d'une personne|du personnel|d'agent)|temps de travail|mi[- ]temps|charge de mission dedie|poste dedie)\b/ },
  { value: 'premises', pattern: /\b(salles?|(des|nos|les|ses|leurs|mes) locaux|(un|le|notre) local|batiments?|bureaux?)\b/ },
  { value: 'coordination', pattern: /\b(coordination(?! (linguistique|des cours))|pilotage|piloter|coordonner|animation du (projet|reseau))\b/ },
  { value: 'communication', pattern: /\b(communication|relais|diffusion|bulletin municipal|magazine)\b/ },
  { value: 'other', pattern: /\b(appui logistique|logistique|vehicule|materiel|soutien a l'association|autre forme)\b/ },
];

function readCommitments(reading: Reading): SpokenCommitment[] | undefined {
  const { plain, pending } = reading;
  const found = COMMITMENT_RULES.map((rule) => ({ value: rule.value, index: plain.search(rule.pattern) }))
    .filter((hit) => hit.index >= 0)
    .sort((a, b) => a.index - b.index)
    .map((hit) => hit.value);
  if (pending === 'commitments.kinds' && !found.includes('cofinancing') && /\b(financement|financer|argent|budget|euros?|€)\b/.test(plain)) found.unshift('cofinancing');
  if (found.length === 0) return undefined;
  // « pas que les locaux, on met aussi du personnel » keeps both; « pas de cofinancement » drops it.
  return found.filter((value) => {
    const rule = COMMITMENT_RULES.find((candidate) => candidate.value === value);
    const index = rule ? plain.search(rule.pattern) : -1;
    return index < 0 || !/\bpas (de |d')\s*$/.test(plain.slice(Math.max(0, index - 10), index));
  });
}

function readPublics(reading: Reading): Public[] | undefined {
  const { plain, pending } = reading;
  const both = /\b(les deux|aux deux|tous les publics|l'ensemble des publics)\b/.test(plain);
  const bpiIndex = plain.search(/\b(bpi|refugi\w*|protection internationale|beneficiaires de la protection)\b/);
  const newcomerIndex = plain.search(/\b(primo[- ]?arrivan\w*|nouveaux arrivants|personnes? arrivee?s)\b/);
  if (both && (pending === 'action.publics' || bpiIndex >= 0 || newcomerIndex >= 0 || /\bpublic/.test(plain))) return ['primo_arrivants', 'bpi'];
  const bpi = bpiIndex >= 0 && !negatedAt(plain, bpiIndex) && !/\bque (les )?$/.test(plain.slice(Math.max(0, bpiIndex - 9), bpiIndex));
  const newcomers = newcomerIndex >= 0 && !negatedAt(plain, newcomerIndex);
  if (bpi && newcomers) return ['primo_arrivants', 'bpi'];
  if (bpi) return ['bpi'];
  if (newcomers) return ['primo_arrivants'];
  if (pending === 'action.publics' && /\b(etrangers?|primo)\b/.test(plain)) return ['primo_arrivants'];
  return undefined;
}

/** A yes or a no said first (« Non, attendez, je veux d'abord modifier le budget »), whatever follows. */
export function leadingYesNo(text: string): boolean | undefined {
  const plain = plainOf(text).replace(/[!.?,;:…]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (/^(euh+ |ben |bah |ah |oh )*(non|nan|pas tout de suite|pas encore)\b/.test(plain)) return false;
  if (/^(euh+ |ben |bah |ah |oh )*(oui|ouais|yes|d'accord|ok)\b/.test(plain)) return true;
  return undefined;
}

const YES_NO_QUESTIONS: ReadonlySet<Pending> = new Set(['scheme.housing', 'actions.more', 'budget.otherFunders', 'review.confirm']);

function readYesNo(reading: Reading): boolean | undefined {
  const text = reading.plain.replace(/[!.?,;:…]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (/^(euh+ |ben |bah |alors |hmm+ )*(non|nan|nope|no|pas vraiment|pas du tout|absolument pas|surtout pas|jamais|pas pour (l'instant|le moment)|pas encore|aucun|aucune|non merci|negatif|pas question)\b/.test(text)) return false;
  if (/^(euh+ |ben |bah |alors |hmm+ )*(oui|ouais|ouaip|ouep|yes|yep|ok|okay|d'accord|dac|bien sur|absolument|tout a fait|exact|exactement|volontiers|evidemment|effectivement|certainement|parfait|c'est ca|carrement|je confirme|confirme|confirmer|valide|go|allez[- ]y|on y va|c'est parti|vas[- ]y|banco|affirmatif|bien entendu|sans (aucun )?doute|nous confirmons|je valide|on valide|on depose|deposez|c'est bon)\b/.test(text)) return true;
  if (reading.pending === 'scheme.housing' && /\b(nous prevoyons|on prevoit|on va inclure|nous allons inclure|c'est prevu|bien sur)\b/.test(text)) return true;
  if (reading.pending === 'scheme.housing' && /\b(pas notre competence|on ne (prevoit|fera) pas|nous ne prevoyons pas|pas prevu)\b/.test(text)) return false;
  if (reading.pending === 'actions.more' && /\b(une autre|encore une|une (deuxieme|troisieme|quatrieme|seconde|2e|3e|derniere)|on en a une|il y en a une|ajouter|j'en ai une)\b/.test(text)) return true;
  if (reading.pending === 'actions.more' && /\b(c'est tout|ca sera tout|c'est bon|termine|fini|rien d'autre|pas d'autre)\b/.test(text)) return false;
  if (reading.pending === 'budget.otherFunders' && /\b(seuls?|personne d'autre|aucun autre|pas d'autres?)\b/.test(text)) return false;
  return undefined;
}

const OPTIONAL_QUESTIONS: ReadonlySet<Pending> = new Set(['collectivity.siren', 'collectivity.population', 'contact.phone', 'commitments.amount', 'budget.otherFunders', 'scheme.diagnosticFile']);

/** « passer », « je ne l'ai pas sous la main », « je vous l'enverrai plus tard »: the official leaves an optional question for now. */
export function declinesForNow(plain: string): boolean {
  // Read with SMS spellings spelled out (« pa de siren », « jsp »).
  return /\b(passe[rz]?|on passe|je passe|sauter|ignorer|pas sous la main|pas sous les yeux|(pas|plus) a portee de main|(nous n'avons|on n'a|on a|je n'ai|j'ai) pas (le|la|l'|ce|cette|son|notre) (numero|siren|chiffre|telephone|information|info)|aucune idee|je (ne )?(le |la )?sais pas|je ne l'ai pas|je l'ai pas|je n'ai pas (ca|l'info|le numero|l'information)|pas de (ligne directe|numero|telephone|siren|chiffre)|je prefere ne pas|plus tard|ulterieurement|y revenir|je (le |la |vous le |vous l')?(transmettrai|enverrai|envoie plus tard)|non communique|(effac|supprim|retir|enlev)(er|ez|ons)(-le|-la| le| la| ce \w+| cette \w+)?|pas d'info|je (ne )?(le |la |l')?connais pas|je sais plus|je ne sais plus|on verra|pas encore (vote|connu|defini|arrete|fixe))\b|^(nc|nsp|jsp|\?|-|rien|aucun|aucune|non|pas de \w+)\W*$/.test(fold(plain));
}

/**
 * « aucune, je n'ai pas parlé de soutien », « non, on ne prête pas de salle »: the official denies the
 * premise of a question (a choice they did not make). Such a message is never the value asked for.
 */
export function deniesChoice(text: string): boolean {
  const folded = fold(plainOf(text));
  return /^(?:non|nan|aucune?|rien|ni l'un ni l'autre|pas (?:de|d') ?\w+|pas (?:concernee?s?|le cas)|ce n'est pas le cas)\b|\b(?:je n'ai|j'ai|on n'a|on a|nous n'avons) (?:jamais|pas|rien) (?:parle|dit|demande|choisi|coche|mentionne|evoque|prevu|selectionne)|\bon ne (?:soutient|prete|met|fait|prevoit) (?:pas|aucun|rien)|\bnous ne (?:soutenons|pretons|mettons|faisons|prevoyons) (?:pas|aucun|rien)|\bne (?:nous |me )?concerne pas\b/.test(folded);
}

function readSkip(reading: Reading): true | undefined {
  if (!OPTIONAL_QUESTIONS.has(reading.pending)) return undefined;
  // « on saute », « pas de tel, suivant »: the next question, this one left.
  return declinesForNow(reading.plain) || /\b(?:on saute|saute[rz]?|sautons|(?:question )?suivante?)\W*$/.test(reading.plain) ? true : undefined;
}

// ---------------------------------------------------------------------------------------------
// Targets of a correction or an edit

const FIELD_TARGETS: ReadonlyArray<{ target: Target; pattern: RegExp }> = [
  { target: 'collectivity.siren', pattern: /\bsiren\b|\bsiret\b/ },
  { target: 'collectivity.population', pattern: /\bhabitants\b|\bhab\b|\bpopulation\b|\bpop\b/ },
  { target: 'collectivity.kind', pattern: /\b(le type|type de (la )?collectivite|la categorie|j'ai mis commune|qui candidate)\b/ },
  { target: 'contact.email', pattern: /\b(e-?mail|mail|courriel|adresse (electronique|mail|e-?mail))\b/ },
  { target: 'contact.phone', pattern: /\b(telephone|tel|portable|numero de tel\w*|le fixe|ligne directe)\b/ },
  { target: 'contact.role', pattern: /\b(fonction|poste|son role|intitule (du|de son) poste)\b/ },
  { target: 'contact.name', pattern: /\b(personne a contacter|le contact|du contact|referente?|interlocut\w+|nom du contact|la personne)\b/ },
  { target: 'scheme.diagnostic', pattern: /\bdiagnostic\b|\bdiag\b/ },
  { target: 'scheme.approach', pattern: /\b(strategie|actions ciblees|approche)\b/ },
  { target: 'action.stateShare', pattern: /\b(part (de l'|d')?etat|financement (de l'|demande a l'|de la part de l')etat|part etat|subvention de l'etat|demande a l'etat|financement etat)\b/ },
  { target: 'budget.otherFunders', pattern: /\bautres? financeurs?\b/ },
  { target: 'commitments.amount', pattern: /\b(montant (du )?(cofinancement|cofi)|cofinancement de|le (cofinancement|cofi) (est|c'est|sera))\b/ },
  { target: 'action.cost', pattern: /\b(cout|couts|coute|coutera|coutent|couterait|budget de l'action|montant de l'action|prix)\b/ },
  { target: 'action.beneficiaries', pattern: /\b(beneficiaires|nombre de personnes|personnes beneficiaires)\b/ },
  { target: 'action.publics', pattern: /\b(le public|les publics|public vise|public cible|pour le public)\b/ },
  { target: 'action.title', pattern: /\b(intitule|titre)\b/ },
  { target: 'action.description', pattern: /\b(description|descriptif)\b/ },
  { target: 'action.carrier', pattern: /\b(porteur|porteuse|qui porte|structure porteuse)\b/ },
  { target: 'scheme.choice', pattern: /\b(ctai|ptai|dispositif)\b/ },
  { target: 'fields.selection', pattern: /\b(champs?|domaines?)\b/ },
  { target: 'commitments.kinds', pattern: /\b(engagements?|mise a dispo\w*|locaux|personnel)\b/ },
  { target: 'collectivity.departement', pattern: /\bdepartement\b/ },
];

const SECTION_WORDS: ReadonlyArray<{ section: Section; pattern: RegExp }> = [
  { section: 'collectivity', pattern: /\b(la |partie |section )?collectivite\b/ },
  { section: 'contact', pattern: /\b(le |partie |section |du |au )contact\b|\bcoordonnees\b/ },
  { section: 'scheme', pattern: /\b(le |partie |section )dispositif\b/ },
  { section: 'fields', pattern: /\b(les |partie |section )champs\b/ },
  { section: 'commitments', pattern: /\b(les |partie |section )?engagements?\b/ },
  { section: 'actions', pattern: /\b(les |partie |section |la |l'|une |premiere |deuxieme |derniere |troisieme )?actions?\b/ },
  { section: 'budget', pattern: /\bbudget\b(?! de l'action)|\bfinanceurs?\b/ },
];

function readSection(plain: string): Section | undefined {
  const hits = SECTION_WORDS.map((rule) => ({ section: rule.section, index: plain.search(rule.pattern) }))
    .filter((hit) => hit.index >= 0)
    .sort((a, b) => a.index - b.index);
  return hits[0]?.section;
}

/** The question named in a message; a bare « le nom » or « le numéro » is read in the section named or on screen. */
function readFieldTarget(plain: string, section: Section | undefined, pending: Pending): Target | undefined {
  const hits = FIELD_TARGETS.map((rule) => ({ target: rule.target, index: plain.search(rule.pattern) }))
    .filter((hit) => hit.index >= 0)
    .sort((a, b) => a.index - b.index);
  const context = section ?? (pending.includes('.') ? (pending.split('.')[0] as string) : undefined);
  if (/\ble nom\b|^nom\b|\bnom (de la |du |de )?(collectivite|commune|ville|structure|contact|personne)\b|\bnom exact\b|\bmal orthographie|\bl'orthographe\b/.test(plain)) {
    if (context === 'contact' || hits.some((hit) => hit.target.startsWith('contact.'))) return hits.find((hit) => hit.target === 'contact.name')?.target ?? 'contact.name';
    if (!hits.some((hit) => hit.target.startsWith('action.'))) return 'collectivity.name';
  }
  // « le contact, le nom est mal enregistré »: the question named inside the section named.
  if (section === 'contact' && hits.length > 1) return hits.find((hit) => hit.target !== 'contact.name')?.target ?? 'contact.name';
  return hits[0]?.target;
}

function readActionIndex(plain: string, pending: Pending): number | undefined {
  const ordinal: Record<string, number> = { premiere: 1, '1re': 1, '1ere': 1, deuxieme: 2, seconde: 2, '2e': 2, '2eme': 2, troisieme: 3, '3e': 3, '3eme': 3, quatrieme: 4, '4e': 4, '4eme': 4, cinquieme: 5, '5e': 5, '5eme': 5 };
  const numbered = /\baction (?:n°|no|numero|nr)?\s?(\d{1,2})\b/.exec(plain);
  if (numbered) return Number(numbered[1]);
  const ordinalPattern = /\b(premiere|1re|1ere|deuxieme|seconde|2e|2eme|troisieme|3e|3eme|quatrieme|4e|4eme|cinquieme|5e|5eme)\b/;
  const ordered = new RegExp(`${ordinalPattern.source}\\s+action`).exec(plain) ?? (/(actions?|review\.section|actions\.more)/.test(`${plain} ${pending}`) ? ordinalPattern.exec(plain) : null);
  return ordered ? ordinal[ordered[1]!] : undefined;
}

// ---------------------------------------------------------------------------------------------

const AMOUNT_QUESTIONS: ReadonlySet<Pending> = new Set(['commitments.amount', 'action.cost', 'action.stateShare', 'budget.otherFunders']);
const AMOUNT_TARGETS: ReadonlySet<Target | undefined> = new Set(['commitments.amount', 'action.cost', 'action.stateShare', 'budget', 'budget.otherFunders']);

const STATE_NEAR = /\b(l'etat|etat|part etat|subvention|demand\w*|sollicit\w*)\b/;
const COST_BEFORE = /\b(cout\w*|coute\w*|budget( total| global| de l'action)?|total|revient a|montant total|pour un total de)\b[^\d€]{0,25}$/;

/** Which euro amounts are a cost and which the State's share, from the words around each (« coûte 8 000 € dont 3 000 € demandés à l’État »). */
function readBudgetRoles(entities: Entities, euros: NumberMention[], plain: string, pending: Pending, restated: ReadonlySet<NumberMention>): void {
  const unlabelled: NumberMention[] = [];
  for (const mention of euros) {
    const before = plain.slice(Math.max(0, mention.start - 40), mention.start);
    const after = plain.slice(mention.end, mention.end + 30);
    const beforeClause = before.split(/[.;,]|\bet\b|\bdont\b/).pop() ?? '';
    const afterClause = after.split(/[.;,]|\bet\b|\bdont\b|\bpour\b/)[0] ?? '';
    let role: 'cost' | 'stateShare' | undefined;
    if (STATE_NEAR.test(afterClause)) role = 'stateShare';
    else if (COST_BEFORE.test(beforeClause)) role = 'cost';
    else if (/\b(l'etat|etat)\b/.test(beforeClause) || /\b(demand\w*|sollicit\w*)\b.{0,12}$/.test(beforeClause)) role = 'stateShare';
    if (role && entities[role] === undefined) entities[role] = mention.value;
    else if (!role) unlabelled.push(mention);
  }
  // On the cost or the State-share question, the amount said without a word is that one.
  const bare = unlabelled.find((mention) => restated.has(mention)) ?? unlabelled[0];
  if (bare && pending === 'action.cost' && entities.cost === undefined) entities.cost = bare.value;
  if (bare && pending === 'action.stateShare' && entities.stateShare === undefined) entities.stateShare = bare.value;
}

const RESTATED_BEFORE = /\b(disons|soit|au total|en tout|total|ce qui fait|ca fait|cela fait|donc)\s*(de |d'|environ |a peu pres |pres de )?$/;
const RESTATED_AFTER = /^\s*(\p{L}+\s+)?(au total|en tout)\b/u;

function assignNumbers(entities: Entities, mentions: NumberMention[], pending: Pending, target: Target | undefined, plain: string): void {
  const usable = mentions.filter((mention) => !(mention.unit === 'none' && mention.value >= 1990 && mention.value <= 2099 && Number.isInteger(mention.value)));
  // The wrong value of a correction (« 12 000 pas 20 000 ») is never a value.
  const kept = usable.filter((mention) => !mention.negated);
  // « 10 enfants et 10 mamans, disons 20 », « … soit 8 000 € au total »: the total restated wins, in the unit of what it sums.
  const restated = new Set(kept.filter((mention) => RESTATED_BEFORE.test(plain.slice(Math.max(0, mention.start - 24), mention.start)) || RESTATED_AFTER.test(plain.slice(mention.end, mention.end + 30))));
  for (const mention of restated) {
    if (mention.unit !== 'none') continue;
    const summed = kept.filter((other) => other !== mention && other.unit !== 'none' && other.start < mention.start).pop() ?? kept.find((other) => other !== mention && other.unit !== 'none');
    if (summed) mention.unit = summed.unit;
  }
  // « pas 30 personnes, plutôt 50 », « j'ai mis 5000 habitants, c'est 50 000 »: the value that replaces one is of its unit.
  for (const mention of kept) {
    if (mention.unit !== 'none') continue;
    const replaced = usable.find((other) => other.negated && other.unit !== 'none' && other.unit !== 'other' && other.unit !== 'percent');
    if (replaced && !kept.some((other) => other.unit === replaced.unit)) mention.unit = replaced.unit;
  }
  const last = (list: NumberMention[]) => list.filter((mention) => restated.has(mention)).pop() ?? list[list.length - 1];
  // « une soixantaine de personnes (25 ménages) »: a number in brackets, beside one of the same unit outside them, is an aside.
  const aside = (mention: NumberMention) => /\([^)]*$/.test(plain.slice(0, mention.start));
  const of = (unit: NumberMention['unit']) => {
    const said = kept.filter((mention) => mention.unit === unit);
    const main = said.filter((mention) => !aside(mention));
    return last(main.length > 0 ? main : said);
  };
  // « budget total 180 000 € dont 90 000 demandés à l’État »: a bare amount that a budget word ties to a
  // euro amount of the same message is in euros too.
  const saidInEuros = kept.some((mention) => mention.unit === 'euros');
  const tiedToEuros = (mention: NumberMention) =>
    (saidInEuros || AMOUNT_QUESTIONS.has(pending)) && mention.unit === 'none' && mention.value >= 100 && (/\bdont\s*$/.test(plain.slice(Math.max(0, mention.start - 8), mention.start)) || STATE_NEAR.test((plain.slice(mention.end, mention.end + 30).split(/[.;,]|\bet\b/)[0] ?? '')));
  const budgetMentions = kept.filter((mention) => mention.unit === 'euros' || tiedToEuros(mention));
  const euros = of('euros');
  if (euros) entities.amount = euros.value;
  readBudgetRoles(entities, budgetMentions, plain, pending, restated);
  for (const mention of budgetMentions) if (mention.unit === 'none') mention.unit = 'euros';
  const inhabitants = of('inhabitants');
  if (inhabitants) entities.population = Math.round(inhabitants.value);
  const people = of('people');
  if (people) entities.count = Math.round(people.value);
  const context = target ?? pending;
  const bare = last(kept.filter((mention) => mention.unit === 'none'));
  if (bare) {
    if (entities.amount === undefined && (AMOUNT_QUESTIONS.has(context as Pending) || AMOUNT_TARGETS.has(context as Target))) entities.amount = bare.value;
    else if (entities.population === undefined && context === 'collectivity.population') entities.population = Math.round(bare.value);
    else if (entities.count === undefined && context === 'action.beneficiaries') entities.count = Math.round(bare.value);
    else entities.number = bare.value;
  }
  const other = last(kept.filter((mention) => mention.unit === 'other' || mention.unit === 'percent'));
  if (other && entities.number === undefined) entities.number = other.value;
}

/** Every value the message carries; `pending` tells how to read what could be several things (« 40 »). */
export function extractEntities(text: string, pending: Pending, options: { wholeAnswer?: boolean } = {}): Entities {
  const wholeAnswer = options.wholeAnswer ?? true;
  // Reading the whole message as the answer (a bare name, a bare role) is only right when it is one.
  const reading: Reading = { raw: text, plain: plainOf(text), pending: wholeAnswer ? pending : (pending === 'submitted' ? 'submitted' : 'none') };
  const numbersPending = pending;
  const entities: Entities = {};
  const set = <K extends keyof Entities>(key: K, value: Entities[K] | undefined) => {
    if (value !== undefined) entities[key] = value;
  };
  set('reference', readReference(reading));
  set('email', readEmail(reading));
  set('phone', readPhone(reading));
  set('siren', readSiren(reading));
  const name = findCollectivityName(reading);
  if (name && pending !== 'contact.name' && pending !== 'contact.role' && pending !== 'action.carrier' && pending !== 'action.title' && pending !== 'action.description') {
    set('collectivityName', name.name);
  }
  set('collectivityKind', readKind(reading) ?? name?.kind);
  // « Je suis Sandrine Lemaitre, chargée de mission » introduces a person: read before the name fallback, which it is not.
  const person = readPersonName(reading);
  if (reading.pending === 'collectivity.name' && !entities.collectivityName && !person) {
    const cleaned = ownClause(text)
      .replace(/^\s*(?:(?:bonjour|alors|euh|bah|ben|donc|oui)[ ,]+)?(?:c'est |il s'agit de |nous sommes |on est |la collectivit[ée] c'est |le nom c'est |c'est la |c'est le )?/i, '')
      .replace(/\s*(?:\(.*\)|,? je crois|,? je pense)?\s*[.!]*\s*$/i, '')
      .trim();
    // A bare number, phone or e-mail is never a name (« 04 73 00 00 00 » typed on the wrong question).
    if (cleaned && cleaned.length <= 120 && !/[?]/.test(cleaned) && /\p{L}{2,}/u.test(cleaned.replace(/\S+@\S+/g, ''))) set('collectivityName', titleCase(cleaned));
  }
  set('personName', person?.name);
  set('role', readRole(reading, person, name));
  const named = mendCommandWords(reading.plain);
  const section = readSection(named);
  const fieldTarget = readFieldTarget(named, section, pending);
  void numbersPending;
  set('departement', readDepartement(reading));
  set('scheme', readScheme(reading));
  set('approach', readApproach(reading));
  set('diagnostic', readDiagnostic(reading));
  set('fields', readFields(reading, fieldTarget === 'fields.selection' || /\bchamps?\b/.test(reading.plain), [entities.role, entities.collectivityName].filter((value): value is string => value !== undefined)));
  if (pending === 'commitments.kinds' || /commitments/.test(fieldTarget ?? '') || /\b(mise a dispo|mettons|on met|engagement|cofinanc|valoris|(?:des|nos|les|ses|leurs) locaux|pilotage|coordination(?! linguistique)|salle|pret\w* une salle|agent|personnel|argent)\w*/.test(reading.plain)) {
    // A role is no commitment: « agent administratif » puts no staff at the project's disposal.
    const roleAt = entities.role === undefined ? -1 : reading.plain.indexOf(plainOf(entities.role));
    const withoutRole = { ...reading };
    if (roleAt >= 0) blank(withoutRole, roleAt, roleAt + entities.role!.length);
    set('commitments', readCommitments(withoutRole));
    // A role (« agent de développement ») is no detail of the staff put at the project's disposal; at the commitments, what reads as one is the staff.
    const spoken = (entities.commitments ?? []).filter((kind): kind is CommitmentKind => kind !== 'coordination');
    set('commitmentDetails', commitmentDetailsIn(entities.role && !pending.startsWith('commitments.') ? text.replace(entities.role, ' ') : text, spoken));
  }
  set('publics', readPublics(reading));
  // At their own question, the other funders are read by its parser.
  const funders = pending === 'budget.otherFunders' ? [] : fundersNamedIn(text);
  if (funders.length > 0) set('funders', funders);
  const actionIndex = readActionIndex(reading.plain, pending);
  set('actionIndex', actionIndex);
  if (actionIndex !== undefined) {
    reading.plain = reading.plain.replace(/\baction (?:n°|no|numero|nr)?\s?\d{1,2}\b/g, (match) => ' '.repeat(match.length));
    reading.plain = reading.plain.replace(/\b(1re|1ere|2e|2eme|3e|3eme|4e|4eme|5e|5eme)\b/g, (match) => ' '.repeat(match.length));
  }
  assignNumbers(entities, findNumbers(reading.plain), numbersPending, fieldTarget, reading.plain);
  if (YES_NO_QUESTIONS.has(pending)) {
    let yesNo = readYesNo({ ...reading, pending });
    if (yesNo === undefined && pending === 'budget.otherFunders' && (entities.amount !== undefined || /\b(region|departement|caf|fondation|europe|fse|etat|ville|commune|intercommunalite|agglo|metropole)\b/.test(reading.plain))) yesNo = true;
    set('yesNo', yesNo);
  }
  set('skip', readSkip({ ...reading, pending }));
  set('section', section);
  set('target', fieldTarget ?? section);
  return entities;
}

