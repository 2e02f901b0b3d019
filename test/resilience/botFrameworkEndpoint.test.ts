// Attacks on /api/messages (review findings F1, F2, F18): who may post there, where the bot may
// reply, and the web widget's conversations that must stay out of its reach. The Bot Framework's
// token service is played by a loopback OpenID/JWKS server signing real RS256 tokens.
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { ConfigError, loadConfig } from '../../api/config';
import { buildActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/testApp';
import { FIRST_HALF, WidgetUser } from './resilienceSupport';

const APP_ID = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const ISSUER = 'https://api.botframework.com';

interface LoopbackServer {
  url: string;
  close(): Promise<void>;
}

async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Any HTTP server: records every request it receives (the target of an SSRF). */
async function startTarget(): Promise<LoopbackServer & { hits: string[] }> {
  const hits: string[] = [];
  const app = express();
  app.use((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.json({ id: 'reply' });
  });
  const { url, server } = await listen(app);
  return { url: `${url}/`, hits, close: () => closeServer(server) };
}

/** The Bot Framework's token service: OpenID metadata and keys on loopback, and a signer. */
async function startTokenService(): Promise<LoopbackServer & { sign(claims: Record<string, unknown>, key?: KeyLike): Promise<string> }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-key', use: 'sig', alg: 'RS256' };
  const app = express();
  let base = '';
  app.get('/v1/.well-known/openidconfiguration', (_req, res) => {
    res.json({ issuer: ISSUER, jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] });
  });
  app.get('/v1/.well-known/keys', (_req, res) => {
    res.json({ keys: [jwk] });
  });
  const { url, server } = await listen(app);
  base = url;
  return {
    url: `${url}/v1/.well-known/openidconfiguration`,
    close: () => closeServer(server),
    sign: (claims, key = privateKey) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).setIssuer(ISSUER).setAudience(APP_ID).setIssuedAt().setExpirationTime('5m').sign(key),
  };
}

async function postActivity(baseUrl: string, activity: Record<string, unknown>, authorization?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(activity),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Lets the bot's fire-and-forget replies (if any were wrongly sent) reach the target before checking. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('Without an Azure Bot registration (the default)', () => {
  let app: TestApp;
  let target: Awaited<ReturnType<typeof startTarget>>;

  beforeAll(async () => {
    target = await startTarget();
    app = await startTestApp({ bot: { appId: undefined, appPassword: undefined, appTenantId: undefined, appType: 'MultiTenant' } });
  });

  afterAll(async () => {
    await Promise.all([app.close(), target.close()]);
  });

  test('When anyone posts an activity naming a serviceUrl, then it is refused with a French 401 and nothing is sent to that URL', async () => {
    const activity = buildActivity({ text: 'Préparer une candidature', serviceUrl: target.url, deliveryMode: undefined, from: { id: 'stranger' } });

    const answer = await postActivity(app.url, activity);
    await settle();

    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: { code: 'BOT_AUTHENTICATION_NOT_CONFIGURED', message: expect.stringContaining('MicrosoftAppId') } });
    expect(target.hits).toEqual([]);
    expect(await app.repository.findDraftForOwner({ channel: 'test', userId: 'stranger' })).toBeNull();
  });
});

describe('With the development switch (no app id, BOT_ALLOW_UNAUTHENTICATED)', () => {
  let app: TestApp;
  const logLines: string[] = [];

  beforeAll(async () => {
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    app = await startTestApp({ logDestination, logLevel: 'info' });
  });

  afterAll(async () => {
    await app.close();
  });

  test('When an activity names a serviceUrl off this machine, then it is refused with 401 (no SSRF even in development)', async () => {
    const answer = await postActivity(app.url, buildActivity({ text: 'aide', serviceUrl: 'http://169.254.169.254/latest/', from: { id: 'dev-ssrf' } }));

    expect(answer.status).toBe(401);
    expect((answer.body as { error: { code: string } }).error.code).toBe('BOT_SERVICE_URL_REFUSED');
  });

  test('When a stranger posts on channel webchat with a widget user’s conversation id, then it is refused with 403 and the victim’s pending question and answers are untouched', async () => {
    const victim = await WidgetUser.arrive(app.url);
    await victim.start();
    await victim.play(FIRST_HALF.slice(0, 7));
    const conversationId = victim.conversationId ?? '';
    const before = await app.database.connection.collection('botstate').findOne({ _id: `webchat/conversations/${conversationId}/` as never });

    const forged = await postActivity(
      app.url,
      buildActivity({ channelId: 'webchat', conversation: { id: conversationId }, from: { id: 'stranger' }, text: 'intrus@example.org' }),
    );
    const asDirectLine = await postActivity(
      app.url,
      buildActivity({ channelId: 'directline', conversation: { id: conversationId }, from: { id: 'stranger' }, text: 'résumé' }),
    );
    const after = await app.database.connection.collection('botstate').findOne({ _id: `webchat/conversations/${conversationId}/` as never });

    expect(forged.status).toBe(403);
    expect(forged.body).toEqual({ error: { code: 'BOT_CHANNEL_REFUSED', message: expect.stringContaining('widget') } });
    expect(asDirectLine.status).toBe(403);
    expect(JSON.stringify(forged.body)).not.toContain('Camille');
    expect(after?.data).toEqual(before?.data);
  });

  test('When a widget user talks, then no info-level log line names the conversation id', async () => {
    const user = await WidgetUser.arrive(app.url);
    await user.start();
    await user.say('aide');

    expect(user.conversationId).toBeTruthy();
    expect(logLines.some((line) => line.includes('/conversations/:id'))).toBe(true);
    expect(logLines.filter((line) => line.includes(user.conversationId ?? '-'))).toEqual([]);
  });
});

