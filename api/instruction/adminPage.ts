// The administrators' pages: the agents' accounts, creating (inviting) one, changing its départements, revoking it.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { StaffAccountRepository } from '../staff/staffRepository';
import { StaffIdSchema, StaffRoleSchema, type StaffAccount } from '../staff/staffSchema';
import { formatDateTime, html, type SafeHtml } from './html';
import { renderPage } from './layout';
import type { SendMail } from './mailer';
import { agentOf } from './sessionAuth';
import type { SessionStore } from './sessionStore';

export interface AdminPageDependencies {
  accounts: StaffAccountRepository;
  sessions: SessionStore;
  logger: Logger;
  /** Sends the invitation to a new account's e-mail; the administrator tells the agent themselves when absent. */
  sendMail?: SendMail;
  /** Where the service is published, for the link in the invitation. */
  publicBaseUrl?: string;
}

/** Field → French message: what the form shows beside each field, the values typed staying in place. */
type FieldErrors = Partial<Record<'name' | 'email' | 'role' | 'departements', string>>;

interface CreateForm {
  name: string;
  email: string;
  role: string;
  departements: string;
}

const ROLE_LABELS = { instructeur: 'Instructeur', admin: 'Administrateur' } as const;

const NOTICES: Record<string, string> = {
  'compte-cree': 'Le compte est créé. L’agent se connecte avec ProConnect, à l’adresse électronique du compte.',
  'compte-cree-invite': 'Le compte est créé et l’agent a reçu une invitation par courriel. Il se connecte avec ProConnect, à l’adresse électronique du compte.',
  'departements-modifies': 'Les départements du compte sont modifiés : ils s’appliquent dès la page suivante de l’agent.',
  'compte-revoque': 'Le compte est révoqué : ses sessions sont fermées, sa clé d’API et sa connexion ProConnect sont refusées.',
  'role-modifie': 'Le rôle du compte est modifié : il s’applique dès la page suivante de l’agent.',
  'compte-reactive': 'Le compte est réactivé : l’agent peut de nouveau se connecter, et sa clé d’API est de nouveau acceptée.',
};

const MAX_FIELD = 320;

const requireAdmin: RequestHandler = (_req, res, next) => {
  if (agentOf(res).principal.role === 'admin') return next();
  next(new AppError('FORBIDDEN', { message: 'Cette page est réservée aux administrateurs du service.' }));
};

function field(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim().slice(0, MAX_FIELD) : '';
}

/** « 69, 01 2a » → ['69', '01', '2A']: agents type départements as they come. */
function departementsOf(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((code) => code.toUpperCase());
}

/** The repository's validation issues, in the page's words, on the page's fields. */
function fieldErrorsOf(issues: ReadonlyArray<{ path: string; message: string }>): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.split('.')[0];
    if (key === 'name') errors.name ??= issue.message;
    else if (key === 'email') errors.email ??= issue.message;
    else if (key === 'departements') {
      errors.departements ??= issue.message.startsWith('Un instructeur doit avoir') ? 'Un instructeur doit avoir au moins un département (par exemple : 69, 01).' : issue.message;
    }
  }
  return errors;
}

function noticeOf(req: Request): { notice?: { type: 'success'; text: string } } {
  const code = (req.query as Record<string, unknown>).info;
  const text = typeof code === 'string' ? NOTICES[code] : undefined;
  return text ? { notice: { type: 'success', text } } : {};
}

