// SIGTERM while twenty officials are in the middle of a turn: every accepted turn completes and is
// saved, new connections are refused, the process exits 0, and a restart finds every answer.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildActivity } from '../support/activities';
import { TestConversation } from '../support/conversation';
import { startServerProcess, type ServerProcess } from '../support/serverProcess';
import { FIRST_HALF, readDatabaseFile, waitFor, WidgetUser } from './resilienceSupport';

// Each test starts real server processes (tsx, devdb in its worker): a bound for a loaded 2-core machine, not a speed check.
jest.setTimeout(90_000);

const CONVERSATIONS_PER_CHANNEL = 10;

let dataDir: string;
const running: ServerProcess[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ti-shutdown-'));
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
  const server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: '15000', BOT_ALLOW_UNAUTHENTICATED: 'true' });
  running.push(server);
  return server;
}

/**
 * A request whose headers the server has accepted (it answered `100 Continue`) and whose body is
 * not sent yet: a turn the server has taken on and must finish.
 */
class PendingRequest {
  private answer = '';
  readonly closed: Promise<void>;

  private constructor(
    private readonly socket: net.Socket,
    private readonly body: string,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.answer += chunk.toString('utf8');
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async open(url: string, requestPath: string, body: unknown, headers: Record<string, string> = {}): Promise<PendingRequest> {
    const { port } = new URL(url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const text = JSON.stringify(body);
    const request = new PendingRequest(socket, text);
    const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(
      `POST ${requestPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nExpect: 100-continue\r\n${extra.join('')}\r\n`,
    );
    await waitFor(() => request.answer.includes('100 Continue'), 'the server to accept the request');
    request.answer = '';
    return request;
  }

  async finish(): Promise<{ status: number; body: string }> {
    this.socket.write(this.body);
    await this.closed;
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(this.answer)?.[1] ?? 0);
    return { status, body: this.answer.slice(this.answer.indexOf('\r\n\r\n') + 4) };
  }
}

describe('Graceful shutdown under load', () => {
  test('When SIGTERM arrives while 20 conversations are mid-turn, then every turn completes and is saved, new connections are refused and the exit code is 0', async () => {
    const server = await start();
    const chats = Array.from({ length: CONVERSATIONS_PER_CHANNEL }, () => new TestConversation(server.url));
    const widgets = await Promise.all(Array.from({ length: CONVERSATIONS_PER_CHANNEL }, () => WidgetUser.arrive(server.url)));
    await Promise.all([
      ...chats.map((chat) => chat.play(FIRST_HALF.slice(0, 2))),
      ...widgets.map(async (widget) => {
        await widget.start();
        await widget.play(FIRST_HALF.slice(0, 2));
      }),
    ]);
    const pending = await Promise.all([
      ...chats.map((chat) =>
        PendingRequest.open(server.url, '/api/messages', buildActivity({ text: '69', conversation: { id: chat.conversationId }, from: { id: chat.userId, name: 'Agent' } })),
      ),
      ...widgets.map((widget) =>
        PendingRequest.open(server.url, `/v3/directline/conversations/${widget.conversationId}/activities`, { type: 'message', text: '69' }, { Authorization: `Bearer ${widget.token}` }),
      ),
    ]);

    server.child.kill('SIGTERM');
    await waitFor(() => server.logs.some((line) => line.msg === 'Stopping: no new requests, finishing the ones in flight'), 'the server to start stopping');
    const refused = await fetch(`${server.url}/healthz`).then(
      (response) => response.status === 503,
      () => true,
    );
    const answers = await Promise.all(pending.map((request) => request.finish()));
    const code = await server.exited;

    expect(refused).toBe(true);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    for (const answer of answers.slice(0, CONVERSATIONS_PER_CHANNEL)) expect(answer.body).toContain('SIREN');
    expect(code).toBe(0);
    expect(server.logs.some((line) => line.msg === 'Stopped')).toBe(true);

    const drafts = await readDatabaseFile(dataDir, (db) => db.collection('dossiers').find({ status: 'draft' }).toArray());
    expect(drafts).toHaveLength(2 * CONVERSATIONS_PER_CHANNEL);
    expect(drafts.map((draft) => draft.collectivity?.departement)).toEqual(drafts.map(() => '69'));

    const restarted = await start();
    // The same conversations: each dialog must be where its last turn left it, at the SIREN question.
    const after = await Promise.all(chats.map((chat) => new TestConversation(restarted.url, chat.userId, { conversation: { id: chat.conversationId } }).say('reprendre')));
    const feeds = await Promise.all(
      widgets.map(async (widget) => {
        await widget.comeBack(restarted.url);
        await widget.start();
        return widget.say('reprendre');
      }),
    );
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);

    for (const replies of after) expect(replies.map((reply) => reply.text).join('\n')).toContain('SIREN');
    for (const replies of feeds) expect(replies.map((reply) => reply.text).join('\n')).toContain('SIREN');
  });
});
