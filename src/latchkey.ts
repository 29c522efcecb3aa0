import { parseServeConfig, type ServeFlag } from './config.js';
import { type AppInput, createApp, rotateClientSecret, updateApp } from './domain/apps.js';
import { AdjustableClock, parseDuration } from './domain/clock.js';
import { issueCode } from './domain/codes.js';
import { revokeTokenByValue } from './domain/tokens.js';
import { createUser } from './domain/users.js';
import { createWorkspace } from './domain/workspaces.js';
import { type Fault, FaultPlan } from './http/faults.js';
import { startLatchkey } from './main.js';
import type { App, User, Workspace } from './storage/store.js';

/**
 * Latchkey inside a test suite: `await createLatchkey()` starts an isolated server on a free
 * loopback port over an in-memory database. Everything here calls the same domain functions as the
 * CLI and the HTTP layer; two instances share nothing.
 */
export interface LatchkeyOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Address to listen on; `127.0.0.1` by default. */
  readonly host?: string;
  /** A SQLite file, `sqlite:` URL, `postgres://` URL or `:memory:` (the default). */
  readonly database?: string;
  /** Seconds a code lives (600). */
  readonly codeTtlSeconds?: number;
  /** Seconds a rotating access token lives (43200). */
  readonly tokenExpirySeconds?: number;
  /** Seconds after a refresh token's first use in which a reuse does not revoke its family (0). */
  readonly refreshGraceSeconds?: number;
  /** Approve every authorize request at once as this user id, with no sign-in or consent. */
  readonly autoApproveUserId?: string;
  /** pino log level; `silent` by default. */
  readonly logLevel?: string;
  /**
   * Per-method limits as `serve --rate-limits` takes them: Slack's tiers by default (a suite making
   * over 100 `oauth.access` calls a minute for one app is answered 429, as Slack would), amended by
   * `'oauth.access=1000'`, or `'off'`.
   */
  readonly rateLimits?: string;
}

/** An app as `apps.create` returns it: its client secret exists in clear only here. */
export interface LatchkeyApp extends Omit<App, 'clientSecretHash'> {
  readonly clientSecret: string;
}

export interface MintOptions {
  readonly clientId: string;
  readonly userId: string;
  /** v1: the person's scopes; v2: the bot scopes. */
  readonly scopes: readonly string[];
  /** v2 only: the person's scopes. */
  readonly userScopes?: readonly string[];
  readonly redirectUri?: string;
  /** A code for `oauth.v2.access` (from `/oauth/v2/authorize`) instead of `oauth.access`. */
  readonly v2?: boolean;
  readonly ttlSeconds?: number;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: 'S256' | 'plain';
}

export interface InstallOptions {
  readonly app: LatchkeyApp;
  /** The person who approves: a user or its id. */
  readonly user: User | string;
  /** v1: the person's scopes; v2: the bot scopes. */
  readonly scopes: readonly string[];
  /** v2 only: the person's scopes. */
  readonly userScopes?: readonly string[];
  /** 1 (`oauth.access`, the default) or 2 (`oauth.v2.access`). */
  readonly version?: 1 | 2;
}

export interface Latchkey {
  /** The server's root, e.g. `http://127.0.0.1:53211`. */
  readonly url: string;
  /** The Web API root for `slackApiUrl`, with its trailing slash: `http://127.0.0.1:53211/api/`. */
  readonly apiUrl: string;
  /** The v1 authorize page, for `authorizationUrl` in `authVersion: 'v1'`. */
  readonly authorizeUrl: string;
  /** The v2 authorize page, for `authorizationUrl` in the default v2 mode. */
  readonly v2AuthorizeUrl: string;

  readonly workspaces: { create(input: { name: string; domain: string }): Promise<Workspace> };
  readonly users: {
    create(input: { teamId: string; name: string; email?: string; password?: string }): Promise<User>;
  };
  readonly apps: {
    create(input: AppInput): Promise<LatchkeyApp>;
    update(clientId: string, changes: Partial<AppInput>): Promise<Omit<App, 'clientSecretHash'>>;
    rotateSecret(clientId: string): Promise<LatchkeyApp>;
  };
  readonly codes: { mint(options: MintOptions): Promise<{ code: string; expiresIn: number }> };
  readonly tokens: {
    /** Revokes a token given in clear; false when it is unknown. */
    revoke(token: string): Promise<boolean>;
  };
  /**
   * From now on both authorize pages approve every request at once as this person, with no sign-in
   * or consent (like `serve --insecure-auto-approve`); `undefined` turns it off.
   */
  autoApprove(user: User | string | undefined): void;
  /** A whole install in one call: approve, then exchange; resolves with what the exchange answered. */
  install(options: InstallOptions): Promise<Record<string, unknown>>;

