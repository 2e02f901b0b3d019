// The walkthrough of 2026-12-06: each repair through the real bot, dialogs and Bot Framework adapter over HTTP,
// checked in the saved dossier.
import { draftOf, type Exchange, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

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
