// Exports for prefecture staff: the list as CSV (French Excel: `;`, decimal comma, UTF-8 BOM) or XLSX,
// one row per dossier with French headers and amounts as numbers; one dossier as a printable PDF.
// The list exports are streamed: rows are written as batches of dossiers arrive, and the next batch is
// read only once the client has taken the previous one, so memory never holds the whole export.
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { neutralizeBidi } from '../bidi';
import { ATTACHMENT_KIND_LABELS } from '../../dossiers/attachments/attachmentSchema';
import type { DossierExportRow } from '../../dossiers/dossierRepository';
import { changesSincePreviousSubmission } from '../../dossiers/dossierDiff';
import type { Dossier } from '../../dossiers/dossierSchema';
import { budgetAdvice, budgetBalance, checkCompleteness, SECTION_LABELS } from '../../knowledge/completeness';
import { departementLabel } from '../../knowledge/departements';
import { formatEuros, formatInteger, formatPhone, formatShare } from '../../knowledge/formatting';
import { detailStatesValue } from '../../knowledge/understanding/commitmentDetails';
import {
  APPROACH_LABELS,
  COLLECTIVITY_KIND_LABELS,
  COMMITMENT_KIND_LABELS,
  DIAGNOSTIC_STATUS_LABELS,
  FIELD_LABELS,
  housingCommitmentApplies,
  PUBLIC_LABELS,
  SCHEME_LABELS,
  STATUS_LABELS,
} from '../../knowledge/schemes';

type CellType = 'text' | 'integer' | 'euros' | 'share' | 'date';
type CellValue = string | number | Date | undefined;

interface ExportColumn {
  header: string;
  type: CellType;
  /** Width in characters, for the spreadsheet. */
  width: number;
  value: (dossier: DossierExportRow) => CellValue;
}

const joinLabels = <K extends string>(keys: readonly K[] | undefined, labels: Record<K, string>): string | undefined =>
  keys && keys.length > 0 ? keys.map((key) => labels[key]).join(', ') : undefined;

/** The columns of both exports, in order. */
const COLUMNS: readonly ExportColumn[] = [
  { header: 'Référence', type: 'text', width: 16, value: (d) => d.reference },
  { header: 'Statut', type: 'text', width: 22, value: (d) => STATUS_LABELS[d.status] },
  { header: 'Dispositif', type: 'text', width: 10, value: (d) => d.scheme },
  { header: 'Collectivité', type: 'text', width: 32, value: (d) => d.collectivity.name },
  { header: 'Type de collectivité', type: 'text', width: 24, value: (d) => (d.collectivity.kind ? COLLECTIVITY_KIND_LABELS[d.collectivity.kind] : undefined) },
  { header: 'Département', type: 'text', width: 12, value: (d) => d.collectivity.departement },
  { header: 'SIREN', type: 'text', width: 12, value: (d) => d.collectivity.siren },
  { header: 'Population', type: 'integer', width: 12, value: (d) => d.collectivity.population },
  { header: 'Contact', type: 'text', width: 22, value: (d) => d.contact.name },
  { header: 'Fonction du contact', type: 'text', width: 26, value: (d) => d.contact.role },
  { header: 'Courriel du contact', type: 'text', width: 30, value: (d) => d.contact.email },
  { header: 'Téléphone du contact', type: 'text', width: 18, value: (d) => (d.contact.phone ? formatPhone(d.contact.phone) : undefined) },
  { header: 'Démarche', type: 'text', width: 30, value: (d) => (d.approach ? APPROACH_LABELS[d.approach] : undefined) },
  { header: 'Diagnostic territorial', type: 'text', width: 28, value: (d) => (d.diagnostic ? DIAGNOSTIC_STATUS_LABELS[d.diagnostic.status] : undefined) },
  { header: 'Champs d’intervention', type: 'text', width: 40, value: (d) => joinLabels(d.fields, FIELD_LABELS) },
  { header: 'Engagements de la collectivité', type: 'text', width: 40, value: (d) => joinLabels([...new Set(d.commitments.map((c) => c.kind))], COMMITMENT_KIND_LABELS) },
  { header: 'Nombre d’actions', type: 'integer', width: 10, value: (d) => d.actions.length },
  { header: 'Coût des actions (€)', type: 'euros', width: 16, value: (d) => d.budget.actionsCostEuros },
  { header: 'Financement de l’État demandé (€)', type: 'euros', width: 18, value: (d) => d.budget.stateFundingRequestedEuros },
  { header: 'Cofinancement (€)', type: 'euros', width: 16, value: (d) => d.budget.cofinancingEuros },
  {
    header: 'Autres financeurs',
    type: 'text',
    width: 36,
    value: (d) => d.budget.otherFunders && (d.budget.otherFunders.length === 0 ? 'aucun' : d.budget.otherFunders.map((funder) => `${funder.name} : ${formatEuros(funder.amountEuros)}`).join(' ; ')),
  },
  { header: 'Autres financements (€)', type: 'euros', width: 16, value: (d) => d.budget.otherFundersEuros },
  { header: 'Reste à financer (€)', type: 'euros', width: 16, value: (d) => budgetBalance(d.budget).gapEuros },
  { header: 'Valorisation en nature (€)', type: 'euros', width: 16, value: (d) => d.budget.inKindValueEuros },
  { header: 'Contribution de la collectivité (€)', type: 'euros', width: 18, value: (d) => d.budget.collectivityContributionEuros },
  { header: 'Part de l’État demandée (%)', type: 'share', width: 12, value: (d) => d.budget.stateFundingShare ?? undefined },
  { header: 'Sections à corriger', type: 'text', width: 30, value: (d) => joinLabels(d.changesRequested?.sections, SECTION_LABELS) },
  { header: 'Déposé le', type: 'date', width: 17, value: (d) => d.submittedAt },
  { header: 'Mis à jour le', type: 'date', width: 17, value: (d) => d.updatedAt },
  { header: 'Créé le', type: 'date', width: 17, value: (d) => d.createdAt },
];

