// The back-office's ProConnect sign-in over real HTTP, against a real OpenID Connect provider on loopback.
import type { ProConnectSettings } from '../../api/auth/proConnect';
import { loadConfig } from '../../api/config';
import { startTestApp, type TestApp } from '../support/testApp';
import { CookieClient, createAgent, type PageResponse, type TestAgent } from './instructionSupport';
import { startOidcProvider, type ProviderIdentity, type Tampering, type TestOidcProvider } from './instructionOidcProvider';

let provider: TestOidcProvider;
let app: TestApp;
let agent: TestAgent;
let settings: ProConnectSettings;

beforeAll(async () => {
  provider = await startOidcProvider();
  // The app's port is known once it listens: the settings object is read at each sign-in, so it is completed then.
  settings = { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUri: '', scopes: 'openid email given_name usual_name' };
  app = await startTestApp({ instruction: { proConnect: settings } });
  settings.redirectUri = `${app.url}/instruction/proconnect/retour`;
  settings.postLogoutRedirectUri = `${app.url}/instruction/connexion?deconnecte=1`;
  provider.redirectUris.add(settings.redirectUri);
  provider.postLogoutRedirectUris.add(settings.postLogoutRedirectUri);
  agent = await createAgent(app.staffAccounts, { departements: ['69'], name: 'Claire ProConnect' });
});

afterAll(async () => {
  await app?.close();
  await provider?.close();
});

beforeEach(() => {
  provider.tampering = 'none';
  provider.identity = { sub: 'sub-claire', email: agent.email, email_verified: true };
});

/** Where a redirect goes, as a path of the app when it is one. */
function appPath(location: string | null): string {
  if (!location) throw new Error('No Location header');
  return location.startsWith(app.url) ? location.slice(app.url.length) : location;
}

/** The browser's round trip: the button, the provider's authorize endpoint, back to the app with the code. */
async function roundTrip(client: CookieClient, options: { retour?: string; alterCallback?: (url: URL) => void } = {}): Promise<{ authorize: URL; callback: string; answer: PageResponse }> {
  const start = await client.get(`/instruction/proconnect?retour=${encodeURIComponent(options.retour ?? '/instruction/')}`);
  expect(start.status).toBe(303);
  const authorize = new URL(start.location ?? '');
  const atProvider = await fetch(authorize, { redirect: 'manual' });
  expect(atProvider.status).toBe(302);
  const back = new URL(atProvider.headers.get('location') ?? '');
  options.alterCallback?.(back);
  const callback = appPath(back.toString());
  return { authorize, callback, answer: await client.get(callback) };
}

async function sessionsOf(staffId: string): Promise<Array<Record<string, unknown>>> {
  return app.database.connection.collection('instruction_sessions').find({ staffId }).toArray();
}

