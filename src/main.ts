import type { Logger } from 'pino';
import type { ServeConfig } from './config.js';
import { AdjustableClock, type Clock, systemClock } from './domain/clock.js';
import { createDomain, type Domain } from './domain/context.js';
import {
  createClientAuthLimiter,
  defaultSignInLimits,
  defaultUnknownTokenLimits,
} from './http/abuse/client-auth-limiter.js';
import { type LimiterBackend, memoryBackend, redisBackend } from './http/abuse/limiter-backend.js';
import { createMethodLimiter } from './http/abuse/method-limiter.js';
import { buildApp, type PageRoute } from './http/app.js';
import type { FaultPlan } from './http/faults.js';
import { listen } from './http/server.js';
import type { BodyLimits } from './http/web-api/read-body.js';
import { createLogger } from './logger.js';
import { openStore } from './storage/open-store.js';

export interface RunningLatchkey {
  readonly domain: Domain;
  /** The server's public URL: `--base-url`, or else the address it listens on (`http://127.0.0.1:3000`). */
  readonly baseUrl: string;
  readonly port: number;
  /** Drains in-flight requests, then closes the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly log?: Logger;
  readonly clock?: Clock;
  readonly faults?: FaultPlan;
  readonly extraRoutes?: readonly PageRoute[];
  /** Who is auto-approved, asked at each authorize request; by default `--insecure-auto-approve`. */
  readonly autoApproveUserId?: () => string | undefined;
}

/**
 * The composition root: open the store, build the domain and the app, listen. Everything is wired
 * here and only here; the parts receive what they need as arguments.
 */
export async function startLatchkey(
  config: ServeConfig,
  options: StartOptions = {},
): Promise<RunningLatchkey> {
  const log = options.log ?? createLogger(config.logLevel);
  const store = await openStore(config.database, { poolSize: config.databasePool });
  const limits = limiterBackend(config, log, options.clock);
  try {
    const domain = await createDomain({
      store,
      clock: options.clock ?? systemClock,
      secretKey: config.secretKey,
      settings: {
        codeTtlSeconds: config.codeTtlSeconds,
        tokenExpirySeconds: config.tokenExpirySeconds,
        refreshGraceSeconds: config.refreshGraceSeconds,
      },
    });
    const app = buildApp({
      domain,
      log,
      clientAuthLimiter: createClientAuthLimiter(
        { maxFailures: config.clientAuthFailures, windowSeconds: 60 },
        limits,
      ),
      unknownTokenLimiter: createClientAuthLimiter(defaultUnknownTokenLimits, limits, 'unknown-token'),
      methodLimiter: createMethodLimiter(config.rateLimits, limits),
      signInLimiter: createClientAuthLimiter(defaultSignInLimits, limits, 'sign-in'),
      settings: {
        bodyLimits: bodyLimitsOf(config),
        trustProxy: config.trustProxy,
        secureCookies: config.baseUrl?.startsWith('https:') ?? false,
        autoApproveUserId: options.autoApproveUserId ?? (() => config.autoApproveUserId),
      },
      ...(options.faults && { faults: options.faults }),
      extraRoutes: options.extraRoutes ?? [],
    });
    const server = await listen(app, {
      port: config.port,
      host: config.host,
      bodyTimeoutMs: bodyLimitsOf(config).timeoutMs,
    });
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      domain,
      baseUrl: config.baseUrl ?? `http://${host}:${server.port}`,
      port: server.port,
      async close() {
        await server.close();
        await limits.close();
        await store.close();
      },
    };
  } catch (error) {
    await limits.close();
    await store.close();
    throw error;
  }
}

/** Rate-limit counters in Redis when `--redis` is set, so that all processes share them. */
function limiterBackend(config: ServeConfig, log: Logger, clock: Clock | undefined): LimiterBackend {
  if (config.redis === undefined) {
    return clock instanceof AdjustableClock ? memoryBackend(() => clock.skippedMs()) : memoryBackend();
  }
  return redisBackend({ url: config.redis, keyPrefix: config.redisPrefix, log });
}

export function bodyLimitsOf(config: ServeConfig): BodyLimits {
  return { timeoutMs: config.bodyTimeoutSeconds * 1000, maxBytes: config.bodyLimitBytes };
}
