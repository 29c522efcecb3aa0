/**
 * The storage port: everything the domain keeps, behind narrow interfaces. Single use is an atomic
 * operation of the store (`exchangeCode`), never a read-then-write in the domain. Credentials
 * arrive here already hashed; a store never sees a secret, code or token in clear.
 * Every implementation passes test/store-contract.ts.
 */

export interface Workspace {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
}

export interface User {
  readonly id: string;
  readonly teamId: string;
  readonly name: string;
  readonly email: string | null;
  readonly passwordHash: string | null;
  readonly isBot: boolean;
}

export interface App {
  readonly id: string;
  readonly name: string;
  readonly clientId: string;
  readonly clientSecretHash: string;
  readonly redirectUris: readonly string[];
  /** Scopes the app may request; null means any. */
  readonly scopes: readonly string[] | null;
  readonly tokenRotation: boolean;
}

/** The bot user an app gets in a workspace when `bot` (v1) or bot scopes (v2) are granted. */
export interface Bot {
  readonly appId: string;
  readonly teamId: string;
  readonly botId: string;
  readonly userId: string;
}

export type FlowVersion = 1 | 2;

export interface Code {
  readonly hash: string;
  readonly appId: string;
  readonly teamId: string;
  readonly userId: string;
  /** v1: the user's scopes; v2: the bot scopes. */
  readonly scopes: readonly string[];
  /** v2 only: the user's scopes. */
  readonly userScopes: readonly string[];
  /** The redirect_uri the authorize request carried, or null when it carried none. */
  readonly redirectUri: string | null;
  readonly version: FlowVersion;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: 'S256' | 'plain' | null;
  readonly expiresAt: number;
  readonly usedAt: number | null;
}

export type TokenKind = 'user' | 'bot';

export interface Token {
  readonly hash: string;
  readonly kind: TokenKind;
  readonly appId: string;
  readonly teamId: string;
  /** The person's id for a user token, the bot user's id for a bot token. */
  readonly userId: string;
  readonly scopes: readonly string[];
  /** The code this token was issued from, so that a replayed code can revoke it. */
  readonly codeHash: string | null;
  /** Every token descended from one install shares a family; replay detection revokes it whole. */
  readonly familyId: string;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
}

/** A signed-in browser (spec §4.3); kept in the store so that any process can serve its next page. */
export interface Session {
  readonly hash: string;
  readonly userId: string;
  readonly expiresAt: number;
}

/** A token with what protected methods answer about it, read in one query. */
export interface TokenView extends Token {
  readonly teamName: string;
  readonly teamDomain: string;
  readonly userName: string;
  readonly botId: string | null;
}

/** A token to be written by `exchangeCode`; its scopes are the grant's scopes after the merge. */
export interface NewToken extends Omit<Token, 'scopes' | 'revokedAt'> {
  /** Scopes this exchange adds to the grant; the token receives the grant's union. */
  readonly addScopes: readonly string[];
  /** Token rotation: a refresh token with this hash is written beside the token, same scopes and family. */
  readonly refreshTokenHash?: string | undefined;
}

/**
 * A refresh token of a rotating token (spec §5.4). Single use: spending it writes the next access and
 * refresh token of its chain, with the same kind, owner, scopes and family.
 */
export interface RefreshToken {
  readonly hash: string;
  readonly kind: TokenKind;
  readonly appId: string;
  readonly teamId: string;
  /** The person's id for a user token, the bot user's id for a bot token. */
  readonly userId: string;
  /** The scopes of the access token it mints. */
  readonly scopes: readonly string[];
  readonly familyId: string;
  /** The long-lived token this chain was exchanged from (`oauth.v2.exchange`), or null. */
  readonly originTokenHash: string | null;
  readonly usedAt: number | null;
  readonly revokedAt: number | null;
}

/** The next access token (by hash, with its expiry) and refresh token of a rotating chain. */
export interface NewTokenPair {
  readonly accessTokenHash: string;
  readonly refreshTokenHash: string;
  readonly expiresAt: number;
}

