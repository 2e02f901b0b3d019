// Optional answer written by a chat model from the retrieved passages only, accepted only when it
// cites those passages and nothing else.
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { excerptOf, type ComposedAnswer } from './extractiveAnswer';
import type { IndexedPassage } from './lexicalIndex';

/** Why a generated answer was not used; logged so the team can see how often the model fails. */
type GenerationRejection = 'no_citation' | 'unknown_citation' | 'declined' | 'empty';

export type GenerationOutcome = { ok: true; value: ComposedAnswer } | { ok: false; reason: GenerationRejection };

/** The model's way of saying the passages do not hold the answer. */
const DECLINE_MARKER = 'JE NE SAIS PAS';

const SYSTEM_PROMPT = [
  "Tu es l'assistant « Territoires d'intégration » de l'État. Tu réponds à des élus et agents de collectivités territoriales",
  "au sujet des contrats territoriaux d'accueil et d'intégration (CTAI) et des projets territoriaux d'accueil et d'intégration (PTAI).",
  'Règles :',
  '- Réponds en français, poliment, en une à trois phrases courtes.',
  "- Utilise UNIQUEMENT les extraits numérotés fournis. N'ajoute aucune information, aucun chiffre, aucune date ni aucune règle qui n'y figure pas.",
  "- Après chaque information, cite l'extrait dont elle provient par son numéro entre crochets, par exemple [1] ou [2].",
  `- Si les extraits ne permettent pas de répondre, réponds exactement : ${DECLINE_MARKER}`,
].join('\n');

function userPrompt(question: string, passages: readonly IndexedPassage[]): string {
  const numbered = passages.map((p, i) => `[${i + 1}] ${p.title} — ${p.section}\n${p.text}`).join('\n\n');
  return `Extraits :\n\n${numbered}\n\nQuestion : ${question}`;
}

/**
 * Checks the citations of the model's text against the passages it was given and renumbers them
 * in order of appearance, so that [1] is always the first source listed.
 */
function acceptGenerated(text: string, passages: readonly IndexedPassage[]): GenerationOutcome {
  const answer = text.trim();
  if (answer.length === 0) return { ok: false, reason: 'empty' };
  if (answer.toUpperCase().includes(DECLINE_MARKER)) return { ok: false, reason: 'declined' };

  const markers = [...answer.matchAll(/\[(\d+(?:\s*[,;]\s*\d+)*)\]/g)];
  if (markers.length === 0) return { ok: false, reason: 'no_citation' };
  const cited = markers.flatMap((m) => (m[1] ?? '').split(/[,;]/).map((n) => Number.parseInt(n.trim(), 10)));
  if (cited.some((n) => !Number.isInteger(n) || n < 1 || n > passages.length)) return { ok: false, reason: 'unknown_citation' };

  const order = [...new Set(cited)];
  const renumbered = answer.replace(/\[(\d+(?:\s*[,;]\s*\d+)*)\]/g, (_all, list: string) => {
    const numbers = [...new Set(list.split(/[,;]/).map((n) => order.indexOf(Number.parseInt(n.trim(), 10)) + 1))];
    return numbers.map((n) => `[${n}]`).join('');
  });
  const sources = order.map((n) => {
    const passage = passages[n - 1] as IndexedPassage;
    return { id: passage.id, title: passage.title, excerpt: excerptOf(passage.text) };
  });
  return { ok: true, value: { answer: renumbered, sources } };
}

class GenerationTimeout extends Error {
  override readonly name = 'GenerationTimeout';
}

/**
 * Asks the model, giving up after `timeoutMs`: the request is aborted and the caller answers
 * without the model. Rejects on model error or time-out; resolves with the checked answer otherwise.
 */
export async function generateAnswer(
  model: BaseChatModel,
  question: string,
  passages: readonly IndexedPassage[],
  timeoutMs: number,
): Promise<GenerationOutcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new GenerationTimeout(`chat model gave no answer within ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    const message = await Promise.race([
      model.invoke([new SystemMessage(SYSTEM_PROMPT), new HumanMessage(userPrompt(question, passages))], {
        signal: controller.signal,
      }),
      timeout,
    ]);
    return acceptGenerated(message.text, passages);
  } finally {
    clearTimeout(timer);
  }
}
