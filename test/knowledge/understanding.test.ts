// The understanding step on its own: the phrases of issue 13, and the scores on the blind splits.
import { evaluateSplit } from '../../knowledge/understanding/evaluation/evaluate';
import { understand } from '../../knowledge/understanding/understand';
import type { Entities, Intent, Pending } from '../../knowledge/understanding/types';

const PHRASES: Array<[Pending, string, Intent, Entities]> = [
  ['none', 'Bonjour, je suis chargée de mission à la Métropole Rouen Normandie, on voudrait déposer une candidature pour un CTAI', 'apply', { collectivityName: 'Métropole Rouen Normandie', collectivityKind: 'metropole', role: 'chargée de mission', scheme: 'CTAI' }],
  ['none', 'je voudrais préparer une candidature', 'apply', {}],
  ['none', 'je veux commencer le dossier de candidature', 'apply', {}],
  ['none', 'nous sommes le département de la Gironde et on aimerait contractualiser avec l’État', 'apply', { collectivityName: 'Département de la Gironde', collectivityKind: 'departement', departement: '33' }],
  ['collectivity.departement', 'Eure, 27', 'answer', { departement: '27' }],
  ['collectivity.departement', 'on est en seine maritime, le 76', 'answer', { departement: '76' }],
  ['collectivity.departement', 'en Seine-Maritime (76)', 'answer', { departement: '76' }],
  ['collectivity.departement', 'dans l’Aveyron', 'answer', { departement: '12' }],
  ['collectivity.population', '1,7 million', 'answer', { population: 1_700_000 }],
  ['action.cost', '100k€', 'answer', { amount: 100_000, cost: 100_000 }],
  ['action.cost', 'cinquante mille euros', 'answer', { amount: 50_000, cost: 50_000 }],
  ['collectivity.siren', 'je ne l’ai pas sous la main', 'answer', { skip: true }],
  ['scheme.choice', 'le contrat, donc CTAI', 'answer', { scheme: 'CTAI' }],
  ['contact.name', 'c’est moi, Claire Lefebvre', 'answer', { personName: 'Claire Lefebvre' }],
  ['contact.name', 'c’est moi, Dupont', 'answer', { personName: 'Dupont' }],
  ['contact.name', 'ma collègue Sophie Durand qui gère le dossier', 'answer', { personName: 'Sophie Durand' }],
  ['contact.name', 'euh la personne ce serait plutôt claire lefebvre je pense', 'answer', { personName: 'Claire Lefebvre' }],
  ['contact.role', 'chargée de mission à la Métropole de Lyon', 'answer', { role: 'chargée de mission', collectivityKind: 'metropole' }],
  ['collectivity.departement', 'département 44', 'answer', { departement: '44' }],
  ['contact.phone', 'pas de tel.', 'answer', { skip: true }],
  // Simulated officials of test/dialogs/personasExtra.test.ts (each failed before its fix).
  ['none', 'Bonjour, la Communauté de communes du Grand Figeac souhaiterait signer un CTAI avec la préfecture du Lot.', 'apply', { collectivityName: 'Communauté de communes du Grand Figeac', collectivityKind: 'communaute_de_communes', departement: '46', scheme: 'CTAI' }],
  ['collectivity.siren', 'nous n’avons pas le SIREN sous les yeux', 'answer', { skip: true }],
  ['contact.phone', 'supprimez-le', 'answer', { skip: true }],
  ['actions.more', 'Avant cela, je dois corriger le budget : l’action 1 coûte 140 000 € et non 120 000 €.', 'correct', { actionIndex: 1, amount: 140_000, target: 'action.cost' }],
  ['review.menu', 'Le financement demandé à l’État pour l’action 2 est de 40 000 €, pas 45 000 €.', 'correct', { actionIndex: 2, amount: 40_000, target: 'action.stateShare' }],
  // Simulated officials of test/dialogs/personasMore.test.ts (each failed before its fix).
  ['collectivity.siren', 'pa de siren', 'answer', { skip: true }],
  ['collectivity.siren', 'je ne le connais pas', 'answer', { skip: true }],
  ['none', 'bjr je veu faire une candidatur pour la mairie d aubenas', 'apply', { collectivityName: 'Aubenas', collectivityKind: 'commune' }],
  ['contact.name', 'c moi kevin dupuis', 'answer', { personName: 'Kevin Dupuis' }],
  ['contact.role', 'agent administratf', 'answer', { role: 'agent administratf' }],
  ['scheme.approach', 'jsute des actions sur la mobilitée', 'answer', { approach: 'targeted', fields: ['mobility'] }],
  ['scheme.diagnostic', 'ya pas de diagnostic', 'answer', { diagnostic: 'none' }],
  ['fields.selection', 'oups g mis 12 000 hab c 13 000', 'correct', { population: 13_000, target: 'collectivity.population' }],
  ['scheme.diagnosticFile', 'Je vous l’enverrai plus tard.', 'answer', { skip: true }],
  ['action.title', 'Excusez-moi, l’adresse électronique correcte est yann.le-goff@bretagne.bzh.', 'correct', { email: 'yann.le-goff@bretagne.bzh', target: 'contact.email' }],
  ['action.description', 'une navette le mercredi, ca coute 4000 e dont 2000 e de l etat', 'answer', { amount: 2_000, cost: 4_000, stateShare: 2_000 }],
  ['review.menu', 'On peut déposer ?', 'answer', {}],
  ['contact.role', 'chargée de mission politique de la ville', 'answer', { role: 'chargée de mission politique de la ville' }],
  // Walkthrough of 2026-12-03: an elided « d' » typed as a space lost the field.
  ['fields.selection', 'garde d enfants et formation linguistique', 'answer', { fields: ['childcare', 'language'] }],
  // A removal names the field: it leaves the fields chosen (no need to open the question).
  ['review.menu', 'enlevez le logement des champs', 'correct', { fields: ['housing'], target: 'fields.selection' }],
  ['action.description', 'Une rencontre avec les employeurs locaux. Elle coûte 8 000 € dont 3 000 € demandés à l’État.', 'answer', { amount: 3_000, cost: 8_000, stateShare: 3_000 }],
  ['contact.role', 'je suis adjoint au maire chargé des solidarités', 'answer', { role: 'adjoint au maire chargé des solidarités' }],
  ['contact.role', 'ah pardon je me suis trompée de département, c’est le 76 pas le 27', 'correct', { departement: '76', target: 'collectivity.departement' }],
  ['scheme.approach', 'non, le contact c’est Paul Martin', 'correct', { personName: 'Paul Martin', target: 'contact.name' }],
  ['fields.selection', 'en fait on préfère un PTAI', 'correct', { scheme: 'PTAI', target: 'scheme.choice' }],
  ['commitments.kinds', 'un cofinancement de 50 000 € et on met un agent à disposition', 'answer', { commitments: ['cofinancing', 'staff'], amount: 50_000 }],
  ['scheme.approach', 'des actions ciblées, sur la garde d’enfants et la mobilité', 'answer', { approach: 'targeted', fields: ['childcare', 'mobility'] }],
  ['contact.email', 'où en suis-je ?', 'progress', {}],
  ['contact.email', 'attendez, c’est quoi un BPI ?', 'question', { publics: ['bpi'] }],
  ['contact.email', 'excusez-moi mais c’est quoi un BPI ?', 'question', { publics: ['bpi'] }],
  ['review.menu', 'modifier le contact, le nom est mal enregistré', 'edit', { target: 'contact.name' }],
  ['collectivity.name', 'non je voulais le contact', 'edit', { target: 'contact.name' }],
  ['review.menu', 'modifier l’e-mail du contact', 'edit', { target: 'contact.email' }],
  ['review.menu', 'changer le coût de l’action 2', 'edit', { target: 'action.cost', actionIndex: 2 }],
  ['submitted', 'où en suis-je', 'progress', {}],
  ['submitted', 'résumé', 'summary', {}],
  ['submitted', 'quel est le statut de mon dossier TI-2026-00002 ?', 'status', { reference: 'TI-2026-00002' }],
  ['review.menu', 'c’est bon on dépose', 'answer', {}],
  // Chit-chat and feedback typed at a free-text question are no answer to it.
  ['contact.role', 'merci', 'chitchat', {}],
  ['contact.name', 'merci !', 'chitchat', {}],
  ['contact.role', 'c’est super pratique votre truc', 'feedback', {}],
  ['collectivity.name', 'très pratique cet outil', 'feedback', {}],
  // Command words typed with a typo still name what to edit.
  ['review.menu', 'modifer le budjet', 'edit', { section: 'budget', target: 'budget' }],
  ['review.menu', 'changer le mial du contact', 'edit', { target: 'contact.email' }],
  // Walkthrough of 2026-12-06: a command word inside a free-text answer is part of the answer.
  ['action.description', 'Trois sessions de 12 semaines d\'ateliers FLE orientés metiers du batiment et de l\'aide a domicile, au centre social de Montreynaud, a partir de mars 2027.', 'answer', { number: 12 }],
  ['action.title', 'Des ateliers de conversation qui recommencent en septembre', 'answer', {}],
  ['action.carrier', 'elle est portée par l’association Aide et Source de Louviers', 'answer', {}],
  ['action.description', 'aide svp', 'help', {}],
  ['action.description', 'de l’aide ?', 'help', {}],
  ['action.description', 'j’ai besoin d’aide', 'help', {}],
  ['contact.role', 'stop, je reprendrai demain', 'cancel', {}],
  // After the prefecture wrote: a statement that answers it is the reply; only a question on the dossier asks its status.
  ['submitted', 'oui bien sur, elle passe en conseil le 15 janvier, je vous l’envoie juste apres', 'reply_prefecture', { number: 15 }],
  ['submitted', 'elle passe en conseil le 15 janvier', 'reply_prefecture', { number: 15 }],
  ['submitted', 'je vous l’envoie dès que possible', 'reply_prefecture', {}],
  ['submitted', 'ci-joint la délibération', 'reply_prefecture', {}],
  ['submitted', 'où en est mon dossier ?', 'status', {}],
  // At the review, asking whether to submit, in the present (« on dépose ? »), is choosing to submit.
  ['review.menu', 'ok c’est bon on depose ?', 'answer', {}],
  ['review.menu', 'bon, on envoie ?', 'answer', {}],
  // A number in brackets after one of the same unit is an aside: the people, not the households.
  ['action.beneficiaries', 'surtout des BPI, une soixantaine de personnes (25 menages)', 'answer', { publics: ['bpi'], count: 60 }],
  ['action.cost', '12 000 € (dont 2 000 € de matériel)', 'answer', { amount: 12_000, cost: 12_000 }],
  // An elision typed with a space (« c est quoi ») is read as the FAQ reads it: a question, at any question on screen.
  ['commitments.kinds', 'attendez, c est quoi un bpi', 'question', { publics: ['bpi'] }],
  ['contact.role', 'qu est ce qu un EPCI', 'question', {}],
  // « au fait » is an opener, not « (diagnostic) fait ».
  ['scheme.diagnostic', 'au fait c’est pas une commune c’est une communauté de communes', 'correct', { target: 'collectivity.kind', collectivityKind: 'communaute_de_communes' }],
  // A change of mind on the housing question, at any later question.
  ['action.title', 'je vous ai dit non pour le logement, mais en fait oui', 'correct', { target: 'scheme.housing', yesNo: true }],
  ['contact.email', 'je vous ai dit non pour le logement, mais en fait oui', 'correct', { target: 'scheme.housing', yesNo: true }],
  ['action.cost', 'pour le logement, finalement non', 'correct', { target: 'scheme.housing', yesNo: false }],
  ['fields.selection', 'en fait oui pour le logement', 'answer', { fields: ['housing'] }],
  // Several values of one section corrected in one message: the section is corrected, with each value.
  ['action.title', 'Finalement le contact ce sera Marc Dubois, marc.dubois@ville.fr', 'correct', { target: 'contact', personName: 'Marc Dubois', email: 'marc.dubois@ville.fr' }],
  ['contact.name', 'deux corrections : on est dans le Calvados (14), et la population est de 12 000 habitants, pas 1 200', 'correct', { target: 'collectivity', departement: '14', population: 12_000 }],
  // A bare number that replaces one takes its unit; « j'ai mis » sets a value against the one replaced.
  ['commitments.amount', 'non pas 12 personnes, plutôt 20', 'correct', { target: 'action.beneficiaries', count: 20 }],
  ['contact.role', "j'avais mis 800 habitants, c'est 8 000", 'correct', { target: 'collectivity.population', population: 8_000 }],
  ['action.title', 'pop : 3 150 pas 31 500', 'correct', { target: 'collectivity.population', population: 3_150 }],
  ['scheme.diagnostic', 'nom collectivité : Lunel, pas Lunel-Viel', 'correct', { target: 'collectivity.name', collectivityName: 'Lunel' }],
  ['commitments.kinds', "j'ai oublié : ajouter la santé dans les champs", 'correct', { target: 'fields.selection', fields: ['health'] }],
  // Phrasing families read by rule.
  ['collectivity.kind', 'votre appli est vraiment sympa', 'feedback', {}],
  ['action.publics', 'les questions se répètent sans arrêt', 'feedback', {}],
  ['none', 'je voudrais effacer mon dossier', 'erase_data', {}],
  ['none', 'on peut continuer notre dossier ?', 'apply', {}],
  ['submitted', 'délibération envoyée hier par mail', 'reply_prefecture', {}],
  ['review.menu', 'Nous souhaitons déposer le dossier.', 'answer', {}],
  // On the kind question, a kind word typed with a slip (a letter left out, swapped or added inside).
  ['collectivity.kind', 'une comunauté de comunes', 'answer', { collectivityKind: 'communaute_de_communes' }],
  ['collectivity.kind', 'le conseil regionnal', 'answer', { collectivityKind: 'region' }],
  ['collectivity.kind', 'metorpole', 'answer', { collectivityKind: 'metropole' }],
];

