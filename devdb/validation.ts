// Collection validators (issue 18): `$jsonSchema` and query operators, validationLevel and
// validationAction, checked on every insert and update as mongod does (121 DocumentValidationFailure).
import type { Document } from 'bson';
import { Query } from 'mingo';
import { CommandError, badValue } from './errors';
import { isPlainObject, keyOf, toView } from './values';

type Schema = Document;

const KEYWORDS = new Set([
  'bsonType', 'type', 'required', 'properties', 'additionalProperties', 'patternProperties', 'minProperties', 'maxProperties',
  'enum', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'pattern',
  'items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'allOf', 'anyOf', 'oneOf', 'not', 'dependencies',
  'title', 'description', 'encrypt', 'encryptMetadata',
]);

const NUMERIC = new Set(['int', 'long', 'double', 'decimal']);
const BSON_TYPES = new Set(['double', 'string', 'object', 'array', 'binData', 'undefined', 'objectId', 'bool', 'date', 'null', 'regex', 'dbPointer', 'javascript', 'symbol', 'javascriptWithScope', 'int', 'timestamp', 'long', 'decimal', 'minKey', 'maxKey', 'number']);
const JSON_TYPES: Record<string, string> = { object: 'object', array: 'array', number: 'number', boolean: 'bool', string: 'string', null: 'null' };

/** The BSON type alias of a value, in its exact form (Int32, Double… wrappers) or a view (JS numbers). */
function bsonTypeOf(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) <= 2 ** 31 ? 'int' : Number.isInteger(v) && Number.isSafeInteger(v) ? 'long' : 'double';
  if (typeof v === 'bigint') return 'long';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  const tag = (v as { _bsontype?: string })._bsontype;
  switch (tag) {
    case 'Int32': return 'int';
    case 'Double': return 'double';
    case 'Long': return 'long';
    case 'Decimal128': return 'decimal';
    case 'ObjectId': return 'objectId';
    case 'Binary': return 'binData';
    case 'BSONRegExp': return 'regex';
    case 'Timestamp': return 'timestamp';
    case 'Code': return 'javascript';
    case 'MinKey': return 'minKey';
    case 'MaxKey': return 'maxKey';
    case 'BSONSymbol': return 'symbol';
    default: return 'object';
  }
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  return NUMERIC.has(bsonTypeOf(v)) ? Number((v as { toString(): string }).toString()) : undefined;
}

function typeMatches(actual: string, wanted: string): boolean {
  return wanted === actual || (wanted === 'number' && NUMERIC.has(actual));
}

/** Refuses a schema mongod would refuse at collection creation (FailedToParse / BadValue). */
function checkSchema(schema: unknown): void {
  if (!isPlainObject(schema)) throw new CommandError(9, 'FailedToParse', '$jsonSchema must be an object');
  for (const [key, value] of Object.entries(schema)) {
    if (!KEYWORDS.has(key)) throw new CommandError(9, 'FailedToParse', `Unknown $jsonSchema keyword: ${key}`);
    if (key === 'bsonType') {
      for (const t of Array.isArray(value) ? value : [value]) {
        if (typeof t !== 'string' || !BSON_TYPES.has(t)) throw badValue(`Unknown type name alias: ${String(t)}`);
      }
    }
    if (key === 'type') {
      for (const t of Array.isArray(value) ? value : [value]) {
        if (typeof t !== 'string' || !(t in JSON_TYPES)) throw badValue(`Unknown type name alias: ${String(t)}`);
      }
    }
    if (key === 'properties' || key === 'patternProperties') {
      if (!isPlainObject(value)) throw new CommandError(14, 'TypeMismatch', `$jsonSchema keyword '${key}' must be an object`);
      Object.values(value).forEach(checkSchema);
    }
    if (key === 'not' || (key === 'additionalProperties' && typeof value !== 'boolean') || (key === 'items' && !Array.isArray(value))) checkSchema(value);
    if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      if (!Array.isArray(value) || value.length === 0) throw new CommandError(14, 'TypeMismatch', `$jsonSchema keyword '${key}' must be a non-empty array`);
      value.forEach(checkSchema);
    }
    if (key === 'required' && (!Array.isArray(value) || value.length === 0 || !value.every((f) => typeof f === 'string'))) {
      throw badValue(`$jsonSchema keyword 'required' must be a non-empty array of strings`);
    }
  }
}

