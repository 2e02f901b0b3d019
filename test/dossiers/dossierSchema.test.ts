import { DossierReferenceSchema, DossierSchema, TEXT_LIMITS } from '../../dossiers/dossierSchema';
import { buildDossier, buildEmptyDraft } from './buildDossier';

describe('DossierSchema', () => {
  test('When a draft has no section filled yet, then it is valid with empty sections and lists', () => {
    const draft = buildEmptyDraft();

    expect(draft.collectivity).toEqual({});
    expect(draft.contact).toEqual({});
    expect(draft.fields).toEqual([]);
    expect(draft.commitments).toEqual([]);
    expect(draft.actions).toEqual([]);
    expect(draft.history).toEqual([]);
    expect(draft.notes).toEqual([]);
  });

  test('When free text has spaces, control characters and markup, then it is trimmed, cleaned and kept as plain text', () => {
    const dossier = buildDossier({ collectivity: { name: '  <b>Ville</b>\u0000 de Tours 🎉  ', kind: 'commune', departement: '37' } });

    expect(dossier.collectivity.name).toBe('<b>Ville</b> de Tours 🎉');
  });

  test('When a description keeps its line breaks, then they are normalised to \\n', () => {
    const dossier = buildDossier({ diagnostic: { status: 'done', summary: 'Ligne 1\r\nLigne 2' } });

    expect(dossier.diagnostic?.summary).toBe('Ligne 1\nLigne 2');
  });

  test.each([
    ['a name over the limit', { collectivity: { name: 'x'.repeat(TEXT_LIMITS.name + 1) } }, 'trop long'],
    ['a blank name', { collectivity: { name: '   ' } }, 'vide'],
    ['an invalid département', { collectivity: { departement: '20' } }, 'département'],
    ['an invalid SIREN', { collectivity: { siren: '123456789' } }, 'SIREN'],
    ['an e-mail not normalised', { contact: { email: 'Marie@Ville.fr' } }, 'électronique'],
    ['a phone not normalised', { contact: { phone: '06 12 34 56 78' } }, 'téléphone'],
    ['a negative amount', { commitments: [{ kind: 'cofinancing', amountEuros: -1 }] }, 'négatif'],
    ['a field chosen twice', { fields: ['housing', 'housing'] }, 'deux fois'],
    ['two actions with the same id', { actions: [{ id: 'a1', publics: [] }, { id: 'a1', publics: [] }] }, 'identifiant'],
  ])('When a dossier has %s, then it is refused with a French message', (_situation, overrides, message) => {
    const result = DossierSchema.safeParse({ ...buildEmptyDraft(), ...overrides });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join(' ')).toContain(message);
  });

  test('When a stored document carries MongoDB extras, then they are dropped from the Dossier', () => {
    const parsed = DossierSchema.parse({ ...buildEmptyDraft(), _id: 'abc', __v: 0 });

    expect(parsed).not.toHaveProperty('_id');
    expect(parsed).not.toHaveProperty('__v');
  });

  test.each([
    ['TI-2026-00042', true],
    ['TI-2026-123456', true],
    ['TI-26-00042', false],
    ['../etc/passwd', false],
    ['TI-2026-00042 ', false],
  ])('When the reference is %p, then its validity is %p', (reference, valid) => {
    expect(DossierReferenceSchema.safeParse(reference).success).toBe(valid);
  });
});
