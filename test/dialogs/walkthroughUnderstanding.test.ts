// The walkthrough of 2026-12-06: each repair through the real bot, dialogs and Bot Framework adapter over HTTP,
// checked in the saved dossier.
import { draftOf, type Exchange, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';
import { call, staffKey } from '../api/staffApiSupport';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const TO_COMMITMENTS: Exchange[] = [
  ['Préparer une candidature', 'nom'],
  ['Commune de Louviers', 'Dans quel département'],
  ['27', 'SIREN'],
  ['passer', 'habitants'],
  ['passer', 'contacter'],
  ['Claire Lefebvre', 'fonction'],
  ['chargée de mission cohésion sociale', 'adresse'],
  ['claire.lefebvre@louviers.fr', 'téléphone'],
  ['passer', 'stratégie'],
  ['actions ciblées', 'diagnostic'],
  ['aucun', 'Nous préparons donc un PTAI'],
  ['emploi, accès aux soins et mobilité', 'engagement'],
];

const TO_REVIEW: Exchange[] = [
  ...TO_COMMITMENTS,
  ['cofinancement', 'Quel montant'],
  ['5 000 €', 'intitulé'],
  ['Job dating', 'champ'],
  ['emploi', 'Décrivez'],
  ['Une rencontre avec les employeurs locaux.', 'public'],
  ['BPI', 'Combien'],
  ['30', 'coût'],
  ['8 000', 'financement'],
  ['3 000', 'porte'],
  ['La commune', 'ajouter'],
  ['non', 'D’autres financeurs participent-ils au projet'],
  ['non', 'Votre dossier est complet'],
];

const TO_DESCRIPTION: Exchange[] = [...TO_COMMITMENTS, ['cofinancement', 'Quel montant'], ['5 000 €', 'intitulé'], ['Ateliers de français', 'champ'], ['emploi', 'Décrivez']];

describe('(problem 1) A command word inside a free-text answer is part of the answer', () => {
  test('When the description speaks of « l’aide à domicile », then it is stored as the description and the public is asked next; « aide svp » alone is still the help', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_DESCRIPTION);
    expect(await replies(official, 'aide svp')).toContain('Quelques phrases suffisent');
    const description = "Trois sessions de 12 semaines d'ateliers FLE orientés metiers du batiment et de l'aide a domicile, au centre social, a partir de mars 2027.";
    const text = await replies(official, description);
    expect(text).not.toContain('Quelques phrases suffisent');
    expect(text).toContain('public');
    expect((await draftOf(app, official)).actions[0]?.description).toBe(description);
  });
});

describe('(problem 2) A plain reply to the prefecture’s message reaches the prefecture', () => {
  test('When the prefecture asked for the deliberation and the official answers « oui bien sur, elle passe en conseil le 15 janvier, je vous l’envoie juste apres », then it joins the thread; « où en est mon dossier ? » still gets the status', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_REVIEW, ['déposer le dossier', 'Confirmez-vous'], ['oui', 'a été déposé']]);
    const dossier = await app.repository.findLatestForOwner({ channel: 'test', userId: official.userId });
    if (!dossier) throw new Error('No dossier');
    const key = await staffKey(app.staffAccounts, 'instructeur', ['27'], 'Claire Martin');
    const sent = await call(app.url, `/api/dossiers/${dossier.reference}/messages`, { key, body: { text: 'Pouvez-vous nous transmettre la délibération ?' } });
    expect(sent.status).toBe(201);

    const said = 'oui bien sur, elle passe en conseil le 15 janvier, je vous l’envoie juste apres';
    expect(await replies(official, said)).toContain('Votre message est transmis à la préfecture');
    expect(await replies(official, 'où en est mon dossier ?')).toContain('a le statut');
    const thread = await call(app.url, `/api/dossiers/${dossier.reference}/messages`, { key });
    expect((thread.body.items as Array<{ by: { kind: string }; text: string }>).map((item) => [item.by.kind, item.text])).toEqual([
      ['staff', 'Pouvez-vous nous transmettre la délibération ?'],
      ['applicant', said],
    ]);
  });
});

