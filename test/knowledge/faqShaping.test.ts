// Issue 14, second round: statements mixed with a question, choice questions, several questions
// in one message, the other scheme after a « Non », and answers that fit the chat.
import { MAX_ANSWER_LENGTH, loadBlindSet } from '../../knowledge/faq/blindEvaluation';
import { createFaqService, type FaqService } from '../../knowledge/faq/faqService';
import { analyzeQuestion } from '../../knowledge/faq/questionAnalysis';
import { fitParts, shorterVersions } from '../../knowledge/faq/answerShaping';
import { loadEvaluationSet } from '../../knowledge/faq/evaluate';

describe('Reading a message that mixes a statement and a question', () => {
  test('When a clause states something before the question, then it is context and the question is the only part', () => {
    const analyzed = analyzeQuestion('Le CTAI est négocié avec la préfecture ; qui signe le contrat au final, le maire ou le prefet ?');

    expect(analyzed.parts.map((p) => p.folded)).toEqual(['qui signe le contrat au final, le maire ou le prefet ?']);
    expect(analyzed.context).toContain('le ctai est negocie avec la prefecture');
    expect(analyzed.parts[0]?.choice).toEqual(['le maire', 'le prefet']);
  });

  test.each([
    ['Un CTAI est-il signé par le maire ou par le préfet ?', ['par le maire', 'par le prefet']],
    ['le CTAI ou le PTAI, lequel impose le logement ?', ['le ctai', 'le ptai']],
    ['Une communauté de communes ou une métropole, laquelle peut signer un CTAI ?', ['une communaute de communes', 'une metropole']],
  ])('When « %s » is read, then it is a choice between its two options, not a yes/no question', (question, options) => {
    const [part] = analyzeQuestion(question).parts;

    expect(part?.choice).toEqual(options);
    expect(part?.yesNo).toBe(false);
  });

  test.each(['Un PTAI peut-il porter sur le logement ou l’emploi ?', 'Le diagnostic est-il obligatoire ou conseillé pour un PTAI ?', 'les départements ou les régions peuvent-ils signer ?'])(
    'When « %s » asks yes or no about two things, then it stays a yes/no question',
    (question) => {
      const [part] = analyzeQuestion(question).parts;

      expect(part?.choice).toBeUndefined();
      expect(part?.yesNo).toBe(true);
    },
  );

  test('When a claim is followed by « est-ce vrai ? » in the same sentence, then the claim is the one yes/no part', () => {
    const analyzed = analyzeQuestion('le diagnostic est obligatoire pour un ctai, est-ce vrai ?');

    expect(analyzed.parts).toHaveLength(1);
    expect(analyzed.parts[0]?.yesNo).toBe(true);
  });
});

