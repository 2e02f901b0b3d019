// Questions in the chat: cited answers, the passage on demand, and 👍/👎 kept for the team.
import { TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

describe('Questions in the chat', () => {
  test('When an official asks a question the base answers, then the answer cites its sources and asks for feedback', async () => {
    const official = new TestConversation(app.url);

    await official.play([
      ['qui signe le contrat ?', [/préfets?/i, 'Sources : [1]', 'Écrivez « source 1 »', 'Cette réponse vous a aidé ?']],
      ['source 1', ['Source 1 —', '> ']],
      ['Utile', 'Merci pour votre retour'],
    ]);

    const feedback = await app.database.connection.collection('faq_feedback').find({ question: 'qui signe le contrat ?' }).toArray();
    expect(feedback).toEqual([expect.objectContaining({ helpful: true, answered: true, channel: 'test' })]);
    expect(feedback[0]?.sources).toEqual(expect.arrayContaining([expect.any(String)]));
  });

  test('When the base cannot answer, then the bot says so plainly, points to the prefecture, and a 👎 is kept', async () => {
    const official = new TestConversation(app.url);

    await official.play([
      ['quelle est la date limite pour déposer ?', ['Je ne sais pas', 'préfecture']],
      ['Pas utile', 'Merci, votre retour'],
    ]);

    const feedback = await app.database.connection.collection('faq_feedback').findOne({ question: 'quelle est la date limite pour déposer ?' });
    expect(feedback).toMatchObject({ helpful: false, answered: false });
  });

  test('When an informal or misspelled question is typed, then it is still understood', async () => {
    const official = new TestConversation(app.url);

    await official.play([
      ['c koi un ptai', [/projet territorial/i, 'Sources']],
      ['cb d’argent pour l’intégration ?', [/9 millions/i, 'Sources']],
    ]);
  });

  test('When the official only says hello, then the bot invites a question and shows the menu instead of asking for a rating', async () => {
    const official = new TestConversation(app.url);

    const replies = await official.say('bonjour');

    expect(replies.map((reply) => reply.text).join('\n')).toContain('Posez-moi votre question');
    expect(replies.at(-1)?.text).toBe('Que souhaitez-vous faire ?');
    expect(replies.some((reply) => reply.text === 'Cette réponse vous a aidé ?')).toBe(false);
  });
});