export function createAdminRoutes(deps: AdminPageDependencies): Router {
  const router = Router();
  router.use('/admin', requireAdmin);

  async function sendList(req: Request, res: Response, status: number, form?: CreateForm, errors: FieldErrors = {}): Promise<void> {
    const agent = agentOf(res);
    const accounts = await deps.accounts.list();
    const hasErrors = Object.keys(errors).length > 0;
    res
      .status(status)
      .type('html')
      .send(
        renderPage({
          title: 'Comptes des agents',
          agent: agent.page,
          ...(hasErrors ? { notice: { type: 'error' as const, text: 'Le compte n’est pas créé : corrigez les champs signalés ci-dessous.' } } : noticeOf(req)),
          body: html`<h1>Comptes des agents</h1>
<p class="fr-text--lead">Les agents de préfecture qui instruisent les dossiers, et les administrateurs du service.</p>
<div class="fr-table ti-table fr-mb-4w">
  <table>
    <caption>${accounts.length} compte${accounts.length > 1 ? 's' : ''}</caption>
    <thead><tr><th scope="col">Nom</th><th scope="col">Adresse électronique</th><th scope="col">Rôle</th><th scope="col">Départements</th><th scope="col">État</th><th scope="col">Dernière activité</th></tr></thead>
    <tbody>
      ${accounts.map((account) => accountRow(account))}
    </tbody>
  </table>
</div>
${createForm(agent.session.csrf, form, errors)}`,
        }),
      );
  }

  async function sendAccount(req: Request, res: Response, status: number, account: StaffAccount, typed?: string, error?: string): Promise<void> {
    const agent = agentOf(res);
    res
      .status(status)
      .type('html')
      .send(
        renderPage({
          title: `Compte de ${account.name}`,
          agent: agent.page,
          ...(error ? { notice: { type: 'error' as const, text: error } } : noticeOf(req)),
          body: accountPage(account, agent.session.csrf, agent.principal.id, typed, error),
        }),
      );
  }

  async function accountFrom(req: Request): Promise<StaffAccount> {
    const id = StaffIdSchema.safeParse(req.params.id);
    const account = id.success ? (await deps.accounts.list()).find((candidate) => candidate.id === id.data) : undefined;
    if (!account) throw new AppError('NOT_FOUND', { message: 'Ce compte est introuvable.' });
    return account;
  }

  router.get('/admin/comptes', async (req, res) => {
    await sendList(req, res, 200);
  });

  router.post('/admin/comptes', async (req, res) => {
    const form: CreateForm = { name: field(req, 'nom'), email: field(req, 'email'), role: field(req, 'role'), departements: field(req, 'departements') };
    const role = StaffRoleSchema.safeParse(form.role);
    const errors: FieldErrors = {};
    if (!form.name) errors.name = 'Indiquez le nom de l’agent.';
    if (!form.email) errors.email = 'Indiquez l’adresse électronique de l’agent : c’est elle qui le relie à ProConnect.';
    if (!role.success) errors.role = 'Choisissez le rôle du compte.';
    if (role.success && role.data === 'instructeur' && departementsOf(form.departements).length === 0) errors.departements = 'Un instructeur doit avoir au moins un département (par exemple : 69, 01).';
    if (Object.keys(errors).length > 0 || !role.success) return sendList(req, res, 400, form, errors);

    const created = await deps.accounts.create({ name: form.name, email: form.email, role: role.data, departements: departementsOf(form.departements) });
    if (!created.ok) {
      const found = created.code === 'email_taken' ? { email: 'Un compte actif utilise déjà cette adresse électronique.' } : fieldErrorsOf(created.issues);
      return sendList(req, res, 400, form, Object.keys(found).length > 0 ? found : { name: 'Le compte n’a pas pu être créé avec ces informations.' });
    }
    const admin = agentOf(res).principal;
    deps.logger.info({ staffId: created.account.id, by: admin.id, role: created.account.role }, 'Back-office: staff account created');
    const invited = await invite(created.account, admin.name);
    res.redirect(303, `/instruction/admin/comptes/${created.account.id}?info=${invited ? 'compte-cree-invite' : 'compte-cree'}`);
  });

  router.get('/admin/comptes/:id', async (req, res) => {
    await sendAccount(req, res, 200, await accountFrom(req));
  });

  router.post('/admin/comptes/:id/departements', async (req, res) => {
    const account = await accountFrom(req);
    const typed = field(req, 'departements');
    if (account.revokedAt) return sendAccount(req, res, 409, account, typed, 'Ce compte est révoqué : ses départements ne peuvent plus être modifiés.');
    const changed = await deps.accounts.setDepartements(account.id, departementsOf(typed));
    if (!changed.ok) {
      const message = changed.code === 'invalid' ? (fieldErrorsOf(changed.issues).departements ?? 'Ces départements ne sont pas valides.') : 'Ce compte n’est plus actif.';
      return sendAccount(req, res, 400, account, typed, message);
    }
    deps.logger.info({ staffId: account.id, by: agentOf(res).principal.id, departements: changed.account.departements }, 'Back-office: staff départements changed');
    res.redirect(303, `/instruction/admin/comptes/${account.id}?info=departements-modifies`);
  });

  router.post('/admin/comptes/:id/role', async (req, res) => {
    const account = await accountFrom(req);
    const admin = agentOf(res).principal;
    const typed = field(req, 'departements');
    const role = StaffRoleSchema.safeParse(field(req, 'role'));
    if (account.revokedAt) return sendAccount(req, res, 409, account, undefined, 'Ce compte est révoqué : réactivez-le avant de changer son rôle.');
    // An administrator who demoted themselves could leave the service with no administrator at all.
    if (account.id === admin.id) return sendAccount(req, res, 400, account, undefined, 'Vous ne pouvez pas changer votre propre rôle : demandez-le à un autre administrateur.');
    if (!role.success) return sendAccount(req, res, 400, account, undefined, 'Choisissez le rôle du compte. Rien n’a été modifié.');
    if (role.data === 'instructeur' && departementsOf(typed).length === 0) {
      return sendAccount(req, res, 400, account, undefined, 'Un instructeur doit avoir au moins un département (par exemple : 69, 01). Rien n’a été modifié.');
    }
    const changed = await deps.accounts.setRole(account.id, role.data, departementsOf(typed));
    if (!changed.ok) {
      const message = changed.code === 'invalid' ? (fieldErrorsOf(changed.issues).departements ?? 'Ces départements ne sont pas valides.') : 'Ce compte n’est plus actif.';
      return sendAccount(req, res, 400, account, undefined, `${message} Rien n’a été modifié.`);
    }
    deps.logger.info({ staffId: account.id, by: admin.id, role: changed.account.role, departements: changed.account.departements }, 'Back-office: staff role changed');
    res.redirect(303, `/instruction/admin/comptes/${account.id}?info=role-modifie`);
  });

  router.post('/admin/comptes/:id/reactivation', async (req, res) => {
    const account = await accountFrom(req);
    if (!account.revokedAt) return sendAccount(req, res, 409, account, undefined, 'Ce compte est déjà actif.');
    await deps.accounts.reactivate(account.id);
    deps.logger.info({ staffId: account.id, by: agentOf(res).principal.id }, 'Back-office: staff account reactivated');
    res.redirect(303, `/instruction/admin/comptes/${account.id}?info=compte-reactive`);
  });

  router.post('/admin/comptes/:id/revocation', async (req, res) => {
    const account = await accountFrom(req);
    const admin = agentOf(res).principal;
    // An administrator who revoked themselves could leave the service with no administrator at all.
    if (account.id === admin.id) return sendAccount(req, res, 400, account, undefined, 'Vous ne pouvez pas révoquer votre propre compte : demandez-le à un autre administrateur.');
    await deps.accounts.revoke(account.id);
    await deps.sessions.closeAllOf(account.id);
    deps.logger.info({ staffId: account.id, by: admin.id }, 'Back-office: staff account revoked');
    res.redirect(303, `/instruction/admin/comptes/${account.id}?info=compte-revoque`);
  });

  async function invite(account: StaffAccount, by: string): Promise<boolean> {
    if (!deps.sendMail || !account.email) return false;
    const link = deps.publicBaseUrl ? `\n\nConnectez-vous ici : ${deps.publicBaseUrl.replace(/\/+$/, '')}/instruction/` : '';
    try {
      await deps.sendMail({
        to: [account.email],
        subject: 'Votre accès à l’espace d’instruction Territoires d’intégration',
        text: `Bonjour ${account.name},\n\n${by} vous a ouvert un compte ${account.role === 'admin' ? 'd’administrateur' : `d’instructeur (départements ${account.departements.join(', ')})`} sur l’espace d’instruction des dossiers Territoires d’intégration.\n\nConnectez-vous avec ProConnect, avec cette adresse électronique.${link}\n\n— Instruction des dossiers Territoires d’intégration (message automatique)`,
      });
      return true;
    } catch (error) {
      // The account exists all the same: the administrator is told no invitation went out.
      deps.logger.warn({ err: error, staffId: account.id }, 'Back-office: invitation e-mail not sent');
      return false;
    }
  }

  return router;
}

