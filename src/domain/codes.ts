import type { App, FlowVersion } from '../storage/store.js';
import type { Domain } from './context.js';
import { invalidInput } from './invalid-input.js';
import { findRegisteredMatch } from './redirect-uri.js';
import { scopesOutsideApp } from './scopes.js';
import { newCode } from './secrets.js';

/** What a person approved; a code binds all of it (spec §4.3). */
export interface Approval {
  readonly app: App;
  readonly userId: string;
  /** v1: the user's scopes; v2: the bot scopes. */
  readonly scopes: readonly string[];
  /** v2 only: the user's scopes. */
  readonly userScopes?: readonly string[];
  /** The redirect_uri the authorize request carried, or null when it carried none. */
  readonly redirectUri: string | null;
  readonly version: FlowVersion;
  readonly codeChallenge?: string | null;
  readonly codeChallengeMethod?: 'S256' | 'plain' | null;
  readonly ttlSeconds?: number;
}

export interface IssuedCode {
  readonly code: string;
  readonly expiresIn: number;
}

/**
 * Issues a code exactly as if the user had approved the app: the authorize step calls this after
 * consent, and `codes mint` calls it so that a Slack app's tests can skip the browser.
 */
export async function issueCode(domain: Domain, approval: Approval): Promise<IssuedCode> {
  const user = await domain.store.getUser(approval.userId);
  if (!user || user.isBot) invalidInput('userId', `an existing user id ('${approval.userId}' is unknown)`);
  const userScopes = approval.userScopes ?? [];
  if (approval.version === 1 && approval.scopes.length === 0) invalidInput('scopes', 'at least one scope');
  if (approval.version === 2 && approval.scopes.length + userScopes.length === 0) {
    invalidInput('scopes', 'at least one bot or user scope');
  }
  const outside = scopesOutsideApp(approval.app.scopes, [...approval.scopes, ...userScopes]);
  if (outside.length > 0)
    invalidInput('scopes', `scopes the app registered ('${outside.join(',')}' not among them)`);
  if (
    approval.redirectUri !== null &&
    !findRegisteredMatch(approval.app.redirectUris, approval.redirectUri)
  ) {
    invalidInput('redirectUri', `a URI matching one the app registered ('${approval.redirectUri}' does not)`);
  }
  const ttlSeconds = approval.ttlSeconds ?? domain.settings.codeTtlSeconds;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1)
    invalidInput('ttlSeconds', 'a whole number of seconds, 1 or more');

  const code = newCode();
  await domain.store.insertCode({
    hash: domain.hasher.hash(code),
    appId: approval.app.id,
    teamId: user.teamId,
    userId: user.id,
    scopes: [...approval.scopes],
    userScopes: [...userScopes],
    redirectUri: approval.redirectUri,
    version: approval.version,
    codeChallenge: approval.codeChallenge ?? null,
    codeChallengeMethod: approval.codeChallenge ? (approval.codeChallengeMethod ?? 'S256') : null,
    expiresAt: domain.clock.now() + ttlSeconds * 1000,
    usedAt: null,
  });
  return { code, expiresIn: ttlSeconds };
}
