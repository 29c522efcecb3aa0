import { RateLimiterRes } from 'rate-limiter-flexible';
import { authenticateClient, claimedClientId } from '../../domain/client-auth.js';
import { ApiError, RateLimitedError } from '../../errors.js';
import { clientCredentials } from '../methods/client-auth.js';
import type { MethodContext } from '../methods/method.js';
import { presentedTokenRecord } from '../methods/token-auth.js';
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
 * (which has no workspace before its code is redeemed) from the bucket of its method for its client
 * id, once the client has authenticated. A call whose token is unknown, or whose client does not
 * authenticate, draws from none: it fails on its own, under the failure limits.
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

/**
 * Whose bucket a call draws from. A bucket per app and workspace needs to know which they are
 * before the method runs, so the token is looked up here; the method reuses that read
 * (`presentedTokenRecord`), so a token call still costs the database one read.
 */
function tokenSubjects(): (call: MethodContext) => Promise<string | undefined> {
  return async (call) => {
    const record = await presentedTokenRecord(call);
    if (record) return `app:${record.appId}:team:${record.teamId}`;
    const credentials = clientCredentials(call);
    const clientId = claimedClientId(credentials);
    if (!clientId) return undefined;
    // Only the app's own calls draw from its bucket. A client id is public (every authorize URL
    // carries it), so calls that fail client authentication would let anyone spend the app's calls
    // and keep it from its own token requests; the failure limiter counts those instead.
    try {
      await authenticateClient(call.domain, credentials);
    } catch (error) {
      if (error instanceof ApiError) return undefined;
      throw error;
    }
    return `client:${clientId}`;
  };
}
