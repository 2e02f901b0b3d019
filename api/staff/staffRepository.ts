// Staff accounts and their API keys. A key reads `ti_<id>_<secret>`: the id finds the account, the
// secret (256 random bits) is checked against a SHA-256 digest with the account's salt; only hashes are
// ever stored. A slow hash protects guessable passwords, not 256-bit secrets: checking a key costs one
// database read and one SHA-256, whether it is good, unknown, revoked or malformed (issue 15, F14, F20).
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Connection } from 'mongoose';
import { staffModel } from './staffModel';
import { PASSWORD_RULES, StaffAccountSchema, type StaffAccount, type StaffRole } from './staffSchema';

const KEY_PATTERN = /^ti_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const SCRYPT_OPTIONS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const HASH_BYTES = 32;
/** `lastUsedAt` is written at most this often per account: not one database write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;
/** Checked when the key is malformed or its id unknown, so that a miss costs the same as a hit. */
const DUMMY_SALT = randomBytes(16);
const DUMMY_DIGEST = keyDigestOf('dummy-secret-never-matches', DUMMY_SALT);
const DUMMY_ID = '0000000000000000';

export interface NewStaffAccount {
  name: string;
  role: StaffRole;
  departements?: readonly string[];
  email?: string;
}

export type CreateStaffResult =
  | { ok: true; account: StaffAccount; key: string }
  | { ok: false; code: 'invalid'; issues: Array<{ path: string; message: string }> }
  | { ok: false; code: 'email_taken' };

export class StaffAccountRepository {
  private readonly accounts: ReturnType<typeof staffModel>;
  private readonly dummyHash: Promise<Buffer>;

  constructor(
    connection: Connection,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.accounts = staffModel(connection);
    this.dummyHash = hashSecret('dummy-secret-never-matches', DUMMY_SALT);
  }

  async init(): Promise<void> {
    await this.accounts.init();
  }

