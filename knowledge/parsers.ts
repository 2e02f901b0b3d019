// Understanding what officials type in French: codes, numbers, amounts, contacts and choices in free text.
// Case- and accent-insensitive; every failure says what was wrong with an example.
import { DEPARTEMENT_NAMES } from './departements';
import type { Approach, CollectivityKind, CommitmentKind, DiagnosticStatus, IntegrationField } from './schemes';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(reason: string): ParseResult<T> => ({ ok: false, reason });

/** Lower case, no accents, straight apostrophes, single spaces: what the keyword rules match against. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[_\s]+/g, ' ')
    .replace(ELIDED_WITHOUT_APOSTROPHE, "$1'")
    .trim();
}

/** « garde d enfants », « l emploi »: an elided « d' » or « l' » typed with a space instead of its apostrophe (same length). */
export const ELIDED_WITHOUT_APOSTROPHE = /\b([dl]) (?=[aeiouyh])/g;

// ---------------------------------------------------------------------------------------------
// Département

const DEPARTEMENT_EXAMPLE = 'Indiquez son numéro ou son nom, par exemple 69, Isère, 2A ou 974.';

/** A canonical département code: 01–95 (without 20), 2A, 2B, 971–976. */
export function isDepartementCode(code: string): boolean {
  if (code === '2A' || code === '2B') return true;
  if (/^\d{2}$/.test(code)) {
    const number = Number(code);
    return number >= 1 && number <= 95 && number !== 20;
  }
  return /^97[1-6]$/.test(code);
}

