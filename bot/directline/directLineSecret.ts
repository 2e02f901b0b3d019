// The key that signs Direct Line tokens: from config, else generated once and kept in the database.
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';

interface SettingDocument {
  _id: string;
  value: string;
  createdAt: Date;
}

const SETTINGS_COLLECTION = 'settings';
const SECRET_ID = 'directline-secret';
const DUPLICATE_KEY = 11000;

/**
 * Returns the configured secret, or the one stored in the database, generating and storing it on
 * first use. Kept in the database (not in memory) so tokens survive a restart and every instance
 * on the same database signs with the same key; the insert on a fixed `_id` lets two instances
 * starting at once agree on one secret.
 */
export async function resolveDirectLineSecret(configured: string | undefined, connection: Connection): Promise<string> {
  if (configured !== undefined) return configured;
  const settings = connection.collection<SettingDocument>(SETTINGS_COLLECTION);
  const stored = await settings.findOne({ _id: SECRET_ID });
  if (stored) return stored.value;

  const generated = randomBytes(32).toString('base64url');
  try {
    await settings.insertOne({ _id: SECRET_ID, value: generated, createdAt: new Date() });
    return generated;
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== DUPLICATE_KEY) throw error;
  }
  // Another instance stored its secret between our read and our insert: use that one.
  const winner = await settings.findOne({ _id: SECRET_ID });
  if (!winner) throw new Error('The Direct Line secret vanished right after another instance stored it.');
  return winner.value;
}
