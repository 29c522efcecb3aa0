import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UsageError } from '../src/cli/usage.js';
import { parseServeConfig } from '../src/config.js';
import { exchangeV1Code } from '../src/domain/token-exchange.js';
import { createUser } from '../src/domain/users.js';
import { createWorkspace } from '../src/domain/workspaces.js';
import { slackMethodTiers } from '../src/http/abuse/method-limiter.js';
import { runLatchkey } from './helpers/process.js';
import {
  type Fixture,
  mintCode,
  postForm,
  seed,
  startTestServer,
  type TestServer,
} from './helpers/server.js';

// Spec §6 in one process: per method, app and workspace buckets with Slack's tiers, client
// authentication failures per client id and per source address, X-Forwarded-For only when trusted.

/** A user token of the fixture's app, issued through the domain so that no oauth.access call is spent. */
async function tokenFor(server: TestServer, fixture: Fixture, userId = fixture.user.id): Promise<string> {
  const code = await mintCode(server.domain, { ...fixture, user: { ...fixture.user, id: userId } });
  const grant = await exchangeV1Code(server.domain, {
    clientId: fixture.app.clientId,
    clientSecret: fixture.clientSecret,
    code,
  });
  return grant.accessToken;
}

function assertRateLimited(answer: Awaited<ReturnType<typeof postForm>>): void {
  assert.equal(answer.status, 429);
  assert.deepEqual(answer.body, { ok: false, error: 'ratelimited' });
  const retryAfter = Number(answer.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(answer.headers.get('cache-control'), 'no-store');
}

describe("Slack's tiers by default", () => {
  let server: TestServer;
  let fixture: Fixture;
  before(async () => {
    server = await startTestServer();
    fixture = await seed(server.domain);
  });
  after(() => server.close());

  it('are the defaults of latchkey serve', () => {
    assert.deepEqual(parseServeConfig({}, {}).rateLimits, {
      'oauth.access': 100,
      'oauth.v2.access': 600,
      'auth.revoke': 50,
      'auth.test': 600,
    });
  });

  it('answer the 101st oauth.access of one app in a minute 429 ratelimited', async () => {
    const form = {
      client_id: fixture.app.clientId,
      client_secret: fixture.clientSecret,
      code: 'no-such-code',
    };
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => postForm(`${server.url}/api/oauth.access`, form)),
    );
    for (const answer of answers) assert.deepEqual(answer.body, { ok: false, error: 'invalid_code' });
    const code = await mintCode(server.domain, fixture);
    assertRateLimited(await postForm(`${server.url}/api/oauth.access`, { ...form, code }));
  });

  it('answer the 51st auth.revoke of one app in one workspace 429 ratelimited', async () => {
    const token = await tokenFor(server, fixture);
    for (let i = 0; i < 50; i++) {
      const answer = await postForm(`${server.url}/api/auth.revoke`, { token, test: '1' });
      assert.deepEqual(answer.body, { ok: true, revoked: false });
    }
    assertRateLimited(await postForm(`${server.url}/api/auth.revoke`, { token }));
    assert.equal((await postForm(`${server.url}/api/auth.test`, { token })).body.ok, true, 'not revoked');
  });

  it('never limit a method without a tier (api.test)', async () => {
    for (let i = 0; i < 120; i++) {
      const answer = await postForm(`${server.url}/api/api.test`, { n: String(i) });
      assert.deepEqual(answer.body, { ok: true, args: { n: String(i) } });
    }
  });
});

describe('buckets per method, app and workspace', () => {
  let server: TestServer;
  let fixture: Fixture;
  before(async () => {
    server = await startTestServer({ rateLimits: { 'auth.test': 3, 'auth.revoke': 2 } });
    fixture = await seed(server.domain);
  });
  after(() => server.close());

  it('share one bucket among all tokens of an app in a workspace', async () => {
    const colleague = await createUser(server.domain, { teamId: fixture.workspace.id, name: 'grace' });
    const own = await tokenFor(server, fixture);
    const theirs = await tokenFor(server, fixture, colleague.id);
    for (const token of [own, theirs, own]) {
      assert.equal((await postForm(`${server.url}/api/auth.test`, { token })).body.ok, true);
    }
    assertRateLimited(await postForm(`${server.url}/api/auth.test`, { token: theirs }));
    assertRateLimited(await postForm(`${server.url}/api/auth.test`, {}, { authorization: `Bearer ${own}` }));
  });

  it('keep another workspace, another app and another method apart', async () => {
    const elsewhere = await createWorkspace(server.domain, { name: 'Other', domain: `other-${Date.now()}` });
    const person = await createUser(server.domain, { teamId: elsewhere.id, name: 'lin' });
    const inOtherWorkspace = await tokenFor(server, fixture, person.id);
    const otherApp = await seed(server.domain);
    const ofOtherApp = await tokenFor(server, otherApp);
    const exhausted = await tokenFor(server, fixture);
    for (let i = 0; i < 3; i++) await postForm(`${server.url}/api/auth.test`, { token: exhausted });
    assertRateLimited(await postForm(`${server.url}/api/auth.test`, { token: exhausted }));

    assert.equal((await postForm(`${server.url}/api/auth.test`, { token: inOtherWorkspace })).body.ok, true);
    assert.equal((await postForm(`${server.url}/api/auth.test`, { token: ofOtherApp })).body.ok, true);
    assert.deepEqual(
      (await postForm(`${server.url}/api/auth.revoke`, { token: exhausted, test: '1' })).body,
      {
        ok: true,
        revoked: false,
      },
    );
  });

  it('leave a call with an unknown token to fail on its own, however often', async () => {
    for (let i = 0; i < 6; i++) {
      const answer = await postForm(`${server.url}/api/auth.test`, { token: 'xoxp-1-2-unknown' });
      assert.deepEqual(answer.body, { ok: false, error: 'invalid_auth' });
    }
  });

  it('answer the calling conventions first: a call refused for its body is not counted', async () => {
    const own = await seed(server.domain);
    const token = await tokenFor(server, own);
    for (let i = 0; i < 3; i++) {
      const answer = await postForm(
        `${server.url}/api/auth.revoke`,
        { token },
        { 'content-type': 'application/xml' },
      );
      assert.deepEqual(answer.body, { ok: false, error: 'invalid_post_type' });
    }
    for (let i = 0; i < 2; i++) {
      const answer = await postForm(`${server.url}/api/auth.revoke`, { token, test: '1' });
      assert.deepEqual(answer.body, { ok: true, revoked: false });
    }
    assertRateLimited(await postForm(`${server.url}/api/auth.revoke`, { token, test: '1' }));
  });
});

