import { usageError, wholeNumber } from './cli/usage.js';
import { type MethodTiers, slackMethodTiers } from './http/abuse/method-limiter.js';

/**
 * `latchkey serve` settings, parsed once: flags win over environment variables, which win over the
 * defaults. Every flag has a variable; the README's configuration table lists them all.
 */
export interface ServeConfig {
  readonly port: number;
  readonly host: string;
  readonly database: string;
  /** Connections each process keeps to PostgreSQL at most (ignored for SQLite). */
  readonly databasePool: number;
  /** The public URL of this server, for the links it prints; by default the address it listens on. */
  readonly baseUrl: string | undefined;
  readonly bodyTimeoutSeconds: number;
  readonly bodyLimitBytes: number;
  readonly codeTtlSeconds: number;
  readonly tokenExpirySeconds: number;
  readonly refreshGraceSeconds: number;
  readonly demo: boolean;
  /** `--insecure-auto-approve`: every authorize request is approved at once for this person. */
  readonly autoApproveUserId: string | undefined;
  /** `--insecure-test-controls`: faults and the clock over HTTP, behind an admin token. */
  readonly testControls: boolean;
  readonly logLevel: string;
  /** Key of the credential hashes; when unset, one is made and kept in the database. */
  readonly secretKey: string | undefined;
  /** Redis for rate limits shared by every process; when unset, each process counts its own. */
  readonly redis: string | undefined;
  readonly redisPrefix: string;
  /** Take the source address from X-Forwarded-For, as set by a load balancer in front. */
  readonly trustProxy: boolean;
  /** Calls per minute per method (and app and workspace); a method absent here is not limited. */
  readonly rateLimits: MethodTiers;
  /** Client-authentication failures allowed per minute, per client id and per source address. */
  readonly clientAuthFailures: number;
}

/** Flag name, environment variable and default of each setting. */
export const serveSettings = {
  port: { env: 'LATCHKEY_PORT', default: '3000' },
  host: { env: 'LATCHKEY_HOST', default: '127.0.0.1' },
  database: { env: 'LATCHKEY_DATABASE', default: './latchkey.db' },
  'database-pool': { env: 'LATCHKEY_DATABASE_POOL', default: '10' },
  'base-url': { env: 'LATCHKEY_BASE_URL', default: undefined },
  'body-timeout': { env: 'LATCHKEY_BODY_TIMEOUT', default: '10' },
  'body-limit': { env: 'LATCHKEY_BODY_LIMIT', default: '65536' },
  'code-ttl': { env: 'LATCHKEY_CODE_TTL', default: '600' },
  'token-expiry': { env: 'LATCHKEY_TOKEN_EXPIRY', default: '43200' },
  'refresh-grace': { env: 'LATCHKEY_REFRESH_GRACE', default: '0' },
  demo: { env: 'LATCHKEY_DEMO', default: 'false' },
  'insecure-auto-approve': { env: 'LATCHKEY_INSECURE_AUTO_APPROVE', default: undefined },
  'insecure-test-controls': { env: 'LATCHKEY_INSECURE_TEST_CONTROLS', default: 'false' },
  'log-level': { env: 'LATCHKEY_LOG_LEVEL', default: 'info' },
  'secret-key': { env: 'LATCHKEY_SECRET_KEY', default: undefined },
  redis: { env: 'LATCHKEY_REDIS', default: undefined },
  'redis-prefix': { env: 'LATCHKEY_REDIS_PREFIX', default: 'latchkey:' },
  'trust-proxy': { env: 'LATCHKEY_TRUST_PROXY', default: 'false' },
  'rate-limits': { env: 'LATCHKEY_RATE_LIMITS', default: undefined },
  'client-auth-failures': { env: 'LATCHKEY_CLIENT_AUTH_FAILURES', default: '10' },
} as const satisfies Record<string, { env: string; default: string | undefined }>;

