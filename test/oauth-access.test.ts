import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/domain/apps.js';
import {
  type Fixture,
  mintCode,
  postForm,
  seed,
  startTestServer,
  type TestServer,
} from './helpers/server.js';

// Spec §2 and §3: client authentication and every check of oauth.access, in order, over the wire.

let server: TestServer;
let fixture: Fixture;
before(async () => {
  server = await startTestServer({ clientAuthFailures: 1000 });
  fixture = await seed(server.domain, {
    redirectUris: ['https://app.example.com/callback', 'http://localhost:8080/oauth'],
  });
});
after(() => server.close());

const USER_TOKEN = /^xoxp-\d{11}-\d{13}-[0-9a-f]{64}$/;
const BOT_TOKEN = /^xoxb-\d{11}-\d{13}-[0-9a-f]{64}$/;

function exchange(form: Record<string, string>, headers: Record<string, string> = {}) {
  return postForm(`${server.url}/api/oauth.access`, form, headers);
}

function credentials(extra: Record<string, string> = {}) {
  return { client_id: fixture.app.clientId, client_secret: fixture.clientSecret, ...extra };
}

function basic(id: string, secret: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` };
}

async function authTest(token: string) {
  return postForm(`${server.url}/api/auth.test`, {}, { authorization: `Bearer ${token}` });
}

describe('success', () => {
  it('answers ok with the token, scopes, user and team', async () => {
    const code = await mintCode(server.domain, fixture, { scopes: ['identify', 'read'] });
    const answer = await exchange(credentials({ code }));
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.equal(answer.headers.get('pragma'), 'no-cache');
    assert.match(String(answer.body.access_token), USER_TOKEN);
    assert.deepEqual(answer.body, {
      ok: true,
      access_token: answer.body.access_token,
      scope: 'identify,read',
      user_id: fixture.user.id,
      team_id: fixture.workspace.id,
      team_name: 'Acme',
      enterprise_id: null,
    });
  });

  it('adds the bot object when bot is granted, and the bot token is the bot user', async () => {
    const code = await mintCode(server.domain, fixture, { scopes: ['identify', 'bot'] });
    const answer = await exchange(credentials({ code }));
    const bot = answer.body.bot as { bot_user_id: string; bot_access_token: string };
    assert.match(bot.bot_access_token, BOT_TOKEN);
    assert.match(bot.bot_user_id, /^U[A-Z0-9]{10}$/);
    const whoami = await authTest(bot.bot_access_token);
    assert.deepEqual(whoami.body, {
      ok: true,
      url: `https://${fixture.workspace.domain}.slack.com/`,
      team: 'Acme',
      user: 'test_app',
      team_id: fixture.workspace.id,
      user_id: bot.bot_user_id,
      bot_id: whoami.body.bot_id,
      is_enterprise_install: false,
    });
    assert.match(String(whoami.body.bot_id), /^B[A-Z0-9]{10}$/);
    assert.equal(whoami.headers.get('x-oauth-scopes'), 'bot');
  });

  it('accumulates scopes over approvals, and earlier tokens stay valid', async () => {
    const own = await seed(server.domain);
    const first = await exchange({
      client_id: own.app.clientId,
      client_secret: own.clientSecret,
      code: await mintCode(server.domain, own, { scopes: ['identify'] }),
    });
    assert.equal(first.body.scope, 'identify');
    const second = await exchange({
      client_id: own.app.clientId,
      client_secret: own.clientSecret,
      code: await mintCode(server.domain, own, { scopes: ['read', 'identify'] }),
    });
    assert.equal(second.body.scope, 'identify,read');
    assert.equal((await authTest(String(first.body.access_token))).body.ok, true);
  });

  it('accepts and ignores single_channel, grant_type and unknown arguments', async () => {
    const code = await mintCode(server.domain, fixture);
    const answer = await exchange(
      credentials({ code, single_channel: 'true', grant_type: 'authorization_code', x: 'y' }),
    );
    assert.equal(answer.body.ok, true);
  });

  it('accepts a GET with query arguments', async () => {
    const code = await mintCode(server.domain, fixture);
    const query = new URLSearchParams(credentials({ code }));
    const answer = await fetch(`${server.url}/api/oauth.access?${query}`);
    assert.equal(((await answer.json()) as { ok: boolean }).ok, true);
  });
});

