// Definition questions (« c'est quoi un PTAI ? », « que signifie BPI ? », « que faut-il entendre par
// primo-arrivants ? ») are answered by the passage that defines the term, whatever else the
// question's wording holds: a question-type step before retrieval, so that fillers (« au juste »,
// « en une phrase », « dans ce texte ») cannot push it under the relevance threshold.

/** Where the base defines a term: the document (file name) and the section heading. */
interface DefinitionPlace {
  readonly file: string;
  readonly section: string;
}

const TERMS: readonly (readonly [RegExp, DefinitionPlace])[] = [
  [/\bctai\b|\bcontrats? territori\w* (?:d'|pour l')accueil\b/, { file: 'ctai', section: 'Définition du CTAI' }],
  [/\bptai\b|\bprojets? territori\w* d'accueil\b/, { file: 'ptai', section: 'Définition du PTAI' }],
  [/\bbpi\b|beneficiaires? de la protection internationale/, { file: 'glossaire', section: 'BPI' }],
  [/\bcir\b|contrat d'integration republicaine/, { file: 'glossaire', section: 'CIR' }],
  [/\bdgef\b|direction generale des etrangers/, { file: 'glossaire', section: 'DGEF' }],
  [/\bdiair\b|delegation interministerielle/, { file: 'glossaire', section: 'Diair' }],
  [/\bprimo-?arrivants?\b|\bprimo arrivants?\b/, { file: 'glossaire', section: 'Étranger primo-arrivant' }],
  [/\bdiagnostic territorial\b/, { file: 'glossaire', section: 'Diagnostic territorial' }],
  [/\bterritoires d'integration\b|\bla demarche\b/, { file: 'territoires-integration', section: 'Définition de la démarche' }],
];

// The ways of asking what a term means.
const ASKS_MEANING =
  /\bqu'est-ce qu(?:e|')|\bqu'est ce qu(?:e|')|\bce qu'(?:est|sont)\b|\bce que sont\b|\bc'est quoi\b|\bc'est qui\b|\bca veut dire quoi\b|\bca signifie quoi\b|\bque (?:signifie|signifient|veut dire|veulent dire|designe|designent|recouvre|recouvrent)\b|\bqui sont\b|\bsignification\b|\bdefinition\b|\bdefinir\b|\bdefinissez\b|\bentendre par\b|\bentend-on par\b|\bsens (?:du|de)\b|\bkesako\b|\ba quoi (?:correspond|correspondent|renvoie|renvoient|fait reference)\b|\bqu'appelle-t-on\b|\bque (?:represente|representent)\b|\bde quoi s'agit-il\b|\bqu'entendez-vous par\b/;

// What may stand around the term in a definition question without asking anything else.
const AROUND =
  /\b(?:a quoi (?:correspond|correspondent|renvoie|renvoient|fait reference)|qu'appelle-t-on|on appelle|que (?:represente|representent)|de quoi s'agit-il|qu'entendez-vous par|qu'est-ce qu(?:e|')|qu'est ce qu(?:e|')|ce qu'est|ce qu'sont|ce que sont|c'est quoi|c'est qui|ca veut dire quoi|ca signifie quoi|que (?:signifie|signifient|veut dire|veulent dire|designe|designent|recouvre|recouvrent)|qui sont|que faut-il entendre par|qu'entend-on par|entend-on par|entendre par|signification|definition|definir|definissez|sens|kesako|exactement|au juste|concretement|precisement|en (?:une|deux|quelques) (?:phrases?|mots)|en bref|en resume|simplement|dans (?:ce|le) (?:texte|contexte|cadre)|dans cette demarche|ici|svp|stp|moi|me|nous|donner|donnez|dire|dites|expliquer|expliquez|pouvez-vous|pourriez-vous|peux-tu|le|la|les|l'|un|une|des|du|de|d'|au|aux|ce|cet|cette|ces|sigle|acronyme|terme|mot|notion|expression|abreviation|c'est|est|sont|ca|cela|veut|dire|quoi|pour|que|qu'|etrangers?|beneficiaires?|de la protection internationale|dispositif|demarche|territoires d'integration|a)\b/g;

const RELATIVE_CLAUSE = /^\s+(?:qui|dont|que l'on|qu'on|que vous|que le texte|utilisee?s?|employee?s?|mentionnee?s?|citee?s?)\b.*$/;

/** Whether a question, as normalizeQuestion reads it, asks what a term means (« c'est quoi », « que signifie »…). */
export function asksMeaning(folded: string): boolean {
  return ASKS_MEANING.test(folded);
}

/** The place of the term a part asks the meaning of, or undefined when the part asks something else. */
export function definitionAsked(folded: string): DefinitionPlace | undefined {
  const text = folded.replace(/[«»"?!.,:;()]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!ASKS_MEANING.test(text)) return undefined;
  const found = TERMS.filter(([pattern]) => pattern.test(text));
  // « la démarche » is the term only when no scheme or acronym is named with it.
  const terms = found.length > 1 ? found.filter(([, place]) => place.file !== 'territoires-integration') : found;
  if (terms.length !== 1) return undefined;
  const [pattern, place] = terms[0] as readonly [RegExp, DefinitionPlace];
  // « … DGEF qui apparaît dans la présentation du dispositif ? »: a relative clause after the term says where it was met.
  const at = pattern.exec(text);
  const end = at ? at.index + at[0].length : text.length;
  const asked = `${text.slice(0, end)}${text.slice(end).replace(RELATIVE_CLAUSE, '')}`;
  const rest = asked.replace(new RegExp(pattern.source, 'g'), ' ').replace(AROUND, ' ').replace(/\b\w{1,2}\b/g, ' ').trim();
  return rest === '' ? place : undefined;
}
