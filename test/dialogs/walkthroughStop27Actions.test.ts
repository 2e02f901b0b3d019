// The stranger's walkthrough (stop 27) and the lead's: a second action asked for in a sentence that describes it, an explicit
// request after « non non », a funder named without its amount, families counted as people, and an action's later
// values said at its field's confirmation; through the real bot, dialogs and Bot Framework adapter over HTTP, checked in
// the saved dossier.
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
  ['logement et formation linguistique', 'engagement'],
  ['cofinancement', 'Quel montant'],
  ['5 000 €', 'intitulé'],
];

/** One action of 120 beneficiaries, then « une autre action ? ». */
const TO_ANOTHER_ACTION: Exchange[] = [
  ...TO_FIRST_ACTION,
  ['Intermédiation locative pour ménages BPI', 'champ'],
  ['logement', 'Décrivez'],
  ['Un accompagnement vers le logement autonome.', 'public'],
  ['BPI', 'Combien'],
  ['120', 'coût'],
  ['30 000', 'financement'],
  ['10 000', 'porte'],
  ['La commune', 'ajouter une autre action'],
];

describe('Walkthrough stop 27: the actions', () => {
  test('When « oui, des ateliers sociolinguistiques (formation linguistique) pour 40 adultes primo-arrivants » answers « une autre action ? », then a new action starts with that field, public and head count, confirmed in one line, and action 1 keeps its 120', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_ANOTHER_ACTION);
    const text = await replies(official, 'oui, des ateliers sociolinguistiques (formation linguistique) pour 40 adultes primo-arrivants');
    expect(text).not.toContain('C’est corrigé');
    expect(text).toMatch(/Nouvelle action, j’ai noté : intitulé : « Des ateliers sociolinguistiques » ; champ : formation linguistique ; public : Étrangers primo\\?-arrivants ; bénéficiaires : 40\./);
    expect(text).toContain('Décrivez');
    const { actions } = await draftOf(app, official);
    expect(actions).toHaveLength(2);
    expect(actions[0]).toMatchObject({ beneficiaries: 120 });
    expect(actions[1]).toMatchObject({ title: 'Des ateliers sociolinguistiques', field: 'language', publics: ['primo_arrivants'], beneficiaries: 40 });
    // The public and the head count are not asked again.
    const next = await replies(official, 'Des ateliers de deux heures au centre social.');
    expect(next).toContain('coût');
    expect(next).not.toContain('public');
  });

  test('When « non non, les 120 c’est bon pour l’intermediation. Je veux ajouter une 2e action » answers « une autre action ? », then a second action starts and action 1 is unchanged', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_ANOTHER_ACTION);
    const text = await replies(official, "non non, les 120 c'est bon pour l'intermediation. Je veux ajouter une 2e action");
    expect(text).toContain('intitulé');
    expect(text).not.toContain('financeurs');
    const { actions } = await draftOf(app, official);
    expect(actions).toHaveLength(2);
    expect(actions[0]).toMatchObject({ beneficiaries: 120, title: 'Intermédiation locative pour ménages BPI' });
  });

  test('When « non, je ne veux pas ajouter d’autre action » answers « une autre action ? », then the actions are closed', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_ANOTHER_ACTION);
    const text = await replies(official, 'non, je ne veux pas ajouter d’autre action');
    expect(text).toContain('D’autres financeurs');
    expect((await draftOf(app, official)).actions).toHaveLength(1);
  });

  test('When « une dizaine de familles » answers the head count, then nothing is stored and the number of people is asked', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_FIRST_ACTION);
    await official.play([
      ['Intermédiation locative', 'champ'],
      ['logement', 'Décrivez'],
      ['Un accompagnement vers le logement autonome.', 'public'],
      ['BPI', 'Combien'],
    ]);
    const text = await replies(official, 'une dizaine de familles');
    expect(text).toContain('10 familles : j’ai besoin du nombre de personnes');
    expect(text).toContain('Combien de personnes');
    expect((await draftOf(app, official)).actions[0]!.beneficiaries).toBeUndefined();
    await official.play([['environ 35', 'coût']]);
    expect((await draftOf(app, official)).actions[0]!.beneficiaries).toBe(35);
  });

  test('When « 12 ménages, soit 40 personnes » answers the head count, then the 40 people are stored', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_FIRST_ACTION);
    await official.play([
      ['Intermédiation locative', 'champ'],
      ['logement', 'Décrivez'],
      ['Un accompagnement vers le logement autonome.', 'public'],
      ['BPI', 'Combien'],
      ['12 ménages, soit 40 personnes', 'coût'],
    ]);
    expect((await draftOf(app, official)).actions[0]!.beneficiaries).toBe(40);
  });

  test('When « c’est pour les deux publics, une vingtaine de personnes » answers the field’s confirmation, then the public and the 20 beneficiaries are kept and not asked again; the field is asked again', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_FIRST_ACTION);
    await official.play([['Cours de français pour adultes', 'D’après son intitulé, elle relève du champ « Formation linguistique »']]);
    const text = await replies(official, "c'est pour les deux publics, une vingtaine de personnes");
    expect(text).toMatch(/J’ai aussi noté : public : .+ et .+ ; bénéficiaires : 20\./);
    expect(text).toContain('champ « Formation linguistique »');
    await official.play([['oui', 'Décrivez']]);
    const next = await replies(official, 'Des cours de français deux soirs par semaine.');
    expect(next).toContain('coût');
    expect(next).not.toContain('public');
    expect(next).not.toContain('Combien de personnes');
    expect((await draftOf(app, official)).actions[0]).toMatchObject({ field: 'language', publics: ['primo_arrivants', 'bpi'], beneficiaries: 20 });
  });
});

describe('Walkthrough stop 27: the other funders', () => {
  test('When « la CAF 8000 et la fondation de France » answers the other funders, then the CAF is kept and the foundation’s amount is asked, then both are stored', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_ANOTHER_ACTION, ['non', 'D’autres financeurs']]);
    const text = await replies(official, 'la CAF 8000 et la fondation de France');
    expect(text).toMatch(/C’est noté : CAF \(8\s000\s€\)\./);
    expect(text).toContain('Quel montant apporte « Fondation de France » ?');
    expect((await draftOf(app, official)).budget.otherFunders).toEqual([{ name: 'CAF', amountEuros: 8000 }]);
    const after = await replies(official, '2 000 €');
    expect(after).toMatch(/CAF \(8\s000\s€\) et Fondation de France \(2\s000\s€\)/);
    expect(after).toContain('Que souhaitez-vous faire');
    expect((await draftOf(app, official)).budget.otherFunders).toEqual([
      { name: 'CAF', amountEuros: 8000 },
      { name: 'Fondation de France', amountEuros: 2000 },
    ]);
  });
});
