// A small but real OpenID Connect provider on loopback, for the ProConnect sign-in tests: discovery, JWKS,
// authorize (PKCE S256 required), token (client secret, code used once), userinfo as a signed JWT (as
// ProConnect answers it), end of session. Each test says who signs in and what the provider gets wrong.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

/** Who signs in at the provider, and where the e-mail claims are given. */
export interface ProviderIdentity {
  sub: string;
  email?: string;
  email_verified?: unknown;
  /** ProConnect gives the e-mail in userinfo only; by default it is in the ID token too. */
  emailIn?: 'id_token' | 'userinfo';
}

/** What a misbehaving (or attacked) provider does to the ID token. */
export type Tampering = 'none' | 'wrong_nonce' | 'bad_signature' | 'expired' | 'wrong_audience' | 'deny';

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The next sign-ins' identity and tampering. */
  identity: ProviderIdentity;
  tampering: Tampering;
  /** Redirect URIs the client registered (checked exactly, as providers do). */
  redirectUris: Set<string>;
  postLogoutRedirectUris: Set<string>;
  /** Token requests refused, with the reason: a client bug shows here. */
  readonly refusals: string[];
  readonly signOuts: Array<{ idTokenHint: string | null }>;
  close(): Promise<void>;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string;
  identity: ProviderIdentity;
  tampering: Tampering;
}

const KID = 'test-key-1';

export async function startOidcProvider(): Promise<TestOidcProvider> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  // Same kid, another key: a token it signs looks right and must fail the signature check.
  const { privateKey: rogueKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, { identity: ProviderIdentity; clientId: string }>();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: 'server_error', error_description: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider: TestOidcProvider = {
    issuer,
    clientId: 'client-instruction-test',
    clientSecret: randomBytes(24).toString('base64url'),
    identity: { sub: 'sub-default' },
    tampering: 'none',
    redirectUris: new Set(),
    postLogoutRedirectUris: new Set(),
    refusals: [],
    signOuts: [],
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const sign = async (claims: JWTPayload, tampering: Tampering, audience: string, expiresInSeconds: number): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = tampering === 'expired' ? now - 7200 : now;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: KID })
      .setIssuer(issuer)
      .setAudience(tampering === 'wrong_audience' ? 'another-client' : audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + expiresInSeconds)
      .sign(tampering === 'bad_signature' ? rogueKey : privateKey);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return send(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`,
        jwks_uri: `${issuer}/jwks`,
        end_session_endpoint: `${issuer}/session/end`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
        scopes_supported: ['openid', 'email', 'given_name', 'usual_name'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/jwks') return send(res, 200, { keys: [jwk] });

    if (req.method === 'GET' && url.pathname === '/authorize') {
      const query = url.searchParams;
      const redirectUri = query.get('redirect_uri') ?? '';
      // An unregistered redirect URI is never redirected to: the provider answers itself.
      if (query.get('client_id') !== provider.clientId || !provider.redirectUris.has(redirectUri)) return send(res, 400, { error: 'invalid_client_or_redirect_uri' });
      const back = new URL(redirectUri);
      back.searchParams.set('state', query.get('state') ?? '');
      const problem =
        query.get('response_type') !== 'code'
          ? 'unsupported_response_type'
          : !(query.get('scope') ?? '').split(' ').includes('openid')
            ? 'invalid_scope'
            : query.get('code_challenge_method') !== 'S256' || !/^[\w-]{43}$/.test(query.get('code_challenge') ?? '')
              ? 'invalid_request'
              : !query.get('state') || !query.get('nonce')
                ? 'invalid_request'
                : provider.tampering === 'deny'
                  ? 'access_denied'
                  : null;
      if (problem) {
        back.searchParams.set('error', problem);
      } else {
        const code = randomBytes(24).toString('base64url');
        codes.set(code, {
          clientId: provider.clientId,
          redirectUri,
          codeChallenge: query.get('code_challenge') ?? '',
          nonce: query.get('nonce') ?? '',
          identity: { ...provider.identity },
          tampering: provider.tampering,
        });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }

    if (req.method === 'POST' && url.pathname === '/token') {
      const form = new URLSearchParams(await bodyOf(req));
      const refuse = (reason: string, status = 400): void => {
        provider.refusals.push(reason);
        send(res, status, { error: reason });
      };
      if (form.get('client_id') !== provider.clientId || form.get('client_secret') !== provider.clientSecret) return refuse('invalid_client', 401);
      const code = form.get('code') ?? '';
      const issued = codes.get(code);
      codes.delete(code);
      if (form.get('grant_type') !== 'authorization_code' || !issued) return refuse('invalid_grant');
      if (issued.redirectUri !== form.get('redirect_uri')) return refuse('invalid_grant:redirect_uri');
      const challenge = createHash('sha256')
        .update(form.get('code_verifier') ?? '')
        .digest('base64url');
      if (challenge !== issued.codeChallenge) return refuse('invalid_grant:pkce');
      const { identity, tampering } = issued;
      const emailClaims = {
        ...(identity.email === undefined ? {} : { email: identity.email }),
        ...(identity.email_verified === undefined ? {} : { email_verified: identity.email_verified }),
      };
      const idToken = await sign(
        { sub: identity.sub, nonce: tampering === 'wrong_nonce' ? 'un-autre-nonce' : issued.nonce, ...(identity.emailIn === 'userinfo' ? {} : emailClaims) },
        tampering,
        issued.clientId,
        60,
      );
      const accessToken = randomBytes(24).toString('base64url');
      accessTokens.set(accessToken, { identity, clientId: issued.clientId });
      return send(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 60, id_token: idToken });
    }

    if (req.method === 'GET' && url.pathname === '/userinfo') {
      const granted = accessTokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (!granted) return send(res, 401, { error: 'invalid_token' });
      const { identity } = granted;
      const claims = {
        sub: identity.sub,
        ...(identity.email === undefined ? {} : { email: identity.email }),
        ...(identity.email_verified === undefined ? {} : { email_verified: identity.email_verified }),
      };
      const token = await sign(claims, 'none', granted.clientId, 60);
      res.writeHead(200, { 'content-type': 'application/jwt' }).end(token);
      return;
    }

    if (req.method === 'GET' && url.pathname === '/session/end') {
      const back = url.searchParams.get('post_logout_redirect_uri') ?? '';
      provider.signOuts.push({ idTokenHint: url.searchParams.get('id_token_hint') });
      if (!provider.postLogoutRedirectUris.has(back)) return send(res, 400, { error: 'invalid_post_logout_redirect_uri' });
      res.writeHead(302, { location: back }).end();
      return;
    }
    send(res, 404, { error: 'not_found' });
  }

  return provider;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
