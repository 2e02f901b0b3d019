// Where a document is filed when the official does not say: from their words, the file's name, or
// the question the journey is asking.
import { normalizeText } from '../../knowledge/parsers';
import type { AttachmentKind } from './attachmentSchema';

const KEYWORDS: ReadonlyArray<{ kind: AttachmentKind; pattern: RegExp }> = [
  { kind: 'diagnostic', pattern: /diagnostic/ },
  { kind: 'deliberation', pattern: /deliber|\bdcm\b|conseil (municipal|communautaire|metropolitain|departemental|regional)/ },
  { kind: 'budget', pattern: /budget|plan de financement|financement|previsionnel/ },
  { kind: 'partner_letter', pattern: /lettre|courrier|engagement|partenaire|soutien/ },
];

/** The kind named in the official's words or the file name; else the one the pending question asks for; else « autre ». */
export function guessAttachmentKind(words: readonly string[], pendingQuestionId?: string): AttachmentKind {
  for (const text of words) {
    const normalized = normalizeText(text.replace(/[_.-]+/g, ' '));
    const found = KEYWORDS.find((candidate) => candidate.pattern.test(normalized));
    if (found) return found.kind;
  }
  if (pendingQuestionId?.includes('diagnostic')) return 'diagnostic';
  return 'other';
}
