// The FAQ: answers a question from the knowledge base with cited sources, or says plainly that it
// does not know and where to ask.
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { z } from 'zod';
import { DEFAULT_CORPUS_DIR, loadPassages, type Passage } from './corpus';
import { composeExtractive, type ComposedAnswer, type RankedPassage } from './extractiveAnswer';
import { FrenchLexicalRetriever } from './frenchRetriever';
import type { SmallTalk } from './frenchText';
import { generateAnswer } from './generatedAnswer';
import { LexicalIndex, type IndexedPassage, type ResolvedQuery } from './lexicalIndex';

export const FaqAnswerSchema = z.object({
  answered: z.boolean(),
  answer: z.string(),
  sources: z.array(z.object({ id: z.string(), title: z.string(), excerpt: z.string() })),
});
export type FaqAnswer = z.infer<typeof FaqAnswerSchema>;

export interface FaqService {
  answer(question: string): Promise<FaqAnswer>;
  /** passages indexed (times `copies`) */
  readonly passageCount: number;
  /** the LangChain retriever behind the answers, for reuse and for latency measurements */
  readonly retriever: FrenchLexicalRetriever;
}

interface FaqLogger {
  warn(obj: object, msg?: string): void;
}

export interface FaqServiceOptions {
  /** folder of Markdown documents; defaults to knowledge/corpus */
  corpusDir?: string;
  /** index the base this many times, for benchmarks (default 1) */
  copies?: number;
  /** when given, answers are written by this model from the retrieved passages */
  chatModel?: BaseChatModel;
  /** after this delay the extractive answer is given instead of the model's (default 8000 ms) */
  generationTimeoutMs?: number;
  logger?: FaqLogger;
}

/**
 * A question is answered only when the best passage holds at least this share of its content
 * words. Tuned on evaluation.json: questions the base answers reach 0.67 or more (most reach 1),
 * those it cannot answer stay at 0.33 or less (two-word ones like "Paris est-elle engagée ?" at
 * 0.5), because their key words (a deadline, an address, a duration) appear nowhere in the base. A number of the question (a year, an amount) must also
 * appear in the passage: the base knows 2019 to 2021, not "les CTAI signés en 2023".
 */
const MIN_COVERAGE = 0.6;
const RETRIEVED_PASSAGES = 4;
const DEFAULT_GENERATION_TIMEOUT_MS = 8000;

const DONT_KNOW =
  "Je ne sais pas répondre à cette question : l'information ne figure pas dans la documentation dont je dispose sur les CTAI et les PTAI. " +
  'Je vous invite à vous adresser à la préfecture de votre département, qui pourra vous renseigner.';
const INVITATION =
  "Je réponds à vos questions sur les contrats territoriaux d'accueil et d'intégration (CTAI) " +
  "et les projets territoriaux d'accueil et d'intégration (PTAI). Posez-moi votre question, par exemple : " +
  '« Qui signe un CTAI ? » ou « Faut-il un diagnostic pour un PTAI ? »';

const SMALL_TALK_REPLIES: Readonly<Record<NonNullable<SmallTalk> | 'none', string>> = {
  greeting: `Bonjour ! ${INVITATION}`,
  thanks: "Je vous en prie. N'hésitez pas si vous avez une autre question sur les CTAI ou les PTAI.",
  none: INVITATION,
};

function copiesOf(passages: readonly Passage[], copies: number): Passage[] {
  if (copies <= 1) return [...passages];
  return Array.from({ length: copies }, (_, copy) =>
    passages.map((p) => (copy === 0 ? p : { ...p, id: `${p.id}@${copy}` })),
  ).flat();
}

export async function createFaqService(options: FaqServiceOptions = {}): Promise<FaqService> {
  const passages = await loadPassages(options.corpusDir ?? DEFAULT_CORPUS_DIR);
  const index = new LexicalIndex(copiesOf(passages, Math.max(1, Math.floor(options.copies ?? 1))));
  const retriever = new FrenchLexicalRetriever({ index, k: RETRIEVED_PASSAGES });
  const timeoutMs = options.generationTimeoutMs ?? DEFAULT_GENERATION_TIMEOUT_MS;
  const termWeight = (term: string): number => index.termWeight(term);

  async function generated(question: string, ranked: readonly RankedPassage[]): Promise<ComposedAnswer | undefined> {
    if (!options.chatModel) return undefined;
    try {
      const outcome = await generateAnswer(options.chatModel, question, ranked.map((r) => r.passage), timeoutMs);
      if (outcome.ok) return outcome.value;
      options.logger?.warn({ reason: outcome.reason }, 'FAQ: generated answer rejected, extractive answer used');
    } catch (err) {
      options.logger?.warn({ err }, 'FAQ: chat model failed, extractive answer used');
    }
    return undefined;
  }

  async function answer(question: string): Promise<FaqAnswer> {
    const query: ResolvedQuery = index.resolve(question);
    // A greeting, thanks, or nothing but question words: there is nothing to look up yet.
    if (query.contentCount === 0) return { answered: false, answer: SMALL_TALK_REPLIES[query.smallTalk ?? 'none'], sources: [] };

    const documents = await retriever.invoke(question);
    const ranked: RankedPassage[] = documents.map((doc) => ({
      passage: index.passages[doc.metadata.passageIndex] as IndexedPassage,
      score: doc.metadata.score,
    }));
    const best = documents[0]?.metadata;
    if (!best || best.coverage < MIN_COVERAGE || !best.numbersFound) {
      return { answered: false, answer: DONT_KNOW, sources: [] };
    }

    const composed = (await generated(question, ranked)) ?? composeExtractive(ranked, query, termWeight);
    if (composed.answer === '') return { answered: false, answer: DONT_KNOW, sources: [] };
    return { answered: true, ...composed };
  }

  return { answer, passageCount: index.size, retriever };
}
