import { fail } from '../errors.js';
import type { App, TokenView } from '../storage/store.js';
import { authenticateClient, type ClientCredentials } from './client-auth.js';
import type { Domain } from './context.js';
import { mintRotatingToken, pairOf } from './minting.js';
import type { RotatedGrant } from './rotation.js';
import { findToken } from './tokens.js';
import { workspaceOf } from './workspaces.js';

/**
 * `oauth.v2.exchange`: turns a long-lived token of an app that has since turned token rotation on into
 * a rotating pair, once per token.
 *
 * Where the old token stands afterwards follows Slack's guide "Using token rotation": "After you
 * refresh your short-lived credentials for the first time, we'll expire your original long-lived
 * access token", and it warns against revoking it by hand. So the old token keeps working after the
 * exchange, and expires (answers `token_expired`) at the first refresh of the new chain: an app whose
 * exchange answer was lost, or whose rollout is half done, keeps working until it has proven that it
 * can refresh. The new pair joins the old token's family, so replay detection on the new chain
 * revokes the old token with the rest of the install.
 */

export interface LongLivedExchangeRequest extends ClientCredentials {
  readonly token?: string | undefined;
}

export async function exchangeLongLivedToken(
  domain: Domain,
  request: LongLivedExchangeRequest,
): Promise<RotatedGrant> {
  const app = await authenticateClient(domain, request);
  requireTokenRotation(app);
  const original = await findExchangeableToken(domain, app, request.token);
  return issueRotatingPair(domain, app, original);
}

function requireTokenRotation(app: App): void {
  if (!app.tokenRotation) fail('token_rotation_not_enabled', `app ${app.id} has token rotation off`);
}

/** A granular (v2) long-lived token of this app: what Slack calls "the legacy token". */
async function findExchangeableToken(
  domain: Domain,
  app: App,
  token: string | undefined,
): Promise<TokenView> {
  if (!token) fail('invalid_token', 'no token');
  // Latchkey mints every rotating access token with this prefix; such a token has nothing to exchange.
  if (token.startsWith('xoxe.')) fail('invalid_token', 'already a rotating token');
  const record = await findToken(domain, token);
  if (!record) fail('invalid_token', 'unknown token');
  if (record.appId !== app.id) fail('invalid_token', `token of another app, presented by ${app.id}`);
  const code = record.codeHash === null ? undefined : await domain.store.findCode(record.codeHash);
  if (code?.version !== 2)
    fail('invalid_token', 'a classic (oauth.access) token; only granular tokens rotate');
  return record;
}

async function issueRotatingPair(domain: Domain, app: App, original: TokenView): Promise<RotatedGrant> {
  const next = mintRotatingToken(domain, original.kind);
  const outcome = await domain.store.exchangeLongLivedToken(original.hash, domain.clock.now(), pairOf(next));
  if (outcome.status === 'already_exchanged') fail('token_already_exchanged', `token of ${app.id}`);
  if (outcome.status === 'revoked') fail('authorization_not_found', `revoked token of ${app.id}`);
  return {
    kind: original.kind,
    appId: app.id,
    workspace: await workspaceOf(domain, original.teamId),
    userId: original.userId,
    scopes: original.scopes,
    accessToken: next.value,
    refreshToken: next.refresh.value,
    expiresIn: domain.settings.tokenExpirySeconds,
  };
}
