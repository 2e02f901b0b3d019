// Word lists that make the lexical index understand how officials actually type: SMS spellings,
// synonyms, acronyms and the question words that carry no content.
// Every entry is written in lower case; accents are folded when the tables are compiled.

/**
 * SMS spellings and frequent typos, rewritten before anything else. A value may hold several
 * words ("ya" → "il y a"). Kept to spellings that are unambiguous in a question about the schemes.
 */
export const SMS_SPELLINGS: Readonly<Record<string, string>> = {
  // names of the engaged territories as often mistyped
  montpelier: 'montpellier',
  koi: 'quoi',
  kwa: 'quoi',
  koa: 'quoi',
  cb: 'combien',
  cbn: 'combien',
  cmb: 'combien',
  kel: 'quel',
  kels: 'quels',
  kelle: 'quelle',
  kelles: 'quelles',
  ki: 'qui',
  ke: 'que',
  pk: 'pourquoi',
  pq: 'pourquoi',
  pkoi: 'pourquoi',
  pourkoi: 'pourquoi',
  qd: 'quand',
  kan: 'quand',
  kand: 'quand',
  cmt: 'comment',
  cmnt: 'comment',
  komen: 'comment',
  komment: 'comment',
  coment: 'comment',
  ds: 'dans',
  pr: 'pour',
  ac: 'avec',
  avc: 'avec',
  tt: 'tout',
  tte: 'toute',
  ts: 'tous',
  bcp: 'beaucoup',
  peu: 'peut',
  pe: 'peut',
  ya: 'il y a',
  g: "j'ai",
  jsp: 'je ne sais pas',
  nb: 'nombre',
  qqn: "quelqu'un",
  mm: 'même',
  svp: 's il vous plait',
  stp: 's il te plait',
  info: 'informations',
  infos: 'informations',
  asso: 'association',
  assos: 'associations',
  agglo: 'agglomération',
  agglos: 'agglomérations',
  dept: 'département',
  dpt: 'département',
  depts: 'départements',
  pref: 'préfecture',
  diag: 'diagnostic',
  diagnostique: 'diagnostic',
  diagnostiques: 'diagnostics',
  thune: 'argent',
  thunes: 'argent',
  fric: 'argent',
  tune: 'argent',
  tunes: 'argent',
  bjr: 'bonjour',
  slt: 'salut',
  mrc: 'merci',
  mrci: 'merci',
};

/**
 * Words a question is made of that say nothing about what is asked, on top of the generic French
 * stop-word list. Without them "peut-on" or "je voudrais savoir" would count as unmatched content
 * and push a good question under the relevance threshold.
 */
export const EXTRA_STOP_WORDS: readonly string[] = [
  // question words (their intent, when useful, is captured by INTENT_WORDS before removal)
  'quoi', 'comment', 'pourquoi', 'quand', 'combien', 'est', 'ce', 'ça', 'ca', 'cela', 'ceci', 'ya',
  'il', 'ils', 'elles', 'y', 'a', 'oui', 'non', 'si', 'donc', 'alors', 'aussi', 'bien', 'très',
  'tres', 'plus', 'moins', 'tout', 'tous', 'toutes', 'quelqu', 'quelque', 'quelques', 'ou',
  'dont', 'lequel', 'laquelle', 'lesquels', 'lesquelles', 'chaque', 'autre', 'autres', 'etc',
  // verbs of asking and modal verbs
  'peut', 'peuvent', 'pouvons', 'pouvez', 'puis', 'pourrait', 'pourrais', 'pouvoir', 'faut',
  'falloir', 'doit', 'doivent', 'dois', 'devons', 'devez', 'devoir', 'veut', 'veux', 'voudrais',
  'voudrait', 'vouloir', 'aimerais', 'souhaite', 'souhaiterais', 'sais', 'sait', 'savoir',
  'connaitre', 'connaître', 'dire', 'faire', 'fait', 'fais', 'font', 'va', 'vais', 'aller',
  'trouver', 'obtenir', 'donner', 'donnez', 'donne', 'expliquer', 'expliquez', 'explique',
  'mettre', 'met', 'mets', 'mettent', 'servir', 'sert', 'servent',
  'moi', 'nous', 'merci', 'svp', 'stp', 'plait', 'plaît', 'madame', 'monsieur', 'beaucoup',
  'ok', 'okay', 'super', 'parfait', 'prévoir', 'prevoir',
  'texte', 'mentionné', 'mentionnés', 'mentionnées', 'cité', 'cités', 'évoqué', 'évoqués', 'évoquées', 'exactement', 'truc', 'genre',
  // adverbs that insist without asking anything more: « concrètement », « au juste », « dans ce contexte »
  'concrètement', 'précisément', 'vraiment', 'réellement', 'juste', 'gros', 'contexte', 'cadre', 'fond', 'finalement', 'clairement', 'simplement',
  // what sorts the question asks about (« quelles catégories de collectivités »), and SMS laughter
  'catégorie', 'catégories', 'sorte', 'sortes', 'plutôt', 'plutot', 'lol', 'mdr',
  // greetings (also listed in GREETINGS so that they get a greeting back)
  'bonjour', 'bonsoir', 'salut', 'coucou', 'hello', 'allo', 'allô', 'hey', 'remercie', 'thanks',
];

