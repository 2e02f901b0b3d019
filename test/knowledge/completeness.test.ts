import { checkCompleteness, computeBudget, firstIncompleteSection, SECTION_LABELS, SectionIdSchema, type DossierContent, type ProblemCode, type SectionId } from '../../knowledge/completeness';
import { formatEuros } from '../../knowledge/formatting';
import type { Dossier } from '../../dossiers/dossierSchema';
import { buildDossier, buildEmptyDraft } from '../dossiers/buildDossier';

function codesOf(dossier: DossierContent): Array<[SectionId, ProblemCode]> {
  return checkCompleteness(dossier).problems.map((problem) => [problem.section, problem.code]);
}

const complete = buildDossier();
const [housingAction, languageAction] = complete.actions;
if (!housingAction || !languageAction) throw new Error('The factory must build two actions');

describe('checkCompleteness', () => {
  test('When a CTAI dossier of a métropole is fully filled in, then it is complete with no warning', () => {
    const report = checkCompleteness(complete);

    expect(report).toEqual({ complete: true, problems: [], warnings: [] });
  });

  test('When a draft has just been created, then every section reports what is missing', () => {
    const report = checkCompleteness(buildEmptyDraft());

    expect(report.complete).toBe(false);
    expect(new Set(report.problems.map((problem) => problem.section))).toEqual(new Set(['collectivity', 'contact', 'scheme', 'fields', 'commitments', 'actions']));
    expect(firstIncompleteSection(report)).toBe('collectivity');
  });

  test.each<[string, Partial<Dossier>, Array<[SectionId, ProblemCode]>]>([
    ['the collectivity has no name', { collectivity: { kind: 'metropole', departement: '69' } }, [['collectivity', 'collectivity_name_missing']]],
    ['the collectivity kind is missing', { collectivity: { name: 'Lyon', departement: '69' } }, [['collectivity', 'collectivity_kind_missing']]],
    ['the département is missing', { collectivity: { name: 'Métropole de Lyon', kind: 'metropole' } }, [['collectivity', 'collectivity_departement_missing']]],
    ['the contact is empty', { contact: {} }, [['contact', 'contact_name_missing'], ['contact', 'contact_role_missing'], ['contact', 'contact_email_missing']]],
    ['no scheme is chosen', { scheme: undefined }, [['scheme', 'scheme_missing']]],
    ['the approach and the diagnostic are unknown', { approach: undefined, diagnostic: undefined }, [['scheme', 'approach_missing'], ['scheme', 'diagnostic_missing']]],
    ['a communauté de communes chose a CTAI', { collectivity: { name: 'CC du Pays de Gex', kind: 'communaute_de_communes', departement: '01' } }, [['scheme', 'ctai_kind_not_allowed']]],
    ['a CTAI has no diagnostic', { diagnostic: { status: 'none' } }, [['scheme', 'ctai_diagnostic_missing']]],
    [
      'a CTAI has neither the housing field nor a housing action',
      { fields: ['language'], actions: [languageAction] },
      [['fields', 'ctai_housing_field_missing'], ['actions', 'ctai_housing_action_missing']],
    ],
    ['a CTAI has the housing field but no housing action', { actions: [languageAction] }, [['actions', 'ctai_housing_action_missing']]],
    ['no field is chosen', { scheme: 'PTAI', fields: [], actions: [] }, [['fields', 'fields_missing'], ['actions', 'actions_missing']]],
    ['an action belongs to a field that is not chosen', { fields: ['housing'] }, [['actions', 'action_field_not_chosen']]],
    ['there is no commitment', { commitments: [] }, [['commitments', 'commitments_missing']]],
    ['there is no action', { fields: ['housing'], actions: [] }, [['actions', 'actions_missing'], ['actions', 'ctai_housing_action_missing']]],
    ['the State funding requested exceeds the cost', { actions: [housingAction, { ...languageAction, stateFundingEuros: 45_000 }] }, [['actions', 'state_funding_exceeds_cost']]],
    ['an action is half described', { actions: [housingAction, { id: 'a2', title: 'Cours de français', field: 'language', publics: [] }] }, [['actions', 'action_incomplete']]],
  ])('When %s, then the problems are %p', (_situation, overrides, expected) => {
    expect(codesOf(buildDossier(overrides))).toEqual(expected);
  });

  test('When a chosen field has no action, then it is advice at review, never a blocker: the seed asks no action per field', () => {
    const report = checkCompleteness(buildDossier({ fields: ['housing', 'language', 'mobility'] }));

    expect(report.complete).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([expect.objectContaining({ section: 'actions', code: 'field_without_action', message: expect.stringContaining('Mobilité') })]);
  });

  test.each<[string, Dossier['commitments'][number], RegExp]>([
    ['cofinancing without amount', { kind: 'cofinancing', detail: 'Budget politique de la ville' }, /montant du cofinancement/],
    ['premises without which room', { kind: 'premises', estimatedValueEuros: 3_000 }, /salle prêtée/],
    ['staff without how much time', { kind: 'staff' }, /temps de personnel/],
    ['association support without which association', { kind: 'association_support' }, /association soutenue/],
    ['communication without detail', { kind: 'communication' }, /relais de communication/],
    ['another commitment without detail', { kind: 'other' }, /Décrivez cet engagement/],
  ])('When a commitment is %s, then the official is asked for that detail', (_situation, commitment, message) => {
    const report = checkCompleteness(buildDossier({ commitments: [commitment] }));

    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ section: 'commitments', code: 'commitment_detail_missing', message: expect.stringMatching(message) });
  });

  test('When an action is half described, then the message names it and lists what is missing in French', () => {
    const report = checkCompleteness(buildDossier({ actions: [housingAction, { id: 'a2', title: 'Cours de français', field: 'language', publics: [] }] }));

    expect(report.problems[0]).toEqual({
      section: 'actions',
      code: 'action_incomplete',
      actionId: 'a2',
      message: 'L’action « Cours de français » est incomplète : il manque la description, le public visé, le nombre de bénéficiaires attendus, le coût, le financement demandé à l’État et le porteur.',
    });
  });

  test('When the State funding exceeds the cost, then both amounts are shown in French format', () => {
    const report = checkCompleteness(buildDossier({ actions: [housingAction, { ...languageAction, stateFundingEuros: 45_000 }] }));

    expect(report.problems[0]?.message).toBe(
      `Pour l’action « Cours de français à visée professionnelle », le financement demandé à l’État (${formatEuros(45_000)}) dépasse son coût (${formatEuros(30_000)}).`,
    );
    expect(report.problems[0]?.message).toContain('45\u202f000\u00a0€');
  });

  test('When amounts are negative, then each is reported in its section', () => {
    // The stored schema refuses negative amounts; the rules still guard the values they are given.
    const dossier: DossierContent = {
      ...complete,
      commitments: [{ kind: 'cofinancing', amountEuros: -10 }],
      actions: [{ ...housingAction, costEuros: -5, stateFundingEuros: 0 }, languageAction],
    };

    expect(codesOf(dossier)).toEqual([
      ['commitments', 'amount_negative'],
      ['actions', 'amount_negative'],
    ]);
  });

  test('When the CTAI problems come from the seed, then they carry the seed reference', () => {
    const report = checkCompleteness(buildDossier({ fields: ['language'], actions: [languageAction], commitments: [] }));

    expect(report.problems.filter((problem) => problem.ref).map((problem) => problem.ref?.id)).toEqual(['ctai-logement', 'engagement-collectivite', 'ctai-logement']);
  });

  test('When a communauté de communes chose a CTAI, then the message says why and advises a PTAI', () => {
    const report = checkCompleteness(buildDossier({ collectivity: { name: 'CC du Pays de Gex', kind: 'communaute_de_communes', departement: '01' } }));

    expect(report.problems[0]?.message).toContain('ne figure pas parmi les signataires des CTAI');
    expect(report.problems[0]?.message).toContain('PTAI');
  });

  test.each<[string, Partial<Dossier>, string]>([
    ['a commune chose a CTAI', { collectivity: { name: 'Ville de Tours', kind: 'commune', departement: '37' } }, 'ctai_prefecture_decides'],
    ['the CTAI diagnostic is only planned', { diagnostic: { status: 'planned' } }, 'ctai_diagnostic_planned'],
    ['a PTAI has no diagnostic', { scheme: 'PTAI', diagnostic: { status: 'none' } }, 'ptai_diagnostic_advised'],
  ])('When %s, then the dossier stays complete with a warning %p', (_situation, overrides, warning) => {
    const report = checkCompleteness(buildDossier(overrides));

    expect(report.complete).toBe(true);
    expect(report.warnings.map((item) => item.code)).toEqual([warning]);
  });

  test.each<[string, Partial<Dossier>]>([
    ['a commune chose a CTAI', { collectivity: { name: 'Ville de Tours', kind: 'commune', departement: '37' } }],
    ['the CTAI diagnostic is only planned', { diagnostic: { status: 'planned' } }],
  ])('When %s, then the warning says the text does not settle it, never that the prefecture decides', (_situation, overrides) => {
    const [warning] = checkCompleteness(buildDossier(overrides)).warnings;

    expect(warning?.message).toContain('le texte ne le précise pas ; la préfecture de votre département pourra vous renseigner');
    expect(warning?.message).not.toMatch(/préfecture qui (décid|dira)/);
  });

  test('When a PTAI has no housing action, then nothing is required about housing', () => {
    const report = checkCompleteness(buildDossier({ scheme: 'PTAI', approach: 'targeted', fields: ['language'], actions: [languageAction] }));

    expect(report.complete).toBe(true);
  });

  test('When sections are listed, then each has a French label, in conversation order', () => {
    expect(SectionIdSchema.options).toEqual(['collectivity', 'contact', 'scheme', 'fields', 'commitments', 'actions', 'budget']);
    expect(SECTION_LABELS.commitments).toBe('Engagements de la collectivité');
  });
});

