// One server instance with the web widget and its Direct Line, on a given test database: the real
// composition, so several instances (or a restart) can share one database.
import type { Database } from '../../api/database';
import type { DossierRepository } from '../../dossiers/dossierRepository';
import { startTestApp } from '../support/testApp';
import type { TestDatabase } from '../support/testDatabase';

export interface DirectLineTestServer {
  url: string;
  database: Database;
  repository: DossierRepository;
  close(): Promise<void>;
}

export async function startDirectLineServer(
  testDatabase: TestDatabase,
  options: { secret?: string; tokenTtlSeconds?: number; now?: () => Date } = {},
): Promise<DirectLineTestServer> {
  // No secret given: let the app generate one and keep it in the database, as `npm start` does.
  return startTestApp({ testDatabase, directLine: { secret: options.secret, tokenTtlSeconds: options.tokenTtlSeconds ?? 3600, ...(options.now ? { now: options.now } : {}) } });
}
