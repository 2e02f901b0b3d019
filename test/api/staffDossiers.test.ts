// The staff API's routes and lifecycle, over HTTP through the real app on the test database.
import { dossierModel } from '../../dossiers/dossierModel';
import type { StatusChangeEvent } from '../../api/dossiers/dossierService';
import { startTestApp, type TestApp } from '../support/testApp';
import { call, errorCode, staffKey, submittedDossier } from './staffApiSupport';

let app: TestApp;
let admin: string;
let lyon: string;
const events: StatusChangeEvent[] = [];

beforeAll(async () => {
  app = await startTestApp({ statusListeners: [(event) => void events.push(event)] });
  admin = await staffKey(app.staffAccounts, 'admin', [], 'Anne Admin');
  lyon = await staffKey(app.staffAccounts, 'instructeur', ['69'], 'Paul Martin');
});

beforeEach(async () => {
  await dossierModel(app.database.connection).deleteMany({});
  events.length = 0;
});

afterAll(async () => {
  await app.close();
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('GET /api/dossiers', () => {
  test('When an instructeur lists, then only the submitted dossiers of their départements come, never drafts', async () => {
    const inLyon = await submittedDossier(app.repository, { departement: '69' });
    await submittedDossier(app.repository, { departement: '13' });
    await app.repository.createDraft({ channel: 'webchat', userId: 'someone' });

    const { status, body } = await call(app.url, '/api/dossiers', { key: lyon });

    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 1, page: 1, limit: 20 });
    const items = body.items as Array<Record<string, unknown>>;
    expect(items.map((item) => item.reference)).toEqual([inLyon.reference]);
    expect(items[0]).toMatchObject({ status: 'submitted', scheme: 'CTAI', collectivity: { departement: '69', name: 'Métropole de Lyon' } });
    expect(items[0]).toEqual(expect.objectContaining({ contact: expect.any(Object), budget: expect.any(Object), history: expect.any(Array), submittedAt: expect.any(String) }));
    expect(items[0]).not.toHaveProperty('owner');
    expect(items[0]).not.toHaveProperty('notes');
  });

  test('When an admin filters by status, scheme, département and text, then only the matching dossiers come, paged', async () => {
    const lyonMetropole = await submittedDossier(app.repository, { departement: '69', name: 'Métropole de Lyon' });
    await submittedDossier(app.repository, { departement: '69', name: 'Villeurbanne' });
    await submittedDossier(app.repository, { departement: '01', name: 'Bourg-en-Bresse' });
    await submittedDossier(app.repository, { departement: '13', name: 'Marseille' });

    const byText = await call(app.url, '/api/dossiers?q=lyon', { key: admin });
    const byDepartements = await call(app.url, '/api/dossiers?departement=69,01&status=submitted&scheme=CTAI&sort=reference&limit=2&page=2', { key: admin });
    const none = await call(app.url, '/api/dossiers?status=accepted', { key: admin });

    expect((byText.body.items as Array<{ reference: string }>).map((item) => item.reference)).toEqual([lyonMetropole.reference]);
    expect(byDepartements.body).toMatchObject({ total: 3, page: 2, limit: 2 });
    expect(byDepartements.body.items).toHaveLength(1);
    expect(none.body).toMatchObject({ items: [], total: 0 });
  });

  test('When an instructeur filters on a département outside their scope, then the list is empty', async () => {
    await submittedDossier(app.repository, { departement: '13' });

    const { status, body } = await call(app.url, '/api/dossiers?departement=13', { key: lyon });

    expect(status).toBe(200);
    expect(body).toMatchObject({ items: [], total: 0 });
  });

  test.each([
    ['limit=101', 'limit'],
    ['limit=0', 'limit'],
    ['page=abc', 'page'],
    ['status=bientot', 'status'],
    ['scheme=CTAI&scheme=PTAI', 'scheme'],
    ['departement=999', 'departement'],
    ['sort=password', 'sort'],
    ['foo=bar', 'foo'],
  ])('When the query holds %s, then the answer is 400 naming %s', async (query, name) => {
    const response = await call(app.url, `/api/dossiers?${query}`, { key: admin });

    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(response.body)).toContain(name);
  });
});

