// Runs the real server entry (`api/main.ts`) as a child process, as `npm start` does.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  /** Every JSON log line printed so far. */
  logs: Array<Record<string, unknown>>;
  /** Everything printed on stderr so far. */
  stderr: () => string;
  url: string;
  exited: Promise<number | null>;
}

/**
 * `node --import tsx api/main.ts` as the tests run it, `npm start` itself, which a newcomer and a
 * supervisor run, or a built entry (`node dist/api/main.js`) run with plain node from `cwd`.
 */
type Launch = 'node' | 'npm start' | { built: string; cwd: string };

export function spawnServer(env: Record<string, string>, launch: Launch = 'node'): { child: ChildProcess; logs: Array<Record<string, unknown>>; stderr: () => string; exited: Promise<number | null> } {
  const [command, args, cwd] =
    launch === 'node'
      ? [process.execPath, ['--import', 'tsx', 'api/main.ts'], ROOT]
      : launch === 'npm start'
        ? ['npm', ['start', '--silent'], ROOT]
        : [process.execPath, [launch.built], launch.cwd];
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, logs, stderr: () => stderr, exited };
}

/** Starts the server and waits for its "listening" log line. */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 30000, launch: Launch = 'node'): Promise<ServerProcess> {
  const started = spawnServer(env, launch);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const listening = started.logs.find((line) => line.msg === 'Server listening');
    if (listening) return { ...started, url: `http://127.0.0.1:${String(listening.port)}` };
    if (started.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  started.child.kill('SIGKILL');
  throw new Error(`The server did not start: ${started.stderr()} ${JSON.stringify(started.logs)}`);
}
