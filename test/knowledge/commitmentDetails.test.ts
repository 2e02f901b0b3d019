// The detail of an in-kind commitment said with it, and whether a detail states its estimated value.
import { commitmentDetailsIn, detailStatesValue } from '../../knowledge/understanding/commitmentDetails';
import { COMMITMENT_KIND_LABELS } from '../../knowledge/schemes';

const ALL = ['cofinancing', 'premises', 'staff', 'communication', 'association_support', 'other'] as const;

describe('commitmentDetailsIn', () => {
  test.each([
    ['on met 20 000 euros et on prete une salle a la mediatheque', { premises: 'une salle a la mediatheque' }],
    ['cofinancement et un agent à mi-temps', { staff: 'un agent à mi-temps' }],
    ['la salle polyvalente, deux demi-journées par semaine, et une coordinatrice à mi-temps', { premises: 'la salle polyvalente, deux demi-journées par semaine', staff: 'une coordinatrice à mi-temps' }],
    ["on met 40 000 euros, et la salle c'est la maison des associations rue Jean Jaurès (valorisée environ 6000€/an)", { premises: 'la maison des associations rue Jean Jaurès (valorisée environ 6000€/an)' }],
    ['Nous cofinançons à hauteur de 80 000 € et nous ferons le relais dans le magazine municipal.', { communication: 'le relais dans le magazine municipal' }],
    ['une coordinatrice à mi-temps, valeur environ 22000 €', { staff: 'une coordinatrice à mi-temps, valeur environ 22000 €' }],
  ])('When « %s » is said, then the details are %j', (text, expected) => {
    expect(commitmentDetailsIn(text, ALL)).toEqual(expected);
  });

  test.each([...Object.values(COMMITMENT_KIND_LABELS), 'cofinancement et des locaux', 'une salle', 'des locaux municipaux', 'on met du personnel à disposition', 'relais dans la communication', 'nous ferons le relais dans la communication', 'on va prêter des locaux'])('When only the kind is named (« %s »), then no detail is read', (text) => {
    expect(commitmentDetailsIn(text, ALL)).toBeUndefined();
  });

  test('When the form said is not among the kinds chosen, then its detail is not read', () => {
    expect(commitmentDetailsIn('un agent à mi-temps', ['premises'])).toBeUndefined();
  });
});

describe('detailStatesValue', () => {
  test('When the detail writes the value in any form, then it states it; another amount or none does not', () => {
    expect(detailStatesValue('une coordinatrice, valeur environ 22000 €', 22_000)).toBe(true);
    expect(detailStatesValue('une coordinatrice, valorisée 22 k€', 22_000)).toBe(true);
    expect(detailStatesValue('une coordinatrice, valeur environ 20 000 €', 22_000)).toBe(false);
    expect(detailStatesValue('une coordinatrice à mi-temps', 22_000)).toBe(false);
    expect(detailStatesValue(undefined, 22_000)).toBe(false);
  });
});
