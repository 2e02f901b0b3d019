// Authentication: SCRAM-SHA-256 as mongod does it (RFC 5802/7677), one user generated per data folder.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Binary, type Document } from 'bson';
import { CommandError } from './errors';

export interface DevDbCredentials {
  username: string;
  password: string;
}

/** The user devdb generates; it authenticates against `admin`, as a mongod's first user does. */
const DEVDB_USERNAME = 'devdb';
const AUTH_SOURCE = 'admin';
const MECHANISM = 'SCRAM-SHA-256';
/** mongod's default for SCRAM-SHA-256 (scramSHA256IterationCount). */
const ITERATIONS = 15_000;

/** Where a file-backed devdb keeps its credentials: next to its file, in the same private folder. */
export function credentialsFile(filename: string): string {
  return path.join(path.dirname(path.resolve(filename)), 'devdb.credentials.json');
}

function generate(): DevDbCredentials {
  return { username: DEVDB_USERNAME, password: randomBytes(24).toString('base64url') };
}

/**
 * Makes the folder of the database file private (0700) and the file 0600 (SQLite gives its WAL
 * and shared-memory files the database file's mode). A folder shared with others (sticky, like
 * /tmp) or owned by someone else is refused rather than changed.
 */
export function preparePrivateFolder(filename: string): void {
  const dir = path.dirname(path.resolve(filename));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.statSync(dir);
  if ((stat.mode & 0o077) !== 0) {
    const uid = process.getuid?.();
    if ((stat.mode & 0o1000) !== 0 || (uid !== undefined && stat.uid !== uid)) {
      throw new Error(`devdb: ${dir} is shared with other users; give devdb a folder of its own (DATA_DIR)`);
    }
    fs.chmodSync(dir, 0o700);
  }
  fs.closeSync(fs.openSync(filename, 'a', 0o600));
  for (const file of [filename, `${filename}-wal`, `${filename}-shm`, credentialsFile(filename)]) {
    try {
      fs.chmodSync(file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/** The credentials of a file-backed devdb: read from its folder, or generated there (0600) on first start. */
export function loadOrCreateCredentials(filename: string): DevDbCredentials {
  if (filename === ':memory:') return generate();
  const file = credentialsFile(filename);
  const existing = readCredentials(file);
  if (existing) return existing;
  const created = generate();
  fs.writeFileSync(file, `${JSON.stringify(created)}\n`, { mode: 0o600, flag: 'w' });
  fs.chmodSync(file, 0o600);
  return created;
}

/** The credentials stored in `file`, if it holds valid ones. */
export function readCredentials(file: string): DevDbCredentials | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DevDbCredentials>;
    if (typeof parsed.username === 'string' && typeof parsed.password === 'string' && parsed.password.length >= 16) {
      return { username: parsed.username, password: parsed.password };
    }
  } catch {
    // absent or unreadable: generated again
  }
  return undefined;
}

/** A connection string for these credentials. */
export function connectionString(host: string, port: number, dbName: string, credentials: DevDbCredentials): string {
  const user = encodeURIComponent(credentials.username);
  const password = encodeURIComponent(credentials.password);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `mongodb://${user}:${password}@${shownHost}:${port}/${dbName}?authSource=${AUTH_SOURCE}&authMechanism=${MECHANISM}`;
}

const hmac = (key: Buffer, text: string | Buffer): Buffer => createHmac('sha256', key).update(text).digest();

/** What the server keeps of a password (mongod stores the same in admin.system.users). */
interface StoredSecret {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

interface Conversation {
  id: number;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
  /** The client asked in saslStart to skip the last, empty exchange (drivers since 4.4). */
  skipEmptyExchange: boolean;
  step: 'first' | 'final' | 'done';
}

const authFailed = (): CommandError => new CommandError(18, 'AuthenticationFailed', 'Authentication failed.');

/** The commands a connection may send before it has authenticated (as on mongod). */
export const COMMANDS_WITHOUT_AUTH = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'buildInfo', 'buildinfo', 'saslStart', 'saslContinue', 'endSessions', 'connectionStatus']);

export class ScramServer {
  private readonly secret: StoredSecret;
  private readonly username: string;

  constructor(credentials: DevDbCredentials) {
    this.username = credentials.username;
    const salt = randomBytes(28);
    const salted = pbkdf2Sync(credentials.password.normalize('NFKC'), salt, ITERATIONS, 32, 'sha256');
    const clientKey = hmac(salted, 'Client Key');
    this.secret = { salt, storedKey: createHash('sha256').update(clientKey).digest(), serverKey: hmac(salted, 'Server Key') };
  }

  /** What `hello` answers to `saslSupportedMechs: "admin.devdb"`. */
  mechanismsFor(user: unknown): string[] | undefined {
    return user === `${AUTH_SOURCE}.${this.username}` ? [MECHANISM] : undefined;
  }

  /** A connection's authentication state. */
  session(): ScramSession {
    return new ScramSession(this.username, this.secret);
  }
}

export class ScramSession {
  authenticated = false;
  private conversation: Conversation | undefined;
  private nextId = 1;

  constructor(
    readonly username: string,
    private readonly secret: StoredSecret,
  ) {}

  /** `saslStart` (also the `speculativeAuthenticate` of a hello). */
  start(cmd: Document, db: string): Document {
    if (cmd.mechanism !== MECHANISM) {
      throw new CommandError(334, 'MechanismUnavailable', `Received authentication for mechanism ${String(cmd.mechanism)} which is not enabled`);
    }
    const message = payloadText(cmd.payload);
    // gs2 header "n,," (no channel binding, no authzid), then "n=<user>,r=<nonce>"
    const match = /^n,,(n=([^,]*),r=([^,]+)(?:,.*)?)$/.exec(message);
    if (!match) throw new CommandError(17, 'ProtocolError', 'Invalid SCRAM client-first message');
    const [, bare, user, clientNonce] = match as unknown as [string, string, string, string];
    const wanted = this.username.replace(/=/g, '=3D').replace(/,/g, '=2C');
    const nonce = clientNonce + randomBytes(24).toString('base64');
    const serverFirst = `r=${nonce},s=${this.secret.salt.toString('base64')},i=${ITERATIONS}`;
    const id = this.nextId++;
    this.conversation = { id, clientFirstBare: bare, serverFirst, nonce, skipEmptyExchange: (cmd.options as Document | undefined)?.skipEmptyExchange === true, step: user === wanted && db === AUTH_SOURCE ? 'first' : 'done' };
    // An unknown user gets the same shape of answer; the proof then fails.
    return { conversationId: id, done: false, payload: new Binary(Buffer.from(serverFirst)), ok: 1 };
  }

  /** `saslContinue`: checks the client's proof and answers the server's signature. */
  continue(cmd: Document): Document {
    const conversation = this.conversation;
    if (!conversation || Number(cmd.conversationId) !== conversation.id) {
      throw new CommandError(17, 'ProtocolError', 'No SASL session state found');
    }
    if (conversation.step === 'final') {
      // the empty exchange of clients that did not ask to skip it
      conversation.step = 'done';
      this.conversation = undefined;
      return { conversationId: conversation.id, done: true, payload: new Binary(Buffer.alloc(0)), ok: 1 };
    }
    if (conversation.step !== 'first') {
      this.conversation = undefined;
      throw authFailed();
    }
    const message = payloadText(cmd.payload);
    const match = /^(c=([^,]*),r=([^,]*)),p=([^,]+)$/.exec(message);
    if (!match) {
      this.conversation = undefined;
      throw authFailed();
    }
    const [, withoutProof, , nonce, proofText] = match as unknown as [string, string, string, string, string];
    const authMessage = `${conversation.clientFirstBare},${conversation.serverFirst},${withoutProof}`;
    const proof = Buffer.from(proofText, 'base64');
    const signature = hmac(this.secret.storedKey, authMessage);
    if (nonce !== conversation.nonce || proof.length !== signature.length) {
      this.conversation = undefined;
      throw authFailed();
    }
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ signature[i]!;
    if (!timingSafeEqual(createHash('sha256').update(clientKey).digest(), this.secret.storedKey)) {
      this.conversation = undefined;
      throw authFailed();
    }
    this.authenticated = true;
    const serverSignature = hmac(this.secret.serverKey, authMessage).toString('base64');
    const skip = conversation.skipEmptyExchange;
    conversation.step = 'final';
    if (skip) this.conversation = undefined;
    return { conversationId: conversation.id, done: skip, payload: new Binary(Buffer.from(`v=${serverSignature}`)), ok: 1 };
  }
}

function payloadText(payload: unknown): string {
  if (payload instanceof Binary) return Buffer.from(payload.buffer.subarray(0, payload.position)).toString('utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString('utf8');
  if (typeof payload === 'string') return Buffer.from(payload, 'base64').toString('utf8');
  throw new CommandError(17, 'ProtocolError', 'SASL payload missing');
}
