import { formatPhone } from '../../knowledge/formatting';
import { summaryCard } from '../../dialogs/dossierSummary';
import { buildDossier } from '../dossiers/buildDossier';

describe('Phone numbers as a French reader writes them', () => {
  test.each([
    ['+33232508550', '02 32 50 85 50'],
    ['+33612345678', '06 12 34 56 78'],
    ['+3225551234', '+3225551234'],
  ])('When %s is shown, then it reads %s', (stored, shown) => {
    expect(formatPhone(stored)).toBe(shown);
  });

  test('When the review card shows the contact, then the phone is written 02 32 50 85 50, not +33232508550', () => {
    const dossier = buildDossier();
    dossier.contact = { ...dossier.contact, phone: '+33232508550' };
    const card = JSON.stringify(summaryCard(dossier).content);
    expect(card).toContain('02 32 50 85 50');
    expect(card).not.toContain('+33232508550');
  });
});
