// Puts a question as officials type it into plain written French before it is read: lower case
// without accents, SMS spellings and frequent typos rewritten, and the politeness around the
// question (« bonjour », « excusez-moi mais », « merci d'avance », « svp ») taken out, so that
// none of it counts as a word the base should hold.
import { PHRASE_SYNONYMS, SMS_SPELLINGS } from './frenchLexicon';
import { foldAccents } from './frenchText';

/** Spellings met in questions on top of the lexicon's SMS table, which the index also uses. */
const QUESTION_SPELLINGS: Readonly<Record<string, string>> = {
  cest: "c'est",
  sest: "s'est",
  jai: "j'ai",
  chui: 'je suis',
  chuis: 'je suis',
  jsuis: 'je suis',
  jveux: 'je veux',
  jpeux: 'je peux',
  jvoudrais: 'je voudrais',
  kesk: "qu'est-ce que",
  keske: "qu'est-ce que",
  keskec: "qu'est-ce que c'est",
  kesako: "qu'est-ce que c'est",
  quesaco: "qu'est-ce que c'est",
  vs: 'vous',
  ns: 'nous',
  dc: 'donc',
  tjs: 'toujours',
  tjrs: 'toujours',
  qqch: 'quelque chose',
  qq: 'quelques',
  pcq: 'parce que',
  pck: 'parce que',
  mtn: 'maintenant',
  oblig: 'obligatoire',
  obligatoir: 'obligatoire',
  ptit: 'petit',
  ptite: 'petite',
  ptits: 'petits',
  ptites: 'petites',
  qeul: 'quel',
  combiens: 'combien',
  comben: 'combien',
  diagnotic: 'diagnostic',
  diagnostc: 'diagnostic',
  metropol: 'metropole',
  colectivite: 'collectivite',
  collectivitee: 'collectivite',
  comune: 'commune',
  comunes: 'communes',
  comunaute: 'communaute',
  integartion: 'integration',
  intergration: 'integration',
  integation: 'integration',
};

// « peu » is also a word (« peu de moyens »): it is read as « peut » only before what can follow « peut ».
const spellings = new Map<string, string>(
  [...Object.entries(SMS_SPELLINGS), ...Object.entries(QUESTION_SPELLINGS)].filter(([typed]) => typed !== 'peu').map(([typed, meant]) => [foldAccents(typed), foldAccents(meant)]),
);
const PEU_FOR_PEUT = /\bpeu(?=[\s-](?:on|il|elle|ils|elles|t|etre|faire|signer|demander|avoir|beneficier|porter|deposer|lancer)\b)/g;

/**
 * « c est », « qu est ce qu un », « s il », « n y a »: an elision typed with a space instead of its apostrophe.
 * Not « t » (« a t il » is an inversion) nor « c » before anything but « est » (« c ok » is « c'est ok »).
 */
