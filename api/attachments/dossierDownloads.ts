// What the staff API and the back-office both send: one document as a download, and the dossier as a
// ZIP of its PDF and its documents. Both check nothing themselves: the caller has already read the
// dossier through the staff's scope.
import type { Response } from 'express';
import JSZip from 'jszip';
import type { AttachmentRef } from '../../dossiers/attachments/attachmentSchema';
import { kindLabel, type DossierAttachments } from '../../dossiers/attachments/dossierAttachments';
import type { Dossier } from '../../dossiers/dossierSchema';
import { dossierToPdf } from '../dossiers/dossierExports';
import { AppError } from '../errors';

/** Sends one document of a dossier the staff member may read; a held or infected one is an error, never its bytes. */
export async function sendDocument(res: Response, attachments: DossierAttachments, dossier: Dossier, id: string): Promise<void> {
  if (!/^[0-9a-f]{24}$/.test(id) || !dossier.attachments.some((attachment) => attachment.id === id)) throw new AppError('ATTACHMENT_NOT_FOUND');
  const read = await attachments.read(dossier.reference, id);
  if (read.status === 'pending') throw new AppError('ATTACHMENT_PENDING_SCAN');
  if (read.status === 'infected') throw new AppError('ATTACHMENT_INFECTED');
  if (read.status !== 'ok') throw new AppError('ATTACHMENT_NOT_FOUND');
  sendDownload(res, read.bytes, read.attachment.contentType, read.attachment.name);
}

/** Sends the dossier's ZIP: its PDF, its documents by kind, and a note naming those held or infected. */
export async function sendDossierZip(res: Response, attachments: DossierAttachments, dossier: Dossier, now: Date): Promise<void> {
  const zip = new JSZip();
  zip.file(`${dossier.reference}.pdf`, await dossierToPdf(dossier, now));
  const held: AttachmentRef[] = [];
  const infected: AttachmentRef[] = [];
  const used = new Set<string>();
  for (const attachment of dossier.attachments) {
    const read = await attachments.read(dossier.reference, attachment.id);
    if (read.status === 'pending') held.push(attachment);
    if (read.status === 'infected') infected.push(attachment);
    if (read.status !== 'ok') continue;
    zip.file(uniquePath(`documents/${attachment.kind}/${attachment.name}`, used), read.bytes);
  }
  const lines = (list: AttachmentRef[]) => list.map((attachment) => `- ${attachment.name} (${kindLabel(attachment.kind)})`).join('\r\n');
  if (held.length > 0) {
    zip.file('documents/en-attente-d-analyse.txt', `Ces documents n’ont pas encore pu être analysés par l’antivirus ; ils seront disponibles après l’analyse :\r\n${lines(held)}\r\n`);
  }
  if (infected.length > 0) {
    zip.file('documents/infectes.txt', `L’antivirus a trouvé un virus dans ces documents : ils ne sont pas dans l’export et ne peuvent pas être téléchargés :\r\n${lines(infected)}\r\n`);
  }
  const content = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', platform: 'DOS' });
  sendDownload(res, content, 'application/zip', `${dossier.reference}.zip`);
}

/** Always a download, never rendered by the browser, with the name in ASCII and in UTF-8 (RFC 6266). */
function sendDownload(res: Response, content: Buffer, type: string, name: string): void {
  const ascii = name.normalize('NFD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '') || 'document';
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', String(content.length));
  res.end(content);
}

function uniquePath(wanted: string, used: Set<string>): string {
  let candidate = wanted;
  for (let index = 2; used.has(candidate); index += 1) candidate = wanted.replace(/(\.[^.]+)?$/, ` (${index})$1`);
  used.add(candidate);
  return candidate;
}
