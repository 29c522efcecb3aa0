import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { newToken } from '../src/domain/secrets.js';
import { send } from './helpers/raw-http.js';
import {
  type Fixture,
  mintCode,
  postForm,
  seed,
  startTestServer,
  type TestServer,
} from './helpers/server.js';

// Spec §1.5, §5.1, §5.2: token sources, token errors, X-OAuth-Scopes, auth.test and auth.revoke.

let server: TestServer;
let fixture: Fixture;
before(async () => {
  server = await startTestServer();
  fixture = await seed(server.domain);
});
after(() => server.close());

async function userToken(scopes = ['identify', 'read']): Promise<string> {
  const code = await mintCode(server.domain, fixture, { scopes });
  const answer = await postForm(`${server.url}/api/oauth.access`, {
    client_id: fixture.app.clientId,
    client_secret: fixture.clientSecret,
    code,
  });
  return String(answer.body.access_token);
}

function call(method: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return postForm(`${server.url}/api/${method}`, form, headers);
}

describe('token sources', () => {
  it('takes the token from Authorization: Bearer', async () => {
    const token = await userToken();
    const answer = await call('auth.test', {}, { authorization: `Bearer ${token}` });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-oauth-scopes'), 'identify,read');
    assert.deepEqual(answer.body, {
      ok: true,
      url: `https://${fixture.workspace.domain}.slack.com/`,
      team: 'Acme',
      user: 'ada',
      team_id: fixture.workspace.id,
      user_id: fixture.user.id,
      is_enterprise_install: false,
    });
  });

  it('takes the token from the body and from the query', async () => {
    const token = await userToken();
    assert.equal((await call('auth.test', { token })).body.ok, true);
    const query = await send(server.url, `/api/auth.test?token=${token}`, { method: 'GET' });
    assert.equal(query.json.ok, true);
  });

  it('accepts the same token in header and body at once, as Slack’s Node SDK sends it', async () => {
    const token = await userToken();
    assert.equal((await call('auth.test', { token }, { authorization: `Bearer ${token}` })).body.ok, true);
  });

  it('lets the header win when header and body differ', async () => {
    const token = await userToken();
    const answer = await call('auth.test', { token: 'xoxp-wrong' }, { authorization: `Bearer ${token}` });
    assert.equal(answer.body.ok, true);
    const reverse = await call('auth.test', { token }, { authorization: 'Bearer xoxp-wrong' });
    assert.deepEqual(reverse.body, { ok: false, error: 'invalid_auth' });
  });
});

describe('token errors', () => {
  it('not_authed without a token', async () => {
    const answer = await call('auth.test', {});
    assert.deepEqual(answer.body, { ok: false, error: 'not_authed' });
    assert.equal(answer.headers.get('x-oauth-scopes'), null);
  });

  it('invalid_auth for an unknown token', async () => {
    assert.deepEqual((await call('auth.test', { token: newToken('xoxp') })).body, {
      ok: false,
      error: 'invalid_auth',
    });
  });

  it('token_revoked for a revoked token', async () => {
    const token = await userToken();
    await call('auth.revoke', { token });
    assert.deepEqual((await call('auth.test', { token })).body, { ok: false, error: 'token_revoked' });
  });

  it('token_expired for a rotating token past its expiry', async () => {
    const token = newToken('xoxe.xoxp-1');
    const code = await mintCode(server.domain, fixture);
    const now = server.clock.now();
    await server.domain.store.exchangeCode(server.domain.hasher.hash(code), now, [
      {
        hash: server.domain.hasher.hash(token),
        kind: 'user',
        appId: fixture.app.id,
        teamId: fixture.workspace.id,
        userId: fixture.user.id,
        codeHash: server.domain.hasher.hash(code),
        familyId: randomUUID(),
        expiresAt: now + 60_000,
        addScopes: ['identify'],
      },
    ]);
    const alive = await call('auth.test', { token });
    assert.equal(alive.body.expires_in, 60);
    server.clock.advance(60_000);
    assert.deepEqual((await call('auth.test', { token })).body, { ok: false, error: 'token_expired' });
  });
});

describe('auth.revoke', () => {
  it('test=1 and test=true revoke nothing', async () => {
    const token = await userToken();
    for (const test of ['1', 'true']) {
      const answer = await call('auth.revoke', { token, test });
      assert.deepEqual(answer.body, { ok: true, revoked: false });
      assert.equal(answer.headers.get('x-oauth-scopes'), 'identify,read');
    }
    assert.equal((await call('auth.test', { token })).body.ok, true);
  });

  it('revokes the token, which then answers token_revoked', async () => {
    const token = await userToken();
    assert.deepEqual((await call('auth.revoke', {}, { authorization: `Bearer ${token}` })).body, {
      ok: true,
      revoked: true,
    });
    assert.deepEqual((await call('auth.revoke', { token })).body, { ok: false, error: 'token_revoked' });
  });

  it('not_authed without a token', async () => {
    assert.deepEqual((await call('auth.revoke', {})).body, { ok: false, error: 'not_authed' });
  });
});

describe('api.test', () => {
  it('never echoes a token argument', async () => {
    const answer = await call('api.test', { token: 'xoxp-secret', foo: 'bar' });
    assert.deepEqual(answer.body, { ok: true, args: { foo: 'bar' } });
  });
});

describe('unexpected failures', () => {
  it('answers internal_error and logs the stack when the store breaks underneath', async () => {
    const broken = await startTestServer();
    await broken.domain.store.close();
    try {
      const answer = await postForm(`${broken.url}/api/auth.test`, { token: 'xoxp-1' });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { ok: false, error: 'internal_error' });
      const line = broken.logs.find((entry) => entry.includes('unexpected error'));
      assert.ok(line, 'an error line is logged');
      assert.match(JSON.parse(line).err.stack, /at /);
      assert.ok(!line.includes('xoxp-1'), 'the token is not logged');
    } finally {
      await broken.close().catch(() => undefined);
    }
  });
});
