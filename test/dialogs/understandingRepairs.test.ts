// Repairs found by a stranger's walkthrough (issue 13), through the real bot, dialogs and Bot Framework
// adapter over HTTP: one general mechanism each, checked in the saved dossier.
import { draftOf, type Exchange, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

/** The replies of one turn, as one text. */
/** From the menu to the first action's description, for a PTAI of the commune of Riom. */
const TO_DESCRIPTION: Exchange[] = [
  ['Préparer une candidature', 'nom'],
  ['Commune de Riom', 'Dans quel département'],
  ['63', 'SIREN'],
  ['passer', 'habitants'],
  ['passer', 'contacter'],
  ['Inès Bernard', 'fonction'],
  ['Directrice de la cohésion sociale', 'adresse'],
  ['ines.bernard@riom.fr', 'téléphone'],
  ['passer', 'stratégie'],
  ['actions ciblées', 'diagnostic'],
  ['aucun', 'Nous préparons donc un PTAI'],
  ['emploi', 'engagement'],
  ['cofinancement', 'Quel montant'],
  ['5 000 €', 'intitulé'],
  ['Job dating', 'champ'],
  ['emploi', 'Décrivez'],
];

describe('A sentence that answers the name question with other values', () => {
  test('When the collectivity is named with its kind, département, SIREN and population, then only the name is stored as the name and the other values are used, not asked', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ['Préparer une candidature', 'Quel est le nom'],
      ['Eurométropole de Metz (metropole, Moselle 57), siren 200039865, 230 000 habitants', ['J’ai aussi noté', 'SIREN : 200039865', 'Qui est la personne à contacter']],
    ]);
    expect((await draftOf(app, official)).collectivity).toMatchObject({ name: 'Eurométropole de Metz', kind: 'metropole', departement: '57', siren: '200039865', population: 230_000 });
  });

  test('When a long sentence on the collectivity name holds no name, then it is refused, not stored', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ['Préparer une candidature', 'Quel est le nom'],
      ['alors je vais vous expliquer un peu notre situation avant tout pour que ce soit clair ? merci', 'Quel est le nom'],
    ]);
    expect((await draftOf(app, official)).collectivity.name).toBeUndefined();
  });
});

describe('An eligibility question after « Poser une question »', () => {
  test('When « une commune de 3000 habitants peut elle faire un ctai » follows « Poser une question », then it is answered and no dossier is opened', async () => {
    const official = new TestConversation(app.url);
    await official.play([['Poser une question', 'posez votre question']]);
    for (const question of ['une commune de 3000 habitants peut elle faire un ctai', 'Une commune de 3 000 habitants peut-elle faire un CTAI ?', 'notre commune de 3000 habitants peut faire un ctai ?']) {
      const text = await replies(official, question);
      expect(text).not.toContain('J’ai ouvert le dossier');
      expect(text).toContain('Cette réponse vous a aidé');
    }
    expect(await app.repository.findDraftForOwner({ channel: 'test', userId: official.userId })).toBeNull();
  });
});

describe('Two things in one message', () => {
  test('When a long action description ends with « Au fait qui signe le contrat ? », then the description is kept, the question answered, and the next question asked', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_DESCRIPTION);
    const description =
      'Une rencontre trimestrielle entre les employeurs locaux et les personnes accompagnées, organisée avec France Travail et la mission locale, avec un atelier de préparation aux entretiens la semaine précédente et un suivi individuel pendant trois mois';
    const text = await replies(official, `${description}. Au fait qui signe le contrat ?`);
    expect(text).toContain('Sources');
    expect(text.lastIndexOf('public')).toBeGreaterThan(text.indexOf('Sources'));
    expect((await draftOf(app, official)).actions[0]?.description).toBe(description);
  });

  test('When an answer comes with a correction of an earlier answer, then both are kept and the next question is asked', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ['Préparer une candidature', 'nom'],
      ['Commune de Fécamp', 'Dans quel département'],
      ['27', 'SIREN'],
      ['passer', 'habitants'],
      ['passer', 'contacter'],
      ['Claire Lefebvre', 'fonction'],
      ['adjointe au maire', 'adresse'],
      ['claire.lefebvre@fecamp.fr et au fait le département c’est le 76, pas le 27', ['C’est corrigé : département : 76', 'téléphone']],
    ]);
    const draft = await draftOf(app, official);
    expect(draft.collectivity.departement).toBe('76');
    expect(draft.contact.email).toBe('claire.lefebvre@fecamp.fr');
  });
});

