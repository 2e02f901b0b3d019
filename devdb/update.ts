// Update documents: operator updates and pipelines through mingo, replacements, and upsert seeds.
import { ObjectId, type Document } from 'bson';
import { Aggregator, updateOne } from 'mingo';
import { CommandError, badValue } from './errors';
import { isPlainObject, keyOf, restoreTypes, toView } from './values';

const OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$currentDate',
  '$push',
  '$pull',
  '$pullAll',
  '$addToSet',
  '$pop',
  '$bit',
  '$setOnInsert',
]);

/**
 * Operators whose values are stored as given: they keep the client's exact BSON types. The others
 * compute (or compare) with their values, which mingo only does on views.
 */
const STORES_VALUES_AS_GIVEN = new Set(['$set', '$setOnInsert']);

export type UpdateSpec = Document | Document[];

function isOperatorUpdate(update: Document): boolean {
  const keys = Object.keys(update);
  return keys.length > 0 && keys[0]!.startsWith('$');
}

export function validateUpdate(update: unknown): UpdateSpec {
  if (Array.isArray(update)) {
    if (!update.every(isPlainObject)) throw badValue('an update pipeline must contain documents');
    return update;
  }
  if (!isPlainObject(update)) throw new CommandError(9, 'FailedToParse', 'update must be a document or a pipeline');
  if (isOperatorUpdate(update)) {
    for (const [op, arg] of Object.entries(update)) {
      if (!OPERATORS.has(op)) throw new CommandError(9, 'FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
      if (!isPlainObject(arg)) throw new CommandError(9, 'FailedToParse', `Modifiers operate on fields but we found type ${typeof arg} instead. For example: {$mod: {<field>: ...}} not {${op}: ...}`);
    }
  } else {
    for (const field of Object.keys(update)) {
      if (field.startsWith('$')) throw new CommandError(52, 'DollarPrefixedFieldName', `The dollar ($) prefixed field '${field}' in '${field}' is not allowed in the context of an update's replacement document.`);
    }
  }
  return update;
}

/** Puts `_id` first, as mongod stores documents. */
export function idFirst(doc: Document): Document {
  if (!('_id' in doc)) return { _id: new ObjectId(), ...doc };
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

function sameId(a: unknown, b: unknown): boolean {
  return keyOf(toView(a)).equals(keyOf(toView(b)));
}

function immutableId(): CommandError {
  return new CommandError(66, 'ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
}

const POSITIONAL = /(^|\.)\$(\.|$)/;

function usesPositional(update: Document): boolean {
  return Object.values(update).some((arg) => isPlainObject(arg) && Object.keys(arg).some((path) => POSITIONAL.test(path)));
}

function withoutComment(filter: Document): Document {
  const { $comment: _comment, ...rest } = filter;
  return rest;
}

export interface ApplyOptions {
  /** The update's filter (a view), for the positional `$` operator. */
  filter: Document;
  arrayFilters?: Document[];
  /** True when the update builds an upserted document, which turns $setOnInsert on. */
  inserting: boolean;
  /** The command's `let` variables, for `$$name` in update pipelines. */
  variables?: Document;
}

/**
 * $push stores its values as given, except when `$sort` has to compare them; its modifiers
 * ($slice, $position, $sort) are numbers and specs mingo reads as views.
 */
function pushArgument(arg: Document): Document {
  const out: Document = {};
  for (const [path, spec] of Object.entries(arg)) {
    if (isPlainObject(spec) && '$each' in spec) {
      const { $each, ...modifiers } = spec;
      out[path] = { $each: '$sort' in modifiers ? toView($each) : $each, ...(toView(modifiers) as Document) };
    } else {
      out[path] = spec;
    }
  }
  return out;
}

/**
 * The mingo modifier for an operator update, and the `_id` it sets if any: mingo refuses any
 * write to `_id`, while mongod accepts one that keeps the value or gives an upserted document its id.
 */
function modifierFor(update: Document, inserting: boolean): { modifier: Document; id?: { value: unknown } } {
  const modifier: Document = {};
  for (const [op, arg] of Object.entries(update as Record<string, Document>)) {
    if (op === '$setOnInsert') {
      if (inserting) modifier.$set = { ...(modifier.$set as Document | undefined), ...arg };
      continue;
    }
    const value = STORES_VALUES_AS_GIVEN.has(op) ? arg : op === '$push' ? pushArgument(arg) : (toView(arg) as Document);
    modifier[op] = op === '$set' ? { ...(modifier.$set as Document | undefined), ...value } : value;
  }
  const set = modifier.$set as Document | undefined;
  if (!set || !('_id' in set)) return { modifier };
  const { _id, ...rest } = set;
  const { $set: _set, ...others } = modifier;
  return { modifier: Object.keys(rest).length > 0 ? { ...others, $set: rest } : others, id: { value: _id } };
}

/** The stages mongod accepts in an update pipeline. */
const UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

/**
 * An update pipeline run as an aggregation over the one document (mingo's updateOne diffs the
 * result field by field and fails on `$replaceRoot` or on names `$setField` makes, `$a`, `a.b`).
 */
function runPipeline(view: Document, pipeline: Document[], variables: Document | undefined): Document {
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0] ?? '';
    if (Object.keys(stage).length !== 1 || !UPDATE_STAGES.has(name)) {
      throw new CommandError(72, 'InvalidOptions', `${name || 'an empty stage'} is not allowed to be used within an update`);
    }
  }
  let out: Document[];
  try {
    out = new Aggregator(toView(pipeline) as Document[], variables ? { variables } : {}).run([view]) as Document[];
  } catch (err) {
    throw new CommandError(2, 'BadValue', `cannot apply update: ${(err as Error).message}`);
  }
  const [next] = out;
  if (out.length !== 1 || !isPlainObject(next)) throw new CommandError(2, 'BadValue', 'an update pipeline must produce one document');
  return next;
}

/**
 * Returns the exact document `update` makes of `current` (exact) and `currentView` (a fresh view
 * of it, which this function may modify).
 */
export function applyUpdate(current: Document, currentView: Document, update: UpdateSpec, options: ApplyOptions): Document {
  let next: Document;
  if (Array.isArray(update)) {
    next = restoreTypes(runPipeline(currentView, update, options.variables), current) as Document;
    // A pipeline that drops `_id` (`$replaceRoot`, `$unset: '_id'`) keeps the document's own, as mongod does.
    if ('_id' in current && !('_id' in next)) next._id = current._id;
  } else if (isOperatorUpdate(update)) {
    checkUpdateTypes(current, update, options.inserting);
    const { modifier, id } = modifierFor(update, options.inserting);
    const docs = [currentView];
    const positional = !options.inserting && usesPositional(update);
    if (!positional && applySimply(currentView, modifier)) {
      next = restoreTypes(currentView, current) as Document;
      if (id) {
        if ('_id' in current && !sameId(id.value, current._id)) throw immutableId();
        next._id = id.value;
      }
      if ('_id' in current && !sameId(next._id, current._id)) throw immutableId();
      return idFirst(next);
    }
    try {
      // The document already matched. mingo re-tests the condition it is given, so it only gets
      // the filter when the positional `$` needs it to find the matched array element.
      const condition = positional ? withoutComment(options.filter) : {};
      updateOne(docs, condition, modifier, {
        arrayFilters: options.arrayFilters,
        cloneMode: 'copy',
      }, options.variables ? { variables: options.variables } : undefined);
    } catch (err) {
      const message = (err as Error).message;
      if (message.includes('immutable field')) throw immutableId();
      if (message.includes('would create a conflict')) throw new CommandError(40, 'ConflictingUpdateOperators', message);
      throw new CommandError(2, 'BadValue', `cannot apply update: ${message}`);
    }
    next = restoreTypes(docs[0], current) as Document;
    if (id) {
      if ('_id' in current && !sameId(id.value, current._id)) throw immutableId();
      next._id = id.value;
    }
  } else {
    if ('_id' in update && '_id' in current && !sameId(update._id, current._id)) throw immutableId();
    next = { ...update };
    if ('_id' in current) next._id = current._id;
  }
  if ('_id' in current && !sameId(next._id, current._id)) throw immutableId();
  return idFirst(next);
}

// ---------------------------------------------------------------------------------------------
// The updates the product sends on every turn ($set, $unset, $inc, $max, $min, and one value
// $push'ed or $addToSet'ed) applied directly, without building mingo's operator context (a copy of
// every operator table per update). Anything less plain (positional paths, arrays on the way,
// modifiers, mixed types, overlapping paths, a non-numeric $inc target) goes to mingo, as before.

const SIMPLE_OPERATORS = new Set(['$set', '$unset', '$inc', '$max', '$min', '$push', '$addToSet']);

type Step = { op: string; parts: string[]; value: unknown };

/** The container of a path's last part, creating documents on the way when `create`; undefined when not plain. */
function parentOf(doc: Document, parts: string[], create: boolean): Document | null | undefined {
  let target: Document = doc;
  for (const part of parts.slice(0, -1)) {
    const next: unknown = target[part];
    if (next === undefined) {
      if (!create) return null;
      target[part] = {};
      target = target[part] as Document;
    } else if (isPlainObject(next)) target = next;
    else return undefined;
  }
  return target;
}

/** Whether a step can be applied without mingo, judged on the document before any step runs. */
function simpleStep(doc: Document, step: Step): boolean {
  let target: unknown = doc;
  for (const part of step.parts.slice(0, -1)) {
    target = (target as Document)[part];
    if (target === undefined) return step.op !== '$inc' || typeof step.value === 'number';
    if (!isPlainObject(target)) return false;
  }
  const current: unknown = (target as Document)[step.parts.at(-1)!];
  switch (step.op) {
    case '$set':
    case '$unset':
      return true;
    case '$inc':
      return typeof step.value === 'number' && (current === undefined || typeof current === 'number');
    case '$max':
    case '$min':
      return current === undefined || (typeof current === 'number' && typeof step.value === 'number') || (current instanceof Date && step.value instanceof Date);
    default:
      // $push and $addToSet of one value (not `{$each: ...}`) onto an array or a missing field.
      return (current === undefined || Array.isArray(current)) && !(isPlainObject(step.value) && Object.keys(step.value).some((k) => k.startsWith('$')));
  }
}

/** Applies a plain operator update to `doc` (a view, changed in place); false, and `doc` untouched, when mingo must do it. */
function applySimply(doc: Document, modifier: Document): boolean {
  const steps: Step[] = [];
  for (const [op, arg] of Object.entries(modifier)) {
    if (!SIMPLE_OPERATORS.has(op) || !isPlainObject(arg) || Object.keys(arg).length === 0) return false;
    for (const [path, value] of Object.entries(arg)) {
      const parts = path.split('.');
      if (parts.some((part) => part === '' || part.startsWith('$') || /^\d+$/.test(part))) return false;
      steps.push({ op, parts, value });
    }
  }
  // Two steps on one path, or on a path and one inside it, conflict: mingo says how.
  const paths = steps.map((step) => step.parts.join('.'));
  if (paths.some((a, i) => paths.some((b, j) => i !== j && (a === b || b.startsWith(`${a}.`))))) return false;
  if (!steps.every((step) => simpleStep(doc, step))) return false;
  for (const step of steps) {
    const parent = parentOf(doc, step.parts, step.op !== '$unset');
    if (!parent) continue;
    const field = step.parts.at(-1)!;
    const current: unknown = parent[field];
    switch (step.op) {
      case '$set':
        parent[field] = step.value;
        break;
      case '$unset':
        delete parent[field];
        break;
      case '$inc':
        parent[field] = ((current as number | undefined) ?? 0) + (step.value as number);
        break;
      case '$max':
      case '$min': {
        const replace = current === undefined || (step.op === '$max' ? (step.value as number | Date) > (current as number | Date) : (step.value as number | Date) < (current as number | Date));
        if (replace) parent[field] = step.value;
        break;
      }
      case '$push':
        parent[field] = [...((current as unknown[] | undefined) ?? []), step.value];
        break;
      case '$addToSet': {
        const items = (current as unknown[] | undefined) ?? [];
        const key = keyOf(step.value);
        parent[field] = items.some((item) => keyOf(item).equals(key)) ? items : [...items, step.value];
        break;
      }
    }
  }
  return true;
}

/** Sets a dotted path, creating the documents on the way. */
function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(target[part])) target[part] = {};
    target = target[part] as Document;
  }
  target[parts[parts.length - 1]!] = value;
}

