// A stranger's walkthrough of 2026-12-06: each repair through the real bot, dialogs and Bot Framework
// adapter over HTTP, checked in the saved dossier.
import { draftOf, type Exchange, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const TO_DIAGNOSTIC: Exchange[] = [
  ['Préparer une candidature', 'nom'],
  ['Commune de Vierzon', 'Dans quel département'],
  ['18', 'SIREN'],
  ['passer', 'habitants'],
  ['passer', 'contacter'],
  ['Jean-Marc Poulain', 'fonction'],
  ['Chargé de mission', 'adresse'],
  ['jeanmarc.poulain@vierzon.fr', 'téléphone'],
  ['passer', 'stratégie'],
  ['actions ciblées', 'diagnostic'],
];

describe('A question without its own subject, asked at a question of the journey', () => {
  test('When « on n’en a pas, c obligatoire ? » is said at the diagnostic question of a PTAI, then « pas de diagnostic » is stored and the diagnostic rule is answered, not housing', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_DIAGNOSTIC);

    const text = await replies(official, 'on n’en a pas, c obligatoire ?');

    expect(text).toContain('un diagnostic territorial préalable n’est pas requis, même s’il est conseillé');
    expect(text.split('\n---\n')[0]).not.toContain('logement');
    expect((await draftOf(app, official)).diagnostic?.status).toBe('none');
    expect(text).toContain('Nous préparons donc un PTAI');
  });
});
