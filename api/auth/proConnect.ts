// ProConnect sign-in of the back-office: the OpenID Connect authorization code flow with PKCE (S256),
// state and nonce, the ID token checked with jose against the provider's JWKS. No OIDC library: the
// relying party's side of this one flow is small, and each of its checks is tested against a real provider.
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';

export interface ProConnectSettings {
  /** The provider's issuer, e.g. https://auth.agentconnect.gouv.fr/api/v2 (discovery at <issuer>/.well-known/openid-configuration). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the agent back: <service>/instruction/proconnect/retour, as registered with the provider. */
  redirectUri: string;
  /** Where the provider sends the agent after signing out there: <service>/instruction/connexion, as registered; no provider sign-out when absent. */
  postLogoutRedirectUri?: string;
  scopes: string;
}

/** What the browser's round trip to the provider must bring back: kept on our side, never in the URL but `state`. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export type ProConnectResult =
  | { ok: true; email: string; subject: string; idToken: string }
  | { ok: false; reason: ProConnectRefusal };

/** Why a sign-in is refused: logged, and turned into a French message by the page. */
export type ProConnectRefusal =
  | 'provider_error'
  | 'token_request_failed'
  | 'invalid_id_token'
  | 'nonce_mismatch'
  | 'userinfo_failed'
  | 'email_missing'
  | 'email_not_verified';

const DiscoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  userinfo_endpoint: z.url().optional(),
  end_session_endpoint: z.url().optional(),
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
});
type Discovery = z.infer<typeof DiscoverySchema>;

const TokenResponseSchema = z.object({ id_token: z.string().min(1), access_token: z.string().min(1).optional(), token_type: z.string().optional() });

// Asymmetric algorithms only: a key set never verifies an HMAC-signed or unsigned token.
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const TIMEOUT_MS = 5000;
/** Leeway for the clocks of the provider and of this server. */
const CLOCK_TOLERANCE_SECONDS = 30;

const randomToken = (): string => randomBytes(32).toString('base64url');

export class ProConnectClient {
  private discovery: Promise<{ metadata: Discovery; keys: JWTVerifyGetKey }> | undefined;