export type ServeFlag = keyof typeof serveSettings;
type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function parseServeConfig(flags: Partial<Record<ServeFlag, string | boolean>>, env: Env): ServeConfig {
  const value = (flag: ServeFlag): string | undefined => {
    const given = flags[flag];
    if (given !== undefined) return String(given);
    return (
      env[serveSettings[flag].env] ??
      (flag === 'database' ? env.DATABASE_URL : undefined) ??
      serveSettings[flag].default
    );
  };
  const port = wholeNumber(value('port') as string, 'port', 0, 65535);
  const host = value('host') as string;
  const baseUrl = value('base-url');
  if (baseUrl !== undefined && !/^https?:\/\/[^/]+/.test(baseUrl)) {
    usageError('base-url', `an http:// or https:// URL (got '${baseUrl}')`);
  }
  const logLevel = value('log-level') as string;
  if (!LOG_LEVELS.includes(logLevel)) usageError('log-level', `one of ${LOG_LEVELS.join(', ')}`);
  const redis = value('redis');
  if (redis !== undefined && !/^rediss?:\/\/[^/]/.test(redis)) {
    usageError('redis', `a redis:// or rediss:// URL (got '${redis}')`);
  }
  return Object.freeze({
    port,
    host,
    database: value('database') as string,
    databasePool: wholeNumber(value('database-pool') as string, 'database-pool', 1, 1000),
    baseUrl: baseUrl?.replace(/\/+$/, ''),
    bodyTimeoutSeconds: wholeNumber(value('body-timeout') as string, 'body-timeout', 1, 3600),
    bodyLimitBytes: wholeNumber(value('body-limit') as string, 'body-limit', 1024, 64 * 1024 * 1024),
    codeTtlSeconds: wholeNumber(value('code-ttl') as string, 'code-ttl', 1, 86400),
    tokenExpirySeconds: wholeNumber(value('token-expiry') as string, 'token-expiry', 1, 31536000),
    refreshGraceSeconds: wholeNumber(value('refresh-grace') as string, 'refresh-grace', 0, 86400),
    demo: parseBoolean(value('demo') as string, 'demo'),
    autoApproveUserId: autoApproveUser(value('insecure-auto-approve')),
    testControls: parseBoolean(value('insecure-test-controls') as string, 'insecure-test-controls'),
    logLevel,
    secretKey: value('secret-key'),
    redis,
    redisPrefix: value('redis-prefix') as string,
    trustProxy: parseBoolean(value('trust-proxy') as string, 'trust-proxy'),
    rateLimits: parseRateLimits(value('rate-limits')),
    clientAuthFailures: wholeNumber(
      value('client-auth-failures') as string,
      'client-auth-failures',
      1,
      1000000,
    ),
  });
}

function autoApproveUser(userId: string | undefined): string | undefined {
  if (userId !== undefined && !/^U[A-Z0-9]+$/.test(userId)) {
    usageError('insecure-auto-approve', `a user id such as U0123456789 (got '${userId}')`);
  }
  return userId;
}

const METHOD_NAME = /^[a-z]+(\.[a-zA-Z]+)+$/;
const RATE_LIMITS_EXPECTED = "'off' or a list such as oauth.access=100,auth.test=off (calls per minute)";

/** `--rate-limits`: Slack's tiers amended by `method=N` (per minute) or `method=off`; `off` for none. */
function parseRateLimits(text: string | undefined): MethodTiers {
  if (text === undefined) return slackMethodTiers;
  if (text.trim() === 'off') return Object.freeze({});
  const tiers: Record<string, number> = { ...slackMethodTiers };
  for (const item of text.split(',').map((entry) => entry.trim())) {
    const [method = '', limit = ''] = item.split('=', 2);
    if (!METHOD_NAME.test(method)) usageError('rate-limits', `${RATE_LIMITS_EXPECTED} (got '${item}')`);
    if (limit === 'off') delete tiers[method];
    else if (/^\d+$/.test(limit) && Number(limit) >= 1) tiers[method] = Number(limit);
    else usageError('rate-limits', `${RATE_LIMITS_EXPECTED} (got '${item}')`);
  }
  return Object.freeze(tiers);
}

function parseBoolean(text: string, flag: string): boolean {
  if (['true', '1', 'yes'].includes(text.toLowerCase())) return true;
  if (['false', '0', 'no', ''].includes(text.toLowerCase())) return false;
  return usageError(flag, `true or false (got '${text}')`);
}