function stateBadge(account: StaffAccount): SafeHtml {
  return account.revokedAt
    ? html`<p class="fr-badge fr-badge--sm fr-badge--error">Révoqué</p>`
    : html`<p class="fr-badge fr-badge--sm fr-badge--success">Actif</p>`;
}

function departementsText(account: StaffAccount): string {
  return account.role === 'admin' ? 'Tous' : account.departements.join(', ');
}

function accountRow(account: StaffAccount): SafeHtml {
  return html`<tr>
  <td><a href="/instruction/admin/comptes/${account.id}">${account.name}</a></td>
  <td>${account.email ?? '—'}</td>
  <td>${ROLE_LABELS[account.role]}</td>
  <td>${departementsText(account)}</td>
  <td>${stateBadge(account)}</td>
  <td>${account.lastUsedAt ? formatDateTime(account.lastUsedAt) : 'Jamais'}</td>
</tr>`;
}

function errorOf(errors: FieldErrors, name: keyof FieldErrors): SafeHtml | '' {
  const text = errors[name];
  return text ? html`<p class="fr-error-text" id="${name}-error">${text}</p>` : '';
}

function describedBy(errors: FieldErrors, name: keyof FieldErrors, hint?: string): SafeHtml | '' {
  const ids = [hint, errors[name] ? `${name}-error` : undefined].filter(Boolean).join(' ');
  return ids ? html` aria-describedby="${ids}"` : '';
}

