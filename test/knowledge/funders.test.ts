// Reading the budget's other funders, and the financing plan's balance: pure rules of knowledge/.
import { budgetAdvice, budgetBalance, checkCompleteness, computeBudget } from '../../knowledge/completeness';
import { fundersNamedIn, fundersText, parseFunders, type Funder, type FundersAnswer } from '../../knowledge/funders';
import { buildDossier } from '../dossiers/buildDossier';

describe('fundersNamedIn (a funder said at another question)', () => {
  test.each<[string, Funder[]]>([
    ['la CAF met aussi 10 000 €', [{ name: 'CAF', amountEuros: 10_000 }]],
    ['le coût est de 20 000 €, la région apporte 4 000 €', [{ name: 'Région', amountEuros: 4_000 }]],
    ['10 000 € de la CAF', [{ name: 'CAF', amountEuros: 10_000 }]],
    ['la Fondation de France donne 2 500 €', [{ name: 'Fondation de France', amountEuros: 2_500 }]],
    ['la CAF met aussi 3000 et la région 2000', [{ name: 'CAF', amountEuros: 3_000 }, { name: 'Région', amountEuros: 2_000 }]],
    // Neither the State nor the collectivity, nor a funder without its amount.
    ['l’État finance 3000 €', []],
    ['la commune met 5000 €', []],
    ['la CAF participe', []],
    ['5 000 €', []],
  ])('When « %s » is said, then the funders read are %j', (text, expected) => {
    expect(fundersNamedIn(text)).toEqual(expected);
  });
});

