// Authentication of the staff API: `Authorization: Bearer <key>` (or an OIDC JWT when configured).
// Every refusal is the same 401, whatever went wrong; the logs say why, never with the secret.
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { keyIdOf, type StaffAccountRepository } from '../staff/staffRepository';
import { toPrincipal, type StaffPrincipal } from '../staff/staffSchema';
import type { OidcVerifier } from './oidcVerifier';

const BEARER = /^Bearer +([\x21-\x7e]{1,4096})$/i;

const principals = new WeakMap<Request, StaffPrincipal>();

/** The authenticated caller of a request that went through `authenticateStaff`. */
export function staffOf(req: Request): StaffPrincipal {
  const principal = principals.get(req);
  if (!principal) throw new AppError('UNAUTHORIZED');
  return principal;
}

export function authenticateStaff(deps: { accounts: StaffAccountRepository; oidc?: OidcVerifier; logger: Logger }): RequestHandler {
  const { accounts, oidc, logger } = deps;
  const refuse = (req: Request, reason: string, keyId?: string): AppError => {
    logger.warn({ reason, ...(keyId ? { keyId } : {}), method: req.method, path: req.path, ip: req.ip }, 'Staff API: authentication refused');
    return new AppError('UNAUTHORIZED');
  };

  return async (req, res, next) => {
    res.setHeader('WWW-Authenticate', 'Bearer realm="staff-api"');
    const header = req.headers.authorization;
    if (header === undefined) return next(refuse(req, 'missing_authorization'));
    const token = BEARER.exec(header)?.[1];
    if (!token) return next(refuse(req, 'malformed_authorization'));

    if (oidc && !token.startsWith('ti_') && token.split('.').length === 3) {
      const email = await oidc.emailOf(token);
      if (!email) return next(refuse(req, 'invalid_jwt'));
      const account = await accounts.findActiveByEmail(email);
      if (!account) return next(refuse(req, 'no_active_account_for_email'));
      principals.set(req, toPrincipal(account, 'oidc'));
    } else {
      const account = await accounts.authenticateKey(token);
      if (!account) return next(refuse(req, 'invalid_or_revoked_key', keyIdOf(token)));
      principals.set(req, toPrincipal(account, 'key'));
    }
    res.removeHeader('WWW-Authenticate');
    next();
  };
}
