// The prefecture staff API under /api/dossiers: authenticated, rate-limited, validated at the edge.
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { DossierExportRow, DossierRepository } from '../../dossiers/dossierRepository';
import type { OidcVerifier } from '../auth/oidcVerifier';
import { authenticateStaff, staffOf } from '../auth/staffAuth';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { OwnerNotifier } from '../../bot/notifications';
import { MessageService } from '../instruction/messageService';
import { createStaffExchangeRoutes } from '../staff/staffExchangeRoutes';
import type { StaffAccountRepository } from '../staff/staffRepository';
import { parseRequest } from '../validation';
import { CsvExportQuerySchema, DossierFiltersSchema, DossierListQuerySchema, NoteBodySchema, TransitionBodySchema, type DossierFilters } from './dossierApiSchemas';
import { dossierToPdf, writeCsvExport, writeXlsxExport } from './dossierExports';
import { DossierService, type StatusChangeListener } from './dossierService';
import { EXPORT_RETRY_AFTER_SECONDS, ExportSlots } from './exportSlots';

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
  const exportSlots = new ExportSlots(deps.exportsPerStaff);
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

  /**
   * A list export, streamed: the slot is taken before the first read and freed when the response is
   * over, whether finished or abandoned by the client. The first batch is read before the headers go,
   * so that a database failure then is still a proper error answer.
   */
  const streamExport = async (
    req: Request,
    res: Response,
    filters: DossierFilters,
    type: string,
    filename: string,
    write: (batches: AsyncIterable<readonly DossierExportRow[]>, again: () => AsyncIterable<readonly DossierExportRow[]>) => Promise<void>,
  ): Promise<void> => {
    const staff = staffOf(req);
    let release: () => void;
    try {
      release = exportSlots.acquire(staff.id);
    } catch (error) {
      res.setHeader('Retry-After', String(EXPORT_RETRY_AFTER_SECONDS));
      log.warn({ staffId: staff.id }, 'Staff API: export refused, too many running for this account');
      throw error;
    }
    res.once('close', release);
    try {
      const batches = service.exportBatches(staff, filters);
      const first = await batches.next();
      const all = async function* (): AsyncGenerator<DossierExportRow[]> {
        if (first.done) return;
        yield first.value;
        yield* batches;
      };
      res.setHeader('Content-Type', type);
      res.setHeader('Content-Disposition', `attachment; filename="${filename}-${fileDate(clock())}.${extension(type)}"`);
      await write(all(), () => service.exportBatches(staff, filters));
    } catch (error) {
      release();
      if (!res.headersSent) throw error;
      // Too late for an error answer: the client sees a cut download rather than a complete-looking file.
      log.warn({ err: error, staffId: staff.id }, 'Staff API: export interrupted');
      res.destroy();
    }
  };

  router.get('/api/dossiers/export.csv', (req, res) => {
    const { detail, ...filters } = parseRequest(CsvExportQuerySchema, req.query);
    const rows = detail === 'actions' ? 'actions' : 'dossiers';
    return streamExport(req, res, filters, CSV_TYPE, rows, (batches) => writeCsvExport(batches, res, rows));
  });

  router.get('/api/dossiers/export.xlsx', (req, res) =>
    streamExport(req, res, parseRequest(DossierFiltersSchema, req.query), XLSX_TYPE, 'dossiers', (batches, again) => writeXlsxExport(batches, again, clock(), res)),
  );

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

const CSV_TYPE = 'text/csv; charset=utf-8';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function extension(type: string): string {
  return type === XLSX_TYPE ? 'xlsx' : 'csv';
}

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

function fileDate(date: Date): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(date);
}
