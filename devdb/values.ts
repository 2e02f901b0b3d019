// Two forms of every BSON value, and the canonical byte keys used for _id and index lookups.
//
// - The *exact* form keeps BSON's numeric wrappers (Int32, Double, Long, Decimal128) and
//   BSONRegExp, so a document written and read back keeps its types bit for bit.
// - The *view* form is what mingo evaluates: plain JS numbers and RegExp, because mingo compares
//   objects of the same class by their `toString()`, which would order Long(10) before Long(9) and
//   never equate Int32(1) with Double(1).
// After mingo has produced a value from a view (an update, a projection), `restoreTypes` puts the
// numeric wrappers of the original exact document back where the value is still a number there.
import { BSONRegExp, Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp, deserialize, type Document } from 'bson';

const EXACT = { promoteValues: false, bsonRegExp: true } as const;

/** Documents as stored and sent back to clients. */
export function exactOf(buf: Uint8Array): Document {
  return deserialize(buf, EXACT);
}

/** Documents as mingo sees them. */
export function viewOf(buf: Uint8Array): Document {
  let doc: Document;
  try {
    doc = deserialize(buf);
  } catch {
    // A stored regex with flags JavaScript does not know cannot become a RegExp; keep it as is.
    doc = deserialize(buf, { bsonRegExp: true });
  }
  return toViewInPlace(doc) as Document;
}

function bsonTypeOf(v: object): string | undefined {
  return (v as { _bsontype?: string })._bsontype;
}

export function isPlainObject(v: unknown): v is Document {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function scalarToView(v: object): unknown {
  switch (bsonTypeOf(v)) {
    case 'Int32':
    case 'Double':
      return (v as Int32 | Double).valueOf();
    case 'Long': {
      const n = (v as Long).toNumber();
      return Number.isSafeInteger(n) ? n : v;
    }
    case 'Decimal128':
      return Number((v as Decimal128).toString());
    case 'BSONRegExp': {
      const re = v as BSONRegExp;
      try {
        return new RegExp(re.pattern, re.options.replace(/[^imsu]/g, ''));
      } catch {
        return v;
      }
    }
    default:
      return v;
  }
}

/** Converts an exact value to its view, copying containers so the exact value stays intact. */
export function toView(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toView);
  if (isPlainObject(v)) {
    const out: Document = {};
    for (const k of Object.keys(v)) out[k] = toView(v[k]);
    return out;
  }
  return scalarToView(v);
}

function toViewInPlace(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = toViewInPlace(v[i]);
    return v;
  }
  if (isPlainObject(v)) {
    for (const k of Object.keys(v)) {
      const x: unknown = v[k];
      if (x !== null && typeof x === 'object') v[k] = toViewInPlace(x);
    }
    return v;
  }
  return scalarToView(v);
}

function numericValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === null || typeof v !== 'object') return undefined;
  switch (bsonTypeOf(v)) {
    case 'Int32':
    case 'Double':
      return (v as Int32 | Double).valueOf();
    case 'Long':
      return (v as Long).toNumber();
    case 'Decimal128':
      return Number((v as Decimal128).toString());
    default:
      return undefined;
  }
}

/** Gives a number computed by mingo the BSON numeric type the field had before, like mongod does for $inc. */
function rewrap(n: number, prev: object): unknown {
  if (numericValue(prev) === n) return prev;
  switch (bsonTypeOf(prev)) {
    case 'Int32':
      if (!Number.isInteger(n)) return n;
      return n >= -2147483648 && n <= 2147483647 ? new Int32(n) : Long.fromNumber(n);
    case 'Double':
      return new Double(n);
    case 'Long':
      return Number.isInteger(n) ? Long.fromNumber(n) : n;
    case 'Decimal128':
      return Decimal128.fromString(String(n));
    default:
      return n;
  }
}

/**
 * Returns `next` (a value computed on views) with the exact types of `prev` restored wherever the
 * same path still holds a number or the same regex.
 */
export function restoreTypes(next: unknown, prev: unknown): unknown {
  if (typeof next === 'number') {
    return prev !== null && typeof prev === 'object' ? rewrap(next, prev) : next;
  }
  if (next instanceof RegExp) {
    return prev instanceof BSONRegExp && prev.pattern === next.source ? prev : next;
  }
  if (Array.isArray(next)) {
    const old = Array.isArray(prev) ? prev : undefined;
    return next.map((x, i) => restoreTypes(x, old?.[i]));
  }
  if (isPlainObject(next)) {
    const old = isPlainObject(prev) ? prev : undefined;
    const out: Document = {};
    for (const k of Object.keys(next)) out[k] = restoreTypes(next[k], old?.[k]);
    return out;
  }
  return next;
}

