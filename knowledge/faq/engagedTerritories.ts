// The territories the seed names as engaged (11 metropolises in 2019-2020, 7 territories in 2021),
// as data, so that « Lyon en fait-elle partie ? », « Montpellier dès 2019 ? » or « combien de
// métropoles au total ? » get an exact answer instead of a passage that merely mentions them.
import { ctaiSignatories } from '../schemes';
import { seedRef, type Reason } from '../seedReferences';
import type { QuestionPart } from './questionAnalysis';
import type { RuleAnswer } from './ruleAnswers';

type Period = '2019-2020' | '2021';

interface Territory {
  readonly name: string;
  readonly pattern: RegExp;
  readonly kind: 'metropole' | 'ville';
  readonly period: Period;
}

const t = (name: string, pattern: RegExp, kind: Territory['kind'], period: Period): Territory => ({ name, pattern, kind, period });

const TERRITORIES: readonly Territory[] = [
  t('Brest', /\bbrest\b/, 'metropole', '2019-2020'),
  t('Dijon', /\bdijon\b/, 'metropole', '2019-2020'),
  t('Lyon', /\blyon\b/, 'metropole', '2019-2020'),
  t('Grenoble', /\bgrenoble\b/, 'metropole', '2019-2020'),
  t('Nantes', /\bnantes\b/, 'metropole', '2019-2020'),
  t('Toulouse', /\btoulouse\b/, 'metropole', '2019-2020'),
  t('Rennes', /\brennes\b/, 'metropole', '2019-2020'),
  t('Bordeaux', /\bbordeaux\b/, 'metropole', '2019-2020'),
  t('Clermont-Ferrand', /\bclermont\b/, 'metropole', '2019-2020'),
  t('Nancy', /\bnancy\b/, 'metropole', '2019-2020'),
  t('Strasbourg', /\bstrasbourg\b/, 'metropole', '2019-2020'),
  t('Marseille', /\bmarseille\b/, 'ville', '2021'),
  t('Tours', /\btours\b/, 'ville', '2021'),
  t('Besançon', /\bbesancon\b/, 'ville', '2021'),
  t('Poitiers', /\bpoitiers\b/, 'ville', '2021'),
  t('Le Havre', /\b(?:le )?havre\b/, 'ville', '2021'),
  t('Rouen', /\brouen\b/, 'metropole', '2021'),
  t('Montpellier', /\bmontpellier\b/, 'metropole', '2021'),
];

// Large French cities the seed does not name: « Lille en fait-elle partie ? » is answered « non ».
const OTHER_CITIES =
  /\b(paris|lille|nice|toulon|metz|orleans|saint-etienne|angers|le mans|reims|caen|limoges|amiens|perpignan|avignon|mulhouse|nimes|aix|pau|bayonne|la rochelle|lorient|quimper|vannes|chambery|annecy|valence|troyes|calais|dunkerque|argenteuil|montreuil|saint-denis|nanterre|versailles|cergy|creteil|ajaccio|bastia|cayenne|limoges|lens|douai|brive|niort|angouleme|saint-nazaire|la roche-sur-yon|colmar|belfort|evry)\b/g;

const REFS = { '2019-2020': seedRef('ctai-metropoles-2019'), '2021': seedRef('ctai-lettre-engagement') } as const;
const EARLY = TERRITORIES.filter((x) => x.period === '2019-2020');