describe('client authentication (spec §2)', () => {
  it('accepts HTTP Basic instead of body credentials', async () => {
    const code = await mintCode(server.domain, fixture);
    const answer = await exchange({ code }, basic(fixture.app.clientId, fixture.clientSecret));
    assert.equal(answer.body.ok, true);
  });

  it('percent-decodes the Basic id and secret (RFC 6749 §2.3.1)', async () => {
    const percentEncode = (text: string) => [...text].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    const code = await mintCode(server.domain, fixture);
    const answer = await exchange(
      { code },
      basic(percentEncode(fixture.app.clientId), percentEncode(fixture.clientSecret)),
    );
    assert.equal(answer.body.ok, true);
  });

  it('accepts Basic and body together when they agree', async () => {
    const code = await mintCode(server.domain, fixture);
    const answer = await exchange(credentials({ code }), basic(fixture.app.clientId, fixture.clientSecret));
    assert.equal(answer.body.ok, true);
  });

  it('invalid_client_id when Basic and body ids differ', async () => {
    const other = await createApp(server.domain, {
      name: 'Other',
      redirectUris: ['https://o.example.com/cb'],
    });
    const answer = await exchange(
      { client_id: other.app.clientId, code: 'x' },
      basic(fixture.app.clientId, fixture.clientSecret),
    );
    assert.deepEqual(answer.body, { ok: false, error: 'invalid_client_id' });
  });

  it('bad_client_secret when Basic and body secrets differ', async () => {
    const answer = await exchange(
      { client_secret: 'f'.repeat(32), code: 'x' },
      basic(fixture.app.clientId, fixture.clientSecret),
    );
    assert.deepEqual(answer.body, { ok: false, error: 'bad_client_secret' });
  });

  it('invalid_client_id for an undecodable Basic header or one without a colon', async () => {
    for (const header of [
      'Basic !!!notbase64',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      'Basic ',
    ]) {
      const answer = await exchange({ code: 'x' }, { authorization: header });
      assert.deepEqual(answer.body, { ok: false, error: 'invalid_client_id' }, header);
    }
  });

  it('invalid_client_id for no client id or an unknown one', async () => {
    assert.deepEqual((await exchange({ code: 'x' })).body, { ok: false, error: 'invalid_client_id' });
    assert.deepEqual((await exchange({ client_id: '1.2', client_secret: 's', code: 'x' })).body, {
      ok: false,
      error: 'invalid_client_id',
    });
  });

  it('bad_client_secret for no secret or a wrong one', async () => {
    assert.deepEqual((await exchange({ client_id: fixture.app.clientId, code: 'x' })).body, {
      ok: false,
      error: 'bad_client_secret',
    });
    assert.deepEqual((await exchange(credentials({ client_secret: '0'.repeat(32), code: 'x' }))).body, {
      ok: false,
      error: 'bad_client_secret',
    });
  });

  it('checks the client before the code', async () => {
    assert.deepEqual((await exchange({ client_id: '9.9' })).body, { ok: false, error: 'invalid_client_id' });
  });
});