const ELISION_WITHOUT_APOSTROPHE = /(^|[^a-z'])(c(?= est\b)|d|j|l|m|n|s|qu|jusqu|lorsqu|puisqu) (?=[aeiouyh])/g;
const EST_CE = /(^|[^a-z'])((?:qu')?est) ce (?=qu)/g;

/** Folded text with the elisions typed with a space given back their apostrophe (« c est quoi » → « c'est quoi »): the FAQ and the understanding step read them alike. */
export function restoreElisions(folded: string): string {
  return folded.replace(ELISION_WITHOUT_APOSTROPHE, "$1$2'").replace(EST_CE, '$1$2-ce ');
}

/** « c koi », « c ki », « c obligatoire » : a lone « c » before a word stands for « c'est ». */
const LONE_C = /(^|[\s,;:!?(])c (?=[a-z])/g;

// Politeness and preambles, wherever they are: they carry nothing the base could answer.
const POLITENESS: readonly RegExp[] = [
  /\b(?:bonjour|bonsoir|salut|coucou|hello|hey|allo)\b(?: (?:a (?:vous|tous)|madame|monsieur|mesdames|messieurs))?[\s,!.]*/g,
  /\b(?:madame|monsieur),?\s/g,
  /\bexcusez[\s-]moi\b(?: (?:de|pour) (?:vous )?(?:deranger|la question|le derangement|ma question))?(?:,? mais\b)?[\s,!.]*/g,
  /\b(?:excuse[\s-]moi|pardon|desolee?)\b(?: (?:de|pour) (?:vous |te )?(?:deranger|la question|le derangement|ma question))?(?:,? mais\b)?[\s,!.]*/g,
  /\bmerci(?: (?:d'avance|par avance|beaucoup|bien|infiniment|a vous))*(?: (?:pour|de) (?:votre|ta) (?:reponse|aide|retour))?[\s,!.]*/g,
  /\bs[' ]il (?:vous|te) plait\b[\s,!.]*/g,
  /\b(?:svp|stp|cordialement|bien cordialement|bonne journee|bonne soiree)\b[\s,!.]*/g,
  /\b(?:j'ai |une |petite |juste |j'aurais )+(?:petite |rapide |simple )?question(?: rapide| simple)?\s*(?::|,|\.|!|\bsvp\b)?\s*/g,
  /\bje (?:voulais|voudrais|souhaiterais|souhaite|veux) (?:juste |simplement )?(?:savoir|vous demander|demander|comprendre)\b(?: si\b)?\s*/g,
  /\bje me demandais\b(?: si\b)?\s*/g,
  /\bje (?:voudrais|souhaiterais|souhaite|veux|aimerais) (?:connaitre|avoir|obtenir)\b\s*/g,
  /\bj'aimerais (?:savoir|connaitre|comprendre)\b(?: si\b)?\s*/g,
  // « au niveau de l'État », « côté État »: the State itself
  /\bau niveau (?=de |du |des |d')/g,
  /\bcote (?=etat\b|de l'etat|prefecture|de la prefecture)/g,
  // enumerations: « 1) … ? 2) … ? »
  /(?:^|(?<=[?.!:;]))\s*(?:\d{1,2}|[a-d])\)\s+/g,
  /\b(?:auriez|pourriez|pouvez)[\s-]vous (?:m'indiquer|me dire|m'expliquer|me preciser|me confirmer)\b(?: si\b)?\s*/g,
];

/** « diagnostik », « publik »: a final « -ik » typed for « -ique ». */
const IK_FOR_IQUE = /\b([a-z]{4,})ik(s?)\b/g;

const PHRASES = PHRASE_SYNONYMS.map(([pattern, replacement]) => [new RegExp(pattern, 'g'), replacement] as const);

/** Rewrites typed spellings word by word, leaving punctuation and spacing as they were. */
function respell(text: string): string {
  return text.replace(/[a-z0-9']+/g, (word) => spellings.get(word) ?? word);
}

/** The question in plain, folded French: what questionAnalysis reads. */
export function normalizeQuestion(message: string): string {
  let text = foldAccents(message.toLowerCase())
    .replace(/[’‘`´ʼ]/g, "'")
    .replace(/œ/g, 'oe')
    .replace(/[ \t]+/g, ' ');
  text = restoreElisions(text);
  // « C.T.A.I. », « P-T-A-I »: an acronym typed letter by letter.
  text = text.replace(/\b((?:[a-z][.-]){2,4}[a-z])\b\.?/g, (spelled: string) => spelled.replace(/[.-]/g, ''));
  text = respell(text.replace(IK_FOR_IQUE, '$1ique$2')).replace(LONE_C, "$1c'est ").replace(PEU_FOR_PEUT, 'peut');
  for (const pattern of POLITENESS) text = text.replace(pattern, ' ');
  for (const [pattern, replacement] of PHRASES) text = text.replace(pattern, replacement);
  return text
    .replace(/[ \t]+([.,])/g, '$1')
    .replace(/^[\s,;:!.]+/gm, '')
    .replace(/([.!?])\s*[,;:]+\s*/g, '$1 ')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
