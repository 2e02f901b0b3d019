// Messages that add to, correct or question an earlier answer wherever they are typed (issue 13, hand
// findings): through the real bot, dialogs and Bot Framework adapter over HTTP, checked in the saved dossier.
import { draftOf, type Exchange, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

/** From the menu to the commitments, for a PTAI of Louviers on language training and employment. */
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
  ['formation linguistique et emploi', 'engagement'],
];

/** The rest of one action, from its description to « ajouter une autre action ? » and the other funders answered no: the review. */
const ACTION_TO_REVIEW: Exchange[] = [
  ['Des cours de français deux soirs par semaine.', 'public'],
  ['primo-arrivants', 'Combien'],
  ['20', 'coût'],
  ['8 000', 'financement'],
  ['3 000', 'porte'],
  ['La commune', 'ajouter une autre action'],
  ['non', 'autres financeurs'],
  ['non', 'Que souhaitez-vous faire'],
];

const TO_REVIEW: Exchange[] = [...TO_COMMITMENTS, ['cofinancement', 'Quel montant'], ['5 000 €', 'intitulé'], ['Cours de français pour adultes', 'c’est bien ça'], ['oui', 'Décrivez'], ...ACTION_TO_REVIEW];

describe('An addition to an earlier list', () => {
  test('When « ah et aussi la santé » is said on the commitments question, then « Accès aux soins » joins the fields chosen, the official is told, and the commitments question comes back', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_COMMITMENTS);
    const text = await replies(official, 'ah et aussi la santé');
    expect(text).toContain('accès aux soins');
    expect(text.lastIndexOf('engagement')).toBeGreaterThan(text.indexOf('accès aux soins'));
    expect((await draftOf(app, official)).fields).toEqual(expect.arrayContaining(['language', 'employment', 'health']));
    expect((await draftOf(app, official)).commitments).toEqual([]);
  });
});

describe('A removal from an earlier list', () => {
  test('When the review gets « on retire l’emploi des champs finalement », then « Accès à l’emploi » leaves the fields, the official is told, and the review comes back', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    const text = await replies(official, 'on retire l’emploi des champs finalement');
    expect(text).toContain('C’est retiré');
    expect(text).toContain('Que souhaitez-vous faire');
    const draft = await draftOf(app, official);
    expect(draft.fields).toContain('language');
    expect(draft.fields).not.toContain('employment');
  });
});

describe('A new action named by its field, at « ajouter une autre action ? »', () => {
  test('When « oui, une action sur la garde d’enfants » answers it, then the new action’s field is Garde d’enfants and its title is asked', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_REVIEW.slice(0, -2)]);
    const text = await replies(official, 'oui, une action sur la garde d’enfants');
    expect(text).toContain('intitulé');
    const added = (await draftOf(app, official)).actions[1];
    expect(added?.field).toBe('childcare');
    expect(added?.title).toBeUndefined();
  });
});

describe('An answer and a question in one message', () => {
  test('When « 120 000 euros sur 3 ans. combien de temps dure un CTAI ? » answers the cofinancing amount, then 120 000 € is stored and the question goes to the FAQ (the scheme text gives no duration: it says so)', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_COMMITMENTS, ['cofinancement', 'Quel montant']]);
    const text = await replies(official, '120 000 euros sur 3 ans. combien de temps dure un CTAI ?');
    expect(text).toContain('Je ne sais pas répondre à cette question');
    expect(text).toContain('Cette réponse vous a aidé');
    expect(text).toContain('intitulé');
    expect((await draftOf(app, official)).commitments.find((commitment) => commitment.kind === 'cofinancing')?.amountEuros).toBe(120_000);
  });

  test('When « c’est le 76 en fait. et c’est quoi un BPI ? » is said on the fonction, then the département becomes 76, the question is answered, and the fonction is asked again', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_COMMITMENTS.slice(0, 6));
    const text = await replies(official, 'c’est le 76 en fait. et c’est quoi un BPI ?');
    expect(text).toContain('76');
    expect(text).toContain('Sources');
    expect(text.lastIndexOf('fonction')).toBeGreaterThan(text.indexOf('Sources'));
    const draft = await draftOf(app, official);
    expect(draft.collectivity.departement).toBe('76');
    expect(draft.contact.role).toBeUndefined();
  });
});

describe('An action’s field read from its title', () => {
  test('When the action is titled « Cours de français pour adultes », then formation linguistique is proposed in one line and « oui » makes it the field', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_COMMITMENTS, ['cofinancement', 'Quel montant'], ['5 000 €', 'intitulé']]);
    const text = await replies(official, 'Cours de français pour adultes');
    expect(text).toContain('« Formation linguistique » : c’est bien ça ?');
    expect(text).not.toContain('Dans quel champ');
    expect(await replies(official, 'oui')).toContain('Décrivez');
    expect((await draftOf(app, official)).actions[0]).toMatchObject({ title: 'Cours de français pour adultes', field: 'language' });
  });

  test('When a title names no field or two, then the field question is asked', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_COMMITMENTS, ['cofinancement', 'Quel montant'], ['5 000 €', 'intitulé']]);
    expect(await replies(official, 'Cours de français pour l’emploi')).toContain('Dans quel champ');
    expect((await draftOf(app, official)).actions[0]?.field).toBeUndefined();
  });
});