describe('With an Azure Bot registration (MicrosoftAppId)', () => {
  let app: TestApp;
  let tokens: Awaited<ReturnType<typeof startTokenService>>;
  let target: Awaited<ReturnType<typeof startTarget>>;

  // botbuilder's token extractor reports refused tokens with console.error: keep the test output clean.
  let consoleError: jest.SpyInstance;

  beforeAll(async () => {
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    [tokens, target] = await Promise.all([startTokenService(), startTarget()]);
    app = await startTestApp({
      bot: { appId: APP_ID, appPassword: 'secret', appTenantId: undefined, appType: 'MultiTenant', channelTokens: { openIdMetadataUrl: tokens.url, issuer: ISSUER } },
    });
  });

  afterAll(async () => {
    await Promise.all([app.close(), tokens.close(), target.close()]);
    consoleError.mockRestore();
  });

  test('When the Bot Framework’s signed token vouches for the serviceUrl, then the bot answers', async () => {
    const serviceUrl = 'https://smba.trafficmanager.net/emea/';
    const token = await tokens.sign({ serviceurl: serviceUrl });

    const answer = await postActivity(app.url, buildActivity({ text: 'aide', serviceUrl, from: { id: 'signed-user' } }), `Bearer ${token}`);

    expect(answer.status).toBe(200);
    const replies = (answer.body as { activities: Array<{ text?: string }> }).activities;
    expect(replies.map((reply) => reply.text).join('\n')).toContain('préparer une candidature');
  });

  test('When a valid token vouches for another serviceUrl, then the activity is refused and nothing is sent to the named one', async () => {
    const token = await tokens.sign({ serviceurl: 'https://smba.trafficmanager.net/emea/' });

    const answer = await postActivity(app.url, buildActivity({ text: 'aide', serviceUrl: target.url, deliveryMode: undefined }), `Bearer ${token}`);
    await settle();

    expect(answer.status).toBe(401);
    expect((answer.body as { error: { code: string; message: string } }).error.message).toMatch(/jeton|serviceUrl/i);
    expect(target.hits).toEqual([]);
  });

  test('When the token is unsigned (alg none), signed by another key or absent, then the answer is a French JSON 401, never a 500', async () => {
    const serviceUrl = 'https://smba.trafficmanager.net/emea/';
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: ISSUER, aud: APP_ID, serviceurl: serviceUrl, exp: Math.floor(Date.now() / 1000) + 300 })).toString('base64url');
    const { privateKey: otherKey } = await generateKeyPair('RS256');
    const foreign = await tokens.sign({ serviceurl: serviceUrl }, otherKey);

    const answers = [
      await postActivity(app.url, buildActivity({ serviceUrl }), `Bearer ${header}.${payload}.`),
      await postActivity(app.url, buildActivity({ serviceUrl }), `Bearer ${foreign}`),
      await postActivity(app.url, buildActivity({ serviceUrl }), 'Bearer not-a-jwt'),
      await postActivity(app.url, buildActivity({ serviceUrl })),
    ];

    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401]);
    for (const answer of answers) {
      expect(answer.body).toEqual({ error: { code: 'BOT_UNAUTHENTICATED', message: expect.stringContaining('Jeton Bot Framework') } });
    }
  });
});

describe('Configuration of the development switch', () => {
  test('When BOT_ALLOW_UNAUTHENTICATED=true under NODE_ENV=production, then the configuration is refused', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', BOT_ALLOW_UNAUTHENTICATED: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', BOT_ALLOW_UNAUTHENTICATED: 'true' })).toThrow(/BOT_ALLOW_UNAUTHENTICATED/);
  });

  test('When nothing is set, then /api/messages is closed (the switch is off by default)', () => {
    expect(loadConfig({}).bot.allowUnauthenticated).toBe(false);
    expect(loadConfig({ BOT_ALLOW_UNAUTHENTICATED: 'true' }).bot.allowUnauthenticated).toBe(true);
  });
});
