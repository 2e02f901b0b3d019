// Staff accounts: hashed keys, revocation, last use, and the optional OIDC sign-in against a real local JWKS.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { createOidcVerifier } from '../../api/auth/oidcVerifier';
import { staffModel } from '../../api/staff/staffModel';
import { startTestApp, type TestApp } from '../support/testApp';
import { call } from './staffApiSupport';

const AUDIENCE = 'territoires-integration';

/** An OpenID provider on 127.0.0.1: discovery document and JWKS, and a signer of tokens. */
class Issuer {
  url = '';
  private server: Server | undefined;
  private privateKey: KeyLike | undefined;

  async start(): Promise<void> {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    this.privateKey = privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    this.server = createServer((req, res) => {
      const body = req.url === '/.well-known/openid-configuration' ? { issuer: this.url, jwks_uri: `${this.url}/jwks` } : req.url === '/jwks' ? { keys: [jwk] } : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async token(claims: Record<string, unknown>, options: { audience?: string; issuer?: string; expiresIn?: string; key?: KeyLike } = {}): Promise<string> {
    const key = options.key ?? this.privateKey;
    if (!key) throw new Error('issuer not started');
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(options.issuer ?? this.url)
      .setAudience(options.audience ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(key);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

let issuer: Issuer;
let app: TestApp;

beforeAll(async () => {
  issuer = new Issuer();
  await issuer.start();
  app = await startTestApp({
    staffApi: { oidc: createOidcVerifier({ issuer: issuer.url, audience: AUDIENCE, jwksUri: undefined, emailClaim: 'email' }) },
  });
});

afterAll(async () => {
  await app.close();
  await issuer.stop();
});

describe('Staff accounts', () => {
  test('When an account is created, then only a salted scrypt hash of its key is stored', async () => {
    const created = await app.staffAccounts.create({ name: 'Paul Martin', role: 'instructeur', departements: ['69', '01'] });
    if (!created.ok) throw new Error('not created');

    const stored = await staffModel(app.database.connection).findById(created.account.id).lean();

    expect(created.key).toMatch(new RegExp(`^ti_${created.account.id}_[A-Za-z0-9_-]{43}$`));
    expect(JSON.stringify(stored)).not.toContain(created.key.slice(-43));
    expect(stored).toMatchObject({ name: 'Paul Martin', role: 'instructeur', departements: ['69', '01'], keySalt: expect.any(String), keyHash: expect.any(String) });
  });

  test('When a key is used, then the account records when', async () => {
    const created = await app.staffAccounts.create({ name: 'Léa', role: 'admin' });
    if (!created.ok) throw new Error('not created');

    await call(app.url, '/api/dossiers', { key: created.key });
    const [listed] = (await app.staffAccounts.list()).filter((account) => account.id === created.account.id);

    expect(listed?.lastUsedAt).toBeInstanceOf(Date);
  });

  test('When an instructeur has no département, or an e-mail is already taken by an active account, then the account is not created', async () => {
    await app.staffAccounts.create({ name: 'Un', role: 'admin', email: 'un@exemple.gouv.fr' });

    const withoutScope = await app.staffAccounts.create({ name: 'Sans', role: 'instructeur' });
    const sameEmail = await app.staffAccounts.create({ name: 'Deux', role: 'admin', email: 'UN@exemple.gouv.fr' });

    expect(withoutScope).toMatchObject({ ok: false, code: 'invalid' });
    expect(sameEmail).toMatchObject({ ok: false, code: 'email_taken' });
  });
});

describe('OIDC sign-in', () => {
  beforeAll(async () => {
    await app.staffAccounts.create({ name: 'Claire OIDC', role: 'instructeur', departements: ['69'], email: 'claire.martin@interieur.gouv.fr' });
  });

  test('When a valid token of the issuer carries the e-mail of an active account, then the API answers as that account', async () => {
    const token = await issuer.token({ email: 'Claire.Martin@interieur.gouv.fr', email_verified: true });

    const response = await call(app.url, '/api/dossiers', { key: token });

    expect(response.status).toBe(200);
  });

  test.each([
    ['for another audience', { audience: 'someone-else' }, { email: 'claire.martin@interieur.gouv.fr' }],
    ['from another issuer', { issuer: 'https://evil.example' }, { email: 'claire.martin@interieur.gouv.fr' }],
    ['expired', { expiresIn: '-1m' }, { email: 'claire.martin@interieur.gouv.fr' }],
    ['for an unknown e-mail', {}, { email: 'inconnu@interieur.gouv.fr' }],
    ['for an unverified e-mail', {}, { email: 'claire.martin@interieur.gouv.fr', email_verified: false }],
    ['without email_verified', {}, { email: 'claire.martin@interieur.gouv.fr' }],
    ['with email_verified "false" (a string)', {}, { email: 'claire.martin@interieur.gouv.fr', email_verified: 'false' }],
    ['with email_verified "true" (a string)', {}, { email: 'claire.martin@interieur.gouv.fr', email_verified: 'true' }],
    ['without e-mail', {}, { sub: '123' }],
  ])('When the token is %s, then the answer is 401', async (_label, options, claims) => {
    const token = await issuer.token(claims, options);

    const response = await call(app.url, '/api/dossiers', { key: token });

    expect(response.status).toBe(401);
  });

  test('When the token is signed by another key, then the answer is 401', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await issuer.token({ email: 'claire.martin@interieur.gouv.fr' }, { key: privateKey });

    const response = await call(app.url, '/api/dossiers', { key: token });

    expect(response.status).toBe(401);
  });
});
