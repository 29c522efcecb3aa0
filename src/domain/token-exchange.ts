import { createHash } from 'node:crypto';
import { fail } from '../errors.js';
import type { App, Code, FlowVersion, NewToken, TokenKind, Workspace } from '../storage/store.js';
import { authenticateClient, type ClientCredentials } from './client-auth.js';
import type { Domain } from './context.js';
import { type MintedToken, mintAccessToken } from './minting.js';
import { findRegisteredMatch } from './redirect-uri.js';
import { constantTimeEqual, newFamilyId, newId } from './secrets.js';
import { workspaceOf } from './workspaces.js';

/**
 * `oauth.access` (spec §3) and `oauth.v2.access` with a code (spec §5.4): exchange a temporary code
 * for tokens. Each step below is one check of the spec, in the spec's order; the first that fails
 * decides the answer. Both exchanges share every step but the last, which issues their tokens.
 */

export interface CodeExchangeRequest extends ClientCredentials {
  readonly code?: string | undefined;
  readonly redirectUri?: string | undefined;
  readonly codeVerifier?: string | undefined;
}

export interface V1Grant {
  readonly accessToken: string;
  readonly scopes: readonly string[];
  readonly userId: string;
  readonly workspace: Workspace;
  readonly bot?: { readonly botUserId: string; readonly botAccessToken: string };
}

/** An access token as a v2 exchange answers it; `refreshToken`/`expiresIn` with token rotation only. */
export interface IssuedAccess {
  readonly accessToken: string;
  readonly scopes: readonly string[];
  readonly refreshToken?: string;
  readonly expiresIn?: number;
}

export interface V2Grant {
  readonly appId: string;
  readonly workspace: Workspace;
  /** The person who approved; `authed_user.id` even when no user token was asked for. */
  readonly userId: string;
  /** Present when bot scopes were granted. */
  readonly bot?: IssuedAccess & { readonly botUserId: string };
  /** Present when user scopes were granted. */
  readonly user?: IssuedAccess;
}

export async function exchangeV1Code(domain: Domain, request: CodeExchangeRequest): Promise<V1Grant> {
  const app = await authenticateClient(domain, request);
  const code = await findRedeemableCode(domain, app, request.code);
  await requireFlowVersion(domain, code, 1);
  await requireRedirectUri(domain, app, code, request.redirectUri);
  await requireCodeVerifier(domain, code, request.codeVerifier);
  return issueV1Tokens(domain, app, code);
}

export async function exchangeV2Code(domain: Domain, request: CodeExchangeRequest): Promise<V2Grant> {
  const app = await authenticateClient(domain, request);
  const code = await findRedeemableCode(domain, app, request.code);
  await requireFlowVersion(domain, code, 2);
  await requireRedirectUri(domain, app, code, request.redirectUri);
  await requireCodeVerifier(domain, code, request.codeVerifier);
  return issueV2Tokens(domain, app, code);
}

/** Steps 1–2: the code exists, belongs to this app, is alive and unused. */
async function findRedeemableCode(domain: Domain, app: App, code: string | undefined): Promise<Code> {
  if (!code) fail('invalid_code', 'no code');
  const hash = domain.hasher.hash(code);
  const record = await domain.store.findCode(hash);
  if (!record) fail('invalid_code', 'unknown code');
  // Another app's code is not burned: the caller could not have stolen it from this app's flow.
  if (record.appId !== app.id) fail('invalid_code', `code of another app, presented by ${app.id}`);
  const now = domain.clock.now();
  if (record.expiresAt <= now)
    fail('invalid_code', `expired ${Math.ceil((now - record.expiresAt) / 1000)} s ago`);
  if (record.usedAt !== null) await refuseReplay(domain, hash);
  return record;
}

/**
 * A used code came back: revoke everything issued from it (RFC 6749 §4.1.2), then refuse. With token
 * rotation that is the whole family, so that a token rotated from a stolen code dies with it.
 */
async function refuseReplay(domain: Domain, codeHash: string): Promise<never> {
  const revoked = await domain.store.revokeFamiliesOfCode(codeHash, domain.clock.now());
  fail('code_already_used', `replayed code; ${revoked} token(s) revoked`);
}

/** Step 3: a code answers only the exchange method of the authorize step that issued it. */
async function requireFlowVersion(domain: Domain, code: Code, version: FlowVersion): Promise<void> {
  if (code.version === version) return;
  await burn(domain, code);
  fail('oauth_authorization_url_mismatch', `v${code.version} code at a v${version} exchange`);
}

/** Step 4: the redirect URI is the one the authorize request carried, or a registered one. */
async function requireRedirectUri(domain: Domain, app: App, code: Code, redirectUri: string | undefined) {
  const matches =
    code.redirectUri !== null
      ? redirectUri === code.redirectUri
      : redirectUri === undefined || findRegisteredMatch(app.redirectUris, redirectUri) !== undefined;
  if (matches) return;
  await burn(domain, code);
  fail('bad_redirect_uri', 'redirect_uri differs from the authorize request');
}

