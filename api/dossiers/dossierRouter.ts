// The prefecture staff API under /api/dossiers: authenticated, rate-limited, validated at the edge.
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { DossierRepository } from '../../dossiers/dossierRepository';
import type { OidcVerifier } from '../auth/oidcVerifier';
import { authenticateStaff, staffOf } from '../auth/staffAuth';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { OwnerNotifier } from '../../bot/notifications';
import { MessageService } from '../instruction/messageService';
import { createStaffExchangeRoutes } from '../staff/staffExchangeRoutes';
import type { StaffAccountRepository } from '../staff/staffRepository';
import { parseRequest } from '../validation';
import { CsvExportQuerySchema, DossierFiltersSchema, DossierListQuerySchema, NoteBodySchema, TransitionBodySchema } from './dossierApiSchemas';
import { dossierToPdf } from './dossierExports';
import { DossierService, type StatusChangeListener } from './dossierService';
import { ExportSlots } from './exportSlots';
import { ListExporter } from './listExport';

export interface StaffApiDependencies {
  dossiers: DossierRepository;
  staffAccounts: StaffAccountRepository;
  /** Present when OIDC_ISSUER and OIDC_AUDIENCE are set. */
  oidc?: OidcVerifier;
  rateLimit: { perIpPerMinute: number; perKeyPerMinute: number };
  /** Told of every status change after it is stored (webhook, chat notification); never awaited by the request. */
  onStatusChange?: StatusChangeListener | readonly StatusChangeListener[];
  /** Delivers the prefecture's messages in the applicant's chat. */
  notifyOwner?: OwnerNotifier;
  /** List exports one staff account may run at once (STAFF_EXPORTS_PER_KEY, 2 by default); more get a 429. */
  exportsPerStaff?: number;
  /** The running exports, shared with the back-office's so that the cap counts both (made from exportsPerStaff when absent). */
  exportSlots?: ExportSlots;
  clock?: () => Date;
}

const BODY_LIMIT = '64kb';
const MINUTE_MS = 60_000;

/** JSON answers only: nothing here is ever rendered, framed or cached. */
export const apiHelmet: RequestHandler = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
});

export function createDossierRouter(deps: StaffApiDependencies, logger: Logger): Router {
  const log = logger.child({ component: 'staff-api' });
  const service = new DossierService(deps.dossiers, log, deps.onStatusChange);
  const clock = deps.clock ?? (() => new Date());
  const exporter = new ListExporter(service, deps.exportSlots ?? new ExportSlots(deps.exportsPerStaff), clock, log);
  const router = Router();

  router.use(
    '/api/dossiers',
    apiHelmet,
    noStore,
    rateLimit({
      windowMs: MINUTE_MS,
      limit: deps.rateLimit.perIpPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      identifier: 'per-ip',
      handler: (_req, _res, next) => next(new AppError('TOO_MANY_REQUESTS')),
    }),
    authenticateStaff({ accounts: deps.staffAccounts, ...(deps.oidc ? { oidc: deps.oidc } : {}), logger: log }),
    rateLimit({
      windowMs: MINUTE_MS,
      limit: deps.rateLimit.perKeyPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      identifier: 'per-staff',
      keyGenerator: (req) => `staff:${staffOf(req).id}`,
      handler: (req, _res, next) => {
        log.warn({ staffId: staffOf(req).id }, 'Staff API: rate limit reached');
        next(new AppError('TOO_MANY_REQUESTS'));
      },
    }),
  );

  router.get('/api/dossiers', async (req, res) => {
    const query = parseRequest(DossierListQuerySchema, req.query);
    res.json(await service.list(staffOf(req), query));
  });

  router.get('/api/dossiers/export.csv', (req, res) => {
    const { detail, ...filters } = parseRequest(CsvExportQuerySchema, req.query);
    return exporter.csv(res, staffOf(req), filters, detail === 'actions' ? 'actions' : 'dossiers');
  });

  router.get('/api/dossiers/export.xlsx', (req, res) => exporter.xlsx(res, staffOf(req), parseRequest(DossierFiltersSchema, req.query)));

  router.get('/api/dossiers/:reference.pdf', async (req, res) => {
    parseRequest(NO_QUERY, req.query);
    const dossier = await service.find(staffOf(req), req.params.reference);
    sendFile(res, await dossierToPdf(dossier, clock()), 'application/pdf', `${dossier.reference}.pdf`, 'inline');
  });

  router.get('/api/dossiers/:reference', async (req, res) => {
    parseRequest(NO_QUERY, req.query);
    const detail = await service.detail(staffOf(req), req.params.reference);
    res.setHeader('ETag', etagOf(detail.version));
    res.json(detail);
  });

  router.post('/api/dossiers/:reference/transitions', express.json({ limit: BODY_LIMIT }), async (req, res) => {
    const body = parseRequest(TransitionBodySchema, jsonBodyOf(req));
    const expectedVersion = ifMatchVersion(req);
    const detail = await service.transition(staffOf(req), req.params.reference, expectedVersion, body);
    res.setHeader('ETag', etagOf(detail.version));
    res.json(detail);
  });

  router.post('/api/dossiers/:reference/notes', express.json({ limit: BODY_LIMIT }), async (req, res) => {
    const { text } = parseRequest(NoteBodySchema, jsonBodyOf(req));
    res.status(201).json(await service.addNote(staffOf(req), req.params.reference, text));
  });

  router.use(createStaffExchangeRoutes({ service, messages: new MessageService({ repository: deps.dossiers, notifyOwner: deps.notifyOwner, logger: log, clock }) }));

  return router;
}

const NO_QUERY = DossierFiltersSchema.pick({});

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/** A body that express.json did not read was not sent as JSON. */
function jsonBodyOf(req: Request): unknown {
  if (!req.is('application/json')) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  return req.body;
}

function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * The version a write is based on. Missing: 428 Precondition Required (RFC 6585), since a write
 * without it could silently overwrite someone else's decision. Accepts `"3"`, `W/"3"` or `3`.
 */
function ifMatchVersion(req: Request): number {
  const header = req.headers['if-match'];
  if (header === undefined || header.trim() === '') throw new AppError('PRECONDITION_REQUIRED');
  const match = /^\s*(?:W\/)?"?([1-9]\d{0,8})"?\s*$/.exec(header);
  if (!match?.[1]) throw new AppError('INVALID_IF_MATCH');
  return Number(match[1]);
}

function sendFile(res: Response, content: Buffer, type: string, filename: string, disposition: 'attachment' | 'inline' = 'attachment'): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `${disposition}; filename="${filename}"`);
  res.send(content);
}
