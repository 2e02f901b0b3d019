// One understanding step per turn: the message and the question on screen → an intent and its entities.
import { extractEntities, leadingYesNo, ownClause, plainOf } from './entities';
import { classifyIntent, saysItIsAReply, targetOfValues, valueKeysOf } from './intents';
import { fold, stripOpeners, withoutOpeners } from './text';
import type { Entities, Intent, Pending, QuestionId, Section, Target, Understanding } from './types';

/** Entities that only make sense for some intents (a skip is an answer; a target, a correction or an edit). */
/** Values a correction gives besides its target's (« c'est le 76 et 12 000 habitants »): corrected too (not a name or a kind, which a place in a sentence could give). */
const ALSO_CORRECTED: ReadonlyArray<keyof Entities> = ['departement', 'siren', 'population', 'personName', 'role', 'email', 'phone'];

/** The section each value a correction may give besides its target's belongs to. */
const SECTION_OF_VALUE: Partial<Record<keyof Entities, Section>> = { departement: 'collectivity', siren: 'collectivity', population: 'collectivity', personName: 'contact', role: 'contact', email: 'contact', phone: 'contact' };

/**
 * « Finalement le contact ce sera Marc Dubois, marc.dubois@ville.fr »: a correction that gives other values of
 * its target's section corrects the whole section, each value with it (values of other sections stay in `also`),
 * unless one of them answers the question on screen.
 */
function correctWholeSection(kept: Entities, also: Entities, pending: Pending): void {
  const section = kept.target?.split('.')[0] as Section | undefined;
  // A value that answers the question on screen (« Paul Martin, et le mail c'est … » on the name) is that answer: read in two parts.
  if ((valueKeysOf(pending as Target) ?? []).some((key) => kept[key] !== undefined || also[key] !== undefined)) return;
  const sameSection = (Object.keys(also) as Array<keyof Entities>).filter((key) => SECTION_OF_VALUE[key] === section);
  if (!section || sameSection.length === 0) return;
  kept.target = section;
  for (const key of sameSection) {
    (kept as Record<string, unknown>)[key] = also[key];
    delete also[key];
  }
}

function keepFor(intent: Intent, entities: Entities, pending: Pending, text: string, also: Entities = {}): Entities {
  const kept: Entities = { ...entities };
  if (intent !== 'answer') {
    delete kept.skip;
    // Outside an answer, only a « oui » or a « non » said first is a yes or a no.
    const leading = kept.yesNo === undefined ? undefined : leadingYesNo(text);
    if (leading === undefined) delete kept.yesNo;
    else kept.yesNo = leading;
  }
  if (intent === 'correct') {
    delete kept.section;
    if (!kept.target || kept.target === pending || !kept.target.includes('.')) {
      const byValue = targetOfValues(kept, pending);
      if (byValue) kept.target = byValue;
    }
    // A correction carries the new value of its target, nothing else.
    const keys = valueKeysOf(kept.target);
    if (keys) {
      for (const key of Object.keys(kept) as Array<keyof Entities>) {
        if (keys.includes(key) || key === 'target' || key === 'actionIndex') continue;
        if (ALSO_CORRECTED.includes(key)) (also as Record<string, unknown>)[key] = kept[key];
        delete kept[key];
      }
      correctWholeSection(kept, also, pending);
    }
  } else if (intent === 'edit') {
    // Editing « les champs » or « les engagements » opens the section, which is that one question.
    if (kept.target === 'fields.selection') kept.target = 'fields';
    if (kept.target === 'commitments.kinds') kept.target = 'commitments';
    if (kept.target && kept.target.includes('.')) delete kept.section;
  } else {
    delete kept.target;
    if (!(intent === 'answer' && pending === 'review.section') && intent !== 'progress' && intent !== 'summary') delete kept.section;
  }
  return kept;
}

const IN_FLOW = (pending: Pending) => pending !== 'none' && pending !== 'submitted';
const YES_NO: ReadonlySet<Pending> = new Set(['scheme.housing', 'actions.more', 'budget.otherFunders', 'review.confirm']);