/** One action of a dossier, for the actions detail (one row per action). */
interface ActionRow {
  dossier: DossierExportRow;
  action: DossierExportRow['actions'][number];
  /** Its rank in the dossier, from 1. */
  rank: number;
}

interface ActionColumn {
  header: string;
  type: CellType;
  width: number;
  value: (row: ActionRow) => CellValue;
}

/** The columns of the actions detail (the XLSX's « Actions » sheet, the CSV with `detail=actions`). */
const ACTION_COLUMNS: readonly ActionColumn[] = [
  { header: 'Référence du dossier', type: 'text', width: 16, value: ({ dossier }) => dossier.reference },
  { header: 'Statut', type: 'text', width: 22, value: ({ dossier }) => STATUS_LABELS[dossier.status] },
  { header: 'Dispositif', type: 'text', width: 10, value: ({ dossier }) => dossier.scheme },
  { header: 'Collectivité', type: 'text', width: 32, value: ({ dossier }) => dossier.collectivity.name },
  { header: 'Département', type: 'text', width: 12, value: ({ dossier }) => dossier.collectivity.departement },
  { header: 'N° de l’action', type: 'integer', width: 10, value: ({ rank }) => rank },
  { header: 'Action', type: 'text', width: 40, value: ({ action }) => action.title },
  { header: 'Champ d’intervention', type: 'text', width: 28, value: ({ action }) => (action.field ? FIELD_LABELS[action.field] : undefined) },
  { header: 'Publics', type: 'text', width: 40, value: ({ action }) => joinLabels(action.publics, PUBLIC_LABELS) },
  { header: 'Bénéficiaires prévus', type: 'integer', width: 12, value: ({ action }) => action.beneficiaries },
  { header: 'Coût de l’action (€)', type: 'euros', width: 16, value: ({ action }) => action.costEuros },
  { header: 'Financement de l’État demandé (€)', type: 'euros', width: 18, value: ({ action }) => action.stateFundingEuros },
  {
    header: 'Part de l’État demandée (%)',
    type: 'share',
    width: 12,
    value: ({ action }) => (action.costEuros && action.stateFundingEuros !== undefined ? action.stateFundingEuros / action.costEuros : undefined),
  },
  { header: 'Porteur', type: 'text', width: 32, value: ({ action }) => action.carrier },
];

function* actionRowsOf(dossier: DossierExportRow): Generator<ActionRow> {
  let rank = 0;
  for (const action of dossier.actions) {
    rank += 1;
    yield { dossier, action, rank };
  }
}

/** What a list export writes: one row per dossier, or (`actions`) one row per action. */
type ExportDetail = 'dossiers' | 'actions';

const PARIS_DATE_TIME = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const PARIS_LONG_DATE_TIME = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });
const PARIS_SHORT_DATE = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short' });

/** A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`…) is kept as text with a leading apostrophe. */
function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** A number as French Excel reads it in a CSV: decimal comma, no thousands separator. */
function frenchNumber(value: number): string {
  return String(value).replace('.', ',');
}

function csvCell(type: CellType, value: CellValue): string {
  if (value === undefined) return '';
  if (value instanceof Date) return PARIS_DATE_TIME.format(value);
  if (typeof value === 'number') return type === 'share' ? frenchNumber(Math.round(value * 10_000) / 100) : frenchNumber(value);
  // Bidi controls first: « \u202e=… » must not slip a formula past the check.
  return neutralizeFormula(neutralizeBidi(value));
}

/** The rows of a list export, batch after batch, as the repository reads them. */
type ExportBatches = AsyncIterable<readonly DossierExportRow[]>;

