// `npm run devdb` as a real process: configuration errors, clean stop, and durability across SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, type Document } from 'mongodb';

const ROOT = path.resolve(__dirname, '..', '..');

interface CliProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs devdb/cli.ts with node itself (no npx/tsx wrapper), so a signal reaches the server process. */
function spawnCli(env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'devdb/cli.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Waits for the URI the CLI prints once it listens. */
async function waitForUri(cli: CliProcess, timeoutMs = 20000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /(mongodb:\/\/[^@\s]+@127\.0\.0\.1:\d+\/)territoires(\?\S+)/.exec(cli.output());
    if (match) return `${match[1]}crashtest${match[2]}`;
    if (cli.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  cli.child.kill('SIGKILL');
  throw new Error(`devdb did not start: ${cli.output()}`);
}

let dataDir: string;
const running: ChildProcess[] = [];

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-cli-'));
});

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function start(env: Record<string, string>): CliProcess {
  const cli = spawnCli(env);
  running.push(cli.child);
  return cli;
}

describe('devdb command line', () => {
  it('When DEVDB_PORT is not a port number, then the CLI exits with 1 and names the variable', async () => {
    const cli = start({ DEVDB_PORT: 'not-a-port', DATA_DIR: dataDir });

    const code = await cli.exited;

    expect(code).toBe(1);
    expect(cli.output()).toMatch(/DEVDB_PORT/);
  });

  it('When the CLI receives SIGTERM, then it closes cleanly with exit code 0', async () => {
    const cli = start({ DEVDB_PORT: '0', DATA_DIR: dataDir });
    await waitForUri(cli);

    cli.child.kill('SIGTERM');
    const code = await cli.exited;

    expect(code).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'devdb.sqlite'))).toBe(true);
  });

  it('When the server is killed with SIGKILL right after acknowledged writes, then a restart on the same file finds every one', async () => {
    const first = start({ DEVDB_PORT: '0', DATA_DIR: path.join(dataDir, 'nested', 'dir') });
    const client = await MongoClient.connect(await waitForUri(first), { serverSelectionTimeoutMS: 5000 });
    const things = client.db().collection('things');
    await things.createIndex({ code: 1 }, { unique: true });
    await things.insertMany(Array.from({ length: 300 }, (_, i) => ({ code: `bulk-${i}`, n: i })));
    for (let i = 0; i < 50; i++) await things.insertOne({ code: `one-${i}`, n: 1000 + i });
    await things.updateMany({ n: { $lt: 100 } }, { $set: { touched: true } });
    await things.insertOne({ _id: 'counter', code: 'counter', value: 0 } as Document);
    for (let i = 0; i < 25; i++) await things.updateOne({ _id: 'counter' } as Document, { $inc: { value: 1 } });
    await things.deleteMany({ n: { $gte: 290, $lt: 300 } });

    first.child.kill('SIGKILL');
    await first.exited;
    await client.close();
    const second = start({ DEVDB_PORT: '0', DATA_DIR: path.join(dataDir, 'nested', 'dir') });
    const again = await MongoClient.connect(await waitForUri(second), { serverSelectionTimeoutMS: 5000 });
    try {
      const reread = again.db().collection('things');
      const total = await reread.countDocuments();
      const touched = await reread.countDocuments({ touched: true });
      const counter = await reread.findOne({ _id: 'counter' } as Document);
      const duplicate = reread.insertOne({ code: 'one-7' });

      expect(total).toBe(300 - 10 + 50 + 1);
      expect(touched).toBe(100);
      expect(counter?.value).toBe(25);
      await expect(duplicate).rejects.toMatchObject({ code: 11000 });
    } finally {
      await again.close();
    }
  });

  it('When many connections write at once and the server is killed with SIGKILL, then every acknowledged write survives the restart', async () => {
    const first = start({ DEVDB_PORT: '0', DATA_DIR: dataDir });
    const uri = await waitForUri(first);
    const clients = await Promise.all(Array.from({ length: 8 }, () => MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000, maxPoolSize: 10 })));
    const acknowledged: string[] = [];
    // Writes that arrive together are committed together: each is answered only once its group is on disk.
    await Promise.all(
      clients.flatMap((client, c) =>
        Array.from({ length: 10 }, async (_, w) => {
          for (let i = 0; i < 10; i++) {
            const code = `c${c}-w${w}-${i}`;
            await client.db().collection('things').insertOne({ code });
            acknowledged.push(code);
          }
        }),
      ),
    );

    first.child.kill('SIGKILL');
    await first.exited;
    await Promise.all(clients.map((client) => client.close()));
    const second = start({ DEVDB_PORT: '0', DATA_DIR: dataDir });
    const again = await MongoClient.connect(await waitForUri(second), { serverSelectionTimeoutMS: 5000 });
    try {
      const codes = (await again.db().collection('things').find({}, { projection: { _id: 0, code: 1 } }).toArray()).map((d) => d.code as string);

      expect(acknowledged).toHaveLength(800);
      expect(codes.sort()).toEqual([...acknowledged].sort());
    } finally {
      await again.close();
    }
  });
});
