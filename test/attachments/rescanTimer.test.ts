// The server's own timer (ATTACHMENT_RESCAN_INTERVAL_SECONDS), started by startServer as in
// production: a file held « en attente d'analyse » while clamd was away is scanned once it is back,
// without any staff download.
import pino from 'pino';
import { loadConfig } from '../../api/config';
import { openConnection, type Database } from '../../api/database';
import { startServer, type RunningServer } from '../../api/server';
import { ClamdScanner } from '../../dossiers/attachments/clamdScanner';
import { DossierAttachments } from '../../dossiers/attachments/dossierAttachments';
import { DossierRepository } from '../../dossiers/dossierRepository';
import { startTestDatabase, type TestDatabase } from '../support/testDatabase';
import { startClamd, type ClamdProcess } from './clamdProcess';
import { pdf } from './sampleFiles';

jest.setTimeout(60_000);

let testDatabase: TestDatabase;
let clamd: ClamdProcess;
let database: Database;
let server: RunningServer | undefined;

beforeAll(async () => {
  [testDatabase, clamd] = await Promise.all([startTestDatabase(), startClamd()]);
  database = await openConnection(testDatabase.uri, testDatabase.embedded ? 'embedded' : 'mongodb', 3000);
});

afterAll(async () => {
  await server?.stop();
  await database?.close();
  await testDatabase?.close();
  await clamd?.stop();
});

test('When the server runs with ATTACHMENT_RESCAN_INTERVAL_SECONDS and clamd comes back, then a held file is scanned by the timer', async () => {
  const repository = new DossierRepository(database.connection);
  await repository.init();
  const draft = await repository.createDraft({ channel: 'webchat', userId: 'rescan-timer' });
  const offline = new DossierAttachments(database.connection, { limits: { maxFileBytes: 100_000, maxDossierBytes: 200_000 }, scanner: new ClamdScanner({ socket: `${clamd.socket}.absent` }, 1000) });
  const held = await offline.attach(draft.reference, { bytes: pdf('Budget'), name: 'budget.pdf', kind: 'budget' });
  expect(held.ok && held.attachment.scan).toBe('pending');

  server = await startServer(
    loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', MONGODB_URI: testDatabase.uri, CLAMD_SOCKET: clamd.socket, ATTACHMENT_RESCAN_INTERVAL_SECONDS: '1' }),
    pino({ level: 'silent' }),
  );

  const deadline = Date.now() + 15_000;
  let scan = held.ok ? held.attachment.scan : undefined;
  while (scan === 'pending' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    scan = (await repository.findByReference(draft.reference))?.attachments[0]?.scan;
  }
  expect(scan).toBe('clean');
});
