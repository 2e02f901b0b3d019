// MongoDB wire protocol: cutting the TCP stream into messages, reading OP_QUERY and OP_MSG, writing replies.
import { deserialize, serialize, type Document } from 'bson';

const OP_REPLY = 1;
export const OP_QUERY = 2004;
const OP_MSG = 2013;

const HEADER_SIZE = 16;
const MIN_DOCUMENT_SIZE = 5;
const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;
/** Bits 0-15 are "required": a receiver must refuse a message with one it does not know. */
const KNOWN_REQUIRED_FLAGS = FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME;

/** The stream cannot be followed any more: the connection must be closed. */
export class FramingError extends Error {}

/** One message was readable as a message but not as a request: answer with an error and carry on. */
export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly requestId: number,
    readonly opCode: number,
    readonly code: number,
    readonly codeName: string,
  ) {
    super(message);
  }
}

export type Request =
  | { opCode: typeof OP_QUERY; requestId: number; collection: string; body: Document }
  | { opCode: typeof OP_MSG; requestId: number; body: Document; moreToCome: boolean };

/** Accumulates socket chunks and hands out whole messages. */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected: number | undefined;

  constructor(private readonly maxMessageSize: number) {}

  /** Returns the messages completed by `chunk`; throws FramingError on an impossible length. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    for (;;) {
      if (this.expected === undefined) {
        if (this.buffered < 4) break;
        const length = this.peekLength();
        if (length < HEADER_SIZE || length > this.maxMessageSize) {
          throw new FramingError(`message length ${length} is outside [${HEADER_SIZE}, ${this.maxMessageSize}]`);
        }
        this.expected = length;
      }
      if (this.buffered < this.expected) break;
      messages.push(this.take(this.expected));
      this.expected = undefined;
    }
    return messages;
  }

  private peekLength(): number {
    if (this.chunks[0]!.length < 4) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.readInt32LE(0);
  }

  /** Joins the chunks once per message, so a large message arriving in many chunks costs one copy. */
  private take(size: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const rest = all.subarray(size);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered -= size;
    return all.subarray(0, size);
  }
}

type Fail = (message: string, invalidBson?: boolean) => ProtocolError;

function readDocument(msg: Buffer, offset: number, end: number, what: string, fail: Fail): { doc: Document; next: number } {
  if (offset + 4 > end) throw fail(`${what}: truncated document`);
  const size = msg.readInt32LE(offset);
  if (size < MIN_DOCUMENT_SIZE || offset + size > end) throw fail(`${what}: document length ${size} does not fit the message`);
  try {
    return { doc: deserialize(msg.subarray(offset, offset + size), { promoteValues: false, bsonRegExp: true }), next: offset + size };
  } catch (err) {
    throw fail(`${what}: invalid BSON (${(err as Error).message})`, true);
  }
}

function readCString(msg: Buffer, offset: number, end: number, fail: Fail): { value: string; next: number } {
  const zero = msg.indexOf(0, offset);
  if (zero === -1 || zero >= end) throw fail('unterminated string');
  return { value: msg.toString('utf8', offset, zero), next: zero + 1 };
}