describe('GET /api/dossiers/:reference', () => {
  test('When staff read a dossier, then it comes whole with completeness, history, notes, allowed transitions and an ETag', async () => {
    const dossier = await submittedDossier(app.repository);

    const { status, headers, body } = await call(app.url, `/api/dossiers/${dossier.reference}`, { key: lyon });

    expect(status).toBe(200);
    expect(headers.get('etag')).toBe(`"${dossier.version}"`);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({
      reference: dossier.reference,
      version: dossier.version,
      completeness: { complete: true, problems: [] },
      allowedTransitions: ['under_review'],
      notes: [],
      history: [{ from: 'draft', to: 'submitted', by: { kind: 'applicant' } }],
    });
    expect(body.actions).toHaveLength(2);
  });

  test('When the applicant gave other funders, then staff read them in the budget, counted in its totals, with the unbalanced plan as advice only', async () => {
    const dossier = await submittedDossier(app.repository, { content: { budget: { otherFunders: [{ name: 'CAF du Rhône', amountEuros: 3_000 }, { name: 'Région', amountEuros: 2_000 }] } } });

    const { status, body } = await call(app.url, `/api/dossiers/${dossier.reference}`, { key: lyon });

    expect(status).toBe(200);
    expect(body.budget).toMatchObject({
      actionsCostEuros: 150_000,
      stateFundingRequestedEuros: 100_000,
      cofinancingEuros: 50_000,
      otherFundersEuros: 5_000,
      otherFunders: [
        { name: 'CAF du Rhône', amountEuros: 3_000 },
        { name: 'Région', amountEuros: 2_000 },
      ],
    });
    const completeness = body.completeness as { complete: boolean; warnings: Array<{ section: string; code: string; message: string }> };
    expect(completeness.complete).toBe(true);
    expect(completeness.warnings).toEqual([expect.objectContaining({ section: 'budget', code: 'budget_unbalanced' })]);
    expect(completeness.warnings[0]?.message.replace(/[\u202f\u00a0]/g, ' ')).toMatch(/^Le plan de financement dépasse le coût des actions de 5 000 €/);
  });

  test('When the dossier is a draft, of another département, or absent, then the answer is the same 404', async () => {
    const draft = await app.repository.createDraft({ channel: 'webchat', userId: 'drafter' });
    const marseille = await submittedDossier(app.repository, { departement: '13' });

    const answers = await Promise.all(
      [`/api/dossiers/${draft.reference}`, `/api/dossiers/${marseille.reference}`, '/api/dossiers/TI-2026-99999'].map((path) => call(app.url, path, { key: lyon })),
    );

    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: { code: 'DOSSIER_NOT_FOUND', message: 'Ce dossier est introuvable.' } });
    }
  });
});