describe('Corrections from the review and from another section', () => {
  test('When the review gets « sa fonction c’est directrice de l’action sociale », then the role changes, the change is said, and the review comes back', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    const text = await replies(official, 'sa fonction c’est directrice de l’action sociale');
    expect(text).toContain('C’est corrigé');
    expect(text).toContain('Que souhaitez-vous faire');
    expect((await draftOf(app, official)).contact.role).toBe('directrice de l’action sociale');
  });

  test('When the contact is reopened and « et le département c’est le 76 » is said on its name, then the département changes and the name is asked again, unchanged', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_REVIEW, ['modifier le contact', 'contacter']]);
    const text = await replies(official, 'et le département c’est le 76');
    expect(text).toContain('C’est corrigé');
    expect(text).toContain('contacter');
    const draft = await draftOf(app, official);
    expect(draft.collectivity.departement).toBe('76');
    expect(draft.contact.name).toBe('Claire Lefebvre');
  });
});

describe('A new action named by its field', () => {
  test('When the review gets « ajouter une action sur le logement », then a new action starts with Accès au logement as its field', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    const text = await replies(official, 'ajouter une action sur le logement');
    expect(text).toContain('intitulé');
    const draft = await draftOf(app, official);
    expect(draft.actions).toHaveLength(2);
    expect(draft.actions[1]?.field).toBe('housing');
    expect(draft.fields).toContain('housing');
  });

  test('When « ajouter une action sur le logement » answers « ajouter une autre action ? », then the new action’s field is Accès au logement', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_REVIEW.slice(0, -2)]);
    const text = await replies(official, 'ajouter une action sur le logement');
    expect(text).toContain('intitulé');
    expect((await draftOf(app, official)).actions[1]?.field).toBe('housing');
  });
});

describe('A first message that asks', () => {
  test('When the first message is « Bonjour, je voudrais savoir si on peut faire un CTAI et qui signe ? », then both parts are answered and no dossier is opened', async () => {
    const official = new TestConversation(app.url);
    const text = await replies(official, 'Bonjour, je voudrais savoir si on peut faire un CTAI et qui signe ?');
    expect(text).not.toContain('Quel est le nom');
    expect(text).toMatch(/sign/i);
    expect(text.split('Sources').length - 1).toBeGreaterThanOrEqual(2);
    expect(await app.repository.findDraftForOwner({ channel: 'test', userId: official.userId })).toBeNull();
  });
});

describe('An amount said with the commitments (own walkthrough of 2026-12-07)', () => {
  test('When « on met 20 000 euros et on prete une salle a la mediatheque » answers the commitments, then the cofinancing of 20 000 € and the room at the médiathèque are both kept and said back, and only the room’s value is asked', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_COMMITMENTS);
    const text = await replies(official, 'on met 20 000 euros et on prete une salle a la mediatheque');
    expect(text).toMatch(/cofinancement : 20\s000\s€/);
    expect(text).toContain('salle : une salle a la mediatheque');
    expect(text).not.toContain('Quelle salle');
    expect(text).not.toContain('Quel montant');
    expect(text).toContain('À combien estimez-vous la valeur de ce prêt de locaux');
    const commitments = (await draftOf(app, official)).commitments;
    expect(commitments.map((commitment) => commitment.kind).sort()).toEqual(['cofinancing', 'premises']);
    expect(commitments.find((commitment) => commitment.kind === 'cofinancing')?.amountEuros).toBe(20_000);
    expect(commitments.find((commitment) => commitment.kind === 'premises')?.detail).toBe('une salle a la mediatheque');
  });
});

