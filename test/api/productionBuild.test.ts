// The production start (issue 15): `npm run build` writes a self-sufficient dist/ (JavaScript and every
// asset the server reads), and `node dist/api/main.js`, with no TypeScript loader and away from the
// sources, serves the widget, answers the FAQ and a chat turn, and stops cleanly on SIGTERM.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startServerProcess } from '../support/serverProcess';

const ROOT = path.resolve(__dirname, '..', '..');
// tsc over the whole runtime on a loaded 2-core machine can take minutes: a bound, not a speed check.
jest.setTimeout(900_000);

let workDir: string;
let dataDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'ti-build-'));
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ti-build-data-'));
  // The same script as `npm run build`, into a temporary folder; a deployment puts node_modules beside dist/.
  await promisify(execFile)('npm', ['run', '--silent', 'build', '--', '--outDir', path.join(workDir, 'dist')], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(workDir, 'node_modules'), 'dir');
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('The production build', () => {
  test('When built, then dist/ holds the entry, the devdb worker and the assets read at run time, and no test or script', () => {
    const dist = path.join(workDir, 'dist');
    for (const file of [
      'api/main.js',
      'devdb/worker.js',
      'package.json',
      'knowledge/corpus/ctai.md',
      'knowledge/understanding/evaluation/dev.jsonl',
      'knowledge/understanding/evaluation/dev-fresh.jsonl',
      'bot/webchat/public/widget.js',
      'bot/webchat/public/widget.css',
      'api/instruction/public/instruction.css',
    ]) {
      expect([file, existsSync(path.join(dist, file))]).toEqual([file, true]);
    }
    expect(existsSync(path.join(dist, 'test'))).toBe(false);
    expect(existsSync(path.join(dist, 'scripts'))).toBe(false);
  });

  test('When `node dist/api/main.js` runs, then it serves the widget, answers a FAQ and a chat turn, and exits 0 on SIGTERM', async () => {
    const server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir }, 120_000, { built: path.join(workDir, 'dist', 'api', 'main.js'), cwd: workDir });
    try {
      const page = await fetch(`${server.url}/`);
      const html = await page.text();
      const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((match) => match[1]!);
      const styles = [...html.matchAll(/<link[^>]+href="([^"]+\.css[^"]*)"/g)].map((match) => match[1]!);
      const assets = await Promise.all([...scripts, ...styles].map(async (src) => [src, (await fetch(new URL(src, server.url))).status] as const));
      const faq = await fetch(`${server.url}/api/faq`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'Faut-il un diagnostic pour un PTAI ?' }) });
      const answer = (await faq.json()) as { answered: boolean; sources: unknown[] };
      const backOffice = await fetch(`${server.url}/instruction/assets/instruction.css`);

      // A chat turn through Direct Line: the greeting, then a question (the classifier and the corpus at work).
      const { token } = (await (await fetch(`${server.url}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as { token: string };
      const call = async (method: string, route: string, bearer: string, body?: unknown) =>
        (await fetch(`${server.url}/v3/directline${route}`, { method, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })).json() as Promise<Record<string, unknown>>;
      const conversation = await call('POST', '/conversations', token, { locale: 'fr-FR' });
      const posted = await call('POST', `/conversations/${String(conversation.conversationId)}/activities`, String(conversation.token), { type: 'message', text: 'c’est quoi un BPI ?', locale: 'fr-FR' });
      const feed = await call('GET', `/conversations/${String(conversation.conversationId)}/activities`, String(conversation.token));
      const botTexts = (feed.activities as Array<{ from: { role: string }; text?: string }>).filter((activity) => activity.from.role === 'bot').map((activity) => activity.text ?? '');

      expect(page.status).toBe(200);
      expect(html).toContain('lang="fr"');
      expect(scripts.length).toBeGreaterThan(0);
      expect(assets.filter(([, status]) => status !== 200)).toEqual([]);
      expect(backOffice.status).toBe(200);
      expect(faq.status).toBe(200);
      expect(answer.answered).toBe(true);
      expect(answer.sources.length).toBeGreaterThan(0);
      expect(posted.id).toEqual(expect.any(String));
      expect(botTexts.length).toBeGreaterThan(2);
      expect(botTexts.join('\n')).toMatch(/BPI|bassin/i);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
    expect(server.logs.some((line) => line.msg === 'Stopped')).toBe(true);
    expect(server.stderr()).toBe('');
  });
});
