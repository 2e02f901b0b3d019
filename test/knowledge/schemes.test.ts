import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  APPROACH_LABELS,
  COLLECTIVITY_KIND_LABELS,
  COMMITMENT_FORMS,
  housingCommitmentApplies,
  COMMITMENT_KIND_LABELS,
  CollectivityKindSchema,
  ctaiEligibility,
  DIAGNOSTIC_STATUS_LABELS,
  fieldOptionsFor,
  FIELD_LABELS,
  PUBLIC_LABELS,
  recommendScheme,
  SCHEME_CATALOGUE,
  SCHEME_LABELS,
  STATUS_LABELS,
  type CollectivityKind,
  type SchemeAnswers,
  type CtaiAllowance,
} from '../../knowledge/schemes';
import { SEED_REFERENCES } from '../../knowledge/seedReferences';

// The seed lives beside the repository (see DESIGN.md): every quote must be copied from it verbatim.
const SEED_PATH = path.resolve(__dirname, '../../../shared/seed/territoires-integration.txt');

describe('Seed references', () => {
  const seed = readFileSync(SEED_PATH, 'utf8');

  test.each(Object.values(SEED_REFERENCES).map((ref) => [ref.id, ref.quote]))('When the rule %p quotes the seed, then the quote appears verbatim in it', (_id, quote) => {
    expect(seed).toContain(quote);
  });

  test('When references are listed, then each id matches its key', () => {
    for (const [key, ref] of Object.entries(SEED_REFERENCES)) expect(ref.id).toBe(key);
  });
});

describe('Labels', () => {
  test.each([
    ['scheme', SCHEME_LABELS],
    ['kind', COLLECTIVITY_KIND_LABELS],
    ['field', FIELD_LABELS],
    ['commitment', COMMITMENT_KIND_LABELS],
    ['status', STATUS_LABELS],
    ['approach', APPROACH_LABELS],
    ['diagnostic', DIAGNOSTIC_STATUS_LABELS],
    ['public', PUBLIC_LABELS],
  ])('When the %s labels are listed, then each is a distinct, non-empty French text', (_name, labels) => {
    const values = Object.values(labels);

    expect(values.every((label) => label.trim().length > 0)).toBe(true);
    expect(new Set(values).size).toBe(values.length);
  });
});

describe('Scheme catalogue', () => {
  test('When the CTAI need areas are read, then they are those of the seed, housing included and mandatory', () => {
    expect(SCHEME_CATALOGUE.CTAI.needAreas.fields).toEqual(['health', 'rights', 'housing', 'language', 'employment', 'sport_culture']);
    expect(SCHEME_CATALOGUE.CTAI.mandatoryFields.fields).toEqual(['housing']);
    expect(SCHEME_CATALOGUE.CTAI.mandatoryFields.ref.quote).toContain('obligatoirement des actions en faveur de l’accès au logement');
  });

  test('When the diagnostic rules are read, then it is required for a CTAI and advised for a PTAI', () => {
    expect(SCHEME_CATALOGUE.CTAI.diagnostic.requirement).toBe('required');
    expect(SCHEME_CATALOGUE.PTAI.diagnostic.requirement).toBe('advised');
    expect(SCHEME_CATALOGUE.PTAI.diagnostic.ref.quote).toContain('n’est pas requis, même s’il est conseillé');
  });

  test('When the PTAI funding is read, then there is no minimum', () => {
    expect(SCHEME_CATALOGUE.PTAI.funding.minimumEuros).toBe(0);
    expect(SCHEME_CATALOGUE.PTAI.funding.ref.quote).toContain('sans minimum');
  });

  test('When the PTAI is read, then it is open to every kind of collectivity', () => {
    expect(SCHEME_CATALOGUE.PTAI.openTo.kinds).toEqual(CollectivityKindSchema.options);
  });

  test('When the forms of commitment are read, then they are those of the seed', () => {
    expect(COMMITMENT_FORMS.kinds).toEqual(['cofinancing', 'premises', 'staff', 'communication', 'association_support', 'other']);
    expect(COMMITMENT_FORMS.ref.quote).toContain('prêt d’une salle');
  });

  test('When the fields are offered for a CTAI, then its need areas come first and housing is required', () => {
    const options = fieldOptionsFor('CTAI');

    expect(options.suggested).toEqual(['health', 'rights', 'housing', 'language', 'employment', 'sport_culture']);
    expect(options.required).toEqual(['housing']);
    expect([...options.suggested, ...options.others].sort()).toEqual([...Object.keys(FIELD_LABELS)].sort());
  });

  test('When the fields are offered for a PTAI, then its examples come first and none is required', () => {
    const options = fieldOptionsFor('PTAI');

    expect(options.suggested).toEqual(['vocational_training', 'employment', 'social', 'mobility', 'childcare', 'language_coordination']);
    expect(options.required).toEqual([]);
    expect(options.others).toContain('housing');
  });
});

