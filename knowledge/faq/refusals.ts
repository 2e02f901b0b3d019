// When the FAQ must not answer, and what it says instead: off-topic questions get what the
// assistant is for, personal procedures (immigration, taxes, benefits) the public service that handles them, and
// scheme details the text is silent on (a duration, a ceiling, a deadline…) the prefecture.
import { foldAccents } from './frenchText';
import type { AnalyzedQuestion, QuestionPart } from './questionAnalysis';

const DONT_KNOW =
  "Je ne sais pas répondre à cette question : l'information ne figure pas dans la documentation dont je dispose sur les CTAI et les PTAI. " +
  'Je vous invite à vous adresser à la préfecture de votre département, qui pourra vous renseigner.';

/** A PTAI's ceiling: the text gives none, only that the State's funding varies, with no floor (never the programme's 9 millions). */
const PTAI_CEILING =
  'Le texte ne fixe pas de montant maximal pour un PTAI : il indique seulement que le financement de l’État est d’ampleur variable, sans minimum. ' +
  'La préfecture de votre département pourra vous renseigner.';
const CEILING = /plafond|maxim|\bmax\b|au plus\b|jusqu'a combien|limite superieure/;
const MONEY = /montant|financ|budget|subvention|argent|euros?\b|somme|enveloppe|dotation|\baide|combien/;

const OFF_TOPIC =
  "Je suis l'assistant « Territoires d'intégration » : je réponds aux questions des collectivités sur les contrats et projets territoriaux d'accueil et d'intégration (CTAI, PTAI). " +
  'Je ne peux pas vous renseigner sur ce sujet, désolé. Posez-moi volontiers une question sur les CTAI ou les PTAI, par exemple « Qui signe un CTAI ? ».';

/** A personal administrative procedure (taxes, benefits, papers): not ours, but service-public.fr knows the right service. */
const ADMINISTRATIVE_PROCEDURE =
  "Je suis l'assistant « Territoires d'intégration » : je réponds aux questions des collectivités sur les CTAI et les PTAI, pas sur les démarches administratives personnelles " +
  "(impôts, CAF, France Travail, papiers d'identité…). Pour celles-ci, service-public.fr vous orientera vers le bon service.";

const IMMIGRATION_PROCEDURE =
  "Je réponds aux questions des collectivités sur les CTAI et les PTAI, pas sur les démarches personnelles des personnes étrangères (titre de séjour, asile, contrat d'intégration républicaine…). " +
  'Pour celles-ci, consultez service-public.fr (rubrique « Étrangers en France ») ou la préfecture.';

const INSTRUCTIONS =
  "Je m'en tiens au texte de référence « Territoires d'intégration » et à mes consignes : je ne peux ni les ignorer, ni inventer une information, ni changer de rôle. " +
  'Posez-moi une question sur les CTAI ou les PTAI.';

/**
 * A message that tries to change the assistant's instructions (« ignore tes instructions », « tu es
 * maintenant… », « SYSTEM: », « invente… »): declined as a whole, whatever it also asks.
 */
