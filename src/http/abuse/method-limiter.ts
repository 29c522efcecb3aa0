import { RateLimiterRes } from 'rate-limiter-flexible';
import { claimedClientId } from '../../domain/client-auth.js';
import { RateLimitedError } from '../../errors.js';
import { clientCredentials } from '../methods/client-auth.js';
import type { MethodContext } from '../methods/method.js';
import { presentedToken } from '../methods/token-auth.js';
import { type LimiterBackend, memoryBackend } from './limiter-backend.js';
import { retryAfterSeconds } from './retry-after.js';

/** Calls allowed per minute, by method name; a method not named is not limited. */
export type MethodTiers = Readonly<Record<string, number>>;

/** Slack's tiers (spec §6), the defaults that `--rate-limits` amends. */
export const slackMethodTiers: MethodTiers = Object.freeze({
  'oauth.access': 100, // Tier 4
  'oauth.v2.access': 600,
  'auth.revoke': 50, // Tier 3
  'auth.test': 600, // "several hundred per minute"
});

/**
 * Per method, per app and per workspace buckets, as Slack counts (spec §6): a call with a token
 * draws from the bucket of its method for the token's app in the token's workspace; a token request
 * (which has no workspace before its code is redeemed) from the bucket of its method for the client
 * id it claims. A call whose token or client id is unknown draws from none: it fails on its own.
 */
export interface MethodLimiter {
  /** Counts the call; throws RateLimitedError when its bucket is empty. */
  admit(method: string, call: MethodContext): Promise<void>;
}

export function createMethodLimiter(
  tiers: MethodTiers = slackMethodTiers,
  backend: LimiterBackend = memoryBackend(),
): MethodLimiter {
  const subjectOf = tokenSubjects();
  const limiters = new Map(
    Object.entries(tiers).map(([method, perMinute]) => [
      method,
      { perMinute, limiter: backend.limiter(`method:${method}:`, perMinute, 60) },
    ]),
  );
  return {
    async admit(method, call) {
      const tier = limiters.get(method);
      if (!tier) return;
      const subject = await subjectOf(call);
      if (subject === undefined) return;
      try {
        await tier.limiter.consume(subject);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        throw new RateLimitedError(
          retryAfterSeconds(rejection.msBeforeNext),
          `${method} over ${tier.perMinute} calls per minute for ${subject}`,
        );
      }
    },
  };
}

/** Token hashes whose bucket this process remembers; beyond this the oldest is forgotten. */
const REMEMBERED_TOKENS = 10_000;

/**
 * Whose bucket a call draws from. A bucket per app and workspace needs to know which they are
 * before the method runs, so a token is looked up here too. A token's app and workspace never
 * change, so the answer is remembered: a busy token costs the database one read per call, not two
 * (revocation and expiry are still checked by the method, on every call).
 */
function tokenSubjects(): (call: MethodContext) => Promise<string | undefined> {
  const remembered = new Map<string, string>();
  return async (call) => {
    const token = presentedToken(call);
    if (token) {
      const hash = call.domain.hasher.hash(token);
      const known = remembered.get(hash);
      if (known !== undefined) return known;
      const record = await call.domain.store.findToken(hash);
      if (record) {
        const subject = `app:${record.appId}:team:${record.teamId}`;
        if (remembered.size >= REMEMBERED_TOKENS) remembered.delete(remembered.keys().next().value as string);
        remembered.set(hash, subject);
        return subject;
      }
    }
    const clientId = claimedClientId(clientCredentials(call));
    return clientId ? `client:${clientId}` : undefined;
  };
}
