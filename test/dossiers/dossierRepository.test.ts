import mongoose, { type Connection } from 'mongoose';
import { counterModel, dossierModel } from '../../dossiers/dossierModel';
import { DossierListSortSchema, DossierRepository, isVisibleToStaff, MAX_LIST_LIMIT } from '../../dossiers/dossierRepository';
import type { Dossier, DossierPatch, Owner } from '../../dossiers/dossierSchema';
import type { Actor } from '../../dossiers/statusMachine';
import { startTestDatabase, type TestDatabase } from '../support/testDatabase';
import { buildDossier } from './buildDossier';

let testDatabase: TestDatabase;
let connection: Connection;
let now: Date;
let repository: DossierRepository;

const teamsOwner: Owner = { channel: 'msteams', userId: '29:teams-user', aadObjectId: 'aad-marie', tenantId: 'tenant-1' };
const webOwner: Owner = { channel: 'webchat', userId: 'dl_web-user' };
const applicant: Actor = { role: 'applicant', id: 'marie', name: 'Marie Dupont' };
const instructeur: Actor = { role: 'instructeur', id: 'staff-7', name: 'Paul Martin' };

/** The content of the factory's complete CTAI, as the dialogs would patch it in. */
function completeContent(overrides: DossierPatch = {}): DossierPatch {
  const { scheme, collectivity, contact, approach, diagnostic, housingCommitted, fields, commitments, actions } = buildDossier();
  return { scheme, collectivity, contact, approach, diagnostic, housingCommitted, fields, commitments, actions, ...overrides };
}

