// The seed's own sentences (shared/seed/territoires-integration.txt), for answers that quote the
// seed rather than the knowledge base's shorter rewording: an official asking « qui sont les
// bénéficiaires » expects the seed's words (« plus ponctuellement », « un diagnostic territorial »,
// « notamment »), and a rewording that condenses a sentence loses some of them.
import { analyzeText } from './frenchText';

interface SeedSentence {
  /** copied verbatim from the seed (test/knowledge/faqSeedQuotes.test.ts checks it) */
  readonly quote: string;
  /** the quote's opening words that point back to an earlier sentence, and what they stand for */
  readonly subject?: readonly [string, string];
}

export const SEED_SENTENCES: readonly SeedSentence[] = [
  { quote: 'En 2021, la Direction générale des étrangers en France (DGEF) et la Délégation interministérielle à l’accueil et à l’intégration des réfugiés (Diair) rapprochent leurs dispositifs de partenariats avec les collectivités pour mettre en place des "Territoires d’intégration".' },
  { quote: 'Il s’agit d’une nouvelle démarche de l’Etat, qui se décline en contrats territoriaux d’accueil et d’intégration (CTAI) et en projets territoriaux d’accueil et d’intégration (PTAI) pour accompagner les collectivités territoriales désireuses de s’engager dans ce domaine.', subject: ['Il s’agit d’une', '« Territoires d’intégration » est une'] },
  { quote: 'Celles-ci sont en effet compétentes dans de nombreux domaines pouvant faciliter l’accès à l’autonomie des étrangers primo-arrivants, dont les bénéficiaires de la protection internationale (BPI).', subject: ['Celles-ci sont en effet', 'Les collectivités territoriales sont'] },
  { quote: '9 millions d’euros sont mobilisés pour financer localement des actions contribuant à la réussite de l’intégration de ce public étranger.' },
  { quote: 'Les contrats territoriaux d’accueil et d’intégration (CTAI) visent les grandes agglomérations désireuses de déployer une stratégie d’ensemble, déclinée dans des actions concrètes, en faveur de l’intégration des étrangers primo-arrivants, dont les BPI.' },
  { quote: 'Les CTAI sont négociés et signés par les préfets avec les métropoles, les communautés urbaines ainsi qu’avec les départements et les régions volontaires.' },
  { quote: 'Ces actions, complémentaires au contrat d’intégration républicaine, s’inscrivent dans les priorités de la stratégie nationale d’accueil et d’intégration des réfugiés et répondent à des besoins identifiés par un diagnostic territorial, notamment en matière d’accès aux soins, aux droits, au logement, à la formation linguistique, à l’emploi et aux offres sportives et culturelles.', subject: ['Ces actions', 'Les actions des CTAI'] },
  { quote: 'Les CTAI comportent obligatoirement des actions en faveur de l’accès au logement.' },
  { quote: 'En 2019 et 2020, 11 métropoles se sont engagées dans la démarche de la contractualisation proposée par la Diair : Brest, Dijon, Lyon, Grenoble, Nantes, Toulouse, Rennes, Bordeaux, Clermont-Ferrand, Nancy et Strasbourg.' },
  { quote: 'En 2021, sept nouveaux territoires rejoignent la démarche de contractualisation avec l’État : les villes de Marseille, Tours, Besançon, Poitiers et le Havre et les métropoles de Rouen et de Montpellier se sont engagées en ce sens via une lettre d’engagement.' },
  { quote: 'Les projets territoriaux d’accueil et d’intégration (PTAI) sont à destination de toute collectivité désireuse de s’engager plus ponctuellement dans des actions en faveur de l’intégration des étrangers primo-arrivants, dont les BPI.' },
  { quote: 'Les PTAI, complémentaires du contrat d’intégration républicaine, peuvent mobiliser un financement de l’État d’ampleur variable, sans minimum, et s’inscrire dans un ou plusieurs champs de l’intégration (formation professionnelle, coordination linguistique...).' },
  { quote: 'Un diagnostic territorial préalable n’est pas requis, même s’il est conseillé.', subject: ['Un diagnostic', 'Pour un PTAI, un diagnostic'] },
  { quote: 'De nombreux types de projets sont possibles, par exemple dans les domaines de la formation professionnelle, de l’accès à l\'emploi, des projets à visée sociale, de la mobilité, de la garde d’enfants, de coordinations linguistiques, etc.', subject: ['De nombreux types de projets sont possibles', 'De nombreux types de projets sont possibles dans un PTAI'] },
  { quote: 'Un engagement pouvant se traduire de différentes manières est attendu de la collectivité (cofinancement, prêt d’une salle, mise à disposition d’un personnel, relais dans la communication, soutien à l’association porteuse de l’action...).' },
];

