// Who is signed in to the back-office: the session cookie, the CSRF check of every form, the redirect to sign-in.
import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors';
import type { StaffAccountRepository } from '../staff/staffRepository';
import { toPrincipal, type StaffPrincipal } from '../staff/staffSchema';
import type { PageAgent } from './layout';
import type { Session, SessionPolicy, SessionStore } from './sessionStore';

export const SESSION_COOKIE = 'ti_instruction';
const COOKIE_PATH = '/instruction';

export interface SignedInAgent {
  principal: StaffPrincipal;
  session: Session;
  token: string;
  /** What the layout shows. */
  page: PageAgent;
}

/** The cookies of a request, read by hand: a few names of our own, no library needed. */
export function cookiesOf(req: Request): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    const name = part.slice(0, index).trim();
    const value = part.slice(index + 1).trim();
    if (name && !(name in cookies)) {
      try {
        cookies[name] = decodeURIComponent(value);
      } catch {
        // A cookie we cannot decode is not one of ours.
      }
    }
  }
  return cookies;
}

export function setCookie(req: Request, res: Response, name: string, value: string, maxAgeSeconds: number): void {
  res.cookie(name, value, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: COOKIE_PATH, maxAge: maxAgeSeconds * 1000 });
}

export function clearCookie(req: Request, res: Response, name: string): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: COOKIE_PATH });
}

export function openSessionCookie(req: Request, res: Response, token: string, policy: SessionPolicy): void {
  setCookie(req, res, SESSION_COOKIE, token, policy.absoluteMinutes * 60);
}

/** Reads the session cookie and, when it belongs to a live session of an active account, remembers the agent. */
export function loadAgent(deps: { sessions: SessionStore; accounts: StaffAccountRepository }): RequestHandler {
  return async (req, res, next) => {
    const token = cookiesOf(req)[SESSION_COOKIE];
    if (token) {
      const session = await deps.sessions.find(token);
      const account = session ? await deps.accounts.findActiveById(session.staffId) : null;
      if (session && account) {
        const principal = toPrincipal(account, session.via === 'oidc' ? 'oidc' : 'key');
        const agent: SignedInAgent = {
          principal,
          session,
          token,
          page: { name: account.name, role: account.role, departements: account.departements, csrf: session.csrf },
        };
        res.locals.agent = agent;
      } else {
        // A revoked account's or an expired session's cookie is dropped, so the next page asks to sign in.
        if (session) await deps.sessions.close(token);
        clearCookie(req, res, SESSION_COOKIE);
        res.locals.sessionExpired = true;
      }
    }
    next();
  };
}

export function agentOf(res: Response): SignedInAgent {
  const agent = res.locals.agent as SignedInAgent | undefined;
  if (!agent) throw new AppError('UNAUTHORIZED');
  return agent;
}

/** Only a local path of the back-office, so that the sign-in page can never send anyone elsewhere. */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/instruction\/[A-Za-z0-9/_\-.?=&%+]*$/.test(value) && !value.includes('//') ? value : '/instruction/';
}

/** Pages behind it need a signed-in agent; others are sent to sign in, and come back afterwards. */
export const requireAgent: RequestHandler = (req, res, next) => {
  if (res.locals.agent) return next();
  const retour = req.method === 'GET' ? safeReturnPath(req.originalUrl) : '/instruction/';
  const expired = res.locals.sessionExpired === true ? '&expiree=1' : '';
  res.redirect(303, `/instruction/connexion?retour=${encodeURIComponent(retour)}${expired}`);
};

export function sameToken(actual: unknown, expected: string): boolean {
  if (typeof actual !== 'string') return false;
  const a = Buffer.from(actual);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Every form of a signed-in agent carries the session's CSRF token; a POST without it changes nothing. */
export const verifyCsrf: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST') return next();
  const agent = agentOf(res);
  const sent = (req.body as Record<string, unknown> | undefined)?._csrf;
  if (!sameToken(sent, agent.session.csrf)) {
    next(new AppError('FORBIDDEN', { message: 'Ce formulaire a expiré ou ne vient pas de cette page : rechargez la page et recommencez. Rien n’a été modifié.' }));
    return;
  }
  next();
};