describe('computeBudget', () => {
  test('When a dossier has actions and commitments, then the totals add them up', () => {
    const budget = computeBudget(
      buildDossier({
        commitments: [
          { kind: 'cofinancing', amountEuros: 50_000 },
          { kind: 'cofinancing', amountEuros: 2_500.5 },
          { kind: 'premises', detail: 'Salle des fêtes', estimatedValueEuros: 6_000 },
          { kind: 'staff', detail: 'Un agent à mi-temps', estimatedValueEuros: 18_000 },
          { kind: 'communication', detail: 'Magazine municipal' },
        ],
      }),
    );

    expect(budget).toEqual({
      actionsCostEuros: 150_000,
      stateFundingRequestedEuros: 100_000,
      cofinancingEuros: 52_500.5,
      inKindValueEuros: 24_000,
      collectivityContributionEuros: 76_500.5,
      otherFundersEuros: 0,
      stateFundingShare: 0.6667,
    });
  });

  test('When a dossier is empty, then the totals are zero and the share is unknown', () => {
    expect(computeBudget({})).toEqual({
      actionsCostEuros: 0,
      stateFundingRequestedEuros: 0,
      cofinancingEuros: 0,
      inKindValueEuros: 0,
      collectivityContributionEuros: 0,
      otherFundersEuros: 0,
      stateFundingShare: null,
    });
  });

  test('When amounts have cents, then the totals have no floating-point residue', () => {
    const budget = computeBudget({
      actions: [
        { id: 'a', costEuros: 0.1, stateFundingEuros: 0.1 },
        { id: 'b', costEuros: 0.2, stateFundingEuros: 0.2 },
      ],
    });

    expect(budget.actionsCostEuros).toBe(0.3);
    expect(budget.stateFundingShare).toBe(1);
  });

  test('When an action has no cost yet, then it counts as zero', () => {
    const budget = computeBudget({ actions: [{ id: 'a', title: 'En cours de saisie' }, { id: 'b', costEuros: 1_000, stateFundingEuros: 250 }] });

    expect(budget.actionsCostEuros).toBe(1_000);
    expect(budget.stateFundingShare).toBe(0.25);
  });
});