  readonly faults: {
    /** The next call(s) of `method` fail, wait or are rate limited, exactly as the real failure would be. */
    next(method: string, fault: Fault): void;
    /** Forgets the faults of `method`, or all. */
    clear(method?: string): void;
  };
  readonly clock: {
    /** Moves this instance's time ahead: `'11m'`, `'13h'`, `'1h30m'` or milliseconds. */
    advance(duration: string | number): void;
    /** This instance's time, in milliseconds since the epoch. */
    now(): number;
  };
  /** Stops the server and closes its database. */
  close(): Promise<void>;
}

export async function createLatchkey(options: LatchkeyOptions = {}): Promise<Latchkey> {
  const config = parseServeConfig(serveFlagsOf(options), {});
  const clock = new AdjustableClock();
  const faults = new FaultPlan();
  let autoApproveUserId = options.autoApproveUserId;
  const running = await startLatchkey(config, { clock, faults, autoApproveUserId: () => autoApproveUserId });
  const { domain, baseUrl } = running;

  const publicApp = ({ clientSecretHash: _hash, ...app }: App) => app;
  const withSecret = (created: { app: App; clientSecret: string }): LatchkeyApp => ({
    ...publicApp(created.app),
    clientSecret: created.clientSecret,
  });

  async function mint(mintOptions: MintOptions) {
    const app = await domain.store.getAppByClientId(mintOptions.clientId);
    if (!app) throw new TypeError(`no app has the client id '${mintOptions.clientId}'`);
    return issueCode(domain, {
      app,
      userId: mintOptions.userId,
      scopes: mintOptions.scopes,
      userScopes: mintOptions.userScopes ?? [],
      redirectUri: mintOptions.redirectUri ?? null,
      version: mintOptions.v2 ? 2 : 1,
      codeChallenge: mintOptions.codeChallenge ?? null,
      codeChallengeMethod: mintOptions.codeChallengeMethod ?? null,
      ...(mintOptions.ttlSeconds !== undefined && { ttlSeconds: mintOptions.ttlSeconds }),
    });
  }

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    authorizeUrl: `${baseUrl}/oauth/authorize`,
    v2AuthorizeUrl: `${baseUrl}/oauth/v2/authorize`,
    workspaces: { create: (input) => createWorkspace(domain, input) },
    users: { create: (input) => createUser(domain, input) },
    apps: {
      create: async (input) => withSecret(await createApp(domain, input)),
      update: async (clientId, changes) => publicApp(await updateApp(domain, clientId, changes)),
      rotateSecret: async (clientId) => withSecret(await rotateClientSecret(domain, clientId)),
    },
    codes: { mint },
    tokens: { revoke: (token) => revokeTokenByValue(domain, token) },
    async install({ app, user, scopes, userScopes, version = 1 }) {
      const { code } = await mint({
        clientId: app.clientId,
        userId: typeof user === 'string' ? user : user.id,
        scopes,
        ...(userScopes && { userScopes }),
        v2: version === 2,
      });
      const method = version === 2 ? 'oauth.v2.access' : 'oauth.access';
      const response = await fetch(`${baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: app.clientId,
          client_secret: app.clientSecret,
          code,
        }).toString(),
      });
      return (await response.json()) as Record<string, unknown>;
    },
    autoApprove(user) {
      autoApproveUserId = typeof user === 'string' ? user : user?.id;
    },
    faults: {
      next: (method, fault) => faults.next(method, fault),
      clear: (method) => faults.clear(method),
    },
    clock: {
      advance(duration) {
        const ms = parseDuration(duration);
        if (ms === undefined) throw new TypeError(`not a duration: '${duration}' (try '11m' or '13h')`);
        clock.advance(ms);
      },
      now: () => clock.now(),
    },
    close: () => running.close(),
  };
}

function serveFlagsOf(options: LatchkeyOptions): Partial<Record<ServeFlag, string>> {
  const flags: Partial<Record<ServeFlag, string>> = {
    port: String(options.port ?? 0),
    database: options.database ?? ':memory:',
    'log-level': options.logLevel ?? 'silent',
  };
  if (options.host !== undefined) flags.host = options.host;
  if (options.rateLimits !== undefined) flags['rate-limits'] = options.rateLimits;
  if (options.codeTtlSeconds !== undefined) flags['code-ttl'] = String(options.codeTtlSeconds);
  if (options.tokenExpirySeconds !== undefined) flags['token-expiry'] = String(options.tokenExpirySeconds);
  if (options.refreshGraceSeconds !== undefined) flags['refresh-grace'] = String(options.refreshGraceSeconds);
  return flags;
}
