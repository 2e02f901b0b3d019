// The product's configuration: read from the environment once, at start-up, and validated with zod.
import { z } from 'zod';
import { version } from '../package.json';
import type { ProConnectSettings } from './auth/proConnect';
import { ATTACHMENTS_ENV, attachmentsConfigFrom, type AttachmentsConfig } from './attachments/attachmentsConfig';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Empty strings in a .env file mean "not set", as people write `MONGODB_URI=` to switch something off. */
const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    HOST: optionalString,
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
    MONGODB_URI: optionalString.pipe(
      z
        .string()
        .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
        .optional(),
    ),
    DATA_DIR: z.string().trim().min(1).default('.data'),
    DB_TIMEOUT_MS: positiveInt(5000),
    SHUTDOWN_TIMEOUT_MS: positiveInt(10000),
    DIRECTLINE_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters long').optional()),
    DIRECTLINE_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86400).default(3600),
    DIRECTLINE_CONVERSATIONS_PER_ADDRESS_PER_DAY: positiveInt(200),
    DIRECTLINE_CONVERSATIONS_PER_DAY: positiveInt(20_000),
    DIRECTLINE_EMPTY_CONVERSATION_HOURS: z.coerce.number().int().min(1).max(720).default(24),
    DIRECTLINE_ABANDONED_CONVERSATION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
    LLM_PROVIDER: optionalString.pipe(z.enum(['openai', 'azure_openai', 'mistralai', 'ollama']).optional()),
    LLM_MODEL: optionalString,
    LLM_API_KEY: optionalString,
    LLM_BASE_URL: optionalString.pipe(z.url().optional()),
    LLM_TEMPERATURE: z.coerce.number().min(0).max(2).optional(),
    LLM_TIMEOUT_MS: positiveInt(8000),
    AZURE_OPENAI_INSTANCE: optionalString,
    AZURE_OPENAI_DEPLOYMENT: optionalString,
    AZURE_OPENAI_API_VERSION: optionalString,
    PUBLIC_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://assistant.example.gouv.fr' }).optional()),
    TEAMS_APP_ID: optionalString.pipe(z.uuid({ error: 'must be a GUID (the Teams app id of your choice)' }).optional()),
    MicrosoftAppId: optionalString,
    MicrosoftAppPassword: optionalString,
    MicrosoftAppTenantId: optionalString,
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    BOT_ALLOW_UNAUTHENTICATED: optionalString.pipe(z.enum(['true', 'false']).optional()),
    STAFF_RATE_LIMIT_PER_IP: positiveInt(1200),
    FAQ_RATE_LIMIT_PER_IP: positiveInt(120),
    STAFF_RATE_LIMIT_PER_KEY: positiveInt(600),
    STAFF_EXPORTS_PER_KEY: positiveInt(2),
    OIDC_ISSUER: optionalString.pipe(z.url().optional()),
    OIDC_AUDIENCE: optionalString,
    OIDC_JWKS_URI: optionalString.pipe(z.url().optional()),
    OIDC_EMAIL_CLAIM: z.string().trim().min(1).default('email'),
    PROCONNECT_ISSUER: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    PROCONNECT_CLIENT_ID: optionalString,
    PROCONNECT_CLIENT_SECRET: optionalString,
    PROCONNECT_REDIRECT_URI: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    PROCONNECT_POST_LOGOUT_REDIRECT_URI: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    PROCONNECT_SCOPES: z.string().trim().min(1).default('openid email given_name usual_name'),
    WEBHOOK_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional()),
    WEBHOOK_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters long').optional()),
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
    SMTP_HOST: optionalString,
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
    SMTP_SECURE: z.enum(['true', 'false']).default('false'),
    SMTP_USER: optionalString,
    SMTP_PASSWORD: optionalString,
    SMTP_FROM: z.string().trim().default('Instruction Territoires d’intégration <no-reply@localhost>'),
    MAIL_DIGEST_HOUR: optionalString.pipe(z.string().regex(/^([01]?\d|2[0-3])$/, 'must be an hour from 0 to 23').transform(Number).optional()),
    DRAFT_RETENTION_DAYS: z.coerce.number().int().min(2).max(3650).default(180),
    DRAFT_RETENTION_WARNING_DAYS: z.coerce.number().int().min(1).max(365).default(7),
    ...ATTACHMENTS_ENV,
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.OIDC_ISSUER) !== Boolean(env.OIDC_AUDIENCE)) {
      const missing = env.OIDC_ISSUER ? 'OIDC_AUDIENCE' : 'OIDC_ISSUER';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'OIDC_ISSUER and OIDC_AUDIENCE are set together (or both left empty)' });
    }
    const proConnect = [env.PROCONNECT_ISSUER, env.PROCONNECT_CLIENT_ID, env.PROCONNECT_CLIENT_SECRET];
    if (proConnect.some(Boolean) && !proConnect.every(Boolean)) {
      const missing = env.PROCONNECT_ISSUER ? (env.PROCONNECT_CLIENT_ID ? 'PROCONNECT_CLIENT_SECRET' : 'PROCONNECT_CLIENT_ID') : 'PROCONNECT_ISSUER';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'PROCONNECT_ISSUER, PROCONNECT_CLIENT_ID and PROCONNECT_CLIENT_SECRET are set together (or all left empty)' });
    }
    if (env.PROCONNECT_ISSUER && !env.PROCONNECT_REDIRECT_URI && !env.PUBLIC_BASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['PROCONNECT_REDIRECT_URI'], message: 'is required with PROCONNECT_ISSUER when PUBLIC_BASE_URL is not set' });
    }
    if (env.DRAFT_RETENTION_WARNING_DAYS >= env.DRAFT_RETENTION_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['DRAFT_RETENTION_WARNING_DAYS'], message: 'must be smaller than DRAFT_RETENTION_DAYS (the warning comes before the deletion)' });
    }
    if (env.WEBHOOK_URL && !env.WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET'], message: 'is required when WEBHOOK_URL is set (every delivery is signed with it)' });
    }
    if (env.LLM_PROVIDER && !env.LLM_MODEL) {
      ctx.addIssue({ code: 'custom', path: ['LLM_MODEL'], message: 'is required when LLM_PROVIDER is set (e.g. gpt-4o-mini, mistral-small-latest, llama3.1)' });
    }
    if (env.MicrosoftAppId && !env.MicrosoftAppPassword && env.MicrosoftAppType !== 'UserAssignedMSI') {
      ctx.addIssue({
        code: 'custom',
        path: ['MicrosoftAppPassword'],
        message: 'is required when MicrosoftAppId is set (the bot cannot answer Azure without it)',
      });
    }
    if (env.BOT_ALLOW_UNAUTHENTICATED === 'true' && env.NODE_ENV === 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['BOT_ALLOW_UNAUTHENTICATED'],
        message: 'is a development switch and is refused when NODE_ENV=production (set MicrosoftAppId and MicrosoftAppPassword instead)',
      });
    }
    if (env.MicrosoftAppType === 'SingleTenant' && env.MicrosoftAppId && !env.MicrosoftAppTenantId) {
      ctx.addIssue({
        code: 'custom',
        path: ['MicrosoftAppTenantId'],
        message: 'is required when MicrosoftAppType is SingleTenant',
      });
    }
  });

