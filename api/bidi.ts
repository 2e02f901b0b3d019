// Bidirectional control characters in user text (embeddings and overrides U+202A–U+202E, isolates
// U+2066–U+2069, the marks U+200E, U+200F and U+061C) can make a reader see « 000 051 » where « 150 000 »
// was typed, or a name run backwards. Wherever user text leaves the service for a person (CSV/XLSX cells,
// the PDF, e-mails) they are removed; the letters themselves, Arabic and Hebrew included, are kept.
const BIDI_CONTROLS = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;

export function neutralizeBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}