const CSV_OPTIONS = { delimiter: ';', record_delimiter: 'windows', quoted_match: /[\r\n]/ } as const;

/**
 * Writes the CSV export to `out` (and ends it), pulling the next batch only once `out` has taken the
 * previous one. Each batch is turned into one string at once, so its dossiers are garbage before the
 * next wait: they die young instead of being promoted to V8's old space, where 80,000 exported
 * dossiers used to pile up as garbage (+370 MB of resident memory) until a major collection.
 */
export async function writeCsvExport(batches: ExportBatches, out: Writable, detail: ExportDetail = 'dossiers'): Promise<void> {
  const header = (detail === 'actions' ? ACTION_COLUMNS : COLUMNS).map((column) => column.header);
  await writeChunk(out, stringifyCsv([header], { ...CSV_OPTIONS, bom: true }));
  for await (const batch of batches) {
    const records: string[][] = [];
    for (const dossier of batch) {
      if (detail === 'actions') for (const row of actionRowsOf(dossier)) records.push(ACTION_COLUMNS.map((column) => csvCell(column.type, column.value(row))));
      else records.push(COLUMNS.map((column) => csvCell(column.type, column.value(dossier))));
    }
    await writeChunk(out, stringifyCsv(records, CSV_OPTIONS));
  }
  out.end();
  await finished(out);
}

/** Writes `chunk`, then waits while `out` holds more than its buffer (a client reading slowly holds the export). */
async function writeChunk(out: Writable, chunk: string): Promise<void> {
  if (out.destroyed) throw new Error('The client left before the end of the export');
  if (chunk !== '' && !out.write(chunk)) await drainedOrClosed(out);
  if (out.destroyed) throw new Error('The client left before the end of the export');
}

/** The same instant as a wall-clock time in Paris: spreadsheets have no time zones. */
function parisWallClock(date: Date): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  return new Date(Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0));
}

const XLSX_FORMATS: Partial<Record<CellType, string>> = { integer: '#,##0', euros: '#,##0.00 "€"', share: '0.0%', date: 'dd/mm/yyyy hh:mm' };

/**
 * Writes the XLSX export to `out` (and ends it) with ExcelJS's streaming writer: each row is committed
 * as it is added, and after each batch the writer waits for `out` to drain before reading the next.
 * Two sheets, « Dossiers » (one row per dossier) then « Actions » (one row per action): a streamed
 * workbook writes its sheets one after the other, so the actions are read in a second pass over the
 * same filters (`again`), after the first sheet is complete, rather than held in memory.
 */
export async function writeXlsxExport(batches: ExportBatches, again: () => ExportBatches, now: Date, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Territoires d’intégration';
  workbook.created = now;
  await writeSheet(workbook, 'Dossiers', COLUMNS, batches, (dossier) => [dossier], out);
  await writeSheet(workbook, 'Actions', ACTION_COLUMNS, again(), actionRowsOf, out);
  await workbook.commit();
}