// ---------------------------------------------------------------------------------------------
// Canonical keys: one byte string per value such that two values mongod considers equal in an
// index (1, 1.0, Long(1), Decimal128("1")) get the same bytes and different values different
// bytes. Each encoded value is self-delimiting, so a compound key is the concatenation of its
// parts and the key of an index prefix is a byte prefix of the full key. Type tags follow
// MongoDB's cross-type order, so keys also sort roughly the way mongod sorts.

const TAG = {
  undefined: 0x00, // an empty array in a multikey index
  minKey: 0x01,
  null: 0x02,
  number: 0x03,
  string: 0x04,
  object: 0x05,
  array: 0x06,
  binary: 0x07,
  objectId: 0x08,
  boolean: 0x09,
  date: 0x0a,
  timestamp: 0x0b,
  regex: 0x0c,
  maxKey: 0x0d,
  other: 0x0e,
} as const;

export const EMPTY_ARRAY_KEY = Buffer.from([TAG.undefined]);

class KeyWriter {
  private parts: Buffer[] = [];
  byte(b: number): void {
    this.parts.push(Buffer.from([b]));
  }
  raw(b: Buffer): void {
    this.parts.push(b);
  }
  /** Order-preserving string: 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x00. */
  string(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) {
        this.parts.push(bytes.subarray(start, i + 1), Buffer.from([0xff]));
        start = i + 1;
      }
    }
    this.parts.push(bytes.subarray(start), Buffer.from([0, 0]));
  }
  /** Order-preserving float64: flip the sign bit of positives, every bit of negatives. */
  double(n: number): void {
    const b = Buffer.alloc(8);
    // mongod sorts NaN below every number: all-zero bytes sort below -Infinity's encoding.
    if (Number.isNaN(n)) return void this.parts.push(b);
    b.writeDoubleBE(n === 0 ? 0 : n); // -0 and 0 are the same key
    if (b[0]! & 0x80) for (let i = 0; i < 8; i++) b[i] = ~b[i]! & 0xff;
    else b[0] = b[0]! | 0x80;
    this.parts.push(b);
  }
  int64(n: bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(n);
    b[0] = b[0]! ^ 0x80;
    this.parts.push(b);
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function writeKey(w: KeyWriter, v: unknown): void {
  if (v === undefined || v === null) return w.byte(TAG.null);
  switch (typeof v) {
    case 'number':
      w.byte(TAG.number);
      return w.double(v);
    case 'string':
      w.byte(TAG.string);
      return w.string(v);
    case 'boolean':
      w.byte(TAG.boolean);
      return w.byte(v ? 1 : 0);
    case 'bigint':
      w.byte(TAG.number);
      return w.double(Number(v));
    case 'object':
      break;
    default:
      w.byte(TAG.other);
      return w.string(String(v));
  }
  if (Array.isArray(v)) {
    w.byte(TAG.array);
    for (const x of v) {
      w.byte(1);
      writeKey(w, x);
    }
    return w.byte(0);
  }
  if (v instanceof Date) {
    w.byte(TAG.date);
    return w.int64(BigInt(v.getTime()));
  }
  if (v instanceof RegExp) {
    w.byte(TAG.regex);
    w.string(v.source);
    return w.string(v.flags);
  }
  if (isPlainObject(v)) {
    w.byte(TAG.object);
    for (const k of Object.keys(v)) {
      w.byte(1);
      w.string(k);
      writeKey(w, v[k]);
    }
    return w.byte(0);
  }
  const num = numericValue(v);
  if (num !== undefined) {
    w.byte(TAG.number);
    return w.double(num);
  }
  switch (bsonTypeOf(v)) {
    case 'ObjectId':
      w.byte(TAG.objectId);
      return w.raw(Buffer.from((v as ObjectId).id));
    case 'Binary': {
      const bin = v as Binary;
      const bytes = Buffer.from(bin.buffer.subarray(0, bin.position));
      const head = Buffer.alloc(5);
      head.writeUInt32BE(bytes.length);
      head[4] = bin.sub_type;
      w.byte(TAG.binary);
      w.raw(head);
      return w.string(bytes.toString('latin1'));
    }
    case 'BSONRegExp':
      w.byte(TAG.regex);
      w.string((v as BSONRegExp).pattern);
      return w.string((v as BSONRegExp).options);
    case 'Timestamp':
      w.byte(TAG.timestamp);
      return w.int64(BigInt.asIntN(64, (BigInt((v as Timestamp).t) << 32n) | BigInt((v as Timestamp).i)));
    case 'MinKey':
      return w.byte(TAG.minKey);
    case 'MaxKey':
      return w.byte(TAG.maxKey);
    default:
      w.byte(TAG.other);
      return w.string(JSON.stringify(v));
  }
}

/** Canonical key of one value. */
export function keyOf(v: unknown): Buffer {
  const w = new KeyWriter();
  writeKey(w, v);
  return w.done();
}
