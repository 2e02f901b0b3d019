// A stranger's walkthrough (stop 27), problems 1, 2, 6, 10, 11, 12 and 13, with the sentences as typed: each through the
// real bot, dialogs and Bot Framework adapter over HTTP, checked in the saved dossier.
import { draftOf, type Exchange, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const TO_ROLE: Exchange[] = [
  ['Préparer une candidature', 'nom'],
  ['Commune de Louviers', 'Dans quel département'],
  ['27', 'SIREN'],
  ['passer', 'habitants'],
  ['passer', 'contacter'],
  ['Claire Lefebvre', 'fonction'],
];

const TO_COMMITMENTS: Exchange[] = [
  ...TO_ROLE,
  ['chargée de mission cohésion sociale', 'adresse'],
  ['claire.lefebvre@louviers.fr', 'téléphone'],
  ['02 38 79 20 00', 'stratégie'],
  ['actions ciblées', 'diagnostic'],
  ['aucun', 'Nous préparons donc un PTAI'],
  ['emploi et mobilité', 'engagement'],
];

const TO_DESCRIPTION: Exchange[] = [...TO_COMMITMENTS, ['cofinancement', 'Quel montant'], ['5 000 €', 'intitulé'], ['Intermediation locative pour menages BPI', 'champ'], ['emploi', 'Décrivez']];

const TO_REVIEW: Exchange[] = [
  ...TO_DESCRIPTION,
  ['Des ateliers de français à visée professionnelle.', 'public'],
  ['primo-arrivants', 'Combien'],
  ['12', 'coût'],
  ['8 000', 'financement'],
  ['3 000', 'porte'],
  ['La commune', 'ajouter une autre action'],
  ['non', 'D’autres financeurs participent-ils au projet'],
  ['non', 'Que souhaitez-vous faire'],
];

const digits = (phone: string | undefined) => (phone ?? '').replace(/\D/g, '').replace(/^33/, '0');

describe('The collectivity name inside a greeting (problem 1)', () => {
  test('When the first answer is « Bonjour, c’est pour Orleans Metropole (metropole, dans le Loiret 45), on a environ 290 000 habitants », then the name is Orleans Métropole, not « Bonjour », and it is shown back', async () => {
    const official = new TestConversation(app.url);
    await official.play([['Préparer une candidature', 'nom']]);
    const text = await replies(official, "Bonjour, c'est pour Orleans Metropole (metropole, dans le Loiret 45), on a environ 290 000 habitants");
    const { collectivity } = await draftOf(app, official);
    expect(collectivity.name).toMatch(/^Orleans M[eé]tropole$/);
    expect(collectivity).toMatchObject({ kind: 'metropole', departement: '45', population: 290000 });
    expect(text).toMatch(/Orleans M[eé]tropole/);
  });
});

describe('Corrections at the review that name their question (problems 2, 10, 12)', () => {
  test('When « le nom c’est pas Bonjour !! c’est Orléans Métropole » is said at the review, then only the collectivity’s name changes, the contact stays', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    const text = await replies(official, "le nom c'est pas Bonjour !! c'est Orléans Métropole");
    const draft = await draftOf(app, official);
    expect(draft.collectivity.name).toBe('Orléans Métropole');
    expect(draft.contact.name).toBe('Claire Lefebvre');
    expect(text).not.toMatch(/contact : Orléans/);
  });

  test('When « non le contact c’est Sandrine Dubreuil, pas Orléans Métropole. et son tel direct c’est le 02 38 79 45 12 » is said at the review, then both the name and the phone change', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    const text = await replies(official, "non le contact c'est Sandrine Dubreuil, pas Orléans Métropole. et son tel direct c'est le 02 38 79 45 12");
    const { contact } = await draftOf(app, official);
    expect(contact.name).toBe('Sandrine Dubreuil');
    expect(digits(contact.phone)).toBe('0238794512');
    expect(text).toContain('Sandrine Dubreuil');
  });

  test('When « la fonction de Karim c’est chargé de mission politique de la ville et cohésion sociale, c’est coupé » is said at the review, then the whole role is stored, and it is no question', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    const text = await replies(official, "la fonction de Karim c'est chargé de mission politique de la ville et cohésion sociale, c'est coupé");
    expect(text).not.toContain('Je ne sais pas répondre');
    expect((await draftOf(app, official)).contact.role).toBe('chargé de mission politique de la ville et cohésion sociale');
  });
});

