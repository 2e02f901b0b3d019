// devdb: an embedded MongoDB-wire-compatible database for development and tests (see DESIGN.md).
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ScramServer, connectionString, loadOrCreateCredentials, preparePrivateFolder, type DevDbCredentials } from './auth';
import { CommandExecutor } from './commands';
import { CursorRegistry } from './cursors';
import { WireServer } from './server';
import { Storage } from './storage';
import { TtlMonitor } from './ttl';

export { credentialsFile, readCredentials, connectionString } from './auth';

export interface DevDbLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface DevDbOptions {
  /** Path to the SQLite file, or ':memory:'. */
  filename: string;
  /** 0 or undefined: pick a free port. */
  port?: number;
  /** Default 127.0.0.1; only loopback addresses are accepted. */
  host?: string;
  logger?: DevDbLogger;
  /** Default: read from (or generated in) the data folder; random for ':memory:'. */
  credentials?: DevDbCredentials;
  /**
   * Longest time one command may run before the database worker is restarted (its connections
   * dropped, its uncommitted work undone). Default 10 s. Worker mode only.
   */
  commandTimeLimitMs?: number;
}

export interface DevDb {
  readonly port: number;
  readonly host: string;
  readonly credentials: DevDbCredentials;
  /** The connection string, credentials included. */
  uri(dbName: string): string;
  /** Stops listening, destroys open sockets, closes SQLite. Idempotent. */
  close(): Promise<void>;
  /** Stops listening and drops every connection but keeps the data: a simulated outage. */
  stop(): Promise<void>;
  /** Listens again on the same port with the same data. */
  start(): Promise<void>;
}

/** The file both `npm run devdb` and the server use under DATA_DIR. */
export function devDbFile(dataDir: string): string {
  return path.join(dataDir, 'devdb.sqlite');
}

const silentLogger: DevDbLogger = { info() {}, warn() {}, error() {} };
const CURSOR_SWEEP_MS = 60_000;
const DEFAULT_COMMAND_TIME_LIMIT_MS = 10_000;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function checkedHost(host: string | undefined): string {
  const chosen = host ?? '127.0.0.1';
  if (!LOOPBACK.has(chosen)) throw new Error(`devdb listens on loopback only (127.0.0.1 or ::1), not on ${chosen}`);
  return chosen;
}

function resolvedCredentials(options: DevDbOptions): DevDbCredentials {
  if (options.filename !== ':memory:') preparePrivateFolder(options.filename);
  return options.credentials ?? loadOrCreateCredentials(options.filename);
}

/**
 * devdb in a worker thread: queries never run on the caller's event loop (the web server's), and
 * a command that runs longer than `commandTimeLimitMs` (a catastrophic regular expression) gets
 * the worker terminated and restarted on the same port and file.
 */
export async function startDevDb(options: DevDbOptions): Promise<DevDb> {
  const logger = options.logger ?? silentLogger;
  const host = checkedHost(options.host);
  const credentials = resolvedCredentials(options);
  const limit = options.commandTimeLimitMs ?? DEFAULT_COMMAND_TIME_LIMIT_MS;
  const busy = new Float64Array(new SharedArrayBuffer(8));
  let port = options.port ?? 0;
  let worker: DevDbWorker;
  let closing: Promise<void> | undefined;
  let restarting: Promise<void> | undefined;

  const spawn = async (listen: boolean): Promise<DevDbWorker> => {
    busy[0] = 0;
    const w = await DevDbWorker.start({ filename: options.filename, port, host, credentials, busy, listen }, logger, () => {
      if (!closing && !restarting && w === worker) {
        logger.error({}, 'devdb worker stopped unexpectedly: restarting it');
        void restart();
      }
    });
    port = w.port;
    return w;
  };
  const restart = (): Promise<void> =>
    (restarting ??= (async () => {
      const running = worker.listening;
      await worker.terminate();
      try {
        worker = await spawn(running);
      } catch (err) {
        logger.error({ err }, 'devdb worker could not restart');
      } finally {
        restarting = undefined;
      }
    })());

  worker = await spawn(true);
  const watchdog = setInterval(() => {
    const since = busy[0] ?? 0;
    if (since > 0 && Date.now() - since > limit && !restarting && !closing) {
      logger.error({ limitMs: limit, runningMs: Date.now() - since }, 'devdb command exceeded its time limit: restarting the database worker');
      void restart();
    }
  }, Math.min(250, limit));
  watchdog.unref();
  logger.info({ host, port, filename: options.filename }, 'devdb listening');

  return {
    get port() {
      return port;
    },
    host,
    credentials,
    uri: (dbName) => connectionString(host, port, dbName, credentials),
    stop: async () => {
      if (closing) throw new Error('devdb is closed');
      await restarting;
      await worker.call('stop');
      logger.info({ port }, 'devdb stopped');
    },
    start: async () => {
      if (closing) throw new Error('devdb is closed');
      await restarting;
      await worker.call('start');
      logger.info({ port }, 'devdb listening again');
    },
    close: () => {
      closing ??= (async () => {
        clearInterval(watchdog);
        await restarting;
        try {
          await worker.call('close');
        } finally {
          await worker.terminate();
        }
        logger.info({ port }, 'devdb closed');
      })();
      return closing;
    },
  };
}

