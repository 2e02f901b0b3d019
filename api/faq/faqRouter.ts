// POST /api/faq: a cited answer from the knowledge base, or a plain "je ne sais pas".
import express, { Router } from 'express';
import { z } from 'zod';
import type { FaqService } from '../../knowledge/faq/faqService';
import { rateLimit } from 'express-rate-limit';
import { apiHelmet } from '../dossiers/dossierRouter';
import { AppError } from '../errors';
import { validateBody } from '../validation';

const FaqRequestSchema = z.strictObject({
  question: z
    .string({ error: 'La question doit être un texte.' })
    .trim()
    .min(1, { error: 'La question est vide.' })
    .max(1000, { error: 'La question est trop longue (1 000 caractères au plus).' }),
});

export function createFaqRouter(faq: FaqService, perIpPerMinute = 120): Router {
  const router = Router();
  // Each answer searches the base (and may call the chat model): a flood from one address gets a French 429 (issue 15, F17).
  const limit = rateLimit({
    windowMs: 60_000,
    limit: perIpPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: 'faq-per-ip',
    handler: (_req, _res, next) => next(new AppError('TOO_MANY_REQUESTS')),
  });
  router.post('/api/faq', apiHelmet, limit, express.json({ limit: '16kb' }), validateBody(FaqRequestSchema), async (req, res) => {
    const { question } = req.body as z.infer<typeof FaqRequestSchema>;
    res.json(await faq.answer(question));
  });
  return router;
}