describe('FAQ answers to mixed, choice and multi-part messages', () => {
  let faq: FaqService;

  beforeAll(async () => {
    faq = await createFaqService();
  });

  test('When a statement precedes « qui signe, le maire ou le préfet ? », then the answer names the prefect first, from the seed, with no « Oui »', async () => {
    const result = await faq.answer('Le CTAI est négocié avec la préfecture ; qui signe le contrat au final, le maire ou le prefet ?');

    expect(result.answered).toBe(true);
    expect(result.answer).toMatch(/^Le préfet : /);
    expect(result.answer).toContain('signés par les préfets');
    expect(result.sources.length).toBeGreaterThan(0);
  });

  test.each([
    'Pour un CTAI : le diagnostic doit-il être terminé avant de déposer le dossier ?',
    'faut-il que le diagnostic soit termine au moment du depot d un ctai ?',
  ])('When « %s » asks by when the diagnostic must be done, then no « Oui » is given: the rule, and the date left to the prefecture', async (question) => {
    const result = await faq.answer(question);

    expect(result.answered).toBe(true);
    expect(result.answer).not.toMatch(/^(Oui|Non)\b/);
    expect(result.answer).toContain('diagnostic territorial');
    expect(result.answer).toContain('ne dit pas à quel moment');
    expect(result.answer).toContain('préfecture');
  });

  test('When a PTAI asks whether the diagnostic must be finished first, then « Non » still answers it: none is required', async () => {
    const result = await faq.answer('pour un PTAI faut il que le diagnostic soit fini avant ?');

    expect(result.answer).toMatch(/^Non : /);
  });

  test.each([
    ['le CTAI ou le PTAI, lequel impose le logement ?', /^Le CTAI : /, 'logement'],
    ['Un CTAI est-il signé par le maire ou par le préfet ?', /^Le préfet : /, 'préfet'],
    ['Une communauté de communes ou une métropole, laquelle peut signer un CTAI ?', /^Une métropole : /, 'métropoles'],
  ])('When asked « %s », then the answer opens on the option the seed bears out', async (question, opening, fact) => {
    const result = await faq.answer(question);

    expect(result.answer).toMatch(opening);
    expect(result.answer).toContain(fact);
  });

  test('When every part of a multi-part question is a detail the text is silent on, then the refusal names each part and where to ask', async () => {
    const result = await faq.answer('combien au maximum pour un PTAI ? et la date limite ?');

    expect(result.answered).toBe(false);
    expect(result.answer).toContain('« combien au maximum pour un PTAI »');
    expect(result.answer).toContain('« la date limite »');
    expect(result.answer).toContain('préfecture');
  });

  test('When one part of two is silent, then the other is answered and the silent one is named as typed', async () => {
    const result = await faq.answer('Qui signe un CTAI ? Et la date limite ?');

    expect(result.answered).toBe(true);
    expect(result.answer).toContain('préfet');
    expect(result.answer).toContain('Sur « la date limite », le texte ne le précise pas');
  });

  test('When « et en 2021 ? » follows « combien de métropoles en 2019-2020 ? », then it is read as the same question for 2021, not as a yes/no', async () => {
    const analyzed = analyzeQuestion('combien de métropoles en 2019-2020 ? et en 2021 ?');
    const result = await faq.answer('combien de métropoles en 2019-2020 ? et en 2021 ?');

    expect(analyzed.parts[1]?.yesNo).toBe(false);
    expect(result.answer).toContain('11 métropoles');
    expect(result.answer).toContain('sept nouveaux territoires');
    expect(result.answer).not.toContain('Oui');
  });

  test('When context clauses precede « ; pouvons-nous demander un PTAI ? », then the yes/no question is its own part and gets its verdict', async () => {
    const result = await faq.answer('Notre commune compte 4000 habitants, nous avons une association qui donne des cours de français ; pouvons-nous demander un PTAI ?');

    expect(result.answer).toMatch(/^Oui : /);
  });

  test('When a yes/no question in two parts asks about one item of a long list each, then both verdicts fit in one answer', async () => {
    const result = await faq.answer("Un PTAI peut-il financer la garde d'enfants, et la collectivité peut-elle se limiter à relayer la communication ?");

    expect(result.answer.length).toBeLessThanOrEqual(MAX_ANSWER_LENGTH);
    expect(result.answer.match(/Oui : /g)).toHaveLength(2);
    expect(result.answer).toContain('garde d’enfants');
    expect(result.answer).toContain('relais dans la communication');
  });
});

describe('A « Non » for the CTAI points to the PTAI when the seed allows it there', () => {
  let faq: FaqService;

  beforeAll(async () => {
    faq = await createFaqService();
  });

  test.each([
    ["Un CTAI peut-il se passer d'actions sur le logement ?", 'un ou plusieurs champs'],
    ['Le diagnostic est-il facultatif pour un CTAI ?', 'n’est pas requis'],
    ["Peut-on faire un CTAI sans stratégie d'ensemble ?", 'plus ponctuellement'],
    ['Le CTAI est-il ouvert à toute collectivité ?', 'toute collectivité'],
    ['Une communauté de communes peut-elle signer un CTAI ?', 'PTAI'],
  ])('When « %s », then the answer is « Non » and then says what the PTAI allows', async (question, alternative) => {
    const result = await faq.answer(question);

    expect(result.answer).toMatch(/^Non : /);
    expect(result.answer).toMatch(/PTAI/);
    expect(result.answer).toContain(alternative);
    expect(result.sources.length).toBeGreaterThanOrEqual(1);
  });

  test('When the PTAI itself is asked whether it is open to every collectivity, then the answer is « Oui »', async () => {
    expect((await faq.answer('Le PTAI est-il ouvert à toute collectivité ?')).answer).toMatch(/^Oui : /);
  });
});

