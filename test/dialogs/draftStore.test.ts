// The draft store the dialogs use: one read per turn, and never a lost answer when another tab writes.
import mongoose, { type Connection } from 'mongoose';
import { DraftUnavailableError, RepositoryDraftStore, type Turn } from '../../dialogs/draftStore';
import { DossierRepository } from '../../dossiers/dossierRepository';
import type { Dossier } from '../../dossiers/dossierSchema';
import { startTestDatabase, type TestDatabase } from '../support/testDatabase';

let testDatabase: TestDatabase;
let connection: Connection;
let repository: DossierRepository;

/** A turn as the dialogs see it: its own state, gone when the turn ends. */
const newTurn = (): Turn => ({ turnState: new Map() }) as unknown as Turn;

/** Counts the reads of the repository, to see what a turn saves. */
class CountingRepository extends DossierRepository {
  reads = 0;

  override async findByReference(reference: string): Promise<Dossier | null> {
    this.reads += 1;
    return super.findByReference(reference);
  }
}

beforeAll(async () => {
  testDatabase = await startTestDatabase();
  connection = await mongoose.createConnection(testDatabase.uri).asPromise();
  repository = new DossierRepository(connection);
  await repository.init();
});

afterAll(async () => {
  await connection?.close();
  await testDatabase?.close();
});

describe('RepositoryDraftStore', () => {
  test('When the steps of one turn read the draft again after saving an answer, then the database is not asked again', async () => {
    const counting = new CountingRepository(connection);
    const store = new RepositoryDraftStore(counting);
    const draft = await counting.createDraft({ channel: 'webchat', userId: 'dl_one-turn' });
    const turn = newTurn();

    await store.change(draft.reference, (dossier) => (dossier.collectivity = { name: 'Commune de Riom' }), turn);
    const readsAfterChange = counting.reads;
    const first = await store.load(draft.reference, turn);
    const second = await store.load(draft.reference, turn);
    await store.load(draft.reference, newTurn());

    expect(first.collectivity.name).toBe('Commune de Riom');
    expect(second).toBe(first);
    expect(counting.reads).toBe(readsAfterChange + 1);
  });

  test('When another tab saves an answer after this turn read the draft, then this turn’s answer is applied on top and neither is lost', async () => {
    const store = new RepositoryDraftStore(repository);
    const draft = await repository.createDraft({ channel: 'webchat', userId: 'dl_two-tabs' });
    const turn = newTurn();
    await store.load(draft.reference, turn);

    const otherTab = await repository.updateWithRetry(draft.reference, (dossier) => ({ contact: { ...dossier.contact, name: 'Inès Bernard' } }));
    const saved = await store.change(draft.reference, (dossier) => (dossier.collectivity = { ...dossier.collectivity, name: 'Commune de Riom' }), turn);
    const stored = await repository.findByReference(draft.reference);

    expect(otherTab.ok).toBe(true);
    expect(saved.contact.name).toBe('Inès Bernard');
    expect(stored).toMatchObject({ contact: { name: 'Inès Bernard' }, collectivity: { name: 'Commune de Riom' }, version: draft.version + 2 });
  });

  test('When the next turn saves an answer, then it starts from the version this store last wrote, and reads again only when another tab wrote since', async () => {
    const counting = new CountingRepository(connection);
    const store = new RepositoryDraftStore(counting);
    const draft = await counting.createDraft({ channel: 'webchat', userId: 'dl_next-turn' });
    await store.change(draft.reference, (dossier) => (dossier.collectivity = { name: 'Commune de Riom' }), newTurn());

    const before = counting.reads;
    await store.change(draft.reference, (dossier) => (dossier.collectivity = { ...dossier.collectivity, departement: '63' }), newTurn());
    const readsWhenUnchanged = counting.reads - before;
    await counting.updateWithRetry(draft.reference, (dossier) => ({ contact: { ...dossier.contact, name: 'Inès Bernard' } }));
    const saved = await store.change(draft.reference, (dossier) => (dossier.collectivity = { ...dossier.collectivity, population: 19_000 }), newTurn());

    // update() itself reads once to check the version; the store adds no read of its own.
    expect(readsWhenUnchanged).toBe(1);
    expect(saved).toMatchObject({ collectivity: { name: 'Commune de Riom', departement: '63', population: 19_000 }, contact: { name: 'Inès Bernard' } });
    expect(await counting.findByReference(draft.reference)).toMatchObject({ collectivity: { population: 19_000 }, contact: { name: 'Inès Bernard' }, version: draft.version + 4 });
  });

  test('When the draft was withdrawn from another tab after this turn read it, then the change is refused and the draft is left as it was', async () => {
    const store = new RepositoryDraftStore(repository);
    const draft = await repository.createDraft({ channel: 'webchat', userId: 'dl_withdrawn-elsewhere' });
    const turn = newTurn();
    await store.load(draft.reference, turn);
    await repository.transition(draft.reference, draft.version, { to: 'withdrawn', by: { role: 'applicant', id: 'dl_withdrawn-elsewhere' } });

    const change = store.change(draft.reference, (dossier) => (dossier.collectivity = { name: 'Trop tard' }), turn);

    await expect(change).rejects.toBeInstanceOf(DraftUnavailableError);
    expect((await repository.findByReference(draft.reference))?.collectivity.name).toBeUndefined();
  });
});