function createForm(csrf: string, form: CreateForm | undefined, errors: FieldErrors): SafeHtml {
  const values = form ?? { name: '', email: '', role: 'instructeur', departements: '' };
  const group = (name: keyof FieldErrors): string => (errors[name] ? ' fr-input-group--error' : '');
  return html`<section class="ti-card" aria-labelledby="creer-compte">
  <h2 id="creer-compte">Créer un compte</h2>
  <p>L’agent se connecte ensuite avec ProConnect, à l’adresse électronique indiquée ; il reçoit une invitation par courriel quand l’envoi de courriels est configuré.</p>
  <form method="post" action="/instruction/admin/comptes" novalidate>
    <input type="hidden" name="_csrf" value="${csrf}">
    <div class="fr-input-group${group('name')}">
      <label class="fr-label" for="nom">Nom et prénom</label>
      <input class="fr-input" id="nom" name="nom" autocomplete="off" maxlength="200" value="${values.name}"${describedBy(errors, 'name')}>
      ${errorOf(errors, 'name')}
    </div>
    <div class="fr-input-group${group('email')}">
      <label class="fr-label" for="email">Adresse électronique <span class="fr-hint-text" id="email-hint">Celle de son compte ProConnect, par exemple prenom.nom@rhone.gouv.fr</span></label>
      <input class="fr-input" type="email" id="email" name="email" autocomplete="off" maxlength="320" value="${values.email}"${describedBy(errors, 'email', 'email-hint')}>
      ${errorOf(errors, 'email')}
    </div>
    <fieldset class="fr-fieldset${errors.role ? ' fr-fieldset--error' : ''}" id="role" aria-labelledby="role-legend${errors.role ? ' role-error' : ''}">
      <legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="role-legend">Rôle</legend>
      ${(['instructeur', 'admin'] as const).map(
        (role) => html`<div class="fr-fieldset__element"><div class="fr-radio-group">
        <input type="radio" id="role-${role}" name="role" value="${role}"${values.role === role ? html` checked` : ''}>
        <label class="fr-label" for="role-${role}">${ROLE_LABELS[role]}${role === 'admin' ? html` <span class="fr-hint-text">Voit tous les départements et gère les comptes.</span>` : html` <span class="fr-hint-text">Instruit les dossiers de ses départements.</span>`}</label>
      </div></div>`,
      )}
      <div class="fr-messages-group" aria-live="polite">${errors.role ? html`<p class="fr-message fr-message--error" id="role-error">${errors.role}</p>` : ''}</div>
    </fieldset>
    <div class="fr-input-group${group('departements')}">
      <label class="fr-label" for="departements">Départements <span class="fr-hint-text" id="departements-hint">Ceux d’un instructeur, séparés par des virgules, par exemple : 69, 01. Sans objet pour un administrateur.</span></label>
      <input class="fr-input" id="departements" name="departements" autocomplete="off" maxlength="320" value="${values.departements}"${describedBy(errors, 'departements', 'departements-hint')}>
      ${errorOf(errors, 'departements')}
    </div>
    <button type="submit" class="fr-btn">Créer le compte</button>
  </form>
</section>`;
}