describe('Values said early', () => {
  test('When the SIREN is skipped in a sentence that gives the population, then the population is kept and not asked', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ['Préparer une candidature', 'nom'],
      ['Métropole de Metz', 'Dans quel département'],
      ['57', 'SIREN'],
      ['passer, et on a 230000 habitants', [/population : 230.000 habitants/, 'Qui est la personne à contacter']],
    ]);
    const draft = await draftOf(app, official);
    expect(draft.collectivity.population).toBe(230_000);
    expect(draft.skippedQuestions).toContain('collectivity.siren');
  });
});

/** A PTAI with two fields, one of them (mobility) still without an action, at « ajouter une autre action ». */
const TO_ANOTHER_ACTION: Exchange[] = [
  ...TO_DESCRIPTION.slice(0, 11),
  ['emploi et mobilité', 'engagement'],
  ...TO_DESCRIPTION.slice(12),
  ['Une rencontre avec les employeurs locaux.', 'public'],
  ['BPI', 'Combien'],
  ['30', 'coût'],
  ['8 000', 'financement'],
  ['3 000', 'porte'],
  ['La commune', ['Ces champs retenus n’ont pas encore d’action : mobilité', 'ajouter une autre action']],
];

describe('Amounts said early', () => {
  test('When the description gives « budget total 180 000 € dont 90 000 demandés à l’État », then the cost and the State share are kept and not asked', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_DESCRIPTION,
      ['Un forum de l’emploi sur deux jours, budget total 180 000 € dont 90 000 demandés à l’Etat', ['J’ai aussi noté', 'public']],
      ['BPI', 'Combien'],
      ['30', 'porte'],
    ]);
    expect((await draftOf(app, official)).actions[0]).toMatchObject({ costEuros: 180_000, stateFundingEuros: 90_000 });
  });
});

describe('Advice that follows the draft, and the way back to the review', () => {
  test('When the fields are corrected at « ajouter une autre action », then the stale advice is not repeated with the question', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_ANOTHER_ACTION);
    const text = await replies(official, 'en fait les champs c’est seulement emploi');
    expect(text).toContain('C’est corrigé : champs');
    expect(text).toContain('ajouter une autre action');
    expect(text).not.toContain('n’ont pas encore d’action');
    expect((await draftOf(app, official)).fields).toEqual(['employment']);
  });

  test('When a field is still without action at review, then the dossier can be submitted and the advice is shown', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_ANOTHER_ACTION,
      ['non', 'D’autres financeurs participent-ils au projet'],
      ['non', ['Votre dossier est complet', 'À savoir', 'Le champ « Mobilité » est retenu mais aucune action', 'Déposer le dossier']],
      ['Déposer le dossier', 'Confirmez-vous'],
      ['oui', 'Accusé de dépôt'],
    ]);
  });

  test('When one field is edited from the review, then only that field is asked and the review comes back', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_ANOTHER_ACTION, ['non', 'D’autres financeurs participent-ils au projet'], ['non', 'Que souhaitez-vous faire']]);
    for (const [edit, expected, value] of [
      ['modifier le titre de l’action 1', 'Actuellement : « Job dating »', 'Job dating 2026'],
      ['changer le nombre de bénéficiaires', 'Actuellement : « 30 »', '40'],
      ['modifier la population', 'habitants', '11 000'],
    ] as const) {
      await official.play([[edit, expected]]);
      const text = await replies(official, value);
      expect(text).toContain('Que souhaitez-vous faire');
      expect(text).not.toContain('ajouter une autre action');
    }
    await official.play([
      ['Modifier une section', 'Quelle section'],
      ['le téléphone du contact', ['modifions le téléphone du contact', 'téléphone']],
      ['04 73 00 00 00', 'Que souhaitez-vous faire'],
    ]);
    const draft = await draftOf(app, official);
    expect(draft.actions[0]).toMatchObject({ title: 'Job dating 2026', beneficiaries: 40 });
    expect(draft.collectivity.population).toBe(11_000);
    expect(draft.contact).toMatchObject({ name: 'Inès Bernard', phone: '+33473000000' });
  });

  test('When a phone number is typed on a name question, then it is refused, never stored as the name', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ['Préparer une candidature', 'Quel est le nom'],
      ['Commune de Riom', 'département'],
      ['63', 'SIREN'],
      ['passer', 'habitants'],
      ['passer', 'contacter'],
      ['04 73 00 00 00', ['Je n’ai pas trouvé de prénom et de nom', 'contacter']],
    ]);
    expect((await draftOf(app, official)).contact.name).toBeUndefined();
  });
});