describe('client-authentication failures per source address', () => {
  async function failFrom(server: TestServer, forwardedFor: string, clientId: string) {
    return postForm(
      `${server.url}/api/oauth.access`,
      { client_id: clientId, client_secret: '0'.repeat(32), code: 'x' },
      { 'x-forwarded-for': forwardedFor },
    );
  }
  const freshClientId = () => `${Date.now()}.${Math.floor(Math.random() * 1e12)}`;

  it('ignore X-Forwarded-For without --trust-proxy: every caller is the socket address', async () => {
    const server = await startTestServer();
    try {
      for (let i = 0; i < 10; i++) {
        const answer = await failFrom(server, `203.0.113.${i}`, freshClientId());
        assert.deepEqual(answer.body, { ok: false, error: 'invalid_client_id' });
      }
      assertRateLimited(await failFrom(server, '198.51.100.7', freshClientId()));
    } finally {
      await server.close();
    }
  });

  it('with --trust-proxy, count per the address the proxy appended, whatever the client prepends', async () => {
    const server = await startTestServer({ trustProxy: true });
    try {
      for (let i = 0; i < 10; i++) {
        const answer = await failFrom(server, `10.0.0.${i}, 203.0.113.9`, freshClientId());
        assert.deepEqual(answer.body, { ok: false, error: 'invalid_client_id' });
      }
      assertRateLimited(await failFrom(server, '203.0.113.9', freshClientId()));
      assertRateLimited(await failFrom(server, '198.51.100.1, 203.0.113.9', freshClientId()));
      assert.deepEqual((await failFrom(server, '203.0.113.10', freshClientId())).body, {
        ok: false,
        error: 'invalid_client_id',
      });
    } finally {
      await server.close();
    }
  });
});

describe('--rate-limits, --client-auth-failures, --trust-proxy', () => {
  it('amend the tiers method by method, or turn them off', () => {
    assert.deepEqual(
      parseServeConfig({ 'rate-limits': 'oauth.access=5, auth.test=off,users.identity=20' }, {}).rateLimits,
      { 'oauth.access': 5, 'oauth.v2.access': 600, 'auth.revoke': 50, 'users.identity': 20 },
    );
    assert.deepEqual(parseServeConfig({}, { LATCHKEY_RATE_LIMITS: 'off' }).rateLimits, {});
    assert.equal(parseServeConfig({}, { LATCHKEY_CLIENT_AUTH_FAILURES: '25' }).clientAuthFailures, 25);
    assert.equal(parseServeConfig({}, {}).clientAuthFailures, 10);
    assert.equal(parseServeConfig({ 'trust-proxy': true }, {}).trustProxy, true);
    assert.equal(parseServeConfig({}, { LATCHKEY_TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(parseServeConfig({}, {}).trustProxy, false);
    assert.deepEqual(slackMethodTiers, parseServeConfig({}, {}).rateLimits);
  });

  it('refuse a malformed list, naming the flag', () => {
    for (const bad of ['oauth.access', 'oauth.access=0', 'oauth.access=-1', 'Bad=3', 'auth.test=lots']) {
      assert.throws(
        () => parseServeConfig({ 'rate-limits': bad }, {}),
        (error: Error) => error instanceof UsageError && /^--rate-limits: expected /.test(error.message),
        bad,
      );
    }
    assert.throws(
      () => parseServeConfig({ redis: 'http://localhost' }, {}),
      /^UsageError: --redis: expected/,
    );
  });

  it('exit 2 with one line from latchkey serve', async () => {
    const result = await runLatchkey(['serve', '--rate-limits', 'auth.test=many', '--database', ':memory:']);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      "latchkey: --rate-limits: expected 'off' or a list such as oauth.access=100,auth.test=off (calls per minute) (got 'auth.test=many')\n",
    );
  });
});
