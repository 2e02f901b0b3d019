// A prefecture staff account: who may use the staff API, with which role and on which départements.
import { z } from 'zod';
import { isDepartementCode } from '../../knowledge/parsers';

export const StaffRoleSchema = z.enum(['instructeur', 'admin']);
export type StaffRole = z.infer<typeof StaffRoleSchema>;

/** 16 hexadecimal characters: the public part of a key, shown by `npm run staff -- list`. */
export const StaffIdSchema = z.string().regex(/^[0-9a-f]{16}$/, { error: 'Identifiant de compte invalide (16 caractères hexadécimaux).' });

export const StaffAccountSchema = z
  .object({
    id: StaffIdSchema,
    name: z.string().trim().min(1, { error: 'Le nom est obligatoire.' }).max(200),
    role: StaffRoleSchema,
    /** An instructeur's départements; empty for an admin, who sees every département. */
    departements: z.array(z.string().refine(isDepartementCode, { error: 'Code de département invalide (par exemple 69, 2A ou 974).' })).max(120),
    /** The e-mail an OIDC sign-in is mapped by; lower-case. */
    email: z.email({ error: 'Adresse électronique invalide.' }).toLowerCase().optional(),
    /** scrypt(secret, salt), both base64. */
    keySalt: z.string().min(1),
    keyHash: z.string().min(1),
    /** SHA-256(salt, secret), base64: what a request's key is checked against (absent on accounts made before it). */
    keyDigest: z.string().min(1).optional(),
    /** scrypt(password, salt), both base64: the back-office sign-in (/instruction/). Absent until a password is set. */
    passwordSalt: z.string().min(1).optional(),
    passwordHash: z.string().min(1).optional(),
    createdAt: z.date(),
    lastUsedAt: z.date().optional(),
    revokedAt: z.date().optional(),
  })
  .refine((account) => account.role === 'admin' || account.departements.length > 0, {
    error: 'Un instructeur doit avoir au moins un département (--departements 69,01).',
    path: ['departements'],
  });
export type StaffAccount = z.infer<typeof StaffAccountSchema>;

/** What the rest of the API knows about an authenticated caller. */
export interface StaffPrincipal {
  id: string;
  name: string;
  role: StaffRole;
  /** Empty for an admin: every département. */
  departements: readonly string[];
  via: 'key' | 'oidc';
}

export function toPrincipal(account: StaffAccount, via: StaffPrincipal['via']): StaffPrincipal {
  return { id: account.id, name: account.name, role: account.role, departements: account.departements, via };
}

/** What a back-office password must be: long enough to resist guessing, short enough to hash quickly. */
export const PASSWORD_RULES = { min: 12, max: 200 } as const;