describe('A commitment’s detail said with it (walkthroughs of 2026-12-07 and stop 27)', () => {
  test('When « cofinancement et un agent à mi-temps » answers the commitments, then « un agent à mi-temps » is the staff’s description and only its value is asked after the amount', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_COMMITMENTS, ['cofinancement et un agent à mi-temps', [/personnel : un agent à mi\\?-temps/, 'Quel montant']]]);
    const text = await replies(official, '5 000 €');
    expect(text).not.toContain('Quel personnel');
    expect(text).toContain('À combien estimez-vous la valeur de ce temps de personnel');
    expect((await draftOf(app, official)).commitments.find((commitment) => commitment.kind === 'staff')?.detail).toBe('un agent à mi-temps');
  });
  test('When « cofinancement et des locaux » answers the commitments, then no bare « des locaux » is stored as the room’s description and the room is asked about', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_COMMITMENTS, ['cofinancement et des locaux', 'Quel montant']]);
    const text = await replies(official, '5 000 €');
    expect(text).toContain('Quelle salle');
    expect((await draftOf(app, official)).commitments.find((commitment) => commitment.kind === 'premises')?.detail).toBeUndefined();
  });
  test('When the amount question gets « on met 40 000 euros, et la salle c’est la maison des associations rue Jean Jaurès (valorisée environ 6000€/an) », then the room and its value are noted and said back, and neither the room nor its value is asked', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_COMMITMENTS, ['cofinancement et prêt d’une salle', 'Quel montant']]);
    const text = await replies(official, 'on met 40 000 euros, et la salle c’est la maison des associations rue Jean Jaurès (valorisée environ 6000€/an)');
    expect(text).toContain('J’ai aussi noté : salle : la maison des associations rue Jean Jaurès');
    expect(text).toMatch(/valeur : 6\s000\s€/);
    expect(text).not.toContain('Quelle salle');
    expect(text).not.toContain('À combien estimez');
    const commitments = (await draftOf(app, official)).commitments;
    expect(commitments.find((commitment) => commitment.kind === 'cofinancing')?.amountEuros).toBe(40_000);
    expect(commitments.find((commitment) => commitment.kind === 'premises')).toEqual({ kind: 'premises', detail: 'la maison des associations rue Jean Jaurès (valorisée environ 6000€/an)', estimatedValueEuros: 6_000 });
  });
  test('When the staff’s description states its value (« …, valeur environ 22000 € »), then the review shows that value once', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_COMMITMENTS,
      ['cofinancement et une coordinatrice à mi-temps de la direction cohésion sociale, valeur environ 22000 €', 'Quel montant'],
      ['5 000 €', 'intitulé'],
      ['Cours de français pour adultes', 'c’est bien ça'],
      ['oui', 'Décrivez'],
      ...ACTION_TO_REVIEW.slice(0, -1),
    ]);
    const review = JSON.stringify((await official.say('non')).map((reply) => reply.raw));
    expect(review).toContain('valeur environ 22000 €');
    expect(review).not.toContain('valeur estimée 22');
    expect((await draftOf(app, official)).commitments.find((commitment) => commitment.kind === 'staff')?.estimatedValueEuros).toBe(22_000);
  });
});

describe('A value given before its question (own walkthrough of 2026-12-07)', () => {
  test('When « a peu pres 15000 habitants » is said on the SIREN, then the population is noted (not « corrigé », it had no answer), the SIREN is asked again, and the population is not asked after it', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_COMMITMENTS.slice(0, 3));
    const text = await replies(official, 'a peu pres 15000 habitants');
    expect(text).toContain('C’est noté');
    expect(text).not.toContain('corrigé');
    expect(text).toContain('SIREN');
    expect((await draftOf(app, official)).collectivity?.population).toBe(15_000);
    const next = await replies(official, 'passer');
    expect(next).not.toContain('habitants');
    expect(next).toContain('contacter');
  });
});

describe('A cofinancing added from the review (own walkthrough of 2026-12-07)', () => {
  test('When a dossier without cofinancing gets « on apporte aussi un cofinancement de 20 000 € » at the review, then the cofinancing is added with its amount and the review comes back', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_COMMITMENTS,
      ['prêt d’une salle', 'Quelle salle'],
      ['la salle des fêtes, le mardi soir', 'valeur'],
      ['passer', 'intitulé'],
      ['Cours de français pour adultes', 'c’est bien ça'],
      ['oui', 'Décrivez'],
      ...ACTION_TO_REVIEW,
    ]);
    const text = await replies(official, 'on apporte aussi un cofinancement de 20 000 €');
    expect(text).toMatch(/cofinancement : 20\s000\s€/);
    expect(text).toContain('Que souhaitez-vous faire');
    const commitments = (await draftOf(app, official)).commitments;
    expect(commitments.map((commitment) => commitment.kind).sort()).toEqual(['cofinancing', 'premises']);
    expect(commitments.find((commitment) => commitment.kind === 'cofinancing')?.amountEuros).toBe(20_000);
  });
});

describe('Fields put off in the same sentence (second stranger walkthrough of 2026-12-07)', () => {
  test('When « on garde que logement et formation linguistique, l’emploi et la garde d’enfants on verra plus tard » answers the fields, then only housing and language training are kept, and the journey goes on instead of stopping', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_COMMITMENTS.slice(0, -1));
    const text = await replies(official, 'on garde que logement et formation linguistique, l’emploi et la garde d’enfants on verra plus tard');
    expect(text).not.toContain('j’arrête là');
    expect(text).toContain('engagement');
    expect((await draftOf(app, official)).fields).toEqual(['housing', 'language']);
  });
});

describe('An amount with the € sign after the room (own walkthrough of 2026-12-08)', () => {
  test('When « on prête la salle des fêtes le mercredi et on met 5000 € » answers the commitments, then the 5 000 € cofinancing is kept with the room, and the amount is not asked', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_COMMITMENTS);
    const text = await replies(official, 'on prête la salle des fêtes le mercredi et on met 5000 €');
    expect(text).toMatch(/cofinancement : 5\s000\s€/);
    expect(text).not.toContain('Quel montant');
    const commitments = (await draftOf(app, official)).commitments;
    expect(commitments.find((commitment) => commitment.kind === 'cofinancing')?.amountEuros).toBe(5_000);
    expect(commitments.find((commitment) => commitment.kind === 'premises')?.detail).toBe('la salle des fêtes le mercredi');
  });
});