describe('housingCommitmentApplies', () => {
  test('When the scheme is a CTAI or not chosen yet, then the housing commitment applies; for a PTAI it does not', () => {
    expect([housingCommitmentApplies('CTAI'), housingCommitmentApplies(undefined), housingCommitmentApplies('PTAI')]).toEqual([true, true, false]);
  });
});

describe('ctaiEligibility', () => {
  test.each<[CollectivityKind, CtaiAllowance, string]>([
    ['metropole', true, 'ctai-signataires'],
    ['communaute_urbaine', true, 'ctai-signataires'],
    ['departement', true, 'ctai-signataires'],
    ['region', true, 'ctai-signataires'],
    ['commune', 'prefecture_decides', 'ctai-lettre-engagement'],
    ['other', 'prefecture_decides', 'ctai-signataires'],
    ['communaute_de_communes', false, 'ctai-signataires'],
    ['communaute_agglomeration', false, 'ctai-signataires'],
  ])('When a %s asks for a CTAI, then the answer is %p with the seed passage %p', (kind, allowed, refId) => {
    const result = ctaiEligibility(kind);

    expect(result.allowed).toBe(allowed);
    expect(result.reasons.map((reason) => reason.ref.id)).toContain(refId);
  });

  test('When a communauté de communes asks for a CTAI, then the reason advises a PTAI and mentions the prefecture', () => {
    const [reason] = ctaiEligibility('communaute_de_communes').reasons;

    expect(reason?.text).toMatch(/^Une communauté de communes ne figure pas parmi les signataires/);
    expect(reason?.text).toContain('PTAI');
    expect(reason?.text).toContain('préfecture');
  });

  test('When a commune asks for a CTAI, then it is told the text does not settle the point', () => {
    const texts = ctaiEligibility('commune').reasons.map((reason) => reason.text).join(' ');

    expect(texts).toContain('lettre d’engagement');
    expect(texts).toContain('pour les autres, le texte ne le précise pas');
  });

  // The seed never says who decides, nor that anyone judges a population: saying so would invent a rule.
  test('When any collectivity, diagnostic or population is given, then no reason claims the prefecture decides or judges', () => {
    const kinds = CollectivityKindSchema.options;
    const texts = kinds.flatMap((kind) =>
      (['done', 'planned', 'none'] as const).flatMap((diagnostic) =>
        recommendScheme({ kind, approach: 'strategy', diagnostic, housingCommitted: true, population: 30_000 }).reasons.map((reason) => reason.text),
      ),
    );

    expect(texts.filter((text) => /préfecture (qui décide|en juge|qui dira|décide)/.test(text))).toEqual([]);
  });
});