describe('ProConnect sign-in', () => {
  test('When ProConnect is configured, then the sign-in page shows its button beside the local form', async () => {
    const page = await new CookieClient(app.url).get('/instruction/connexion?retour=%2Finstruction%2F%3Fonglet%3Dtraites');

    expect(page.text).toContain('<span class="fr-connect__login">Se connecter avec</span> <span class="fr-connect__brand">ProConnect</span>');
    expect(page.text).toContain('href="/instruction/proconnect?retour=%2Finstruction%2F%3Fonglet%3Dtraites"');
    expect(page.text).toContain('Avec votre compte local');
  });

  test('When an agent signs in with ProConnect, then the provider gets PKCE S256, state and nonce, and the agent gets a session on the page asked for', async () => {
    const client = new CookieClient(app.url);
    const before = (await sessionsOf(agent.account.id)).length;

    const { authorize, answer } = await roundTrip(client, { retour: '/instruction/?onglet=traites' });
    const list = await client.get('/instruction/?onglet=traites');

    expect(authorize.origin).toBe(provider.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('client_id')).toBe(provider.clientId);
    expect(authorize.searchParams.get('redirect_uri')).toBe(settings.redirectUri);
    expect(authorize.searchParams.get('scope')).toContain('openid');
    // The verifier itself never leaves the server.
    expect(authorize.toString()).not.toContain('code_verifier');
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/instruction/?onglet=traites');
    expect(answer.headers.getSetCookie().find((line) => line.startsWith('ti_instruction='))).toMatch(/HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/i);
    expect(list.status).toBe(200);
    expect(list.text).toContain('Claire ProConnect');
    const sessions = await sessionsOf(agent.account.id);
    expect(sessions).toHaveLength(before + 1);
    expect(sessions.at(-1)?.via).toBe('oidc');
    expect(provider.refusals).toEqual([]);
  });

  test('When ProConnect gives the e-mail in a signed userinfo answer only, then the agent is signed in too', async () => {
    provider.identity = { sub: 'sub-claire', email: agent.email.toUpperCase(), email_verified: true, emailIn: 'userinfo' };
    const client = new CookieClient(app.url);

    const { answer } = await roundTrip(client);
    const list = await client.get('/instruction/');

    expect(answer.status).toBe(303);
    expect(list.text).toContain('Claire ProConnect');
  });

  const refused: Array<[string, { tampering?: Tampering; identity?: Partial<ProviderIdentity> }, number, string]> = [
    ['the ID token carries another nonce', { tampering: 'wrong_nonce' }, 401, 'L’identité transmise par ProConnect n’a pas pu être vérifiée'],
    ['the ID token is signed by another key', { tampering: 'bad_signature' }, 401, 'L’identité transmise par ProConnect n’a pas pu être vérifiée'],
    ['the ID token has expired', { tampering: 'expired' }, 401, 'L’identité transmise par ProConnect n’a pas pu être vérifiée'],
    ['the ID token is for another client', { tampering: 'wrong_audience' }, 401, 'L’identité transmise par ProConnect n’a pas pu être vérifiée'],
    ['the e-mail is not verified', { identity: { email_verified: false } }, 401, 'Votre adresse électronique n’est pas vérifiée par ProConnect'],
    ['the e-mail is said verified as a string', { identity: { email_verified: 'true' } }, 401, 'Votre adresse électronique n’est pas vérifiée par ProConnect'],
    ['the e-mail is said not verified as a string', { identity: { email_verified: 'false' } }, 401, 'Votre adresse électronique n’est pas vérifiée par ProConnect'],
    ['email_verified is absent', { identity: { email_verified: undefined } }, 401, 'Votre adresse électronique n’est pas vérifiée par ProConnect'],
    ['the e-mail is absent', { identity: { email: undefined } }, 401, 'ProConnect n’a pas transmis votre adresse électronique'],
    ['the e-mail belongs to no account', { identity: { email: 'inconnu@interieur.gouv.fr' } }, 403, 'Aucun compte actif de l’espace d’instruction ne correspond à votre adresse électronique ProConnect'],
    ['the agent cancels at the provider', { tampering: 'deny' }, 401, 'La connexion avec ProConnect a été annulée ou refusée'],
  ];

  test.each(refused)('When %s, then the sign-in is refused with a French message and no session opens', async (_case, change, status, message) => {
    if (change.tampering) provider.tampering = change.tampering;
    if (change.identity) provider.identity = { ...provider.identity, ...change.identity };
    for (const key of Object.keys(change.identity ?? {}) as Array<keyof ProviderIdentity>) if (change.identity?.[key] === undefined) delete provider.identity[key];
    const client = new CookieClient(app.url);
    const before = (await sessionsOf(agent.account.id)).length;

    const { answer } = await roundTrip(client);
    const list = await client.get('/instruction/');

    expect(answer.status).toBe(status);
    expect(answer.text).toContain(message);
    expect(answer.text).toContain('Connexion à l’espace d’instruction');
    expect(client.cookies.has('ti_instruction')).toBe(false);
    expect(list.status).toBe(303);
    expect(await sessionsOf(agent.account.id)).toHaveLength(before);
  });

  test('When the state coming back is not the one sent, then the sign-in is refused and the code is never exchanged', async () => {
    const client = new CookieClient(app.url);
    const refusalsBefore = provider.refusals.length;

    const { answer } = await roundTrip(client, { alterCallback: (url) => url.searchParams.set('state', 'x'.repeat(43)) });

    expect(answer.status).toBe(400);
    expect(answer.text).toContain('La réponse de ProConnect ne correspond pas à votre demande de connexion');
    expect(client.cookies.has('ti_instruction')).toBe(false);
    expect(provider.refusals.length).toBe(refusalsBefore);
  });

  test('When the answer comes back to another browser (no round-trip cookie), then it is refused and the first browser can still finish', async () => {
    const victim = new CookieClient(app.url);
    const start = await victim.get('/instruction/proconnect');
    const atProvider = await fetch(start.location ?? '', { redirect: 'manual' });
    const callback = appPath(atProvider.headers.get('location'));
    const attacker = new CookieClient(app.url);

    const answer = await attacker.get(callback);

    expect(answer.status).toBe(400);
    expect(answer.text).toContain('La connexion avec ProConnect a expiré ou a été commencée dans un autre onglet');
    expect(attacker.cookies.has('ti_instruction')).toBe(false);
    expect((await victim.get(callback)).status).toBe(303);
  });

  test('When the same answer is replayed, then the second use is refused', async () => {
    const client = new CookieClient(app.url);
    const start = await client.get('/instruction/proconnect');
    const flowCookie = client.cookies.get('ti_proconnect') ?? '';
    const atProvider = await fetch(start.location ?? '', { redirect: 'manual' });
    const callback = appPath(atProvider.headers.get('location'));

    const first = await client.get(callback);
    const replay = new CookieClient(app.url);
    replay.cookies.set('ti_proconnect', flowCookie);
    const second = await replay.get(callback);

    expect(first.status).toBe(303);
    expect(second.status).toBe(400);
    expect(replay.cookies.has('ti_instruction')).toBe(false);
  });

  test('When the account is revoked, then ProConnect no longer signs the agent in, with the same message as an unknown e-mail', async () => {
    const revoked = await createAgent(app.staffAccounts, { departements: ['13'], name: 'Agent révoqué' });
    await app.staffAccounts.revoke(revoked.account.id);
    provider.identity = { sub: 'sub-revoked', email: revoked.email, email_verified: true };
    const client = new CookieClient(app.url);

    const { answer } = await roundTrip(client);

    expect(answer.status).toBe(403);
    expect(answer.text).toContain('Aucun compte actif de l’espace d’instruction ne correspond à votre adresse électronique ProConnect');
    expect(await sessionsOf(revoked.account.id)).toHaveLength(0);
  });

  test('When a ProConnect agent signs out, then the session ends here and at the provider, which sends them back to the sign-in page', async () => {
    const client = new CookieClient(app.url);
    await roundTrip(client);
    const list = await client.get('/instruction/');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(list.text)?.[1] ?? '';
    const sessionsBefore = (await sessionsOf(agent.account.id)).length;

    const signedOut = await client.post('/instruction/deconnexion', { _csrf: csrf });
    const atProvider = await fetch(signedOut.location ?? '', { redirect: 'manual' });
    const after = await client.get('/instruction/');

    expect(signedOut.status).toBe(303);
    expect(new URL(signedOut.location ?? '').origin).toBe(provider.issuer);
    expect(provider.signOuts.at(-1)?.idTokenHint).toMatch(/^ey/);
    expect(atProvider.headers.get('location')).toBe(settings.postLogoutRedirectUri);
    expect(after.status).toBe(303);
    expect(await sessionsOf(agent.account.id)).toHaveLength(sessionsBefore - 1);
  });
});