/** Greetings: a message made only of these (and stop words) gets an invitation, not an answer. */
export const GREETINGS: readonly string[] = ['bonjour', 'bonsoir', 'salut', 'coucou', 'hello', 'allo', 'allô', 'hey'];
export const THANKS: readonly string[] = ['merci', 'remercie', 'thanks'];

/** Term added after every number of a text, written so that no word can be stemmed into it. */
export const NUMBER_TERM = '#nombre';

/** Numbers written in letters ("sept nouveaux territoires") are numbers too. "un" is left out: it is mostly an article. */
export const NUMBER_WORDS: readonly string[] = [
  'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix', 'onze', 'douze', 'quinze', 'vingt',
  'trente', 'cent', 'cents', 'mille', 'million', 'millions', 'milliard', 'milliards',
];

/**
 * Question words that say what kind of answer is wanted. They are not content (a question is not
 * "unmatched" because of them) but they steer ranking: "c'est quoi X" prefers a definition of X.
 * The value is a word of the corpus the intent points to, or NUMBER_TERM.
 */
export const INTENT_WORDS: Readonly<Record<string, readonly string[]>> = {
  quoi: ['définition'],
  signifie: ['définition'],
  signification: ['définition'],
  definition: ['définition'],
  définition: ['définition'],
  sigle: ['définition'],
  designe: ['définition'],
  designent: ['définition'],
  definir: ['définition'],
  objectif: ['définition'],
  mot: ['définition'],
  comprend: ['définition'],
  comprends: ['définition'],
  but: ['définition'],
  acronyme: ['définition'],
  // other ways of asking what something is: « qu'entend-on par », « que recouvre », « en quoi consiste »
  entend: ['définition'],
  recouvre: ['définition'],
  recouvrent: ['définition'],
  consiste: ['définition'],
  consistent: ['définition'],
  represente: ['définition'],
  notion: ['définition'],
  terme: ['définition'],
  expression: ['définition'],
  correspond: ['définition'],
  // "combien" asks for a quantity: prefer passages that state a number
  combien: [NUMBER_TERM],
  nombre: [NUMBER_TERM],
  faut: ['obligatoire'],
  doit: ['obligatoire'],
  doivent: ['obligatoire'],
};

/**
 * Phrases a question may use for what the seed says in other words, rewritten on the folded
 * question before it is read (pattern → replacement, with $1… for the kept groups). Each says the
 * same thing in the seed's words; none names a particular question.
 */
