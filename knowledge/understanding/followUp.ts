// A short follow-up to the last answer (« Pourquoi ? », « et pour un PTAI ? », « c’est-à-dire ? ») says
// nothing on its own: it is read together with the question it follows.
import { asksMeaning } from '../faq/definitions';
import { normalizeQuestion } from '../faq/questionNormalization';
import type { Approach, Scheme } from '../schemes';
import { plainOf } from './entities';
import { fold, stripOpeners, withoutOpeners } from './text';
import { understand } from './understand';
import type { Pending, Understanding } from './types';

/** Words that ask about what was just answered, not a new subject. */
const FOLLOW_UP = /^(et )?(pourquoi|pour quelle raison|pour quelles raisons|comment ca|c'est a dire|c'est-a-dire|cad|vraiment|ah bon|meme si|meme (pour|avec|quand)|et (si|pour|avec|quand|dans))\b/;

/**
 * The question to look up: the message alone, or, when it is a short follow-up of the previous question
 * (at most a dozen words, opening with « pourquoi », « et si »…), both together.
 */
export function questionWithContext(message: string, previous: string | undefined): string {
  if (!previous) return message;
  const folded = fold(message).replace(/^[^a-z0-9]+/, '');
  if (!FOLLOW_UP.test(folded) || folded.split(/\s+/).length > 12) return message;
  return `${previous} ${message}`;
}

/** A question with no subject of its own (« c'est obligatoire ? », « ça compte ? »): it is about what was said before it. */
const ELLIPTIC = /^(?:et )?(?:c'est|c'est-il|est-ce|ca|cela|il|elle|on|ils|elles)\b(?!.*\b(?:quoi|qui|quel\w*|combien)\b)/;

function isElliptic(text: string): boolean {
  const core = stripOpeners(fold(text));
  return core.split(/\s+/).length <= 6 && ELLIPTIC.test(core);
}

/** What the journey knows of the dossier, for the questions asked in the middle of it. */
export interface JourneyContext {
  scheme?: Scheme;
  approach?: Approach;
  /** The question on screen. */
  pending?: Pending;
  /** Whether the message's answer part is a value for the question on screen (« on n'en a pas » at the diagnostic). */
  answersPending?: boolean;
}

/** What the questions on screen that the scheme rules speak of are about, as the FAQ reads a subject. */
const PENDING_SUBJECTS: Partial<Record<Pending, string>> = {
  'scheme.diagnostic': 'le diagnostic territorial',
  'scheme.diagnosticFile': 'le diagnostic territorial',
  'scheme.housing': 'les actions en faveur du logement',
  'fields.selection': 'les champs de l’intégration',
  'commitments.kinds': 'l’engagement de la collectivité',
  'commitments.amount': 'le cofinancement de la collectivité',
};

/**
 * The question to send to the FAQ from a message asked in the middle of the journey:
 * - « des actions ciblées, on n'a pas de diagnostic, c'est obligatoire ? »: the question has no subject of
 *   its own, so the whole message is the question, and its first part is that question's subject, not an
 *   answer to the question on screen (`subjectInAnswer`);
 * - « on n'en a pas, c obligatoire ? » at the diagnostic question: the answer part answers the question on
 *   screen, so the question takes that question's subject (the diagnostic) and the answer part is kept;
 * - a question that names no scheme is read for the scheme of the dossier (chosen, or implied by the
 *   approach chosen: « des actions ciblées : c'est l'objet du PTAI »).
 */
export function journeyQuestion(understanding: Pick<Understanding, 'core' | 'answerPart'>, context: JourneyContext): { question: string; subjectInAnswer: boolean } {
  // « on n'en a pas, c obligatoire ? » at the diagnostic: the answer part answers the question on screen, whose
  // subject the question takes (the diagnostic), and the answer part is kept as the answer.
  const pendingSubject = context.pending && context.answersPending ? PENDING_SUBJECTS[context.pending] : undefined;
  if (pendingSubject && isElliptic(understanding.core)) {
    return { question: withScheme(`${pendingSubject}, ${understanding.core}`, context), subjectInAnswer: false };
  }
  const elliptic = understanding.answerPart !== undefined && isElliptic(understanding.core);
  const asked = elliptic ? `${understanding.answerPart!.trim().replace(/[,;:.]+$/, '')}, ${understanding.core}` : understanding.core;
  return { question: withScheme(asked, context), subjectInAnswer: elliptic };
}

/** A question that names no scheme, read for the dossier's scheme (chosen, or implied by the approach chosen). */
function withScheme(asked: string, context: JourneyContext): string {
  const scheme = context.scheme ?? (context.approach === 'targeted' ? 'PTAI' : context.approach === 'strategy' ? 'CTAI' : undefined);
  // A definition (« c'est quoi un BPI ? », « c est quoi un bpi ») is the same for both schemes: read alone,
  // once normalised as the FAQ reads it.
  const read = normalizeQuestion(asked);
  // « qui signe le contrat ? » names the CTAI (the contract), or the CIR: either way not the dossier's PTAI.
  const namesScheme = /\b(ctai|ptai|contrats?|projets? territoria)|\bsignifie\b/.test(read) || asksMeaning(read);
  return scheme && !namesScheme ? `Pour un ${scheme} : ${asked}` : asked;
}

/**
 * The question inside a wish to apply (« on voudrait déposer une candidature pour un PTAI, une commune de
 * 3000 habitants c'est possible ? »), to answer before the dossier opens: the message without its clauses
 * that say the wish, read for the scheme it names; the whole message when what is left has no subject of
 * its own (« nous sommes une communauté de communes et on voudrait un CTAI, c'est possible ? »).
 * Undefined when the message asks nothing.
 */
export function questionInWish(raw: string): string | undefined {
  if (!/\?\s*$/.test(raw)) return undefined;
  const clauses = raw.split(/(?<=[,;.!])\s+/);
  const kept = clauses.filter((clause) => {
    const core = stripOpeners(fold(clause)).replace(/[,;.!]+$/, '').trim();
    return core !== '' && understand(clause).intent !== 'apply';
  });
  if (kept.length === 0) return undefined;
  const rest = kept.join(' ').trim();
  const question = isElliptic(rest) ? withoutOpeners(raw, plainOf(raw)) : rest;
  const scheme = understand(raw).entities.scheme;
  return journeyQuestion({ core: question }, { scheme }).question;
}

/** « ça marche comment ? », « comment ça se passe ? », « quelles sont les étapes ? »: how applying works, with no subject of its own. */
const HOW_IT_WORKS = /\b(ca|cela|c') ?(marche|fonctionne|se passe|se deroule) comment\b|\bcomment (ca|cela|c'est que ca) (marche|fonctionne|se passe|se deroule)\b|\bcomment (on|je|nous) (fait|fais|faisons|procede|procedons)\s*\??$|\bcomment (faire|proceder)\s*\??$|\bquelles? (sont les )?etapes\b|\bc'est quoi la (procedure|demarche)\s*\??$/;

/** Whether a question asks how applying works (« la mairie voudrait monter un projet, ça marche comment ? »). */
export function asksHowItWorks(question: string): boolean {
  return HOW_IT_WORKS.test(fold(question));
}
