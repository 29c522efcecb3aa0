import { fail } from '../errors.js';
import type { App, RefreshToken, RotationOutcome, TokenKind, Workspace } from '../storage/store.js';
import { authenticateClient, type ClientCredentials } from './client-auth.js';
import type { Domain } from './context.js';
import { mintRotatingToken, pairOf } from './minting.js';
import { workspaceOf } from './workspaces.js';

/**
 * `oauth.v2.access` with `grant_type=refresh_token` (spec §5.4): spend a refresh token for the next
 * access and refresh token of its chain. Every refresh token is single use. A spent one that comes
 * back means two parties hold it, so the whole family (every token of that install) is revoked, unless
 * it comes back inside the operator's grace window (a client's own retry, two racing workers): then
 * it is only refused. The store decides all of this in one atomic step, so of concurrent refreshes of
 * one token exactly one wins (test/rotation.test.ts).
 */

export interface RefreshRequest extends ClientCredentials {
  readonly refreshToken?: string | undefined;
}

/** A rotating access token as the refresh grant and `oauth.v2.exchange` answer it. */
export interface RotatedGrant {
  readonly kind: TokenKind;
  readonly appId: string;
  readonly workspace: Workspace;
  /** The person for a user token, the bot user for a bot token. */
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
}

export async function refreshAccessToken(domain: Domain, request: RefreshRequest): Promise<RotatedGrant> {
  const app = await authenticateClient(domain, request);
  const record = await findRefreshToken(domain, app, request.refreshToken);
  return spendRefreshToken(domain, app, record);
}

/** The refresh token exists and belongs to this app; another app's is not spent by the failure. */
async function findRefreshToken(domain: Domain, app: App, token: string | undefined): Promise<RefreshToken> {
  if (!token) fail('invalid_refresh_token', 'no refresh token');
  const record = await domain.store.findRefreshToken(domain.hasher.hash(token));
  if (!record) fail('invalid_refresh_token', 'unknown refresh token');
  if (record.appId !== app.id)
    fail('invalid_refresh_token', `refresh token of another app, presented by ${app.id}`);
  return record;
}

async function spendRefreshToken(domain: Domain, app: App, record: RefreshToken): Promise<RotatedGrant> {
  const next = mintRotatingToken(domain, record.kind);
  const graceMs = domain.settings.refreshGraceSeconds * 1000;
  const outcome = await domain.store.rotateRefreshToken(
    record.hash,
    domain.clock.now(),
    graceMs,
    pairOf(next),
  );
  if (outcome.status !== 'rotated') fail('invalid_refresh_token', refusal(outcome, record.familyId));
  return {
    kind: record.kind,
    appId: app.id,
    workspace: await workspaceOf(domain, record.teamId),
    userId: record.userId,
    scopes: record.scopes,
    accessToken: next.value,
    refreshToken: next.refresh.value,
    expiresIn: domain.settings.tokenExpirySeconds,
  };
}

/** Why a refresh was refused, for the log. */
function refusal(outcome: Exclude<RotationOutcome, { status: 'rotated' }>, familyId: string): string {
  if (outcome.status === 'revoked') return `refresh token of revoked family ${familyId}`;
  if (outcome.status === 'reused_in_grace') {
    return `spent refresh token reused inside the grace window; family ${familyId} kept`;
  }
  return `spent refresh token replayed; family ${familyId} revoked (${outcome.revokedTokens} access token(s))`;
}
