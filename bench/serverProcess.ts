// Servers under test run as child processes, as `npm start` runs the product: their event loop and their
// embedded database are not shared with the load generator, and their memory can be read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

export type ServerKind = 'product' | 'floor';

const ENTRIES: Record<ServerKind, string> = {
  // The real server entry, with its real configuration.
  product: 'api/main.ts',
  // The same express app, storage and embedded database around a minimal echo bot.
  floor: 'bench/floorServer.ts',
};

export interface BenchServer {
  kind: ServerKind;
  url: string;
  pid: number;
  dataDir: string;
  /** Resident memory of the server process, in MB. */
  rssMb(): number;
  /** SIGTERM (graceful stop), then removes its data folder. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

/** Starts a server on a fresh file-backed embedded database under a temporary folder. */
export async function startBenchServer(kind: ServerKind, env: Record<string, string> = {}): Promise<BenchServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${kind}-`));
  // BENCH_SERVER_NODE_OPTIONS: extra Node flags for the servers under test, e.g. --cpu-prof to see where a turn goes.
  const nodeOptions = process.env.BENCH_SERVER_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', ENTRIES[kind]], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      // The /api/messages bench posts as the Emulator does, which the development switch allows
      // and production refuses; NODE_ENV changes nothing else in the product.
      NODE_ENV: 'test',
      BOT_ALLOW_UNAUTHENTICATED: 'true',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stderr: '' };
  const port = await waitForPort(child, output);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  /** A server that died under load says why, rather than a missing /proc entry. */
  const alive = (): void => {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The ${kind} server exited (code ${String(child.exitCode)}, signal ${String(child.signalCode)}): ${output.stderr.slice(-4000)}`);
    }
  };
  return {
    kind,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    dataDir,
    rssMb: () => {
      alive();
      return readRssMb(child.pid!);
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Reads the "Server listening" log line; afterwards the logs are drained unread (they cost the server, not us). */
function waitForPort(child: ChildProcess, output: { stderr: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let found = false;
    const timer = setTimeout(() => fail(new Error(`The ${child.spawnfile} server did not start within ${START_TIMEOUT_MS} ms: ${output.stderr}`)), START_TIMEOUT_MS);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    // The last 20,000 characters of stderr, for the error of a server that dies.
    child.stderr?.on('data', (chunk: Buffer) => {
      output.stderr = (output.stderr + chunk.toString('utf8')).slice(-20_000);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      // BENCH_SERVER_ECHO=text: the server's output lines holding that text go to stderr, timed (e.g. "Mark-Compact" with --trace-gc).
      const echo = process.env.BENCH_SERVER_ECHO;
      if (echo) for (const line of chunk.toString('utf8').split('\n')) if (line.includes(echo)) process.stderr.write(`${(performance.now() / 1000).toFixed(2)} ${line}\n`);
      if (found) return;
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('"Server listening"')) continue;
        const { port } = JSON.parse(line) as { port?: unknown };
        if (typeof port !== 'number') continue;
        found = true;
        pending = '';
        clearTimeout(timer);
        resolve(port);
        return;
      }
    });
    child.once('exit', (code) => {
      if (!found) fail(new Error(`The server exited with code ${String(code)} before listening: ${output.stderr}`));
    });
  });
}

/** VmRSS of a process, in MB (Linux). */
function readRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`No VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}
