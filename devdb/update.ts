// Update documents: operator updates and pipelines through mingo, replacements, and upsert seeds.
import { ObjectId, type Document } from 'bson';
import { updateOne } from 'mingo';
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

/**
 * Returns the exact document `update` makes of `current` (exact) and `currentView` (a fresh view
 * of it, which this function may modify).
 */
export function applyUpdate(current: Document, currentView: Document, update: UpdateSpec, options: ApplyOptions): Document {
  let next: Document;
  if (Array.isArray(update) || isOperatorUpdate(update)) {
    const { modifier, id } = Array.isArray(update) ? { modifier: toView(update) as Document[], id: undefined } : modifierFor(update, options.inserting);
    const docs = [currentView];
    try {
      // The document already matched. mingo re-tests the condition it is given, so it only gets
      // the filter when the positional `$` needs it to find the matched array element.
      const condition = !options.inserting && !Array.isArray(update) && usesPositional(update) ? withoutComment(options.filter) : {};
      updateOne(docs, condition, modifier as Document, {
        arrayFilters: options.arrayFilters,
        cloneMode: 'copy',
      });
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
