// A database for one test file: devdb in memory by default, the server of MONGODB_URI when it is set.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { startDevDb } from '../../devdb';

export interface TestDatabase {
  /** Full connection string, including a database name unique to this test database. */
  uri: string;
  /** True for devdb, false for the MongoDB of MONGODB_URI. */
  embedded: boolean;
  /** Simulates an outage: stops listening and drops connections, keeping the data (embedded only). */
  stop(): Promise<void>;
  /** Ends the outage: listens again on the same port with the same data (embedded only). */
  start(): Promise<void>;
  /** Embedded: shuts devdb down. External: drops the test database. Idempotent. */
  close(): Promise<void>;
}

function uniqueDbName(): string {
  return `test_${process.pid}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/**
 * Puts `dbName` in `uri` as the default database. When the URI carries credentials without an
 * authSource, the database it named (or admin) stays the place to authenticate.
 */
function withDatabase(uri: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)([^/?]*)(\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error('MONGODB_URI is not a mongodb:// or mongodb+srv:// connection string');
  const [, scheme, hosts, path, query] = match as unknown as [string, string, string, string | undefined, string | undefined];
  const params = new URLSearchParams(query ? query.slice(1) : '');
  if (hosts.includes('@') && !params.has('authSource')) {
    const original = path && path.length > 1 ? decodeURIComponent(path.slice(1)) : 'admin';
    params.set('authSource', original);
  }
  const search = params.toString();
  return `${scheme}${hosts}/${dbName}${search ? `?${search}` : ''}`;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

export async function startTestDatabase(): Promise<TestDatabase> {
  const dbName = uniqueDbName();
  const external = process.env.MONGODB_URI;
  if (external) {
    const uri = withDatabase(external, dbName);
    const embeddedOnly = (): Promise<void> =>
      Promise.reject(new Error('stop() and start() need the embedded devdb; unset MONGODB_URI to run this test'));
    return {
      uri,
      embedded: false,
      stop: embeddedOnly,
      start: embeddedOnly,
      close: once(async () => {
        const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
        try {
          await client.db(dbName).dropDatabase();
        } finally {
          await client.close();
        }
      }),
    };
  }
  const devdb = await startDevDb({ filename: ':memory:' });
  return {
    uri: devdb.uri(dbName),
    embedded: true,
    stop: () => devdb.stop(),
    start: () => devdb.start(),
    close: once(() => devdb.close()),
  };
}
