// The attachments' settings (size limits, ClamAV daemon), read from the environment by api/config.ts.
import { z } from 'zod';
import type { ClamdAddress } from '../../dossiers/attachments/clamdScanner';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** The variables, merged into the configuration's one schema. */
export const ATTACHMENTS_ENV = {
  ATTACHMENT_MAX_FILE_MB: z.coerce.number().positive().max(200).default(20),
  ATTACHMENT_MAX_DOSSIER_MB: z.coerce.number().positive().max(2000).default(100),
  CLAMD_SOCKET: optionalString,
  CLAMD_HOST: optionalString,
  CLAMD_PORT: z.coerce.number().int().min(1).max(65535).default(3310),
  CLAMD_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
};

const AttachmentsEnvSchema = z.object(ATTACHMENTS_ENV);
type AttachmentsEnv = z.infer<typeof AttachmentsEnvSchema>;

export interface AttachmentsConfig {
  limits: { maxFileBytes: number; maxDossierBytes: number };
  /** Unset: files are accepted unscanned (marked so). */
  clamd: { address: ClamdAddress; timeoutMs: number } | undefined;
}

const MB = 1024 * 1024;

export function attachmentsConfigFrom(env: AttachmentsEnv): AttachmentsConfig {
  const address: ClamdAddress | undefined = env.CLAMD_SOCKET ? { socket: env.CLAMD_SOCKET } : env.CLAMD_HOST ? { host: env.CLAMD_HOST, port: env.CLAMD_PORT } : undefined;
  return {
    limits: { maxFileBytes: Math.round(env.ATTACHMENT_MAX_FILE_MB * MB), maxDossierBytes: Math.round(Math.max(env.ATTACHMENT_MAX_DOSSIER_MB, env.ATTACHMENT_MAX_FILE_MB) * MB) },
    clamd: address ? { address, timeoutMs: env.CLAMD_TIMEOUT_MS } : undefined,
  };
}

/** The defaults, for compositions built without a configuration (tests). */
export const DEFAULT_ATTACHMENTS_CONFIG: AttachmentsConfig = attachmentsConfigFrom(AttachmentsEnvSchema.parse({}));