export const PHRASE_SYNONYMS: readonly (readonly [string, string])[] = [
  // « le statut de réfugié », « reconnus réfugiés »: the seed's « protection internationale » (BPI)
  ["(?:le |du )?statut de refugies?|reconnue?s? (?:comme )?refugiee?s?", 'la protection internationale'],
  // « l'argent mis sur la table par l'État »: what the State mobilises
  ['(?:mis|mise|mises|mettre|met|mettent) sur la table', 'mobilise'],
  // « un local », « des locaux »: premises, a room; « locales » alone is « localement »
  ["\\b(un|le|des|les|du|ce|notre|votre|d'un|de) (?:local|locaux)\\b", '$1 salle'],
  // « l'enveloppe nationale »: the whole programme's total
  ['\\b(enveloppe|budget|montant|financement|somme|credits?|fonds)(s?) nationa(?:l|le|ux|les)\\b', '$1$2 total'],
  // « un bilan des actions », « les actions conduites »: the report on the actions carried out
  ['\\bbilans? (?:des|de ces) actions\\b', 'rapport sur les actions'],
  ['\\bactions (deja )?(?:conduites|realisees)\\b', 'actions $1menees'],
  // « où trouver un bilan ? »: the report on the actions carried out, which the seed points to
  ['\\b(ou|comment) (?:trouver|consulter|lire|obtenir) (?:un|le|des|les) bilans?\\b', '$1 trouver le rapport sur les actions menees'],
  // « une étude des besoins », « un état des lieux du territoire »: what the seed calls a diagnostic territorial
  ["\\b(?:(?:une|un|l'|les|des) )?(?:etude|analyse|cartographie|recensement|identification)s? (?:prealables? )?(?:des|de ses|de nos|de leurs) besoins(?: (?:du|de notre|de son|sur le) territoire| locaux| territoriaux)?", 'un diagnostic territorial'],
  ["\\b(?:(?:un|l'|le) )?etat des lieux(?: (?:du|de notre|de son) territoire| prealable| local)?", 'un diagnostic territorial'],
  // « combien l'État met-il au pot ? »: what the State mobilises
  ['\\bau pot\\b', 'mobilise'],
  // « le CTAI s'adresse-t-il aux grandes agglomérations ? »: what the seed says « vise » (not « adresser une demande »)
  ["\\bs'adresse-t-(il|elle|on)\\b", 'est-$1 destine'],
  ["\\bs'adressent-(ils|elles)\\b", 'sont-$1 destines'],
  ["\\bs'adressent\\b", 'sont destines'],
  ["\\bs'adresse\\b", 'est destine'],
  // « des cours de français », « l'apprentissage du français »: the seed's formation linguistique
  ['\\b(?:des |les )?(?:cours|ateliers?|apprentissage) (?:de |du )(?:francais|langue francaise|langue)\\b|\\b(?:le |du )?fle\\b', 'la formation linguistique'],
  // « les nouveaux venus de nationalité étrangère », « les nouveaux arrivants »: the seed's étrangers primo-arrivants
  ['\\b(?:les |des |aux )?nouveaux (?:venus|arrivants)(?: de nationalite etrangere| etrangers)?\\b|\\b(?:les |des |aux )?personnes? (?:de nationalite )?etrangeres? (?:nouvellement )?arrivees?\\b', 'les etrangers primo-arrivants'],
  // « sur le terrain »: what the seed says « localement »; « au coup par coup »: « plus ponctuellement »
  ['\\bsur le terrain\\b', 'localement'],
  ['\\bau coup par coup\\b|\\bde temps en temps\\b|\\bsur un seul sujet\\b', 'ponctuellement'],
  // « un thème qui ne peut en aucun cas manquer »: what is obligatoire
  ["\\b(?:ne|n')\\s?(?:peut|peuvent|doit|doivent) (?:en aucun cas |jamais |pas )?(?:manquer|etre absente?s?|faire defaut)\\b", 'est obligatoire'],
  // « ont mis en commun leurs partenariats »: what the seed says « rapprochent leurs dispositifs »
  ['\\b(?:ont |a )?(?:mis|mettent|mettre) en commun\\b', 'rapprochent'],
  // « se débrouiller seuls au quotidien »: the seed's autonomie
  ['\\bse debrouiller (?:seule?s? )?(?:au quotidien)?', "acceder a l'autonomie"],
  // « au lieu de payer »: instead of, not a place
  ['\\bau lieu de\\b', 'plutot que'],
];

