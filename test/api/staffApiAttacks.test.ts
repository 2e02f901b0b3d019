// Bad input and attacks on the staff API: each gets a clear 4xx in French, changes nothing, and is logged without secrets.
import { Writable } from 'node:stream';
import { dossierModel } from '../../dossiers/dossierModel';
import { startTestApp, type TestApp } from '../support/testApp';
import { call, errorCode, staffKey, submittedDossier } from './staffApiSupport';

let app: TestApp;
let admin: string;
let logs: string[];

beforeAll(async () => {
  logs = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  app = await startTestApp({ logDestination: destination });
  admin = await staffKey(app.staffAccounts, 'admin');
});

beforeEach(async () => {
  await dossierModel(app.database.connection).deleteMany({});
});

afterAll(async () => {
  await app.close();
});

const FRENCH = /[éèàùêâôîç’]|requête|dossier|clé/i;

describe('Authentication', () => {
  test.each([
    ['no Authorization header', undefined],
    ['an empty bearer', 'Bearer '],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['garbage', 'Bearer ééé<script>'],
    ['a very long token', `Bearer ${'a'.repeat(5000)}`],
    ['a key of the wrong shape', 'Bearer ti_abc'],
    ['an unknown key id', 'Bearer ti_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a JWT-looking token with no OIDC configured', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln'],
  ])('When the request carries %s, then the answer is the same 401 in French', async (_label, authorization) => {
    const response = await call(app.url, '/api/dossiers', { headers: authorization === undefined ? {} : { authorization } });

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Authentification requise : une clé valide est attendue dans l’en-tête Authorization.' } });
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  test('When the secret of an existing key is wrong, then the answer is the same 401 as for an unknown id', async () => {
    const key = await staffKey(app.staffAccounts, 'admin');
    const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;

    const wrong = await call(app.url, '/api/dossiers', { key: tampered });
    const unknown = await call(app.url, '/api/dossiers', { key: `ti_0123456789abcdef_${key.slice(-43)}` });

    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  test('When a key is revoked, then it is refused at once', async () => {
    const created = await app.staffAccounts.create({ name: 'Partie', role: 'instructeur', departements: ['69'] });
    if (!created.ok) throw new Error('account not created');
    const before = await call(app.url, '/api/dossiers', { key: created.key });

    await app.staffAccounts.revoke(created.account.id);
    const after = await call(app.url, '/api/dossiers', { key: created.key });

    expect(before.status).toBe(200);
    expect(after.status).toBe(401);
  });

  test('When a key is refused or used, then neither the key nor the Authorization header appears in the logs', async () => {
    const key = await staffKey(app.staffAccounts, 'admin');
    const secret = key.slice(-43);

    await call(app.url, '/api/dossiers', { key });
    await call(app.url, '/api/dossiers', { key: `${key.slice(0, -2)}zz` });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const all = logs.join('');
    expect(all).toContain('invalid_or_revoked_key');
    expect(all).toContain('"errorCode":"UNAUTHORIZED"');
    expect(all).not.toContain(secret);
    expect(all).not.toContain(secret.slice(0, -2));
    expect(all.toLowerCase()).not.toContain('bearer');
    expect(all.toLowerCase()).not.toContain('"authorization"');
  });
});

describe('Bad input', () => {
  async function reviewable() {
    const dossier = await submittedDossier(app.repository);
    return { dossier, path: `/api/dossiers/${dossier.reference}/transitions`, headers: { 'if-match': String(dossier.version) } };
  }

  test('When the body is malformed JSON, then the answer is 400 and nothing changes', async () => {
    const { dossier, path, headers } = await reviewable();

    const response = await call(app.url, path, { key: admin, body: '{"to": "under_review"', headers });

    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('MALFORMED_JSON');
    expect((await app.repository.findByReference(dossier.reference))?.version).toBe(dossier.version);
  });

  test.each([
    ['a wrong type', { to: 42 }],
    ['an unknown status', { to: 'approved' }],
    ['an unknown field', { to: 'under_review', status: 'accepted' }],
    ['a MongoDB operator as value', { to: { $gt: '' } }],
    ['a MongoDB operator as key', { to: 'under_review', $set: { status: 'accepted' } }],
    ['an unknown section', { to: 'changes_requested', sections: ['passwords'], reason: 'x' }],
    ['an array', [{ to: 'under_review' }]],
  ])('When the transition body holds %s, then the answer is 400 in French and nothing changes', async (_label, body) => {
    const { dossier, path, headers } = await reviewable();

    const response = await call(app.url, path, { key: admin, body, headers });

    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(response.body)).toMatch(FRENCH);
    expect(await app.repository.findByReference(dossier.reference)).toEqual(dossier);
  });

  test('When the body is not sent as JSON, then the answer is 415', async () => {
    const { path, headers } = await reviewable();

    const response = await call(app.url, path, { key: admin, body: 'to=under_review', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' } });

    expect(response.status).toBe(415);
  });

  test('When the body is huge, then the answer is 413 and nothing changes', async () => {
    const { dossier, path, headers } = await reviewable();

    const response = await call(app.url, path, { key: admin, body: { to: 'under_review', comment: 'x'.repeat(200_000) }, headers });

    expect(response.status).toBe(413);
    expect(errorCode(response)).toBe('PAYLOAD_TOO_LARGE');
    expect((await app.repository.findByReference(dossier.reference))?.version).toBe(dossier.version);
  });

  test.each([
    'status[$ne]=x',
    'status[$regex]=.*',
    'departement[$gt]=',
    'q[$where]=1',
    'page[$gt]=1',
  ])('When the query string carries the operator %s, then the answer is 400', async (query) => {
    await submittedDossier(app.repository);

    const response = await call(app.url, `/api/dossiers?${query}`, { key: admin });

    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('VALIDATION_FAILED');
  });

  test.each(['..%2F..%2Fetc%2Fpasswd', '..%2F..%2Fetc%2Fpasswd.pdf', '%2E%2E', 'TI-2026-00001%00', "TI-2026-00001'%20||%20'1'=='1", '%7B%22%24gt%22%3A%22%22%7D'])(
    'When the reference is %s, then the answer is 404',
    async (reference) => {
      const response = await call(app.url, `/api/dossiers/${reference}`, { key: admin });

      expect(response.status).toBe(404);
    },
  );

  test('When a query parameter is added to a dossier read, then the answer is 400', async () => {
    const dossier = await submittedDossier(app.repository);

    const response = await call(app.url, `/api/dossiers/${dossier.reference}?fields[$ne]=1`, { key: admin });

    expect(response.status).toBe(400);
  });
});

describe('Headers', () => {
  test('When the staff API answers, then it carries security headers and no cache', async () => {
    const response = await call(app.url, '/api/dossiers', { key: admin });

    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  test('When the widget page answers, then the staff API headers are not forced on the rest of the app', async () => {
    // JSON answers all carry `default-src 'none'` (issue #15 F17); a page keeps the policy it needs to run.
    const response = await fetch(`${app.url}/`);

    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('Rate limits', () => {
  test('When one key exceeds its limit, then it gets 429 in French while another key still passes', async () => {
    const limited = await startTestApp({ staffApi: { rateLimit: { perIpPerMinute: 1000, perKeyPerMinute: 3 } } });
    try {
      const first = await staffKey(limited.staffAccounts, 'admin');
      const second = await staffKey(limited.staffAccounts, 'admin');

      const statuses = [];
      for (let index = 0; index < 4; index += 1) statuses.push((await call(limited.url, '/api/dossiers', { key: first })).status);
      const refused = await call(limited.url, '/api/dossiers', { key: first });
      const other = await call(limited.url, '/api/dossiers', { key: second });

      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(refused.body).toMatchObject({ error: { code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/requêtes/) } });
      expect(other.status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  test('When one address sends too many requests, even without a valid key, then it gets 429', async () => {
    const limited = await startTestApp({ staffApi: { rateLimit: { perIpPerMinute: 2, perKeyPerMinute: 1000 } } });
    try {
      const statuses = [];
      for (let index = 0; index < 3; index += 1) statuses.push((await call(limited.url, '/api/dossiers', { key: 'ti_nope' })).status);

      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('The applicant’s chat identity (F3)', () => {
  test('When staff read a dossier, its list or its export, then the applicant’s channel user id appears nowhere, not even in entries stored before the fix', async () => {
    const dossier = await submittedDossier(app.repository);
    const chatId = dossier.owner.userId;
    // An entry as the status machine wrote it before: the widget user id of the applicant.
    await dossierModel(app.database.connection).updateOne(
      { reference: dossier.reference },
      { $push: { history: { at: new Date(), by: { kind: 'applicant', id: 'dl_legacy-widget-user' }, from: 'draft', to: 'submitted' } } },
    );

    const detail = await call(app.url, `/api/dossiers/${dossier.reference}`, { key: admin });
    const list = await call(app.url, '/api/dossiers', { key: admin });
    const csv = await call(app.url, '/api/dossiers/export.csv', { key: admin });

    expect(detail.status).toBe(200);
    const history = detail.body.history as Array<{ by: { kind: string; id: string } }>;
    expect(history.map((entry) => entry.by)).toEqual([
      { kind: 'applicant', id: 'demandeur' },
      { kind: 'applicant', id: 'demandeur' },
    ]);
    for (const answer of [detail, list, csv]) {
      expect(answer.text).not.toContain(chatId);
      expect(answer.text).not.toContain('dl_legacy-widget-user');
    }
    const stored = await app.repository.findByReference(dossier.reference);
    expect(JSON.stringify(stored?.history)).not.toContain(chatId);
  });
});