type Env = z.infer<typeof EnvSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  version: string;
  http: { port: number; host: string | undefined; shutdownTimeoutMs: number };
  log: { level: Env['LOG_LEVEL']; format: Env['LOG_FORMAT'] };
  /** POST /api/faq: questions allowed per minute and per client IP. */
  faq: { perIpPerMinute: number };
  database: { uri: string | undefined; dataDir: string; timeoutMs: number };
  /**
   * The web widget's Direct Line: token signing and lifetime, caps on the conversations started in a
   * UTC day (per address and in all), and how long idle conversations are kept.
   */
  directLine: {
    secret: string | undefined;
    tokenTtlSeconds: number;
    conversationLimits: { perAddressPerDay: number; perDay: number };
    purge: { emptyHours: number; abandonedDays: number };
  };
  /** Drafts untouched for `retentionDays` are deleted, after a warning `warningDays` before. */
  retention: { retentionDays: number; warningDays: number };
  /** Documents attached to dossiers: size limits and the optional ClamAV daemon. */
  attachments: AttachmentsConfig;
  /** The optional chat model that writes FAQ answers from the retrieved passages; none by default. */
  llm:
    | {
        provider: 'openai' | 'azure_openai' | 'mistralai' | 'ollama';
        model: string;
        apiKey?: string;
        baseUrl?: string;
        temperature?: number;
        azure?: { instanceName?: string; deploymentName?: string; apiVersion?: string };
        timeoutMs: number;
      }
    | undefined;
  /** SMTP for e-mails to prefecture agents (new dossier, new message); off when SMTP_HOST is unset. */
  mail: { host: string; port: number; secure: boolean; user?: string; password?: string; from: string; digestHour?: number } | undefined;
  /** Where the service is published (links of the Teams manifest). */
  publicBaseUrl: string | undefined;
  /** ProConnect sign-in of the back-office; off when PROCONNECT_ISSUER is unset. */
  proConnect: ProConnectSettings | undefined;
  teams: { appId: string | undefined };
  bot: {
    appId: string | undefined;
    appPassword: string | undefined;
    appTenantId: string | undefined;
    appType: Env['MicrosoftAppType'];
    /** Development only: /api/messages accepts unauthenticated activities replying to this machine (the Emulator). */
    allowUnauthenticated: boolean;
  };
  /** The prefecture staff API: rate limits, optional OIDC sign-in, optional status-change webhook. */
  staffApi: {
    rateLimit: { perIpPerMinute: number; perKeyPerMinute: number };
    /** List exports one staff account may run at once. */
    exportsPerStaff: number;
    oidc: { issuer: string; audience: string; jwksUri: string | undefined; emailClaim: string } | undefined;
    webhook: { url: string; secret: string; maxAttempts: number } | undefined;
  };
}

