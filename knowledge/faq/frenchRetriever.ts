// The LangChain face of the lexical index, so the FAQ composes with other LangChain pieces.
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { LexicalIndex } from './lexicalIndex';

/** What each retrieved Document carries besides its text. */
export interface PassageMetadata {
  id: string;
  title: string;
  section: string;
  source: string;
  /** BM25 score of the passage for the question */
  score: number;
  /** share of the question's content words the passage holds, 0..1 */
  coverage: number;
  /** the same share, counting only what the passage says itself, its question lines aside */
  ownCoverage: number;
  /** every number of the question (a year, an amount) appears in the passage */
  numbersFound: boolean;
  /** rank of the passage in the index, to find its pre-split sentences again */
  passageIndex: number;
}

export interface FrenchLexicalRetrieverInput extends BaseRetrieverInput {
  index: LexicalIndex;
  /** passages returned per question */
  k?: number;
}

export class FrenchLexicalRetriever extends BaseRetriever<PassageMetadata> {
  lc_namespace = ['territoires_integration', 'knowledge', 'faq'];

  static override lc_name(): string {
    return 'FrenchLexicalRetriever';
  }

  readonly index: LexicalIndex;
  private readonly k: number;
  private readonly positions: Map<object, number>;

  constructor({ index, k = 4, ...base }: FrenchLexicalRetrieverInput) {
    // only the LangChain fields go up: the base class keeps its arguments for serialisation
    super(base);
    this.index = index;
    this.k = k;
    this.positions = new Map(this.index.passages.map((passage, i) => [passage, i]));
  }

  override async _getRelevantDocuments(query: string): Promise<Document<PassageMetadata>[]> {
    return this.index.search(this.index.resolve(query), this.k).map(
      ({ passage, score, coverage, ownCoverage, numbersFound }) =>
        new Document<PassageMetadata>({
          pageContent: passage.text,
          id: passage.id,
          metadata: {
            id: passage.id,
            title: passage.title,
            section: passage.section,
            source: passage.source,
            score,
            coverage,
            ownCoverage,
            numbersFound,
            passageIndex: this.positions.get(passage) ?? -1,
          },
        }),
    );
  }
}
