// Issue 15, F11: notes and messages are capped per dossier with a French 409, before the document nears MongoDB's 16 MB.
import { dossierModel } from '../../dossiers/dossierModel';
import { DOSSIER_CAPS } from '../../dossiers/dossierRepository';
import { startTestApp, type TestApp } from '../support/testApp';
import { call, errorCode, staffKey, submittedDossier } from '../api/staffApiSupport';

let app: TestApp;
let admin: string;

beforeAll(async () => {
  app = await startTestApp();
  admin = await staffKey(app.staffAccounts, 'admin');
});

afterAll(async () => {
  await app.close();
});

const by = { kind: 'staff', id: 'a1b2c3d4e5f60718', name: 'Agent' };

async function fill(reference: string, list: 'notes' | 'messages', count: number): Promise<void> {
  const entries = Array.from({ length: count }, (_, i) => ({ ...(list === 'messages' ? { id: `m${i}` } : {}), at: new Date(), by, text: `Texte ${i}` }));
  await dossierModel(app.database.connection).updateOne({ reference }, { $set: { [list]: entries } });
}

describe('A dossier full of notes or messages', () => {
  test('When a dossier holds as many notes as allowed, then one more gets a 409 in French and nothing is stored', async () => {
    const dossier = await submittedDossier(app.repository);
    await fill(dossier.reference, 'notes', DOSSIER_CAPS.notes - 1);

    const last = await call(app.url, `/api/dossiers/${dossier.reference}/notes`, { key: admin, body: { text: 'La dernière possible.' } });
    const refused = await call(app.url, `/api/dossiers/${dossier.reference}/notes`, { key: admin, body: { text: 'Une de trop.' } });

    expect(last.status).toBe(201);
    expect(refused.status).toBe(409);
    expect(errorCode(refused)).toBe('TOO_MANY_NOTES');
    expect((refused.body.error as { message: string }).message).toMatch(/nombre maximal d’annotations/);
    expect((await app.repository.findByReference(dossier.reference))?.notes).toHaveLength(DOSSIER_CAPS.notes);
  });

  test('When a dossier’s thread holds as many messages as allowed, then one more gets a 409 in French and nothing is stored', async () => {
    const dossier = await submittedDossier(app.repository);
    await fill(dossier.reference, 'messages', DOSSIER_CAPS.messages);

    const refused = await call(app.url, `/api/dossiers/${dossier.reference}/messages`, { key: admin, body: { text: 'Un de trop.' } });

    expect(refused.status).toBe(409);
    expect(errorCode(refused)).toBe('TOO_MANY_MESSAGES');
    expect((refused.body.error as { message: string }).message).toMatch(/nombre maximal de messages/);
    expect((await app.repository.findByReference(dossier.reference))?.messages).toHaveLength(DOSSIER_CAPS.messages);
  });

  test('When a note is added to an unknown dossier, then the answer is still 404', async () => {
    const response = await call(app.url, '/api/dossiers/TI-2026-99999/notes', { key: admin, body: { text: 'Rien.' } });

    expect(response.status).toBe(404);
  });
});