/** Variables whose value may hold a credential: never echoed back in an error. */
const SECRET_LIKE = /PASSWORD|SECRET|KEY|URI/i;

/** Raised when the environment does not describe a valid configuration; its message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(environment: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(environment);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = issue.path.join('.') || '(environment)';
        const received = environment[variable];
        const shown = received === undefined || SECRET_LIKE.test(variable) ? '' : ` (got "${received}")`;
        return `${variable}: ${issue.message}${shown}`;
      }),
    );
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    version,
    http: { port: env.PORT, host: env.HOST, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS },
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    faq: { perIpPerMinute: env.FAQ_RATE_LIMIT_PER_IP },
    database: { uri: env.MONGODB_URI, dataDir: env.DATA_DIR, timeoutMs: env.DB_TIMEOUT_MS },
    directLine: {
      secret: env.DIRECTLINE_SECRET,
      tokenTtlSeconds: env.DIRECTLINE_TOKEN_TTL_SECONDS,
      conversationLimits: { perAddressPerDay: env.DIRECTLINE_CONVERSATIONS_PER_ADDRESS_PER_DAY, perDay: env.DIRECTLINE_CONVERSATIONS_PER_DAY },
      purge: { emptyHours: env.DIRECTLINE_EMPTY_CONVERSATION_HOURS, abandonedDays: env.DIRECTLINE_ABANDONED_CONVERSATION_DAYS },
    },
    retention: { retentionDays: env.DRAFT_RETENTION_DAYS, warningDays: env.DRAFT_RETENTION_WARNING_DAYS },
    attachments: attachmentsConfigFrom(env),
    llm:
      env.LLM_PROVIDER && env.LLM_MODEL
        ? {
            provider: env.LLM_PROVIDER,
            model: env.LLM_MODEL,
            ...(env.LLM_API_KEY ? { apiKey: env.LLM_API_KEY } : {}),
            ...(env.LLM_BASE_URL ? { baseUrl: env.LLM_BASE_URL } : {}),
            ...(env.LLM_TEMPERATURE === undefined ? {} : { temperature: env.LLM_TEMPERATURE }),
            ...(env.LLM_PROVIDER === 'azure_openai'
              ? { azure: { instanceName: env.AZURE_OPENAI_INSTANCE, deploymentName: env.AZURE_OPENAI_DEPLOYMENT, apiVersion: env.AZURE_OPENAI_API_VERSION } }
              : {}),
            timeoutMs: env.LLM_TIMEOUT_MS,
          }
        : undefined,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    proConnect: proConnectFrom(env),
    mail: env.SMTP_HOST
      ? {
          host: env.SMTP_HOST,
          port: env.SMTP_PORT,
          secure: env.SMTP_SECURE === 'true',
          ...(env.SMTP_USER ? { user: env.SMTP_USER } : {}),
          ...(env.SMTP_PASSWORD ? { password: env.SMTP_PASSWORD } : {}),
          from: env.SMTP_FROM,
          ...(env.MAIL_DIGEST_HOUR === undefined ? {} : { digestHour: env.MAIL_DIGEST_HOUR }),
        }
      : undefined,
    teams: { appId: env.TEAMS_APP_ID },
    bot: {
      appId: env.MicrosoftAppId,
      appPassword: env.MicrosoftAppPassword,
      appTenantId: env.MicrosoftAppTenantId,
      appType: env.MicrosoftAppType,
      allowUnauthenticated: !env.MicrosoftAppId && env.BOT_ALLOW_UNAUTHENTICATED === 'true',
    },
    staffApi: {
      rateLimit: { perIpPerMinute: env.STAFF_RATE_LIMIT_PER_IP, perKeyPerMinute: env.STAFF_RATE_LIMIT_PER_KEY },
      exportsPerStaff: env.STAFF_EXPORTS_PER_KEY,
      oidc:
        env.OIDC_ISSUER && env.OIDC_AUDIENCE
          ? { issuer: env.OIDC_ISSUER, audience: env.OIDC_AUDIENCE, jwksUri: env.OIDC_JWKS_URI, emailClaim: env.OIDC_EMAIL_CLAIM }
          : undefined,
      webhook: env.WEBHOOK_URL && env.WEBHOOK_SECRET ? { url: env.WEBHOOK_URL, secret: env.WEBHOOK_SECRET, maxAttempts: env.WEBHOOK_MAX_ATTEMPTS } : undefined,
    },
  };
}

function proConnectFrom(env: Env): ProConnectSettings | undefined {
  if (!env.PROCONNECT_ISSUER || !env.PROCONNECT_CLIENT_ID || !env.PROCONNECT_CLIENT_SECRET) return undefined;
  const base = env.PUBLIC_BASE_URL?.replace(/\/+$/, '');
  return {
    issuer: env.PROCONNECT_ISSUER,
    clientId: env.PROCONNECT_CLIENT_ID,
    clientSecret: env.PROCONNECT_CLIENT_SECRET,
    redirectUri: env.PROCONNECT_REDIRECT_URI ?? `${base ?? ''}/instruction/proconnect/retour`,
    ...(env.PROCONNECT_POST_LOGOUT_REDIRECT_URI ? { postLogoutRedirectUri: env.PROCONNECT_POST_LOGOUT_REDIRECT_URI } : {}),
    scopes: env.PROCONNECT_SCOPES,
  };
}