/** The document an upsert starts from: the equality conditions of its filter (exact form). */
export function upsertSeed(filter: Document): Document {
  const seed: Document = {};
  const visit = (f: Document): void => {
    for (const [field, cond] of Object.entries(f)) {
      if (field === '$and' && Array.isArray(cond)) {
        for (const sub of cond) if (isPlainObject(sub)) visit(sub);
        continue;
      }
      if (field.startsWith('$')) continue;
      if (isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith('$'))) {
        if ('$eq' in cond) setPath(seed, field, cond.$eq);
        continue;
      }
      setPath(seed, field, cond);
    }
  };
  visit(filter);
  return seed;
}

// ---------------------------------------------------------------------------------------------
// Type errors of update operators, raised before anything changes (mongod's codes and messages):
// mingo would leave the document as it is, or change part of it.

/** A value as mongod writes it in error messages: `{a: 5}`, `"x"`, `[ 1, 2 ]`. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return value.length ? `[ ${value.map(shown).join(', ')} ]` : '[]';
  if (isPlainObject(value)) return `{${Object.entries(value).map(([k, v]) => `${k}: ${shown(v)}`).join(', ')}}`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  const bson = value as { _bsontype?: string; toHexString?: () => string } | null;
  if (bson?._bsontype === 'ObjectId') return `ObjectId('${bson.toHexString!()}')`;
  return String(value);
}

const NUMERIC_BSON = new Set(['Int32', 'Double', 'Long', 'Decimal128']);

function isNumeric(value: unknown): boolean {
  return typeof value === 'number' || NUMERIC_BSON.has((value as { _bsontype?: string } | null)?._bsontype ?? '');
}

/** A value's BSON type name, as `$type` spells it. */
function bsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (isPlainObject(value)) return 'object';
  const names: Record<string, string> = { Int32: 'int', Double: 'double', Long: 'long', Decimal128: 'decimal', ObjectId: 'objectId', Binary: 'binData', BSONRegExp: 'regex', Timestamp: 'timestamp' };
  return names[(value as { _bsontype?: string })._bsontype ?? ''] ?? 'object';
}