/** Whether a value satisfies a $jsonSchema (MongoDB's draft 4 subset with `bsonType`); the first rule broken otherwise. */
function schemaFailure(schema: Schema, v: unknown): string | undefined {
  const type = bsonTypeOf(v);
  if (schema.bsonType !== undefined) {
    const wanted = (Array.isArray(schema.bsonType) ? schema.bsonType : [schema.bsonType]) as string[];
    if (!wanted.some((t) => typeMatches(type, t))) return 'bsonType';
  }
  if (schema.type !== undefined) {
    const wanted = (Array.isArray(schema.type) ? schema.type : [schema.type]) as string[];
    if (!wanted.some((t) => typeMatches(type, JSON_TYPES[t] ?? t))) return 'type';
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => keyOf(toView(e)).equals(keyOf(toView(v))))) return 'enum';
  if (Array.isArray(schema.allOf) && !schema.allOf.every((s: Schema) => schemaFailure(s, v) === undefined)) return 'allOf';
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s: Schema) => schemaFailure(s, v) === undefined)) return 'anyOf';
  if (Array.isArray(schema.oneOf) && schema.oneOf.filter((s: Schema) => schemaFailure(s, v) === undefined).length !== 1) return 'oneOf';
  if (isPlainObject(schema.not) && schemaFailure(schema.not, v) === undefined) return 'not';
  const n = numberOf(v);
  if (n !== undefined) {
    if (typeof schema.minimum === 'number' && (schema.exclusiveMinimum === true ? n <= schema.minimum : n < schema.minimum)) return 'minimum';
    if (typeof schema.maximum === 'number' && (schema.exclusiveMaximum === true ? n >= schema.maximum : n > schema.maximum)) return 'maximum';
    if (typeof schema.multipleOf === 'number' && n % schema.multipleOf !== 0) return 'multipleOf';
  }
  if (typeof v === 'string') {
    const length = [...v].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) return 'minLength';
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) return 'maxLength';
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(v)) return 'pattern';
  }
  if (Array.isArray(v)) {
    if (typeof schema.minItems === 'number' && v.length < schema.minItems) return 'minItems';
    if (typeof schema.maxItems === 'number' && v.length > schema.maxItems) return 'maxItems';
    if (schema.uniqueItems === true && new Set(v.map((x) => keyOf(toView(x)).toString('latin1'))).size !== v.length) return 'uniqueItems';
    if (isPlainObject(schema.items) && v.some((x) => schemaFailure(schema.items as Schema, x) !== undefined)) return 'items';
    if (Array.isArray(schema.items)) {
      const items = schema.items as Schema[];
      if (items.some((s, i) => i < v.length && schemaFailure(s, v[i]) !== undefined)) return 'items';
      const extra = v.slice(items.length);
      if (schema.additionalItems === false && extra.length > 0) return 'additionalItems';
      if (isPlainObject(schema.additionalItems) && extra.some((x) => schemaFailure(schema.additionalItems as Schema, x) !== undefined)) return 'additionalItems';
    }
  }
  if (type === 'object' && isPlainObject(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (Array.isArray(schema.required) && !schema.required.every((f: string) => keys.includes(f))) return 'required';
    if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties) return 'minProperties';
    if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties) return 'maxProperties';
    const properties = isPlainObject(schema.properties) ? schema.properties : {};
    const patterns = isPlainObject(schema.patternProperties) ? Object.entries(schema.patternProperties).map(([p, s]) => [new RegExp(p, 'u'), s] as const) : [];
    for (const key of keys) {
      const own = properties[key] as Schema | undefined;
      if (own && schemaFailure(own, v[key]) !== undefined) return 'properties';
      const byPattern = patterns.filter(([re]) => re.test(key));
      if (byPattern.some(([, s]) => schemaFailure(s as Schema, v[key]) !== undefined)) return 'patternProperties';
      if (own || byPattern.length > 0) continue;
      if (schema.additionalProperties === false) return 'additionalProperties';
      if (isPlainObject(schema.additionalProperties) && schemaFailure(schema.additionalProperties, v[key]) !== undefined) return 'additionalProperties';
    }
    if (isPlainObject(schema.dependencies)) {
      for (const [key, dep] of Object.entries(schema.dependencies)) {
        if (!keys.includes(key)) continue;
        if (Array.isArray(dep) ? !dep.every((f: string) => keys.includes(f)) : schemaFailure(dep as Schema, v) !== undefined) return 'dependencies';
      }
    }
  }
  return undefined;
}