const list = (names: readonly string[]): string => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} et ${names[names.length - 1]}`);

const EARLY_SENTENCE: Reason = {
  text: `En 2019 et 2020, 11 métropoles se sont engagées dans la contractualisation proposée par la Diair : ${list(EARLY.map((x) => x.name))}.`,
  ref: REFS['2019-2020'],
};
const LATE_SENTENCE: Reason = {
  text: 'En 2021, sept nouveaux territoires ont rejoint la démarche par une lettre d’engagement : les villes de Marseille, Tours, Besançon, Poitiers et Le Havre, et les métropoles de Rouen et de Montpellier.',
  ref: REFS['2021'],
};

const EARLY_COUNT: Reason = { text: 'En 2019 et 2020, 11 métropoles se sont engagées dans la contractualisation proposée par la Diair.', ref: REFS['2019-2020'] };
const LATE_COUNT: Reason = {
  text: 'En 2021, sept nouveaux territoires ont rejoint la démarche par une lettre d’engagement : cinq villes (Marseille, Tours, Besançon, Poitiers, Le Havre) et deux métropoles (Rouen, Montpellier).',
  ref: REFS['2021'],
};
/** The 2019-2020 sentence short enough to go with the 2021 one in one answer. */
const EARLY_BESIDE_LATE: Reason = { text: `En 2019 et 2020, 11 métropoles se sont engagées : ${list(EARLY.map((x) => x.name))}.`, ref: REFS['2019-2020'] };

/** One sentence per period for the territories named: « Grenoble et Lyon font partie des 11 métropoles… ». */
function describe(named: readonly Territory[]): Reason[] {
  const reasons: Reason[] = [];
  const early = named.filter((x) => x.period === '2019-2020');
  const late = named.filter((x) => x.period === '2021');
  if (early.length > 0) {
    const names = list(early.map((x) => x.name));
    reasons.push({ text: `${names} ${early.length > 1 ? 'font' : 'fait'} partie des 11 métropoles engagées en 2019 et 2020 dans la contractualisation proposée par la Diair.`, ref: REFS['2019-2020'] });
  }
  if (late.length > 0) {
    const names = list(late.map((x) => `${x.name} (${x.kind === 'ville' ? 'ville' : 'métropole'})`));
    reasons.push({ text: `${names} ${late.length > 1 ? 'ont' : 'a'} rejoint la démarche en 2021 par une lettre d’engagement.`, ref: REFS['2021'] });
  }
  return reasons;
}

const ENGAGEMENT_WORDS = /engag|dedans|inclu|compris|membre|dans le lot|en fait partie|rejoin|partie|figure|parmi|particip|concern|liste|signe|signataire|cite|dans la demarche|contractualis|depuis|quand|annee|2019|2020|2021|nouveau|pionni|avant|ville|metropole|propos|demarche|territoire/;

function askedPeriod(folded: string): Period | 'both' | undefined {
  const early = /2019|2020|pionni|premier|avant 2021|des le debut/.test(folded);
  const late = /2021|nouveaux?|nouvelles?|recemment/.test(folded.replace(/avant 2021/g, ' '));
  if (early && late) return 'both';
  if (early) return '2019-2020';
  if (late) return '2021';
  return undefined;
}

/** How a city the seed does not name is written: « Saint-Étienne », « La Roche-sur-Yon ». */
const ACCENTED: Readonly<Record<string, string>> = { etienne: 'Étienne', orleans: 'Orléans', nimes: 'Nîmes', creteil: 'Créteil', angouleme: 'Angoulême', evry: 'Évry', chambery: 'Chambéry' };
const proper = (n: string): string =>
  n
    .split(/([ -])/)
    .map((w, i) => (ACCENTED[w] ?? (w === 'sur' && i > 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))))
    .join('');

function namedIn(f: string): { named: Territory[]; others: string[] } {
  const named = TERRITORIES.filter((x) => x.pattern.test(f));
  const others = [...new Set([...f.matchAll(OTHER_CITIES)].map((m) => m[1] ?? ''))].filter((n) => n !== '' && !TERRITORIES.some((x) => x.pattern.test(n)));
  return { named, others };
}

/** The engagement of each territory named: « Lyon fait partie des 11 métropoles… », « Lille ne figure pas parmi… ». */
function engagementOf(named: readonly Territory[], others: readonly string[], already = false): Reason[] {
  const reasons = describe(named);
  for (const other of others) {
    reasons.push({ text: `${proper(other)} ne figure pas parmi les territoires ${already ? 'déjà ' : ''}engagés que cite le texte (11 métropoles en 2019-2020, sept nouveaux territoires en 2021).`, ref: REFS['2019-2020'] });
  }
  return reasons;
}

/**
 * « Saint-Étienne Métropole, on peut faire un CTAI ? » asks whether the collectivity may sign one, not
 * whether it already has: the scheme rule answers (knowledge/schemes.ts), the list only says whether it
 * is already engaged. A question about the engagement itself (« déjà », « fait partie », « en 2021 ») is not one.
 */
const ASKS_ELIGIBILITY = /\bpeu[tx]?\b|\bpeuvent\b|\bpouvons\b|\bpouvez\b|\bpourr|possible|eligible|\bdroit\b|candidat|pretendre|\bfaire\b|conclure|\bsigner\b|monter|lancer|deposer|beneficier|\bacces\b|ouverts?\b/;
const ASKS_ENGAGEMENT = /deja|engag|rejoin|fait partie|font partie|figure|parmi|liste|\bcite|signataires?\b|depuis|quand|annee|\b20[12]\d\b|pionni|nouveaux?|membre|dans le lot|inclu|compris|au total|en tout|combien/;

export function asksTerritoryEligibility(part: QuestionPart): boolean {
  const f = part.folded;
  if (!part.yesNo || !ASKS_ELIGIBILITY.test(f) || ASKS_ENGAGEMENT.test(f) || /\bptai\b|projet/.test(f)) return false;
  // « Il va faire beau à Nantes ? »: « faire » asks for a scheme only when one is named.
  if (!/\bctai\b|contrat|dispositif|demarche|\bsigner\b|conclure|eligible|candidat|beneficier|pretendre/.test(f)) return false;
  const { named, others } = namedIn(f);
  return named.length > 0 || others.length > 0;
}

/**
 * The answer to an eligibility question that names a territory: the rule's answer (none when the kind
 * of collectivity is not said: « Lille peut-elle faire un CTAI ? » then gets the signatories), then
 * whether the territory is already engaged.
 */
export function eligibilityWithEngagement(part: QuestionPart, rule: RuleAnswer | undefined): RuleAnswer {
  const { named, others } = namedIn(part.folded);
  const base: RuleAnswer = rule ?? { reasons: [ctaiSignatories()] };
  // After a « Non », a territory not engaged is no news: the way out (the PTAI) is kept instead.
  const engagement = engagementOf(named, base.verdict === 'no' ? [] : others, true);
  return { ...base, reasons: [...base.reasons, ...engagement] };
}

/** An answer from the table of engaged territories, when the part is about them. */
export function territoryAnswer(part: QuestionPart): RuleAnswer | undefined {
  const f = part.folded;
  const { named, others } = namedIn(f);
  const period = askedPeriod(f);

  if (named.length > 0 || others.length > 0) {
    if (!ENGAGEMENT_WORDS.test(f) || asksTerritoryEligibility(part)) return undefined;
    const reasons = engagementOf(named, others);
    if (!part.yesNo) return { reasons };
    let yes = others.length === 0;
    if (/meme (?:annee|moment|periode|vague|date)|en meme temps|simultanement/.test(f)) yes = new Set(named.map((x) => x.period)).size === 1;
    else if (period && period !== 'both' && !/ou avant|ou apres|ou pas/.test(f)) yes = yes && named.every((x) => x.period === period);
    const kind: Territory['kind'] | undefined =
      /en tant que ville|au titre de (?:la )?ville|comme ville|c(?:'est)? une ville|des villes/.test(f) && !/metropole/.test(f)
        ? 'ville'
        : /en tant que metropole|au titre de (?:la )?metropole|(?:est-(?:il|elle)|sont-(?:ils|elles)|c'est) (?:une |des )?metropoles?/.test(f)
          ? 'metropole'
          : undefined;
    if (kind) yes = yes && named.every((x) => x.kind === kind);
    if (/\bou\b/.test(f) && /ou avant|ou apres|villes? ou (?:des )?metropoles?/.test(f)) return { reasons };
    // « Rouen ne faisait pas partie des 11 métropoles, ai-je raison ? »: the claim is confirmed when the territory is not in them.
    if (part.negated) yes = !yes;
    // « Montpellier, au titre de la ville ? »: the 2021 sentence tells its cities from its metropolises.
    const otherKind = kind !== undefined && named.some((x) => x.period === '2021' && x.kind !== kind);
    return { verdict: yes ? 'yes' : 'no', reasons: otherKind ? [...engagementOf(named.filter((x) => x.period !== '2021'), others), LATE_SENTENCE] : reasons };
  }

  // Lists and counts: « quelles métropoles en 2019-2020 », « combien de territoires en 2021 », « au total ».
  // « comment » asks how they joined: the letter of engagement is said of 2021 only.
  if (/\bcomment\b|de quelle maniere|par quel/.test(f) && period !== '2021') return undefined;
  if (!/metropoles?|territoires?|villes?|collectivites? (?:engagees|signataires)/.test(f) || !/engag|rejoin|contractualis|signe|liste|cite|figur|nouveaux|2019|2020|2021|total|en tout/.test(f)) return undefined;
  if (/\btotal\b|\ben tout\b/.test(f) && /metropole/.test(f)) {
    const metropolises = TERRITORIES.filter((x) => x.kind === 'metropole');
    return {
      reasons: [
        { text: `${metropolises.length} métropoles au total : les 11 de 2019-2020 (${list(EARLY.map((x) => x.name))}) et, en 2021, Rouen et Montpellier.`, ref: REFS['2019-2020'] },
        { text: 'En 2021 ont aussi rejoint la démarche les villes de Marseille, Tours, Besançon, Poitiers et Le Havre.', ref: REFS['2021'] },
      ],
    };
  }
  // A count asked without the names: the count (two lists of names would not fit in one answer).
  const countOnly = !part.yesNo && /combien|nombre/.test(f) && !/lesquel|quel|\bnoms?\b|liste|\bqui\b|villes?\b/.test(f);
  if (countOnly && period === '2019-2020') return { reasons: [EARLY_COUNT] };
  if (countOnly && period === '2021') return { reasons: [LATE_COUNT] };
  if (countOnly && period === 'both') return { reasons: [EARLY_COUNT, LATE_COUNT] };
  if (period === '2021' && /metropole/.test(f) && !/territoire|ville/.test(f)) {
    return { reasons: [{ text: 'En 2021, deux métropoles ont rejoint la démarche par une lettre d’engagement : Rouen et Montpellier, avec les villes de Marseille, Tours, Besançon, Poitiers et Le Havre.', ref: REFS['2021'] }] };
  }
  if (period === '2019-2020') {
    // « … une démarche proposée par la DGEF ? »: the contractualisation of 2019-2020 was the Diair's.
    if (part.yesNo && /propos/.test(f)) return { verdict: /diair/.test(f) ? 'yes' : 'no', reasons: [EARLY_SENTENCE] };
    return { reasons: [EARLY_SENTENCE] };
  }
  if (period === '2021') return { reasons: [LATE_SENTENCE] };
  if (period === 'both' || /engag|liste|cite/.test(f)) return { reasons: [EARLY_BESIDE_LATE, LATE_SENTENCE] };
  return undefined;
}