/** One streamed sheet: a bold frozen header with filters, then the rows of each batch, typed values only. */
async function writeSheet<Row>(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: ReadonlyArray<{ header: string; type: CellType; width: number; value: (row: Row) => CellValue }>,
  batches: ExportBatches,
  rowsOf: (dossier: DossierExportRow) => Iterable<Row>,
  out: Writable,
): Promise<void> {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((column, index) => ({ header: column.header, key: String(index), width: column.width, style: { numFmt: XLSX_FORMATS[column.type] } }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  header.commit();
  for await (const batch of batches) {
    for (const dossier of batch) {
      for (const row of rowsOf(dossier)) {
        // Cells are typed values, never formulas, so no text can run in the spreadsheet.
        sheet
          .addRow(
            columns.map((column) => {
              const value = column.value(row);
              if (typeof value === 'string') return neutralizeBidi(value);
              return value instanceof Date ? parisWallClock(value) : value;
            }),
          )
          .commit();
      }
    }
    if (out.writableNeedDrain) await drainedOrClosed(out);
    if (out.destroyed) throw new Error('The client left before the end of the export');
  }
  sheet.commit();
}

/** Resolves when `out` can take more, or when it is gone (a client that left never drains). */
async function drainedOrClosed(out: Writable): Promise<void> {
  const controller = new AbortController();
  try {
    await Promise.race([once(out, 'drain', { signal: controller.signal }), once(out, 'close', { signal: controller.signal })]);
  } finally {
    controller.abort();
  }
}

// --- PDF -------------------------------------------------------------------------------------

const BLUE = '#000091';
const GREY = '#555555';
const LIGHT = '#E5E5F4';
const STATUS_COLORS: Record<Dossier['status'], string> = {
  draft: '#666666',
  submitted: '#0063CB',
  under_review: '#B34000',
  changes_requested: '#A94645',
  accepted: '#18753C',
  rejected: '#CE0500',
  withdrawn: '#666666',
};

interface Fonts {
  regular: string | Buffer;
  bold: string | Buffer;
}

let fonts: Fonts | undefined;

/** Marianne, the State's typeface shipped with the DSFR; the PDF standard fonts when it cannot be found. */
function pdfFonts(): Fonts {
  if (fonts) return fonts;
  try {
    const directory = path.join(path.dirname(require.resolve('@gouvfr/dsfr/package.json')), 'dist', 'fonts');
    const regular = path.join(directory, 'Marianne-Regular.woff');
    const bold = path.join(directory, 'Marianne-Bold.woff');
    fonts = existsSync(regular) && existsSync(bold) ? { regular: readFileSync(regular), bold: readFileSync(bold) } : { regular: 'Helvetica', bold: 'Helvetica-Bold' };
  } catch {
    fonts = { regular: 'Helvetica', bold: 'Helvetica-Bold' };
  }
  return fonts;
}

interface FallbackFont {
  name: string;
  regular: string;
  bold: string;
}

/**
 * Fonts for what Marianne cannot draw (Arabic, Hebrew, Greek, Cyrillic, symbols, some emoji), tried in
 * order: Debian's DejaVu Sans (fonts-dejavu-core) then Symbola (fonts-symbola, most other emoji, no bold).
 * Those installed are used; .ci/run installs both.
 */
const FALLBACK_FONTS: readonly FallbackFont[] = [
  { name: 'dejavu', regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf' },
  { name: 'symbola', regular: '/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf', bold: '/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf' },
];

let fallbacksFound: readonly FallbackFont[] | undefined;

function fallbackFonts(): readonly FallbackFont[] {
  fallbacksFound ??= FALLBACK_FONTS.filter((font) => existsSync(font.regular) && existsSync(font.bold));
  return fallbacksFound;
}

/** Letters written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko… and their presentation forms). */
const RIGHT_TO_LEFT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;

/**
 * The words of one line in the order they are drawn, left to right. PDFKit has no bidirectional layout:
 * each right-to-left word is drawn alone (the font engine then shapes and reverses its letters), and the
 * words of a right-to-left run are drawn last first, as a reader of that script expects.
 */
function visualWords(line: string): string[] {
  const words: string[] = [];
  let run: string[] = [];
  const endRun = () => {
    const trailing: string[] = [];
    while (run.length > 0 && /^\s+$/.test(run[run.length - 1] ?? '')) trailing.unshift(run.pop() ?? '');
    words.push(...run.reverse(), ...trailing);
    run = [];
  };
  for (const word of line.split(/(\s+)/)) {
    if (word === '') continue;
    if (RIGHT_TO_LEFT.test(word) || (run.length > 0 && /^\s+$/.test(word))) run.push(word);
    else {
      endRun();
      words.push(word);
    }
  }
  endRun();
  return words;
}

const DOCUMENT_ACTIONS = { added: 'Document ajouté', removed: 'Document retiré', infected: 'Virus dans le document' } as const;

/** A printable summary of one dossier: every section, the budget, the completeness and the history. Private notes are left out. */
export function dossierToPdf(dossier: Dossier, now: Date): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 64, left: 56, right: 56 },
    bufferPages: true,
    info: {
      Title: `Dossier ${dossier.reference}`,
      Subject: neutralizeBidi(`Candidature ${dossier.scheme ?? ''} ${dossier.collectivity.name ?? ''}`.trim()),
      Author: 'Territoires d’intégration',
      CreationDate: now,
    },
    lang: 'fr-FR',
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const { regular, bold } = pdfFonts();
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);
  const fallbacks = fallbackFonts();
  for (const fallback of fallbacks) {
    doc.registerFont(`${fallback.name}-regular`, fallback.regular);
    doc.registerFont(`${fallback.name}-bold`, fallback.bold);
  }
  new PdfWriter(doc, fallbacks.map((fallback) => fallback.name)).dossier(dossier, now);
  doc.end();
  return done;
}

/**
 * User text as the PDF prints it: bidi controls removed; Marianne has no narrow no-break space (which
 * French number formatting uses), so a no-break space instead.
 */
function printable(text: string): string {
  return neutralizeBidi(text).replace(/\u202f/g, '\u00a0');
}

type Weight = 'regular' | 'bold';

/** A piece of text drawn in one font. */
interface Piece {
  font: string;
  text: string;
}

/** The font engine's view of a registered font: what it can draw. */
interface GlyphCoverage {
  hasGlyphForCodePoint(codePoint: number): boolean;
}

