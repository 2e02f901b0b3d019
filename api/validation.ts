// Validation at the edge: a zod schema parses the request once, and a failure is a 400 with the reasons.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from './errors';

// Zod's own messages in French, for the checks whose schema does not carry a French message itself.
const FRENCH = z.locales.fr().localeError;

/** Parses a request part (body, query) with the schema; throws a 400 listing every problem in French otherwise. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value, { error: FRENCH });
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', {
      details: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return parsed.data;
}

/** Parses `req.body` with the schema and replaces it with the parsed value; refuses with 400 otherwise. */
export function validateBody<S extends z.ZodType>(schema: S): RequestHandler {
  return (req, _res, next) => {
    try {
      req.body = parseRequest(schema, req.body);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** Whether a JSON value nests no deeper than `max` objects or arrays (iterative: no recursion to overflow). */
export function depthWithin(value: unknown, max: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: current, depth } = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= max) return false;
    for (const child of Object.values(current)) pending.push({ value: child, depth: depth + 1 });
  }
  return true;
}