function accountPage(account: StaffAccount, csrf: string, selfId: string, typed: string | undefined, error: string | undefined): SafeHtml {
  const active = !account.revokedAt;
  return html`<nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
  <ol class="fr-breadcrumb__list">
    <li><a class="fr-breadcrumb__link" href="/instruction/admin/comptes">Comptes des agents</a></li>
    <li><a class="fr-breadcrumb__link" aria-current="page">${account.name}</a></li>
  </ol>
</nav>
<h1>${account.name}</h1>
${stateBadge(account)}
<dl class="ti-dl fr-mt-3w">
  <dt>Adresse électronique</dt><dd>${account.email ?? 'aucune (clé d’API seulement)'}</dd>
  <dt>Rôle</dt><dd>${ROLE_LABELS[account.role]}</dd>
  <dt>Départements</dt><dd>${departementsText(account)}</dd>
  <dt>Créé le</dt><dd>${formatDateTime(account.createdAt)}</dd>
  <dt>Dernière activité</dt><dd>${account.lastUsedAt ? formatDateTime(account.lastUsedAt) : 'Jamais'}</dd>
  ${account.revokedAt ? html`<dt>Révoqué le</dt><dd>${formatDateTime(account.revokedAt)}</dd>` : ''}
</dl>
${active && account.role === 'instructeur'
  ? html`<section class="ti-card" aria-labelledby="changer-departements">
  <h2 id="changer-departements">Départements</h2>
  <form method="post" action="/instruction/admin/comptes/${account.id}/departements" novalidate>
    <input type="hidden" name="_csrf" value="${csrf}">
    <div class="fr-input-group${error && typed !== undefined ? ' fr-input-group--error' : ''}">
      <label class="fr-label" for="departements">Départements de l’agent <span class="fr-hint-text" id="departements-hint">Séparés par des virgules, par exemple : 69, 01</span></label>
      <input class="fr-input" id="departements" name="departements" autocomplete="off" maxlength="320" value="${typed ?? account.departements.join(', ')}" aria-describedby="departements-hint${error && typed !== undefined ? ' departements-error' : ''}">
      ${error && typed !== undefined ? html`<p class="fr-error-text" id="departements-error">${error}</p>` : ''}
    </div>
    <button type="submit" class="fr-btn fr-btn--secondary">Enregistrer les départements</button>
  </form>
</section>`
  : ''}
${active && account.id !== selfId
  ? html`<section class="ti-card" aria-labelledby="changer-role">
  <h2 id="changer-role">Rôle</h2>
  <form method="post" action="/instruction/admin/comptes/${account.id}/role" novalidate>
    <input type="hidden" name="_csrf" value="${csrf}">
    <fieldset class="fr-fieldset" id="nouveau-role" aria-labelledby="nouveau-role-legend">
      <legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="nouveau-role-legend">Rôle du compte</legend>
      ${(['instructeur', 'admin'] as const).map(
        (role) => html`<div class="fr-fieldset__element"><div class="fr-radio-group">
        <input type="radio" id="nouveau-role-${role}" name="role" value="${role}"${account.role === role ? html` checked` : ''}>
        <label class="fr-label" for="nouveau-role-${role}">${ROLE_LABELS[role]}${role === 'admin' ? html` <span class="fr-hint-text">Voit tous les départements et gère les comptes.</span>` : html` <span class="fr-hint-text">Instruit les dossiers de ses départements.</span>`}</label>
      </div></div>`,
      )}
    </fieldset>
    <div class="fr-input-group">
      <label class="fr-label" for="role-departements">Départements de l’instructeur <span class="fr-hint-text" id="role-departements-hint">Séparés par des virgules, par exemple : 69, 01. Sans objet pour un administrateur.</span></label>
      <input class="fr-input" id="role-departements" name="departements" autocomplete="off" maxlength="320" value="${account.departements.join(', ')}" aria-describedby="role-departements-hint">
    </div>
    <button type="submit" class="fr-btn fr-btn--secondary">Changer le rôle</button>
  </form>
</section>`
  : ''}
${active
  ? ''
  : html`<section class="ti-card" aria-labelledby="reactiver">
  <h2 id="reactiver">Réactiver le compte</h2>
  <p>L’agent peut de nouveau se connecter (mot de passe ou ProConnect), et sa clé d’API, s’il en a une, est de nouveau acceptée.</p>
  <form method="post" action="/instruction/admin/comptes/${account.id}/reactivation">
    <input type="hidden" name="_csrf" value="${csrf}">
    <button type="submit" class="fr-btn fr-btn--secondary">Réactiver le compte de ${account.name}</button>
  </form>
</section>`}
${active && account.id !== selfId
  ? html`<section class="ti-card" aria-labelledby="revoquer">
  <h2 id="revoquer">Révoquer le compte</h2>
  <p>L’agent est déconnecté aussitôt ; sa clé d’API et sa connexion ProConnect sont refusées. Le compte reste dans l’historique des dossiers.</p>
  <form method="post" action="/instruction/admin/comptes/${account.id}/revocation">
    <input type="hidden" name="_csrf" value="${csrf}">
    <button type="submit" class="fr-btn fr-btn--tertiary ti-btn--danger">Révoquer le compte de ${account.name}</button>
  </form>
</section>`
  : ''}
<p><a class="fr-link" href="/instruction/admin/comptes">Retour aux comptes des agents</a></p>`;
}
