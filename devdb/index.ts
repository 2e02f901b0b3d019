// devdb: an embedded MongoDB-wire-compatible database for development and tests (see DESIGN.md).
import path from 'node:path';
import { CommandExecutor } from './commands';
import { CursorRegistry } from './cursors';
import { WireServer } from './server';
import { Storage } from './storage';

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
  /** Default 127.0.0.1. */
  host?: string;
  logger?: DevDbLogger;
}

export interface DevDb {
  readonly port: number;
  readonly host: string;
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

export async function startDevDb(options: DevDbOptions): Promise<DevDb> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const storage = new Storage(options.filename);
  const cursors = new CursorRegistry();
  const server = new WireServer(new CommandExecutor(storage, cursors, logger), logger);
  let port: number;
  try {
    port = await server.listen(host, options.port ?? 0);
  } catch (err) {
    storage.close();
    throw err;
  }
  const sweeper = setInterval(() => cursors.sweep(), CURSOR_SWEEP_MS);
  sweeper.unref();
  logger.info({ host, port, filename: options.filename }, 'devdb listening');

  let running = true;
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
    uri: (dbName) => `mongodb://${host}:${port}/${dbName}`,
    stop: async () => {
      if (closing) throw new Error('devdb is closed');
      await stop();
      logger.info({ port }, 'devdb stopped');
    },
    start: async () => {
      if (closing) throw new Error('devdb is closed');
      if (running) return;
      await server.listen(host, port);
      running = true;
      logger.info({ port }, 'devdb listening again');
    },
    close: () => {
      closing ??= (async () => {
        clearInterval(sweeper);
        await stop();
        storage.close();
        logger.info({ port }, 'devdb closed');
      })();
      return closing;
    },
  };
}
