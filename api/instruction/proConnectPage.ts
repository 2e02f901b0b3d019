// The ProConnect round trip of the sign-in: off to the provider with state, nonce and PKCE, back with a code
// that becomes a session for the active account with the same verified e-mail.
import { createHash, randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Collection, Connection } from 'mongoose';
import type { PendingSignIn, ProConnectClient, ProConnectRefusal } from '../auth/proConnect';
import type { Logger } from '../logger';
import type { StaffAccountRepository } from '../staff/staffRepository';
import { clearCookie, cookiesOf, safeReturnPath, sameToken, setCookie } from './sessionAuth';
import type { SessionPolicy, SessionStore } from './sessionStore';
import { sendSignIn, startSession } from './signInPage';

/** The browser's side of a pending round trip: a random token whose digest finds the state, nonce and verifier. */
const FLOW_COOKIE = 'ti_proconnect';
/** An agent who has not come back from the provider in this time starts again. */
const FLOW_MINUTES = 10;

interface FlowDocument extends PendingSignIn {
  _id: string;
  retour: string;
  expiresAt: Date;
}

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

const REFUSALS: Record<ProConnectRefusal | 'flow_unknown' | 'state_mismatch' | 'no_account', { status: number; text: string }> = {
  flow_unknown: { status: 400, text: 'La connexion avec ProConnect a expiré ou a été commencée dans un autre onglet : cliquez à nouveau sur « Se connecter avec ProConnect ».' },
  state_mismatch: { status: 400, text: 'La réponse de ProConnect ne correspond pas à votre demande de connexion : cliquez à nouveau sur « Se connecter avec ProConnect ».' },
  provider_error: { status: 401, text: 'La connexion avec ProConnect a été annulée ou refusée. Vous pouvez réessayer, ou vous connecter avec votre compte local.' },
  token_request_failed: { status: 502, text: 'ProConnect n’a pas confirmé votre connexion. Réessayez dans un instant, ou connectez-vous avec votre compte local.' },
  invalid_id_token: { status: 401, text: 'L’identité transmise par ProConnect n’a pas pu être vérifiée : la connexion est refusée. Réessayez ; si cela se reproduit, prévenez l’administrateur du service.' },
  nonce_mismatch: { status: 401, text: 'L’identité transmise par ProConnect n’a pas pu être vérifiée : la connexion est refusée. Réessayez ; si cela se reproduit, prévenez l’administrateur du service.' },
  userinfo_failed: { status: 502, text: 'ProConnect n’a pas transmis votre adresse électronique. Réessayez dans un instant, ou connectez-vous avec votre compte local.' },
  email_missing: { status: 401, text: 'ProConnect n’a pas transmis votre adresse électronique : la connexion est refusée.' },
  email_not_verified: {
    status: 401,
    text: 'Votre adresse électronique n’est pas vérifiée par ProConnect : la connexion est refusée. Faites-la vérifier auprès de votre fournisseur d’identité, puis réessayez.',
  },
  no_account: {
    status: 403,
    text: 'Aucun compte actif de l’espace d’instruction ne correspond à votre adresse électronique ProConnect. Demandez à l’administrateur du service dans votre préfecture de vous créer un compte avec cette adresse.',
  },
};

export interface ProConnectPageDependencies {
  client: ProConnectClient;
  accounts: StaffAccountRepository;
  sessions: SessionStore;
  policy: SessionPolicy;
  connection: Connection;
  logger: Logger;
  clock: () => Date;
}

export function createProConnectRoutes(deps: ProConnectPageDependencies): Router {
  const flows: Collection<FlowDocument> = deps.connection.collection<FlowDocument>('instruction_proconnect_flows');
  const router = Router();

  const refuse = (req: Request, res: Response, reason: keyof typeof REFUSALS, retour: string, details: Record<string, unknown> = {}): void => {
    deps.logger.warn({ reason, ip: req.ip, ...details }, 'Back-office: ProConnect sign-in refused');
    const { status, text } = REFUSALS[reason];
    sendSignIn(req, res, status, { retour, error: text }, true);
  };

  router.get('/proconnect', async (req, res) => {
    const retour = safeReturnPath(req.query.retour);
    let started: Awaited<ReturnType<ProConnectClient['start']>>;
    try {
      started = await deps.client.start();
    } catch (error) {
      deps.logger.error({ err: error }, 'Back-office: ProConnect discovery failed');
      sendSignIn(req, res, 503, { retour, error: 'ProConnect est momentanément indisponible. Réessayez dans un instant, ou connectez-vous avec votre compte local.' }, true);
      return;
    }
    const token = randomBytes(32).toString('base64url');
    const now = deps.clock();
    await flows.insertOne({ _id: digest(token), ...started.pending, retour, expiresAt: new Date(now.getTime() + FLOW_MINUTES * 60_000) });
    // Abandoned round trips are swept on each new one, so the collection never grows without bound.
    await flows.deleteMany({ expiresAt: { $lte: now } });
    setCookie(req, res, FLOW_COOKIE, token, FLOW_MINUTES * 60);
    res.redirect(303, started.url);
  });

  router.get('/proconnect/retour', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const token = cookiesOf(req)[FLOW_COOKIE];
    clearCookie(req, res, FLOW_COOKIE);
    // Each round trip is used once, whatever its outcome: a replayed answer finds nothing.
    const flow = token && /^[A-Za-z0-9_-]{43}$/.test(token) ? await flows.findOneAndDelete({ _id: digest(token) }) : null;
    if (!flow || flow.expiresAt <= deps.clock()) return refuse(req, res, 'flow_unknown', '/instruction/');
    if (!sameToken(query.state, flow.state)) return refuse(req, res, 'state_mismatch', flow.retour);
    if (typeof query.error === 'string') return refuse(req, res, 'provider_error', flow.retour, { providerError: query.error.slice(0, 100) });
    if (typeof query.code !== 'string' || query.code === '' || query.code.length > 2048) return refuse(req, res, 'provider_error', flow.retour, { providerError: 'no_code' });

    let result: Awaited<ReturnType<ProConnectClient['finish']>>;
    try {
      result = await deps.client.finish(query.code, flow);
    } catch (error) {
      deps.logger.error({ err: error }, 'Back-office: ProConnect unreachable');
      return refuse(req, res, 'token_request_failed', flow.retour);
    }
    if (!result.ok) return refuse(req, res, result.reason, flow.retour);
    const account = await deps.accounts.findActiveByEmail(result.email);
    // A revoked account and an unknown e-mail get the same answer: the page does not tell which accounts exist.
    if (!account) return refuse(req, res, 'no_account', flow.retour);
    await startSession(req, res, deps, account.id, 'oidc', result.idToken);
    deps.logger.info({ staffId: account.id, via: 'proconnect' }, 'Back-office: signed in');
    res.redirect(303, flow.retour);
  });

  return router;
}