class PdfWriter {
  private readonly left: number;
  private readonly width: number;
  private readonly coverage = new Map<string, GlyphCoverage | undefined>();

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly fallbacks: readonly string[],
  ) {
    this.left = doc.page.margins.left;
    this.width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  }

  /** Whether a registered font draws this character (PDFKit keeps fontkit's font on `_font.font`). */
  private draws(font: string, codePoint: number): boolean {
    if (!this.coverage.has(font)) {
      const current = (this.doc as unknown as { _font?: unknown })._font;
      this.doc.font(font);
      const embedded = (this.doc as unknown as { _font?: { font?: GlyphCoverage } })._font;
      this.coverage.set(font, typeof embedded?.font?.hasGlyphForCodePoint === 'function' ? embedded.font : undefined);
      (this.doc as unknown as { _font?: unknown })._font = current;
    }
    const coverage = this.coverage.get(font);
    // The PDF standard fonts (no Marianne) only draw Latin-1.
    return coverage ? coverage.hasGlyphForCodePoint(codePoint) : codePoint <= 0xff;
  }

  /** The first font that draws this character: Marianne, then the fallbacks; Marianne when none does. */
  private fontFor(codePoint: number, weight: Weight): string {
    if (codePoint < 0x80 || /\s/.test(String.fromCodePoint(codePoint)) || this.draws(weight, codePoint)) return weight;
    const fallback = this.fallbacks.find((name) => this.draws(`${name}-${weight}`, codePoint));
    return fallback ? `${fallback}-${weight}` : weight;
  }

  /** The text cut into pieces of one font each, right-to-left words alone and in the order they are drawn. */
  private pieces(text: string, weight: Weight): Piece[] {
    const pieces: Array<Piece & { alone: boolean }> = [];
    text.split('\n').forEach((line, index) => {
      if (index > 0) pieces.push({ font: weight, text: '\n', alone: true });
      for (const word of visualWords(line)) {
        const alone = RIGHT_TO_LEFT.test(word);
        let previous = pieces[pieces.length - 1];
        let first = true;
        for (const character of word) {
          const font = this.fontFor(character.codePointAt(0) ?? 0, weight);
          // A right-to-left word is never joined to what precedes it, only its own letters together.
          if (previous && previous.font === font && (first ? !alone && !previous.alone : true)) previous.text += character;
          else {
            previous = { font, text: character, alone };
            pieces.push(previous);
          }
          first = false;
        }
      }
    });
    return pieces.map(({ font, text: pieceText }) => ({ font, text: pieceText }));
  }

  /** Height of user text in a box `width` wide, measured in the widest font it needs. */
  private heightOf(text: string, weight: Weight, width: number): number {
    const pieces = this.pieces(text, weight);
    const font = pieces.find((piece) => piece.font !== weight)?.font ?? weight;
    return this.doc.font(font).heightOfString(text, { width });
  }

  /** User text at (x, y), each character in a font that draws it (Arabic, Hebrew and emoji included). */
  private write(text: string, weight: Weight, x: number | undefined, y: number | undefined, options: PDFKit.Mixins.TextOptions): void {
    const doc = this.doc;
    const pieces = this.pieces(text, weight);
    if (pieces.length <= 1) {
      doc.font(pieces[0]?.font ?? weight);
      if (x === undefined) doc.text(text, options);
      else doc.text(text, x, y, options);
      return;
    }
    pieces.forEach((piece, index) => {
      const continued = index < pieces.length - 1;
      doc.font(piece.font);
      if (index > 0) doc.text(piece.text, { ...options, continued });
      else if (x === undefined) doc.text(piece.text, { ...options, continued });
      else doc.text(piece.text, x, y, { ...options, continued });
    });
  }

  dossier(d: Dossier, now: Date): void {
    this.header(d);
    this.section(SECTION_LABELS.collectivity);
    this.field('Nom', d.collectivity.name);
    this.field('Type', d.collectivity.kind ? COLLECTIVITY_KIND_LABELS[d.collectivity.kind] : undefined);
    this.field('Département', d.collectivity.departement && departementLabel(d.collectivity.departement));
    this.field('SIREN', d.collectivity.siren);
    this.field('Population', d.collectivity.population === undefined ? undefined : `${formatInteger(d.collectivity.population)} habitants`);

    this.section(SECTION_LABELS.contact);
    this.field('Nom', d.contact.name);
    this.field('Fonction', d.contact.role);
    this.field('Courriel', d.contact.email);
    this.field('Téléphone', d.contact.phone ? formatPhone(d.contact.phone) : undefined);

    this.section(SECTION_LABELS.scheme);
    this.field('Dispositif', d.scheme ? SCHEME_LABELS[d.scheme] : undefined);
    this.field('Démarche', d.approach ? APPROACH_LABELS[d.approach] : undefined);
    this.field('Diagnostic', d.diagnostic ? DIAGNOSTIC_STATUS_LABELS[d.diagnostic.status] : undefined);
    if (d.diagnostic?.summary) this.field('Résumé du diagnostic', d.diagnostic.summary);
    if (d.housingCommitted !== undefined && housingCommitmentApplies(d.scheme)) this.field('Actions de logement', d.housingCommitted ? 'Oui, le projet comprend des actions de logement' : 'Non');

    this.section(SECTION_LABELS.fields);
    if (d.fields.length === 0) this.paragraph('Aucun champ choisi.', GREY);
    for (const field of d.fields) this.bullet(FIELD_LABELS[field]);

    this.section(SECTION_LABELS.commitments);
    if (d.commitments.length === 0) this.paragraph('Aucun engagement indiqué.', GREY);
    for (const commitment of d.commitments) {
      const amount =
        commitment.amountEuros !== undefined ? ` : ${formatEuros(commitment.amountEuros)}` : commitment.estimatedValueEuros !== undefined && !detailStatesValue(commitment.detail, commitment.estimatedValueEuros) ? ` : valorisé ${formatEuros(commitment.estimatedValueEuros)}` : '';
      // The applicant's words start a sentence of their own: « valorisé 25 000 €. Une coordinatrice… ».
      const detail = commitment.detail ? `. ${commitment.detail.charAt(0).toUpperCase()}${commitment.detail.slice(1)}` : '';
      this.bullet(`${COMMITMENT_KIND_LABELS[commitment.kind]}${amount}${detail}`);
    }

    this.section(SECTION_LABELS.actions);
    if (d.actions.length === 0) this.paragraph('Aucune action décrite.', GREY);
    d.actions.forEach((action, index) => {
      this.subheading(`${index + 1}. ${action.title ?? 'Action sans titre'}`);
      this.field('Champ', action.field ? FIELD_LABELS[action.field] : undefined);
      this.field('Publics', action.publics.length > 0 ? action.publics.map((p) => PUBLIC_LABELS[p]).join(', ') : undefined);
      this.field('Bénéficiaires', action.beneficiaries === undefined ? undefined : formatInteger(action.beneficiaries));
      this.field('Porteur', action.carrier);
      this.field('Coût', action.costEuros === undefined ? undefined : formatEuros(action.costEuros));
      this.field('Financement de l’État demandé', action.stateFundingEuros === undefined ? undefined : formatEuros(action.stateFundingEuros));
      this.field('Description', action.description);
    });

    this.section(SECTION_LABELS.budget);
    this.budget(d);

    this.section('Complétude');
    const report = checkCompleteness(d, 'agent');
    if (report.complete) this.paragraph('Le dossier est complet au regard des règles du dispositif.');
    for (const problem of report.problems) this.bullet(`${SECTION_LABELS[problem.section]} : ${problem.message}`);
    for (const warning of report.warnings) this.bullet(`${SECTION_LABELS[warning.section]} : ${warning.message}`, GREY);

    const changed = changesSincePreviousSubmission(d);
    if (changed) {
      this.section('Modifications depuis le dépôt précédent');
      this.paragraph(`Par rapport au dépôt du ${PARIS_LONG_DATE_TIME.format(changed.since)} :`, GREY);
      if (changed.changes.length === 0) this.paragraph('Aucune modification du contenu.');
      for (const change of changed.changes) this.bullet(`${SECTION_LABELS[change.section]} › ${change.label} : ${change.before ?? 'absent'} → ${change.after ?? 'retiré'}`);
    }

    if (d.changesRequested) {
      this.section('Corrections demandées');
      this.field('Sections', d.changesRequested.sections.map((s) => SECTION_LABELS[s]).join(', '));
      this.field('Motif', d.changesRequested.reason);
      if (d.changesRequested.comment) this.field('Commentaire', d.changesRequested.comment);
    }

    this.section('Historique');
    this.history(d);
    this.footers(d, now);
  }

  private header(d: Dossier): void {
    const doc = this.doc;
    doc.font('regular').fontSize(9).fillColor(GREY).text('TERRITOIRES D’INTÉGRATION · DOSSIER DE CANDIDATURE', this.left, doc.page.margins.top, { characterSpacing: 0.6 });
    doc.moveDown(0.6);
    doc.fontSize(20).fillColor(BLUE);
    this.write(printable(d.collectivity.name ?? 'Collectivité non renseignée'), 'bold', undefined, undefined, { width: this.width });
    doc.moveDown(0.2);
    doc.font('regular').fontSize(12).fillColor('black').text(d.scheme ? SCHEME_LABELS[d.scheme] : 'Dispositif non choisi', { width: this.width });
    doc.moveDown(0.6);

    const y = doc.y;
    doc.font('bold').fontSize(13).fillColor('black').text(d.reference, this.left, y);
    const label = STATUS_LABELS[d.status].toUpperCase();
    doc.font('bold').fontSize(9);
    const badgeWidth = doc.widthOfString(label) + 16;
    const badgeX = this.left + this.width - badgeWidth;
    doc.roundedRect(badgeX, y - 1, badgeWidth, 18, 3).fill(STATUS_COLORS[d.status]);
    doc.fillColor('white').text(label, badgeX, y + 4, { width: badgeWidth, align: 'center' });
    doc.x = this.left;
    doc.y = y + 24;

    const dates = [
      d.submittedAt ? `Déposé le ${PARIS_LONG_DATE_TIME.format(d.submittedAt)}` : undefined,
      `Mis à jour le ${PARIS_LONG_DATE_TIME.format(d.updatedAt)}`,
    ].filter((part): part is string => part !== undefined);
    doc.font('regular').fontSize(9).fillColor(GREY).text(dates.join('   ·   '), this.left, doc.y, { width: this.width });
    doc.moveDown(0.4);
    this.rule(BLUE, 1.5);
  }

  private section(title: string): void {
    this.ensureSpace(60);
    const doc = this.doc;
    doc.moveDown(0.9);
    doc.font('bold').fontSize(13).fillColor(BLUE).text(title, this.left, doc.y, { width: this.width });
    doc.moveDown(0.15);
    this.rule(LIGHT, 1);
    doc.moveDown(0.35);
  }

  private subheading(text: string): void {
    this.ensureSpace(50);
    this.doc.moveDown(0.3);
    this.doc.fontSize(10.5).fillColor('black');
    this.write(printable(text), 'bold', this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.2);
  }

  /** A label and its value side by side; "Non renseigné" in grey when missing. */
  private field(label: string, raw: string | undefined): void {
    const doc = this.doc;
    const value = raw === undefined ? undefined : printable(raw);
    const labelWidth = 150;
    const valueX = this.left + labelWidth + 10;
    const valueWidth = this.width - labelWidth - 10;
    doc.font('regular').fontSize(10);
    const height = Math.max(this.heightOf(value ?? 'Non renseigné', 'regular', valueWidth), doc.font('regular').fontSize(9.5).heightOfString(label, { width: labelWidth }));
    this.ensureSpace(height + 4);
    const y = doc.y;
    doc.font('regular').fontSize(9.5).fillColor(GREY).text(label, this.left, y, { width: labelWidth });
    doc.fontSize(10).fillColor(value === undefined ? GREY : 'black');
    this.write(value ?? 'Non renseigné', 'regular', valueX, y, { width: valueWidth });
    doc.x = this.left;
    doc.y = y + height + 4;
  }

  private bullet(raw: string, color = 'black'): void {
    const doc = this.doc;
    const text = printable(raw);
    doc.font('regular').fontSize(10);
    const height = this.heightOf(text, 'regular', this.width - 14);
    this.ensureSpace(height + 3);
    const y = doc.y;
    doc.font('regular').fillColor(BLUE).text('•', this.left + 2, y);
    doc.fillColor(color);
    this.write(text, 'regular', this.left + 14, y, { width: this.width - 14 });
    doc.x = this.left;
    doc.y = y + height + 3;
  }

  private paragraph(text: string, color = 'black'): void {
    this.ensureSpace(20);
    this.doc.fontSize(10).fillColor(color);
    this.write(printable(text), 'regular', this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
  }

  private budget(d: Dossier): void {
    const rows: Array<[string, string, boolean]> = [
      ['Coût total des actions', formatEuros(d.budget.actionsCostEuros), false],
      ['Financement de l’État demandé', formatEuros(d.budget.stateFundingRequestedEuros), false],
      ['Part de l’État dans le coût des actions', d.budget.stateFundingShare === null ? '—' : formatShare(d.budget.stateFundingShare), false],
      ['Cofinancement de la collectivité', formatEuros(d.budget.cofinancingEuros), false],
      ...(d.budget.otherFunders ?? []).map((funder): [string, string, boolean] => [`Autre financeur : ${funder.name}`, formatEuros(funder.amountEuros), false]),
      ['Autres financeurs', d.budget.otherFunders === undefined ? 'non renseignés' : formatEuros(d.budget.otherFundersEuros), false],
      ['Total des financements', formatEuros(budgetBalance(d.budget).fundedEuros), true],
      ['Reste à financer', formatEuros(budgetBalance(d.budget).gapEuros), false],
      ['Valorisation des apports en nature (hors financements)', formatEuros(d.budget.inKindValueEuros), false],
      ['Contribution totale de la collectivité', formatEuros(d.budget.collectivityContributionEuros), true],
    ];
    const doc = this.doc;
    const amountWidth = 140;
    this.ensureSpace(rows.length * 20 + 4);
    rows.forEach(([label, amount, strong], index) => {
      const y = doc.y;
      if (index % 2 === 0) doc.rect(this.left, y - 3, this.width, 19).fill('#F6F6F6');
      doc.font(strong ? 'bold' : 'regular').fontSize(10).fillColor('black');
      doc.text(printable(label), this.left + 6, y + 1, { width: this.width - amountWidth - 12 });
      doc.text(printable(amount), this.left + this.width - amountWidth - 6, y + 1, { width: amountWidth, align: 'right' });
      doc.x = this.left;
      doc.y = y + 19;
    });
    const advice = budgetAdvice(d.budget);
    if (advice) this.paragraph(`${advice}.`, GREY);
  }

  private history(d: Dossier): void {
    if (d.history.length === 0) {
      this.paragraph('Aucun changement de statut.', GREY);
      return;
    }
    const doc = this.doc;
    const columns = [
      { title: 'Date', width: 105 },
      { title: 'Changement', width: 150 },
      { title: 'Par', width: 95 },
      { title: 'Commentaire', width: this.width - 105 - 150 - 95 },
    ];
    const drawHeader = () => {
      const y = doc.y;
      doc.rect(this.left, y - 3, this.width, 18).fill(LIGHT);
      let x = this.left;
      doc.font('bold').fontSize(9).fillColor(BLUE);
      for (const column of columns) {
        doc.text(column.title, x + 4, y + 1, { width: column.width - 8 });
        x += column.width;
      }
      doc.x = this.left;
      doc.y = y + 19;
    };
    this.ensureSpace(60);
    drawHeader();
    for (const entry of d.history) {
      const by = entry.by.kind === 'applicant' ? 'Demandeur' : entry.by.kind === 'system' ? (entry.by.name ?? 'Système') : `${entry.by.name ?? 'Agent'} (préfecture)`;
      const comment = [entry.reason ? `Motif : ${entry.reason}` : undefined, entry.comment, entry.sections ? `Sections : ${entry.sections.map((s) => SECTION_LABELS[s]).join(', ')}` : undefined].filter(Boolean).join('\n');
      const change = entry.document
        ? `${DOCUMENT_ACTIONS[entry.document.action]} : ${entry.document.name} (${ATTACHMENT_KIND_LABELS[entry.document.kind]})`
        : `${STATUS_LABELS[entry.from]} → ${STATUS_LABELS[entry.to]}`;
      const cells = [PARIS_DATE_TIME.format(entry.at), change, by, comment || (entry.document?.signature ?? '—')].map(printable);
      doc.font('regular').fontSize(9);
      const height = Math.max(...cells.map((cell, index) => this.heightOf(cell, 'regular', (columns[index]?.width ?? 100) - 8))) + 8;
      if (this.ensureSpace(height)) drawHeader();
      const y = doc.y;
      let x = this.left;
      cells.forEach((cell, index) => {
        const width = columns[index]?.width ?? 100;
        doc.fontSize(9).fillColor(index === 3 && cell === '—' ? GREY : 'black');
        this.write(cell, 'regular', x + 4, y, { width: width - 8 });
        x += width;
      });
      doc.moveTo(this.left, y + height - 3).lineTo(this.left + this.width, y + height - 3).lineWidth(0.5).strokeColor('#DDDDDD').stroke();
      doc.x = this.left;
      doc.y = y + height;
    }
  }

  private rule(color: string, width: number): void {
    const y = this.doc.y;
    this.doc.moveTo(this.left, y).lineTo(this.left + this.width, y).lineWidth(width).strokeColor(color).stroke();
    this.doc.y = y + width + 2;
  }

  /** Starts a new page when fewer than `height` points are left; tells whether it did. */
  private ensureSpace(height: number): boolean {
    const bottom = this.doc.page.height - this.doc.page.margins.bottom;
    if (this.doc.y + height <= bottom) return false;
    this.doc.addPage();
    this.doc.x = this.left;
    return true;
  }

  private footers(d: Dossier, now: Date): void {
    const doc = this.doc;
    const range = doc.bufferedPageRange();
    for (let index = range.start; index < range.start + range.count; index += 1) {
      doc.switchToPage(index);
      const bottomMargin = doc.page.margins.bottom;
      // Writing inside the bottom margin would otherwise open a new page.
      doc.page.margins.bottom = 0;
      const y = doc.page.height - 40;
      doc.font('regular').fontSize(8).fillColor(GREY);
      doc.text(`${d.reference} · document généré le ${PARIS_SHORT_DATE.format(now)}`, this.left, y, { width: this.width / 2, lineBreak: false });
      doc.text(`Page ${index - range.start + 1} / ${range.count}`, this.left + this.width / 2, y, { width: this.width / 2, align: 'right', lineBreak: false });
      doc.page.margins.bottom = bottomMargin;
    }
  }
}
