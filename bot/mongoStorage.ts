// Bot Framework state storage on MongoDB, with the eTag rules of botbuilder's own MemoryStorage.
import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Collection, Connection } from 'mongoose';

interface StateDocument {
  _id: string;
  eTag: string;
  /** The item as JSON text: state keys may start with `$` or contain dots, which MongoDB field names refuse. */
  data: string;
  updatedAt: Date;
}

/** A write whose eTag no longer matches what is stored: somebody else wrote in between. */
export class StorageConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'StorageConflictError';
  }
}

const DUPLICATE_KEY = 11000;

export class MongoStorage implements Storage {
  private readonly collection: Collection<StateDocument>;

  constructor(connection: Connection, collectionName = 'botstate') {
    this.collection = connection.collection<StateDocument>(collectionName);
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    if (keys.length === 0) return {};
    const documents = await this.collection.find({ _id: { $in: keys } }).toArray();
    const items: StoreItems = {};
    for (const document of documents) {
      items[document._id] = { ...JSON.parse(document.data), eTag: document.eTag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    // One key after the other, as MemoryStorage does: a conflict on one key rejects the whole call.
    for (const [key, item] of Object.entries(changes)) {
      await this.writeOne(key, item as Record<string, unknown>);
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    if (keys.length === 0) return;
    await this.collection.deleteMany({ _id: { $in: keys } });
  }

  private async writeOne(key: string, item: Record<string, unknown>): Promise<void> {
    const { eTag, ...rest } = item;
    const next = { eTag: randomUUID(), data: JSON.stringify(rest), updatedAt: new Date() };
    if (eTag === undefined || eTag === null || eTag === '' || eTag === '*') {
      await this.collection.replaceOne({ _id: key }, next, { upsert: true });
      return;
    }
    const replaced = await this.collection.replaceOne({ _id: key, eTag: String(eTag) }, next);
    if (replaced.matchedCount === 1) return;
    // No document with that eTag: either the key is new (MemoryStorage then creates it) or it was
    // written since: the insert tells the two apart atomically through the unique _id.
    try {
      await this.collection.insertOne({ _id: key, ...next });
    } catch (error) {
      if (isDuplicateKey(error)) throw new StorageConflictError(key);
      throw error;
    }
  }
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY;
}