describe('Amounts and bare questions', () => {
  let faq: FaqService;

  beforeAll(async () => {
    faq = await createFaqService();
  });

  test.each(["combien l'État consacre-t-il en tout ?", "Combien l'État met-il sur la table pour l'intégration ?", "Quel budget l'État alloue-t-il à la démarche ?"])(
    'When « %s » asks for the State’s total, then the answer gives the 9 millions of the seed',
    async (question) => {
      const result = await faq.answer(question);

      expect(result.answered).toBe(true);
      expect(result.answer).toContain('9 millions');
    },
  );

  test('When « Il me demande combien. » follows what the mayor read, then the question is read with what he read', async () => {
    const result = await faq.answer("Mon maire a lu dans la presse que l'État mobilise des crédits pour l'intégration des étrangers. Il me demande combien.");

    expect(result.answered).toBe(true);
    expect(result.answer).toContain('9 millions');
  });

  test.each(['c koi le montant max pour un ptai ?', 'Y a-t-il un plafond de financement pour un PTAI ?', 'Quel est le montant maximum de la subvention de l’État pour un PTAI ?'])(
    'When « %s » asks for a ceiling the text does not give, then it is declined, saying what the text gives instead',
    async (question) => {
      const result = await faq.answer(question);

      expect(result.answered).toBe(false);
      expect(result.answer).toMatch(/^Le texte ne fixe pas de montant maximal pour un PTAI : il indique seulement que le financement de l’État est d’ampleur variable, sans minimum\./);
      expect(result.answer).not.toContain('9 millions');
    },
  );

  test('When the ceiling of a CTAI is asked, then the refusal gives no amount at all', async () => {
    const result = await faq.answer('Quel est le montant maximum pour un CTAI ?');

    expect(result.answered).toBe(false);
    expect(result.answer).not.toMatch(/millions|ampleur variable/);
  });

  test('When the maximum for one PTAI is asked, then the total of the whole programme is not given as its ceiling', async () => {
    const result = await faq.answer('combien au maximum pour un PTAI ?');

    expect(result.answered).toBe(false);
    expect(result.answer).not.toContain('9 millions');
  });
});

describe('Phrases said in other words than the seed’s', () => {
  let faq: FaqService;

  beforeAll(async () => {
    faq = await createFaqService();
  });

  test.each([
    ['Quelle somme l’État a-t-il mise sur la table pour soutenir les actions locales ?', '9 millions'],
    ['Nous préparons un dossier. Quelle est l’enveloppe nationale mobilisée ?', '9 millions'],
    ['Les personnes reconnues réfugiées font-elles partie du public de la démarche ?', 'BPI'],
    ['Où trouver un bilan des actions conduites dans les contrats territoriaux ?', 'rapport'],
  ])('When « %s » is asked in words the seed does not use, then it is answered with the seed’s fact', async (question, fact) => {
    const result = await faq.answer(question);

    expect(result.answered).toBe(true);
    expect(result.answer).toContain(fact);
  });
});

describe('Calibrated refusals', () => {
  let faq: FaqService;

  beforeAll(async () => {
    faq = await createFaqService();
  });

  test.each([
    ['quel montant pour un CTAI ?', '9 millions'],
    ['Combien de départements ont signé un CTAI ?', 'départements'],
    ['Quel est le nombre de BPI en France ?', 'Diair'],
    ['Qui rédige le diagnostic territorial ?', 'diagnostic'],
  ])('When « %s » asks what the text does not give (a near fact would answer beside it), then it is declined with the prefecture to ask', async (question, nearFact) => {
    const result = await faq.answer(question);

    expect(result.answered).toBe(false);
    expect(result.answer).not.toContain(nearFact);
    expect(result.answer).toContain('préfecture');
  });

  test.each(['combien de métropoles en 2019 ?', 'combien de territoires en 2021 ?', 'Combien de champs pour un PTAI ?', 'Qui signe un CTAI ?'])('When « %s » is answered by the text, then it is still answered', async (question) => {
    expect((await faq.answer(question)).answered).toBe(true);
  });

  test('When the question is off topic, then the refusal says what the assistant is for and offers a CTAI/PTAI question, neither the prefecture nor service-public.fr', async () => {
    const result = await faq.answer('Donne-moi une recette de crêpes');

    expect(result.answered).toBe(false);
    expect(result.answer).toContain('une question sur les CTAI ou les PTAI');
    expect(result.answer).not.toContain('service-public.fr');
    expect(result.answer).not.toContain('préfecture');
    expect(result.answer.length).toBeLessThanOrEqual(MAX_ANSWER_LENGTH);
  });
});

