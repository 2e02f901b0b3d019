// The lead's widget walkthrough (findings-nlu2): every answer is checked against the type of the question on
// screen, through the real bot, dialogs and Bot Framework adapter over HTTP, checked in the saved dossier.
import { draftOf, type Exchange, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const TO_CONTACT: Exchange[] = [
  ['Préparer une candidature', 'nom'],
  ['Commune de Louviers', 'Dans quel département'],
  ['27', 'SIREN'],
  ['passer', 'habitants'],
  ['passer', 'contacter'],
];

const TO_COMMITMENTS: Exchange[] = [
  ...TO_CONTACT,
  ['Claire Lefebvre', 'fonction'],
  ['chargée de mission cohésion sociale', 'adresse'],
  ['claire.lefebvre@louviers.fr', 'téléphone'],
  ['passer', 'stratégie'],
  ['actions ciblées', 'diagnostic'],
  ['aucun', 'Nous préparons donc un PTAI'],
  ['emploi, accès aux soins et mobilité', 'engagement'],
];

const TO_PUBLIC: Exchange[] = [
  ...TO_COMMITMENTS,
  ['cofinancement', 'Quel montant'],
  ['5 000 €', 'intitulé'],
  ['Ateliers de français', 'champ'],
  ['emploi', 'Décrivez'],
  ['Des ateliers de français à visée professionnelle.', 'public'],
];

describe('A value that fits another question is noted there, never stored in the question on screen', () => {
  test('(finding 1) When the SIREN question gets « Je suis Claire Lefebvre, chargée de mission cohésion sociale », then the name and the role are noted, the SIREN asked again, and the contact section asks only the e-mail', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ['Préparer une candidature', 'nom'],
      ['Commune de Louviers', 'Dans quel département'],
      ['27', 'SIREN'],
    ]);
    const text = await replies(official, 'Je suis Claire Lefebvre, chargée de mission cohésion sociale');
    expect(text).toContain('J’ai aussi noté');
    expect(text).toContain('Claire Lefebvre');
    expect(text).toContain('SIREN');
    await official.play([
      ['passer', 'habitants'],
      ['passer', 'adresse électronique'],
    ]);
    const draft = await draftOf(app, official);
    expect(draft.contact).toMatchObject({ name: 'Claire Lefebvre', role: 'chargée de mission cohésion sociale' });
    expect(draft.collectivity.siren).toBeUndefined();
  });

  test('(finding 2) When the fonction question gets an e-mail, then the e-mail is noted, the fonction asked again, and never stored as the fonction', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_CONTACT, ['Claire Lefebvre', 'fonction']]);
    const text = await replies(official, 'claire.lefebvre@louviers.fr');
    expect(text).toMatch(/J’ai aussi noté : e\\?-mail : claire\\?\.lefebvre@louviers\\?\.fr/);
    expect(text).toContain('Quelle est sa fonction ?');
    expect((await draftOf(app, official)).contact.role).toBeUndefined();
    await official.play([['chargée de mission cohésion sociale', 'téléphone']]);
    expect((await draftOf(app, official)).contact).toMatchObject({ role: 'chargée de mission cohésion sociale', email: 'claire.lefebvre@louviers.fr' });
  });

  test('(finding 5) When the public is « 40 adultes primo-arrivants, surtout des femmes », then 40 is noted as the beneficiaries and their question is not asked', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_PUBLIC);
    const text = await replies(official, '40 adultes primo-arrivants, surtout des femmes');
    expect(text).toContain('bénéficiaires : 40');
    expect(text).not.toContain('Combien de personnes');
    expect(text).toContain('coût');
    expect((await draftOf(app, official)).actions[0]).toMatchObject({ beneficiaries: 40, publics: ['primo_arrivants'] });
  });

  test('(finding 6) When the head count question gets « 12000 euros », then it is taken as the cost and said so, the count asked again, never 12000 beneficiaries', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_PUBLIC, ['primo-arrivants', 'Combien']]);
    const text = await replies(official, '12000 euros');
    expect(text).toMatch(/J’ai aussi noté : coût : 12\s000\s€/);
    expect(text).toContain('n’est pas un nombre de personnes');
    expect(text).toContain('Combien');
    expect((await draftOf(app, official)).actions[0]?.beneficiaries).toBeUndefined();
    // The cost is known: the next question is the State's share.
    await official.play([['40', 'financement']]);
    expect((await draftOf(app, official)).actions[0]).toMatchObject({ beneficiaries: 40, costEuros: 12000 });
  });

  test('(finding 7) When the cost question gets « 8 000 de l etat », then it is the State share, said so, and the cost is asked again', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_PUBLIC, ['primo-arrivants', 'Combien'], ['40', 'coût']]);
    const text = await replies(official, '8 000 de l etat');
    expect(text).toMatch(/J’ai aussi noté : financement demandé à l’État : 8\s000\s€/);
    expect(text).toContain('coût');
    expect((await draftOf(app, official)).actions[0]?.costEuros).toBeUndefined();
    const after = await replies(official, '12 000 €');
    expect(after).not.toContain('financement demandé');
    expect((await draftOf(app, official)).actions[0]).toMatchObject({ costEuros: 12000, stateFundingEuros: 8000 });
  });
});

describe('A hedged estimate with a number is the number', () => {
  test('(finding 4) When the value of the premises is « je sais pas trop, disons 3000 € », then 3 000 € is stored', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_COMMITMENTS, ['prêt de locaux', 'locaux']]);
    let text = await replies(official, 'la salle des fêtes, deux soirs par semaine');
    if (!text.includes('estimez')) text = await replies(official, 'la salle des fêtes');
    expect(text).toContain('estimez');
    await replies(official, 'je sais pas trop, disons 3000 €');
    expect((await draftOf(app, official)).commitments.find((commitment) => commitment.kind === 'premises')?.estimatedValueEuros).toBe(3000);
  });
});
