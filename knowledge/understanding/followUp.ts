// A short follow-up to the last answer (« Pourquoi ? », « et pour un PTAI ? », « c’est-à-dire ? ») says
// nothing on its own: it is read together with the question it follows.
import { fold } from './text';

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
