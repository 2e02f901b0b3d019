// Sign-in and sign-out of the back-office: local accounts (e-mail and password), ProConnect when configured.
import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { ProConnectClient } from '../auth/proConnect';
import type { Logger } from '../logger';
import type { StaffAccountRepository } from '../staff/staffRepository';
import { html } from './html';
import { renderPage } from './layout';
import { clearCookie, cookiesOf, openSessionCookie, safeReturnPath, sameToken, SESSION_COOKIE, setCookie, type SignedInAgent } from './sessionAuth';
import type { SessionPolicy, SessionStore } from './sessionStore';

/** The sign-in form's own CSRF token, before any session exists (double submit: cookie and field). */
const SIGN_IN_COOKIE = 'ti_connexion';
const SIGN_IN_COOKIE_SECONDS = 30 * 60;

export interface SignInDependencies {
  accounts: StaffAccountRepository;
  sessions: SessionStore;
  policy: SessionPolicy;
  logger: Logger;
  /** The ProConnect client when configured: the button is shown, and sign-out goes through the provider. */
  proConnect?: ProConnectClient;
}

export interface SignInView {
  retour: string;
  email?: string;
  error?: string;
  info?: string;
}

export function createSignInRoutes(deps: SignInDependencies): Router {
  const router = Router();

  router.get('/connexion', (req, res) => {
    if (res.locals.agent) {
      res.redirect(303, safeReturnPath(req.query.retour));
      return;
    }
    const info =
      req.query.expiree === '1'
        ? 'Votre session a expiré : reconnectez-vous pour continuer.'
        : req.query.deconnecte === '1'
          ? 'Vous êtes déconnecté.'
          : undefined;
    sendSignIn(req, res, 200, { retour: safeReturnPath(req.query.retour), ...(info ? { info } : {}) }, deps.proConnect !== undefined);
  });

  router.post(
    '/connexion',
    rateLimit({
      windowMs: 60_000,
      limit: 20,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      identifier: 'instruction-sign-in',
      handler: (req, res) => sendSignIn(req, res, 429, { retour: '/instruction/', error: 'Trop de tentatives de connexion : attendez une minute avant de réessayer.' }, deps.proConnect !== undefined),
    }),
    async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const retour = safeReturnPath(body.retour);
      const email = typeof body.email === 'string' ? body.email.trim().slice(0, 320) : '';
      const password = typeof body.password === 'string' ? body.password : '';
      if (!sameToken(body._csrf, cookiesOf(req)[SIGN_IN_COOKIE] ?? '')) {
        sendSignIn(req, res, 403, { retour, email, error: 'Le formulaire de connexion a expiré : saisissez à nouveau votre mot de passe.' }, deps.proConnect !== undefined);
        return;
      }
      if (!email || !password) {
        sendSignIn(req, res, 400, { retour, email, error: 'Saisissez votre adresse électronique et votre mot de passe.' }, deps.proConnect !== undefined);
        return;
      }
      const account = await deps.accounts.authenticatePassword(email, password);
      if (!account) {
        deps.logger.warn({ ip: req.ip }, 'Back-office: sign-in refused');
        sendSignIn(req, res, 401, { retour, email, error: 'Adresse électronique ou mot de passe incorrect.' }, deps.proConnect !== undefined);
        return;
      }
      await startSession(req, res, deps, account.id, 'password');
      deps.logger.info({ staffId: account.id }, 'Back-office: signed in');
      res.redirect(303, retour);
    },
  );

  router.post('/deconnexion', async (req, res) => {
    const token = cookiesOf(req)[SESSION_COOKIE];
    const idToken = (res.locals.agent as SignedInAgent | undefined)?.session.idToken;
    // Signing out needs no CSRF check to be safe: the worst a forged one does is sign the agent out.
    if (token) await deps.sessions.close(token);
    clearCookie(req, res, SESSION_COOKIE);
    // A ProConnect session is ended at the provider too, or the next click on the button signs in again at once.
    const atProvider = idToken && deps.proConnect ? await deps.proConnect.signOutUrl(idToken).catch(() => null) : null;
    res.redirect(303, atProvider ?? '/instruction/connexion?deconnecte=1');
  });

  return router;
}

/** The sign-in page, with a fresh token for its form; the ProConnect button when it is configured. */
export function sendSignIn(req: Request, res: Response, status: number, view: SignInView, proConnect: boolean): void {
    const csrf = randomBytes(32).toString('base64url');
    setCookie(req, res, SIGN_IN_COOKIE, csrf, SIGN_IN_COOKIE_SECONDS);
    res.status(status).type('html').send(
      renderPage({
        title: 'Connexion',
        ...(view.error ? { notice: { type: 'error' as const, text: view.error } } : view.info ? { notice: { type: 'info' as const, text: view.info } } : {}),
        body: html`<div class="fr-grid-row fr-grid-row--center">
  <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
    <h1>Connexion à l’espace d’instruction</h1>
    ${proConnect
      ? html`<div class="fr-connect-group">
      <a class="fr-connect" href="/instruction/proconnect?retour=${encodeURIComponent(view.retour)}"><span class="fr-connect__login">Se connecter avec</span> <span class="fr-connect__brand">ProConnect</span></a>
      <p><a href="https://www.proconnect.gouv.fr/" target="_blank" rel="noopener" title="Qu’est-ce que ProConnect ? — nouvelle fenêtre">Qu’est-ce que ProConnect ?</a></p>
    </div>
    <p class="fr-hr-or">ou</p>`
      : ''}
    <form method="post" action="/instruction/connexion" novalidate>
      <input type="hidden" name="_csrf" value="${csrf}">
      <input type="hidden" name="retour" value="${view.retour}">
      <fieldset class="fr-fieldset" aria-labelledby="ti-signin-legend">
        <legend class="fr-fieldset__legend" id="ti-signin-legend">Avec votre compte local</legend>
        <div class="fr-fieldset__element">
          <div class="fr-input-group">
            <label class="fr-label" for="email">Adresse électronique <span class="fr-hint-text">Format attendu : prenom.nom@prefecture.gouv.fr</span></label>
            <input class="fr-input" type="email" id="email" name="email" autocomplete="username" required value="${view.email ?? ''}">
          </div>
        </div>
        <div class="fr-fieldset__element">
          <div class="fr-password">
            <label class="fr-label" for="password">Mot de passe</label>
            <div class="fr-input-wrap">
              <input class="fr-password__input fr-input" type="password" id="password" name="password" autocomplete="current-password" required>
            </div>
          </div>
        </div>
        <div class="fr-fieldset__element">
          <button type="submit" class="fr-btn">Se connecter</button>
        </div>
      </fieldset>
    </form>
    <p class="fr-text--sm">Pas encore de compte ? Demandez-le à l’administrateur du service dans votre préfecture.</p>
  </div>
</div>`,
      }),
    );
}

/** Opens a session for this account and sets its cookie (after a password or a ProConnect sign-in). */
export async function startSession(
  req: Request,
  res: Response,
  deps: Pick<SignInDependencies, 'sessions' | 'policy'>,
  staffId: string,
  via: 'password' | 'oidc',
  idToken?: string,
): Promise<void> {
  const { token } = await deps.sessions.open(staffId, via, idToken);
  openSessionCookie(req, res, token, deps.policy);
  clearCookie(req, res, SIGN_IN_COOKIE);
}