const INJECTION =
  /\b(?:ignore|ignorez|oublie|oubliez|contourne|contournez)\b[^.?!]{0,40}\b(?:instructions?|consignes?|regles?|directives?|texte|documentation|contraintes?|limites?|prompt|role)\b|\b(?:tu es|vous etes) (?:maintenant|desormais|a present)\b|\b(?:fais|faites) comme si\b|\bjoue(?:z)? le role\b|\bprompt\b|(?:^|[\s.!?])(?:system|systeme|admin|developpeur)\s*:|\bmode (?:developpeur|dev|admin|debug)\b|\bjailbreak|\b(?:invente|inventez|imagine|imaginez)\b|\bmot de passe\b|\btes (?:instructions|consignes|regles)\b/;

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
    'maxima', 'en moyenne', '(?:montant|budget|financement|cout|duree|nombre|subvention|somme)s? moyens?\\b', 'a la fois un (?:ctai|ptai) et un', 'cumul', 'les deux (?:a la fois|en meme temps)',
    "combien (?:y a-t-il |il y a |de )?(?:de )?(?:refugies|bpi|personnes|beneficiaires|etrangers|familles|primo)", 'actions (?:ont ete |qui ont ete )?menees (?:a|en|par)\\b',
    'renouvel', 'resili', 'prolong', '\\bindicateurs?\\b', "\\bd'evaluation\\b", "\\bqui (?:evalue|controle|instruit|verifie)",
    // other programmes and zonings the text never relates the schemes to
    'contrats? de ville', 'politique de la ville', 'quartiers? prioritaires?', 'fonds europeens?', 'fonds social europeen', 'appel a manifestation',
    // what the funding may pay for, and what things cost: the text says neither
    'immobili', '\\btravaux\\b', 'investissements?\\b', '\\bachat', 'acquisition', 'combien coute', '\\bcout (?:du|d\'un|d\'une|de la|des)\\b',
    // several of the same scheme, and which prefect: the text says « les préfets » only
    '(?:deux|plusieurs|2|3|trois) (?:ptai|ctai|projets territoriaux|contrats territoriaux)\\b', 'prefets? (?:de (?:la )?region|de departement|du departement|regional|departemental)',
  ].join('|'),
);

/**
 * A near fact read as another: the 9 millions are the whole programme's, so « un PTAI peut-il
 * recevoir jusqu'à 9 millions ? » or « la part de l'État dans un CTAI » have no answer in the text.
 */
