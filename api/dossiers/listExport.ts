// The list exports (CSV, XLSX) as one streamed download, shared by the staff API (/api/dossiers/export.*)
// and the back-office (/instruction/export.*): the same scope, the same per-account slots, the same files.
import type { Response } from 'express';
import type { DossierExportRow } from '../../dossiers/dossierRepository';
import type { Logger } from '../logger';
import type { StaffPrincipal } from '../staff/staffSchema';
import { writeCsvExport, writeXlsxExport } from './dossierExports';
import type { DossierService, PageFilters } from './dossierService';
import { EXPORT_RETRY_AFTER_SECONDS, type ExportSlots } from './exportSlots';

type Batches = AsyncIterable<readonly DossierExportRow[]>;

const CSV_TYPE = 'text/csv; charset=utf-8';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export class ListExporter {
  constructor(
    private readonly service: DossierService,
    private readonly slots: ExportSlots,
    private readonly clock: () => Date,
    private readonly log: Logger,
  ) {}

  /** The CSV: one row per dossier, or with `actions` one row per action. */
  csv(res: Response, staff: StaffPrincipal, filters: PageFilters, detail: 'dossiers' | 'actions'): Promise<void> {
    return this.stream(res, staff, filters, CSV_TYPE, detail, 'csv', (batches) => writeCsvExport(batches, res, detail));
  }

  /** The XLSX: a « Dossiers » sheet then an « Actions » sheet. */
  xlsx(res: Response, staff: StaffPrincipal, filters: PageFilters): Promise<void> {
    return this.stream(res, staff, filters, XLSX_TYPE, 'dossiers', 'xlsx', (batches, again) => writeXlsxExport(batches, again, this.clock(), res));
  }

  /**
   * A list export, streamed: the slot is taken before the first read and freed when the response is
   * over, whether finished or abandoned by the client. The first batch is read before the headers go,
   * so that a database failure then is still a proper error answer.
   */
  private async stream(
    res: Response,
    staff: StaffPrincipal,
    filters: PageFilters,
    type: string,
    filename: string,
    extension: string,
    write: (batches: Batches, again: () => Batches) => Promise<void>,
  ): Promise<void> {
    let release: () => void;
    try {
      release = this.slots.acquire(staff.id);
    } catch (error) {
      res.setHeader('Retry-After', String(EXPORT_RETRY_AFTER_SECONDS));
      this.log.warn({ staffId: staff.id }, 'Export refused, too many running for this account');
      throw error;
    }
    res.once('close', release);
    try {
      const batches = this.service.exportBatches(staff, filters);
      const first = await batches.next();
      const all = async function* (): AsyncGenerator<DossierExportRow[]> {
        if (first.done) return;
        yield first.value;
        yield* batches;
      };
      res.setHeader('Content-Type', type);
      res.setHeader('Content-Disposition', `attachment; filename="${filename}-${fileDate(this.clock())}.${extension}"`);
      await write(all(), () => this.service.exportBatches(staff, filters));
    } catch (error) {
      release();
      if (!res.headersSent) throw error;
      // Too late for an error answer: the client sees a cut download rather than a complete-looking file.
      this.log.warn({ err: error, staffId: staff.id }, 'Export interrupted');
      res.destroy();
    }
  }
}

function fileDate(date: Date): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(date);
}