export type RotationOutcome =
  /** The refresh token was unspent: it is spent now and the pair is written. */
  | { readonly status: 'rotated' }
  /** The refresh token was spent less than the grace window ago: refused, nothing changes. */
  | { readonly status: 'reused_in_grace' }
  /** The refresh token was spent before the grace window: its whole family is revoked now. */
  | { readonly status: 'replayed'; readonly revokedTokens: number }
  /** The refresh token's family was revoked before. */
  | { readonly status: 'revoked' };

export type LongLivedExchangeOutcome =
  | { readonly status: 'issued' }
  | { readonly status: 'already_exchanged' }
  | { readonly status: 'revoked' };

export type ExchangeOutcome =
  | { readonly status: 'issued'; readonly scopes: readonly (readonly string[])[] }
  | { readonly status: 'already_used' };

export interface Store {
  /** The key of the credential hashes: read from the database, made on first use. */
  hashKey(): Promise<string>;

  createWorkspace(workspace: Workspace): Promise<void>;
  getWorkspace(id: string): Promise<Workspace | undefined>;
  getWorkspaceByDomain(domain: string): Promise<Workspace | undefined>;
  listWorkspaces(): Promise<Workspace[]>;

  createUser(user: User): Promise<void>;
  getUser(id: string): Promise<User | undefined>;
  listUsersByEmail(email: string): Promise<User[]>;

  createApp(app: App): Promise<void>;
  getAppByClientId(clientId: string): Promise<App | undefined>;
  listApps(): Promise<App[]>;
  /** Replaces the app's mutable fields; returns false when no such app exists. */
  updateApp(app: App): Promise<boolean>;

  /** The app's bot in the workspace, creating `candidate` (and its bot user) when it has none. */
  ensureBot(candidate: Bot, botUser: User): Promise<Bot>;

  insertCode(code: Code): Promise<void>;
  findCode(hash: string): Promise<Code | undefined>;
  /** Marks an unused code used without issuing anything (a failed exchange that burns it). */
  burnCode(hash: string, now: number): Promise<void>;
  /**
   * Atomically: marks the code used if it is unused, merges each token's scopes into its grant,
   * and writes the tokens with the merged scopes. Of concurrent calls for one code, one issues.
   */
  exchangeCode(codeHash: string, now: number, tokens: readonly NewToken[]): Promise<ExchangeOutcome>;

  findToken(hash: string): Promise<TokenView | undefined>;
  /** Revokes one token; returns false when it was unknown or already revoked. */
  revokeToken(hash: string, now: number): Promise<boolean>;
  /**
   * Revokes every access and refresh token of each family that holds a token issued from the code
   * (a replayed code kills what was rotated from it too); returns how many access tokens it revoked.
   */
  revokeFamiliesOfCode(codeHash: string, now: number): Promise<number>;

  findRefreshToken(hash: string): Promise<RefreshToken | undefined>;
  /**
   * Atomically, in this order: a revoked refresh token → `revoked`; a spent one → `reused_in_grace`
   * when spent less than `graceMs` ago, else its family (access and refresh tokens) is revoked →
   * `replayed`; an unspent one is spent and `next` is written (a copy of its kind, owner, scopes and
   * family; the chain's long-lived origin token, if any, expires now) → `rotated`. Of concurrent
   * calls for one refresh token, one rotates.
   */
  rotateRefreshToken(
    hash: string,
    now: number,
    graceMs: number,
    next: NewTokenPair,
  ): Promise<RotationOutcome>;
  /**
   * Atomically: a long-lived token exchanged before → `already_exchanged`; a revoked one → `revoked`;
   * else it is marked exchanged and `pair` is written with its kind, owner, scopes and family, the
   * refresh token naming it as the chain's origin → `issued`. Of concurrent calls, one issues.
   */
  exchangeLongLivedToken(
    tokenHash: string,
    now: number,
    pair: NewTokenPair,
  ): Promise<LongLivedExchangeOutcome>;

  createSession(session: Session): Promise<void>;
  /** The session with this hash, expired or not (the domain decides). */
  findSession(hash: string): Promise<Session | undefined>;
  deleteSession(hash: string): Promise<void>;

  /** Resolves when the database answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
