// The back-office sign-in over real HTTP: local accounts, session cookie in MongoDB, CSRF, expiry, sign-out.
import { startTestApp, type TestApp } from '../support/testApp';
import { CookieClient, createAgent, hiddenValue, type TestAgent } from './instructionSupport';

let app: TestApp;
let agent: TestAgent;
const now = new Date('2026-05-04T08:00:00Z');

beforeAll(async () => {
  app = await startTestApp({ instruction: { session: { idleMinutes: 30, absoluteMinutes: 120 } }, staffApi: { clock: () => now } });
  agent = await createAgent(app.staffAccounts, { departements: ['69'], name: 'Claire Instructrice' });
});

afterAll(async () => {
  await app?.close();
});

describe('Back-office sign-in', () => {
  test('When nobody is signed in, then the list redirects to the sign-in page, which comes back to the page asked for', async () => {
    const client = new CookieClient(app.url);

    const list = await client.get('/instruction/?onglet=traites');
    const form = await client.get(list.location ?? '');

    expect(list.status).toBe(303);
    expect(list.location).toBe('/instruction/connexion?retour=%2Finstruction%2F%3Fonglet%3Dtraites');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<html lang="fr"');
    expect(form.text).toContain('Connexion à l’espace d’instruction');
    expect(hiddenValue(form.text, 'retour')).toBe('/instruction/?onglet=traites');
    expect(form.headers.get('content-security-policy')).toContain("script-src 'none'");
    expect(form.headers.get('cache-control')).toBe('no-store');
  });

  test('When the password is right, then an HttpOnly SameSite session cookie is set and the list shows the agent', async () => {
    const client = new CookieClient(app.url);

    const signedIn = await client.signIn(agent.email.toUpperCase(), agent.password);
    const list = await client.get('/instruction/');
    const stored = await app.database.connection.collection('instruction_sessions').find({ staffId: agent.account.id }).toArray();

    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/instruction/');
    const cookie = signedIn.headers.getSetCookie().find((line) => line.startsWith('ti_instruction='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/instruction/);
    expect(list.status).toBe(200);
    expect(list.text).toContain('Claire Instructrice');
    expect(stored.length).toBeGreaterThan(0);
    // Only a digest of the token is stored: the cookie's value is nowhere in the database.
    expect(JSON.stringify(stored)).not.toContain(client.cookies.get('ti_instruction'));
  });

  test.each([
    ['a wrong password', (a: TestAgent) => a.email, () => 'pas le bon mot de passe', 401, 'Adresse électronique ou mot de passe incorrect.'],
    ['an unknown e-mail', () => 'inconnu@prefecture.gouv.fr', (a: TestAgent) => a.password, 401, 'Adresse électronique ou mot de passe incorrect.'],
    ['an empty password', (a: TestAgent) => a.email, () => '', 400, 'Saisissez votre adresse électronique et votre mot de passe.'],
  ])('When signing in with %s, then the page says so in French and no session opens', async (_case, email, password, status, message) => {
    const client = new CookieClient(app.url);

    const refused = await client.signIn(email(agent), password(agent));
    const list = await client.get('/instruction/');

    expect(refused.status).toBe(status);
    expect(refused.text).toContain(message);
    expect(refused.text).toContain(`value="${email(agent).replace(/&/g, '&amp;')}"`);
    expect(client.cookies.has('ti_instruction')).toBe(false);
    expect(list.status).toBe(303);
  });

  test('When the sign-in form is posted without its token (a forged form), then it is refused even with the right password', async () => {
    const client = new CookieClient(app.url);

    const forged = await client.post('/instruction/connexion', { email: agent.email, password: agent.password });

    expect(forged.status).toBe(403);
    expect(client.cookies.has('ti_instruction')).toBe(false);
  });

  test('When a signed-in form is posted without the session’s CSRF token, then it is refused and nothing changes', async () => {
    const client = new CookieClient(app.url);
    await client.signIn(agent.email, agent.password);

    const forged = await client.post('/instruction/dossiers/TI-2026-00001/suivre', { suivre: 'oui' });

    expect(forged.status).toBe(403);
    expect(forged.text).toContain('Ce formulaire a expiré ou ne vient pas de cette page');
  });

  test('When the agent signs out, then the session is deleted and its cookie no longer opens the list', async () => {
    const client = new CookieClient(app.url);
    await client.signIn(agent.email, agent.password);
    const token = client.cookies.get('ti_instruction') ?? '';
    const list = await client.get('/instruction/');

    const signedOut = await client.post('/instruction/deconnexion', { _csrf: hiddenValue(list.text, '_csrf') });
    const replay = await fetch(`${app.url}/instruction/`, { redirect: 'manual', headers: { cookie: `ti_instruction=${token}` } });
    const after = await client.get(signedOut.location ?? '');

    expect(signedOut.status).toBe(303);
    expect(replay.status).toBe(303);
    expect(after.text).toContain('Vous êtes déconnecté.');
  });

  test('When the account is revoked, then its open session stops working at the next page', async () => {
    const other = await createAgent(app.staffAccounts, { departements: ['01'] });
    const client = new CookieClient(app.url);
    await client.signIn(other.email, other.password);
    const before = await client.get('/instruction/');

    await app.staffAccounts.revoke(other.account.id);
    const after = await client.get('/instruction/');

    expect(before.status).toBe(200);
    expect(after.status).toBe(303);
  });
});

describe('Back-office session expiry', () => {
  test('When the agent stays idle longer than the idle limit, then the next page asks to sign in again and says why', async () => {
    const timed = await startTestApp({ testDatabase: app.testDatabase, instruction: { session: { idleMinutes: 30, absoluteMinutes: 120 } } });
    try {
      const sessions = timed.database.connection.collection('instruction_sessions');
      const client = new CookieClient(timed.url);
      await client.signIn(agent.email, agent.password);
      expect((await client.get('/instruction/')).status).toBe(200);

      // The agent's last request was 31 minutes ago.
      await sessions.updateMany({ staffId: agent.account.id }, { $set: { lastSeenAt: new Date(Date.now() - 31 * 60_000) } });
      const expired = await client.get('/instruction/');
      const form = await client.get(expired.location ?? '');

      expect(expired.status).toBe(303);
      expect(expired.location).toContain('expiree=1');
      expect(form.text).toContain('Votre session a expiré');
    } finally {
      await timed.close();
    }
  });
});
