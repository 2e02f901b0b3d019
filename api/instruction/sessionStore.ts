// Back-office sessions, stored in MongoDB: the cookie holds a random token, the database only its SHA-256.
import { createHash, randomBytes } from 'node:crypto';
import type { Collection, Connection } from 'mongoose';

export interface SessionPolicy {
  /** A session ends this long after sign-in, whatever happens. */
  absoluteMinutes: number;
  /** A session ends after this long without a request. */
  idleMinutes: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { absoluteMinutes: 12 * 60, idleMinutes: 60 };

interface SessionDocument {
  _id: string;
  staffId: string;
  /** The CSRF token every form of this session carries. */
  csrf: string;
  via: 'password' | 'oidc';
  /** The provider's ID token of a ProConnect session: the hint of the provider's sign-out. */
  idToken?: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface Session {
  staffId: string;
  csrf: string;
  via: SessionDocument['via'];
  idToken?: string;
  createdAt: Date;
}

/** lastSeenAt is written at most this often per session: not one write per page. */
const TOUCH_RESOLUTION_MS = 60_000;

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SessionStore {
  private readonly collection: Collection<SessionDocument>;

  constructor(
    connection: Connection,
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.collection = connection.collection<SessionDocument>('instruction_sessions');
  }

  /** Opens a session and returns the token for the cookie (shown once, never stored). */
  async open(staffId: string, via: SessionDocument['via'], idToken?: string): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    const document: SessionDocument = {
      _id: digest(token),
      staffId,
      csrf: randomBytes(32).toString('base64url'),
      via,
      ...(idToken ? { idToken } : {}),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.policy.absoluteMinutes * 60_000),
    };
    await this.collection.insertOne(document);
    // Old sessions are swept on each sign-in, so the collection never grows without bound.
    await this.collection.deleteMany({ expiresAt: { $lte: now } });
    return { token, session: { staffId, csrf: document.csrf, via, ...(idToken ? { idToken } : {}), createdAt: now } };
  }

  /** The live session of this token, or null when unknown, expired or idle for too long (then it is deleted). */
  async find(token: string): Promise<Session | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const id = digest(token);
    const found = await this.collection.findOne({ _id: id });
    if (!found) return null;
    const now = this.clock();
    const idleLimit = new Date(found.lastSeenAt.getTime() + this.policy.idleMinutes * 60_000);
    if (found.expiresAt <= now || idleLimit <= now) {
      await this.collection.deleteOne({ _id: id });
      return null;
    }
    if (now.getTime() - found.lastSeenAt.getTime() >= TOUCH_RESOLUTION_MS) await this.collection.updateOne({ _id: id }, { $set: { lastSeenAt: now } });
    return { staffId: found.staffId, csrf: found.csrf, via: found.via, ...(found.idToken ? { idToken: found.idToken } : {}), createdAt: found.createdAt };
  }

  async close(token: string): Promise<void> {
    await this.collection.deleteOne({ _id: digest(token) });
  }

  /** Ends every session of an account (revoked). */
  async closeAllOf(staffId: string): Promise<void> {
    await this.collection.deleteMany({ staffId });
  }
}
