import { checkToken, findToken, requireScope } from '../../domain/tokens.js';
import { ApiError, fail } from '../../errors.js';
import type { TokenView } from '../../storage/store.js';
import type { MethodContext } from './method.js';

/**
 * The token a call presents (spec §1.5): `Authorization: Bearer` first, else the `token` argument
 * (body over query). Slack's Node SDK sends the header and the body together; the header wins.
 */
export function presentedToken(context: MethodContext): string | undefined {
  const header = context.headers.authorization;
  const match = header === undefined ? null : /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? context.args.token;
}

const lookups = new WeakMap<MethodContext, Promise<TokenView | undefined>>();

/**
 * The record of the token the call presents, read once per call: the method limiter needs the
 * token's app and workspace before the method runs, and the method then reuses the same read.
 */
export function presentedTokenRecord(context: MethodContext): Promise<TokenView | undefined> {
  let lookup = lookups.get(context);
  if (lookup === undefined) {
    const token = presentedToken(context);
    lookup = token ? findToken(context.domain, token) : Promise.resolve(undefined);
    lookups.set(context, lookup);
  }
  return lookup;
}

/**
 * Authenticates the call's token and records its scopes in `X-OAuth-Scopes` (and the method's in
 * `X-Accepted-OAuth-Scopes`) before checking them, so that a `missing_scope` answer carries both.
 * Unknown tokens count against the source address: past the limit, every token call from it is
 * `ratelimited`, so that tokens cannot be guessed at full speed (test/security/brute-force.test.ts).
 */
export async function authenticateCall(
  context: MethodContext,
  acceptedScopes: readonly string[] = [],
): Promise<TokenView> {
  const keys = [`token-addr:${context.remoteAddress}`];
  await context.unknownTokenLimiter.check(keys);
  if (!presentedToken(context)) fail('not_authed', 'no token');
  let token: TokenView;
  try {
    token = checkToken(context.domain, await presentedTokenRecord(context));
  } catch (error) {
    if (error instanceof ApiError && error.code === 'invalid_auth')
      await context.unknownTokenLimiter.recordFailure(keys);
    throw error;
  }
  context.responseHeaders['x-oauth-scopes'] = token.scopes.join(',');
  if (acceptedScopes.length > 0) {
    context.responseHeaders['x-accepted-oauth-scopes'] = acceptedScopes.join(',');
    requireScope(token, acceptedScopes);
  }
  return token;
}
