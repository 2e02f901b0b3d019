// The failures of the FAQ that callers may need to tell apart (a broken corpus file, a missing
// LLM provider package), with a stable code the API layer can map; messages are for operators.

export type FaqErrorCode = 'FAQ_CORPUS_INVALID' | 'FAQ_CORPUS_EMPTY' | 'FAQ_LLM_PACKAGE_MISSING' | 'FAQ_LLM_CONFIG_INVALID';

export class FaqError extends Error {
  override readonly name = 'FaqError';

  constructor(
    readonly code: FaqErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
