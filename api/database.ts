// The database connection: a real MongoDB when MONGODB_URI is set, otherwise the embedded devdb on loopback.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { connectionString, credentialsFile, devDbFile, readCredentials, startDevDb, type DevDb } from '../devdb';
import type { Config } from './config';
import type { Logger } from './logger';

export type DatabaseKind = 'embedded' | 'mongodb';

export interface Database {
  readonly kind: DatabaseKind;
  readonly connection: Connection;
  /** True when the database answers a ping within the configured time. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const EMBEDDED_DB_NAME = 'territoires';

/**
 * Where a server that owns the embedded database tells its loopback port, so that a second process
 * (`npm run staff`) can reach that database through it: devdb keeps its file to one process.
 */
function embeddedAddressFile(dataDir: string): string {
  return path.join(dataDir, 'devdb.address.json');
}

/**
 * The URI of the embedded database a running server opened under `dataDir`, if it said so, with
 * the credentials devdb keeps in that (private) folder: only the server's user can read them.
 */
export function runningEmbeddedUri(dataDir: string): string | undefined {
  try {
    const { host, port } = JSON.parse(readFileSync(embeddedAddressFile(dataDir), 'utf8')) as { host?: unknown; port?: unknown };
    const credentials = readCredentials(credentialsFile(devDbFile(dataDir)));
    return typeof host === 'string' && typeof port === 'number' && credentials ? connectionString(host, port, EMBEDDED_DB_NAME, credentials) : undefined;
  } catch {
    return undefined;
  }
}

export async function connectDatabase(database: Config['database'], logger: Logger): Promise<Database> {
  let embedded: DevDb | undefined;
  let uri = database.uri;
  if (!uri) {
    const filename = devDbFile(database.dataDir);
    const started = await startDevDb({ filename, port: 0, logger: logger.child({ component: 'devdb' }) });
    const addressFile = embeddedAddressFile(database.dataDir);
    try {
      writeFileSync(addressFile, JSON.stringify({ host: started.host, port: started.port, pid: process.pid }), { mode: 0o600 });
    } catch (error) {
      logger.warn({ err: error, file: addressFile }, 'Could not write the embedded database address: npm run staff will not reach it while the server runs');
    }
    embedded = {
      ...started,
      close: async () => {
        rmSync(addressFile, { force: true });
        await started.close();
      },
    };
    uri = started.uri(EMBEDDED_DB_NAME);
    logger.info({ database: 'embedded', file: filename, port: embedded.port }, 'Using the embedded database (devdb)');
  } else {
    logger.info({ database: 'mongodb', host: describeHost(uri) }, 'Using MongoDB from MONGODB_URI');
  }
  try {
    return await openConnection(uri, embedded ? 'embedded' : 'mongodb', database.timeoutMs, () => embedded?.close());
  } catch (error) {
    await embedded?.close();
    throw error;
  }
}

/**
 * Connects mongoose to a running server; `closeServer` runs after the connection is closed
 * (the embedded server's own shutdown). Tests use it with their own database.
 */
export async function openConnection(
  uri: string,
  kind: DatabaseKind,
  timeoutMs: number,
  closeServer: () => Promise<void> | undefined = async () => undefined,
): Promise<Database> {
  const connection = await mongoose
    .createConnection(uri, {
      serverSelectionTimeoutMS: timeoutMs,
      // Fail fast instead of queueing operations while the database is away: the bot then tells
      // the user the service is briefly unavailable rather than hanging.
      bufferCommands: false,
      autoIndex: true,
    })
    .asPromise();
  return {
    kind,
    connection,
    async ping() {
      const db = connection.db;
      if (!db) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.min(timeoutMs, 2000));
      });
      try {
        return await Promise.race([db.admin().ping().then(() => true as const), timeout]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await connection.close();
      await closeServer();
    },
  };
}

/** The host part of a URI, without credentials, for the logs. */
function describeHost(uri: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri);
  return match?.[1] ?? 'unknown';
}
