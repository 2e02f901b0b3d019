// Direct Line tokens: HMAC-SHA256-signed claims binding an anonymous user (and, once started, one conversation).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** Server-issued anonymous user ids: `dl_` and 128 random bits, so they cannot be guessed. */
export const USER_ID_PATTERN = /^dl_[A-Za-z0-9_-]{22}$/;
export const CONVERSATION_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Longer tokens are refused before any work: ours are about 200 characters. */
const MAX_TOKEN_LENGTH = 1024;
const SIGNED_PREFIX = 'territoires-directline-token.v1.';

const PayloadSchema = z.strictObject({
  v: z.literal(1),
  sub: z.string().regex(USER_ID_PATTERN),
  cid: z.string().regex(CONVERSATION_ID_PATTERN).optional(),
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
});

export interface TokenClaims {
  userId: string;
  /** The conversation the token may read and write; absent until the client starts one. */
  conversationId?: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
}

export type TokenCheck = { valid: true; claims: TokenClaims } | { valid: false; reason: 'malformed' | 'signature' | 'expired' };

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

export function newUserId(): string {
  return `dl_${randomBytes(16).toString('base64url')}`;
}

export function newConversationId(): string {
  return randomBytes(16).toString('base64url');
}

export class DirectLineTokens {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (secret.length < 32) throw new RangeError('The Direct Line signing secret must be at least 32 characters long.');
  }

  issue(subject: { userId: string; conversationId?: string }): IssuedToken {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const payload = {
      v: 1,
      sub: subject.userId,
      ...(subject.conversationId === undefined ? {} : { cid: subject.conversationId }),
      iat: issuedAt,
      exp: issuedAt + this.ttlSeconds,
    };
    const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return { token: `${encoded}.${this.sign(encoded)}`, expiresIn: this.ttlSeconds };
  }

  /**
   * Checks the signature in constant time, then the expiry. `graceSeconds` accepts a token that
   * expired no longer ago than that: only to resume a returning user, never to read or write.
   */
  verify(token: string, options: { graceSeconds?: number } = {}): TokenCheck {
    if (token.length > MAX_TOKEN_LENGTH) return { valid: false, reason: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 2) return { valid: false, reason: 'malformed' };
    const [encoded = '', signature = ''] = parts;
    const expected = Buffer.from(this.sign(encoded), 'utf8');
    const given = Buffer.from(signature, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'signature' };

    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    } catch {
      return { valid: false, reason: 'malformed' };
    }
    const parsed = PayloadSchema.safeParse(decoded);
    if (!parsed.success) return { valid: false, reason: 'malformed' };
    const { sub, cid, iat, exp } = parsed.data;
    const nowSeconds = this.now().getTime() / 1000;
    if (nowSeconds >= exp + (options.graceSeconds ?? 0)) return { valid: false, reason: 'expired' };
    return { valid: true, claims: { userId: sub, ...(cid === undefined ? {} : { conversationId: cid }), issuedAt: iat, expiresAt: exp } };
  }

  private sign(encodedPayload: string): string {
    return createHmac('sha256', this.secret).update(SIGNED_PREFIX).update(encodedPayload).digest('base64url');
  }
}