describe('Answer length', () => {
  test(`When every question of the team set and of the dev splits is asked, then no answer is longer than ${MAX_ANSWER_LENGTH} characters and none ends mid-sentence`, async () => {
    const faq = await createFaqService();
    const set = loadEvaluationSet();
    const questions = [...set.answerable.map((q) => q.question), ...set.unanswerable, ...(['dev', 'fresh', 'fresh2', 'fresh3'] as const).flatMap((split) => loadBlindSet(split).map((q) => q.question))];
    const tooLong: string[] = [];
    const cut: string[] = [];

    for (const question of questions) {
      const { answer } = await faq.answer(question);
      if (answer.length > MAX_ANSWER_LENGTH) tooLong.push(`${answer.length} ${question}`);
      if (!/(?:[.!?…»)]|\[\d+\])$/.test(answer.trim())) cut.push(`${question} → ${answer}`);
    }

    expect(questions.length).toBeGreaterThan(500);
    expect(tooLong).toEqual([]);
    expect(cut).toEqual([]);
  });
});

describe('Shortening one part of an answer by whole sentences and clauses', () => {
  const amounts = 'Un PTAI peut mobiliser un financement de l’État d’ampleur variable, sans minimum, et s’inscrire dans un ou plusieurs champs (formation professionnelle, coordination linguistique…) [1].';

  test('When a sentence has an aside and a last clause, then its shorter versions drop them in turn and each still ends on its marker', () => {
    const versions = shorterVersions(amounts);

    expect(versions[0]).toBe(amounts);
    expect(versions).toContain('Un PTAI peut mobiliser un financement de l’État d’ampleur variable, sans minimum, et s’inscrire dans un ou plusieurs champs [1].');
    expect(versions).toContain('Un PTAI peut mobiliser un financement de l’État d’ampleur variable, sans minimum [1].');
    for (const version of versions) expect(version).toMatch(/ \[1\]\.$/);
  });

  test('When the clauses are items of a list or name places, then the sentence is never cut', () => {
    const signatories = 'Peuvent conclure un CTAI avec le préfet : les métropoles, les communautés urbaines, et les départements ou les régions qui se portent volontaires [1].';
    const places = 'En 2021, sept nouveaux territoires ont rejoint la démarche : les villes de Marseille et de Tours, ainsi que les métropoles de Rouen et de Montpellier [1].';

    expect(shorterVersions(signatories)).toEqual([signatories]);
    expect(shorterVersions(places)).toEqual([places]);
  });

  test('When a sentence ends on a long list, then its shorter versions lose one item at a time, down to three and « etc. »', () => {
    const list = 'De nombreux projets sont possibles : formation, emploi, mobilité, garde d’enfants, coordination linguistique [1].';
    const versions = shorterVersions(list);

    expect(versions.slice(0, 3)).toEqual([
      list,
      'De nombreux projets sont possibles : formation, emploi, mobilité, garde d’enfants, etc. [1]',
      'De nombreux projets sont possibles : formation, emploi, mobilité, etc. [1]',
    ]);
  });

  test('When a part has several sentences, then the later ones go before the first is shortened', () => {
    const versions = shorterVersions(`Le CTAI est signé par le préfet [1]. ${amounts}`);

    expect(versions).toEqual(['Le CTAI est signé par le préfet [1]. ' + amounts, 'Le CTAI est signé par le préfet [1].']);
  });
});

describe('Several parts sharing the answer’s length', () => {
  const crowded = (labels: readonly string[]): string => `Posez à part ${labels.join(' et ')}.`;

  test('When three parts are too long together, then the longest is shortened and every part stays', () => {
    const long = ['A'.repeat(150) + ' [1]. ' + 'B'.repeat(150) + ' [1].', 'A'.repeat(150) + ' [1].'];
    const fitted = fitParts([long, ['C'.repeat(120) + ' [2].'], ['D'.repeat(100) + ' [3].']], ['a', 'c', 'd'], crowded, 400);

    expect(fitted).toEqual([long[1], 'C'.repeat(120) + ' [2].', 'D'.repeat(100) + ' [3].']);
    expect(fitted.join(' ').length).toBeLessThanOrEqual(400);
  });

  test('When the shortest versions still do not fit, then as few parts as possible give way, the later first, to a note naming them', () => {
    const part = (c: string): string[] => [`${c.repeat(170)} [1].`];
    const fitted = fitParts([part('A'), part('B'), part('C')], ['la première', 'la deuxième', 'la troisième'], crowded, 400);

    expect(fitted).toEqual([part('A')[0], part('B')[0], 'Posez à part la troisième.']);
  });

  test('When a part is a note itself (no label), then it never gives way', () => {
    const fitted = fitParts([[`${'A'.repeat(250)} [1].`], ['Sur « la date limite », le texte ne le précise pas.'], [`${'C'.repeat(200)} [2].`]], ['a', undefined, 'c'], crowded, 400);

    expect(fitted).toContain('Sur « la date limite », le texte ne le précise pas.');
    expect(fitted.join(' ').length).toBeLessThanOrEqual(400);
  });
});