type Resolved = { kind: 'found'; value: unknown } | { kind: 'missing' } | { kind: 'blocked'; field: string; part: string; value: unknown };

/** Where a dotted path leads in an exact document: a value, nothing yet, or a scalar (or array) that cannot hold the rest. */
function resolvePath(doc: Document, parts: string[]): Resolved {
  let current: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    let next: unknown;
    if (isPlainObject(current)) next = current[part];
    else if (Array.isArray(current) && /^\d+$/.test(part)) next = current[Number(part)];
    else return { kind: 'blocked', field: parts[i - 1]!, part, value: current };
    if (next === undefined) return { kind: 'missing' };
    current = next;
  }
  return { kind: 'found', value: current };
}

/** Operators that create the fields they name; the others ($unset, $pull, $pop…) do nothing on a path that cannot exist. */
const CREATES_PATHS = new Set(['$set', '$setOnInsert', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$currentDate', '$bit']);

const typeMismatch = (message: string): CommandError => new CommandError(14, 'TypeMismatch', message);

/**
 * Throws the error mongod answers for an operator update that does not fit `current` (exact form):
 * TypeMismatch (14) for arithmetic on a non-number, BadValue (2) for an array operator on a
 * non-array, PathNotViable (28) for a field created inside a scalar.
 */
function checkUpdateTypes(current: Document, update: Document, inserting: boolean): void {
  const id = `{_id: ${shown(current._id)}}`;
  for (const [op, arg] of Object.entries(update)) {
    if (!isPlainObject(arg) || (op === '$setOnInsert' && !inserting)) continue;
    for (const [path, value] of Object.entries(arg)) {
      const parts = path.split('.');
      if (parts.some((part) => part.startsWith('$'))) continue; // positional paths: mingo resolves them
      const field = parts.at(-1)!;
      if (op === '$inc' && !isNumeric(value)) throw typeMismatch(`Cannot increment with non-numeric argument: {${path}: ${shown(value)}}`);
      if (op === '$mul' && !isNumeric(value)) throw typeMismatch(`Cannot multiply with non-numeric argument: {${path}: ${shown(value)}}`);
      if (op === '$pullAll' && !Array.isArray(value)) throw badValue(`$pullAll requires an array argument but was given a ${bsonTypeName(value)}`);
      const at = resolvePath(current, parts);
      if (at.kind === 'blocked') {
        if (CREATES_PATHS.has(op)) throw new CommandError(28, 'PathNotViable', `Cannot create field '${at.part}' in element {${at.field}: ${shown(at.value)}}`);
        continue;
      }
      if (at.kind === 'missing') continue;
      const target = at.value;
      const type = bsonTypeName(target);
      if ((op === '$inc' || op === '$mul') && !isNumeric(target)) {
        throw typeMismatch(`Cannot apply ${op} to a value of non-numeric type. ${id} has the field '${field}' of non-numeric type ${type}`);
      }
      if (Array.isArray(target)) continue;
      if (op === '$push') throw badValue(`The field '${path}' must be an array but is of type ${type} in document ${id}`);
      if (op === '$addToSet') throw badValue(`Cannot apply $addToSet to non-array field. Field named '${field}' has non-array type ${type}`);
      if (op === '$pop') throw typeMismatch(`Path '${path}' contains an element of non-array type '${type}'`);
      if (op === '$pull' || op === '$pullAll') throw badValue('Cannot apply $pull to a non-array value');
    }
  }
}