  constructor(
    private readonly settings: ProConnectSettings,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** A fresh state, nonce and PKCE verifier, and the provider's authorization URL that carries them. */
  async start(): Promise<{ pending: PendingSignIn; url: string }> {
    const { metadata } = await this.load();
    const pending: PendingSignIn = { state: randomToken(), nonce: randomToken(), codeVerifier: randomToken() };
    const url = new URL(metadata.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.settings.clientId,
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: createHash('sha256').update(pending.codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      // ProConnect asks for the level of assurance to be named: a password with the agent's organisation at least.
      acr_values: 'eidas1',
    }).toString();
    return { pending, url: url.toString() };
  }

  /**
   * Exchanges the code for tokens and checks the ID token (signature, issuer, audience, expiry, nonce),
   * then reads the e-mail from the ID token or the userinfo endpoint. The caller has already checked `state`.
   */
  async finish(code: string, pending: PendingSignIn): Promise<ProConnectResult> {
    const { metadata, keys } = await this.load();
    const tokens = await this.requestTokens(metadata, code, pending.codeVerifier);
    if (!tokens) return { ok: false, reason: 'token_request_failed' };

    let claims: JWTPayload;
    try {
      claims = (await jwtVerify(tokens.id_token, keys, { issuer: metadata.issuer, audience: this.settings.clientId, algorithms: ALGORITHMS, clockTolerance: CLOCK_TOLERANCE_SECONDS }))
        .payload;
    } catch {
      return { ok: false, reason: 'invalid_id_token' };
    }
    if (typeof claims.sub !== 'string' || claims.sub === '') return { ok: false, reason: 'invalid_id_token' };
    if (claims.nonce !== pending.nonce) return { ok: false, reason: 'nonce_mismatch' };

    // ProConnect puts the e-mail in userinfo, not in the ID token; other providers put it in both.
    let identity: JWTPayload = claims;
    if (typeof claims.email !== 'string' && metadata.userinfo_endpoint && tokens.access_token) {
      const userinfo = await this.userinfo(metadata, keys, tokens.access_token);
      if (!userinfo || userinfo.sub !== claims.sub) return { ok: false, reason: 'userinfo_failed' };
      identity = userinfo;
    }
    if (typeof identity.email !== 'string') return { ok: false, reason: 'email_missing' };
    if (identity.email_verified !== true) return { ok: false, reason: 'email_not_verified' };
    const email = z.email().safeParse(identity.email.trim().toLowerCase());
    if (!email.success) return { ok: false, reason: 'email_missing' };
    return { ok: true, email: email.data, subject: claims.sub, idToken: tokens.id_token };
  }

  /** The provider's sign-out URL for this ID token, or null when the provider has none or none is configured. */
  async signOutUrl(idToken: string): Promise<string | null> {
    if (!this.settings.postLogoutRedirectUri) return null;
    const { metadata } = await this.load();
    if (!metadata.end_session_endpoint) return null;
    const url = new URL(metadata.end_session_endpoint);
    url.search = new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: this.settings.postLogoutRedirectUri, state: randomToken() }).toString();
    return url.toString();
  }

  private load(): Promise<{ metadata: Discovery; keys: JWTVerifyGetKey }> {
    // A failed discovery is retried at the next sign-in rather than remembered.
    this.discovery ??= this.discover().catch((error: unknown) => {
      this.discovery = undefined;
      throw error;
    });
    return this.discovery;
  }

  private async discover(): Promise<{ metadata: Discovery; keys: JWTVerifyGetKey }> {
    const response = await this.fetchImpl(`${this.settings.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok) throw new Error(`ProConnect discovery answered ${response.status}`);
    const metadata = DiscoverySchema.parse(await response.json());
    if (metadata.issuer.replace(/\/+$/, '') !== this.settings.issuer.replace(/\/+$/, '')) throw new Error(`ProConnect discovery names another issuer: ${metadata.issuer}`);
    return { metadata, keys: createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: TIMEOUT_MS }) };
  }

  private async requestTokens(metadata: Discovery, code: string, codeVerifier: string): Promise<z.infer<typeof TokenResponseSchema> | null> {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: this.settings.redirectUri, code_verifier: codeVerifier });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    // client_secret_basic is the default of the specification; ProConnect lists client_secret_post.
    if (metadata.token_endpoint_auth_methods_supported?.includes('client_secret_post') && !metadata.token_endpoint_auth_methods_supported.includes('client_secret_basic')) {
      form.set('client_id', this.settings.clientId);
      form.set('client_secret', this.settings.clientSecret);
    } else {
      const credentials = `${encodeURIComponent(this.settings.clientId)}:${encodeURIComponent(this.settings.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    try {
      const response = await this.fetchImpl(metadata.token_endpoint, { method: 'POST', headers, body: form.toString(), signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok) return null;
      const parsed = TokenResponseSchema.safeParse(await response.json());
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  /** The userinfo claims, as JSON or as a JWT signed by the provider (ProConnect's), or null. */
  private async userinfo(metadata: Discovery, keys: JWTVerifyGetKey, accessToken: string): Promise<JWTPayload | null> {
    try {
      const response = await this.fetchImpl(metadata.userinfo_endpoint ?? '', { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok) return null;
      if ((response.headers.get('content-type') ?? '').startsWith('application/jwt')) {
        const token = (await response.text()).trim();
        return (await jwtVerify(token, keys, { issuer: metadata.issuer, audience: this.settings.clientId, algorithms: ALGORITHMS, clockTolerance: CLOCK_TOLERANCE_SECONDS })).payload;
      }
      const body: unknown = await response.json();
      return body && typeof body === 'object' ? (body as JWTPayload) : null;
    } catch {
      return null;
    }
  }
}
