// Staff access to a dossier's documents: the list, each download, and the dossier as one ZIP (its
// PDF and its documents). Mounted after the staff API, whose authentication and limits cover it.
import { Router } from 'express';
import type { DossierAttachments } from '../../dossiers/attachments/dossierAttachments';
import type { DossierRepository } from '../../dossiers/dossierRepository';
import { staffOf } from '../auth/staffAuth';
import { DossierService } from '../dossiers/dossierService';
import type { Logger } from '../logger';
import { sendDocument, sendDossierZip } from './dossierDownloads';

export interface AttachmentRouterDependencies {
  dossiers: DossierRepository;
  attachments: DossierAttachments;
  clock?: () => Date;
}

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
    await sendDocument(res, deps.attachments, dossier, req.params.id);
  });

  router.get('/api/dossiers/:reference/export.zip', async (req, res) => {
    const dossier = await service.find(staffOf(req), req.params.reference);
    await sendDossierZip(res, deps.attachments, dossier, clock());
  });

  return router;
}