describe('Understanding a message', () => {
  test.each(PHRASES)('When « %s » is pending and the official writes « %s », then it reads as %s with its entities', (pending, text, intent, entities) => {
    expect(understand(text, pending)).toMatchObject({ intent, entities });
    expect(understand(text, pending).entities).toEqual(entities);
  });

  test('When a message names another question than the one on screen and gives a value of its type, then it corrects that question', () => {
    expect(understand('siren faux -> 200 040 715', 'action.title')).toMatchObject({ intent: 'correct', entities: { target: 'collectivity.siren', siren: '200040715' } });
    expect(understand('oups le mail du contact c claire.lefebvre@rouen.fr pas ce que jai mis', 'fields.selection')).toMatchObject({ intent: 'correct', entities: { target: 'contact.email', email: 'claire.lefebvre@rouen.fr' } });
    expect(understand('dépt = 2A, pas 2B', 'contact.name')).toMatchObject({ intent: 'correct', entities: { target: 'collectivity.departement', departement: '2A' } });
    // Values of the section on screen said with its answer, or a skip with another value, are no correction.
    expect(understand('un cofinancement de 50 000 € et on met un agent à disposition', 'commitments.kinds').intent).toBe('answer');
    expect(understand('passer, et on a 230000 habitants', 'collectivity.siren')).toMatchObject({ intent: 'answer', entities: { skip: true, population: 230000 } });
    expect(understand('Département de la Haute-Vienne', 'collectivity.name').intent).toBe('answer');
  });

  test('When an answer comes before a question, then the answer part is set apart for the question on screen', () => {
    expect(understand('76. c’est quoi un BPI ?', 'collectivity.departement')).toMatchObject({ intent: 'question', answerPart: '76', core: 'c’est quoi un BPI ?' });
    expect(understand('Si on part sur une stratégie d’ensemble, ça veut dire qu’on est en CTAI ?', 'scheme.approach').answerPart).toBeUndefined();
  });

  test('When a message only asks (two questions in a row, or a subject set before « cela »), then it is a question with no answer part', () => {
    expect(understand('ctai c signé par qui ? le prefet ?', 'scheme.choice')).toMatchObject({ intent: 'question', entities: { scheme: 'CTAI' } });
    expect(understand('ctai c signé par qui ? le prefet ?', 'scheme.choice').answerPart).toBeUndefined();
    expect(understand('Bonjour, la coordination linguistique, cela recouvre quoi précisément ?', 'fields.selection').answerPart).toBeUndefined();
    expect(understand('Bonjour, la coordination linguistique, cela recouvre quoi précisément ?', 'fields.selection').intent).toBe('question');
  });

  test('When a question begins in the sentence before its question mark, then the answer part stops before it', () => {
    const said = 'Captation de 30 logements, accompagnement social pendant 18 mois a partir de mars 2027. qui signe le contrat au final, le prefet ?';
    expect(understand(said, 'action.description')).toMatchObject({ intent: 'question', answerPart: 'Captation de 30 logements, accompagnement social pendant 18 mois a partir de mars 2027', core: 'qui signe le contrat au final, le prefet ?' });
  });

  test('When an answer is followed by a value said to replace an earlier one, then it is an answer part and a correction; a value given early is not', () => {
    expect(understand("cofinancement à hauteur de 40000 euros + mise a dispo d'un agent a mi temps. Ah et au fait le tel c'est plutot le 02 38 79 45 12 en direct", 'commitments.kinds')).toMatchObject({ intent: 'correct', entities: { target: 'contact.phone', phone: '0238794512' } });
    expect(understand('Isère. SIREN 200040715 si besoin', 'collectivity.departement').intent).toBe('answer');
  });

  test('When a correction is followed by a statement, or a name is set against its own misspelling, then it is a correction', () => {
    expect(understand('Pardon, je me suis trompée : nous sommes la communauté de communes, et non la commune. Nous comptons 22 000 habitants.', 'collectivity.population')).toMatchObject({ intent: 'correct', entities: { target: 'collectivity.kind', collectivityKind: 'communaute_de_communes' }, answerPart: 'Nous comptons 22 000 habitants.' });
    expect(understand('Je me suis mal exprimé tout à l’heure : nous ne prévoyons pas d’actions en faveur du logement.', 'scheme.choice')).toMatchObject({ intent: 'correct', entities: { target: 'scheme.housing', yesNo: false } });
    expect(understand('dsl c gerard pons pas gerard pont', 'contact.email')).toMatchObject({ intent: 'correct', entities: { target: 'contact.name', personName: 'Gerard Pons' } });
    expect(understand('ah non attendez, le département c’est le 38 pas le 73', 'contact.role').entities.role).toBeUndefined();
  });

  test('When an optional question is left with « on saute » or « suivant », then it is skipped', () => {
    expect(understand('je préfère pas donner mon portable, on saute', 'contact.phone')).toMatchObject({ intent: 'answer', entities: { skip: true } });
    expect(understand('pas de tel, suivant', 'contact.phone').entities.skip).toBe(true);
  });

  test('When a collectivity or a policy is named where a person or a role is read, then it is neither', () => {
    expect(understand("le nom c'est pas Bonjour !! c'est Orléans Métropole", 'review.menu')).toMatchObject({ intent: 'correct', entities: { target: 'collectivity.name', collectivityName: 'Orléans Métropole' } });
    expect(understand("le nom c'est pas Bonjour !! c'est Orléans Métropole", 'review.menu').also).toBeUndefined();
    expect(understand('charge de mission politique de la ville et cohesion sociale', 'contact.role').entities.role).toBe('charge de mission politique de la ville et cohesion sociale');
    expect(understand("Bonjour, c'est pour Orleans Metropole (metropole, dans le Loiret 45), on a environ 290 000 habitants", 'collectivity.name').entities).toMatchObject({ collectivityName: 'Orleans Métropole', departement: '45', population: 290000 });
  });

  test('When a correction follows a free-text answer after « ah et au fait », then the answer part stops at its sentence', () => {
    const said = 'Des ateliers de français de sept 2027 a juin 2028. ah et au fait le mail c’est plutot jeanmarc.poulain@vierzon.fr';
    expect(understand(said, 'action.description')).toMatchObject({ intent: 'correct', answerPart: 'Des ateliers de français de sept 2027 a juin 2028.' });
  });

  test('When a name is hedged or only « c’est moi », then it is marked to confirm or to ask again', () => {
    expect(understand('je pense que ce sera Paul Martin', 'contact.name')).toMatchObject({ unsure: true, entities: { personName: 'Paul Martin' } });
    expect(understand('c’est moi', 'contact.name')).toMatchObject({ selfOnly: true, entities: {} });
    expect(understand('c’est moi, Claire Lefebvre', 'contact.name').unsure).toBeUndefined();
  });

  test('When the opener is removed, then the FAQ gets the question alone', () => {
    expect(understand('Excusez-moi mais c’est quoi un BPI ?', 'contact.email').core).toBe('c’est quoi un BPI ?');
  });
});

