// Review finding F7: a correction request reopens only the sections it names. The applicant cannot
// change another section, nor the collectivity's département (which decides who instructs it).
import { checkCorrection } from '../../knowledge/corrections';
import type { Dossier } from '../../dossiers/dossierSchema';
import { call, staffKey, submittedDossier, valueOf } from '../api/staffApiSupport';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const INSTRUCTEUR = { role: 'instructeur' as const, id: 'staff-69', name: 'Agent du Rhône' };

/** A dossier of the Rhône for which the instructeur asked corrections on `sections`. */
async function underCorrection(sections: Array<'contact' | 'actions' | 'collectivity'>): Promise<Dossier> {
  const submitted = await submittedDossier(app.repository, { departement: '69' });
  const reviewed = valueOf(await app.repository.transition(submitted.reference, submitted.version, { to: 'under_review', by: INSTRUCTEUR }));
  return valueOf(
    await app.repository.transition(reviewed.reference, reviewed.version, { to: 'changes_requested', by: INSTRUCTEUR, sections, reason: 'Le contact a changé.' }),
  );
}

describe('Corrections open only the requested sections', () => {
  test('When corrections are asked on the contact, then the applicant cannot move the dossier to another département, and it stays in the instructeur’s view', async () => {
    const dossier = await underCorrection(['contact']);
    const key = await staffKey(app.staffAccounts, 'instructeur', ['69']);

    const moved = await app.repository.update(dossier.reference, dossier.version, { collectivity: { ...dossier.collectivity, departement: '01' } });
    const seen = await call(app.url, `/api/dossiers/${dossier.reference}`, { key });

    expect(moved).toEqual({ ok: false, error: expect.objectContaining({ code: 'correction_outside_sections', departementChanged: true }) });
    expect((await app.repository.findByReference(dossier.reference))?.collectivity.departement).toBe('69');
    expect(seen.status).toBe(200);
  });

  test('When corrections are asked on the contact, then a change of the actions is refused and the contact can be corrected', async () => {
    const dossier = await underCorrection(['contact']);

    const actions = await app.repository.update(dossier.reference, dossier.version, { actions: [] });
    const contact = await app.repository.update(dossier.reference, dossier.version, { contact: { ...dossier.contact, name: 'Alex Durand' } });

    expect(actions).toEqual({ ok: false, error: expect.objectContaining({ code: 'correction_outside_sections', outside: ['actions'] }) });
    expect(contact.ok).toBe(true);
    expect((await app.repository.findByReference(dossier.reference))?.actions).toEqual(dossier.actions);
  });

  test('When corrections are asked on the collectivity, then its name may change but not its département', async () => {
    const dossier = await underCorrection(['collectivity']);

    const renamed = await app.repository.update(dossier.reference, dossier.version, { collectivity: { ...dossier.collectivity, name: 'Métropole du Grand Lyon' } });
    const current = valueOf(renamed);
    const moved = await app.repository.update(current.reference, current.version, { collectivity: { ...current.collectivity, departement: '01' } });

    expect(renamed.ok).toBe(true);
    expect(moved.ok).toBe(false);
  });

  test('When a whole unchanged dossier is written back with only the requested section changed (as the chat does), then it is accepted', () => {
    const before = { contact: { name: 'A' }, actions: [{ id: 'a1' }], collectivity: { departement: '69' }, skippedQuestions: [] };
    const after = { ...structuredClone(before), contact: { name: 'B' }, skippedQuestions: ['approach'] };

    expect(checkCorrection(before, after, Object.keys(before), ['contact'])).toEqual({ outside: [], departementChanged: false });
    expect(checkCorrection(before, { ...after, actions: [] }, Object.keys(before), ['contact']).outside).toEqual(['actions']);
    expect(checkCorrection(before, after, Object.keys(before), ['budget']).outside).toEqual(['contact']);
  });
});
