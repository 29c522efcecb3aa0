import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebClient, WebClientEvent } from '@slack/web-api';
import { createLatchkey, InvalidFaultError, type Latchkey, type LatchkeyApp } from '../src/index.js';
import type { User } from '../src/storage/store.js';
import { postForm } from './helpers/server.js';

// Issue "Latchkey as a test dependency": createLatchkey(), fault injection and the clock, as a Slack
// app's test suite would use them.

let lk: Latchkey;
let app: LatchkeyApp;
let user: User;
before(async () => {
  lk = await createLatchkey();
  const workspace = await lk.workspaces.create({ name: 'Acme', domain: 'acme' });
  user = await lk.users.create({
    teamId: workspace.id,
    name: 'ada',
    email: 'ada@acme.test',
    password: 'correct horse',
  });
  app = await lk.apps.create({ name: 'Notes', redirectUris: ['http://localhost:3000/slack/oauth_redirect'] });
});
after(() => lk.close());

async function exchange(code: string, target: Latchkey = lk, client: LatchkeyApp = app) {
  return postForm(`${target.apiUrl}oauth.access`, {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    code,
  });
}

async function mint() {
  return (await lk.codes.mint({ clientId: app.clientId, userId: user.id, scopes: ['identify'] })).code;
}

describe('createLatchkey', () => {
  it('listens on a free loopback port and names its URLs', () => {
    assert.match(lk.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(lk.apiUrl, `${lk.url}/api/`);
    assert.equal(lk.authorizeUrl, `${lk.url}/oauth/authorize`);
    assert.equal(lk.v2AuthorizeUrl, `${lk.url}/oauth/v2/authorize`);
  });

  it('install() answers exactly what oauth.access answered', async () => {
    const answer = await lk.install({ app, user, scopes: ['identify', 'bot'] });
    assert.deepEqual(Object.keys(answer), [
      'ok',
      'access_token',
      'scope',
      'user_id',
      'team_id',
      'team_name',
      'enterprise_id',
      'bot',
    ]);
    assert.equal(answer.ok, true);
    assert.equal(answer.scope, 'identify,bot');
    assert.equal(answer.user_id, user.id);
    const client = new WebClient(String(answer.access_token), { slackApiUrl: lk.apiUrl });
    const identity = await client.auth.test();
    assert.equal(identity.user_id, user.id);
    assert.equal(await lk.tokens.revoke(String(answer.access_token)), true);
    await assert.rejects(client.auth.test(), {
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'token_revoked', response_metadata: {} },
    });
  });

  it('auto-approves the authorize pages for a person when asked to', async () => {
    lk.autoApprove(user);
    try {
      const response = await fetch(`${lk.authorizeUrl}?client_id=${app.clientId}&scope=identify&state=s1`, {
        redirect: 'manual',
      });
      assert.equal(response.status, 302);
      assert.match(
        response.headers.get('location') ?? '',
        /^http:\/\/localhost:3000\/slack\/oauth_redirect\?code=[^&]+&state=s1$/,
      );
    } finally {
      lk.autoApprove(undefined);
    }
    const page = await fetch(`${lk.authorizeUrl}?client_id=${app.clientId}&scope=identify`, {
      redirect: 'manual',
    });
    assert.equal(page.status, 200);
  });
});

describe('faults', () => {
  it('answers an injected error exactly as the real one, once', async () => {
    lk.faults.next('oauth.access', { error: 'invalid_code' });
    const code = await mint();
    const injected = await exchange(code);
    assert.equal(injected.status, 200);
    assert.equal(injected.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(injected.headers.get('cache-control'), 'no-store');
    assert.deepEqual(injected.body, { ok: false, error: 'invalid_code' });
    assert.equal((await exchange(code)).body.ok, true);
  });

  it('applies a fault the given number of times, then answers as usual', async () => {
    lk.faults.next('oauth.access', { error: 'code_already_used', times: 2 });
    const code = await mint();
    assert.deepEqual((await exchange(code)).body, { ok: false, error: 'code_already_used' });
    assert.deepEqual((await exchange(code)).body, { ok: false, error: 'code_already_used' });
    assert.equal((await exchange(code)).body.ok, true);
  });

  it('answers an injected rate limit with 429 and Retry-After, which the SDK waits out and retries', async () => {
    lk.faults.next('auth.test', { ratelimited: { retryAfter: 3 } });
    const { access_token: token } = await lk.install({ app, user, scopes: ['identify'] });
    const raw = await postForm(`${lk.apiUrl}auth.test`, {}, { authorization: `Bearer ${token}` });
    assert.equal(raw.status, 429);
    assert.equal(raw.headers.get('retry-after'), '3');
    assert.deepEqual(raw.body, { ok: false, error: 'ratelimited' });

    lk.faults.next('auth.test', { ratelimited: { retryAfter: 1 } });
    const client = new WebClient(String(token), { slackApiUrl: lk.apiUrl });
    const retried: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => retried.push(seconds));
    const identity = await client.auth.test();
    assert.equal(identity.ok, true);
    assert.deepEqual(retried, [1]);
  });

  it('delays a call, then runs it', async () => {
    lk.faults.next('api.test', { delayMs: 300 });
    const started = performance.now();
    const answer = await postForm(`${lk.apiUrl}api.test`, { foo: 'bar' });
    assert.ok(performance.now() - started >= 290);
    assert.deepEqual(answer.body, { ok: true, args: { foo: 'bar' } });
  });

  it('forgets planned faults on clear()', async () => {
    lk.faults.next('oauth.access', { error: 'invalid_code' });
    lk.faults.clear('oauth.access');
    assert.equal((await exchange(await mint())).body.ok, true);
  });

  it('refuses a fault that cannot be carried out', () => {
    assert.throws(() => lk.faults.next('oauth.access', {}), InvalidFaultError);
    assert.throws(() => lk.faults.next('oauth.access', { error: 'Not A Code' }), InvalidFaultError);
    assert.throws(
      () => lk.faults.next('oauth.access', { error: 'x', ratelimited: { retryAfter: 1 } }),
      InvalidFaultError,
    );
    assert.throws(() => lk.faults.next('oauth.access', { error: 'x', times: 0 }), InvalidFaultError);
  });
});

