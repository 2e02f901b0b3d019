// Collations: which one applies, and how it compares strings for equality (as a key).
import type { Document } from 'bson';
import type { CollationSpec } from 'mingo/types';
import { badValue } from './errors';
import { isPlainObject } from './values';

/**
 * The collation mingo should apply; none for the default binary comparison ("simple"). ICU names
 * (`en_US`) become BCP 47 tags (`en-US`); a locale Intl does not know is refused, as mongod does.
 */
export function collationOf(spec: Document | undefined): CollationSpec | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (!isPlainObject(spec) || typeof spec.locale !== 'string') throw badValue("collation must be a document with a 'locale' string");
  if (spec.locale === 'simple') return undefined;
  const locale = spec.locale.replace(/_/g, '-');
  let known: string[];
  try {
    known = Intl.Collator.supportedLocalesOf(locale);
  } catch {
    known = [];
  }
  if (known.length === 0) throw badValue(`Field 'locale' is invalid in: { locale: "${spec.locale}" }`);
  const strength = spec.strength === undefined ? 3 : Number(spec.strength);
  if (![1, 2, 3, 4, 5].includes(strength)) throw badValue(`Field 'strength' is invalid in the collation`);
  return { ...spec, locale, strength } as unknown as CollationSpec;
}

/**
 * How a collation compares strings for equality, as a key: strength 1 ignores case and accents
 * (« Élise » = « elise » = « ELISE »), 2 ignores case only, 3 and above tell every difference.
 * Undefined when strings compare as they are.
 */
export function collationKey(spec: Document | undefined): ((s: string) => string) | undefined {
  const collation = collationOf(spec) as (CollationSpec & { strength: number; locale: string }) | undefined;
  if (!collation || collation.strength >= 3) return undefined;
  const locale = collation.locale;
  if (collation.strength === 1) return (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase(locale);
  return (s) => s.normalize('NFC').toLocaleLowerCase(locale);
}

/** `value` with every string replaced by its collation key (regular expressions ignore collations). */
export function mapStrings(value: unknown, key: (s: string) => string): unknown {
  if (typeof value === 'string') return key(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, key));
  if (isPlainObject(value)) {
    const out: Document = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, key);
    return out;
  }
  return value;
}


/** The simple (binary) collation, written out: what a view without a collation has (it does not inherit its collection's). */
export const SIMPLE_COLLATION: Document = { locale: 'simple' };

/**
 * The collation an operation on a collection runs with: its own when it names one, else the
 * collection's default (MongoDB: "If the collection has a default collation, operations use it
 * unless they specify a different one").
 */
export function effectiveCollation(requested: Document | undefined, collectionDefault: unknown): Document | undefined {
  return requested ?? (isPlainObject(collectionDefault) ? collectionDefault : undefined);
}

/** True when two collations compare strings alike: both simple, or the same locale and options. */
export function sameCollation(a: Document | undefined, b: Document | undefined): boolean {
  const ca = collationOf(a) as Document | undefined;
  const cb = collationOf(b) as Document | undefined;
  if (!ca || !cb) return !ca && !cb;
  const keys = new Set([...Object.keys(ca), ...Object.keys(cb)]);
  return [...keys].every((k) => JSON.stringify(ca[k]) === JSON.stringify(cb[k]));
}
