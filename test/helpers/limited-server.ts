import { Writable } from 'node:stream';
import { ManualClock } from '../../src/domain/clock.js';
import { createDomain } from '../../src/domain/context.js';
import {
  type ClientAuthLimits,
  createClientAuthLimiter,
  defaultClientAuthLimits,
  defaultSignInLimits,
  defaultUnknownTokenLimits,
} from '../../src/http/abuse/client-auth-limiter.js';
import { memoryBackend } from '../../src/http/abuse/limiter-backend.js';
import { createMethodLimiter, type MethodTiers } from '../../src/http/abuse/method-limiter.js';
import { buildApp } from '../../src/http/app.js';
import { listen } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { openStore } from '../../src/storage/open-store.js';
import type { TestServer } from './server.js';

/** Generous enough never to be reached: for tests that fail on purpose many times. */
export const UNLIMITED: ClientAuthLimits = Object.freeze({ maxFailures: 1_000_000, windowSeconds: 60 });

/**
 * A listening server like startTestServer's, with every failure limit chosen by the test: how many
 * failures each allows and over how short a window, so that a lockout can be seen to end within a
 * test's time, or none worth the name, so that a fuzz can fail on purpose as often as it likes.
 * Limits left out keep the server's defaults.
 */
export async function startLimitedServer(
  limits: {
    readonly clientAuth?: ClientAuthLimits;
    readonly unknownTokens?: ClientAuthLimits;
    readonly signIn?: ClientAuthLimits;
    /** Calls per minute per method; Slack's tiers by default, `{}` for none. */
    readonly rateLimits?: MethodTiers;
    readonly database?: string;
    readonly bodyTimeoutMs?: number;
    readonly maxBytes?: number;
  } = {},
): Promise<TestServer> {
  const clock = new ManualClock();
  const store = await openStore(limits.database ?? ':memory:');
  const domain = await createDomain({ store, clock });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const bodyTimeoutMs = limits.bodyTimeoutMs ?? 2000;
  const backend = memoryBackend();
  const app = buildApp({
    domain,
    log: createLogger('info', sink),
    clientAuthLimiter: createClientAuthLimiter(limits.clientAuth ?? defaultClientAuthLimits, backend),
    unknownTokenLimiter: createClientAuthLimiter(
      limits.unknownTokens ?? defaultUnknownTokenLimits,
      backend,
      'unknown-token',
    ),
    signInLimiter: createClientAuthLimiter(limits.signIn ?? defaultSignInLimits, backend, 'sign-in'),
    methodLimiter: createMethodLimiter(limits.rateLimits, backend),
    settings: { bodyLimits: { timeoutMs: bodyTimeoutMs, maxBytes: limits.maxBytes ?? 65536 } },
  });
  const server = await listen(app, { port: 0, host: '127.0.0.1', bodyTimeoutMs });
  return {
    url: `http://127.0.0.1:${server.port}`,
    domain,
    clock,
    logs,
    async close() {
      await server.close(1000);
      await store.close();
    },
  };
}
