// Definition questions (« c'est quoi un PTAI ? », « que signifie BPI ? », « que faut-il entendre par
// primo-arrivants ? ») are answered by the passage that defines the term, whatever else the
// question's wording holds: a question-type step before retrieval, so that fillers (« au juste »,
// « en une phrase », « dans ce texte ») cannot push it under the relevance threshold.

/** Where the base defines a term: the document (file name) and the section heading. */
interface DefinitionPlace {
  readonly file: string;
  readonly section: string;
  /** the glossary entry that spells the term out, for an answer that defines several terms at once */
  readonly short?: string;
  /** a section of the same document that completes the definition: who signs, who carries the programme, what it costs */
  readonly also?: string;
}

const TERMS: readonly (readonly [RegExp, DefinitionPlace])[] = [
  [/\bctai\b|\bcontrats? territori\w* (?:d'|pour l')accueil\b/, { file: 'ctai', section: 'Définition du CTAI', short: 'CTAI', also: 'Qui signe un CTAI' }],
  [/\bptai\b|\bprojets? territori\w* d'accueil\b/, { file: 'ptai', section: 'Définition du PTAI', short: 'PTAI', also: "Financement d'un PTAI" }],
  [/\bbpi\b|beneficiaires? de la protection internationale/, { file: 'glossaire', section: 'BPI', short: 'BPI' }],
  [/\bcir\b|contrat d'integration republicaine/, { file: 'glossaire', section: 'CIR', short: 'CIR' }],
  [/\bdgef\b|direction generale des etrangers/, { file: 'glossaire', section: 'DGEF', short: 'DGEF' }],
  [/\bdiair\b|delegation interministerielle/, { file: 'glossaire', section: 'Diair', short: 'Diair' }],
  [/\bprimo-?arrivants?\b|\bprimo arrivants?\b/, { file: 'glossaire', section: 'Étranger primo-arrivant', short: 'Étranger primo-arrivant' }],
  [/\bdiagnostic territorial\b/, { file: 'glossaire', section: 'Diagnostic territorial', short: 'Diagnostic territorial' }],
  [/\bterritoires d'integration\b|\bla demarche\b/, { file: 'territoires-integration', section: 'Définition de la démarche' }],
];

// The ways of asking what a term means.
const ASKS_MEANING =
  /\bqu'est-ce qu(?:e|')|\bqu'est ce qu(?:e|')|\bce qu'(?:est|sont)\b|\bce que sont\b|\bc'est quoi\b|\bc'est qui\b|\bca veut dire quoi\b|\bca signifie quoi\b|\bque (?:signifie|signifient|veut dire|veulent dire|designe|designent|recouvre|recouvrent)\b|\bqui sont\b|\bsignification\b|\bdefinition\b|\bdefinir\b|\bdefinissez\b|\bentendre par\b|\bentend-on par\b|\bsens (?:du|de)\b|\bkesako\b|\ba quoi (?:correspond|correspondent|renvoie|renvoient|fait reference)\b|\bqu'appelle-t-on\b|\bque (?:represente|representent)\b|\bde quoi s'agit-il\b|\bqu'entendez-vous par\b|\bsignifi(?:e|ent|ie)\b|\bveu(?:t|lent) dire\b|\b(?:comprendre|entendre) par\b|^(?:et )?que sont\b|\ba quoi renvoie\b|\bc'est quel (?:organisme|service|genre|type)\b|\bnom complet\b|\b(?:la |le |les )?developper\b|\bquels mots\b/;

// What may stand around the term in a definition question without asking anything else.
const AROUND =
  /\b(?:(?:pour|dans) (?:une|la|ma|notre) (?:note|fiche|presentation)(?: (?:au|a la|pour le|pour la) \w+)?|(?:au sens|selon les termes|dans les termes) (?:du|de ce|de la|de cette) (?:texte|demarche|dispositif|document)|(?:selon|d'apres|pour) (?:le|ce) texte|dans (?:la|cette) demarche|dans (?:le|ce) dispositif|dans (?:la|le|cette|ce|une|un|mon|ma|notre) (?:fiche|document|courrier|note|dossier|presentation|circulaire|mail|message|reunion|convention)|signifi(?:e|ent|ie)|veu(?:t|lent) dire|(?:faut-il|doit-on|peut-on|on doit|il faut) (?:comprendre|entendre) par|comprendre par|sigles|acronymes|termes|mots|et|quel|quelle|quels|quelles|a quoi (?:correspond|correspondent|renvoie|renvoient|fait reference)|qu'appelle-t-on|on appelle|que (?:represente|representent)|de quoi s'agit-il|qu'entendez-vous par|qu'est-ce qu(?:e|')|qu'est ce qu(?:e|')|ce qu'est|ce qu'sont|ce que sont|c'est quoi|c'est qui|ca veut dire quoi|ca signifie quoi|que (?:signifie|signifient|veut dire|veulent dire|designe|designent|recouvre|recouvrent)|qui sont|que faut-il entendre par|qu'entend-on par|entend-on par|entendre par|signification|definition|definir|definissez|sens|kesako|exactement|au juste|concretement|precisement|en (?:une|deux|quelques) (?:phrases?|mots)|en bref|en resume|simplement|dans (?:ce|le) (?:texte|contexte|cadre)|dans cette demarche|ici|svp|stp|moi|me|nous|donner|donnez|dire|dites|expliquer|expliquez|pouvez-vous|pourriez-vous|peux-tu|le|la|les|l'|un|une|des|du|de|d'|au|aux|ce|cet|cette|ces|sigle|acronyme|terme|mot|notion|expression|abreviation|c'est|est|sont|ca|cela|veut|dire|quoi|pour|que|qu'|etrangers?|beneficiaires?|de la protection internationale|dispositif|demarche|territoires d'integration|a|(?:c'est )?quel (?:organisme|service|genre|type)(?: de \w+)?|organisme|(?:j'ai |on m'a |on a )?(?:vu|lu|entendu|cite|parle)(?: passer)?|dans (?:un|une|le|la|mon|ma|notre) (?:courriel|mail|message|note|document|reunion|presentation|compte rendu)(?: (?:du|de la|de l'|des|d'un|d'une) [a-z'-]+){0,3}|nom complet|comment (?:presenter|expliquer)|(?:vous )?pouvez(?:-vous)? (?:me |nous )?(?:la |le |les )?developper|developper|derriere|quatre|trois|lettres|il y a|quels mots|dans (?:le|ce) doc(?:ument)?|doc|yo|bjr|bonjour|salut)\b/g;

const RELATIVE_CLAUSE = /^\s+(?:qui|dont|que l'on|qu'on|que vous|que le texte|utilisee?s?|employee?s?|mentionnee?s?|citee?s?)\b.*$/;

/** Whether a question, as normalizeQuestion reads it, asks what a term means (« c'est quoi », « que signifie »…). */
export function asksMeaning(folded: string): boolean {
  return ASKS_MEANING.test(folded);
}

/**
 * The places of the terms a part asks the meaning of (« que signifient CTAI et PTAI ? » asks two), or
 * undefined when the part asks something else. A part that is the term alone (« BPI ? ») asks its meaning.
 */
export function definitionsAsked(folded: string): DefinitionPlace[] | undefined {
  const text = folded.replace(/[«»"?!.,:;()]/g, ' ').replace(/\s+/g, ' ').trim();
  const found = TERMS.filter(([pattern]) => pattern.test(text));
  // « la démarche » is the term only when no scheme or acronym is named with it.
  const terms = found.length > 1 ? found.filter(([, place]) => place.file !== 'territoires-integration') : found;
  if (terms.length === 0) return undefined;
  const bare = terms.length === 1 && new RegExp(`^(?:(?:le|la|les|l'|un|une|des) ?)?(?:(?:terme|sigle|mot|notion|expression|acronyme|abreviation)s? (?:de |d')?)?(?:${terms[0]?.[0].source})$`).test(text);
  if (!bare && !ASKS_MEANING.test(text)) return undefined;
  let asked = text;
  for (const [pattern] of terms) {
    // « … DGEF qui apparaît dans la présentation du dispositif ? »: a relative clause after the term says where it was met.
    const at = pattern.exec(asked);
    const end = at ? at.index + at[0].length : asked.length;
    asked = `${asked.slice(0, end)}${asked.slice(end).replace(RELATIVE_CLAUSE, '')}`;
  }
  const rest = terms.reduce((t, [pattern]) => t.replace(new RegExp(pattern.source, 'g'), ' '), asked).replace(AROUND, ' ').replace(/\b\w{1,2}\b/g, ' ').trim();
  if (rest !== '') return undefined;
  const places = terms.map(([, place]) => place);
  return places.length === 1 || places.every((p) => p.short) ? places : undefined;
}
