// RGPD: the logs of a whole journey (web widget, Bot Framework endpoint, staff API, an outage)
// never hold what the official typed, their e-mail or phone, a widget token or a staff key.
import { Writable } from 'node:stream';
import { call, staffKey, submittedDossier } from '../api/staffApiSupport';
import { TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';
import { FIRST_HALF, waitFor, WidgetUser } from './resilienceSupport';

let app: TestApp;
const logs: string[] = [];

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  // Debug, so that even the lines production does not print are checked.
  app = await startTestApp({ logDestination: destination, logLevel: 'debug' });
});

afterAll(async () => {
  await app.close();
});

const FAQ_QUESTION = 'Qui signe le contrat avec la préfecture pour notre commune ?';
const STAFF_COMMENT = 'Avis favorable, rappeler Madame Martin au 06 11 22 33 44';
const STAFF_NOTE = 'Note privée : contact personnel camille.perso@example.org';

describe('What the logs hold', () => {
  test('When officials go through a journey on both channels and staff review a dossier, then no typed text, e-mail, phone, token or key is in the logs', async () => {
    const widget = await WidgetUser.arrive(app.url);
    const tokens = [widget.token];
    await widget.start();
    tokens.push(widget.token);
    await widget.play(FIRST_HALF);
    await widget.say(FAQ_QUESTION);
    await widget.comeBack();
    tokens.push(widget.token);
    const chat = new TestConversation(app.url);
    await chat.play(FIRST_HALF.slice(0, 5));
    if (app.testDatabase.embedded) {
      // An outage in the middle: failed turns and 503s are logged too.
      await app.testDatabase.stop();
      await chat.say(String(FIRST_HALF[5]?.[0]));
      await widget.post('une réponse pendant la panne');
      await app.testDatabase.start();
      await waitFor(async () => (await fetch(`${app.url}/healthz`)).status === 200, 'the database to come back');
    }
    await chat.play(FIRST_HALF.slice(5));
    const key = await staffKey(app.staffAccounts, 'admin');
    const wrongKey = `${key.slice(0, -4)}AAAA`;
    const dossier = await submittedDossier(app.repository);
    await call(app.url, `/api/dossiers/${dossier.reference}`, { key });
    await call(app.url, `/api/dossiers?q=${encodeURIComponent('Métropole de Lyon')}`, { key });
    await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key, headers: { 'if-match': `"${dossier.version}"` }, body: { to: 'under_review', comment: STAFF_COMMENT } });
    await call(app.url, `/api/dossiers/${dossier.reference}/notes`, { key, body: { text: STAFF_NOTE } });
    await call(app.url, '/api/dossiers', { key: wrongKey });
    await call(app.url, '/api/faq', { body: { question: FAQ_QUESTION } });

    const written = logs.join('');
    const typed = FIRST_HALF.map(([said]) => String(said)).filter((said) => said.length > 4 && said !== 'Préparer une candidature');
    const secrets = [
      ...typed,
      'camille.martin@grandlyon.com',
      '+33472000000',
      '0472000000',
      FAQ_QUESTION,
      'une réponse pendant la panne',
      STAFF_COMMENT,
      STAFF_NOTE,
      'camille.perso@example.org',
      ...tokens,
      ...tokens.map((token) => token.split('.')[1] ?? token),
      key,
      key.slice(-43),
      wrongKey,
    ];

    expect(logs.length).toBeGreaterThan(20);
    for (const line of logs) expect(() => JSON.parse(line) as unknown).not.toThrow();
    for (const secret of secrets) expect({ secret, found: written.toLowerCase().includes(secret.toLowerCase()) }).toEqual({ secret, found: false });
  });
});
