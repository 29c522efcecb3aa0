import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exchangeV1Code } from '../src/domain/token-exchange.js';
import { memoryBackend, redisBackend } from '../src/http/abuse/limiter-backend.js';
import type { MethodTiers } from '../src/http/abuse/method-limiter.js';
import { skipWithoutRedis, testRedisUrl, uniqueRedisPrefix } from './helpers/redis.js';
import {
  type Fixture,
  mintCode,
  postForm,
  seed,
  startTestServer,
  type TestServer,
} from './helpers/server.js';
import { startTcpProxy, type TcpProxy, throughProxy, unusedPort } from './helpers/tcp-proxy.js';

// Spec §6 across processes: two servers over one database count their limits in one Redis; when
// Redis goes away each counts on its own, says so once in its log, and shares again when it is back.

const dir = mkdtempSync(join(tmpdir(), 'latchkey-redis-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let databases = 0;

async function pair(backend: 'redis' | 'memory', rateLimits?: MethodTiers, redisUrl?: string) {
  const database = join(dir, `pair-${databases++}.db`);
  const prefix = uniqueRedisPrefix('pair');
  const start = () =>
    startTestServer({
      database,
      ...(rateLimits && { rateLimits }),
      limiterBackend: (log) =>
        backend === 'redis'
          ? redisBackend({ url: redisUrl ?? (testRedisUrl as string), keyPrefix: prefix, log })
          : memoryBackend(),
    });
  const servers: TestServer[] = [await start(), await start()];
  const fixture = await seed(nodeOf(servers, 0).domain);
  return { servers, fixture, close: () => Promise.all(servers.map((server) => server.close())) };
}

async function token(server: TestServer, fixture: Fixture): Promise<string> {
  const code = await mintCode(server.domain, fixture);
  return (
    await exchangeV1Code(server.domain, {
      clientId: fixture.app.clientId,
      clientSecret: fixture.clientSecret,
      code,
    })
  ).accessToken;
}

function nodeOf(servers: readonly TestServer[], i: number): TestServer {
  return servers[i % servers.length] as TestServer;
}

function unavailableLines(server: TestServer): string[] {
  return server.logs.filter((line) => line.includes('"redis":"unavailable"'));
}

async function until(condition: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

if (testRedisUrl === undefined) {
  skipWithoutRedis('rate limits shared on Redis');
} else {
  const redisUrl = testRedisUrl;

  describe('limits shared on Redis', () => {
    it('counts client-auth failures spread over two servers against one limit', async () => {
      const { servers, fixture, close } = await pair('redis');
      try {
        const wrong = { client_id: fixture.app.clientId, client_secret: '0'.repeat(32), code: 'x' };
        for (let i = 0; i < 10; i++) {
          const answer = await postForm(`${nodeOf(servers, i).url}/api/oauth.access`, wrong);
          assert.deepEqual(answer.body, { ok: false, error: 'bad_client_secret' });
        }
        for (const server of servers) {
          const code = await mintCode(server.domain, fixture);
          const right = await postForm(`${server.url}/api/oauth.access`, {
            ...wrong,
            client_secret: fixture.clientSecret,
            code,
          });
          assert.equal(right.status, 429);
          assert.deepEqual(right.body, { ok: false, error: 'ratelimited' });
          assert.match(String(right.headers.get('retry-after')), /^([1-9]|[1-5]\d|60)$/);
        }
      } finally {
        await close();
      }
    });

    it('without Redis, each server counts only its own failures', async () => {
      const { servers, fixture, close } = await pair('memory');
      try {
        const wrong = { client_id: fixture.app.clientId, client_secret: '0'.repeat(32), code: 'x' };
        for (let i = 0; i < 10; i++) await postForm(`${nodeOf(servers, i).url}/api/oauth.access`, wrong);
        const code = await mintCode(nodeOf(servers, 0).domain, fixture);
        const right = await postForm(`${nodeOf(servers, 0).url}/api/oauth.access`, {
          ...wrong,
          client_secret: fixture.clientSecret,
          code,
        });
        assert.equal(right.body.ok, true);
      } finally {
        await close();
      }
    });

    it('shares a method tier: the calls of both servers fill one bucket', async () => {
      const { servers, fixture, close } = await pair('redis', { 'auth.test': 4 });
      try {
        const value = await token(nodeOf(servers, 0), fixture);
        for (let i = 0; i < 4; i++) {
          const answer = await postForm(`${nodeOf(servers, i).url}/api/auth.test`, { token: value });
          assert.equal(answer.body.ok, true);
        }
        for (const server of servers) {
          const answer = await postForm(`${server.url}/api/auth.test`, { token: value });
          assert.equal(answer.status, 429);
          assert.deepEqual(answer.body, { ok: false, error: 'ratelimited' });
        }
      } finally {
        await close();
      }
    });
  });

  describe('Redis going away', () => {
    let proxy: TcpProxy;
    before(async () => {
      const target = new URL(redisUrl);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    });
    after(() => proxy.close());

    it('counts locally with one log line while Redis is gone, and shares again when it is back', async () => {
      const database = join(dir, 'outage.db');
      const prefix = uniqueRedisPrefix('outage');
      const viaProxy = await startTestServer({
        database,
        rateLimits: { 'auth.test': 3 },
        limiterBackend: (log) => redisBackend({ url: throughProxy(redisUrl, proxy), keyPrefix: prefix, log }),
      });
      const direct = await startTestServer({
        database,
        rateLimits: { 'auth.test': 3 },
        limiterBackend: (log) => redisBackend({ url: redisUrl, keyPrefix: prefix, log }),
      });
      try {
        const fixture = await seed(viaProxy.domain);
        const value = await token(viaProxy, fixture);
        assert.equal(unavailableLines(viaProxy).length, 0);

        await proxy.cut();
        await until(() => unavailableLines(viaProxy).length > 0, 'the outage log line');
        const during = [];
        for (let i = 0; i < 6; i++) {
          const started = performance.now();
          const answer = await postForm(`${viaProxy.url}/api/auth.test`, { token: value });
          during.push({ status: answer.status, ok: answer.body.ok, ms: performance.now() - started });
        }
        assert.deepEqual(
          during.map(({ status, ok }) => [status, ok]),
          [
            [200, true],
            [200, true],
            [200, true],
            [429, false],
            [429, false],
            [429, false],
          ],
          'the local limit of 3 holds',
        );
        for (const { ms } of during) assert.ok(ms < 1000, `answered without waiting for Redis (${ms} ms)`);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        assert.equal(unavailableLines(viaProxy).length, 1, 'one line however many reconnects fail');
        assert.equal(
          viaProxy.logs.filter((line) => /"level":50/.test(line)).length,
          0,
          'no error lines: the outage is not an error of any call',
        );

        await proxy.restore();
        await until(
          () => viaProxy.logs.some((line) => line.includes('"redis":"available"')),
          'the return log line',
        );
        const other = await seed(viaProxy.domain);
        const fresh = await token(viaProxy, other);
        const shared = [];
        for (let i = 0; i < 4; i++) {
          shared.push(
            (await postForm(`${nodeOf([viaProxy, direct], i).url}/api/auth.test`, { token: fresh })).status,
          );
        }
        assert.deepEqual(shared, [200, 200, 200, 429], 'both servers count in Redis again');
      } finally {
        await viaProxy.close();
        await direct.close();
      }
    });

    it('starts and serves with local limits when Redis cannot be reached at all', async () => {
      const port = await unusedPort();
      const server = await startTestServer({
        rateLimits: { 'auth.test': 2 },
        limiterBackend: (log) =>
          redisBackend({ url: `redis://127.0.0.1:${port}`, keyPrefix: uniqueRedisPrefix('none'), log }),
      });
      try {
        const fixture = await seed(server.domain);
        const value = await token(server, fixture);
        const statuses = [];
        for (let i = 0; i < 3; i++)
          statuses.push((await postForm(`${server.url}/api/auth.test`, { token: value })).status);
        assert.deepEqual(statuses, [200, 200, 429]);
        await until(() => unavailableLines(server).length > 0, 'the outage log line');
        await new Promise((resolve) => setTimeout(resolve, 1000));
        assert.equal(unavailableLines(server).length, 1);
      } finally {
        await server.close();
      }
    });
  });
}