/** Step 5: PKCE (RFC 7636); a verifier for a code without a challenge is refused as well. */
async function requireCodeVerifier(domain: Domain, code: Code, verifier: string | undefined): Promise<void> {
  if (code.codeChallenge === null && verifier === undefined) return;
  if (code.codeChallenge !== null && verifier !== undefined) {
    const derived =
      code.codeChallengeMethod === 'plain'
        ? verifier
        : createHash('sha256').update(verifier).digest('base64url');
    if (constantTimeEqual(derived, code.codeChallenge)) return;
  }
  await burn(domain, code);
  fail(
    'invalid_code_verifier',
    code.codeChallenge === null ? 'verifier without a challenge' : 'verifier mismatch',
  );
}

async function burn(domain: Domain, code: Code): Promise<void> {
  await domain.store.burnCode(code.hash, domain.clock.now());
}

/** Consumes the code and writes the tokens in one atomic step of the store. */
async function issueV1Tokens(domain: Domain, app: App, code: Code): Promise<V1Grant> {
  const workspace = await workspaceOf(domain, code.teamId);
  const familyId = newFamilyId(domain.clock.now());
  const user = mintAccessToken(domain, 'user', false);
  const tokens: NewToken[] = [
    tokenFor(code, { kind: 'user', minted: user, userId: code.userId, familyId, addScopes: code.scopes }),
  ];
  let bot: V1Grant['bot'];
  if (code.scopes.includes('bot')) {
    const botUserId = (await ensureBot(domain, app, workspace)).userId;
    const botToken = mintAccessToken(domain, 'bot', false);
    tokens.push(
      tokenFor(code, { kind: 'bot', minted: botToken, userId: botUserId, familyId, addScopes: ['bot'] }),
    );
    bot = { botUserId, botAccessToken: botToken.value };
  }
  const outcome = await domain.store.exchangeCode(code.hash, domain.clock.now(), tokens);
  if (outcome.status === 'already_used') return refuseReplay(domain, code.hash);
  return {
    accessToken: user.value,
    scopes: outcome.scopes[0] ?? [],
    userId: code.userId,
    workspace,
    ...(bot && { bot }),
  };
}

/**
 * The v2 tokens: a bot token for the bot scopes and a user token for the user scopes, each only when
 * some were granted. Their scopes accumulate separately (the bot's grant and the person's grant), and
 * both belong to one family, so that replay detection on either kills the whole install.
 */
async function issueV2Tokens(domain: Domain, app: App, code: Code): Promise<V2Grant> {
  const workspace = await workspaceOf(domain, code.teamId);
  const familyId = newFamilyId(domain.clock.now());
  const tokens: NewToken[] = [];
  let bot: { minted: MintedToken; botUserId: string } | undefined;
  if (code.scopes.length > 0) {
    const botUserId = (await ensureBot(domain, app, workspace)).userId;
    bot = { minted: mintAccessToken(domain, 'bot', app.tokenRotation), botUserId };
    tokens.push(
      tokenFor(code, {
        kind: 'bot',
        minted: bot.minted,
        userId: botUserId,
        familyId,
        addScopes: code.scopes,
      }),
    );
  }
  let user: MintedToken | undefined;
  if (code.userScopes.length > 0) {
    user = mintAccessToken(domain, 'user', app.tokenRotation);
    tokens.push(
      tokenFor(code, {
        kind: 'user',
        minted: user,
        userId: code.userId,
        familyId,
        addScopes: code.userScopes,
      }),
    );
  }
  const outcome = await domain.store.exchangeCode(code.hash, domain.clock.now(), tokens);
  if (outcome.status === 'already_used') return refuseReplay(domain, code.hash);
  const [botScopes, userScopes] = bot
    ? [outcome.scopes[0], outcome.scopes[1]]
    : [undefined, outcome.scopes[0]];
  return {
    appId: app.id,
    workspace,
    userId: code.userId,
    ...(bot && { bot: { ...issuedAccess(domain, bot.minted, botScopes), botUserId: bot.botUserId } }),
    ...(user && { user: issuedAccess(domain, user, userScopes) }),
  };
}

function issuedAccess(
  domain: Domain,
  minted: MintedToken,
  scopes: readonly string[] | undefined,
): IssuedAccess {
  return {
    accessToken: minted.value,
    scopes: scopes ?? [],
    ...(minted.refresh && {
      refreshToken: minted.refresh.value,
      expiresIn: domain.settings.tokenExpirySeconds,
    }),
  };
}

function tokenFor(
  code: Code,
  token: {
    kind: TokenKind;
    minted: MintedToken;
    userId: string;
    familyId: string;
    addScopes: readonly string[];
  },
): NewToken {
  return {
    hash: token.minted.hash,
    kind: token.kind,
    appId: code.appId,
    teamId: code.teamId,
    userId: token.userId,
    codeHash: code.hash,
    familyId: token.familyId,
    expiresAt: token.minted.expiresAt,
    addScopes: token.addScopes,
    ...(token.minted.refresh && { refreshTokenHash: token.minted.refresh.hash }),
  };
}

/** The app's bot user in the workspace, made on the first install that grants a bot. */
export function ensureBot(domain: Domain, app: App, workspace: Workspace) {
  const userId = newId('U');
  return domain.store.ensureBot(
    { appId: app.id, teamId: workspace.id, botId: newId('B'), userId },
    {
      id: userId,
      teamId: workspace.id,
      name: botName(app.name),
      email: null,
      passwordHash: null,
      isBot: true,
    },
  );
}

function botName(appName: string): string {
  return (
    appName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'bot'
  );
}
