// POST /api/faq: a cited answer from the knowledge base, or a plain "je ne sais pas".
import express, { Router } from 'express';
import { z } from 'zod';
import type { FaqService } from '../../knowledge/faq/faqService';
import { validateBody } from '../validation';

const FaqRequestSchema = z.strictObject({
  question: z
    .string({ error: 'La question doit être un texte.' })
    .trim()
    .min(1, { error: 'La question est vide.' })
    .max(1000, { error: 'La question est trop longue (1 000 caractères au plus).' }),
});

export function createFaqRouter(faq: FaqService): Router {
  const router = Router();
  router.post('/api/faq', express.json({ limit: '16kb' }), validateBody(FaqRequestSchema), async (req, res) => {
    const { question } = req.body as z.infer<typeof FaqRequestSchema>;
    res.json(await faq.answer(question));
  });
  return router;
}