describe('parseFunders', () => {
  test.each<[string, FundersAnswer]>([
    ['la CAF pour 3 000 € et la région 2 000 €', { kind: 'list', funders: [{ name: 'CAF', amountEuros: 3_000 }, { name: 'Région', amountEuros: 2_000 }] }],
    ['oui la caf 3000', { kind: 'list', funders: [{ name: 'Caf', amountEuros: 3_000 }] }],
    ['3 000 € de la CAF et 2 000 € de la région', { kind: 'list', funders: [{ name: 'CAF', amountEuros: 3_000 }, { name: 'Région', amountEuros: 2_000 }] }],
    ['La CAF : 3 000 €, la Région Auvergne-Rhône-Alpes : 12 500,50 €', { kind: 'list', funders: [{ name: 'CAF', amountEuros: 3_000 }, { name: 'Région Auvergne-Rhône-Alpes', amountEuros: 12_500.5 }] }],
    ['oui, le FSE à hauteur de 10 000 euros', { kind: 'list', funders: [{ name: 'FSE', amountEuros: 10_000 }] }],
    ['la Fondation de France 5 k€', { kind: 'list', funders: [{ name: 'Fondation de France', amountEuros: 5_000 }] }],
    ['la CAF 3000 et la région 2000, soit 5000 € au total', { kind: 'list', funders: [{ name: 'CAF', amountEuros: 3_000 }, { name: 'Région', amountEuros: 2_000 }] }],
    ['oui la CAF de l’Eure met 1 500 €', { kind: 'list', funders: [{ name: "CAF de l'Eure", amountEuros: 1_500 }] }],
    ['la CAF met aussi 3 000 €', { kind: 'list', funders: [{ name: 'CAF', amountEuros: 3_000 }] }],
    ['la région apporte 2000 et le département met 3 000 €', { kind: 'list', funders: [{ name: 'Région', amountEuros: 2_000 }, { name: 'Département', amountEuros: 3_000 }] }],
    ['la fondation Mettre en Lumière 2 000 €', { kind: 'list', funders: [{ name: 'Fondation Mettre en Lumière', amountEuros: 2_000 }] }],
    ['la CAF 8000 et la fondation de France', { kind: 'list', funders: [{ name: 'CAF', amountEuros: 8_000 }], unpriced: ['Fondation de France'] }],
    ['la CAF 3000 €, et c’est tout', { kind: 'list', funders: [{ name: 'CAF', amountEuros: 3_000 }] }],
    ['non, personne d’autre', { kind: 'none' }],
    ['Non', { kind: 'none' }],
    ['nous sommes seuls', { kind: 'none' }],
    ['aucun autre financeur', { kind: 'none' }],
    ['oui', { kind: 'yes' }],
    ['Oui !', { kind: 'yes' }],
  ])('When the official answers « %s », then it reads as %j', (text, expected) => {
    expect(parseFunders(text)).toEqual({ ok: true, value: expected });
  });

  test.each<[string, RegExp]>([
    ['oui la CAF et la région', /Indiquez aussi le montant apporté par chaque financeur/],
    ['3 000 €', /Je n’ai pas trouvé le nom du financeur qui apporte 3 000 €/],
    ['la CAF 0 €', /Le montant de « CAF » doit être supérieur à zéro/],
    ['', /Je n’ai pas compris/],
  ])('When the answer « %s » is incomplete, then it is refused with what is missing', (text, reason) => {
    const parsed = parseFunders(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });

  test('When more than twenty funders are listed, then the list is refused', () => {
    const many = Array.from({ length: 21 }, (_, index) => `la commune ${String.fromCharCode(65 + index)} ${index + 1} 000 €`).join(', ');
    const parsed = parseFunders(many);
    expect(!parsed.ok && parsed.reason).toMatch(/20 autres financeurs au plus/);
  });

  test('When funders are written out, then they read « a (x €), b (y €) et c (z €) »', () => {
    expect(fundersText([{ name: 'CAF', amountEuros: 3_000 }, { name: 'Région', amountEuros: 2_000 }, { name: 'FSE', amountEuros: 500 }]).replace(/[\u202f\u00a0]/g, ' ')).toBe('CAF (3 000 €), Région (2 000 €) et FSE (500 €)');
  });
});

describe('The financing plan’s balance', () => {
  // buildDossier: actions 150 000 €, State 100 000 €, cofinancing 50 000 €, a room valued 6 000 €.
  const plain = (text: string | undefined) => text?.replace(/[\u202f\u00a0]/g, ' ');

  test('When the other funders are added, then they count with the State and the cofinancing, and in-kind value does not', () => {
    const dossier = buildDossier({ commitments: [{ kind: 'cofinancing', amountEuros: 39_500 }, { kind: 'premises', detail: 'Salle', estimatedValueEuros: 6_000 }] });
    const totals = computeBudget({ ...dossier, budget: { otherFunders: [{ name: 'CAF', amountEuros: 3_000 }, { name: 'Région', amountEuros: 2_000 }] } });

    expect(totals.otherFundersEuros).toBe(5_000);
    expect(budgetBalance(totals)).toEqual({ fundedEuros: 144_500, gapEuros: 5_500 });
    expect(plain(budgetAdvice(totals))).toBe('Le plan de financement laisse 5 500 € sans financeur (coût des actions 150 000 € ; État, cofinancement de la collectivité et autres financeurs 144 500 €)');
  });

  test('When the funding exceeds the cost, then the advice says by how much; when it matches, there is none', () => {
    const over = computeBudget({ ...buildDossier(), budget: { otherFunders: [{ name: 'Fondation de France', amountEuros: 2_500.5 }] } });
    expect(plain(budgetAdvice(over))).toMatch(/^Le plan de financement dépasse le coût des actions de 2 500,50 €/);
    expect(budgetAdvice(computeBudget(buildDossier()))).toBeUndefined();
    expect(budgetAdvice(computeBudget({}))).toBeUndefined();
  });

  test('When the plan is unbalanced, then the review gets advice in the Budget section and the dossier stays complete', () => {
    const report = checkCompleteness({ ...buildDossier(), budget: { otherFunders: [{ name: 'CAF', amountEuros: 1_000 }] } });

    expect(report.complete).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([expect.objectContaining({ section: 'budget', code: 'budget_unbalanced', message: expect.stringContaining('ce n’est pas obligatoire pour déposer') })]);
  });
});
