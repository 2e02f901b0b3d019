// How staff accounts are stored in MongoDB; the zod schema stays the source of truth for their shape.
import { Schema, type Connection, type Model } from 'mongoose';
import type { StaffAccount } from './staffSchema';

const STAFF_MODEL = 'StaffAccount';

type StoredStaffAccount = Omit<StaffAccount, 'id'> & { _id: string };

const staffSchema = new Schema<StoredStaffAccount>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, enum: ['instructeur', 'admin'], required: true },
    departements: { type: [String], default: [] },
    email: String,
    keySalt: { type: String, required: true },
    keyHash: { type: String, required: true },
    keyDigest: String,
    passwordSalt: String,
    passwordHash: String,
    createdAt: { type: Date, required: true },
    lastUsedAt: Date,
    revokedAt: Date,
  },
  { collection: 'staff_accounts', versionKey: false, timestamps: false, id: false },
);

// OIDC sign-ins find their account by e-mail.
staffSchema.index({ email: 1 });

export function staffModel(connection: Connection): Model<StoredStaffAccount> {
  return connection.modelNames().includes(STAFF_MODEL)
    ? connection.model<StoredStaffAccount>(STAFF_MODEL)
    : connection.model<StoredStaffAccount>(STAFF_MODEL, staffSchema);
}