/** Reads one whole message; throws FramingError for opcodes we cannot answer, ProtocolError for bad content. */
export function parseMessage(msg: Buffer): Request {
  const requestId = msg.readInt32LE(4);
  const opCode = msg.readInt32LE(12);
  const fail: Fail = (m, invalidBson = false) =>
    invalidBson ? new ProtocolError(m, requestId, opCode, 22, 'InvalidBSON') : new ProtocolError(m, requestId, opCode, 9, 'FailedToParse');
  const end = msg.length;

  if (opCode === OP_QUERY) {
    let offset = HEADER_SIZE + 4; // flags
    const collection = readCString(msg, offset, end, fail);
    offset = collection.next + 8; // numberToSkip, numberToReturn
    const query = readDocument(msg, offset, end, 'OP_QUERY', fail);
    // Legacy clients may wrap the command as {$query: {...}, $readPreference: ...}.
    const body = query.doc.$query && typeof query.doc.$query === 'object' ? (query.doc.$query as Document) : query.doc;
    return { opCode, requestId, collection: collection.value, body };
  }

  if (opCode === OP_MSG) {
    if (end < HEADER_SIZE + 5) throw fail('OP_MSG too short');
    const flags = msg.readUInt32LE(HEADER_SIZE);
    if ((flags & 0xffff & ~KNOWN_REQUIRED_FLAGS) !== 0) throw fail(`OP_MSG has unknown required flags ${flags}`);
    const sectionsEnd = flags & FLAG_CHECKSUM_PRESENT ? end - 4 : end;
    let offset = HEADER_SIZE + 4;
    let body: Document | undefined;
    const sequences: Array<[string, Document[]]> = [];
    while (offset < sectionsEnd) {
      const kind = msg[offset++];
      if (kind === 0) {
        if (body) throw fail('OP_MSG has more than one body section');
        const read = readDocument(msg, offset, sectionsEnd, 'OP_MSG body', fail);
        body = read.doc;
        offset = read.next;
      } else if (kind === 1) {
        if (offset + 4 > sectionsEnd) throw fail('OP_MSG document sequence truncated');
        const size = msg.readInt32LE(offset);
        const sectionEnd = offset + size;
        if (size < 5 || sectionEnd > sectionsEnd) throw fail('OP_MSG document sequence length does not fit the message');
        const id = readCString(msg, offset + 4, sectionEnd, fail);
        const docs: Document[] = [];
        let at = id.next;
        while (at < sectionEnd) {
          const read = readDocument(msg, at, sectionEnd, `OP_MSG sequence ${id.value}`, fail);
          docs.push(read.doc);
          at = read.next;
        }
        sequences.push([id.value, docs]);
        offset = sectionEnd;
      } else {
        throw fail(`OP_MSG section kind ${String(kind)} is not supported`);
      }
    }
    if (!body) throw fail('OP_MSG has no body section');
    // Document sequences are the body's array fields sent apart (e.g. insert's `documents`).
    for (const [id, docs] of sequences) body[id] = docs;
    return { opCode, requestId, body, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0 };
  }

  // We do not announce compression, and legacy CRUD opcodes are gone since MongoDB 6.
  throw new FramingError(`unsupported opcode ${opCode}`);
}

let nextResponseId = 1;

function header(buf: Buffer, length: number, responseTo: number, opCode: number): void {
  buf.writeInt32LE(length, 0);
  buf.writeInt32LE(nextResponseId, 4);
  nextResponseId = (nextResponseId % 0x7fffffff) + 1;
  buf.writeInt32LE(responseTo, 8);
  buf.writeInt32LE(opCode, 12);
}

/** A reply document already in BSON (a cursor's batch of stored documents): sent as is. */
export class EncodedDocument {
  constructor(readonly bytes: Buffer) {}
}

/** What a command answers: a document to encode, or one already encoded. */
export type Reply = Document | EncodedDocument;

function encodeBody(doc: Reply): Uint8Array {
  return doc instanceof EncodedDocument ? doc.bytes : serialize(doc, { ignoreUndefined: true });
}

export function encodeMsgReply(responseTo: number, doc: Reply): Buffer {
  const body = encodeBody(doc);
  const length = HEADER_SIZE + 4 + 1 + body.length;
  const buf = Buffer.alloc(length);
  header(buf, length, responseTo, OP_MSG);
  buf.writeUInt32LE(0, HEADER_SIZE);
  buf[HEADER_SIZE + 4] = 0;
  buf.set(body, HEADER_SIZE + 5);
  return buf;
}

export function encodeOpReply(responseTo: number, doc: Reply): Buffer {
  const body = encodeBody(doc);
  const length = HEADER_SIZE + 20 + body.length;
  const buf = Buffer.alloc(length);
  header(buf, length, responseTo, OP_REPLY);
  buf.writeInt32LE(0, HEADER_SIZE); // responseFlags
  buf.writeBigInt64LE(0n, HEADER_SIZE + 4); // cursorID
  buf.writeInt32LE(0, HEADER_SIZE + 12); // startingFrom
  buf.writeInt32LE(1, HEADER_SIZE + 16); // numberReturned
  buf.set(body, HEADER_SIZE + 20);
  return buf;
}
