// Staff access to a dossier's documents: the list, each download, and the dossier as one ZIP (its
// PDF and its documents). Mounted after the staff API, whose authentication and limits cover it.
import { Router, type Response } from 'express';
import JSZip from 'jszip';
import type { AttachmentRef } from '../../dossiers/attachments/attachmentSchema';
import { kindLabel, type DossierAttachments } from '../../dossiers/attachments/dossierAttachments';
import type { DossierRepository } from '../../dossiers/dossierRepository';
import { staffOf } from '../auth/staffAuth';
import { dossierToPdf } from '../dossiers/dossierExports';
import { DossierService } from '../dossiers/dossierService';
import { AppError } from '../errors';
import type { Logger } from '../logger';

export interface AttachmentRouterDependencies {
  dossiers: DossierRepository;
  attachments: DossierAttachments;
  clock?: () => Date;
}

const ATTACHMENT_ID = /^[0-9a-f]{24}$/;

export function createAttachmentRouter(deps: AttachmentRouterDependencies, logger: Logger): Router {
  // The same scoped reads as the staff API: drafts and other départements are "not found".
  const service = new DossierService(deps.dossiers, logger.child({ component: 'staff-attachments' }));
  const clock = deps.clock ?? (() => new Date());
  const router = Router();

  router.get('/api/dossiers/:reference/attachments', async (req, res) => {
    const dossier = await service.find(staffOf(req), req.params.reference);
    res.json({ items: dossier.attachments });
  });

  router.get('/api/dossiers/:reference/attachments/:id', async (req, res) => {
    const dossier = await service.find(staffOf(req), req.params.reference);
    const { id } = req.params;
    if (!ATTACHMENT_ID.test(id) || !dossier.attachments.some((attachment) => attachment.id === id)) throw new AppError('ATTACHMENT_NOT_FOUND');
    const read = await deps.attachments.read(dossier.reference, id);
    if (read.status === 'pending') throw new AppError('ATTACHMENT_PENDING_SCAN');
    if (read.status !== 'ok') throw new AppError('ATTACHMENT_NOT_FOUND');
    sendDownload(res, read.bytes, read.attachment.contentType, read.attachment.name);
  });

  router.get('/api/dossiers/:reference/export.zip', async (req, res) => {
    const dossier = await service.find(staffOf(req), req.params.reference);
    const zip = new JSZip();
    zip.file(`${dossier.reference}.pdf`, await dossierToPdf(dossier, clock()));
    const held: AttachmentRef[] = [];
    const used = new Set<string>();
    for (const attachment of dossier.attachments) {
      const read = await deps.attachments.read(dossier.reference, attachment.id);
      if (read.status === 'pending') held.push(attachment);
      if (read.status !== 'ok') continue;
      zip.file(uniquePath(`documents/${attachment.kind}/${attachment.name}`, used), read.bytes);
    }
    if (held.length > 0) {
      zip.file(
        'documents/en-attente-d-analyse.txt',
        `Ces documents n’ont pas encore pu être analysés par l’antivirus ; ils seront disponibles après l’analyse :\r\n${held.map((attachment) => `- ${attachment.name} (${kindLabel(attachment.kind)})`).join('\r\n')}\r\n`,
      );
    }
    const content = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', platform: 'DOS' });
    sendDownload(res, content, 'application/zip', `${dossier.reference}.zip`);
  });

  return router;
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
