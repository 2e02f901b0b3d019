// The documents attached to a dossier, as the dossier records them (the bytes are in GridFS).
import { z } from 'zod';

const AttachmentKindSchema = z.enum(['diagnostic', 'deliberation', 'budget', 'partner_letter', 'other']);
export type AttachmentKind = z.infer<typeof AttachmentKindSchema>;

/** Where a document is filed, as the official and staff read it. */
export const ATTACHMENT_KIND_LABELS: Record<AttachmentKind, string> = {
  diagnostic: 'diagnostic territorial',
  deliberation: 'délibération',
  budget: 'budget',
  partner_letter: 'lettre d’engagement d’un partenaire',
  other: 'autre document',
};

/**
 * The antivirus verdict: `clean` (clamd found nothing), `pending` (clamd could not be reached: held
 * « en attente d'analyse » until it can), `infected` (found by a later scan of a pending file: kept,
 * shown as such, never served), `not_scanned` (no clamd configured). A file infected at upload is
 * refused and never stored, so it has no status.
 */
const ScanStatusSchema = z.enum(['clean', 'pending', 'infected', 'not_scanned']);
export type ScanStatus = z.infer<typeof ScanStatusSchema>;

const ALLOWED_CONTENT_TYPES = [
  'application/pdf',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'image/jpeg',
  'image/png',
] as const;
const AttachmentContentTypeSchema = z.enum(ALLOWED_CONTENT_TYPES);
export type AttachmentContentType = z.infer<typeof AttachmentContentTypeSchema>;

/** Most documents one dossier may hold, whatever their size. */
export const MAX_ATTACHMENTS_PER_DOSSIER = 30;

export const AttachmentRefSchema = z.object({
  /** The GridFS file id (24 hex characters). */
  id: z.string().regex(/^[0-9a-f]{24}$/),
  kind: AttachmentKindSchema,
  /** Sanitised: no path, no control or reserved characters, the extension of its real type. */
  name: z.string().min(1).max(140),
  size: z.number().int().min(1),
  contentType: AttachmentContentTypeSchema,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  scan: ScanStatusSchema,
  /** The signature clamd named, when `scan` is `infected`. */
  signature: z.string().min(1).max(200).optional(),
  uploadedAt: z.date(),
});
export type AttachmentRef = z.infer<typeof AttachmentRefSchema>;

/** What happened to a document, as the dossier's history records it. */
export const DocumentEventSchema = z.object({
  action: z.enum(['added', 'removed', 'infected']),
  id: z.string().regex(/^[0-9a-f]{24}$/),
  name: z.string().min(1).max(140),
  kind: AttachmentKindSchema,
  signature: z.string().min(1).max(200).optional(),
});
export type DocumentEvent = z.infer<typeof DocumentEventSchema>;
