import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type Fixture,
  mintCode,
  postForm,
  seed,
  startTestServer,
  type TestServer,
} from './helpers/server.js';
import {
  BOT_TOKEN,
  basicAuth,
  callWith,
  credentialsOf,
  mintV2Code,
  REFRESH_TOKEN,
  ROTATING_BOT_TOKEN,
  ROTATING_USER_TOKEN,
  USER_TOKEN,
} from './helpers/v2.js';

// Spec §5.4 with §2 and §3: the code exchange of oauth.v2.access, its answer shapes, and every check
// in order, over the wire.

let server: TestServer;
let fixture: Fixture;
let rotating: Fixture;
before(async () => {
  server = await startTestServer({ clientAuthFailures: 1000 });
  fixture = await seed(server.domain);
  rotating = await seed(server.domain, { tokenRotation: true });
});
after(() => server.close());

function exchange(form: Record<string, string>, headers: Record<string, string> = {}) {
  return postForm(`${server.url}/api/oauth.v2.access`, form, headers);
}

const credentials = (extra: Record<string, string> = {}) => credentialsOf(fixture, extra);

describe('success', () => {
  it('answers the bot token at the top level and the user token in authed_user, in Slack’s order', async () => {
    const own = await seed(server.domain);
    const code = await mintV2Code(server.domain, own, {
      botScopes: ['chat:write', 'channels:read'],
      userScopes: ['search:read'],
    });
    const answer = await exchange(credentialsOf(own, { code }));
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.equal(answer.headers.get('pragma'), 'no-cache');
    const user = answer.body.authed_user as Record<string, unknown>;
    assert.match(String(answer.body.access_token), BOT_TOKEN);
    assert.match(String(user.access_token), USER_TOKEN);
    assert.match(String(answer.body.bot_user_id), /^U[A-Z0-9]{10}$/);
    assert.notEqual(answer.body.bot_user_id, own.user.id);
    assert.deepEqual(answer.body, {
      ok: true,
      access_token: answer.body.access_token,
      token_type: 'bot',
      scope: 'chat:write,channels:read',
      bot_user_id: answer.body.bot_user_id,
      app_id: own.app.id,
      team: { id: own.workspace.id, name: 'Acme' },
      enterprise: null,
      is_enterprise_install: false,
      authed_user: {
        id: own.user.id,
        scope: 'search:read',
        access_token: user.access_token,
        token_type: 'user',
      },
    });
    assert.deepEqual(Object.keys(answer.body), [
      'ok',
      'access_token',
      'token_type',
      'scope',
      'bot_user_id',
      'app_id',
      'team',
      'enterprise',
      'is_enterprise_install',
      'authed_user',
    ]);
    assert.deepEqual(Object.keys(user), ['id', 'scope', 'access_token', 'token_type']);
  });

  it('a bot-only install has authed_user with the id and nothing more', async () => {
    const own = await seed(server.domain);
    const code = await mintV2Code(server.domain, own, { botScopes: ['chat:write'] });
    const answer = await exchange(credentialsOf(own, { code }));
    assert.equal(answer.body.ok, true);
    assert.equal(answer.body.scope, 'chat:write');
    assert.deepEqual(answer.body.authed_user, { id: own.user.id });
  });

  it('a user-scope-only install has no top-level token, scope or bot_user_id', async () => {
    const own = await seed(server.domain);
    const code = await mintV2Code(server.domain, own, { botScopes: [], userScopes: ['identity.basic'] });
    const answer = await exchange(credentialsOf(own, { code }));
    const user = answer.body.authed_user as Record<string, unknown>;
    assert.match(String(user.access_token), USER_TOKEN);
    assert.deepEqual(answer.body, {
      ok: true,
      app_id: own.app.id,
      team: { id: own.workspace.id, name: 'Acme' },
      enterprise: null,
      is_enterprise_install: false,
      authed_user: {
        id: own.user.id,
        scope: 'identity.basic',
        access_token: user.access_token,
        token_type: 'user',
      },
    });
  });

  it('the bot token is the bot user’s, with the bot scopes in X-OAuth-Scopes', async () => {
    const own = await seed(server.domain);
    const code = await mintV2Code(server.domain, own, { botScopes: ['chat:write'] });
    const answer = await exchange(credentialsOf(own, { code }));
    const whoami = await callWith(server.url, 'auth.test', String(answer.body.access_token));
    assert.equal(whoami.headers.get('x-oauth-scopes'), 'chat:write');
    assert.deepEqual(whoami.body, {
      ok: true,
      url: `https://${own.workspace.domain}.slack.com/`,
      team: 'Acme',
      user: 'test_app',
      team_id: own.workspace.id,
      user_id: answer.body.bot_user_id,
      bot_id: whoami.body.bot_id,
      is_enterprise_install: false,
    });
    assert.match(String(whoami.body.bot_id), /^B[A-Z0-9]{10}$/);
  });

  it('the user token is the person’s, with the user scopes in X-OAuth-Scopes', async () => {
    const own = await seed(server.domain);
    const code = await mintV2Code(server.domain, own, { userScopes: ['search:read'] });
    const answer = await exchange(credentialsOf(own, { code }));
    const token = String((answer.body.authed_user as { access_token: string }).access_token);
    const whoami = await callWith(server.url, 'auth.test', token);
    assert.equal(whoami.headers.get('x-oauth-scopes'), 'search:read');
    assert.equal(whoami.body.user_id, own.user.id);
    assert.equal(whoami.body.bot_id, undefined);
  });

  it('accumulates bot scopes and user scopes separately over installs', async () => {
    const own = await seed(server.domain);
    const first = await exchange(
      credentialsOf(own, {
        code: await mintV2Code(server.domain, own, {
          botScopes: ['chat:write'],
          userScopes: ['search:read'],
        }),
      }),
    );
    const second = await exchange(
      credentialsOf(own, {
        code: await mintV2Code(server.domain, own, {
          botScopes: ['channels:read'],
          userScopes: ['users:read'],
        }),
      }),
    );
    assert.equal(second.body.scope, 'chat:write,channels:read');
    assert.equal((second.body.authed_user as { scope: string }).scope, 'search:read,users:read');
    assert.equal(second.body.bot_user_id, first.body.bot_user_id);
    assert.equal((await callWith(server.url, 'auth.test', String(first.body.access_token))).body.ok, true);
  });

  it('accepts grant_type=authorization_code and HTTP Basic client credentials', async () => {
    const code = await mintV2Code(server.domain, fixture);
    const answer = await exchange(
      { code, grant_type: 'authorization_code' },
      basicAuth(fixture.app.clientId, fixture.clientSecret),
    );
    assert.equal(answer.body.ok, true);
  });

  it('with token rotation: xoxe tokens with expires_in and a refresh token beside each', async () => {
    const own = await seed(server.domain, { tokenRotation: true });
    const code = await mintV2Code(server.domain, own, {
      botScopes: ['chat:write'],
      userScopes: ['search:read'],
    });
    const answer = await exchange(credentialsOf(own, { code }));
    const user = answer.body.authed_user as Record<string, unknown>;
    assert.match(String(answer.body.access_token), ROTATING_BOT_TOKEN);
    assert.match(String(answer.body.refresh_token), REFRESH_TOKEN);
    assert.match(String(user.access_token), ROTATING_USER_TOKEN);
    assert.match(String(user.refresh_token), REFRESH_TOKEN);
    assert.notEqual(user.refresh_token, answer.body.refresh_token);
    assert.deepEqual(answer.body, {
      ok: true,
      access_token: answer.body.access_token,
      expires_in: 43200,
      refresh_token: answer.body.refresh_token,
      token_type: 'bot',
      scope: 'chat:write',
      bot_user_id: answer.body.bot_user_id,
      app_id: own.app.id,
      team: { id: own.workspace.id, name: 'Acme' },
      enterprise: null,
      is_enterprise_install: false,
      authed_user: {
        id: own.user.id,
        scope: 'search:read',
        access_token: user.access_token,
        expires_in: 43200,
        refresh_token: user.refresh_token,
        token_type: 'user',
      },
    });
  });

  it('with token rotation, auth.test tells the rotating token’s expires_in', async () => {
    const code = await mintV2Code(server.domain, rotating, { botScopes: ['chat:write'] });
    const answer = await exchange(credentialsOf(rotating, { code }));
    server.clock.advance(1000);
    const whoami = await callWith(server.url, 'auth.test', String(answer.body.access_token));
    assert.equal(whoami.body.expires_in, 43199);
  });

  it('the token lifetime follows the token expiry setting', async () => {
    const short = await startTestServer({ settings: { tokenExpirySeconds: 120 } });
    try {
      const own = await seed(short.domain, { tokenRotation: true });
      const code = await mintV2Code(short.domain, own, { botScopes: ['chat:write'] });
      const answer = await postForm(`${short.url}/api/oauth.v2.access`, credentialsOf(own, { code }));
      assert.equal(answer.body.expires_in, 120);
    } finally {
      await short.close();
    }
  });
});