/** Questions whose answer is any text: a part of a message with words in it answers them. */
const ANY_TEXT: ReadonlySet<Pending> = new Set(['collectivity.name', 'contact.name', 'contact.role', 'action.title', 'action.description', 'action.carrier']);

/** Whether a message gives the question on screen its value. */
function answersQuestion(pending: Pending, understood: Understanding, text: string): boolean {
  if (understood.intent !== 'answer') return false;
  // « je l'ai pas sous la main, passer » skips an optional question: that is its answer.
  if (understood.entities.skip) return true;
  if (YES_NO.has(pending)) return understood.entities.yesNo !== undefined;
  const keys = valueKeysOf(pending as Target);
  if (keys) return keys.some((key) => understood.entities[key] !== undefined);
  return ANY_TEXT.has(pending) && /\p{L}{2,}.*\s.*\p{L}{2,}/u.test(text);
}

/** A correction that gives its new value (one with none opens that question instead: not to be paired with an answer). */
function correctsWithValue(understood: Understanding): boolean {
  if (understood.intent !== 'correct') return false;
  const keys = valueKeysOf(understood.entities.target);
  return keys !== undefined && keys.some((key) => understood.entities[key] !== undefined);
}

/** What opens the next part (« …juin 2028. ah et au fait le mail… »), left at the end of the answer part: an interjection, or an opener after a full stop. */
const TRAILING_OPENER = /(?:(?<=[.;!?…])\s*(?:(?:ah|oh|ha|euh|bah|ben|bon|alors|et|mais|au fait|en fait|sinon|pardon|oups)\b[\s,]*)+|\s+(?:(?:ah|oh|ha|euh|bah)\b[\s,]*)+)$/iu;

/** « Pardon, je me suis trompée : … », « je corrige : … »: a message that opens on a correction of the official's own. */
const SELF_CORRECTION = /^\W*(?:(?:pardon|oups|desolee?|dsl|excusez[- ]moi|ah|non)\W+)*(?:je me suis (?:trompee?|mal exprimee?)|je corrige|erreur de ma part|correction|rectification|petite erreur)\b/;