/** What the worker needs to run devdb. */
export interface WorkerData {
  filename: string;
  port: number;
  host: string;
  credentials: DevDbCredentials;
  busy: Float64Array;
  listen: boolean;
}

type FromWorker =
  | { type: 'ready'; port: number }
  | { type: 'failed'; message: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error' | 'debug'; obj: object; msg?: string }
  | { type: 'done'; id: number; error?: string };

class DevDbWorker {
  listening = true;
  private nextId = 1;
  private readonly calls = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    readonly port: number,
  ) {}

  static start(data: WorkerData, logger: DevDbLogger, onUnexpectedExit: () => void): Promise<DevDbWorker> {
    // From the TypeScript sources (tests, tsx), the worker registers tsx's CommonJS hook first, then
    // requires the entry (an entry file would go through the ESM loader, which does not know .ts).
    const ts = __filename.endsWith('.ts');
    const worker = ts
      ? new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(path.join(__dirname, 'worker.ts'))});`, { eval: true, workerData: data })
      : new Worker(path.join(__dirname, 'worker.js'), { workerData: data });
    return new Promise((resolve, reject) => {
      let started: DevDbWorker | undefined;
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'ready':
            started = new DevDbWorker(worker, message.port);
            started.listening = data.listen;
            resolve(started);
            break;
          case 'failed':
            reject(new Error(message.message));
            void worker.terminate();
            break;
          case 'log':
            if (message.level === 'debug') logger.debug?.(message.obj, message.msg);
            else logger[message.level](message.obj, message.msg);
            break;
          case 'done': {
            const call = started?.calls.get(message.id);
            started?.calls.delete(message.id);
            if (message.error) call?.reject(new Error(message.error));
            else call?.resolve();
            break;
          }
        }
      });
      worker.on('error', (err) => {
        logger.error({ err }, 'devdb worker error');
        if (!started) reject(err);
      });
      worker.on('exit', (code) => {
        if (!started) {
          reject(new Error(`devdb worker exited with code ${code}`));
          return;
        }
        started.exited = true;
        for (const call of started.calls.values()) call.reject(new Error('devdb worker exited'));
        started.calls.clear();
        onUnexpectedExit();
      });
    });
  }

  call(op: 'stop' | 'start' | 'close'): Promise<void> {
    if (this.exited) return op === 'close' || op === 'stop' ? Promise.resolve() : Promise.reject(new Error('devdb worker exited'));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage({ op, id });
    }).then(() => {
      if (op === 'stop') this.listening = false;
      if (op === 'start') this.listening = true;
    });
  }

  async terminate(): Promise<void> {
    this.exited = true;
    await this.worker.terminate();
  }
}

/** devdb on the caller's own thread (the worker, and tests that look inside). */
export async function startDevDbHere(
  options: DevDbOptions & { busy?: Float64Array; listen?: boolean },
): Promise<DevDb> {
  const logger = options.logger ?? silentLogger;
  const host = checkedHost(options.host);
  const credentials = resolvedCredentials(options);
  const storage = new Storage(options.filename);
  const cursors = new CursorRegistry();
  const executor = new CommandExecutor(storage, cursors, logger);
  const server = new WireServer(executor, logger, new ScramServer(credentials), options.busy);
  const ttl = new TtlMonitor(storage, executor.parameters, logger);
  executor.onParameterChange = () => ttl.reschedule();
  let port = options.port ?? 0;
  let running = false;
  if (options.listen !== false) {
    try {
      port = await server.listen(host, port);
      running = true;
    } catch (err) {
      storage.close();
      throw err;
    }
  }
  const sweeper = setInterval(() => cursors.sweep(), CURSOR_SWEEP_MS);
  sweeper.unref();
  ttl.start();

  let closing: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    running = false;
    await server.stop();
    // Cursors do not survive a server going away.
    cursors.clear();
  };

  return {
    port,
    host,
    credentials,
    uri: (dbName) => connectionString(host, port, dbName, credentials),
    stop: async () => {
      if (closing) throw new Error('devdb is closed');
      await stop();
    },
    start: async () => {
      if (closing) throw new Error('devdb is closed');
      if (running) return;
      await server.listen(host, port);
      running = true;
    },
    close: () => {
      closing ??= (async () => {
        clearInterval(sweeper);
        ttl.stop();
        await stop();
        storage.close();
      })();
      return closing;
    },
  };
}
