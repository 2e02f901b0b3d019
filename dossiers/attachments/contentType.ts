// What a file really is, from its first bytes (and, for office documents, from inside the ZIP), never
// from its name; and a safe name for it.
import { inflateRawSync } from 'node:zlib';
import type { AttachmentContentType } from './attachmentSchema';

export interface DetectedType {
  contentType: AttachmentContentType;
  extension: string;
  /** How the official reads the type. */
  label: string;
}

const TYPES: Record<AttachmentContentType, Omit<DetectedType, 'contentType'>> = {
  'application/pdf': { extension: 'pdf', label: 'PDF' },
  'application/vnd.oasis.opendocument.text': { extension: 'odt', label: 'texte ODT' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { extension: 'docx', label: 'Word (DOCX)' },
  'application/vnd.oasis.opendocument.spreadsheet': { extension: 'ods', label: 'tableur ODS' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { extension: 'xlsx', label: 'Excel (XLSX)' },
  'image/jpeg': { extension: 'jpg', label: 'image JPEG' },
  'image/png': { extension: 'png', label: 'image PNG' },
};

/** « PDF », « Word (DOCX) »: a stored document's type as staff read it. */
export function contentTypeLabel(contentType: AttachmentContentType): string {
  return TYPES[contentType].label;
}

/** The accepted formats, for the messages that list them. */
export const ACCEPTED_FORMATS_TEXT = 'PDF, ODT, DOCX, ODS, XLSX, JPEG ou PNG';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const OOXML_MAIN = {
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
const ODF_MIMETYPES = new Set<AttachmentContentType>(['application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.spreadsheet']);

/** The type of the bytes if it is one we accept; undefined for anything else (executables, scripts, archives, macros…). */
export function detectContentType(bytes: Buffer): DetectedType | undefined {
  const type = detect(bytes);
  return type ? { contentType: type, ...TYPES[type] } : undefined;
}

function detect(bytes: Buffer): AttachmentContentType | undefined {
  if (bytes.length < 8) return undefined;
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (bytes.readUInt32LE(0) === 0x04034b50) return detectZipDocument(bytes);
  return undefined;
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/** ODF names its type in a first `mimetype` entry; OOXML declares its main part in `[Content_Types].xml`. */
function detectZipDocument(bytes: Buffer): AttachmentContentType | undefined {
  const entries = zipEntries(bytes);
  if (!entries) return undefined;
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const mimetype = byName.get('mimetype');
  if (mimetype) {
    const declared = readEntry(bytes, mimetype)?.toString('latin1').trim();
    return declared && ODF_MIMETYPES.has(declared as AttachmentContentType) && byName.has('content.xml') ? (declared as AttachmentContentType) : undefined;
  }
  const contentTypes = byName.get('[Content_Types].xml');
  const xml = contentTypes ? readEntry(bytes, contentTypes)?.toString('utf8') : undefined;
  if (!xml) return undefined;
  const declared = [...xml.matchAll(/ContentType="([^"]+)"/g)].map((match) => match[1]);
  for (const [main, type] of Object.entries(OOXML_MAIN)) if (declared.includes(main)) return type;
  return undefined;
}

/** The central directory's entries, or undefined when it is not a plain ZIP we can read. */
function zipEntries(bytes: Buffer): ZipEntry[] | undefined {
  const end = findEndOfCentralDirectory(bytes);
  if (end === undefined) return undefined;
  const count = bytes.readUInt16LE(end + 10);
  let offset = bytes.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== 0x02014b50) return undefined;
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    entries.push({
      method: bytes.readUInt16LE(offset + 10),
      compressedSize: bytes.readUInt32LE(offset + 20),
      localHeaderOffset: bytes.readUInt32LE(offset + 42),
      name: bytes.subarray(offset + 46, offset + 46 + nameLength).toString('utf8'),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEndOfCentralDirectory(bytes: Buffer): number | undefined {
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let offset = bytes.length - 22; offset >= lowest; offset -= 1) {
    if (bytes.readUInt32LE(offset) === 0x06054b50) return offset;
  }
  return undefined;
}

/** Small entries only (type declarations): a bomb-sized one is not read. */
const MAX_ENTRY_BYTES = 1024 * 1024;

function readEntry(bytes: Buffer, entry: ZipEntry): Buffer | undefined {
  const local = entry.localHeaderOffset;
  if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) return undefined;
  const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
  const data = bytes.subarray(start, start + entry.compressedSize);
  try {
    if (entry.method === 0) return data.length <= MAX_ENTRY_BYTES ? data : undefined;
    if (entry.method === 8) return inflateRawSync(data, { maxOutputLength: MAX_ENTRY_BYTES });
  } catch {
    return undefined;
  }
  return undefined;
}

// Path separators, characters Windows refuses, and control characters.
const UNSAFE = /[<>:"/\\|?*\p{Cc}\p{Cf}]/gu;
const MAX_BASE_LENGTH = 100;

/**
 * A name safe to store, show and offer as a download: the last path segment only, no control or
 * reserved characters, and the extension of the file's real type (a « rapport.exe » that is a PDF
 * becomes « rapport.pdf »).
 */
export function sanitizeFileName(raw: string, extension: string): string {
  const segment = raw.split(/[/\\]/).pop() ?? '';
  let base = segment.normalize('NFC').replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  base = base.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/^[.\s]+|[.\s]+$/g, '');
  base = [...base].slice(0, MAX_BASE_LENGTH).join('').trim();
  return `${base || 'document'}.${extension}`;
}

/** The name as the official gave it, cleaned for a message (its extension kept). */
export function displayName(raw: string): string {
  const segment = (raw.split(/[/\\]/).pop() ?? '').normalize('NFC').replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  return [...segment].slice(0, MAX_BASE_LENGTH + 10).join('') || 'document';
}
