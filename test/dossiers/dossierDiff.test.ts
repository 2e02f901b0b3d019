import { changedSections, changesSincePreviousSubmission } from '../../dossiers/dossierDiff';

const ateliers = { id: 'act-1', title: 'Ateliers sociolinguistiques pour 40 adultes', field: 'language', costEuros: 8000, stateFundingEuros: 8000, beneficiaries: 12000, carrier: 'Alpha Louviers' };
const logement = { id: 'act-2', title: 'Accompagnement vers le logement', field: 'housing', costEuros: 20000, stateFundingEuros: 10000, beneficiaries: 35 };

function submitted(...contents: Record<string, unknown>[]) {
  return { submissions: contents.map((content, index) => ({ at: new Date(Date.UTC(2026, 11, 3, 16, index)), version: index + 1, content })) };
}

describe('What changed since the previous submission', () => {
  test('When an action is renamed and two of its values corrected, then the diff shows those three elements of that action, not a removed and an added action', () => {
    const renamed = { ...ateliers, title: 'Ateliers sociolinguistiques', costEuros: 12000, beneficiaries: 40 };

    const diff = changesSincePreviousSubmission(submitted({ actions: [ateliers, logement] }, { actions: [renamed, logement] }));

    expect(diff?.changes).toEqual([
      { section: 'actions', label: 'Ateliers sociolinguistiques › Intitulé', before: 'Ateliers sociolinguistiques pour 40 adultes', after: 'Ateliers sociolinguistiques' },
      { section: 'actions', label: 'Ateliers sociolinguistiques › Bénéficiaires', before: '12000', after: '40' },
      { section: 'actions', label: 'Ateliers sociolinguistiques › Coût', before: '8 000 €', after: '12 000 €' },
      { section: 'budget', label: 'Coût total des actions', before: '28 000 €', after: '32 000 €' },
    ]);
  });

  test('When an action is removed and another added, then each shows as removed or added under its own title', () => {
    const diff = changesSincePreviousSubmission(submitted({ actions: [ateliers] }, { actions: [logement] }));

    const labels = diff?.changes.map((change) => `${change.label} ${change.before ? 'avant' : ''}${change.after ? 'après' : ''}`);
    expect(labels).toContain('Accompagnement vers le logement › Intitulé après');
    expect(labels).toContain('Ateliers sociolinguistiques pour 40 adultes › Coût avant');
  });

  // The walkthrough of 2026-12-06: the budget went from 225 000 € to 255 000 € and was said « non modifiée ».
  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['an action’s cost', { actions: [ateliers] }, { actions: [{ ...ateliers, costEuros: 38000 }] }],
    ['the State’s share', { actions: [ateliers] }, { actions: [{ ...ateliers, stateFundingEuros: 6000 }] }],
    ['the cofinancing', { commitments: [{ kind: 'cofinancing', amountEuros: 5000 }] }, { commitments: [{ kind: 'cofinancing', amountEuros: 9000 }] }],
    ['the other funders', { budget: { otherFunders: [{ name: 'CAF', amountEuros: 2000 }] } }, { budget: { otherFunders: [{ name: 'CAF', amountEuros: 3000 }] } }],
  ])('When %s changes, then the budget section counts as changed and its totals show', (_what, before, after) => {
    expect(changedSections(before, after)).toContain('budget');
  });

  test('When only an action’s description changes, then the budget is not counted as changed', () => {
    expect(changedSections({ actions: [ateliers] }, { actions: [{ ...ateliers, description: 'Deux sessions.' }] })).toEqual(['actions']);
  });

  test('When only one submission exists, then there is nothing to compare', () => {
    expect(changesSincePreviousSubmission(submitted({ actions: [ateliers] }))).toBeUndefined();
  });
});