describe('recommendScheme', () => {
  const metropole: SchemeAnswers = { kind: 'metropole', approach: 'strategy', diagnostic: 'done', housingCommitted: true };

  test.each<[string, SchemeAnswers, 'CTAI' | 'PTAI', boolean, boolean | 'prefecture_decides']>([
    ['a métropole with a strategy and a diagnostic done', metropole, 'CTAI', true, true],
    ['a département with a strategy, housing not asked yet', { kind: 'departement', approach: 'strategy', diagnostic: 'done' }, 'CTAI', true, true],
    ['a métropole wanting targeted actions', { ...metropole, approach: 'targeted' }, 'PTAI', true, true],
    ['a communauté de communes wanting a strategy', { ...metropole, kind: 'communaute_de_communes' }, 'PTAI', false, false],
    ['a communauté d’agglomération wanting targeted actions', { ...metropole, kind: 'communaute_agglomeration', approach: 'targeted' }, 'PTAI', false, false],
    ['a métropole with a strategy but no diagnostic', { ...metropole, diagnostic: 'none' }, 'PTAI', false, false],
    ['a métropole with a strategy and a diagnostic planned', { ...metropole, diagnostic: 'planned' }, 'CTAI', true, 'prefecture_decides'],
    ['a métropole refusing housing actions', { ...metropole, housingCommitted: false }, 'PTAI', false, false],
    ['a large commune with a strategy', { ...metropole, kind: 'commune', population: 870_000 }, 'CTAI', true, 'prefecture_decides'],
    ['a small commune wanting targeted actions', { kind: 'commune', approach: 'targeted', diagnostic: 'none', population: 3_000 }, 'PTAI', false, false],
    ['a small commune wanting targeted actions with a diagnostic', { kind: 'commune', approach: 'targeted', diagnostic: 'done' }, 'PTAI', true, 'prefecture_decides'],
  ])('When %s, then %p is recommended (other allowed: %p, CTAI: %p)', (_situation, answers, recommended, otherAllowed, ctaiAllowed) => {
    const result = recommendScheme(answers);

    expect(result.recommended).toBe(recommended);
    expect(result.otherAllowed).toBe(otherAllowed);
    expect(result.ctai.allowed).toBe(ctaiAllowed);
    expect(result.reasons.length).toBeGreaterThan(0);
  });

  test('When a métropole gets a CTAI recommendation, then the reasons cite the strategy, the signatories and the PTAI left open', () => {
    const result = recommendScheme(metropole);

    expect(result.reasons.map((reason) => reason.ref.id)).toEqual(['ctai-cible', 'ctai-signataires', 'ptai-ouverture']);
  });

  test('When a communauté de communes gets a PTAI recommendation, then the reasons say why not a CTAI, with the seed quote', () => {
    const result = recommendScheme({ ...metropole, kind: 'communaute_de_communes' });

    const notSignatory = result.reasons.find((reason) => reason.ref.id === 'ctai-signataires');
    expect(notSignatory?.text).toContain('ne figure pas parmi les signataires');
    expect(notSignatory?.ref.quote).toBe(SEED_REFERENCES['ctai-signataires'].quote);
    expect(result.ctai.reasons[0]?.text).toContain('ne figure pas parmi les signataires');
  });

  test('When there is no diagnostic, then the reasons say a CTAI needs one and a PTAI does not require it', () => {
    const result = recommendScheme({ ...metropole, diagnostic: 'none' });

    const texts = result.reasons.map((reason) => reason.text);
    expect(texts).toContain('Un CTAI répond à des besoins identifiés par un diagnostic territorial : sans diagnostic, il n’est pas possible.');
    expect(texts).toContain('Un diagnostic préalable n’est pas requis pour un PTAI, même s’il est conseillé.');
  });

  test('When the diagnostic is only planned, then the reasons leave the decision to the prefecture', () => {
    const result = recommendScheme({ ...metropole, diagnostic: 'planned' });

    expect(result.ctai.reasons.some((reason) => reason.ref.id === 'ctai-diagnostic' && reason.text.includes('préfecture'))).toBe(true);
  });

  test('When housing actions are refused, then the reasons quote the mandatory housing rule', () => {
    const result = recommendScheme({ ...metropole, housingCommitted: false });

    expect(result.ctai.reasons.some((reason) => reason.ref.id === 'ctai-logement' && reason.text.includes('sans elles'))).toBe(true);
  });

  test('When a commune gives its population, then no threshold is invented: the text does not say from what size', () => {
    const result = recommendScheme({ ...metropole, kind: 'commune', population: 870_000 });

    expect(result.ctai.reasons.some((reason) => reason.text.includes('à partir de quelle population, le texte ne le précise pas'))).toBe(true);
  });
});

// Walkthrough stop 27, minor 19: a commune's recommendation was about 1,000 characters and said both « … pas les communes »
// and « Un CTAI reste envisageable si vous souhaitez finalement une stratégie d’ensemble ».
describe('The recommendation is short and keeps to the seed on who signs a CTAI', () => {
  const KINDS = ['commune', 'metropole', 'communaute_urbaine', 'communaute_de_communes', 'communaute_agglomeration', 'departement', 'other'] as const;
  const situations: SchemeAnswers[] = KINDS.flatMap((kind) =>
    (['strategy', 'targeted'] as const).flatMap((approach) =>
      (['done', 'planned', 'none'] as const).flatMap((diagnostic) =>
        [undefined, true, false].map((housingCommitted) => ({ kind, approach, diagnostic, ...(housingCommitted === undefined ? {} : { housingCommitted }), population: 11_500 })),
      ),
    ),
  );

  test.each(situations.map((answers) => [`${answers.kind}, ${answers.approach}, diagnostic ${answers.diagnostic}, housing ${String(answers.housingCommitted)}`, answers] as const))(
    'When %s, then the reasons hold in 350 characters and never say a CTAI is both closed and open',
    (_situation, answers) => {
      const result = recommendScheme(answers);
      const text = result.reasons.map((reason) => reason.text).join('\n');

      expect(text.length).toBeLessThanOrEqual(350);
      expect(text).not.toContain('pas les communes');
      // A CTAI the rules close is never said to remain possible, and one left open is never said to be closed.
      if (result.ctai.allowed === false) expect(text).not.toMatch(/CTAI (reste|serait)/);
      else expect(text).not.toMatch(/CTAI[^.]*n’est pas possible/);
      for (const reason of result.reasons) expect(reason.ref.quote.length).toBeGreaterThan(0);
    },
  );

  test('When a commune wants targeted actions with a diagnostic, then the CTAI is left to the prefecture, with the cities that joined in 2021', () => {
    const result = recommendScheme({ kind: 'commune', approach: 'targeted', diagnostic: 'done', population: 11_500 });

    const ctaiLine = result.reasons.find((reason) => reason.text.includes('CTAI'));
    expect(ctaiLine?.text).toBe('Un CTAI serait à voir avec la préfecture : les communes ne sont pas citées parmi ses signataires, mais des villes l’ont rejoint en 2021.');
    expect(ctaiLine?.ref.id).toBe('ctai-lettre-engagement');
  });
});