/** A département's name as people type it: no accents, hyphens or apostrophes, no leading article. */
function departementKey(text: string): string {
  return normalizeText(text)
    .replace(/[-'.]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(le |la |les |l |en |dans le |dans la |dans les |dans l )?(departement )?(du |de la |de l |des |de )?/, '')
    .replace(/^(le |la |les |l )/, '');
}

const DEPARTEMENTS_BY_NAME: ReadonlyMap<string, string> = new Map(Object.entries(DEPARTEMENT_NAMES).map(([code, name]) => [departementKey(name), code]));

/** "69", "1" → "01", "2a" → "2A", "974", "Rhône (69)", "Isère", "la Seine-Saint-Denis". */
export function parseDepartement(input: string): ParseResult<string> {
  const text = normalizeText(input);
  const inParentheses = /\(([^)]*)\)\s*$/.exec(text)?.[1]?.trim();
  const candidate = (inParentheses ?? text).replace(/^(departement|dept|dep)\.?\s*/, '').toUpperCase();
  const byName = DEPARTEMENTS_BY_NAME.get(departementKey(input));
  if (byName) return ok(byName);
  if (candidate === '20' || departementKey(input) === 'corse') {
    return fail(`La Corse se code 2A (Corse-du-Sud) ou 2B (Haute-Corse) : indiquez l’un de ces deux codes.`);
  }
  const code = /^\d$/.test(candidate) ? `0${candidate}` : candidate;
  if (isDepartementCode(code)) return ok(code);
  return fail(`Je n’ai pas reconnu ce département. ${DEPARTEMENT_EXAMPLE}`);
}

// ---------------------------------------------------------------------------------------------
// SIREN

/** Nine digits passing the Luhn check, as INSEE allocates them. */
export function isValidSiren(siren: string): boolean {
  if (!/^\d{9}$/.test(siren)) return false;
  let sum = 0;
  for (let index = 0; index < 9; index += 1) {
    let digit = Number(siren[8 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** "200 046 977" → "200046977". */
export function parseSiren(input: string): ParseResult<string> {
  const digits = input.replace(/[\s.\u00a0\u202f-]/g, '');
  if (!/^\d+$/.test(digits) || digits.length !== 9) {
    return fail('Le numéro SIREN comporte 9 chiffres. Par exemple : 200 046 977.');
  }
  if (!isValidSiren(digits)) {
    return fail('Ce numéro SIREN n’est pas valide : sa clé de contrôle ne correspond pas. Vérifiez-le, par exemple : 200 046 977.');
  }
  return ok(digits);
}

// ---------------------------------------------------------------------------------------------
// Numbers and amounts

interface ReadNumber {
  value: number;
  negative: boolean;
}

const MULTIPLIERS: ReadonlyArray<{ pattern: RegExp; factor: number }> = [
  { pattern: /^(milliards?|mds?|md)\b/, factor: 1_000_000_000 },
  { pattern: /^(millions?|m)(?![a-z])/, factor: 1_000_000 },
  { pattern: /^(milliers?|mille|k)(?![a-z])/, factor: 1_000 },
];

/**
 * Reads the first number in a French text: "12 000", "12.000", "12 500,50", "1,4 million",
 * "1.4M", "250k", "15 k€". A single separator followed by exactly three digits, with no
 * multiplier, is read as a thousands separator ("12,000" → 12000), which is what people mean.
 */
function readNumber(input: string): ReadNumber | undefined {
  const text = normalizeText(input).replace(/[\u00a0\u202f]/g, ' ');
  const match = /(-\s*)?(\d{1,3}(?:[ .]\d{3})+|\d+)(?:[.,](\d+))?/.exec(text);
  if (!match) return undefined;
  const [whole, minus, integerPart = '', decimals] = match;
  const rest = text.slice(match.index + whole.length).replace(/^\s+/, '');
  const multiplier = MULTIPLIERS.find((candidate) => candidate.pattern.test(rest));
  const integerDigits = integerPart.replace(/[ .]/g, '');
  let value: number;
  if (decimals !== undefined && decimals.length === 3 && !multiplier && !integerPart.includes(' ') && !integerPart.includes('.')) {
    value = Number(`${integerDigits}${decimals}`);
  } else {
    value = Number(decimals === undefined ? integerDigits : `${integerDigits}.${decimals}`);
  }
  if (multiplier) value *= multiplier.factor;
  return { value, negative: minus !== undefined };
}

const MAX_POPULATION = 70_000_000;

/** "12 000", "12000 habitants", "1,4 million", "1.4M", "250k" → an integer number of inhabitants. */
export function parsePopulation(input: string): ParseResult<number> {
  const example = 'Par exemple : « 12 000 » ou « 1,4 million ».';
  const read = readNumber(input);
  if (!read) return fail(`Indiquez le nombre d’habitants en chiffres. ${example}`);
  const value = Math.round(read.value);
  if (read.negative || value <= 0) return fail(`Le nombre d’habitants doit être supérieur à zéro. ${example}`);
  if (value > MAX_POPULATION) return fail(`Ce nombre d’habitants semble trop élevé : vérifiez-le. ${example}`);
  return ok(value);
}

const MAX_EUROS = 1_000_000_000;

/** "15 000 €", "15000 euros", "15 k€", "1,5 M€", "12 500,50" → euros, rounded to the cent; zero is accepted. */
export function parseEuros(input: string): ParseResult<number> {
  const example = 'Par exemple : « 15 000 € », « 15 k€ » ou « 1,5 M€ ».';
  const read = readNumber(input);
  if (!read) return fail(`Indiquez un montant en euros. ${example}`);
  if (read.negative) return fail(`Le montant ne peut pas être négatif. ${example}`);
  const value = Math.round(read.value * 100) / 100;
  if (value > MAX_EUROS) return fail(`Ce montant semble trop élevé : vérifiez-le. ${example}`);
  return ok(value);
}

/** "environ 40 personnes" → 40; "1 200" → 1200. */
export function parsePositiveInteger(input: string): ParseResult<number> {
  const example = 'Par exemple : « 40 ».';
  const read = readNumber(input);
  if (!read) return fail(`Indiquez un nombre en chiffres. ${example}`);
  if (read.negative || read.value <= 0) return fail(`Le nombre doit être supérieur à zéro. ${example}`);
  if (!Number.isInteger(read.value)) return fail(`Indiquez un nombre entier. ${example}`);
  if (read.value > MAX_POPULATION) return fail(`Ce nombre semble trop élevé : vérifiez-le. ${example}`);
  return ok(read.value);
}

// ---------------------------------------------------------------------------------------------
// Contacts

/** A pragmatic check (one @, a dotted domain, no spaces), lower-cased; "mailto:" is tolerated. */
export function parseEmail(input: string): ParseResult<string> {
  const email = input.trim().replace(/^mailto:/i, '').toLowerCase();
  const valid =
    email.length <= 254 &&
    /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/.test(email) &&
    !email.includes('..') &&
    !email.startsWith('.') &&
    !email.includes('.@');
  return valid ? ok(email) : fail('Cette adresse électronique ne semble pas valide. Par exemple : prenom.nom@ville-exemple.fr.');
}

// Overseas numbers have their own country codes: the national 0590… becomes +590 590….
const OVERSEAS_PREFIXES: ReadonlyArray<{ national: RegExp; countryCode: string }> = [
  { national: /^0(590|690|691)/, countryCode: '590' },
  { national: /^0(596|696|697)/, countryCode: '596' },
  { national: /^0(594|694)/, countryCode: '594' },
  { national: /^0(262|263|269|639|692|693)/, countryCode: '262' },
];
const INTERNATIONAL_FRENCH = /^\+(33[1-9]\d{8}|(590|596|594|262)\d{9}|508\d{6})$/;

/** "06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0033…" → "+33612345678"; overseas numbers too. */
export function parsePhone(input: string): ParseResult<string> {
  let digits = input.trim().replace(/[\s.\-()/\u00a0\u202f]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  // "+33 (0)6 …" is a common way of writing it.
  digits = digits.replace(/^\+330/, '+33');
  let international: string | undefined;
  if (digits.startsWith('+')) {
    international = digits;
  } else if (/^0508\d{6}$/.test(digits)) {
    // Saint-Pierre-et-Miquelon: 05 08 41 12 34 is +508 41 12 34.
    international = `+508${digits.slice(4)}`;
  } else if (/^0[1-9]\d{8}$/.test(digits)) {
    const overseas = OVERSEAS_PREFIXES.find((prefix) => prefix.national.test(digits));
    international = overseas ? `+${overseas.countryCode}${digits.slice(1)}` : `+33${digits.slice(1)}`;
  }
  if (international && INTERNATIONAL_FRENCH.test(international)) return ok(international);
  return fail('Je n’ai pas reconnu ce numéro de téléphone. Indiquez un numéro français, par exemple : 06 12 34 56 78 ou +33 6 12 34 56 78.');
}

// ---------------------------------------------------------------------------------------------
// Choices in free text

const KIND_RULES: ReadonlyArray<{ kind: CollectivityKind; pattern: RegExp }> = [
  { kind: 'metropole', pattern: /\bmetropole\b/ },
  { kind: 'communaute_urbaine', pattern: /\bcommunaute urbaine\b|^cu\b/ },
  { kind: 'communaute_agglomeration', pattern: /\bcommunaute (d'\s*)?agglo(meration)?\b|\bagglo(meration)?\b/ },
  { kind: 'communaute_de_communes', pattern: /\bcommunaute de(s)? communes\b|\bcom ?com\b|^(cc|cdc)\b/ },
  { kind: 'region', pattern: /\bconseil regional\b|\bregion\b/ },
  { kind: 'departement', pattern: /\bconseil departemental\b|\bdepartement\b/ },
  { kind: 'commune', pattern: /\bcommune\b|\bmairie\b|\bville\b|\bvillage\b|\bmunicipalite\b/ },
  { kind: 'other', pattern: /\bautre\b/ },
];

// Acronyms are matched on the text as typed, in capitals, so that "ça" never reads as "CA".
const KIND_ACRONYMS: ReadonlyArray<{ kind: CollectivityKind; pattern: RegExp }> = [
  { kind: 'communaute_urbaine', pattern: /\bCU\b/ },
  { kind: 'communaute_agglomeration', pattern: /\bCA\b/ },
  { kind: 'communaute_de_communes', pattern: /\b(CC|CDC|CdC)\b/ },
  { kind: 'departement', pattern: /\bCD\b/ },
];

const KIND_EXAMPLE = 'commune, communauté de communes, communauté d’agglomération, communauté urbaine, métropole, département, région ou autre';

/** "on est une métropole", "communauté d'agglo", "CC du Pays de X", "mairie de Lyon", "conseil départemental". */
export function parseCollectivityKind(input: string): ParseResult<CollectivityKind> {
  const text = normalizeText(input);
  // The kind named first wins: "une commune de la région" is a commune.
  const [first] = KIND_RULES.map((rule) => ({ kind: rule.kind, index: text.search(rule.pattern) }))
    .filter((hit) => hit.index >= 0)
    .sort((a, b) => a.index - b.index);
  const found = first?.kind ?? KIND_ACRONYMS.find((candidate) => candidate.pattern.test(input))?.kind;
  if (found) return ok(found);
  if (/\bepci\b/.test(text)) {
    return fail('Précisez le type d’intercommunalité : communauté de communes, communauté d’agglomération, communauté urbaine ou métropole.');
  }
  return fail(`Je n’ai pas reconnu le type de collectivité. Répondez par exemple : ${KIND_EXAMPLE}.`);
}

/**
 * Keyword rules, longest phrases first: each match is blanked out before the next rule runs, so
 * "coordination linguistique" is not also read as "formation linguistique".
 */
const FIELD_RULES: ReadonlyArray<{ field: IntegrationField; pattern: RegExp }> = [
  { field: 'language_coordination', pattern: /\bcoordinations? (linguistiques?|des cours de (francais|langue))\b/g },
  { field: 'vocational_training', pattern: /\bformations? (professionnelles?|pro)\b|\bqualification\b/g },
  { field: 'language', pattern: /\b(formations? linguistiques?|apprentissage du francais|cours de francais|langues?|linguistiques?|francais|fle)\b/g },
  { field: 'childcare', pattern: /\b(gardes? d'enfants?|gardes? des enfants|modes? de garde|creches?|petite enfance)\b/g },
  { field: 'sport_culture', pattern: /\b(sports?|sporti(f|ve)s?|cultures?|culturel(le)?s?|loisirs?)\b/g },
  { field: 'housing', pattern: /\b(logements?|hebergements?|habitat|loger)\b/g },
  { field: 'health', pattern: /\b(sante|soins?|medical(e|es|aux)?|sanitaires?)\b/g },
  { field: 'rights', pattern: /\b(acces aux droits|droits?|juridiques?)\b/g },
  { field: 'employment', pattern: /\b(emplois?|travail|insertion professionnelle)\b/g },
  { field: 'social', pattern: /\b(sociale?s?|sociaux)\b/g },
  { field: 'mobility', pattern: /\b(mobilites?|transports?|permis de conduire)\b/g },
  { field: 'other', pattern: /\bautres?\b/g },
];

/** « plus tard », « pas pour l'instant »: what a clause puts off is not chosen now. */
const POSTPONED = /\b(plus tard|pas ([\w'-]+ ){0,4}pour (l'instant|le moment|tout de suite)|pas maintenant|dans un second temps|ulterieurement)\b/;

/** The text without its clauses that put something off (« l'emploi et la garde d'enfants on verra plus tard »), and the clause before a bare « on verra plus tard ». */
function withoutPostponed(text: string): string {
  const clauses = text.split(/[,;.]|\bmais\b/);
  const kept = [...clauses];
  clauses.forEach((clause, index) => {
    // « retirez les champs accès aux soins et emploi on verra plus tard »: what is removed now is named, not put off.
    if (!POSTPONED.test(clause) || /\b(retir\w*|enlev\w*|supprim\w*|otez|oter)\b/.test(clause)) return;
    kept[index] = '';
    const rest = clause.replace(POSTPONED, ' ').replace(/\b(on|ca|cela|le|la|les|reste|verra|voit|pour|ceux-la|celui-la|pas)\b/g, ' ').trim();
    if (rest === '' && index > 0) kept[index - 1] = '';
  });
  return kept.join(', ');
}

/** "logement, emploi et mobilité", "santé + accès aux droits", "langue" → fields in the order typed. */
export function parseFields(input: string): ParseResult<IntegrationField[]> {
  // « mobilitée », « santée »: a « -té » noun often gets the « e » of a participle.
  const text = withoutPostponed(normalizeText(input).replace(/\b(\w+t)ee(s?)\b/g, '$1e$2'));
  const found = findAll(text, FIELD_RULES.map((rule) => ({ value: rule.field, pattern: rule.pattern })));
  if (found.length > 0) return ok(found);
  return fail('Je n’ai reconnu aucun champ de l’intégration. Citez-en un ou plusieurs, par exemple : « logement, emploi et mobilité ».');
}

/** The field an action's title names (« Cours de français pour adultes » → language), when it names exactly one and the dossier retained it. */
export function fieldOfTitle(title: string, retained: readonly IntegrationField[]): IntegrationField | undefined {
  const parsed = parseFields(title);
  if (!parsed.ok || parsed.value.length !== 1) return undefined;
  const [field] = parsed.value;
  return field && retained.includes(field) ? field : undefined;
}

const COMMITMENT_RULES: ReadonlyArray<{ value: CommitmentKind; pattern: RegExp }> = [
  // An association named as the carrier (« portée par l'association Horizon ») is no support to it: a word of support, or the label alone.
  { value: 'association_support', pattern: /\b((soutien|soutenir|soutenons|soutient|subventionn\w*|appui) (financier |logistique )?(a l'|aux? |de l'|des |a une |a des )?associations?( porteuses?)?|associations? porteuses?)\b|^\s*(l'|une |les |des )?associations?\s*$/g },
  // « on met 20 000 euros »: money the collectivity puts in is its cofinancing.
  { value: 'cofinancing', pattern: /\b(co-?financements?|co-?financ\w*|financements?|financ\w*|subventions?|argent|euros?)\b|\d\s*k?\s*€/g },
  { value: 'premises', pattern: /\b(pret d'une salle|salles?|locaux|local|batiments?)\b/g },
  // « on met à dispo une coordinatrice », « mise à disposition d'un animateur »: a person put at the project's disposal (a room is premises).
  { value: 'staff', pattern: /\b(mise a disposition d'un personnel|(met|mets|mettons|mettez|mettent|mettre|mettra|mettrons|mis|mise|mises) a dispo(sition)? (d'une? |une? |des |du |de |notre |nos |leur )?(personne|personnel|agent|salarie|coordinat|animat|charge|travailleu|educat|interven|mediat|referent)\w*|personnels?|agents?|salaries?|etp|temps de travail|mi[- ]temps)\b/g },
  { value: 'communication', pattern: /\b(relais dans la communication|communication|relais|diffusion|magazine|site internet)\b/g },
  { value: 'other', pattern: /\bautres?\b/g },
];

/** "cofinancement et prêt d'une salle", "un agent à mi-temps" → commitment kinds in the order typed. */
export function parseCommitmentKinds(input: string): ParseResult<CommitmentKind[]> {
  // « une salle de la maison des associations » names a place (premises), not support to an association.
  const text = normalizeText(input).replace(/\b(maisons?|forums?|poles?|espaces?|centres?|cites?|salles?|locaux|local|batiments?) (des |de la vie |du monde )?associati\w*/g, 'salle');
  const found = findAll(text, COMMITMENT_RULES);
  if (found.length > 0) return ok(found);
  return fail('Je n’ai pas reconnu la forme d’engagement. Citez-en une ou plusieurs, par exemple : « cofinancement », « prêt d’une salle », « mise à disposition d’un personnel », « relais dans la communication » ou « soutien à l’association ».');
}

// Negative answers are tested first: "pas d'accord" contains "d'accord", "absolument pas" contains "absolument".
const NO = /^(non|nan|nope|no|pas du tout|pas vraiment|absolument pas|surtout pas|jamais|pas d'accord|non merci)\b|\bpas du tout\b/;
const YES = /^(oui|ouais|ouaip|ouep|yes|ok|okay|d'accord|dac|bien sur|absolument|tout a fait|exact|exactement|volontiers|evidemment|effectivement|certainement|parfait|c'est ca|carrement|je confirme|confirme|valide|go)\b/;

/** "oui", "ouais", "d'accord" → true; "non", "pas du tout" → false. */
export function parseYesNo(input: string): ParseResult<boolean> {
  const text = normalizeText(input).replace(/[!.?,;]+/g, ' ').trim();
  if (NO.test(text)) return ok(false);
  if (YES.test(text)) return ok(true);
  return fail('Répondez par « oui » ou par « non ».');
}

/** "une stratégie d'ensemble" → strategy; "quelques actions ciblées" → targeted. */
export function parseApproach(input: string): ParseResult<Approach> {
  const text = normalizeText(input);
  const strategy = /\b(strategie|ensemble|global(e)?|plusieurs (besoins|champs|domaines)|transversal(e)?|contrat)\b/.test(text);
  const targeted = /\b(cible(e|es|s)?|ponctuel(le)?s?|precis(e|es)?|une action|quelques actions|projet)\b/.test(text);
  if (strategy !== targeted) return ok(strategy ? 'strategy' : 'targeted');
  return fail('Je n’ai pas compris. Souhaitez-vous « une stratégie d’ensemble » sur plusieurs besoins, ou « des actions ciblées » ?');
}

/** "il est réalisé" → done; "en cours", "prévu" → planned; "aucun", "pas encore fait" → none. */
export function parseDiagnosticStatus(input: string): ParseResult<DiagnosticStatus> {
  const text = normalizeText(input);
  // Order matters: "pas encore fait mais prévu" is planned, "pas encore fait" is none, "fait" is done.
  if (/\b(prevu|en cours|programme|a venir|bientot|planifie|envisage|lance|on va|va etre|prochainement)\b/.test(text)) return ok('planned');
  if (/\b(aucun|pas de diagnostic|pas encore|pas fait|pas realise|non|rien|jamais)\b/.test(text)) return ok('none');
  if (/\b(realise|fait|termine|acheve|deja|dispose|disponible|oui|on en a un|nous en avons un)\b/.test(text)) return ok('done');
  return fail('Je n’ai pas compris. Votre diagnostic territorial est-il « réalisé », « prévu », ou n’y en a-t-il « aucun » ?');
}

/** Every value whose pattern matches, ordered by where it first appears in the text. */
function findAll<T>(text: string, rules: ReadonlyArray<{ value: T; pattern: RegExp }>): T[] {
  let remaining = text;
  const hits: Array<{ value: T; index: number }> = [];
  for (const rule of rules) {
    remaining = remaining.replace(rule.pattern, (matched: string, ...rest: unknown[]) => {
      const index = rest.find((item): item is number => typeof item === 'number') ?? 0;
      hits.push({ value: rule.value, index });
      return ' '.repeat(matched.length);
    });
  }
  const ordered = hits.sort((a, b) => a.index - b.index).map((hit) => hit.value);
  return ordered.filter((value, index) => ordered.indexOf(value) === index);
}