/**
 * Groups of words a question may use for the same idea. A query word found in a group also looks
 * for the other words of the group (with a slightly lower weight). Only query-side: documents are
 * indexed as written.
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['financement', 'financer', 'financements', 'argent', 'somme', 'sommes', 'global', 'globale', 'total', 'totale', 'sous', 'budget', 'budgets', 'montant', 'montants', 'subvention', 'subventions', 'crédits', 'fonds', 'dotation', 'euros', 'millions', 'enveloppe', 'cagnotte', 'coût', 'payer', 'paie', 'consacrer', 'consacre', 'consacrent', 'mobiliser', 'mobilise', 'mobilisés', 'investir', 'investit', 'dépenser', 'dépense', 'crédit', 'débloquer', 'débloque', 'allouer', 'alloue'],
  ['signer', 'signature', 'signataire', 'signataires', 'conclure', 'contractualiser', 'contractualisation', 'parapher', 'paraphe', 'paraphent'],
  ['négocier', 'négociation', 'négocié', 'discuter', 'discute', 'discutent'],
  ['prêt', 'prêter', 'prête', 'prêtent', 'prêtons', 'disposition'],
  ['lettre', 'lettres', 'courrier', 'courriers'],
  ['action', 'actions', 'initiative', 'initiatives', 'opération', 'opérations'],
  ['petite', 'petit', 'petites', 'minuscule', 'modeste', 'rurale', 'rural'],
  ['diagnostic', 'diagnostics'],
  ['obligatoire', 'obligatoirement', 'obligation', 'requis', 'exigé', 'imposé', 'nécessaire', 'indispensable', 'forcément'],
  ['conseillé', 'recommandé', 'préconisé', 'conseil'],
  ['logement', 'loger', 'hébergement', 'héberger', 'habitat'],
  ['soins', 'santé', 'médical', 'médecin'],
  ['linguistique', 'langue', 'langues', 'français', 'fle', 'alphabétisation'],
  ['emploi', 'travail', 'boulot', 'job', 'embauche'],
  ['sport', 'sportif', 'sportive', 'sportives'],
  ['culture', 'culturel', 'culturelle', 'culturelles'],
  ['garde', 'crèche', 'crèches'],
  ['réfugié', 'réfugiés', 'bpi'],
  ['étranger', 'étrangers', 'primo', 'migrant', 'migrants', 'immigré', 'immigrés', 'arrivants'],
  ['engagement', 'engager', 'contribution', 'contribuer', 'participer', 'participation', 'rejoindre', 'adhérer', 'implication', 'impliquer'],
  ['salle', 'salles', 'bâtiment', 'bâtiments'],
  ['personnel', 'agent', 'agents', 'salarié', 'salariés', 'employé', 'employés'],
  ['communication', 'communiquer', 'relais', 'relayer', 'publicité', 'promotion'],
  ['association', 'associations', 'associatif', 'porteuse', 'porteur'],
  ['exemple', 'exemples', 'type', 'types', 'idée', 'idées'],
  ['domaine', 'domaines', 'thématique', 'thématiques', 'champ', 'champs', 'secteur', 'secteurs'],
  ['différence', 'différences', 'diff', 'distingue', 'distinguer'],
  ['préfet', 'préfets', 'préfecture', 'préfète'],
  ['informations', 'renseignements', 'détails', 'documentation'],
  ['complémentaire', 'complémentaires', 'complément', 'compléter', 'complète', 'complètent', 'lien', 'articulation'],
  ['différence', 'différences', 'différent', 'comparer', 'comparaison', 'distinguer'],
  ['agglomération', 'agglomérations', 'métropole', 'métropoles', 'intercommunalité', 'intercommunalités'],
  ['ponctuel', 'ponctuellement', 'ciblé', 'ponctuelle'],
  // « s'adresse aux grandes agglomérations », « est destiné à »: what the seed says « vise » or « à destination de »
  ['vise', 'visent', 'viser', 'visé', 'visés', 'destiné', 'destinés', 'destinée', 'destinées', 'destination'],
  ['soutien', 'soutenir', 'soutenu', 'aide', 'aider', 'appui', 'appuyer'],
];

/**
 * Acronyms and the phrases they stand for. A document or a query that spells the phrase out also
 * gets the acronym as a term, so "contrat territorial d'accueil et d'intégration" and "CTAI" meet.
 */
export const ACRONYMS: Readonly<Record<string, readonly string[]>> = {
  ctai: ["contrat territorial d'accueil et d'intégration", "contrats territoriaux pour l'accueil et l'intégration"],
  ptai: ["projet territorial d'accueil et d'intégration"],
  bpi: ['bénéficiaires de la protection internationale'],
  cir: ["contrat d'intégration républicaine"],
  dgef: ['direction générale des étrangers en france'],
  diair: ["délégation interministérielle à l'accueil et à l'intégration des réfugiés"],
};

/**
 * Stems the Snowball stemmer gets wrong for our domain: it turns "commune" into "commun", the
 * stem of "communication", and "étranger" into "étrang" while "étrangers" stays "étranger".
 */
export const STEM_OVERRIDES: Readonly<Record<string, string>> = {
  commune: 'commune',
  communes: 'commune',
  communal: 'commune',
  communale: 'commune',
  communaux: 'commune',
  étranger: 'etranger',
  étrangers: 'etranger',
  étrangère: 'etranger',
  étrangères: 'etranger',
};
