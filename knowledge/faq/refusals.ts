// When the FAQ must not answer, and what it says instead: off-topic questions get what the
// assistant is for, personal immigration procedures the public service that handles them, and
// scheme details the text is silent on (a duration, a ceiling, a deadline…) the prefecture.
import type { AnalyzedQuestion } from './questionAnalysis';

const DONT_KNOW =
  "Je ne sais pas répondre à cette question : l'information ne figure pas dans la documentation dont je dispose sur les CTAI et les PTAI. " +
  'Je vous invite à vous adresser à la préfecture de votre département, qui pourra vous renseigner.';

const OFF_TOPIC =
  "Je suis l'assistant « Territoires d'intégration » : je réponds aux questions des collectivités sur les contrats territoriaux d'accueil et d'intégration (CTAI) " +
  "et les projets territoriaux d'accueil et d'intégration (PTAI). Je ne peux pas vous renseigner sur ce sujet.";

const IMMIGRATION_PROCEDURE =
  "Je réponds aux questions des collectivités sur les CTAI et les PTAI, pas sur les démarches personnelles des personnes étrangères (titre de séjour, asile, contrat d'intégration républicaine…). " +
  'Pour celles-ci, consultez service-public.fr (rubrique « Étrangers en France ») ou la préfecture.';

const IMMIGRATION = /titre de sejour|carte de (?:sejour|resident)|\basile\b|naturalis|\bvisas?\b|regroupement familial|nationalite francaise|\bofpra\b|recepisse|\boqtf\b|expulsion|permis de sejour/;
const CIR_ITSELF = /\bcir\b|integration republicaine/;

/**
 * Details the seed never gives. A question that asks for one is declined even when a passage
 * shares its other words: « le montant maximum d'un PTAI » must not get the 9 millions of the whole
 * programme, nor « la durée d'un CTAI » its signatories.
 */
const SILENT_DETAIL = new RegExp(
  [
    '\\bduree', '\\bdure\\b', '\\bdurent\\b', 'combien de temps', 'validite', 'plafond', 'maximum', '\\bmax\\b', 'au plus\\b',
    'procedure', 'candidature', 'postuler', 'appel a projets?', 'justificatif', 'pieces? a fournir', 'criteres?', 'selection',
    'sanction', '\\breport', 'non consomm', 'reparti', '\\btaux\\b', 'pourcentage', 'quelle part\\b', '\\bpart du\\b', 'saisonnier',
    'irreguli', 'sans[- ]papiers', 'etudiants?', 'frontali', 'collectivites? etrangeres', 'comite de pilotage', 'salaires?',
    'permanents', 'chaque annee', '\\bpar an\\b', 'annuel', 'combien de (?:ptai|ctai)', 'date limite', 'a quelle date', 'quelle date',
    '\\bdelai', "a l'avance", "aujourd'hui", 'actuellement', 'en vigueur', 'existe(?:-t-il)? toujours', 'annees de presence',
    'a partir de combien', "combien d'habitants", 'plusieurs prefets', 'directement sans', 'sans passer par',
    'montant (?:a ete |est )?(?:attribue|verse|accorde|recu)', 'pour son ctai', 'pour ma commune', 'par commune', 'par projet',
    'telephone', "(?<!s')\\badresse\\b", '\\be-?mail', 'formulaire', 'calendrier', 'echeance', 'bilan', 'evaluation des',
  ].join('|'),
);

const DOMAIN =
  /\bctai|\bptai|contrat|projets? territori|integration|integrer|collectivit|commune|communaut|metropole|departement|region|prefe|diagnostic|refugi|etranger|primo|\bbpi\b|\bcir\b|\bdgef\b|\bdiair\b|demarche|dispositif|contractualis|engagement|cofinanc|agglo|accueil|territoir|subvention|millions|enveloppe|l'etat\b/;

/** Years the seed speaks of; a question about another year has no answer in it. */
const KNOWN_YEARS = new Set(['2019', '2020', '2021']);

/** A refusal decided before any lookup, or undefined when the question may have an answer. */
export function refusalBeforeLookup(question: AnalyzedQuestion): string | undefined {
  const q = question.questionFolded;
  if (IMMIGRATION.test(q) || (CIR_ITSELF.test(q) && !/\bctai|\bptai|contrat territorial|projet territorial|complementair|remplac|lien|rapport|articul/.test(q))) return IMMIGRATION_PROCEDURE;
  if (SILENT_DETAIL.test(q)) return DONT_KNOW;
  const years = q.match(/\b(?:19|20)\d\d\b/g) ?? [];
  if (years.some((y) => !KNOWN_YEARS.has(y))) return DONT_KNOW;
  return undefined;
}

/** The refusal once nothing in the base answers: off-topic, or a scheme detail the text is silent on. */
export function refusalAfterLookup(question: AnalyzedQuestion): string {
  return DOMAIN.test(question.folded) ? DONT_KNOW : OFF_TOPIC;
}
