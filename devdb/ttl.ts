// TTL indexes: their validation at creation, and the monitor that deletes expired documents (as mongod's TTLMonitor).
import type { Document } from 'bson';
import { deleteDocument, newStats } from './documents';
import { CommandError } from './errors';
import type { IndexDef } from './indexes';
import { findMatches } from './query';
import type { Storage } from './storage';
import { toView } from './values';
import type { DevDbLogger } from './index';

/** mongod's bound on expireAfterSeconds (7.0: the largest int32). */
const MAX_EXPIRE_AFTER_SECONDS = 2_147_483_647;

/** The server parameters devdb knows, as `getParameter` and `setParameter` read and write them. */
export interface ServerParameters {
  ttlMonitorSleepSecs: number;
  ttlMonitorEnabled: boolean;
}

export const defaultParameters = (): ServerParameters => ({ ttlMonitorSleepSecs: 60, ttlMonitorEnabled: true });

/** Refuses a TTL option mongod refuses (CannotCreateIndex); `spec` is normalised. */
export function validateTtlSpec(spec: Document): void {
  if (!('expireAfterSeconds' in spec)) return;
  const shown = JSON.stringify(toView(spec));
  if (Object.keys(spec.key as Document).length !== 1) {
    throw new CommandError(67, 'CannotCreateIndex', `TTL indexes are single-field indexes, compound indexes do not support TTL. Index spec: ${shown}`);
  }
  const value = toView(spec.expireAfterSeconds);
  if (typeof value !== 'number') {
    const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
    throw new CommandError(67, 'CannotCreateIndex', `TTL index 'expireAfterSeconds' option must be numeric, but received a type of '${type}'. Index spec: ${shown}`);
  }
  checkExpireAfterSeconds(value, shown);
}

/** The range check shared by createIndexes and collMod. */
function checkExpireAfterSeconds(value: number, shown: string, code = 67, codeName = 'CannotCreateIndex'): void {
  if (Number.isNaN(value) || value < 0 || value > MAX_EXPIRE_AFTER_SECONDS) {
    throw new CommandError(code, codeName, `TTL index 'expireAfterSeconds' option must be within an acceptable range, try a lower number. Index spec: ${shown}`);
  }
}

/** The TTL of an index: its field and seconds, or undefined when it is not a TTL index. */
function ttlOf(index: IndexDef): { field: string; seconds: number } | undefined {
  const seconds = toView(index.spec.expireAfterSeconds);
  if (typeof seconds !== 'number' || index.fields.length !== 1) return undefined;
  return { field: index.fields[0]!, seconds };
}

/**
 * Deletes the documents of every TTL index whose date (the earliest one, for an array) plus
 * expireAfterSeconds is past. `$lt` on a date only matches dates (type bracketing) and, on an
 * array, matches when its smallest date is before the cut-off: exactly mongod's rule.
 */
function expireDocuments(storage: Storage, now: number): number {
  let deleted = 0;
  for (const coll of storage.allCollections()) {
    for (const index of coll.indexes) {
      const ttl = ttlOf(index);
      if (!ttl) continue;
      const condition: Document = { [ttl.field]: { $lt: new Date(now - ttl.seconds * 1000) } };
      const filter = index.partialFilter ? { $and: [index.partialFilter, condition] } : condition;
      for (const match of findMatches(storage, coll, filter, {}, newStats())) {
        deleteDocument(storage, coll, match);
        deleted++;
      }
    }
  }
  return deleted;
}

/** Runs a TTL pass every `ttlMonitorSleepSecs`, between groups of commands, each pass its own commit. */
export class TtlMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly storage: Storage,
    private readonly parameters: ServerParameters,
    private readonly logger: DevDbLogger,
  ) {}

  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The sleep changed: the next pass comes after the new one. */
  reschedule(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.pass(), Math.max(1, this.parameters.ttlMonitorSleepSecs) * 1000);
    this.timer.unref();
  }

  private pass(): void {
    if (!this.running) return;
    // A group of commands whose replies wait for their commit: let it commit first.
    if (this.storage.inGroup) {
      this.timer = setTimeout(() => this.pass(), 5);
      this.timer.unref();
      return;
    }
    if (this.parameters.ttlMonitorEnabled) {
      try {
        const deleted = this.storage.runCommand(() => expireDocuments(this.storage, Date.now()));
        this.storage.commitGroup();
        if (deleted > 0) this.logger.debug?.({ deleted }, 'devdb TTL monitor deleted expired documents');
      } catch (err) {
        this.logger.error({ err }, 'devdb TTL monitor pass failed');
      }
    }
    this.schedule();
  }
}
