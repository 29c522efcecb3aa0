import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createApp } from '../../src/domain/apps.js';
import { type Clock, ManualClock } from '../../src/domain/clock.js';
import { issueCode } from '../../src/domain/codes.js';
import { createDomain, type Domain, type DomainSettings } from '../../src/domain/context.js';
import { createUser } from '../../src/domain/users.js';
import { createWorkspace } from '../../src/domain/workspaces.js';
import {
  createClientAuthLimiter,
  defaultClientAuthLimits,
  defaultSignInLimits,
} from '../../src/http/abuse/client-auth-limiter.js';
import { type LimiterBackend, memoryBackend } from '../../src/http/abuse/limiter-backend.js';
import { createMethodLimiter, type MethodTiers } from '../../src/http/abuse/method-limiter.js';
import { buildApp } from '../../src/http/app.js';
import { listen } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { openStore } from '../../src/storage/open-store.js';
import type { App, User, Workspace } from '../../src/storage/store.js';

export interface TestServer {
  readonly url: string;
  readonly domain: Domain;
  readonly clock: ManualClock;
  /** Every log line the server wrote, as text. */
  readonly logs: string[];
  close(): Promise<void>;
}

/** A listening server on a random loopback port over its own database (in memory by default). */
export async function startTestServer(
  options: {
    database?: string;
    settings?: Partial<DomainSettings>;
    bodyTimeoutMs?: number;
    maxBytes?: number;
    clock?: Clock;
    /** Client-authentication failures allowed per minute; tests that provoke many raise it. */
    clientAuthFailures?: number;
    /** Calls per minute per method; Slack's tiers by default. */
    rateLimits?: MethodTiers;
    trustProxy?: boolean;
    /** Where the limits count (in memory by default); given the server's logger. */
    limiterBackend?: (log: Logger) => LimiterBackend;
    /** Failed sign-ins allowed per account and per address in five minutes. */
    signInFailures?: number;
    /** `--insecure-auto-approve`. */
    autoApproveUserId?: string;
    secureCookies?: boolean;
  } = {},
): Promise<TestServer> {
  const clock = new ManualClock();
  const store = await openStore(options.database ?? ':memory:');
  const domain = await createDomain({
    store,
    clock: options.clock ?? clock,
    settings: options.settings ?? {},
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 2000;
  const log = createLogger('info', sink);
  const limits = options.limiterBackend?.(log) ?? memoryBackend();
  const app = buildApp({
    domain,
    log,
    clientAuthLimiter: createClientAuthLimiter(
      options.clientAuthFailures === undefined
        ? defaultClientAuthLimits
        : { maxFailures: options.clientAuthFailures, windowSeconds: 60 },
      limits,
    ),
    methodLimiter: createMethodLimiter(options.rateLimits, limits),
    signInLimiter: createClientAuthLimiter(
      options.signInFailures === undefined
        ? defaultSignInLimits
        : { maxFailures: options.signInFailures, windowSeconds: 300 },
      limits,
      'sign-in',
    ),
    settings: {
      bodyLimits: { timeoutMs: bodyTimeoutMs, maxBytes: options.maxBytes ?? 65536 },
      trustProxy: options.trustProxy ?? false,
      autoApproveUserId: () => options.autoApproveUserId,
      secureCookies: options.secureCookies ?? false,
    },
  });
  const server = await listen(app, { port: 0, host: '127.0.0.1', bodyTimeoutMs });
  return {
    url: `http://127.0.0.1:${server.port}`,
    domain,
    clock,
    logs,
    async close() {
      await server.close(1000);
      await limits.close();
      await store.close();
    },
  };
}

export interface Fixture {
  readonly workspace: Workspace;
  readonly user: User;
  readonly app: App;
  readonly clientSecret: string;
}

/** A workspace, a person with a password, and an app with one redirect URI. */
export async function seed(
  domain: Domain,
  app: { redirectUris?: string[]; scopes?: string[]; tokenRotation?: boolean } = {},
): Promise<Fixture> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const workspace = await createWorkspace(domain, { name: 'Acme', domain: `acme-${suffix}` });
  const user = await createUser(domain, {
    teamId: workspace.id,
    name: 'ada',
    email: `ada-${suffix}@example.com`,
    password: 'correct horse battery',
  });
  const created = await createApp(domain, {
    name: 'Test App',
    redirectUris: app.redirectUris ?? ['https://app.example.com/callback'],
    scopes: app.scopes ?? null,
    tokenRotation: app.tokenRotation ?? false,
  });
  return { workspace, user, app: created.app, clientSecret: created.clientSecret };
}

/** A v1 code for the fixture's user, as if they had approved `scopes`. */
export async function mintCode(
  domain: Domain,
  fixture: Fixture,
  options: {
    scopes?: string[];
    redirectUri?: string | null;
    version?: 1 | 2;
    codeChallenge?: string;
    codeChallengeMethod?: 'S256' | 'plain';
  } = {},
): Promise<string> {
  const { code } = await issueCode(domain, {
    app: fixture.app,
    userId: fixture.user.id,
    scopes: options.scopes ?? ['identify', 'read'],
    redirectUri: options.redirectUri ?? null,
    version: options.version ?? 1,
    ...(options.codeChallenge !== undefined && { codeChallenge: options.codeChallenge }),
    ...(options.codeChallengeMethod !== undefined && { codeChallengeMethod: options.codeChallengeMethod }),
  });
  return code;
}

/** POSTs an urlencoded form; returns status, headers and parsed JSON. */
export async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}
