// Editing one item of an action from the review (a short menu, then that question only, its new value echoed), free text
// taken as the answer at the description and the carrier, and a funder said early kept for the budget's other funders;
// through the real bot, dialogs and Bot Framework adapter over HTTP, checked in the saved dossier.
import { draftOf, type Exchange, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const TO_FIRST_ACTION: Exchange[] = [
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
  ['emploi et mobilité', 'engagement'],
  ['cofinancement', 'Quel montant'],
];

/** Two actions, then the review. */
const TO_REVIEW: Exchange[] = [
  ...TO_FIRST_ACTION,
  ['5 000 €', 'intitulé'],
  ['Ateliers de français', 'champ'],
  ['emploi', 'Décrivez'],
  ['Des ateliers de français à visée professionnelle.', 'public'],
  ['primo-arrivants', 'Combien'],
  ['12', 'coût'],
  ['8 000', 'financement'],
  ['3 000', 'porte'],
  ['La commune', 'ajouter une autre action'],
  ['oui', 'intitulé'],
  ['Permis solidaire', 'champ'],
  ['mobilité', 'Décrivez'],
  ['Des cours de conduite.', 'public'],
  ['BPI', 'Combien'],
  ['10', 'coût'],
  ['6 000', 'financement'],
  ['2 000', 'porte'],
  ['La commune', 'ajouter une autre action'],
  ['non', 'D’autres financeurs participent-ils au projet'],
  ['non', 'Que souhaitez-vous faire'],
];

describe('One item of an action edited from the review', () => {
  test('When the official picks « Modifier une section », « Actions », « Modifier l’action 1 » then « Coût », then only the cost is asked, the new value is echoed with the old one, and the review comes back', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    await official.play([
      ['Modifier une section', 'Quelle section'],
      ['Actions', 'Vos actions'],
    ]);
    const menu = await official.say('Modifier l’action 1');
    const menuText = menu.map((reply) => JSON.stringify(reply.raw)).join('\n');
    for (const item of ['Intitulé', 'Champ', 'Description', 'Public', 'Bénéficiaires', 'Coût', 'Financement demandé à l’État', 'Porteur', 'Supprimer l’action']) expect(menuText).toContain(item);
    const asked = await replies(official, 'Coût');
    expect(asked).toContain('coût total');
    const text = await replies(official, '12 000 €');
    expect(text).toMatch(/Coût de l’action 1 : 12\s000\s€ \(au lieu de 8\s000\s€\)/);
    expect(text).toContain('Que souhaitez-vous faire');
    expect(text).not.toContain('Qui porte cette action');
    const { actions } = await draftOf(app, official);
    expect(actions[0]).toMatchObject({ costEuros: 12000, stateFundingEuros: 3000, carrier: 'La commune' });
  });

  test('When the review gets « modifier l’action 2 », then the menu of its items comes; « porteur » then « garder » keeps it and the review comes back', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    await official.play([
      ['modifier l’action 2', ['Permis solidaire', 'Que souhaitez-vous modifier']],
      ['porteur', 'Qui porte cette action'],
      ['garder', 'Que souhaitez-vous faire'],
    ]);
    expect((await draftOf(app, official)).actions[1]).toMatchObject({ carrier: 'La commune', costEuros: 6000 });
  });

  test('When the item menu gets « Supprimer l’action », then that action goes and the review comes back', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    await official.play([
      ['modifier l’action 2', 'Que souhaitez-vous modifier'],
      ['Supprimer l’action', ['supprimée', 'Que souhaitez-vous faire']],
    ]);
    expect((await draftOf(app, official)).actions.map((action) => action.title)).toEqual(['Ateliers de français']);
  });

  test('When the review gets « changer le coût de l’action 2 », then the cost of action 2 is asked at once, echoed, and the review comes back', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    await official.play([
      ['changer le coût de l’action 2', 'Quel est son coût total'],
      ['7 000', [/Coût de l’action 2 : 7\s000\s€ \(au lieu de 6\s000\s€\)/, 'Que souhaitez-vous faire']],
    ]);
    expect((await draftOf(app, official)).actions[1]).toMatchObject({ costEuros: 7000 });
  });
  test('When the review gets « changer le porteur d’une action » with two actions, then it asks which one, then only its carrier', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    await official.play([
      ['changer le porteur d’une action', ['Quelle action', 'Permis solidaire']],
      ['2', 'Qui porte cette action'],
      ['le CCAS', ['Porteur de l’action 2 : le CCAS (au lieu de La commune)', 'Que souhaitez-vous faire']],
    ]);
    const { actions } = await draftOf(app, official);
    expect(actions.map((action) => action.carrier)).toEqual(['La commune', 'le CCAS']);
  });
});

