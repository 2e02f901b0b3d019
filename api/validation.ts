// Validation at the edge: a zod schema parses the request once, and a failure is a 400 with the reasons.
import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { AppError } from './errors';

/** Parses `req.body` with the schema and replaces it with the parsed value; refuses with 400 otherwise. */
export function validateBody<S extends z.ZodType>(schema: S): RequestHandler {
  return (req, _res, next) => {
    const parsed = schema.safeParse(req.body);
    if (!parsed.success) {
      next(
        new AppError('VALIDATION_FAILED', {
          details: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
        }),
      );
      return;
    }
    req.body = parsed.data;
    next();
  };
}
