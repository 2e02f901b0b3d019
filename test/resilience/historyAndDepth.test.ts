// Issue 15: a dossier's history cannot grow without end (a correction ping-pong, documents added and
// removed), and /api/messages refuses a deeply nested activity with a French 400 instead of a 500.
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

/** Brings the dossier's history to `count` entries, as a long back-and-forth would have left it. */
async function fillHistory(reference: string, count: number): Promise<void> {
  const by = { kind: 'staff', id: 'a1b2c3d4e5f60718', name: 'Agent' };
  const entries = Array.from({ length: count }, (_, index) => ({ at: new Date(Date.UTC(2026, 0, 1, 0, index)), by, from: 'submitted', to: 'submitted', comment: `Entrée ${index}` }));
  await dossierModel(app.database.connection).updateOne({ reference }, { $set: { history: entries } });
}

function nested(depth: number): unknown {
  let value: unknown = 'fond';
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
}

describe('A dossier’s history is capped', () => {
  test('When the history holds one entry less than the cap, then one more status change passes and the next one gets a 409 in French, nothing stored', async () => {
    const dossier = await submittedDossier(app.repository);
    await fillHistory(dossier.reference, DOSSIER_CAPS.history - 1);

    const last = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key: admin, body: { to: 'under_review' }, headers: { 'if-match': `"${dossier.version}"` } });
    expect(last.status).toBe(200);
    const refused = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, {
      key: admin,
      body: { to: 'rejected', reason: 'Hors du champ du dispositif.' },
      headers: { 'if-match': last.headers.get('etag') ?? '' },
    });

    expect(refused.status).toBe(409);
    expect(errorCode(refused)).toBe('TOO_MANY_HISTORY_ENTRIES');
    expect((refused.body.error as { message: string }).message).toMatch(/historique de ce dossier a atteint le nombre maximal d’entrées \(500\)/);
    const stored = await app.repository.findByReference(dossier.reference);
    expect(stored?.history).toHaveLength(DOSSIER_CAPS.history);
    expect(stored?.status).toBe('under_review');
  });
});

describe('/api/messages refuses deeply nested activities', () => {
  test('When an activity nests 40 levels of objects (a few hundred bytes), then the answer is a 400 with a French reason, not a 500', async () => {
    const response = await call(app.url, '/api/messages', {
      body: { type: 'message', channelId: 'msteams', from: { id: 'u1' }, conversation: { id: 'c1' }, recipient: { id: 'b1' }, text: 'Bonjour', channelData: nested(40) },
    });

    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(response.body)).toContain('Une activité ne peut pas imbriquer plus de 32 niveaux d’objets ou de listes.');
  });

  test('When the nesting is 10 000 levels deep, then it is still a French 400', async () => {
    // Written as text: JSON.stringify itself cannot go that deep.
    const deep = `{"type":"message","value":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    const response = await call(app.url, '/api/messages', { body: deep });

    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('niveaux d’objets ou de listes');
  });

  test('When an activity nests as a Teams one does, then the depth check lets it through (to the authentication: 401 without MicrosoftAppId)', async () => {
    const response = await call(app.url, '/api/messages', {
      body: { type: 'message', channelId: 'msteams', from: { id: 'u1' }, conversation: { id: 'c1' }, recipient: { id: 'b1' }, text: 'Bonjour', channelData: nested(8) },
    });

    expect(response.status).not.toBe(400);
    expect(response.status).toBeLessThan(500);
  });
});
