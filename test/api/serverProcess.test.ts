// The server entry as `npm start` runs it: start-up on the embedded database, bad configuration, graceful stop.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { buildActivity } from '../support/activities';
import { spawnServer, startServerProcess } from '../support/serverProcess';

// Each test starts real server processes (tsx, devdb in its worker): a bound for a loaded 2-core machine, not a speed check.
jest.setTimeout(90_000);

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ti-server-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('The server process', () => {
  test('When started with no MONGODB_URI, then it serves /healthz on the embedded database', async () => {
    const server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir });
    try {
      const response = await fetch(`${server.url}/healthz`);

      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok', database: 'embedded' });
      expect(server.logs.some((line) => line.database === 'embedded' && typeof line.file === 'string')).toBe(true);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  test('When started with NODE_ENV=production on the embedded database and without MicrosoftAppId, then both are logged as warnings, not at info', async () => {
    const server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir, NODE_ENV: 'production' });
    try {
      const warningsOf = () => server.logs.filter((line) => line.level === 40).map((line) => String(line.msg));
      // The warnings follow the "listening" line the helper waited for.
      for (let waited = 0; warningsOf().length < 2 && waited < 5000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      const warnings = warningsOf();

      expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/embedded development database.*MONGODB_URI/), expect.stringMatching(/MicrosoftAppId is not set/)]));
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  test('When `npm start` receives SIGTERM (as from a supervisor or a terminal), then the server itself stops cleanly and npm exits 0', async () => {
    // npm passes the signal to the shell running the script: the script must exec node, or the shell dies and the server is left running.
    const server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir }, 60_000, 'npm start');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    server.child.kill('SIGTERM');
    const code = await server.exited;

    expect(code).toBe(0);
    expect(server.logs.some((line) => line.msg === 'Stopped')).toBe(true);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  test('When a variable is invalid, then start-up stops with exit code 1 and a message naming it', async () => {
    const started = spawnServer({ PORT: 'quatre-vingt', DATA_DIR: dataDir });

    const code = await started.exited;

    expect(code).toBe(1);
    expect(started.stderr()).toMatch(/PORT/);
    expect(started.stderr()).toMatch(/\.env\.example/);
  });

  test('When SIGTERM arrives while a widget page holds its live stream open, then the server still stops and exits 0', async () => {
    // A long shutdown timeout: the socket upgraded to a WebSocket must be closed at once, not left to the timeout
    // (closeAllConnections() never reached it, and the process used to hang).
    const server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: '600000' });
    const post = async (route: string, token: string, body?: unknown) => {
      const response = await fetch(`${server.url}/v3/directline${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await response.json()) as Record<string, string>;
    };
    const generated = await (await fetch(`${server.url}/v3/directline/tokens/generate`, { method: 'POST' })).json() as { token: string };
    const conversation = await post('/conversations', generated.token, { user: {}, locale: 'fr-FR' });
    const stream = new WebSocket(conversation.streamUrl!);
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    const streamClosed = new Promise<void>((resolve) => stream.once('close', () => resolve()));

    server.child.kill('SIGTERM');

    expect(await server.exited).toBe(0);
    await streamClosed;
    expect(stream.readyState).toBe(WebSocket.CLOSED);
  });

  test('When SIGTERM arrives during a request, then the request completes, new ones are refused and the exit code is 0', async () => {
    const server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: '8000', BOT_ALLOW_UNAUTHENTICATED: 'true' });
    const port = Number(new URL(server.url).port);
    const body = JSON.stringify(buildActivity({ text: 'bonjour', conversation: { id: 'in-flight' } }));
    const half = Math.floor(body.length / 2);
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(`POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
    socket.write(body.slice(0, half));
    await new Promise((resolve) => setTimeout(resolve, 300));

    server.child.kill('SIGTERM');
    await waitFor(() => server.logs.some((line) => line.msg === 'Signal received'));
    const refused = await fetch(`${server.url}/healthz`).then(
      () => false,
      () => true,
    );
    socket.write(body.slice(half));
    await closed;
    const code = await server.exited;

    expect(refused).toBe(true);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain('"activities"');
    expect(code).toBe(0);
    expect(server.logs.some((line) => line.msg === 'Stopped')).toBe(true);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
