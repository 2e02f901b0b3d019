// Starts Debian's clamd for a test file, on a signature database written here (no signature download
// is possible): one custom body signature for the EICAR test string, so it is found inside any file.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ClamdProcess {
  socket: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** The EICAR test string, built from two halves so that this source file itself is not a test virus. */
export const EICAR = Buffer.from(['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR', '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join(''), 'latin1');
export const EICAR_SIGNATURE = 'Territoires.Test.EICAR';

function clamdBinary(): string {
  const candidates = [process.env.CLAMD_BIN, '/usr/sbin/clamd', '/usr/bin/clamd'].filter((candidate): candidate is string => Boolean(candidate));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      'clamd (ClamAV daemon) is not installed: these tests scan real files with it. Install it with `apt-get install clamav-daemon` ' +
        '(.ci/run does it in CI) or set CLAMD_BIN to its path.',
    );
  }
  return found;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('No free port');
  return address.port;
}

export async function startClamd(): Promise<ClamdProcess> {
  const binary = clamdBinary();
  const folder = mkdtempSync(path.join(tmpdir(), 'clamd-test-'));
  const socket = path.join(folder, 'clamd.sock');
  const port = await freePort();
  // An .ndb body signature (any file type, any offset): the EICAR bytes in hexadecimal.
  writeFileSync(path.join(folder, 'territoires.ndb'), `${EICAR_SIGNATURE}:0:*:${EICAR.toString('hex')}\n`);
  writeFileSync(
    path.join(folder, 'clamd.conf'),
    [
      `DatabaseDirectory ${folder}`,
      `LocalSocket ${socket}`,
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      'Foreground yes',
      `LogFile ${path.join(folder, 'clamd.log')}`,
      `PidFile ${path.join(folder, 'clamd.pid')}`,
      'StreamMaxLength 64M',
      'SelfCheck 3600',
      ...(process.getuid?.() === 0 ? ['User root'] : []),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(binary, ['-c', path.join(folder, 'clamd.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  const deadline = Date.now() + 30_000;
  while (!existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const log = existsSync(path.join(folder, 'clamd.log')) ? readFileSync(path.join(folder, 'clamd.log'), 'utf8') : '';
      rmSync(folder, { recursive: true, force: true });
      throw new Error(`clamd did not start: ${stderr}\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    socket,
    host: '127.0.0.1',
    port,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
        clearTimeout(timer);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      child.stderr?.destroy();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