describe('FAQ answers to questions in two and three parts within 400 characters', () => {
  let faq: FaqService;

  beforeAll(async () => {
    faq = await createFaqService();
  });

  test.each([
    ["qui signe un ctai ? c'est obligatoire le diagnostic ? et y a un minimum pour un ptai ?", ['préfet', 'Oui : ', 'Non : ', 'sans minimum']],
    ['Quelles métropoles se sont engagées en 2019-2020 ? Qui peut porter un PTAI ? Et le diagnostic est-il obligatoire pour un PTAI ?', ['Strasbourg', 'Toute collectivité', 'Non : ', 'n’est pas requis']],
    ["Quel engagement est attendu d'une collectivité pour un PTAI, et faut-il un diagnostic pour un CTAI ?", ['cofinancement', 'Oui : ', 'diagnostic territorial']],
    ['Qui signe un CTAI ? et y a-t-il un montant minimum pour un PTAI ?', ['préfet', 'Non : ', 'sans minimum']],
  ])('When « %s » is asked, then every part is answered within the length, none crowded out', async (question, facts) => {
    const result = await faq.answer(question);

    expect(result.answer.length).toBeLessThanOrEqual(MAX_ANSWER_LENGTH);
    for (const fact of facts) expect(result.answer).toContain(fact);
    expect(result.answer).not.toContain('ne tient pas');
    expect(result.answer).toMatch(/\[\d+\]\.?$/);
  });

  test('When a part can spell its names as acronyms, then it does so before another part loses items of its list', async () => {
    const result = await faq.answer('Quels domaines un CTAI peut-il couvrir, et à qui s’adressent les PTAI ?');

    expect(result.answer.length).toBeLessThanOrEqual(MAX_ANSWER_LENGTH);
    for (const fact of ['l’accès aux soins', 'à l’emploi', 'offres sportives et culturelles', 'toute collectivité']) expect(result.answer).toContain(fact);
  });

  test.each([
    ['Que peut apporter la collectivité comme engagement ? Et le cofinancement est-il obligatoire ?', /^Non : l’engagement attendu/, 'prêt d'],
    ['Quelles métropoles se sont engagées en 2019-2020, et un diagnostic est-il requis pour un PTAI ?', /^Non : /, 'Strasbourg'],
  ])('When the yes/no part of « %s » comes second, then its verdict opens the answer, even when the other part must be shortened for it', async (question, opening, fact) => {
    const result = await faq.answer(question);

    expect(result.answer).toMatch(opening);
    expect(result.answer).toContain(fact);
    expect(result.answer.length).toBeLessThanOrEqual(MAX_ANSWER_LENGTH);
  });

  test('When three parts cannot all fit, then the ones kept are whole and the one left is named as typed, not dropped silently', async () => {
    const result = await faq.answer('Quels territoires ont rejoint la démarche en 2021 ? Qui signe un CTAI ? Et y a-t-il un minimum de financement pour un PTAI ?');

    expect(result.answer.length).toBeLessThanOrEqual(MAX_ANSWER_LENGTH);
    expect(result.answer).toContain('Rouen et de Montpellier');
    expect(result.answer).toContain('sans minimum');
    expect(result.answer).toContain('Posez à part « Qui signe un CTAI »');
  });

  test('When a part is shortened, then its markers are renumbered over the sources still cited', async () => {
    const result = await faq.answer("qui signe un ctai ? c'est obligatoire le diagnostic ? et y a un minimum pour un ptai ?");
    const markers = [...result.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));

    expect(Math.max(...markers)).toBe(result.sources.length);
    expect(new Set(markers).size).toBe(result.sources.length);
  });
});