// Floors set just under the figures measured when the split was first scored (see README): a drop is a regression.
const FLOORS = {
  dev: { intent: 0.99, entityF1: 0.95, correctionsReadAsAnswers: 0 },
  'dev-fresh': { intent: 0.97, entityF1: 0.95, correctionsReadAsAnswers: 0 },
  // entity F1 0.805, not 0.81: « au fait » (an opener) is no longer read as « diagnostic fait », which costs one value the split labels
  'dev-fresh2': { intent: 0.925, entityF1: 0.81, correctionsReadAsAnswers: 0 },
  // first scored untouched at 83.8 % / F1 75.3 % / 14 corrections read as answers
  'dev-fresh3': { intent: 0.835, entityF1: 0.75, correctionsReadAsAnswers: 14 },
  // first scored untouched at 84.3 % / F1 78.0 % / 4 corrections read as answers (commit 50ca50f)
  'dev-fresh4': { intent: 0.835, entityF1: 0.77, correctionsReadAsAnswers: 4 },
  test: { intent: 0.85, entityF1: 0.83, correctionsReadAsAnswers: 5 },
  test2: { intent: 0.88, entityF1: 0.81, correctionsReadAsAnswers: 5 },
} as const;
const SIZES = { dev: 320, 'dev-fresh': 127, 'dev-fresh2': 200, 'dev-fresh3': 320, 'dev-fresh4': 268, test: 340, test2: 200 } as const;

describe('Scores on the held-out splits', () => {
  test.each(['dev', 'dev-fresh', 'dev-fresh2', 'dev-fresh3', 'dev-fresh4', 'test', 'test2'] as const)('When the %s split is scored, then intent accuracy and entity F1 stay above their floors', (split) => {
    const report = evaluateSplit(split);
    expect(report.utterances).toBe(SIZES[split]);
    expect(report.intentAccuracy).toBeGreaterThanOrEqual(FLOORS[split].intent);
    expect(report.entityF1).toBeGreaterThanOrEqual(FLOORS[split].entityF1);
    expect(report.correctionsReadAsAnswers).toBeLessThanOrEqual(FLOORS[split].correctionsReadAsAnswers);
  });
});
