/** Configuration comes from the environment only, read once at start-up; secrets are never defaulted or logged. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: string;
  label: string;
  /** Allow an http:// issuer (local testing only). */
  allowHttp: boolean;
}

export interface Config {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  /** `demo` (default) seeds the demo trust into an empty database; `none` skips it. */
  seed: 'demo' | 'none';
  cookieSecure: boolean;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  tokenTtlSeconds: number;
  lockoutThreshold: number;
  lockoutMinutes: number;
  signInRateLimitPerMinute: number;
  logLevel: string;
  webDist: string;
  oidc: OidcConfig | undefined;
  /** GOV.UK Notify API key: set, messages go through Notify; unset, they stay in the embedded outbox. Never logged. */
  notifyApiKey: string | undefined;
  /** GOV.UK Notify's base URL (a stand-in server for testing); unset, Notify's own. */
  notifyBaseUrl: string | undefined;
  /** Where letters are kept as PDF files (and print batches beside them). */
  lettersDir: string;
  /** Notify templates for SMS and email whose own template names none: each takes `((subject))` and `((body))`. */
  notifySmsTemplateId: string | undefined;
  notifyEmailTemplateId: string | undefined;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new ConfigError(`${name} must be a whole number of at least ${min}`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const seed = (env.PATHFLOW_SEED ?? 'demo').toLowerCase();
  if (seed !== 'demo' && seed !== 'none') throw new ConfigError('PATHFLOW_SEED must be "demo" or "none"');
  const issuer = env.PATHFLOW_OIDC_ISSUER;
  let oidc: OidcConfig | undefined;
  if (issuer) {
    const clientId = env.PATHFLOW_OIDC_CLIENT_ID;
    const redirectUri = env.PATHFLOW_OIDC_REDIRECT_URI;
    if (!clientId || !redirectUri) {
      throw new ConfigError(
        'PATHFLOW_OIDC_ISSUER needs PATHFLOW_OIDC_CLIENT_ID and PATHFLOW_OIDC_REDIRECT_URI',
      );
    }
    oidc = {
      issuer,
      clientId,
      clientSecret: env.PATHFLOW_OIDC_CLIENT_SECRET,
      redirectUri,
      label: env.PATHFLOW_OIDC_LABEL ?? 'Sign in with single sign-on',
      allowHttp: env.PATHFLOW_OIDC_ALLOW_HTTP === 'true',
    };
  }
  const dataDir = env.PATHFLOW_DATA_DIR ?? './.data';
  const lettersDir =
    env.PATHFLOW_LETTERS_DIR ||
    (dataDir.startsWith('memory://')
      ? join(tmpdir(), `pathflow-letters-${process.pid}`)
      : join(dataDir, 'letters'));
  const notifyApiKey = env.NOTIFY_API_KEY || undefined;
  // Notify keys end in <service id (36)>-<secret (36)>: refuse a malformed one at start-up, without echoing it.
  if (notifyApiKey !== undefined && notifyApiKey.length < 74)
    throw new ConfigError('NOTIFY_API_KEY is not a GOV.UK Notify API key (it is too short)');
  return {
    host: env.HOST ?? '127.0.0.1',
    port: int(env, 'PORT', 3000, 0),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    seed,
    cookieSecure: env.PATHFLOW_COOKIE_SECURE !== 'false',
    sessionIdleMinutes: int(env, 'PATHFLOW_SESSION_IDLE_MINUTES', 30),
    sessionMaxHours: int(env, 'PATHFLOW_SESSION_MAX_HOURS', 12),
    tokenTtlSeconds: int(env, 'PATHFLOW_TOKEN_TTL_SECONDS', 3600),
    lockoutThreshold: int(env, 'PATHFLOW_LOCKOUT_THRESHOLD', 5),
    lockoutMinutes: int(env, 'PATHFLOW_LOCKOUT_MINUTES', 15),
    signInRateLimitPerMinute: int(env, 'PATHFLOW_SIGN_IN_RATE_LIMIT', 20),
    logLevel: env.LOG_LEVEL ?? 'info',
    webDist: env.PATHFLOW_WEB_DIST ?? fileURLToPath(new URL('../../web/dist', import.meta.url)),
    oidc,
    notifyApiKey,
    notifyBaseUrl: env.NOTIFY_BASE_URL || undefined,
    lettersDir,
    notifySmsTemplateId: env.NOTIFY_SMS_TEMPLATE_ID || undefined,
    notifyEmailTemplateId: env.NOTIFY_EMAIL_TEMPLATE_ID || undefined,
  };
}
