import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createTestSchema,
  skipWithoutPostgres,
  type TestSchema,
  testPostgresUrl,
} from './helpers/postgres.js';
import { runLatchkey } from './helpers/process.js';
import { send } from './helpers/raw-http.js';
import {
  type Fixture,
  mintCode,
  postForm,
  seed,
  startTestServer,
  type TestServer,
} from './helpers/server.js';
import { startTcpProxy, type TcpProxy, throughProxy, unusedPort } from './helpers/tcp-proxy.js';

// Spec §1.2 and §8 on PostgreSQL: while the database is unreachable every call that needs it is
// answered service_unavailable and /readyz is 503; when it returns, the server serves again by itself.

if (testPostgresUrl === undefined) {
  skipWithoutPostgres('PostgreSQL outage and recovery');
} else {
  const serverUrl = testPostgresUrl;

  describe('PostgreSQL going away under a running server', () => {
    let schema: TestSchema;
    let proxy: TcpProxy;
    let server: TestServer;
    let fixture: Fixture;
    before(async () => {
      schema = await createTestSchema(serverUrl, 'outage_http');
      const target = new URL(serverUrl);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      server = await startTestServer({ database: throughProxy(schema.url, proxy) });
      fixture = await seed(server.domain);
    });
    after(async () => {
      await proxy.restore();
      await server.close();
      await proxy.close();
      await schema.drop();
    });

    const exchange = (code: string) =>
      postForm(`${server.url}/api/oauth.access`, {
        client_id: fixture.app.clientId,
        client_secret: fixture.clientSecret,
        code,
      });

    it('answers service_unavailable and /readyz 503 while it is gone, and recovers when it returns', async () => {
      const issued = await exchange(await mintCode(server.domain, fixture));
      const token = String(issued.body.access_token);
      assert.deepEqual((await send(server.url, '/readyz', { method: 'GET' })).json, { ok: true });
      const pending = await mintCode(server.domain, fixture);

      await proxy.cut();
      const ready = await send(server.url, '/readyz', { method: 'GET' });
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.json, { ok: false, error: 'service_unavailable' });
      assert.deepEqual((await send(server.url, '/healthz', { method: 'GET' })).json, { ok: true });
      for (const answer of [
        await postForm(`${server.url}/api/auth.test`, { token }),
        await exchange(pending),
      ]) {
        assert.equal(answer.status, 200);
        assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8');
        assert.deepEqual(answer.body, { ok: false, error: 'service_unavailable' });
      }
      assert.ok(server.logs.some((line) => line.includes('store unavailable')));

      await proxy.restore();
      const recovered = await send(server.url, '/readyz', { method: 'GET' });
      assert.deepEqual([recovered.status, recovered.json], [200, { ok: true }]);
      assert.equal((await postForm(`${server.url}/api/auth.test`, { token })).body.ok, true);
      const late = await exchange(pending);
      assert.equal(late.body.ok, true, 'the code was not consumed by the failed exchange');
    });
  });

  describe('latchkey serve on a database that cannot be reached', () => {
    it('exits 1 with one line saying so', async () => {
      const url = new URL(serverUrl);
      url.port = String(await unusedPort());
      const result = await runLatchkey(['serve', '--port', '0', '--database', url.toString()]);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /^latchkey: database unavailable: postgresql: connect ECONNREFUSED 127\.0\.0\.1:\d+\n$/,
      );
    });
  });
}
