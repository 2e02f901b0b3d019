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
  /** Seconds between two scans of the files held « en attente d'analyse »; 0 turns the timer off. */
  ATTACHMENT_RESCAN_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).optional(),
};

const AttachmentsEnvSchema = z.object(ATTACHMENTS_ENV);
type AttachmentsEnv = z.infer<typeof AttachmentsEnvSchema>;

export interface AttachmentsConfig {
  limits: { maxFileBytes: number; maxDossierBytes: number };
  /**
   * Unset: files are accepted unscanned (marked so). `rescanIntervalMs`: how often the server scans
   * again the files held while clamd was unreachable (absent or 0: no timer).
   */
  clamd: { address: ClamdAddress; timeoutMs: number; rescanIntervalMs?: number } | undefined;
}

const MB = 1024 * 1024;
/** Every five minutes, unless set; tests (NODE_ENV=test) run no timer unless they set it. */
const DEFAULT_RESCAN_INTERVAL_SECONDS = 300;

export function attachmentsConfigFrom(env: AttachmentsEnv & { NODE_ENV?: string }): AttachmentsConfig {
  const address: ClamdAddress | undefined = env.CLAMD_SOCKET ? { socket: env.CLAMD_SOCKET } : env.CLAMD_HOST ? { host: env.CLAMD_HOST, port: env.CLAMD_PORT } : undefined;
  const rescanSeconds = env.ATTACHMENT_RESCAN_INTERVAL_SECONDS ?? (env.NODE_ENV === 'test' ? 0 : DEFAULT_RESCAN_INTERVAL_SECONDS);
  return {
    limits: { maxFileBytes: Math.round(env.ATTACHMENT_MAX_FILE_MB * MB), maxDossierBytes: Math.round(Math.max(env.ATTACHMENT_MAX_DOSSIER_MB, env.ATTACHMENT_MAX_FILE_MB) * MB) },
    clamd: address ? { address, timeoutMs: env.CLAMD_TIMEOUT_MS, ...(rescanSeconds > 0 ? { rescanIntervalMs: rescanSeconds * 1000 } : {}) } : undefined,
  };
}

/** The defaults, for compositions built without a configuration (tests). */
export const DEFAULT_ATTACHMENTS_CONFIG: AttachmentsConfig = attachmentsConfigFrom(AttachmentsEnvSchema.parse({}));