function valueOf<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`Expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** A dossier filled in and submitted by its owner. */
async function submittedDossier(owner: Owner = webOwner, content: DossierPatch = {}): Promise<Dossier> {
  const draft = await repository.createDraft(owner);
  const filled = valueOf(await repository.update(draft.reference, draft.version, completeContent(content)));
  return valueOf(await repository.transition(filled.reference, filled.version, { to: 'submitted', by: applicant }));
}

beforeAll(async () => {
  testDatabase = await startTestDatabase();
  connection = await mongoose.createConnection(testDatabase.uri).asPromise();
});

beforeEach(async () => {
  now = new Date('2026-03-02T09:00:00Z');
  repository = new DossierRepository(connection, () => now);
  await repository.init();
  await dossierModel(connection).deleteMany({});
  await counterModel(connection).deleteMany({});
});

afterAll(async () => {
  await connection.close();
  await testDatabase.close();
});

describe('createDraft', () => {
  test('When drafts are created, then they get consecutive references of the year and start as empty drafts', async () => {
    const first = await repository.createDraft(teamsOwner);
    const second = await repository.createDraft(webOwner);

    expect(first.reference).toBe('TI-2026-00001');
    expect(second.reference).toBe('TI-2026-00002');
    expect(first).toMatchObject({ status: 'draft', version: 1, owner: teamsOwner, createdAt: now, updatedAt: now, fields: [], actions: [] });
    expect(await repository.findByReference('TI-2026-00001')).toEqual(first);
  });

  test('When a new year starts in Paris, then the numbering starts again for that year', async () => {
    await repository.createDraft(webOwner);
    // 23:30 UTC on 31 December is already 00:30 on 1 January in Paris.
    now = new Date('2026-12-31T23:30:00Z');

    const draft = await repository.createDraft(webOwner);

    expect(draft.reference).toBe('TI-2027-00001');
  });

  test('When many drafts are created at once, then every reference is distinct', async () => {
    const drafts = await Promise.all(Array.from({ length: 12 }, (_, index) => repository.createDraft({ channel: 'webchat', userId: `user-${index}` })));

    expect(new Set(drafts.map((draft) => draft.reference)).size).toBe(12);
  });

  test('When a reference is inserted twice, then the unique index refuses the second', async () => {
    const draft = await repository.createDraft(webOwner);

    await expect(dossierModel(connection).create({ ...draft })).rejects.toMatchObject({ code: 11000 });
  });
});

describe('findByReference', () => {
  test.each(['TI-2026-99999', 'not-a-reference', '{"$ne":null}'])('When the reference %p does not exist, then nothing is found', async (reference) => {
    await repository.createDraft(webOwner);

    expect(await repository.findByReference(reference)).toBeNull();
  });
});

describe('findDraftForOwner', () => {
  test('When the same user comes back on the same channel, then their latest draft is found', async () => {
    await repository.createDraft(webOwner);
    now = new Date('2026-03-03T09:00:00Z');
    const latest = await repository.createDraft(webOwner);

    expect((await repository.findDraftForOwner(webOwner))?.reference).toBe(latest.reference);
  });

  test('When a Teams user comes back in another conversation, then their draft is found by their AAD identity', async () => {
    const draft = await repository.createDraft(teamsOwner);

    const found = await repository.findDraftForOwner({ channel: 'msteams', userId: '29:another-conversation-id', aadObjectId: 'aad-marie', tenantId: 'tenant-1' });

    expect(found?.reference).toBe(draft.reference);
  });

  test('When another user asks, then the draft is not theirs', async () => {
    await repository.createDraft(teamsOwner);

    expect(await repository.findDraftForOwner({ channel: 'msteams', userId: '29:someone-else', aadObjectId: 'aad-paul' })).toBeNull();
    expect(await repository.findDraftForOwner({ channel: 'webchat', userId: '29:teams-user' })).toBeNull();
  });

  test('When the user only has a submitted dossier, then there is no draft to resume', async () => {
    await submittedDossier(webOwner);

    expect(await repository.findDraftForOwner(webOwner)).toBeNull();
  });

  test('When the prefecture asked for changes, then that dossier is offered to resume', async () => {
    const submitted = await submittedDossier(webOwner);
    const reviewed = valueOf(await repository.transition(submitted.reference, submitted.version, { to: 'under_review', by: instructeur }));
    valueOf(await repository.transition(reviewed.reference, reviewed.version, { to: 'changes_requested', by: instructeur, sections: ['actions'], reason: 'Préciser le porteur.' }));

    expect((await repository.findDraftForOwner(webOwner))?.status).toBe('changes_requested');
  });
});

describe('update', () => {
  test('When a draft is patched at its version, then the sections are saved, the budget recomputed and the version incremented', async () => {
    const draft = await repository.createDraft(webOwner);
    now = new Date('2026-03-02T09:05:00Z');

    const updated = valueOf(await repository.update(draft.reference, 1, completeContent()));

    expect(updated.version).toBe(2);
    expect(updated.updatedAt).toEqual(now);
    expect(updated.collectivity.name).toBe('Métropole de Lyon');
    expect(updated.budget).toMatchObject({ actionsCostEuros: 150_000, stateFundingRequestedEuros: 100_000, cofinancingEuros: 50_000, inKindValueEuros: 6_000 });
    expect(await repository.findByReference(draft.reference)).toEqual(updated);
  });

  test('When a section is patched to undefined, then it is removed', async () => {
    const draft = await repository.createDraft(webOwner);
    const withScheme = valueOf(await repository.update(draft.reference, 1, { scheme: 'CTAI' }));

    const cleared = valueOf(await repository.update(draft.reference, withScheme.version, { scheme: undefined }));

    expect(cleared).not.toHaveProperty('scheme');
  });

  test('When the version is stale, then nothing is written and the current version is given', async () => {
    const draft = await repository.createDraft(webOwner);
    valueOf(await repository.update(draft.reference, 1, { scheme: 'PTAI' }));

    const result = await repository.update(draft.reference, 1, { scheme: 'CTAI' });

    expect(result).toEqual({ ok: false, error: { code: 'stale_version', reference: draft.reference, expectedVersion: 1, currentVersion: 2 } });
    expect((await repository.findByReference(draft.reference))?.scheme).toBe('PTAI');
  });

  test('When two writers patch the same version at once, then exactly one wins', async () => {
    const draft = await repository.createDraft(webOwner);

    const results = await Promise.all([repository.update(draft.reference, 1, { scheme: 'PTAI' }), repository.update(draft.reference, 1, { scheme: 'CTAI' })]);

    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.error.code === 'stale_version')).toHaveLength(1);
    expect((await repository.findByReference(draft.reference))?.version).toBe(2);
  });

  test('When the patch is invalid, then it is refused with French messages and nothing changes', async () => {
    const draft = await repository.createDraft(webOwner);

    const result = await repository.update(draft.reference, 1, { collectivity: { name: 'x'.repeat(500), departement: '99' } });

    expect(result.ok).toBe(false);
    if (result.ok || result.error.code !== 'invalid_dossier') throw new Error('expected invalid_dossier');
    expect(result.error.issues.map((issue) => issue.path)).toEqual(['collectivity.name', 'collectivity.departement']);
    expect(result.error.issues[0]?.message).toContain('trop long');
    expect((await repository.findByReference(draft.reference))?.version).toBe(1);
  });

  test('When the dossier has been submitted, then its content can no longer be edited', async () => {
    const submitted = await submittedDossier();

    const result = await repository.update(submitted.reference, submitted.version, { scheme: 'PTAI' });

    expect(result).toEqual({ ok: false, error: { code: 'dossier_not_editable', reference: submitted.reference, status: 'submitted' } });
  });

  test('When the dossier does not exist, then it is reported as not found', async () => {
    expect(await repository.update('TI-2026-04040', 1, {})).toEqual({ ok: false, error: { code: 'dossier_not_found', reference: 'TI-2026-04040' } });
  });

  test('When a patch tries to change the status or the owner, then those keys are ignored', async () => {
    const draft = await repository.createDraft(webOwner);
    const sneaky = { scheme: 'PTAI', status: 'accepted', owner: teamsOwner, version: 99 } as DossierPatch;

    const updated = valueOf(await repository.update(draft.reference, 1, sneaky));

    expect(updated).toMatchObject({ scheme: 'PTAI', status: 'draft', owner: webOwner, version: 2 });
  });
});

describe('updateWithRetry', () => {
  test('When two writers each add an action at the same time, then both actions are kept', async () => {
    const draft = await repository.createDraft(webOwner);
    const addAction = (id: string) => (dossier: Dossier): DossierPatch => ({ actions: [...dossier.actions, { id, title: `Action ${id}`, publics: [] }] });

    const results = await Promise.all([repository.updateWithRetry(draft.reference, addAction('a')), repository.updateWithRetry(draft.reference, addAction('b'))]);

    expect(results.every((result) => result.ok)).toBe(true);
    const saved = await repository.findByReference(draft.reference);
    expect(saved?.actions.map((action) => action.id).sort()).toEqual(['a', 'b']);
    expect(saved?.version).toBe(3);
  });

  test('When the dossier does not exist, then it is reported as not found', async () => {
    expect(await repository.updateWithRetry('TI-2026-04040', () => ({}))).toEqual({ ok: false, error: { code: 'dossier_not_found', reference: 'TI-2026-04040' } });
  });
});

describe('transition', () => {
  test('When a complete draft is submitted, then the status, the date and the history are saved', async () => {
    const submitted = await submittedDossier();

    expect(submitted).toMatchObject({ status: 'submitted', submittedAt: now, version: 3 });
    expect(submitted.history).toEqual([{ at: now, by: { kind: 'applicant', id: 'demandeur' }, from: 'draft', to: 'submitted' }]);
    expect(await repository.findByReference(submitted.reference)).toEqual(submitted);
  });

  test('When an incomplete draft is submitted, then it is refused with the problems and stays a draft', async () => {
    const draft = await repository.createDraft(webOwner);

    const result = await repository.transition(draft.reference, 1, { to: 'submitted', by: applicant });

    expect(!result.ok && result.error.code).toBe('dossier_incomplete');
    expect((await repository.findByReference(draft.reference))?.status).toBe('draft');
  });

  test('When staff attempt a transition the machine does not allow, then the allowed targets are given', async () => {
    const submitted = await submittedDossier();

    const result = await repository.transition(submitted.reference, submitted.version, { to: 'accepted', by: instructeur });

    expect(result).toEqual({ ok: false, error: { code: 'transition_not_allowed', from: 'submitted', to: 'accepted', allowed: ['under_review'] } });
  });

  test('When two instructeurs decide at the same time, then exactly one decision is recorded', async () => {
    const submitted = await submittedDossier();
    const reviewed = valueOf(await repository.transition(submitted.reference, submitted.version, { to: 'under_review', by: instructeur }));

    const results = await Promise.all([
      repository.transition(reviewed.reference, reviewed.version, { to: 'accepted', by: instructeur }),
      repository.transition(reviewed.reference, reviewed.version, { to: 'rejected', by: { role: 'admin', id: 'staff-1' }, reason: 'Hors du champ du dispositif.' }),
    ]);

    expect(results.filter((result) => result.ok)).toHaveLength(1);
    const saved = await repository.findByReference(reviewed.reference);
    expect(saved?.history.map((entry) => entry.to)).toEqual(['submitted', 'under_review', saved?.status]);
  });

  test('When the version is stale, then the transition is refused', async () => {
    const submitted = await submittedDossier();

    const result = await repository.transition(submitted.reference, 1, { to: 'under_review', by: instructeur });

    expect(!result.ok && result.error.code).toBe('stale_version');
  });

  test('When changes are requested and the corrected dossier is resubmitted, then the request opens and closes', async () => {
    const submitted = await submittedDossier();
    const reviewed = valueOf(await repository.transition(submitted.reference, submitted.version, { to: 'under_review', by: instructeur }));
    const asked = valueOf(
      await repository.transition(reviewed.reference, reviewed.version, { to: 'changes_requested', by: instructeur, sections: ['commitments'], reason: 'Préciser la salle.', comment: '  Merci.  ' }),
    );
    expect(asked.changesRequested).toEqual({ sections: ['commitments'], reason: 'Préciser la salle.', comment: 'Merci.' });

    const corrected = valueOf(
      await repository.update(asked.reference, asked.version, { commitments: [{ kind: 'cofinancing', amountEuros: 50_000 }, { kind: 'premises', detail: 'Salle B12, le mardi matin' }] }),
    );
    now = new Date('2026-03-20T10:00:00Z');
    const resubmitted = valueOf(await repository.transition(corrected.reference, corrected.version, { to: 'submitted', by: applicant }));

    expect(resubmitted.status).toBe('submitted');
    expect(resubmitted).not.toHaveProperty('changesRequested');
    expect(resubmitted.submittedAt).toEqual(new Date('2026-03-02T09:00:00Z'));
    expect(resubmitted.history.map((entry) => `${entry.from}>${entry.to}`)).toEqual(['draft>submitted', 'submitted>under_review', 'under_review>changes_requested', 'changes_requested>submitted']);
  });
});

describe('addNote', () => {
  test('When staff annotate a dossier, then the note is kept without changing the version', async () => {
    const submitted = await submittedDossier();

    const noted = valueOf(await repository.addNote(submitted.reference, { by: { kind: 'staff', id: 'staff-7', name: 'Paul Martin' }, text: '  Appeler la collectivité.  ' }));

    expect(noted.notes).toEqual([{ at: now, by: { kind: 'staff', id: 'staff-7', name: 'Paul Martin' }, text: 'Appeler la collectivité.' }]);
    expect(noted.version).toBe(submitted.version);
  });

  test.each([
    ['an empty text', 'TI-2026-00001', '   ', 'invalid_dossier'],
    ['an unknown dossier', 'TI-2026-04040', 'Note', 'dossier_not_found'],
  ])('When a note has %s, then it is refused', async (_situation, reference, text, code) => {
    await submittedDossier();

    const result = await repository.addNote(reference, { by: { kind: 'staff', id: 'staff-7' }, text });

    expect(!result.ok && result.error.code).toBe(code);
  });
});

describe('deleteDraftsOfOwner', () => {
  test('When an official starts again, then only their drafts are deleted', async () => {
    await repository.createDraft(teamsOwner);
    const submitted = await submittedDossier(teamsOwner);
    const someoneElses = await repository.createDraft(webOwner);

    const deleted = await repository.deleteDraftsOfOwner({ channel: 'msteams', userId: '29:new-conversation', aadObjectId: 'aad-marie', tenantId: 'tenant-1' });

    expect(deleted).toBe(1);
    expect(await repository.findByReference(submitted.reference)).not.toBeNull();
    expect(await repository.findByReference(someoneElses.reference)).not.toBeNull();
    expect(await repository.findDraftForOwner(teamsOwner)).toBeNull();
  });
});

describe('list', () => {
  type Seeded = Record<'lyon' | 'gex' | 'tours' | 'draft' | 'withdrawnDraft', Dossier>;

  async function seedList(): Promise<Seeded> {
    const lyon = await submittedDossier(webOwner);
    now = new Date('2026-03-03T09:00:00Z');
    const gex = await submittedDossier(webOwner, {
      scheme: 'PTAI',
      approach: 'targeted',
      collectivity: { name: 'CC du Pays de Gex (Ain)', kind: 'communaute_de_communes', departement: '01' },
    });
    now = new Date('2026-03-04T09:00:00Z');
    const tours = await submittedDossier(webOwner, { collectivity: { name: 'Ville de Tours', kind: 'commune', departement: '37' } });
    const toursReviewed = valueOf(await repository.transition(tours.reference, tours.version, { to: 'under_review', by: instructeur }));
    now = new Date('2026-03-05T09:00:00Z');
    const draft = await repository.createDraft(webOwner);
    const withdrawnDraft = await repository.createDraft(teamsOwner);
    valueOf(await repository.transition(withdrawnDraft.reference, 1, { to: 'withdrawn', by: applicant }));
    return { lyon, gex, tours: toursReviewed, draft, withdrawnDraft };
  }

  test('When staff list dossiers, then drafts and dossiers withdrawn before submission are never shown', async () => {
    const { lyon, gex, tours } = await seedList();

    const result = await repository.list({ page: 1, limit: 20 });

    expect(result.total).toBe(3);
    expect(result.items.map((dossier) => dossier.reference)).toEqual([tours.reference, gex.reference, lyon.reference]);
  });

  test('When staff explicitly ask for drafts, then they still get none', async () => {
    await seedList();

    expect(await repository.list({ status: 'draft', page: 1, limit: 20 })).toEqual({ items: [], total: 0 });
  });

  test.each<[string, Parameters<DossierRepository['list']>[0], Array<keyof Seeded>]>([
    ['status under_review', { status: 'under_review', page: 1, limit: 20 }, ['tours']],
    ['several statuses', { status: ['submitted', 'under_review'], page: 1, limit: 20, sort: 'reference' }, ['lyon', 'gex', 'tours']],
    ['scheme PTAI', { scheme: 'PTAI', page: 1, limit: 20 }, ['gex']],
    ['the départements of an instructeur', { departements: ['69', '01'], page: 1, limit: 20 }, ['gex', 'lyon']],
    ['a name in another case', { q: 'ville DE tours', page: 1, limit: 20 }, ['tours']],
    ['a name with regex characters', { q: 'Gex (Ain)', page: 1, limit: 20 }, ['gex']],
    ['a regex that would match everything', { q: '.*', page: 1, limit: 20 }, []],
    ['part of a reference', { q: 'ti-2026-0000', page: 1, limit: 20, sort: 'reference' }, ['lyon', 'gex', 'tours']],
    ['the oldest first', { page: 1, limit: 20, sort: 'updatedAt' }, ['lyon', 'gex', 'tours']],
  ])('When staff filter by %s, then only the matching dossiers are listed', async (_situation, query, expected) => {
    const seeded = await seedList();

    const result = await repository.list(query);

    expect(result.items.map((dossier) => dossier.reference)).toEqual(expected.map((name) => seeded[name].reference));
    expect(result.total).toBe(expected.length);
  });

  test('When staff page through the list, then pages do not overlap and the total counts them all', async () => {
    await seedList();

    const first = await repository.list({ page: 1, limit: 2, sort: 'reference' });
    const second = await repository.list({ page: 2, limit: 2, sort: 'reference' });

    expect(first.total).toBe(3);
    expect(first.items).toHaveLength(2);
    expect(second.items).toHaveLength(1);
    expect(new Set([...first.items, ...second.items].map((dossier) => dossier.reference)).size).toBe(3);
  });

  test('When a limit above the maximum is asked, then it is capped at 100', async () => {
    const submittedAt = new Date('2026-03-02T10:00:00Z');
    const many = Array.from({ length: 101 }, (_, index) => buildDossier({ reference: `TI-2026-${String(index + 1).padStart(5, '0')}`, status: 'submitted', submittedAt }));
    await dossierModel(connection).insertMany(many);

    const result = await repository.list({ page: 1, limit: 10_000 });

    expect(result.items).toHaveLength(MAX_LIST_LIMIT);
    expect(result.total).toBe(101);
  });

  test.each([
    ['-updatedAt', true],
    ['reference', true],
    ['collectivity.name', false],
    ['{"$where":"1"}', false],
  ])('When the sort %p is asked, then its validity is %p', (sort, valid) => {
    expect(DossierListSortSchema.safeParse(sort).success).toBe(valid);
  });

  test('When a dossier is seen by staff, then it must have been submitted at least once', async () => {
    const { lyon, tours, draft, withdrawnDraft } = await seedList();

    expect([lyon, tours, draft, withdrawnDraft].map(isVisibleToStaff)).toEqual([true, true, false, false]);
  });

  test('When the page or the limit is below 1, then the first page of one dossier is given', async () => {
    await seedList();

    const result = await repository.list({ page: 0, limit: 0, sort: 'reference' });

    expect(result.items).toHaveLength(1);
    expect(result.total).toBe(3);
  });
});
