// An optional answer the official skips while editing it, or asks to erase, is erased from the draft
// (not kept behind a « passé »), through the real bot, dialogs and Bot Framework adapter over HTTP.
import { draftOf, type Exchange, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const TO_APPROACH: Exchange[] = [
  ['Préparer une candidature', 'nom'],
  ['Commune de Millau', 'Dans quel département'],
  ['Aveyron', 'SIREN'],
  ['211 201 454', 'habitants'],
  ['22 000', 'contacter'],
  ['Nadia Rouquette', 'fonction'],
  ['chargée de mission politique de la ville', 'adresse'],
  ['n.rouquette@millau.fr', 'téléphone'],
  ['05 65 59 50 00', 'stratégie'],
];

describe('Erasing an optional answer', () => {
  test('When the phone is edited after « résumé » and the official answers « pas de numéro », then the phone is erased and the journey goes on', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_APPROACH);
    expect((await draftOf(app, official)).contact.phone).toBe('+33565595000');
    await official.play([
      ['résumé', 'stratégie'],
      ['le téléphone est faux, effacez-le s’il vous plaît', ['modifions le téléphone du contact', 'Actuellement : « 05 65 59 50 00 »']],
      ['pas de numéro', 'stratégie'],
    ]);
    const draft = await draftOf(app, official);
    expect(draft.contact.phone).toBeUndefined();
    expect(draft.contact).toMatchObject({ name: 'Nadia Rouquette', email: 'n.rouquette@millau.fr' });
  });

  test('When the SIREN is edited and the official has it not at hand, then it is erased and the other answers kept', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_APPROACH);
    await official.play([
      ['modifier le SIREN', ['SIREN', 'Actuellement']],
      ['je ne l’ai pas sous la main', 'stratégie'],
    ]);
    const draft = await draftOf(app, official);
    expect(draft.collectivity.siren).toBeUndefined();
    expect(draft.collectivity).toMatchObject({ name: 'Commune de Millau', departement: '12', population: 22_000 });
  });
});

describe('Asking to erase an optional answer on its question', () => {
  test('When the phone is edited and the official answers « effacez-le », then the phone is erased', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_APPROACH);
    await official.play([
      ['modifier le téléphone du contact', 'Actuellement'],
      ['supprimez-le', 'stratégie'],
    ]);
    expect((await draftOf(app, official)).contact.phone).toBeUndefined();
  });
});
