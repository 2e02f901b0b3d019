// Optional OpenID Connect sign-in (e.g. ProConnect): a bearer JWT from the configured issuer, checked
// against the issuer's JWKS with jose, gives the e-mail that maps it to a staff account.
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Config } from '../config';

export interface OidcVerifier {
  /** The verified, lower-cased e-mail of the token, or null for any invalid, expired or foreign token. */
  emailOf(token: string): Promise<string | null>;
}

type OidcOptions = NonNullable<Config['staffApi']['oidc']>;

const DiscoverySchema = z.object({ jwks_uri: z.url() });
// Asymmetric algorithms only: a key set never verifies an HMAC-signed token.
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const DISCOVERY_TIMEOUT_MS = 5000;

export function createOidcVerifier(options: OidcOptions, fetchImpl: typeof fetch = fetch): OidcVerifier {
  let keySet: Promise<JWTVerifyGetKey> | undefined;

  const loadKeySet = async (): Promise<JWTVerifyGetKey> => {
    const jwksUri = options.jwksUri ?? (await discoverJwksUri(options.issuer, fetchImpl));
    return createRemoteJWKSet(new URL(jwksUri));
  };

  return {
    async emailOf(token) {
      if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return null;
      // A failed discovery is retried at the next sign-in rather than remembered.
      keySet ??= loadKeySet().catch((error: unknown) => {
        keySet = undefined;
        throw error;
      });
      try {
        const { payload } = await jwtVerify(token, await keySet, { issuer: options.issuer, audience: options.audience, algorithms: ALGORITHMS });
        const email = payload[options.emailClaim];
        // Only a boolean true vouches for the e-mail: absent, false or the string "false" are refused (issue 15, F15).
        if (typeof email !== 'string' || payload.email_verified !== true) return null;
        const parsed = z.email().safeParse(email.trim().toLowerCase());
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
  };
}

async function discoverJwksUri(issuer: string, fetchImpl: typeof fetch): Promise<string> {
  const response = await fetchImpl(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`OIDC discovery answered ${response.status}`);
  return DiscoverySchema.parse(await response.json()).jwks_uri;
}