describe('POST /api/dossiers/:reference/transitions', () => {
  test('When an instructeur takes a dossier up then accepts it, then each step is in the history with who, when and the comment, and subscribers are told', async () => {
    const dossier = await submittedDossier(app.repository);

    const review = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key: lyon, body: { to: 'under_review' }, headers: { 'if-match': `"${dossier.version}"` } });
    const accept = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, {
      key: lyon,
      body: { to: 'accepted', comment: 'Dossier conforme, avis favorable.' },
      headers: { 'if-match': review.headers.get('etag') ?? '' },
    });

    expect(review.status).toBe(200);
    expect(review.headers.get('etag')).toBe(`"${dossier.version + 1}"`);
    expect(accept.status).toBe(200);
    expect(accept.body).toMatchObject({ status: 'accepted', version: dossier.version + 2, allowedTransitions: [] });
    const history = accept.body.history as Array<Record<string, unknown>>;
    expect(history.slice(1)).toEqual([
      expect.objectContaining({ from: 'submitted', to: 'under_review', by: expect.objectContaining({ kind: 'staff', name: 'Paul Martin' }), at: expect.any(String) }),
      expect.objectContaining({ from: 'under_review', to: 'accepted', comment: 'Dossier conforme, avis favorable.' }),
    ]);
    await waitFor(() => events.length === 2);
    expect(events.map((event) => [event.from, event.to])).toEqual([
      ['submitted', 'under_review'],
      ['under_review', 'accepted'],
    ]);
    expect(events[1]).toMatchObject({ comment: 'Dossier conforme, avis favorable.', dossier: { reference: dossier.reference, status: 'accepted' } });
  });

  test('When changes are requested with sections and a reason, then the correction request is stored and given to subscribers', async () => {
    const dossier = await submittedDossier(app.repository);
    const review = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key: admin, body: { to: 'under_review' }, headers: { 'if-match': String(dossier.version) } });

    const { status, body } = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, {
      key: admin,
      body: { to: 'changes_requested', sections: ['budget', 'actions'], reason: 'Le cofinancement n’est pas détaillé.' },
      headers: { 'if-match': review.headers.get('etag') ?? '' },
    });

    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'changes_requested', changesRequested: { sections: ['budget', 'actions'], reason: 'Le cofinancement n’est pas détaillé.' } });
    await waitFor(() => events.length === 2);
    expect(events[1]).toMatchObject({ to: 'changes_requested', sections: ['budget', 'actions'], reason: 'Le cofinancement n’est pas détaillé.' });
  });

  test('When changes are requested without sections or reason, then the answer is 400 naming what is missing and nothing changes', async () => {
    const dossier = await submittedDossier(app.repository);
    const review = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key: admin, body: { to: 'under_review' }, headers: { 'if-match': String(dossier.version) } });

    const response = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key: admin, body: { to: 'changes_requested' }, headers: { 'if-match': review.headers.get('etag') ?? '' } });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'CHANGES_REQUEST_INCOMPLETE', details: { missing: ['sections', 'reason'] } } });
    expect((await app.repository.findByReference(dossier.reference))?.status).toBe('under_review');
  });

  test('When the transition is not allowed from the current status, then the answer is 409 with the allowed targets for the caller', async () => {
    const dossier = await submittedDossier(app.repository);

    const response = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key: lyon, body: { to: 'accepted' }, headers: { 'if-match': String(dossier.version) } });

    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ error: { code: 'TRANSITION_NOT_ALLOWED', details: { from: 'submitted', to: 'accepted', allowed: ['under_review'] } } });
    expect(String((response.body.error as { message: string }).message)).toContain('En instruction');
    expect((await app.repository.findByReference(dossier.reference))?.version).toBe(dossier.version);
  });

  test('When staff try a transition reserved to the applicant, then the answer is 409 and the dossier is unchanged', async () => {
    const dossier = await submittedDossier(app.repository);

    const response = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key: admin, body: { to: 'withdrawn' }, headers: { 'if-match': String(dossier.version) } });

    expect(response.status).toBe(409);
    expect((await app.repository.findByReference(dossier.reference))?.status).toBe('submitted');
  });

  test('When If-Match is missing, then the answer is 428; when it is not a version, 400', async () => {
    const dossier = await submittedDossier(app.repository);

    const missing = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key: lyon, body: { to: 'under_review' } });
    const star = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key: lyon, body: { to: 'under_review' }, headers: { 'if-match': '*' } });

    expect(missing.status).toBe(428);
    expect(errorCode(missing)).toBe('PRECONDITION_REQUIRED');
    expect(star.status).toBe(400);
    expect(errorCode(star)).toBe('INVALID_IF_MATCH');
    expect((await app.repository.findByReference(dossier.reference))?.status).toBe('submitted');
  });

  test('When If-Match names an older version, then the answer is 412 with the current version', async () => {
    const dossier = await submittedDossier(app.repository);

    const response = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key: lyon, body: { to: 'under_review' }, headers: { 'if-match': `"${dossier.version - 1}"` } });

    expect(response.status).toBe(412);
    expect(response.body).toMatchObject({ error: { code: 'PRECONDITION_FAILED', details: { currentVersion: dossier.version } } });
  });

  test('When two staff members change the same dossier at once, then exactly one wins and the other gets 412', async () => {
    const dossier = await submittedDossier(app.repository);
    const review = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key: admin, body: { to: 'under_review' }, headers: { 'if-match': String(dossier.version) } });
    const etag = review.headers.get('etag') ?? '';

    const answers = await Promise.all(
      (['accepted', 'rejected', 'accepted', 'rejected'] as const).map((to, index) =>
        call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key: index % 2 === 0 ? admin : lyon, body: { to, comment: 'Décision motivée.' }, headers: { 'if-match': etag } }),
      ),
    );

    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 412, 412, 412]);
    const stored = await app.repository.findByReference(dossier.reference);
    expect(stored?.history).toHaveLength(3);
    expect(stored?.status).toBe((answers.find((answer) => answer.status === 200)?.body as { status: string }).status);
  });

  test('When an instructeur acts on a dossier of another département, then the answer is 404 and nothing changes', async () => {
    const marseille = await submittedDossier(app.repository, { departement: '13' });

    const transition = await call(app.url, `/api/dossiers/${marseille.reference}/transitions`, { key: lyon, body: { to: 'under_review' }, headers: { 'if-match': String(marseille.version) } });
    const note = await call(app.url, `/api/dossiers/${marseille.reference}/notes`, { key: lyon, body: { text: 'Je passe par là.' } });

    expect(transition.status).toBe(404);
    expect(note.status).toBe(404);
    const stored = await app.repository.findByReference(marseille.reference);
    expect(stored).toMatchObject({ status: 'submitted', version: marseille.version, notes: [] });
  });
});

describe('POST /api/dossiers/:reference/notes', () => {
  test('When staff annotate a dossier, then the note is kept with its author, shown to staff, and the version is unchanged', async () => {
    const dossier = await submittedDossier(app.repository);

    const created = await call(app.url, `/api/dossiers/${dossier.reference}/notes`, { key: lyon, body: { text: '  Appeler la cheffe de projet pour le budget.  ' } });
    const read = await call(app.url, `/api/dossiers/${dossier.reference}`, { key: admin });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ text: 'Appeler la cheffe de projet pour le budget.', by: { kind: 'staff', name: 'Paul Martin' }, at: expect.any(String) });
    expect(read.body).toMatchObject({ version: dossier.version, notes: [{ text: 'Appeler la cheffe de projet pour le budget.' }] });
  });

  test.each([
    ['an empty text', { text: '   ' }, 'vide'],
    ['a text too long', { text: 'x'.repeat(4001) }, 'trop longue'],
    ['a number', { text: 42 }, 'text'],
    ['an unknown field', { text: 'ok', author: 'moi' }, 'author'],
  ])('When the note has %s, then the answer is 400 and no note is added', async (_label, body, reason) => {
    const dossier = await submittedDossier(app.repository);

    const response = await call(app.url, `/api/dossiers/${dossier.reference}/notes`, { key: lyon, body });

    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain(reason);
    expect((await app.repository.findByReference(dossier.reference))?.notes).toEqual([]);
  });
});
