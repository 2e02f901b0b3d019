// The staff list's opaque cursor: where the previous page ended in the sort's order, as base64url JSON.
// Tampering with it can only move the position: the filters and the caller's scope still apply.
import { z } from 'zod';
import { DossierListSortSchema, type DossierListSort, type ListPosition } from '../../dossiers/dossierRepository';
import { DossierReferenceSchema } from '../../dossiers/dossierSchema';
import { AppError } from '../errors';

const CursorSchema = z.strictObject({
  s: DossierListSortSchema,
  r: DossierReferenceSchema,
  v: z.iso.datetime().optional(),
});

export function encodeCursor(sort: DossierListSort, position: ListPosition): string {
  const payload = { s: sort, r: position.reference, ...(position.value ? { v: position.value.toISOString() } : {}) };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** The position a cursor names, for the same sort; INVALID_CURSOR when it is damaged or made for another sort. */
export function decodeCursor(cursor: string, sort: DossierListSort): ListPosition {
  let parsed: z.infer<typeof CursorSchema>;
  try {
    parsed = CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('INVALID_CURSOR');
  }
  const needsValue = !parsed.s.endsWith('reference');
  if (parsed.s !== sort || needsValue !== (parsed.v !== undefined)) {
    throw new AppError('INVALID_CURSOR', {
      message: `Ce curseur a été donné pour un autre ordre (sort=${parsed.s}) : gardez le même paramètre sort d’une page à l’autre, ou reprenez depuis la première page.`,
    });
  }
  return { reference: parsed.r, ...(parsed.v ? { value: new Date(parsed.v) } : {}) };
}
