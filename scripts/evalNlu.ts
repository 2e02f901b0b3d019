// `npm run eval:nlu [-- dev|dev-fresh|dev-fresh2|dev-fresh3|dev-fresh4|test|test2] [--errors]`: intent accuracy and entity scores of the understanding step.
import { evaluateSplit, type Split } from '../knowledge/understanding/evaluation/evaluate';

const args = process.argv.slice(2);
const named = (['dev', 'dev-fresh', 'dev-fresh2', 'dev-fresh3', 'dev-fresh4', 'test', 'test2'] as const).filter((split) => args.includes(split));
const splits: Split[] = named.length > 0 ? [...named] : ['dev', 'dev-fresh', 'dev-fresh2', 'dev-fresh3', 'dev-fresh4', 'test', 'test2'];
const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
const out = (line: string) => process.stdout.write(`${line}\n`);

for (const split of splits) {
  const report = evaluateSplit(split);
  out(`\n== ${split} (${report.utterances} utterances)`);
  out(`intent accuracy      ${percent(report.intentAccuracy)}`);
  out(`entity F1            ${percent(report.entityF1)} (precision ${percent(report.entityPrecision)}, recall ${percent(report.entityRecall)})`);
  out(`entity exact match   ${percent(report.entityExactMatch)} of utterances`);
  out(`corrections read as answers: ${report.correctionsReadAsAnswers}`);
  // The test split is measured, never read for tuning: its confusion is shown only on request.
  if (split.startsWith('test') && !args.includes('--confusion')) continue;
  out('confusion (expected → got: count):');
  for (const [expected, row] of Object.entries(report.confusion)) {
    const wrong = Object.entries(row).filter(([got]) => got !== expected);
    out(`  ${expected.padEnd(17)} ${String(row[expected] ?? 0).padStart(3)} ok${wrong.length > 0 ? `; ${wrong.map(([got, count]) => `${got} ${count}`).join(', ')}` : ''}`);
  }
  out('per entity (tp/fp/fn):');
  for (const [type, score] of Object.entries(report.perEntity).sort()) out(`  ${type.padEnd(18)} ${score.tp}/${score.fp}/${score.fn}`);
  // Errors are printed for the dev split only: the test split is for measuring, not for reading.
  if (args.includes('--errors') && !split.startsWith('test')) {
    for (const error of report.errors) out(`  ${error.id} [${error.pending}] ${error.expected}→${error.got} ${error.entityDiff ?? ''} | ${error.text}`);
  }
}
