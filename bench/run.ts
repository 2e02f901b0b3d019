// `npm run bench`: runs every benchmark section, prints them and keeps the figures in bench/results/.
import fs from 'node:fs';
import path from 'node:path';
import { runDevDbBench } from './devdb';
import { printSection, type BenchSection } from './lib';

const sections: Array<() => Promise<BenchSection>> = [runDevDbBench];

async function main(): Promise<void> {
  const results: BenchSection[] = [];
  for (const run of sections) {
    const section = await run();
    printSection(section);
    results.push(section);
  }
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, sections: results }, null, 2)}\n`);
  console.log(`\nResults written to ${path.relative(process.cwd(), file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
