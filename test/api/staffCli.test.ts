// `npm run staff` as a child process, on the embedded database of a running server and on its own.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServerProcess, type ServerProcess } from '../support/serverProcess';

const ROOT = path.resolve(__dirname, '..', '..');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function staff(dataDir: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/staff.ts', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').pop() ?? '';
}

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ti-staff-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run staff', () => {
  test('When the server is running, then a key created by the command works at once, is listed with its last use, and stops working once revoked', async () => {
    const server: ServerProcess = await startServerProcess({ PORT: '0', DATA_DIR: dataDir });
    try {
      const created = await staff(dataDir, 'create', '--name', 'Paul Martin', '--role', 'instructeur', '--departements', '69,01');
      const key = lastLine(created.stdout);
      const id = /^ti_([0-9a-f]{16})_/.exec(key)?.[1] ?? '';
      const allowed = await fetch(`${server.url}/api/dossiers`, { headers: { authorization: `Bearer ${key}` } });
      const listed = await staff(dataDir, 'list');
      const revoked = await staff(dataDir, 'revoke', id);
      const refused = await fetch(`${server.url}/api/dossiers`, { headers: { authorization: `Bearer ${key}` } });

      expect(created.code).toBe(0);
      expect(key).toMatch(/^ti_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(allowed.status).toBe(200);
      expect(listed.stdout).toContain(id);
      expect(listed.stdout).toMatch(/Paul Martin +instructeur +69,01/);
      expect(listed.stdout).not.toMatch(/jamais/);
      expect(listed.stdout).not.toContain(key.slice(-43));
      expect(revoked.code).toBe(0);
      expect(refused.status).toBe(401);
      expect(JSON.stringify(server.logs)).not.toContain(key.slice(-43));
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 90_000);

  test('When no server runs, then the command opens the embedded database itself and the account is there for the next run', async () => {
    const created = await staff(dataDir, 'create', '--name', 'Anne Admin', '--role', 'admin');
    const listed = await staff(dataDir, 'list');

    expect(created.code).toBe(0);
    expect(lastLine(created.stdout)).toMatch(/^ti_/);
    expect(listed.stdout).toMatch(/Anne Admin +admin +tous/);
  }, 90_000);

  test.each([
    [['create', '--role', 'admin'], 2, '--name'],
    [['create', '--name', 'X', '--role', 'chef'], 2, '--role'],
    [['create', '--name', 'X', '--role', 'instructeur'], 1, 'département'],
    [['create', '--name', 'X', '--role', 'instructeur', '--departements', '999'], 1, 'département'],
    [['revoke', 'pas-un-id'], 2, 'Identifiant invalide'],
    [['revoke', '0123456789abcdef'], 1, 'Aucun compte'],
    [['supprimer'], 2, 'Commande inconnue'],
  ])('When run with %j, then it exits with %i and a French message', async (args, code, message) => {
    const result = await staff(dataDir, ...args);

    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
  }, 90_000);
});
