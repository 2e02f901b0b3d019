// Walkthrough 2, observation 12 (« the first dossier was TI-2026-00005 »), through the real bot and the Bot Framework
// adapter over HTTP on an empty database: the welcome and questions consume no reference; only
// opening a dossier does, and a draft erased by the official keeps its number (the README says so).
import { replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

describe('Dossier references on an empty database', () => {
  test('When two officials are welcomed and ask questions before one opens a dossier, then it is numbered 00001; an erased draft keeps its number, so the next dossier is 00002, not 00001 again', async () => {
    expect(await app.repository.findByReference(`TI-${new Date().getFullYear()}-00001`)).toBeNull();
    const onlooker = new TestConversation(app.url);
    await onlooker.join();
    await replies(onlooker, 'bonjour');
    await replies(onlooker, 'qui peut signer un CTAI ?');

    const official = new TestConversation(app.url);
    await official.join();
    await replies(official, 'qu’est-ce qu’un PTAI ?');
    const opened = await replies(official, 'Préparer une candidature');
    expect(opened).toMatch(/J’ai ouvert le dossier TI-\d{4}-00001\b/);

    await replies(official, 'supprimer mes données');
    await replies(official, 'oui');
    expect(await app.repository.findByReference(/TI-\d{4}-00001/.exec(opened)![0])).toBeNull();

    const other = new TestConversation(app.url);
    await other.join();
    expect(await replies(other, 'Préparer une candidature')).toMatch(/J’ai ouvert le dossier TI-\d{4}-00002\b/);
  });
});
