// `npm run build`: compiles the runtime folders to dist/ (tsconfig.build.json) and copies beside the
// JavaScript every other file of those folders that the server reads at run time (the corpus, the
// classifier's training data, the widget's and back-office's static files...), so that
// `node dist/api/main.js` runs without the TypeScript sources. `--outDir <dir>` builds elsewhere.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
/** The folders the server runs from; the same list as tsconfig.build.json's `include`. */
const RUNTIME_FOLDERS = ['api', 'bot', 'dialogs', 'knowledge', 'dossiers', 'devdb'];
/** What tsc already turns into JavaScript; everything else is an asset. */
const COMPILED = /\.ts$/;

function outDirFrom(args: string[]): string {
  const index = args.indexOf('--outDir');
  if (index === -1) return path.join(ROOT, 'dist');
  const value = args[index + 1];
  if (!value) throw new Error('--outDir needs a folder');
  return path.resolve(value);
}

function assetsOf(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !COMPILED.test(entry.name))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

function main(): void {
  const outDir = outDirFrom(process.argv.slice(2));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: ROOT, stdio: 'inherit' });
  const assets = RUNTIME_FOLDERS.flatMap(assetsOf);
  for (const asset of assets) cpSync(path.join(ROOT, asset), path.join(outDir, asset));
  process.stdout.write(`Built ${path.relative(process.cwd(), outDir) || '.'} (${assets.length} assets copied). Start it with: node ${path.join(path.relative(process.cwd(), outDir), 'api', 'main.js')}\n`);
}

main();
