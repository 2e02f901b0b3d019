// `npm run bench`: runs every benchmark section (or those named: `npm run bench -- turns staff`), prints
// each figure with its target, keeps the figures in bench/results/<timestamp>.json (and .md), and with
// --update-figures puts the tables in bench/FIGURES.md between the bench markers.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDevDbBench } from './devdb';
import { runFaqBench } from './faq';
import { markdownSection, printSection, type BenchRow, type BenchSection } from './lib';
import { runLoadBench } from './load';
import { runMemoryBench } from './memory';
import { runStaffApiBench, type StaffGrowthPoint } from './staffApi';
import { runStaffExportsBench } from './staffExports';
import { runStreamingBench } from './streaming';
import { runTurnBench, type TurnBenchResult } from './turns';

const FIGURES = path.join(__dirname, 'FIGURES.md');
const FIGURES_START = '<!-- bench:start -->';
const FIGURES_END = '<!-- bench:end -->';

interface Growth {
  turns?: TurnBenchResult['growth'];
  staff?: StaffGrowthPoint[];
}

// devdb first: its client runs in this process, whose heap the other sections grow (and collect).
const SECTIONS: Record<string, (growth: Growth) => Promise<BenchSection>> = {
  devdb: () => runDevDbBench(),
  turns: async (growth) => {
    const result = await runTurnBench();
    growth.turns = result.growth;
    return result.section;
  },
  streaming: () => runStreamingBench(),
  faq: () => runFaqBench(),
  staff: async (growth) => {
    const result = await runStaffApiBench();
    growth.staff = result.growth;
    return result.section;
  },
  exports: () => runStaffExportsBench(),
  memory: () => runMemoryBench(),
  load: () => runLoadBench(),
};

/** How cost grows with the work: each figure against the smallest one of its series. */
function growthSection(growth: Growth): BenchSection | undefined {
  const rows: BenchRow[] = [];
  for (const point of growth.turns ?? []) {
    const first = growth.turns!.find((p) => p.channel === point.channel)!;
    rows.push({
      metric: `turn, ${point.channel}, ${point.concurrency} at once: p50 / p99`,
      value: point.p50,
      unit: `ms / ${point.p99.toFixed(1)} ms`,
      note: point === first ? `${point.turnsPerSecond.toFixed(0)} turns/s` : `p50 x${(point.p50 / first.p50).toFixed(1)} for x${point.concurrency / first.concurrency} officials; ${point.turnsPerSecond.toFixed(0)} turns/s`,
    });
  }
  for (const point of growth.staff ?? []) {
    const first = growth.staff!.find((p) => p.query === point.query)!;
    rows.push({
      metric: `staff API, ${point.query}, ${point.size / 1000}k dossiers: p50 / p99`,
      value: point.p50,
      unit: `ms / ${point.p99.toFixed(1)} ms`,
      ...(point === first ? {} : { note: `p50 x${(point.p50 / first.p50).toFixed(1)} for x${point.size / first.size} dossiers` }),
    });
  }
  return rows.length > 0 ? { title: 'Cost growth (from the sections above)', rows } : undefined;
}

function machine(): Record<string, string | number> {
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: __dirname, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    if (execSync('git status --porcelain', { cwd: __dirname, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== '') commit += ' (with uncommitted changes)';
  } catch {
    // Not a git checkout: the figures still stand.
  }
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    commit,
  };
}

function describeMachine(info: Record<string, string | number>, loadAfter: string, minutes: number): string {
  return (
    `${info.nproc} cores (${info.cpu}), ${info.memoryGb} GB, ${info.platform}, Node ${info.node}; ` +
    `load average ${info.loadAverage} before and ${loadAfter} after; whole run ${minutes.toFixed(1)} min; commit ${info.commit}.`
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const updateFigures = args.includes('--update-figures');
  const names = args.filter((arg) => !arg.startsWith('--'));
  const unknown = names.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) throw new Error(`Unknown section(s) ${unknown.join(', ')}: choose among ${Object.keys(SECTIONS).join(', ')}`);
  const chosen = names.length > 0 ? names : Object.keys(SECTIONS);

  const info = machine();
  const started = performance.now();
  const growth: Growth = {};
  const results: BenchSection[] = [];
  let failed = false;
  for (const name of chosen) {
    const sectionStarted = performance.now();
    let section: BenchSection;
    try {
      section = await SECTIONS[name]!(growth);
    } catch (error) {
      failed = true;
      console.error(error);
      section = { title: `${name}: failed`, rows: [{ metric: `${name} did not run to the end: ${(error as Error).message}`, value: Number.NaN, unit: '', met: false }] };
    }
    section.title += ` [${((performance.now() - sectionStarted) / 1000).toFixed(0)} s]`;
    printSection(section);
    results.push(section);
  }
  const costGrowth = growthSection(growth);
  if (costGrowth) {
    printSection(costGrowth);
    results.push(costGrowth);
  }

  const minutes = (performance.now() - started) / 60_000;
  const loadAfter = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const missed = results.flatMap((section) => section.rows.filter((row) => row.met === false).map((row) => `${section.title.replace(/ \[.*$/, '')}: ${row.metric}`));
  const machineLine = describeMachine(info, loadAfter, minutes);
  console.log(`\nMachine: ${machineLine}`);
  console.log(missed.length === 0 ? 'Every target met.' : `Targets missed (${missed.length}):\n${missed.map((m) => `  - ${m}`).join('\n')}`);

  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = path.join(dir, `${stamp}.json`);
  fs.writeFileSync(json, `${JSON.stringify({ date: new Date().toISOString(), machine: { ...info, loadAverageAfter: loadAfter }, minutes, sections: results, missed }, null, 2)}\n`);
  const markdown = [`Figures of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machineLine}`, '', ...results.map((section) => `${markdownSection(section)}\n`)].join('\n');
  fs.writeFileSync(path.join(dir, `${stamp}.md`), `${markdown}\n`);
  console.log(`\nResults written to ${path.relative(process.cwd(), json)} (and .md)`);

  if (updateFigures) {
    const figures = fs.readFileSync(FIGURES, 'utf8');
    const from = figures.indexOf(FIGURES_START);
    const to = figures.indexOf(FIGURES_END);
    if (from < 0 || to < from) throw new Error(`bench/FIGURES.md has no ${FIGURES_START} … ${FIGURES_END} block to fill`);
    fs.writeFileSync(FIGURES, `${figures.slice(0, from + FIGURES_START.length)}\n${markdown}\n${figures.slice(to)}`);
    console.log('bench/FIGURES.md updated between the bench markers.');
  }
  if (failed) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
