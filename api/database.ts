// The database connection: a real MongoDB when MONGODB_URI is set, otherwise the embedded devdb on loopback.
import mongoose, { type Connection } from 'mongoose';
import { devDbFile, startDevDb, type DevDb } from '../devdb';
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

export async function connectDatabase(database: Config['database'], logger: Logger): Promise<Database> {
  let embedded: DevDb | undefined;
  let uri = database.uri;
  if (!uri) {
    const filename = devDbFile(database.dataDir);
    embedded = await startDevDb({ filename, port: 0, logger: logger.child({ component: 'devdb' }) });
    uri = embedded.uri(EMBEDDED_DB_NAME);
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