describe('code checks, in order (spec §3)', () => {
  it('1. invalid_code: missing or unknown', async () => {
    assert.deepEqual((await exchange(credentials())).body, { ok: false, error: 'invalid_code' });
    assert.deepEqual((await exchange(credentials({ code: '123.456.abc' }))).body, {
      ok: false,
      error: 'invalid_code',
    });
  });

  it('1. invalid_code: expired after the code lifetime', async () => {
    const code = await mintCode(server.domain, fixture);
    server.clock.advance(600_000);
    assert.deepEqual((await exchange(credentials({ code }))).body, { ok: false, error: 'invalid_code' });
  });

  it('1. invalid_code: another app’s code, which is not burned by the attempt', async () => {
    const other = await seed(server.domain);
    const code = await mintCode(server.domain, other);
    assert.deepEqual((await exchange(credentials({ code }))).body, { ok: false, error: 'invalid_code' });
    const own = await exchange({ client_id: other.app.clientId, client_secret: other.clientSecret, code });
    assert.equal(own.body.ok, true);
  });

  it('2. code_already_used, and every token issued from the code is revoked', async () => {
    const code = await mintCode(server.domain, fixture, { scopes: ['identify', 'bot'] });
    const first = await exchange(credentials({ code }));
    const bot = first.body.bot as { bot_access_token: string };
    assert.deepEqual((await exchange(credentials({ code }))).body, { ok: false, error: 'code_already_used' });
    assert.deepEqual((await authTest(String(first.body.access_token))).body, {
      ok: false,
      error: 'token_revoked',
    });
    assert.deepEqual((await authTest(bot.bot_access_token)).body, { ok: false, error: 'token_revoked' });
  });

  it('3. oauth_authorization_url_mismatch for a v2 code, which is burned', async () => {
    const code = await mintCode(server.domain, fixture, { version: 2, scopes: ['chat:write'] });
    assert.deepEqual((await exchange(credentials({ code }))).body, {
      ok: false,
      error: 'oauth_authorization_url_mismatch',
    });
    assert.deepEqual((await exchange(credentials({ code }))).body, { ok: false, error: 'code_already_used' });
  });

  it('4. bad_redirect_uri when the authorize request had one and the exchange differs or omits it', async () => {
    const uri = 'https://app.example.com/callback/done';
    const omitted = await mintCode(server.domain, fixture, { redirectUri: uri });
    assert.deepEqual((await exchange(credentials({ code: omitted }))).body, {
      ok: false,
      error: 'bad_redirect_uri',
    });
    const differs = await mintCode(server.domain, fixture, { redirectUri: uri });
    assert.deepEqual(
      (await exchange(credentials({ code: differs, redirect_uri: 'https://app.example.com/callback' }))).body,
      {
        ok: false,
        error: 'bad_redirect_uri',
      },
    );
    const same = await mintCode(server.domain, fixture, { redirectUri: uri });
    assert.equal((await exchange(credentials({ code: same, redirect_uri: uri }))).body.ok, true);
  });

  it('4. bad_redirect_uri burns the code', async () => {
    const code = await mintCode(server.domain, fixture, { redirectUri: 'https://app.example.com/callback' });
    await exchange(credentials({ code }));
    assert.deepEqual(
      (await exchange(credentials({ code, redirect_uri: 'https://app.example.com/callback' }))).body,
      { ok: false, error: 'code_already_used' },
    );
  });

  it('4. without a redirect_uri at authorize, an exchange’s must match a registered one', async () => {
    const subPath = await mintCode(server.domain, fixture);
    assert.equal(
      (await exchange(credentials({ code: subPath, redirect_uri: 'http://localhost:8080/oauth/x' }))).body.ok,
      true,
    );
    const unregistered = await mintCode(server.domain, fixture);
    assert.deepEqual(
      (await exchange(credentials({ code: unregistered, redirect_uri: 'https://app.example.com/callbackx' })))
        .body,
      { ok: false, error: 'bad_redirect_uri' },
    );
  });

  it('5. PKCE S256: the right verifier works, a wrong or missing one fails and burns the code', async () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const codeChallenge = createHash('sha256').update(verifier).digest('base64url');
    const good = await mintCode(server.domain, fixture, { codeChallenge });
    assert.equal((await exchange(credentials({ code: good, code_verifier: verifier }))).body.ok, true);

    const wrong = await mintCode(server.domain, fixture, { codeChallenge });
    assert.deepEqual((await exchange(credentials({ code: wrong, code_verifier: `${verifier}x` }))).body, {
      ok: false,
      error: 'invalid_code_verifier',
    });
    assert.deepEqual((await exchange(credentials({ code: wrong, code_verifier: verifier }))).body, {
      ok: false,
      error: 'code_already_used',
    });
    const missing = await mintCode(server.domain, fixture, { codeChallenge });
    assert.deepEqual((await exchange(credentials({ code: missing }))).body, {
      ok: false,
      error: 'invalid_code_verifier',
    });
  });

  it('5. PKCE plain, and a verifier for a code without a challenge', async () => {
    const plain = await mintCode(server.domain, fixture, {
      codeChallenge: 'just-a-plain-verifier-of-43-characters-long',
      codeChallengeMethod: 'plain',
    });
    assert.equal(
      (
        await exchange(
          credentials({ code: plain, code_verifier: 'just-a-plain-verifier-of-43-characters-long' }),
        )
      ).body.ok,
      true,
    );
    const none = await mintCode(server.domain, fixture);
    assert.deepEqual((await exchange(credentials({ code: none, code_verifier: 'anything' }))).body, {
      ok: false,
      error: 'invalid_code_verifier',
    });
  });
});

describe('client-authentication failures are rate limited (spec §2, §6)', () => {
  it('answers 429 ratelimited with Retry-After after 10 failures, even for the right secret', async () => {
    const limited = await startTestServer();
    try {
      const own = await seed(limited.domain);
      const form = { client_id: own.app.clientId, client_secret: '0'.repeat(32), code: 'x' };
      for (let i = 0; i < 10; i++) {
        const answer = await postForm(`${limited.url}/api/oauth.access`, form);
        assert.deepEqual(answer.body, { ok: false, error: 'bad_client_secret' });
      }
      const code = await mintCode(limited.domain, own);
      const right = await postForm(`${limited.url}/api/oauth.access`, {
        client_id: own.app.clientId,
        client_secret: own.clientSecret,
        code,
      });
      assert.equal(right.status, 429);
      assert.match(String(right.headers.get('retry-after')), /^([1-9]|[1-5]\d|60)$/);
      assert.deepEqual(right.body, { ok: false, error: 'ratelimited' });
    } finally {
      await limited.close();
    }
  });
});