describe('clock', () => {
  it("advance('11m') expires a code without waiting", async () => {
    const code = await mint();
    const before = lk.clock.now();
    lk.clock.advance('11m');
    assert.ok(lk.clock.now() - before >= 11 * 60_000);
    assert.deepEqual((await exchange(code)).body, { ok: false, error: 'invalid_code' });
  });

  it('opens a fresh rate-limit window once a window has been skipped', async () => {
    const limited = await createLatchkey();
    try {
      const team = await limited.workspaces.create({ name: 'T', domain: 't' });
      const person = await limited.users.create({ teamId: team.id, name: 'p' });
      const created = await limited.apps.create({ name: 'A', redirectUris: ['https://a.example.com/cb'] });
      const { access_token: token } = await limited.install({
        app: created,
        user: person,
        scopes: ['identify'],
      });
      const probe = () =>
        postForm(`${limited.apiUrl}auth.revoke`, { test: '1' }, { authorization: `Bearer ${token}` });
      // auth.revoke is Tier 3: 50 calls a minute per app and workspace.
      for (let i = 0; i < 50; i++) assert.equal((await probe()).status, 200);
      const refused = await probe();
      assert.equal(refused.status, 429);
      assert.deepEqual(refused.body, { ok: false, error: 'ratelimited' });
      limited.clock.advance('1m');
      assert.deepEqual((await probe()).body, { ok: true, revoked: false });
    } finally {
      await limited.close();
    }
  });

  it("takes rateLimits: 'off'", async () => {
    const unlimited = await createLatchkey({ rateLimits: 'off' });
    try {
      const team = await unlimited.workspaces.create({ name: 'T', domain: 't' });
      const person = await unlimited.users.create({ teamId: team.id, name: 'p' });
      const created = await unlimited.apps.create({ name: 'A', redirectUris: ['https://a.example.com/cb'] });
      const { access_token: token } = await unlimited.install({
        app: created,
        user: person,
        scopes: ['identify'],
      });
      for (let i = 0; i < 60; i++) {
        const answer = await postForm(
          `${unlimited.apiUrl}auth.revoke`,
          { test: '1' },
          { authorization: `Bearer ${token}` },
        );
        assert.equal(answer.status, 200);
      }
    } finally {
      await unlimited.close();
    }
  });

  it('refuses what is not a duration', () => {
    assert.throws(() => lk.clock.advance('soon'), TypeError);
    assert.throws(() => lk.clock.advance(-5), TypeError);
  });
});

describe('isolation', () => {
  it('eight instances started at once in one process share nothing', async () => {
    const instances = await Promise.all(Array.from({ length: 8 }, () => createLatchkey()));
    try {
      assert.equal(new Set(instances.map((instance) => instance.url)).size, 8);
      const setups = await Promise.all(
        instances.map(async (instance) => {
          // The same workspace domain in each: it exists once per instance, not once per process.
          const workspace = await instance.workspaces.create({ name: 'Same', domain: 'same' });
          const person = await instance.users.create({ teamId: workspace.id, name: 'p' });
          const created = await instance.apps.create({
            name: 'A',
            redirectUris: ['https://a.example.com/cb'],
          });
          return { instance, person, created };
        }),
      );
      const [first, second] = setups as [(typeof setups)[0], (typeof setups)[0]];
      first.instance.faults.next('oauth.access', { error: 'invalid_code', times: 100 });
      first.instance.clock.advance('1h');

      const code = (
        await second.instance.codes.mint({
          clientId: second.created.clientId,
          userId: second.person.id,
          scopes: ['identify'],
        })
      ).code;
      // Another instance knows neither the app nor the code.
      assert.deepEqual((await exchange(code, first.instance, second.created)).body, {
        ok: false,
        error: 'invalid_code',
      });
      assert.deepEqual((await exchange(code, setups[2]?.instance as Latchkey, second.created)).body, {
        ok: false,
        error: 'invalid_client_id',
      });
      // Neither the first's faults nor its clock reach the second.
      assert.equal((await exchange(code, second.instance, second.created)).body.ok, true);
      assert.ok(Math.abs(second.instance.clock.now() - Date.now()) < 60_000);
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
    }
  });
});
