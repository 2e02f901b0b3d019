// The prefecture back-office under /instruction/: server-rendered DSFR pages, forms only, no script.
import path from 'node:path';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Connection } from 'mongoose';
import { ProConnectClient, type ProConnectSettings } from '../auth/proConnect';
import type { DossierAttachments } from '../../dossiers/attachments/dossierAttachments';
import type { DossierRepository } from '../../dossiers/dossierRepository';
import { isDatabaseUnavailable } from '../../dossiers/databaseErrors';
import { DossierService, type StatusChangeListener } from '../dossiers/dossierService';
import type { ExportSlots } from '../dossiers/exportSlots';
import { ListExporter } from '../dossiers/listExport';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { StaffAccountRepository } from '../staff/staffRepository';
import { html } from './html';
import { renderPage } from './layout';
import { createListRoutes } from './listPage';
import { createDossierRoutes } from './dossierPage';
import { createAdminRoutes } from './adminPage';
import { createSmtpSender, type MailSettings } from './mailer';
import { MessageService } from './messageService';
import type { OwnerNotifier } from '../../bot/notifications';
import { loadAgent, requireAgent, verifyCsrf, type SignedInAgent } from './sessionAuth';
import { DEFAULT_SESSION_POLICY, SessionStore, type SessionPolicy } from './sessionStore';
import { createProConnectRoutes } from './proConnectPage';
import { createSignInRoutes } from './signInPage';

/** What the server's configuration decides about the back-office. */
export interface InstructionOptions {
  session?: Partial<SessionPolicy>;
  /** SMTP settings: agents are told of new dossiers and messages by e-mail; off when absent. */
  mail?: MailSettings;
  /** Where the service is published, for the links in e-mails. */
  publicBaseUrl?: string;
  /** Writes to the applicant in their chat (the bot's proactive messages). */
  notifyOwner?: OwnerNotifier;
  /** ProConnect sign-in; only local accounts when absent. */
  proConnect?: ProConnectSettings;
}

/** The list exports' limits, those of the staff API: the same running slots per account, the same per-minute limit. */
interface InstructionExportLimits {
  slots: ExportSlots;
  perMinute: number;
}

export interface InstructionDependencies extends InstructionOptions {
  dossiers: DossierRepository;
  staffAccounts: StaffAccountRepository;
  connection: Connection;
  logger: Logger;
  /** The dossiers' documents: listed on the dossier page, downloaded with the session. */
  attachments?: DossierAttachments;
  onStatusChange?: StatusChangeListener | readonly StatusChangeListener[];
  clock?: () => Date;
  exports: InstructionExportLimits;
}

const FORM_LIMIT = '64kb';

/** Our origin only, no script at all, no framing: the pages are plain forms. */
const pageSecurity = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'none'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'"],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    },
  },
  referrerPolicy: { policy: 'same-origin' },
});

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

export function createInstructionRouter(deps: InstructionDependencies): Router {
  const logger = deps.logger.child({ component: 'instruction' });
  const clock = deps.clock ?? (() => new Date());
  const policy: SessionPolicy = { ...DEFAULT_SESSION_POLICY, ...deps.session };
  const sessions = new SessionStore(deps.connection, policy, clock);
  const service = new DossierService(deps.dossiers, logger, deps.onStatusChange);

  const router = Router();
  router.use('/instruction/assets', express.static(path.join(__dirname, 'public'), { index: false, redirect: false, maxAge: '1h' }));
  router.use('/instruction', pageSecurity, noStore, express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 200 }));
  router.use('/instruction', loadAgent({ sessions, accounts: deps.staffAccounts }));
  const proConnect = deps.proConnect ? new ProConnectClient(deps.proConnect) : undefined;
  router.use('/instruction', createSignInRoutes({ accounts: deps.staffAccounts, sessions, policy, logger, ...(proConnect ? { proConnect } : {}) }));
  if (proConnect) {
    router.use('/instruction', createProConnectRoutes({ client: proConnect, accounts: deps.staffAccounts, sessions, policy, connection: deps.connection, logger, clock }));
  }
  router.use('/instruction', requireAgent, verifyCsrf);
  router.use('/instruction', createListRoutes({ service, exporter: new ListExporter(service, deps.exports.slots, clock, logger), exportsPerMinute: deps.exports.perMinute }));
  router.use(
    '/instruction',
    createAdminRoutes({
      accounts: deps.staffAccounts,
      sessions,
      logger,
      ...(deps.mail ? { sendMail: createSmtpSender(deps.mail) } : {}),
      ...(deps.publicBaseUrl ? { publicBaseUrl: deps.publicBaseUrl } : {}),
    }),
  );
  router.use('/instruction', createDossierRoutes({ service, messages: new MessageService({ repository: deps.dossiers, notifyOwner: deps.notifyOwner, logger, clock }), clock, ...(deps.attachments ? { attachments: deps.attachments } : {}) }));
  router.use('/instruction', (req, _res, next) => next(new AppError('ROUTE_NOT_FOUND', { details: { path: req.path } })));
  router.use('/instruction', errorPage(logger));
  return router;
}

/** Errors become a French page in the frame, never JSON: the agent keeps the header and a way back. */
function errorPage(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const appError =
      error instanceof AppError
        ? error
        : isDatabaseUnavailable(error)
          ? new AppError('DATABASE_UNAVAILABLE', { cause: error })
          : (error as { type?: unknown } | null)?.type === 'entity.too.large'
            ? new AppError('PAYLOAD_TOO_LARGE', { message: 'Le texte envoyé est trop long : raccourcissez-le.' })
            : new AppError('INTERNAL', { cause: error });
    if (appError.status >= 500 && appError.code !== 'DATABASE_UNAVAILABLE') logger.error({ err: error, path: req.path }, 'Back-office: unexpected error');
    res.locals.errorCode = appError.code;
    const agent = res.locals.agent as SignedInAgent | undefined;
    const title = appError.status === 404 ? 'Page introuvable' : appError.status === 403 ? 'Accès refusé' : 'Une erreur est survenue';
    res
      .status(appError.status)
      .type('html')
      .send(
        renderPage({
          title,
          ...(agent ? { agent: agent.page } : {}),
          body: html`<h1>${title}</h1>
<p class="fr-text--lead">${appError.userMessage}</p>
<ul class="fr-btns-group fr-btns-group--inline"><li><a class="fr-btn" href="/instruction/">Retour à la liste des dossiers</a></li></ul>`,
        }),
      );
  };
}