describe('A change of mind on an earlier yes or no', () => {
  test('When « je vous ai dit non pour le logement, mais en fait oui » comes at the fields, then housing is yes, the recommendation is made again, and the journey comes back to the fields', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ['Préparer une candidature', 'Quel est le nom'],
      ['Métropole de Lyon', 'Dans quel département'],
      ['69', 'SIREN'],
      ['passer', 'habitants'],
      ['passer', 'personne à contacter'],
      ['Camille Martin', 'fonction'],
      ['Chargée de mission cohésion sociale', 'adresse électronique'],
      ['camille.martin@grandlyon.com', 'téléphone'],
      ['passer', 'stratégie d’ensemble'],
      ['Une stratégie d’ensemble', 'diagnostic territorial'],
      ['il est réalisé', 'joindre le fichier'],
      ['plus tard', 'Prévoyez-vous d’en inclure'],
      ['non', ['Nous préparons donc un PTAI', 'Dans quels champs']],
      ['je vous ai dit non pour le logement, mais en fait oui', ['C’est corrigé : actions en faveur de l’accès au logement : oui', 'Je vous recommande un **CTAI**', 'Quel dispositif retenez-vous']],
      ['CTAI', 'Dans quels champs'],
    ]);
    expect(await draftOf(app, official)).toMatchObject({ housingCommitted: true, scheme: 'CTAI' });
  });
});

describe('A whole section corrected in one message', () => {
  test('When « Finalement le contact ce sera Marc Dubois, marc.dubois@ville.fr » comes at a later question, then the name and the e-mail are both saved and said, and the question on screen comes back', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_DESCRIPTION.slice(0, 10),
      ['Finalement le contact ce sera Marc Dubois, marc.dubois@ville.fr', ['C’est corrigé', 'contact : Marc Dubois', /e\\?-mail : marc\\?\.dubois@ville\\?\.fr/, 'diagnostic']],
    ]);
    expect((await draftOf(app, official)).contact).toMatchObject({ name: 'Marc Dubois', email: 'marc.dubois@ville.fr', role: 'Directrice de la cohésion sociale' });
  });

  test('When « deux corrections : on est dans l’Allier (03), et la population est de 12 000 habitants » comes at the fonction, then both are corrected, neither is the fonction, and the fonction is asked again', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_DESCRIPTION.slice(0, 6),
      ['deux corrections : on est dans l’Allier (03), et la population est de 12 000 habitants, pas 1 200', ['C’est corrigé', 'département : 03', /population : 12\s000 habitants/, 'fonction']],
    ]);
    const draft = await draftOf(app, official);
    expect(draft.collectivity).toMatchObject({ departement: '03', population: 12_000 });
    expect(draft.contact.role).toBeUndefined();
  });
});