describe('(problem 4) Two commitments in one sentence are both kept, and said', () => {
  test('When the commitments are « cofinancement a hauteur de 30% et on met a dispo une coordinatrice a mi temps », then cofinancing and staff are stored and the reply names both', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_COMMITMENTS);
    const text = await replies(official, 'cofinancement a hauteur de 30% et on met a dispo une coordinatrice a mi temps');
    expect(text).toMatch(/Cofinancement.*Mise à disposition d’un personnel/s);
    expect((await draftOf(app, official)).commitments.map((commitment) => commitment.kind)).toEqual(['cofinancing', 'staff']);
  });
});

describe('(problem 5) A submit asked as a question at the review', () => {
  test('When the review gets « ok c’est bon on depose ? », then the submit confirmation is asked', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    const text = await replies(official, 'ok c’est bon on depose ?');
    expect(text).toContain('Confirmez-vous');
    expect(text).not.toContain('Je ne sais pas répondre');
  });
});

describe('(problem 6) The count of people, not the households in brackets', () => {
  test('When the public is « surtout des BPI, une soixantaine de personnes (25 menages) », then 60 beneficiaries are noted', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_DESCRIPTION, ['Des ateliers de français à visée professionnelle.', 'public']]);
    const text = await replies(official, 'surtout des BPI, une soixantaine de personnes (25 menages)');
    expect(text).toContain('bénéficiaires : 60');
    expect((await draftOf(app, official)).actions[0]).toMatchObject({ beneficiaries: 60, publics: ['bpi'] });
  });
});

describe('(problem 8) A correction clause after a free-text answer leaves nothing of itself in the answer', () => {
  test('When the description ends « … juin 2028. ah et au fait le mail c’est plutot … », then the description stops at « juin 2028. » and the e-mail is corrected', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_DESCRIPTION);
    await replies(official, 'Des ateliers de français de sept 2027 a juin 2028. ah et au fait le mail c’est plutot claire.lefebvre2@louviers.fr');
    const draft = await draftOf(app, official);
    expect(draft.actions[0]?.description).toBe('Des ateliers de français de sept 2027 a juin 2028.');
    expect(draft.contact?.email).toBe('claire.lefebvre2@louviers.fr');
  });
});

describe('(problem 7) An answer that also answers the next question is kept for it', () => {
  const TO_MORE: Exchange[] = [
    ...TO_DESCRIPTION,
    ['Des ateliers de français à visée professionnelle.', 'public'],
    ['BPI', 'Combien'],
    ['25', 'coût'],
    ['8 000', 'financement'],
    ['3 000', 'porte'],
    ['La commune', 'ajouter'],
  ];

  test('When the staff detail is « une coordinatrice a mi-temps sur 2 ans, valorisée a 25 000 € par an », then its value is noted and its question not asked', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_COMMITMENTS, ['mise à disposition d’un personnel', 'Quel personnel']]);
    const text = await replies(official, 'une coordinatrice a mi-temps sur 2 ans, valorisée a 25 000 € par an');
    expect(text).not.toContain('À combien estimez-vous');
    expect(text).toContain('intitulé');
    expect((await draftOf(app, official)).commitments).toEqual([expect.objectContaining({ kind: 'staff', estimatedValueEuros: 25_000 })]);
  });

  test('When « ajouter une autre action ? » gets « oui, des ateliers de francais a visee pro », then that is the new action’s title and the next question is its field', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_MORE);
    const text = await replies(official, 'oui, des ateliers de francais a visee pro');
    expect(text).not.toContain('Quel est l’intitulé');
    expect(text).toContain('champ');
    expect((await draftOf(app, official)).actions[1]?.title).toBe('Des ateliers de francais a visee pro');
  });

  test('When « ajouter une autre action ? » gets « oui bien sûr », then the title is asked', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_MORE, ['oui bien sûr', 'Quel est l’intitulé']]);
  });

  test('When « ajouter une autre action ? » gets « non pas d’autre action. par contre … ce sera 60 beneficiaires et pas 25 », then the count is corrected and the « non » applies: the other funders are asked', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_MORE);
    const text = await replies(official, 'non pas d’autre action. par contre pour les ateliers je me suis trompée, ce sera 60 beneficiaires et pas 25');
    expect(text).toContain('bénéficiaires : 60');
    expect(text).toContain('D’autres financeurs participent-ils au projet');
    expect(text).not.toContain('Voulez-vous ajouter une autre action');
    expect((await draftOf(app, official)).actions).toHaveLength(1);
  });
});
