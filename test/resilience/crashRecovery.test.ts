// A server killed outright (SIGKILL) half-way through an application loses nothing: the same web
// widget user comes back on the restarted server and resumes at the next missing answer.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServerProcess, type ServerProcess } from '../support/serverProcess';
import { FIRST_HALF, FIRST_HALF_DRAFT, readDatabaseFile, WidgetUser } from './resilienceSupport';

// Each test starts real server processes (tsx, devdb in its worker): a bound for a loaded 2-core machine, not a speed check.
jest.setTimeout(90_000);

let dataDir: string;
const running: ServerProcess[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ti-crash-'));
});

afterEach(async () => {
  for (const server of running.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<ServerProcess> {
  const server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir });
  running.push(server);
  return server;
}

describe('Crash in the middle of a journey', () => {
  test('When the server is killed with SIGKILL half-way and restarted, then the same widget user resumes with every answer kept', async () => {
    const first = await start();
    const official = await WidgetUser.arrive(first.url);
    await official.start();
    await official.play(FIRST_HALF);

    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const second = await start();
    const userBefore = userIdOf(official.token);
    await official.comeBack(second.url);
    await official.start();
    const sameConversation = texts(await official.say('reprendre'));
    await official.comeBack(second.url, { newConversation: true });
    await official.start();
    const newConversation = texts(await official.say('reprendre'));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    expect(userIdOf(official.token)).toBe(userBefore);
    expect(sameConversation).toContain('stratégie d’ensemble');
    const resumed = newConversation;
    expect(resumed).toContain('Je reprends votre dossier');
    expect(resumed).toMatch(/Déjà renseigné : collectivité, contact/);
    expect(resumed).toContain('stratégie d’ensemble');
    const drafts = await readDatabaseFile(dataDir, (db) => db.collection('dossiers').find({ 'owner.userId': userBefore }).toArray());
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ status: 'draft', ...FIRST_HALF_DRAFT });
  });
});

function texts(replies: Array<{ text?: string }>): string {
  return replies.map((reply) => reply.text ?? '').join('\n');
}

/** The user id inside a Direct Line token (its payload is base64url JSON). */
function userIdOf(token: string): string {
  const [payload = ''] = token.split('.');
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string }).sub;
}
