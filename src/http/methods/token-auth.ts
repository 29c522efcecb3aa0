import { authenticateToken, requireScope } from '../../domain/tokens.js';
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

/**
 * Authenticates the call's token and records its scopes in `X-OAuth-Scopes` (and the method's in
 * `X-Accepted-OAuth-Scopes`) before checking them, so that a `missing_scope` answer carries both.
 */
export async function authenticateCall(
  context: MethodContext,
  acceptedScopes: readonly string[] = [],
): Promise<TokenView> {
  const token = await authenticateToken(context.domain, presentedToken(context));
  context.responseHeaders['x-oauth-scopes'] = token.scopes.join(',');
  if (acceptedScopes.length > 0) {
    context.responseHeaders['x-accepted-oauth-scopes'] = acceptedScopes.join(',');
    requireScope(token, acceptedScopes);
  }
  return token;
}