/** Words that say a value replaces an earlier one (« le tel c'est plutôt le … »). */
const REPLACING = /\b(?:plutot|en fait|finalement|erreur|trompee?|corrig\w*|rectifi\w*|au lieu|et non|pas (?:le|la|l'|ce|cette)|nouveau|nouvelle|change\w*|a jour)\b/;

/** A message that only asks (two questions in a row, or one whose subject is set before it): a question, with the values it names. */
function questionsOnly(raw: string, pending: Pending): Understanding {
  return { intent: 'question', entities: keepFor('question', extractEntities(raw, pending, { wholeAnswer: false }), pending, raw), core: withoutOpeners(raw, plainOf(raw)) };
}

/** Whether the last sentence of a text (not its only one) opens like a question (« …2027. qui signe le contrat au final »). */
function endsOnQuestion(text: string): boolean {
  const sentences = text.split(/[.!?;]\s+/);
  if (sentences.length < 2) return false;
  return /^(?:qui|quel\w*|comment|pourquoi|combien|quand|ou|est[- ]ce|c'est quoi|qu'est[- ]ce|peut[- ]on|faut[- ]il|doit[- ]on|y a[- ]t[- ]il)\b/.test(stripOpeners(fold(sentences[sentences.length - 1]!)));
}

/** An answer that also gives a value of another question (« …un agent a mi temps. Ah et au fait le tel c'est plutôt le … »): it may end on a correction. */
function givesOtherValue(understood: Understanding, pending: Pending): boolean {
  const own = valueKeysOf(pending as Target) ?? [];
  return ALSO_CORRECTED.some((key) => !own.includes(key) && understood.entities[key] !== undefined);
}

/**
 * One message, two things: an answer to the question on screen and a question of the official's own
 * (« 76. c’est quoi un BPI ? », « [a long description]. Au fait qui signe le contrat ? »), or an answer
 * and a correction of an earlier one, in either order. Returns the other part's understanding and the answer part.
 */
function splitAnswerAndOther(raw: string, pending: Pending): { answer: string; other: Understanding } | undefined {
  if (!IN_FLOW(pending)) return undefined;
  const longAnswers = ANY_TEXT.has(pending);
  // From the end: the question of the official's own is the last part, however long the answer before it.
  const boundaries = [...raw.matchAll(/[.;!?,:]\s+(?:et\s+|mais\s+)?|\s+(?:et|mais)\s+(?=(?:c'|c’|qu|quel|comment|pourquoi|est-ce|combien|ou\b|où\b|au fait|en fait|pardon|je me suis|j'ai|j’ai|le |la |l'|l’))/g)].reverse();
  for (const boundary of boundaries) {
    const head = raw.slice(0, boundary.index + (boundary[0].startsWith('?') ? 1 : 0)).replace(TRAILING_OPENER, '').trim();
    const tail = raw.slice(boundary.index + boundary[0].length).trim();
    // « excusez-moi mais c’est quoi… » is an opener, not an answer.
    const headCore = stripOpeners(fold(head));
    if (!head || head.length > (longAnswers ? 2000 : 200) || tail.length < 5 || !headCore.replace(/\W/g, '')) continue;
    const headUnderstood = understandWhole(head, pending);
    const tailUnderstood = understandWhole(tail, pending);
    // The answer first, then a question or a correction.
    const asksAfter = tailUnderstood.intent === 'question' && /\?\s*$/.test(raw);
    // « …mars 2027. qui signe le contrat au final, le préfet ? »: a head that ends on a question's words holds the start of that question.
    if (asksAfter && endsOnQuestion(head)) continue;
    // « ctai c signé par qui ? le prefet ? »: a head that asks is no answer; « la coordination linguistique, cela recouvre quoi ? »: what the question takes up again is its subject.
    if (asksAfter && (/\?\s*$/.test(head) || (boundary[0].startsWith(',') && /^(?:cela|ca|ceci)\b/.test(fold(tail))))) return { answer: '', other: questionsOnly(raw, pending) };
    // After an answer with no question mark, a later value is an early answer unless the words say it replaces one.
    const replacesAfter = correctsWithValue(tailUnderstood) && (/\?\s*$/.test(raw) || REPLACING.test(plainOf(tail)));
    if ((asksAfter || replacesAfter) && answersQuestion(pending, headUnderstood, head)) {
      // « si on part sur…, ça veut dire… ? », « l’accès aux droits peut-il…, ou… ? »: one question, not an answer then a question.
      if (asksAfter && /^(si|s'il|quand|comment|pourquoi|est-ce|combien|quel\w*|qui|que|qu'|ou|peut-on|faut-il|doit-on)\b|-(t-)?(il|elle|ils|elles|on)\b|\best-ce\b/.test(headCore)) continue;
      return { answer: head, other: tailUnderstood };
    }
    // A correction first, then a question (« c'est le 76 en fait. et c'est quoi un BPI ? »): the correction is the answer part, read again by the dispatch.
    if (asksAfter && correctsWithValue(headUnderstood)) return { answer: head, other: tailUnderstood };
    // A correction first, then the answer (« pardon, c’est le 76 pas le 27 ; son mail : … »).
    if (correctsWithValue(headUnderstood) && answersQuestion(pending, tailUnderstood, tail)) return { answer: tail, other: headUnderstood };
  }
  return undefined;
}

/** Hedges: the official is not sure of the value given (« je crois que c’est… »). */
const HEDGE = /\b(je crois|je pense|il me semble|peut[- ]etre|normalement|sauf erreur|si je ne me trompe|a verifier|je verifie|je dois verifier|sous reserve|probablement|sans doute|a priori|je ne suis pas (sure?|certaine?)|pas (sure?|certaine?)|ce serait|ca serait|en principe)\b/;
/** The questions whose answer is free text: a value cut out of a hedged or long sentence is confirmed before it is stored. */
const FREE_TEXT: ReadonlySet<Pending> = new Set(['collectivity.name', 'contact.name', 'contact.role']);
const FILLERS = new Set(["c'est", 'moi', 'est', 'la', 'le', 'l', 'personne', 'contact', 'ce', 'sera', 'serait', 'plutot', 'euh', 'alors', 'bonjour', 'il', 'elle', "s'agit", 'de', 'du', 'des', 'madame', 'monsieur', 'm', 'mme', 'oui', 'donc', 'ca', 'a', 'contacter', 'referent', 'referente', 'notre', 'mon', 'ma', 'collegue', 'nom', 'je', "m'appelle", 'me', 'nomme', 'finalement', 'pour', 'dossier', 'sa', 'fonction', 'son', 'poste', 'suis', 'nous', 'sommes', 'on', 'qui', 'que', 'et', 'un', 'une', 'mission', 'chargee', 'charge']);

/** Whether the value read for a free-text question should be confirmed rather than stored. */
function isUnsure(raw: string, pending: Pending, entities: Entities): boolean {
  if (!FREE_TEXT.has(pending)) return false;
  const value = pending === 'contact.name' ? entities.personName : pending === 'contact.role' ? entities.role : entities.collectivityName;
  if (value === undefined) return false;
  if (HEDGE.test(plainOf(raw))) return true;
  // What follows the answer's own clause gives other values (« …, siren …, 230 000 habitants »): not a doubt.
  const plain = plainOf(ownClause(raw));
  const valueWords = new Set(plainOf(value).split(/[^\p{L}']+/u));
  const leftover = plain.split(/[^\p{L}']+/u).filter((word) => word && !valueWords.has(word) && !FILLERS.has(word));
  return leftover.length >= 4;
}

/** « dépt = 2A, pas 2B », « c pour les BPI pas les primo », « -> », « mal tapé »: a value set against another, or said to replace one. */
const CONTRAST = /.\b(?:pas|non|et non|au lieu de|plutot que)\b|->|=>|\bmal (?:tape|ecrit|saisi|orthographie)\b|\bfaux\b|\btrompee?\b|\b(?:j'ai|j'avais|g|on a|on avait) (?:mis|tape|ecrit|saisi|indique)\b/;
/** Words that lead into a correction without naming anything (« oups », « pardon », « au fait »). */
const LEAD_IN = /^(?:(?:oups|oula+|pardon|non|ah|oh|et|alors|euh|au fait|en fait|finalement|correction|rectification|erreur|attention|desolee?|excusez[- ]moi|je me suis trompee?|je corrige|je reviens sur|je reviens a|revenons (?:sur|a))\W+)*/;

/**
 * A message that opens on the name of another question than the one on screen and gives a value of that
 * question's type corrects it, whatever the words around (« siren faux -> 200 040 715 », « oups le mail du
 * contact c … pas ce que j'ai mis », « le nom c'est Nadia Benali, pas Bennali »). Returns the values read as
 * the answer to the question named.
 */
function namedCorrection(raw: string, pending: Pending, entities: Entities): Entities | undefined {
  if (!IN_FLOW(pending) || /\?/.test(raw)) return undefined;
  const opening = stripOpeners(fold(raw)).replace(LEAD_IN, '').split(/\s+/).slice(0, 6).join(' ');
  // « Département de la Haute-Vienne » names a collectivity, not the département question.
  if (/^(?:le |la |l')?(?:departement|region|commune|ville|metropole) (?:de|du|des|d')\b/.test(opening)) return undefined;
  const target = extractEntities(opening, pending, { wholeAnswer: false }).target;
  const keys = valueKeysOf(target);
  // « porteur = asso, pas la mairie »: an action's free-text question named and set against another value, which has no entity of its own.
  if (target && !keys && target !== pending && ACTION_TEXT.has(target) && (CONTRAST.test(opening) || /«[^»]+»|"[^"]+"|\bil faut lire\b/.test(raw) || /^\W*(?:je reviens sur|revenons sur|correction|rectification)\b/.test(stripOpeners(fold(raw))))) return { target };
  if (!target || !keys || target === pending || (target === 'fields.selection' && pending === 'action.field')) return undefined;
  // A message that also answers the question on screen and names a question of its section gives that one early (« un
  // cofinancement de 50 000 € et un agent »): a correction only when it says so.
  const ownKeys = valueKeysOf(pending as Target);
  const answers = ANY_TEXT.has(pending) || entities.skip === true || (YES_NO.has(pending) ? entities.yesNo !== undefined : (ownKeys ?? []).some((key) => entities[key] !== undefined));
  if (answers && target.split('.')[0] === pending.split('.')[0] && !CONTRAST.test(opening + raw)) return undefined;
  const read = extractEntities(raw, target as Pending);
  // « nom collectivité : Mamoudzou, pas Mamoudzou Sud »: a free-text value is what follows the question's name, up to the value it replaces.
  for (const key of keys) {
    const value = read[key];
    if (ANY_TEXT.has(target as Pending) && typeof value === 'string') (read as Record<string, unknown>)[key] = freeTextOfCorrection(value);
  }
  const given = keys.filter((key) => read[key] !== undefined);
  if (given.length === 0) return undefined;
  // A free-text value made only of the words that name the question (« le nom du contact ») is no value.
  const value = read[given[0]!];
  if (ANY_TEXT.has(target as Pending) && typeof value === 'string' && !plainOf(value).split(/[^\p{L}']+/u).some((word) => word.length > 1 && !FILLERS.has(word) && !NAMING_WORDS.has(word))) return undefined;
  return { ...read, target };
}

/** The free-text questions of an action, which no entity holds. */
const ACTION_TEXT: ReadonlySet<Target> = new Set(['action.title', 'action.description', 'action.carrier']);

/** The new value in « nom collectivité : Mamoudzou, pas Mamoudzou Sud »: after the name of the question and its « : », before the value replaced. */
function freeTextOfCorrection(value: string): string {
  const named = /^[^:=]{0,40}?\b(?:nom|fonction|role|poste|intitule|titre|contact|collectivite)\b[^:=]{0,25}[:=]\s*/iu.exec(plainOf(value));
  const after = named ? value.slice(named[0].length) : value;
  const replaced = /\s*[,;]?\s+(?:et non|pas|non pas|au lieu de|plutot que|plutôt que)\s+.*$/iu;
  const kept = after.replace(replaced, '').trim();
  return kept.length >= 2 ? kept : value;
}

/** The words that name a question (« le nom du contact », « l'intitulé »): no part of its value. */
const NAMING_WORDS = new Set(['nom', 'mail', 'e-mail', 'email', 'adresse', 'telephone', 'numero', 'siren', 'fonction', 'role', 'titre', 'intitule', 'collectivite', 'action', 'porteur', 'attendez', 'changer', 'modifier', 'corriger']);

/** Values of a question with a type of its own: one of them set against another, on another question, corrects that question. */
const TYPED_VALUES: ReadonlyArray<keyof Entities> = ['departement', 'siren', 'email', 'phone', 'population', 'scheme', 'approach', 'diagnostic', 'publics', 'count', 'commitments', 'collectivityKind'];
/** Free-text questions a short typed value cannot be the answer of (a département is no one's name). */
const SHORT_FREE_TEXT: ReadonlySet<Pending> = new Set(['collectivity.name', 'contact.name', 'contact.role']);

/** The question a contrasted value of another type corrects (« dépt = 2A, pas 2B » asked for the contact's name), if any. */
function contrastedCorrection(raw: string, pending: Pending, entities: Entities): Entities | undefined {
  if (!IN_FLOW(pending) || /\?/.test(raw) || !CONTRAST.test(stripOpeners(fold(raw)))) return undefined;
  const named = extractEntities(raw, pending, { wholeAnswer: false });
  const typed: Entities = {};
  for (const key of TYPED_VALUES) if (named[key] !== undefined) (typed as Record<string, unknown>)[key] = named[key];
  const target = targetOfValues(typed, pending);
  if (!target) return undefined;
  const ownKeys = valueKeysOf(pending as Target);
  const answered = entities.skip === true || YES_NO.has(pending) ? entities.yesNo !== undefined : ownKeys !== undefined && !SHORT_FREE_TEXT.has(pending) && ownKeys.some((key) => entities[key] !== undefined);
  if (answered || (!ownKeys && !YES_NO.has(pending) && !SHORT_FREE_TEXT.has(pending) && ANY_TEXT.has(pending))) return undefined;
  return { ...named, target };
}

/** Two spellings of one value, a few letters apart (« gerard pons » / « gerard pont »), or one with a word more or less. */
function sameValueRespelled(right: string, wrong: string): boolean {
  if (right === wrong) return false;
  const rightWords = right.split(' ');
  const wrongWords = wrong.split(' ');
  if (rightWords.some((word) => word.length > 2 && wrongWords.includes(word))) return true;
  return editDistance(right, wrong) <= 2;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_unused, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** A collectivity's name, by the words that make it one. */
const COLLECTIVITY_NAME_WORD = /\b(?:metropole|communaute|mairie|commune|ville|departement|region|agglo\w*|conseil|cc|cdc)\b/;

/**
 * « dsl c gerard pons pas gerard pont », « c'est Mamoudzou, pas Mamoudzou Sud »: a name set against a spelling of
 * itself, on another question than a name's, corrects the name it spells: the collectivity's when it says so, else the contact's.
 */
function respelledName(raw: string, pending: Pending): Entities | undefined {
  if (!IN_FLOW(pending) || /\?|@|\d/.test(raw) || FREE_TEXT.has(pending) || ACTION_TEXT.has(pending as Target)) return undefined;
  const plain = plainOf(raw);
  const lead = /^\W*(?:(?:dsl|desolee?|pardon|oups|non|nan|ah|euh|en fait|correction)\W+)*(?:(?:c'est|c|ce sera|plutot|il faut lire|lire)\s+)?/.exec(plain)![0];
  const contrast = /^(\p{L}[\p{L}' -]*?)\s*,?\s+(?:et non|non pas|pas|au lieu de|plutot que)\s+(\p{L}[\p{L}' -]*?)[\s.!]*$/u.exec(plain.slice(lead.length));
  if (!contrast) return undefined;
  const [right, wrong] = [contrast[1]!.trim(), contrast[2]!.trim()];
  const words = right.split(' ');
  if (words.length > 5 || wrong.split(' ').length > 5 || !sameValueRespelled(right, wrong)) return undefined;
  const typed = raw.slice(lead.length, lead.length + right.length);
  const asTyped = /\p{Lu}/u.test(typed) ? typed : typed.replace(/(^|[\s'-])(\p{L})/gu, (_all, separator: string, letter: string) => separator + letter.toUpperCase());
  if (COLLECTIVITY_NAME_WORD.test(right)) return { target: 'collectivity.name', collectivityName: asTyped };
  return words.length >= 2 && words.length <= 4 ? { target: 'contact.name', personName: asTyped } : undefined;
}

/** Intents the two readings above may replace: what the words around a correction make the rules read (a correction or an edit the rules found keeps their reading). */
const REREAD: ReadonlySet<Intent> = new Set(['answer', 'summary', 'progress', 'help', 'chitchat']);

function understandWhole(raw: string, pending: Pending): Understanding {
  const folded = fold(raw);
  const core = stripOpeners(folded);
  const entities = extractEntities(raw, pending);
  let intent = classifyIntent({ folded, core, raw, pending, entities });
  const corrected = REREAD.has(intent) ? (namedCorrection(raw, pending, entities) ?? contrastedCorrection(raw, pending, entities) ?? respelledName(raw, pending)) : undefined;
  if (corrected) intent = 'correct';
  // Only an answer is read whole as the value asked for; anything else keeps only what it names.
  const read = corrected ?? (intent === 'answer' ? entities : extractEntities(raw, pending, { wholeAnswer: false }));
  const also: Entities = {};
  const understood: Understanding = { intent, entities: keepFor(intent, read, pending, raw, also), core: withoutOpeners(raw, plainOf(raw)) };
  if (Object.keys(also).length > 0) understood.also = also;
  if (intent === 'answer' && isUnsure(raw, pending, understood.entities)) understood.unsure = true;
  // « c’est moi » names nobody: the official's own name is still to be given.
  if (intent === 'answer' && pending === 'contact.name' && !understood.entities.personName && /^\W*(?:(?:euh|alors|ben|bah|oui)\W+)*(?:c'est|ce sera|ca sera)?\s*moi(?:[- ]meme)?\W*$/.test(plainOf(raw))) understood.selfOnly = true;
  return understood;
}

/** « et aussi la santé », « ajoutez l'emploi »: a value added to an earlier list. */
const ADDITION = /^(?:(?:ah|oh|ah oui|oui|euh|pardon|ha|j'oubliais|oubli|j'ai oublie|j'avais oublie|au fait)\W+)*(?:et )?(?:aussi|en plus|egalement)\b|^(?:(?:ah|oh|euh|au fait|oubli|j'ai oublie|j'avais oublie|j'oubliais)\W+)*(?:et )?(?:il faut )?(?:ajout\w*|rajout\w*)(?: aussi)?\b(?!.*\baction)/;
/** « on retire l'emploi des champs », « enlevez la mobilité »: a value taken out of an earlier list. */
const REMOVAL = /^(?:(?:ah|oh|euh|pardon|finalement|en fait|au fait)\W+)*(?:et )?(?:on |je |nous )?(?:retir|enlev|supprim|decoch)\w*\b(?!.*\baction)/;
/** « ajouter une action sur le logement », « une nouvelle action pour la santé », « oui, une action sur la garde d'enfants ». */
const NEW_ACTION = /\b(ajout\w*|rajout\w*|creer|cree[rz]?|nouvelle|une autre|decrire|on fait)\b.{0,12}\bactions?\b|^(?:oui\W+)?(?:une|1) actions? (?:sur|pour|de|en|dans|autour|liee?s? a)\b/;
/** Questions whose answer is itself a list of fields, or free text a field word may be part of. */
const FIELD_ANSWERS: ReadonlySet<Pending> = new Set(['fields.selection', 'action.field', 'action.description', 'scheme.approach']);

/** An addition to the fields, or a new action in a named field; undefined when the message is neither. */
function readAddition(raw: string, pending: Pending, understood: Understanding): Understanding | undefined {
  const plain = plainOf(raw);
  const fields = extractEntities(raw, 'fields.selection').fields;
  if (NEW_ACTION.test(plain) && (pending.startsWith('review.') || pending === 'actions.more')) {
    return { intent: 'answer', entities: fields ? { fields } : {}, core: understood.core, newAction: true };
  }
  // « non, et retirez les champs … » at a yes/no question: the « non » answers it, the rest removes.
  const leading = YES_NO.has(pending) ? /^(oui|non)\b[\s,.;:!-]*(?:et\s+)?/.exec(plain) : null;
  if (IN_FLOW(pending) && !FIELD_ANSWERS.has(pending) && fields && REMOVAL.test(leading ? plain.slice(leading[0].length) : plain)) {
    return { intent: 'correct', entities: { target: 'fields.selection', fields }, core: understood.core, removes: true, ...(leading ? { answerPart: leading[1] } : {}) };
  }
  if (!IN_FLOW(pending) || FIELD_ANSWERS.has(pending) || !ADDITION.test(plain) || !fields) return undefined;
  // What answers the question on screen stays that answer (« et aussi un agent » on the commitments).
  if (answersQuestion(pending, understood, raw) && !ANY_TEXT.has(pending)) return undefined;
  return { intent: 'correct', entities: { target: 'fields.selection', fields }, core: understood.core, adds: true };
}

/** The yes/no questions a change of mind may name after they were answered, by the words that name them. */
const NAMED_YES_NO: ReadonlyArray<{ target: QuestionId; names: RegExp }> = [{ target: 'scheme.housing', names: /\b(logements?|habitat|hebergements?)\b/ }];
/** « je vous ai dit non », « j'avais répondu oui »: the earlier answer, recalled. */
const SAID_BEFORE = /\b(?:je vous ai|j'ai|j'avais|on vous a|on a|on avait|nous avons|nous vous avons|nous avions) (?:dit|repondu|mis|coche|indique|clique)\s+(oui|non)\b/;
/** « mais en fait oui », « finalement si », « tout compte fait non »: the new answer. */
const CHANGED_TO = /\b(?:en fait|finalement|au final|tout compte fait|reflexion faite|apres reflexion|plutot|mais)\W+(?:c'est\s+)?(oui|si|non)\b/;

/** « nous ne prévoyons pas d'actions… » (a no), « nous prévoyons bien des actions… » (a yes): a yes/no said as a statement. */
const RESTATED_YES_NO = /\b(?:nous|on)\s+(?:(n'|ne\s+)(?:prevoyons|prevoit|fera|ferons|fait|faisons|aura|aurons|a|avons)\s+(?:pas|aucune?)|(?:prevoyons|prevoit|fera|ferons|aura|aurons|avons)\s+(?:bien\s+)?(?:des|une|un))\b/;

/**
 * « je vous ai dit non pour le logement, mais en fait oui », « finalement si pour le logement »: a change
 * of mind on a yes/no question answered earlier, named by its words, at any later question.
 */
function changedYesNo(raw: string, pending: Pending): Understanding | undefined {
  if (!IN_FLOW(pending) || /\?\s*$/.test(raw)) return undefined;
  const plain = plainOf(raw);
  const named = NAMED_YES_NO.find((question) => question.target !== pending && question.names.test(plain));
  if (!named) return undefined;
  const said = SAID_BEFORE.exec(plain);
  const changed = CHANGED_TO.exec(said ? plain.slice(said.index + said[0].length) : plain);
  // « Je me suis mal exprimé tout à l'heure : nous ne prévoyons pas d'actions en faveur du logement »: the new answer is the statement.
  const restated = !changed && !said && SELF_CORRECTION.test(plain) ? RESTATED_YES_NO.exec(plain) : null;
  if (restated) return { intent: 'correct', entities: { target: named.target, yesNo: restated[1] === undefined }, core: withoutOpeners(raw, plain) };
  // Without « j'ai dit… », a field word on the fields' own questions is a field, not the housing question.
  if (!changed || (!said && FIELD_ANSWERS.has(pending))) return undefined;
  const yesNo = changed[1] !== 'non';
  if (said && (said[1] === 'oui') === yesNo) return undefined;
  return { intent: 'correct', entities: { target: named.target, yesNo }, core: withoutOpeners(raw, plain) };
}

export function understand(text: string, pending: Pending = 'none'): Understanding {
  const raw = (text ?? '').slice(0, 4000);
  const changedMind = changedYesNo(raw, pending);
  if (changedMind) return changedMind;
  const understood = understandWhole(raw, pending);
  if (understood.intent === 'answer' || understood.intent === 'correct' || understood.intent === 'edit') {
    const addition = readAddition(raw, pending, understood);
    if (addition) return addition;
  }
  // « retirez les champs … on verra plus tard »: a sentence that opens on taking fields out (or adding them) does that;
  // the words of a stop inside it (« on verra plus tard ») are about those fields, not a command.
  if (understood.intent === 'cancel') {
    const change = readAddition(raw, pending, understood);
    if (change && (change.removes || change.adds)) return change;
  }
  // An answer that ends with a question may also hold one; a question or a correction, an answer.
  // (A whole section corrected in one message is one correction, not an answer and a correction.)
  const wholeSection = understood.intent === 'correct' && understood.entities.target !== undefined && !understood.entities.target.includes('.');
  const mayHoldTwo = understood.intent === 'question' || (understood.intent === 'correct' && !wholeSection) || (understood.intent === 'answer' && (/\?\s*$/.test(raw) || givesOtherValue(understood, pending) || SELF_CORRECTION.test(plainOf(raw))));
  if (!mayHoldTwo) return understood;
  const split = splitAnswerAndOther(raw, pending);
  if (!split) return understood;
  return split.answer ? { ...split.other, answerPart: split.answer } : split.other;
}


/** Whether a reply to the prefecture says it is one (« répondre à la préfecture : … »); a plain answer (« oui, … ») replies only to a message that waits. */
export function isExplicitReply(text: string): boolean {
  return saysItIsAReply(stripOpeners(fold(text)));
}

/** « je voudrais savoir si on peut faire un CTAI et qui signe ? »: the questions a message asks, each to be answered. */
export function questionParts(question: string): string[] {
  const asked = question.replace(/^\s*(?:je (?:voudrais|souhaiterais|souhaite|veux|voulais) |j'aimerais |j’aimerais )(?:savoir|comprendre|vous demander)\s*(?:,\s*)?/i, '');
  const parts = asked.split(/\s*(?:,\s*)?\bet (?=(?:qui|quel\w*|comment|combien|quand|où|ou|pourquoi|est-ce|si)\b)/i).map((part) => part.trim()).filter((part) => part.length >= 5);
  return parts.length > 1 ? parts : [question];
}
