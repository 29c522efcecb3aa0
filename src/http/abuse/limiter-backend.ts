import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';

/**
 * Where the counters of every rate limit live. In memory by default: one process, one set of
 * counters. With Redis, every process counts in the same place, so a limit holds across all the
 * nodes behind a load balancer (spec §6).
 */
export interface LimiterBackend {
  /** A limiter allowing `points` per window of `durationSeconds`; `name` keeps its keys apart. */
  limiter(name: string, points: number, durationSeconds: number): RateLimiterAbstract;
  close(): Promise<void>;
}

/**
 * `skippedMs` is how far a test moved the clock ahead (the programmatic API, test controls): every
 * whole window skipped opens a fresh window, as waiting that long would have.
 */
export function memoryBackend(skippedMs: () => number = () => 0): LimiterBackend {
  return {
    limiter: (name, points, duration) =>
      followSkippedTime(new RateLimiterMemory({ keyPrefix: name, points, duration }), () =>
        Math.floor(skippedMs() / (duration * 1000)),
      ),
    close: async () => undefined,
  };
}

// rate-limiter-flexible counts by its own Date.now(); a skip ahead is followed by moving every key
// into the window generation the skipped time has reached, leaving the old counters to expire.
const KEYED_METHODS = new Set(['consume', 'penalty', 'reward', 'get', 'set', 'block', 'delete']);

function followSkippedTime(limiter: RateLimiterMemory, generation: () => number): RateLimiterAbstract {
  return new Proxy(limiter, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !KEYED_METHODS.has(String(property))) return value;
      return (key: string | number, ...rest: unknown[]) => {
        const current = generation();
        return value.call(target, current === 0 ? key : `${current}~${key}`, ...rest);
      };
    },
  });
}

export interface RedisBackendOptions {
  readonly url: string;
  /** Prefix of every key, so that several deployments can share one Redis. */
  readonly keyPrefix: string;
  readonly log: Logger;
  /** A command slower than this counts as Redis being unavailable for that call. */
  readonly commandTimeoutMs?: number;
}

/**
 * Counters in Redis, each limiter insured by an in-memory twin: while Redis cannot answer, a call is
 * counted locally at once (never queued, never waiting for a reconnect), so a Redis outage costs
 * only the sharing of the limits, not the service. The outage and the return are one log line each.
 */
export function redisBackend(options: RedisBackendOptions): LimiterBackend {
  const redis = new Redis(options.url, {
    // Never hold a call back for Redis: fail at once and let the insurance limiter answer.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: 2000,
    // Keep trying to come back, at most every 2 s, for as long as the process runs.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
  });
  const watch = watchAvailability(redis, options.log);
  return {
    limiter: (name, points, duration) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${options.keyPrefix}${name}`,
        points,
        duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points, duration }),
      }),
    close: async () => {
      watch.stop();
      redis.disconnect();
    },
  };
}

/** One line when Redis becomes unreachable (however many reconnects fail), one when it is back. */
function watchAvailability(redis: Redis, log: Logger): { stop(): void } {
  let state: 'connecting' | 'shared' | 'local' | 'closed' = 'connecting';
  const lost = (reason: string) => {
    if (state === 'local' || state === 'closed') return;
    state = 'local';
    log.warn(
      { redis: 'unavailable', reason },
      'redis unavailable: rate limits are counted in this process only',
    );
  };
  redis.on('ready', () => {
    if (state === 'closed') return;
    if (state === 'local') log.info({ redis: 'available' }, 'redis available again: rate limits are shared');
    state = 'shared';
  });
  redis.on('error', (error: Error) => lost(error.message));
  redis.on('close', () => lost('connection closed'));
  return {
    stop: () => {
      state = 'closed';
    },
  };
}