/**
 * A sentence of an answer is a rewording of a seed sentence when this share of its content words
 * (stems) is in it: the rewording then gives way to the seed's own words. A sentence fitted to the
 * question (« une communauté d’agglomération comme les autres ») holds words of its own and stays.
 */
const MIN_SHARE_OF_SEED = 0.85;
const MIN_WORDS = 4;

const stemsOf = (text: string): Set<string> => new Set(analyzeText(text).map((t) => t.stem));
const SHOWN = SEED_SENTENCES.map((s) => (s.subject ? s.quote.replace(s.subject[0], s.subject[1]) : s.quote));
const SEED_STEMS = SHOWN.map(stemsOf);

/** The seed sentence a sentence rewords (as shown, its subject spelled out), or undefined. */
export function seedSentenceOf(sentence: string): string | undefined {
  // « BPI signifie bénéficiaires de la protection internationale. »: a glossary entry says what a name stands for, in fewer words than the seed.
  if (/\bsignifie\b/.test(sentence)) return undefined;
  const own = stemsOf(sentence.replace(/\s*\[\d+\]/g, ''));
  if (own.size < MIN_WORDS) return undefined;
  let best: { at: number; share: number } | undefined;
  for (const [at, stems] of SEED_STEMS.entries()) {
    let shared = 0;
    for (const s of own) if (stems.has(s)) shared += 1;
    const share = shared / own.size;
    if (share >= MIN_SHARE_OF_SEED && (!best || share > best.share)) best = { at, share };
  }
  return best === undefined ? undefined : SHOWN[best.at];
}

/** A short opening naming the option a choice question asks for: « Le préfet : ». */
const LABEL = /^[^:.,;]{2,30} : /;
const lowerFirst = (text: string): string => (/^(?:Les|Le|La|L’|L'|Un|Une|De|Des|En|Pour|Ces|Il)\b/.test(text) ? `${text.charAt(0).toLowerCase()}${text.slice(1)}` : text);

const SENTENCE_END = /(?<=[.!?…])\s+(?!\[)|(?<=[.!?…]\s\[\d+\])\s+/;

function withMarkers(sentence: string, markers: string): string {
  if (markers === '') return sentence;
  if (/\betc\.$|\.\.\.\)\.$/.test(sentence)) return `${sentence} ${markers}`;
  const end = /[.!?…]$/.exec(sentence);
  return end ? `${sentence.slice(0, -1)} ${markers}${end[0]}` : `${sentence} ${markers}.`;
}

/**
 * The text with its sentences that reword a seed sentence replaced by it, their markers kept, in
 * order while the text stays within `maxLength` characters; a seed sentence is quoted once (a later
 * sentence rewording it goes). The text as it was when no sentence rewords the seed or none fits.
 */
export function inSeedWords(text: string, maxLength: number = Number.POSITIVE_INFINITY): string {
  const sentences = text.split(SENTENCE_END);
  const quotedAt = new Map<string, number>();
  for (const [at, sentence] of sentences.entries()) {
    // « Le préfet : les CTAI sont… »: the option a choice question asks for stays in front.
    const label = LABEL.exec(sentence)?.[0] ?? '';
    const seed = seedSentenceOf(sentence.slice(label.length));
    if (seed === undefined) continue;
    const markers = [...new Set(sentence.match(/\[\d+\]/g) ?? [])].join(' ');
    const next = [...sentences];
    const quote = withMarkers(seed, markers);
    next[at] = quotedAt.has(seed) ? '' : label === '' ? quote : `${label}${lowerFirst(quote)}`;
    const joined = next.filter((s) => s !== '').join(' ');
    if (joined.length > maxLength) continue;
    if (!quotedAt.has(seed)) quotedAt.set(seed, at);
    sentences.splice(0, sentences.length, ...next);
  }
  return sentences.filter((s) => s !== '').join(' ');
}