describe('Free text taken as the answer of the question on screen', () => {
  test('When the description is « on prête une salle à la maison des associations » and the carrier « l’association Aide et Source », then both are stored as typed', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_FIRST_ACTION,
      ['5 000 €', 'intitulé'],
      ['Ateliers de français', 'champ'],
      ['emploi', 'Décrivez'],
      ['on prête une salle à la maison des associations', 'public'],
      ['primo-arrivants', 'Combien'],
      ['12', 'coût'],
      ['8 000', 'financement'],
      ['3 000', 'porte'],
      ['l’association Aide et Source', 'ajouter une autre action'],
    ]);
    const draft = await draftOf(app, official);
    expect(draft.actions[0]).toMatchObject({ description: 'on prête une salle à la maison des associations', carrier: 'l’association Aide et Source' });
    expect(draft.commitments.map((commitment) => commitment.kind)).toEqual(['cofinancing']);
  });

  test('When the carrier question gets « source 1 » or « aide », then they are still the commands', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_FIRST_ACTION,
      ['5 000 €', 'intitulé'],
      ['Ateliers de français', 'champ'],
      ['emploi', 'Décrivez'],
      ['Des ateliers.', 'public'],
      ['primo-arrivants', 'Combien'],
      ['12', 'coût'],
      ['8 000', 'financement'],
      ['3 000', 'porte'],
    ]);
    const source = await replies(official, 'source 1');
    expect(source).toMatch(/source/i);
    expect((await draftOf(app, official)).actions[0]?.carrier).toBeUndefined();
  });
});

describe('A funder said early', () => {
  test('When « la CAF met aussi 10 000 € » comes at the cofinancing amount, then it is not the cofinancing, it is kept, and the other funders question confirms it in one line', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_FIRST_ACTION);
    const early = await replies(official, 'la CAF met aussi 10 000 €');
    expect(early).toMatch(/CAF \\?\(10\s000\s€\\?\)/);
    expect(early).toContain('Quel montant');
    await official.play([
      ['5 000 €', 'intitulé'],
      ['Ateliers de français', 'champ'],
      ['emploi', 'Décrivez'],
      ['Des ateliers.', 'public'],
      ['primo-arrivants', 'Combien'],
      ['12', 'coût'],
      ['8 000', 'financement'],
      ['3 000', 'porte'],
      ['La commune', 'ajouter une autre action'],
    ]);
    const funders = await replies(official, 'non');
    expect(funders).toMatch(/CAF \\?\(10\s000\s€\\?\)/);
    expect(funders).toContain('comme vous me l’aviez indiqué');
    expect(funders).not.toContain('D’autres financeurs participent-ils');
    expect(funders).toContain('Que souhaitez-vous faire');
    const draft = await draftOf(app, official);
    expect(draft.commitments.find((commitment) => commitment.kind === 'cofinancing')?.amountEuros).toBe(5000);
    expect(draft.budget.otherFunders).toEqual([{ name: 'CAF', amountEuros: 10000 }]);
  });

  test('When « la région apporte 4 000 € » comes at an action’s cost, then the cost is asked again and the funder is kept', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_FIRST_ACTION,
      ['5 000 €', 'intitulé'],
      ['Ateliers de français', 'champ'],
      ['emploi', 'Décrivez'],
      ['Des ateliers.', 'public'],
      ['primo-arrivants', 'Combien'],
      ['12', 'coût'],
      // Markdown-escaped in the chat, « Région \(4 000 €\) » reads « Région (4 000 €) ».
      ['la région apporte 4 000 €', [/Région \\?\(4\s000\s€\\?\)/, 'coût total de l’action', 'Quel est son coût total']],
      ['8 000', 'financement'],
    ]);
    const draft = await draftOf(app, official);
    expect(draft.actions[0]?.costEuros).toBe(8000);
    // Kept until the other funders' question, which confirms it.
    expect(draft.budget.otherFunders).toEqual([{ name: 'Région', amountEuros: 4000, saidEarly: true }]);
  });
});