const ONE_SCHEME_AMOUNT =
  /9 millions|\bquel(?:le)?s? (?:est (?:le |la )?)?(?:montant|budget|somme|enveloppe|subvention|dotation)|\bmontant (?:d'un|du|pour|par)|jusqu'a|au maximum|\bpart de l'etat|combien (?:d'argent |d'euros )?(?:recoit|touche|obtient|peut (?:recevoir|obtenir|toucher))|\brecoit\b|\b(?:a|ont|aura|auront) (?:recu|touche|obtenu|percu)\b|\bpercu|\battribue|peut (?:recevoir|obtenir|toucher)\b/;
const ONE_RECIPIENT =
  /\b(?:un|le|la|chaque|mon|notre|son|sa|ce|cette|d'un|du) (?:ctai|ptai|contrat|projet|metropole|ville|commune|collectivite|territoire|departement|region)\b|\bpar (?:ctai|ptai|collectivite|commune|metropole|territoire|projet)\b|\bles (?:ctai|ptai)\b/;
const FLOOR = /minimum|minimal|plancher|\bseuil|variable|\bfixes?\b|\bfiges?\b|trop (?:faible|petit|modeste)|l'ensemble de la demarche|au total|en tout/;

// Services for people, not for collectivities: nothing to do with the schemes, but service-public.fr leads to them.
const PERSONAL_SERVICES = /pole emploi|france travail|\bcaf\b|carte vitale|securite sociale|\bimpots?\b|\burssaf\b|passeport|carte (?:d'identite|nationale d'identite|grise)|permis de conduire|acte de (?:naissance|mariage)|etat civil/;

const DOMAIN =
  /\bctai|\bptai|contrat|projets? territori|integration|protection internationale|integrer|collectivit|commune|communaut|metropole|departement|region|prefe|diagnostic|refugi|etranger|primo|\bbpi\b|\bcir\b|\bdgef\b|\bdiair\b|demarche|dispositif|contractualis|engagement|cofinanc|agglo|accueil|territoir|subvention|millions|enveloppe|l'etat\b/;

/** Years the seed speaks of; a question about another year has no answer in it. */
const KNOWN_YEARS = new Set(['2019', '2020', '2021']);

/**
 * A refusal decided before any lookup, or undefined when the question may have an answer. With a
 * part, only that part is judged: « quel budget total, et quelle durée pour un CTAI ? » keeps its
 * first part.
 */
export function refusalBeforeLookup(question: AnalyzedQuestion, part?: QuestionPart): string | undefined {
  if (INJECTION.test(question.folded)) return INSTRUCTIONS;
  const q = part ? part.folded : question.questionFolded;
  if (IMMIGRATION.test(q) || (CIR_ITSELF.test(q) && !/\bctai|\bptai|contrat territorial|projet territorial|complementair|remplac|lien|rapport|articul|signifi|veut dire|sigle|acronyme|^(?:que|qu'est-ce que|c'est quoi) (?:le |la )?cir\b/.test(q))) return IMMIGRATION_PROCEDURE;
  if (PERSONAL_SERVICES.test(q)) return ADMINISTRATIVE_PROCEDURE;
  if (SILENT_DETAIL.test(q)) return CEILING.test(q) && MONEY.test(q) && /\bptai\b/.test(q) && !/\bctai\b/.test(q) ? PTAI_CEILING : DONT_KNOW;
  if (ONE_SCHEME_AMOUNT.test(q) && ONE_RECIPIENT.test(q) && !FLOOR.test(q) && !/\bsign|\bdoi[st]\b|\bfaut\b|oblig/.test(q)) return DONT_KNOW;
  const years = q.match(/\b(?:19|20)\d\d\b/g) ?? [];
  if (years.some((y) => !KNOWN_YEARS.has(y))) return DOMAIN.test(question.folded) ? DONT_KNOW : OFF_TOPIC;
  return undefined;
}

/**
 * Acronyms the text or the rules know: the schemes, the State's services, the public, and the kinds
 * of bodies the rules tell from collectivities. Any other (« le FAMI », « l'ANCT », « un QPV ») names
 * a programme, a service or a zoning the text never speaks of.
 */
const KNOWN_ACRONYMS = new Set([
  'ctai', 'ptai', 'bpi', 'cir', 'dgef', 'diair', 'fle', 'epci', 'ong', 'sem', 'spl', 'gip', 'epic', 'ccas', 'cias',
  'ok', 'svp', 'stp', 'faq', 'sms', 'pdf', 'caf', 'ofii', 'ofpra', 'oqtf', 'urssaf',
]);

/** Words typed in capitals to stress them (« laquelle n'était PAS… »): French words, not acronyms. */
const EMPHASIS = new Set(['pas', 'non', 'oui', 'jamais', 'plus', 'que', 'seul', 'seule', 'seuls', 'seules', 'tout', 'tous', 'toute', 'toutes', 'aucun', 'aucune', 'bien', 'avant', 'apres', 'deja', 'sans', 'avec', 'vrai', 'faux', 'doit', 'faut', 'oblige', 'quand', 'qui', 'quoi']);

/** The acronyms typed in capitals (« FAMI ») that the text does not know, folded; none in a message typed all in capitals. */
export function unknownAcronyms(typed: string): string[] {
  const words = typed.match(/[\p{L}]+/gu) ?? [];
  const capitals = words.filter((w) => w.length >= 2 && w === w.toUpperCase());
  if (words.length === 0 || capitals.length * 2 >= words.length) return [];
  return capitals.filter((w) => w.length >= 3 && w.length <= 6).map((w) => w.toLowerCase()).filter((w) => !KNOWN_ACRONYMS.has(w) && !EMPHASIS.has(foldAccents(w)));
}

/** The refusal for a part that names what the text never speaks of: a programme, a service or a zoning of unknown acronym. */
export function refusalForUnknownNames(folded: string, unknown: readonly string[]): string | undefined {
  return unknown.some((acronym) => new RegExp(`\\b${acronym}\\b`).test(folded)) ? DONT_KNOW : undefined;
}

/** Whether a refusal is the one for a scheme detail the text is silent on. */
export function isDontKnow(refusal: string): boolean {
  return refusal === DONT_KNOW || refusal === PTAI_CEILING;
}

/** The refusal once nothing in the base answers: off-topic, or a scheme detail the text is silent on. */
export function refusalAfterLookup(question: AnalyzedQuestion): string {
  return DOMAIN.test(question.folded) ? DONT_KNOW : OFF_TOPIC;
}