  /** Creates an account and returns its key, which is shown once and never stored. */
  async create(input: NewStaffAccount): Promise<CreateStaffResult> {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const salt = randomBytes(16);
    const parsed = StaffAccountSchema.safeParse({
      id,
      name: input.name,
      role: input.role,
      departements: input.role === 'admin' ? [] : [...new Set(input.departements ?? [])],
      ...(input.email === undefined ? {} : { email: input.email }),
      keySalt: salt.toString('base64'),
      keyHash: (await hashSecret(secret, salt)).toString('base64'),
      keyDigest: keyDigestOf(secret, salt).toString('base64'),
      createdAt: this.clock(),
    });
    if (!parsed.success) {
      return { ok: false, code: 'invalid', issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) };
    }
    const account = parsed.data;
    if (account.email && (await this.findActiveByEmail(account.email))) return { ok: false, code: 'email_taken' };
    const { id: _id, ...stored } = account;
    await this.accounts.create({ _id: account.id, ...stored });
    return { ok: true, account, key: `ti_${account.id}_${secret}` };
  }

  async list(): Promise<StaffAccount[]> {
    const found = await this.accounts.find({}).sort({ createdAt: 1 }).lean();
    return found.map(fromStored);
  }

  /** Revokes the account (and so its key, and its OIDC sign-in); returns null when there is no such account. */
  async revoke(id: string): Promise<StaffAccount | null> {
    const existing = await this.accounts.findOne({ _id: id }).lean();
    if (!existing) return null;
    if (existing.revokedAt) return fromStored(existing);
    const updated = await this.accounts.findOneAndUpdate({ _id: id }, { $set: { revokedAt: this.clock() } }, { returnDocument: 'after' }).lean();
    return updated ? fromStored(updated) : null;
  }

  /** Gives a revoked account back its access (its key, its sign-in); null when there is no such account. */
  async reactivate(id: string): Promise<StaffAccount | null> {
    const updated = await this.accounts.findOneAndUpdate({ _id: id }, { $unset: { revokedAt: 1 } }, { returnDocument: 'after' }).lean();
    return updated ? fromStored(updated) : null;
  }

  /** Changes an active account's role; an instructeur needs départements, an admin has none (every département). */
  async setRole(
    id: string,
    role: StaffAccount['role'],
    departements: readonly string[],
  ): Promise<{ ok: true; account: StaffAccount } | { ok: false; code: 'not_found' } | { ok: false; code: 'invalid'; issues: Array<{ path: string; message: string }> }> {
    const existing = await this.findActiveById(id);
    if (!existing) return { ok: false, code: 'not_found' };
    const parsed = StaffAccountSchema.safeParse({ ...existing, role, departements: role === 'admin' ? [] : [...new Set(departements)] });
    if (!parsed.success) {
      return { ok: false, code: 'invalid', issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) };
    }
    const updated = await this.accounts
      .findOneAndUpdate({ _id: id, revokedAt: { $exists: false } }, { $set: { role: parsed.data.role, departements: parsed.data.departements } }, { returnDocument: 'after' })
      .lean();
    return updated ? { ok: true, account: fromStored(updated) } : { ok: false, code: 'not_found' };
  }

  /** Replaces an active instructeur's départements (an admin sees them all); validated as at creation. */
  async setDepartements(
    id: string,
    departements: readonly string[],
  ): Promise<{ ok: true; account: StaffAccount } | { ok: false; code: 'not_found' } | { ok: false; code: 'invalid'; issues: Array<{ path: string; message: string }> }> {
    const existing = await this.findActiveById(id);
    if (!existing) return { ok: false, code: 'not_found' };
    const parsed = StaffAccountSchema.safeParse({ ...existing, departements: existing.role === 'admin' ? [] : [...new Set(departements)] });
    if (!parsed.success) {
      return { ok: false, code: 'invalid', issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) };
    }
    const updated = await this.accounts.findOneAndUpdate({ _id: id, revokedAt: { $exists: false } }, { $set: { departements: parsed.data.departements } }, { returnDocument: 'after' }).lean();
    return updated ? { ok: true, account: fromStored(updated) } : { ok: false, code: 'not_found' };
  }

  /**
   * The active account a key belongs to, or null. Malformed keys, unknown ids, wrong secrets and
   * revoked accounts all cost one read and one SHA-256 and all answer null, so neither the time nor
   * the answer tells whether an id exists or was revoked. Accounts created before the digest existed
   * are checked once with scrypt, then given their digest.
   */
  async authenticateKey(key: string): Promise<StaffAccount | null> {
    const match = KEY_PATTERN.exec(key);
    const id = match?.[1] ?? DUMMY_ID;
    const secret = match?.[2] ?? '';
    const stored = await this.accounts.findOne({ _id: id }).lean();
    const account = match && stored ? fromStored(stored) : null;
    const matches = account ? await this.secretMatches(account, secret) : digestMatches(secret, DUMMY_SALT, DUMMY_DIGEST);
    if (!account || !matches || account.revokedAt) return null;
    await this.touch(account);
    return account;
  }

  /** Sets (or replaces) the back-office password of an account; refused when too short or too long. */
  async setPassword(id: string, password: string): Promise<{ ok: true; account: StaffAccount } | { ok: false; code: 'not_found' | 'too_short' | 'too_long' }> {
    if (password.length < PASSWORD_RULES.min) return { ok: false, code: 'too_short' };
    if (password.length > PASSWORD_RULES.max) return { ok: false, code: 'too_long' };
    const salt = randomBytes(16);
    const hash = await hashSecret(password.normalize('NFC'), salt);
    const updated = await this.accounts
      .findOneAndUpdate({ _id: id }, { $set: { passwordSalt: salt.toString('base64'), passwordHash: hash.toString('base64') } }, { returnDocument: 'after' })
      .lean();
    return updated ? { ok: true, account: fromStored(updated) } : { ok: false, code: 'not_found' };
  }

  /**
   * The active account with this e-mail and password, or null. An unknown e-mail, an account
   * without password and a wrong password all cost one scrypt and answer the same null.
   */
  async authenticatePassword(email: string, password: string): Promise<StaffAccount | null> {
    const candidate = password.slice(0, PASSWORD_RULES.max).normalize('NFC');
    const found = await this.accounts.findOne({ email: email.trim().toLowerCase(), revokedAt: { $exists: false } }).lean();
    const account = found ? fromStored(found) : null;
    if (!account?.passwordHash || !account.passwordSalt) return this.burnScrypt(candidate).then(() => null);
    const expected = Buffer.from(account.passwordHash, 'base64');
    const actual = await hashSecret(candidate, Buffer.from(account.passwordSalt, 'base64'));
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
    await this.touch(account);
    return account;
  }

  /** The account with this id if it is still active (a back-office session's account), or null. */
  async findActiveById(id: string): Promise<StaffAccount | null> {
    const found = await this.accounts.findOne({ _id: id, revokedAt: { $exists: false } }).lean();
    return found ? fromStored(found) : null;
  }

  /** The active accounts that see this département (its instructeurs and every admin): whom to tell by e-mail. */
  async activeFor(departement: string | undefined): Promise<StaffAccount[]> {
    const found = await this.accounts
      .find({ revokedAt: { $exists: false }, $or: [{ role: 'admin' }, ...(departement ? [{ departements: departement }] : [])] })
      .sort({ createdAt: 1 })
      .lean();
    return found.map(fromStored);
  }

  /** The active account with this e-mail (an OIDC sign-in), or null. */
  async findActiveByEmail(email: string): Promise<StaffAccount | null> {
    const found = await this.accounts.findOne({ email: email.trim().toLowerCase(), revokedAt: { $exists: false } }).lean();
    if (!found) return null;
    const account = fromStored(found);
    await this.touch(account);
    return account;
  }

  private async secretMatches(account: StaffAccount, secret: string): Promise<boolean> {
    const salt = Buffer.from(account.keySalt, 'base64');
    if (account.keyDigest) return digestMatches(secret, salt, Buffer.from(account.keyDigest, 'base64'));
    const expected = Buffer.from(account.keyHash, 'base64');
    const actual = await hashSecret(secret, salt);
    const ok = actual.length === expected.length && timingSafeEqual(actual, expected);
    if (ok) await this.accounts.updateOne({ _id: account.id }, { $set: { keyDigest: keyDigestOf(secret, salt).toString('base64') } });
    return ok;
  }

  private async burnScrypt(secret: string): Promise<false> {
    const [actual, expected] = await Promise.all([hashSecret(secret, DUMMY_SALT), this.dummyHash]);
    timingSafeEqual(actual, expected);
    return false;
  }

  private async touch(account: StaffAccount): Promise<void> {
    const now = this.clock();
    if (account.lastUsedAt && now.getTime() - account.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
    await this.accounts.updateOne({ _id: account.id }, { $set: { lastUsedAt: now } });
  }
}

function hashSecret(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, HASH_BYTES, SCRYPT_OPTIONS, (error, derived) => (error ? reject(error) : resolve(derived)));
  });
}

function keyDigestOf(secret: string, salt: Buffer): Buffer {
  return createHash('sha256').update(salt).update(secret).digest();
}

function digestMatches(secret: string, salt: Buffer, expected: Buffer): boolean {
  const actual = keyDigestOf(secret, salt);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function fromStored(stored: { _id: string } & Record<string, unknown>): StaffAccount {
  const { _id, ...rest } = stored;
  return StaffAccountSchema.parse({ ...rest, id: _id });
}

/** The id part of a well-formed key (not a secret: `npm run staff -- list` shows it), for the logs. */
export function keyIdOf(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}