describe('checks, in order (spec §2, §3, §5.4)', () => {
  it('invalid_grant_type for any other grant_type, before the client is checked', async () => {
    assert.deepEqual((await exchange({ grant_type: 'password' })).body, {
      ok: false,
      error: 'invalid_grant_type',
    });
  });

  it('invalid_client_id for no client id or an unknown one', async () => {
    assert.deepEqual((await exchange({ code: 'x' })).body, { ok: false, error: 'invalid_client_id' });
    assert.deepEqual((await exchange({ client_id: '1.2', client_secret: 's', code: 'x' })).body, {
      ok: false,
      error: 'invalid_client_id',
    });
  });

  it('bad_client_secret for a wrong secret, before the code is looked at', async () => {
    assert.deepEqual((await exchange(credentials({ client_secret: '0'.repeat(32) }))).body, {
      ok: false,
      error: 'bad_client_secret',
    });
  });

  it('1. invalid_code: missing or unknown', async () => {
    assert.deepEqual((await exchange(credentials())).body, { ok: false, error: 'invalid_code' });
    assert.deepEqual((await exchange(credentials({ code: '1.2.abc' }))).body, {
      ok: false,
      error: 'invalid_code',
    });
  });

  it('1. invalid_code: expired after the code lifetime', async () => {
    const code = await mintV2Code(server.domain, fixture);
    server.clock.advance(600_000);
    assert.deepEqual((await exchange(credentials({ code }))).body, { ok: false, error: 'invalid_code' });
  });

  it('1. invalid_code: another app’s code, which is not burned by the attempt', async () => {
    const other = await seed(server.domain);
    const code = await mintV2Code(server.domain, other);
    assert.deepEqual((await exchange(credentials({ code }))).body, { ok: false, error: 'invalid_code' });
    assert.equal((await exchange(credentialsOf(other, { code }))).body.ok, true);
  });

  it('2. code_already_used, and the bot and user tokens of the code are revoked', async () => {
    const code = await mintV2Code(server.domain, fixture, { userScopes: ['search:read'] });
    const first = await exchange(credentials({ code }));
    assert.deepEqual((await exchange(credentials({ code }))).body, { ok: false, error: 'code_already_used' });
    const bot = String(first.body.access_token);
    const user = String((first.body.authed_user as { access_token: string }).access_token);
    assert.deepEqual((await callWith(server.url, 'auth.test', bot)).body, {
      ok: false,
      error: 'token_revoked',
    });
    assert.deepEqual((await callWith(server.url, 'auth.test', user)).body, {
      ok: false,
      error: 'token_revoked',
    });
  });

  it('2. code_already_used also revokes what was rotated from the code, refresh tokens included', async () => {
    const code = await mintV2Code(server.domain, rotating, { botScopes: ['chat:write'] });
    const first = await exchange(credentialsOf(rotating, { code }));
    const refreshed = await exchange(
      credentialsOf(rotating, {
        grant_type: 'refresh_token',
        refresh_token: String(first.body.refresh_token),
      }),
    );
    assert.equal(refreshed.body.ok, true);
    assert.deepEqual((await exchange(credentialsOf(rotating, { code }))).body, {
      ok: false,
      error: 'code_already_used',
    });
    assert.deepEqual((await callWith(server.url, 'auth.test', String(refreshed.body.access_token))).body, {
      ok: false,
      error: 'token_revoked',
    });
    const again = await exchange(
      credentialsOf(rotating, {
        grant_type: 'refresh_token',
        refresh_token: String(refreshed.body.refresh_token),
      }),
    );
    assert.deepEqual(again.body, { ok: false, error: 'invalid_refresh_token' });
  });

  it('3. oauth_authorization_url_mismatch for a v1 code, which is burned', async () => {
    const code = await mintCode(server.domain, fixture, { scopes: ['identify'] });
    assert.deepEqual((await exchange(credentials({ code }))).body, {
      ok: false,
      error: 'oauth_authorization_url_mismatch',
    });
    assert.deepEqual((await exchange(credentials({ code }))).body, { ok: false, error: 'code_already_used' });
  });

  it('4. bad_redirect_uri when the exchange omits the authorize request’s redirect_uri; burned', async () => {
    const uri = 'https://app.example.com/callback/done';
    const code = await mintV2Code(server.domain, fixture, { redirectUri: uri });
    assert.deepEqual((await exchange(credentials({ code }))).body, { ok: false, error: 'bad_redirect_uri' });
    assert.deepEqual((await exchange(credentials({ code, redirect_uri: uri }))).body, {
      ok: false,
      error: 'code_already_used',
    });
  });

  it('4. the identical redirect_uri is accepted', async () => {
    const uri = 'https://app.example.com/callback/done';
    const code = await mintV2Code(server.domain, fixture, { redirectUri: uri });
    assert.equal((await exchange(credentials({ code, redirect_uri: uri }))).body.ok, true);
  });

  it('5. PKCE S256: a wrong verifier is invalid_code_verifier and burns the code', async () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const codeChallenge = createHash('sha256').update(verifier).digest('base64url');
    const code = await mintV2Code(server.domain, fixture, { codeChallenge });
    assert.deepEqual((await exchange(credentials({ code, code_verifier: `${verifier}x` }))).body, {
      ok: false,
      error: 'invalid_code_verifier',
    });
    assert.deepEqual((await exchange(credentials({ code, code_verifier: verifier }))).body, {
      ok: false,
      error: 'code_already_used',
    });
  });

  it('5. PKCE S256: the right verifier is accepted', async () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const codeChallenge = createHash('sha256').update(verifier).digest('base64url');
    const code = await mintV2Code(server.domain, fixture, { codeChallenge });
    assert.equal((await exchange(credentials({ code, code_verifier: verifier }))).body.ok, true);
  });

  it('5. invalid_code_verifier for a verifier sent with a code that had no challenge', async () => {
    const code = await mintV2Code(server.domain, fixture);
    assert.deepEqual((await exchange(credentials({ code, code_verifier: 'anything' }))).body, {
      ok: false,
      error: 'invalid_code_verifier',
    });
  });
});

describe('oauth.access and v2 codes (spec §3 step 3)', () => {
  it('oauth.access refuses a v2 code with oauth_authorization_url_mismatch', async () => {
    const code = await mintV2Code(server.domain, fixture);
    const answer = await postForm(`${server.url}/api/oauth.access`, credentials({ code }));
    assert.deepEqual(answer.body, { ok: false, error: 'oauth_authorization_url_mismatch' });
  });
});
