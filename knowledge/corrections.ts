// What an applicant may change while the prefecture has asked for corrections: only the parts of the
// dossier behind the sections named in the request, and never the collectivity's département, which
// decides which prefecture instructs the dossier (only an instructeur can move it).
import type { SectionId } from './completeness';

/** The parts of a dossier behind each section of a correction request (the budget's totals are computed from actions and commitments; its other funders are its own). */
const SECTION_PARTS: Record<SectionId, readonly string[]> = {
  collectivity: ['collectivity'],
  contact: ['contact'],
  scheme: ['scheme', 'approach', 'diagnostic', 'housingCommitted'],
  fields: ['fields'],
  commitments: ['commitments', 'housingCommitted'],
  actions: ['actions'],
  budget: ['actions', 'commitments', 'budget'],
};

/** Bookkeeping of the conversation, not content the prefecture reads. */
const ALWAYS_EDITABLE = new Set(['skippedQuestions']);

export interface CorrectionCheck {
  /** The parts changed outside the requested sections. */
  outside: string[];
  /** The département changed: refused whatever the sections. */
  departementChanged: boolean;
}

/**
 * Compares the dossier before and after an applicant's change under a correction request.
 * `before` and `after` hold the editable parts, as the dossier schema outputs them.
 */
export function checkCorrection(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  parts: readonly string[],
  sections: readonly SectionId[],
): CorrectionCheck {
  const open = new Set(sections.flatMap((section) => SECTION_PARTS[section]));
  const outside = parts.filter((part) => !ALWAYS_EDITABLE.has(part) && !open.has(part) && JSON.stringify(before[part]) !== JSON.stringify(after[part]));
  const departementOf = (dossier: Readonly<Record<string, unknown>>) => (dossier.collectivity as { departement?: unknown } | undefined)?.departement;
  return { outside, departementChanged: departementOf(before) !== departementOf(after) };
}
