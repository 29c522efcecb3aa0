import { RateLimitedError } from '../../errors.js';
import { type LimiterBackend, memoryBackend } from './limiter-backend.js';
import { retryAfterSeconds } from './retry-after.js';

/**
 * Limits client-authentication failures per client id and per source address (spec §2, §6): once a
 * key has failed `maxFailures` times in the window, every try with it is answered `ratelimited`, even
 * a right one, until the window ends. A locked-out client is free again after at most one window.
 * With a shared backend the failures are counted across every process.
 */
export interface ClientAuthLimiter {
  /** Throws RateLimitedError when any of the keys is locked out. */
  check(keys: readonly string[]): Promise<void>;
  /** Counts one failure against each key. */
  recordFailure(keys: readonly string[]): Promise<void>;
}

export interface ClientAuthLimits {
  readonly maxFailures: number;
  readonly windowSeconds: number;
}

export const defaultClientAuthLimits: ClientAuthLimits = Object.freeze({
  maxFailures: 10,
  windowSeconds: 60,
});

/**
 * Unknown tokens presented to protected methods, per source address: far more than any client sends
 * by mistake, far too few to guess one of 2^256 tokens. The same kind of limiter: once an address
 * has presented this many unknown tokens in the window, every token call from it is `ratelimited`,
 * a right token too, since letting that one through would tell which guess was right.
 */
export const defaultUnknownTokenLimits: ClientAuthLimits = Object.freeze({
  maxFailures: 100,
  windowSeconds: 60,
});

/** Failed sign-ins allowed per account and per address before a pause (spec §4.3). */
export const defaultSignInLimits: ClientAuthLimits = Object.freeze({
  maxFailures: 10,
  windowSeconds: 300,
});

export function createClientAuthLimiter(
  limits: ClientAuthLimits = defaultClientAuthLimits,
  backend: LimiterBackend = memoryBackend(),
  /** Keeps the keys of limiters sharing one backend apart (client auth, sign-in). */
  name = 'client-auth',
): ClientAuthLimiter {
  const limiter = backend.limiter(`${name}:`, limits.maxFailures, limits.windowSeconds);
  return {
    async check(keys) {
      for (const key of keys) {
        const state = await limiter.get(key);
        if (state && state.consumedPoints >= limits.maxFailures) {
          throw new RateLimitedError(retryAfterSeconds(state.msBeforeNext), `too many failures for ${key}`);
        }
      }
    },
    async recordFailure(keys) {
      await Promise.all(keys.map((key) => limiter.penalty(key, 1)));
    },
  };
}