/** The `jsonSchemaValidator` mingo needs for `$jsonSchema` in filters (evaluated on views). */
export const viewSchemaValidator = (schema: Document) => (doc: unknown): boolean => schemaFailure(schema, doc) === undefined;

const VALIDATOR_OPTIONS = ['validator', 'validationLevel', 'validationAction'] as const;

/** Refuses validator options mongod would refuse (create and collMod). */
export function checkValidatorOptions(options: Document): void {
  const { validator, validationLevel, validationAction } = options;
  if (validator !== undefined) {
    if (!isPlainObject(validator)) throw new CommandError(14, 'TypeMismatch', "BSON field 'validator' is the wrong type, expected type 'object'");
    for (const op of ['$near', '$nearSphere', '$text', '$where']) {
      if (op in validator) throw new CommandError(2, 'BadValue', `${op} is not allowed in collection validators`);
    }
    if (validator.$jsonSchema !== undefined) checkSchema(validator.$jsonSchema);
    try {
      new Query(toView(validator) as Document, { jsonSchemaValidator: viewSchemaValidator });
    } catch (err) {
      throw badValue(`invalid validator: ${(err as Error).message}`);
    }
  }
  if (validationLevel !== undefined && !['off', 'strict', 'moderate'].includes(validationLevel as string)) {
    throw badValue(`Enumeration value '${String(validationLevel)}' for field 'validationLevel' is not a valid value.`);
  }
  if (validationAction !== undefined && !['error', 'warn', 'errorAndLog'].includes(validationAction as string)) {
    throw badValue(`Enumeration value '${String(validationAction)}' for field 'validationAction' is not a valid value.`);
  }
}

export const isValidatorOption = (key: string): boolean => (VALIDATOR_OPTIONS as readonly string[]).includes(key);

/**
 * The check a collection's options ask for before a document is written, or undefined when there is
 * none (no validator, validationLevel off, or bypassDocumentValidation). `before` is the stored
 * document an update replaces: under validationLevel moderate, one that already failed is not checked.
 * `warn` is called instead of refusing under validationAction warn.
 */
export function documentValidator(
  options: Document,
  bypass: boolean,
  warn: (errInfo: Document) => void,
): ((doc: Document, before?: Document) => void) | undefined {
  const validator = options.validator as Document | undefined;
  if (bypass || !isPlainObject(validator) || Object.keys(validator).length === 0 || options.validationLevel === 'off') return undefined;
  let current: Document = {};
  // $jsonSchema is evaluated on the exact document (Int32 vs Double), the query operators on its view.
  const query = new Query(toView(validator) as Document, { jsonSchemaValidator: (schema) => () => schemaFailure(schema, current) === undefined });
  const passes = (doc: Document): boolean => {
    current = doc;
    return query.test(toView(doc) as Document);
  };
  return (doc, before) => {
    if (before && options.validationLevel === 'moderate' && !passes(before)) return;
    if (passes(doc)) return;
    const schema = isPlainObject(validator.$jsonSchema) ? validator.$jsonSchema : undefined;
    const rule = schema ? schemaFailure(schema, doc) : undefined;
    const details: Document = rule
      ? { operatorName: '$jsonSchema', schemaRulesNotSatisfied: [{ operatorName: rule }] }
      : { operatorName: Object.keys(validator).length === 1 && Object.keys(validator)[0]!.startsWith('$') ? Object.keys(validator)[0]! : '$and', specifiedAs: validator };
    const errInfo = { failingDocumentId: doc._id, details };
    if (options.validationAction === 'warn') return warn(errInfo);
    throw new CommandError(121, 'DocumentValidationFailure', 'Document failed validation', { errInfo });
  };
}
