// Small helpers shared by the benchmark sections: percentiles, summaries and table printing.

export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  /** Human-readable goal, e.g. "< 2 ms". */
  target?: string;
  met?: boolean;
  /** A short explanation printed beside the figure. */
  note?: string;
}

export interface BenchSection {
  title: string;
  rows: BenchRow[];
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

/**
 * Nearest-rank percentile of an ascending array (p in 0..100).
 * @public for the benchmark sections to come, which need other percentiles than summarize's.
 */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean };
}

/** Runs `fn` `count` times one after the other and returns each duration in milliseconds. */
export async function sampleLatencies(count: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** Like sampleLatencies, but stops after `maxMs` too: a slow operation still leaves the run within its budget. */
export async function sampleWithin(count: number, maxMs: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  const deadline = performance.now() + maxMs;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

function cellsOf(row: BenchRow): string[] {
  return [row.metric, formatValue(row.value), row.unit, row.target ?? '', row.met === undefined ? '' : row.met ? 'yes' : 'NO', row.note ?? ''];
}

const HEAD = ['metric', 'value', 'unit', 'target', 'met', 'note'];

export function printSection(section: BenchSection): void {
  const withNotes = section.rows.some((row) => row.note);
  const head = withNotes ? HEAD : HEAD.slice(0, 5);
  const rows = section.rows.map((row) => cellsOf(row).slice(0, head.length));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  console.log(`\n## ${section.title}\n`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** The section as a Markdown table, for the README. */
export function markdownSection(section: BenchSection): string {
  const withNotes = section.rows.some((row) => row.note);
  const head = withNotes ? HEAD : HEAD.slice(0, 5);
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const lines = [`### ${section.title}`, '', `| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 1 ? '---:' : '---')).join(' | ')} |`];
  for (const row of section.rows) {
    const cells = cellsOf(row).slice(0, head.length).map(escape);
    if (row.met === false) cells[4] = '**NO**';
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