describe('ProConnect configuration', () => {
  const base = { PROCONNECT_ISSUER: 'https://auth.agentconnect.gouv.fr/api/v2', PROCONNECT_CLIENT_ID: 'id', PROCONNECT_CLIENT_SECRET: 'secret' };

  test('When the three variables and PUBLIC_BASE_URL are set, then the redirect URI is derived from the public address', () => {
    const config = loadConfig({ ...base, PUBLIC_BASE_URL: 'https://assistant.example.gouv.fr/' });

    expect(config.proConnect?.redirectUri).toBe('https://assistant.example.gouv.fr/instruction/proconnect/retour');
    expect(config.proConnect?.scopes).toBe('openid email given_name usual_name');
  });

  test.each([
    [{ PROCONNECT_ISSUER: base.PROCONNECT_ISSUER, PROCONNECT_CLIENT_ID: 'id' }, 'PROCONNECT_CLIENT_SECRET'],
    [{ PROCONNECT_CLIENT_ID: 'id', PROCONNECT_CLIENT_SECRET: 'secret' }, 'PROCONNECT_ISSUER'],
    [base, 'PROCONNECT_REDIRECT_URI'],
  ])('When ProConnect is half configured (%j), then start-up names %s', (environment, variable) => {
    expect(() => loadConfig(environment)).toThrow(new RegExp(`${variable}:`));
  });

  test('When nothing is set, then ProConnect is off', () => {
    expect(loadConfig({}).proConnect).toBeUndefined();
  });
});