describe('A role with « politique de la ville » in it (problem 6)', () => {
  test('When the role is « charge de mission politique de la ville et cohesion sociale », then it is stored whole', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_ROLE, ['charge de mission politique de la ville et cohesion sociale', 'adresse']]);
    expect((await draftOf(app, official)).contact.role).toBe('charge de mission politique de la ville et cohesion sociale');
  });

  test('When « modifier la fonction » is followed by « chargé de mission politique de la ville et cohésion sociale », then it is stored whole', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_REVIEW, ['modifier la fonction', 'fonction']]);
    await replies(official, 'chargé de mission politique de la ville et cohésion sociale');
    expect((await draftOf(app, official)).contact.role).toBe('chargé de mission politique de la ville et cohésion sociale');
  });
});

describe('Two things in one answer (problems 11, 13)', () => {
  test('When a description ends with « … a partir de mars 2027. qui signe le contrat au final, le prefet ? », then the question goes to the FAQ and is kept out of the description', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_DESCRIPTION);
    const text = await replies(official, 'Captation de 30 logements dans le parc prive et social via une association agreee, accompagnement social des menages pendant 18 mois, sur tout le territoire metropolitain a partir de mars 2027. qui signe le contrat au final, le prefet ?');
    // The question goes to the FAQ (what it answers on a PTAI is the FAQ's own matter), then the next question comes.
    expect(text).toContain('Cette réponse vous a aidé');
    expect(text).toContain('public');
    const { actions } = await draftOf(app, official);
    expect(actions[0]!.description).toMatch(/^Captation de 30 logements dans le parc prive et social via une association agreee, accompagnement social des menages pendant 18 mois, sur tout le territoire metropolitain a partir de mars 2027\.?$/);
  });

  test('When the commitments answer ends with « Ah et au fait le tel c’est plutot le 02 38 79 45 12 en direct », then the commitments and the phone are both kept, and the phone is said', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_COMMITMENTS);
    const text = await replies(official, "cofinancement à hauteur de 40000 euros + mise a dispo d'un agent a mi temps. Ah et au fait le tel c'est plutot le 02 38 79 45 12 en direct");
    const draft = await draftOf(app, official);
    expect(digits(draft.contact.phone)).toBe('0238794512');
    expect(draft.commitments.map((commitment) => commitment.kind).sort()).toEqual(['cofinancing', 'staff']);
    expect(text).toMatch(/02 38 79 45 12|0238794512|\+33238794512/);
  });
});

describe('Corrections that are not answers (dev-fresh3 shapes)', () => {
  test('When « dsl c gerard pons pas gerard pont » is said at the e-mail question, then the contact’s name is corrected and the e-mail asked again', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_ROLE, ['chargée de mission cohésion sociale', 'adresse']]);
    const text = await replies(official, 'dsl c gerard pons pas gerard pont');
    const { contact } = await draftOf(app, official);
    expect(contact.name).toBe('Gerard Pons');
    expect(contact.email).toBeUndefined();
    expect(text).toContain('adresse');
  });

  test('When « Pardon, je me suis trompée : nous sommes la communauté de communes, et non la commune. Nous comptons 22 000 habitants. » is said at the population question, then the kind is corrected and the population stored', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_ROLE.slice(0, 4));
    await replies(official, 'Pardon, je me suis trompée : nous sommes la communauté de communes, et non la commune. Nous comptons 22 000 habitants.');
    const { collectivity } = await draftOf(app, official);
    expect(collectivity).toMatchObject({ kind: 'communaute_de_communes', population: 22000 });
  });
});
