import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Fixture, postForm, seed, startTestServer, type TestServer } from './helpers/server.js';
import {
  basicAuth,
  callWith,
  credentialsOf,
  mintV2Code,
  REFRESH_TOKEN,
  ROTATING_BOT_TOKEN,
  ROTATING_USER_TOKEN,
} from './helpers/v2.js';

// Spec §5.4: token rotation. oauth.v2.access with grant_type=refresh_token, single-use refresh
// tokens, replay detection that revokes the family, the grace window, expiry, and the race.

let server: TestServer;
before(async () => {
  server = await startTestServer({ clientAuthFailures: 1000 });
});
after(() => server.close());

interface Install {
  readonly fixture: Fixture;
  readonly botToken: string;
  readonly botRefresh: string;
  readonly userToken: string;
  readonly userRefresh: string;
  readonly botUserId: string;
}

/** A fresh rotation-enabled app installed with bot and user scopes. */
async function install(on: TestServer = server): Promise<Install> {
  const fixture = await seed(on.domain, { tokenRotation: true });
  const code = await mintV2Code(on.domain, fixture, {
    botScopes: ['chat:write'],
    userScopes: ['search:read'],
  });
  const answer = await postForm(`${on.url}/api/oauth.v2.access`, credentialsOf(fixture, { code }));
  assert.equal(answer.body.ok, true);
  const user = answer.body.authed_user as { access_token: string; refresh_token: string };
  return {
    fixture,
    botToken: String(answer.body.access_token),
    botRefresh: String(answer.body.refresh_token),
    userToken: user.access_token,
    userRefresh: user.refresh_token,
    botUserId: String(answer.body.bot_user_id),
  };
}

function refresh(
  fixture: Fixture,
  refreshToken: string | undefined,
  on: TestServer = server,
  headers: Record<string, string> = {},
) {
  const form = {
    grant_type: 'refresh_token',
    ...(refreshToken !== undefined && { refresh_token: refreshToken }),
  };
  return postForm(`${on.url}/api/oauth.v2.access`, credentialsOf(fixture, form), headers);
}

const authTest = (token: string, on: TestServer = server) => callWith(on.url, 'auth.test', token);

const INVALID_REFRESH = { ok: false, error: 'invalid_refresh_token' };
const REVOKED = { ok: false, error: 'token_revoked' };

describe('refresh_token grant', () => {
  it('answers the flat body with a new bot token and a new refresh token', async () => {
    const { fixture, botRefresh, botUserId } = await install();
    const answer = await refresh(fixture, botRefresh);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.match(String(answer.body.access_token), ROTATING_BOT_TOKEN);
    assert.match(String(answer.body.refresh_token), REFRESH_TOKEN);
    assert.notEqual(answer.body.refresh_token, botRefresh);
    assert.deepEqual(answer.body, {
      ok: true,
      app_id: fixture.app.id,
      scope: 'chat:write',
      token_type: 'bot',
      access_token: answer.body.access_token,
      bot_user_id: botUserId,
      refresh_token: answer.body.refresh_token,
      expires_in: 43200,
      team: { id: fixture.workspace.id, name: 'Acme' },
      enterprise: null,
      is_enterprise_install: false,
    });
    assert.deepEqual(Object.keys(answer.body), [
      'ok',
      'app_id',
      'scope',
      'token_type',
      'access_token',
      'bot_user_id',
      'refresh_token',
      'expires_in',
      'team',
      'enterprise',
      'is_enterprise_install',
    ]);
  });

  it('refreshes a user token from authed_user as token_type user, without bot_user_id', async () => {
    const { fixture, userRefresh } = await install();
    const answer = await refresh(fixture, userRefresh);
    assert.match(String(answer.body.access_token), ROTATING_USER_TOKEN);
    assert.deepEqual(answer.body, {
      ok: true,
      app_id: fixture.app.id,
      scope: 'search:read',
      token_type: 'user',
      access_token: answer.body.access_token,
      refresh_token: answer.body.refresh_token,
      expires_in: 43200,
      team: { id: fixture.workspace.id, name: 'Acme' },
      enterprise: null,
      is_enterprise_install: false,
    });
  });

  it('the new access token is the same bot, with the same scopes and its expires_in', async () => {
    const { fixture, botRefresh, botUserId } = await install();
    const answer = await refresh(fixture, botRefresh);
    const whoami = await authTest(String(answer.body.access_token));
    assert.equal(whoami.headers.get('x-oauth-scopes'), 'chat:write');
    assert.equal(whoami.body.user_id, botUserId);
    assert.equal(whoami.body.expires_in, 43200);
  });

  it('the access token a refresh replaced keeps working until it expires', async () => {
    const { fixture, botToken, botRefresh } = await install();
    assert.equal((await refresh(fixture, botRefresh)).body.ok, true);
    assert.equal((await authTest(botToken)).body.ok, true);
  });

  it('takes the client credentials from HTTP Basic too', async () => {
    const { fixture, botRefresh } = await install();
    const answer = await postForm(
      `${server.url}/api/oauth.v2.access`,
      { grant_type: 'refresh_token', refresh_token: botRefresh },
      basicAuth(fixture.app.clientId, fixture.clientSecret),
    );
    assert.equal(answer.body.ok, true);
  });

  it('a refresh token still works after its access token expired', async () => {
    const { fixture, botRefresh } = await install();
    server.clock.advance(43_200_000);
    assert.equal((await refresh(fixture, botRefresh)).body.ok, true);
  });
});

describe('refresh_token grant errors', () => {
  it('bad_client_secret before the refresh token is looked at, which stays unspent', async () => {
    const { fixture, botRefresh } = await install();
    const wrong = await postForm(`${server.url}/api/oauth.v2.access`, {
      client_id: fixture.app.clientId,
      client_secret: '0'.repeat(32),
      grant_type: 'refresh_token',
      refresh_token: botRefresh,
    });
    assert.deepEqual(wrong.body, { ok: false, error: 'bad_client_secret' });
    assert.equal((await refresh(fixture, botRefresh)).body.ok, true);
  });

  it('invalid_refresh_token without a refresh token', async () => {
    const { fixture } = await install();
    assert.deepEqual((await refresh(fixture, undefined)).body, INVALID_REFRESH);
  });

  it('invalid_refresh_token for an unknown refresh token', async () => {
    const { fixture } = await install();
    assert.deepEqual((await refresh(fixture, `xoxe-1-${'1'.repeat(11)}-x`)).body, INVALID_REFRESH);
  });

  it('invalid_refresh_token for another app’s refresh token, which is not spent by it', async () => {
    const mine = await install();
    const theirs = await install();
    assert.deepEqual((await refresh(mine.fixture, theirs.botRefresh)).body, INVALID_REFRESH);
    assert.equal((await refresh(theirs.fixture, theirs.botRefresh)).body.ok, true);
  });

  it('invalid_grant_type for a grant type other than authorization_code and refresh_token', async () => {
    const { fixture, botRefresh } = await install();
    const answer = await postForm(
      `${server.url}/api/oauth.v2.access`,
      credentialsOf(fixture, { grant_type: 'client_credentials', refresh_token: botRefresh }),
    );
    assert.deepEqual(answer.body, { ok: false, error: 'invalid_grant_type' });
  });

  it('client-authentication failures on the refresh grant count against the same limit (429)', async () => {
    const limited = await startTestServer();
    try {
      const { fixture, botRefresh } = await install(limited);
      for (let i = 0; i < 10; i++) {
        const answer = await postForm(`${limited.url}/api/oauth.v2.access`, {
          client_id: fixture.app.clientId,
          client_secret: '0'.repeat(32),
          grant_type: 'refresh_token',
          refresh_token: botRefresh,
        });
        assert.deepEqual(answer.body, { ok: false, error: 'bad_client_secret' });
      }
      const right = await refresh(fixture, botRefresh, limited);
      assert.equal(right.status, 429);
      assert.match(String(right.headers.get('retry-after')), /^([1-9]|[1-5]\d|60)$/);
      assert.deepEqual(right.body, { ok: false, error: 'ratelimited' });
    } finally {
      await limited.close();
    }
  });
});

describe('single use and replay detection (strict: no grace window)', () => {
  it('refresh twice, then replaying the first refresh token revokes the live tokens of the family', async () => {
    const { fixture, botRefresh, userToken } = await install();
    const first = await refresh(fixture, botRefresh);
    const second = await refresh(fixture, String(first.body.refresh_token));
    assert.equal(second.body.ok, true);
    assert.equal((await authTest(String(second.body.access_token))).body.ok, true);

    assert.deepEqual((await refresh(fixture, botRefresh)).body, INVALID_REFRESH);
    assert.deepEqual((await authTest(String(second.body.access_token))).body, REVOKED);
    assert.deepEqual((await authTest(String(first.body.access_token))).body, REVOKED);
    assert.deepEqual((await authTest(userToken)).body, REVOKED);
  });

  it('after a replay, the newest refresh token of the family is dead too', async () => {
    const { fixture, botRefresh, userRefresh } = await install();
    const first = await refresh(fixture, botRefresh);
    assert.deepEqual((await refresh(fixture, botRefresh)).body, INVALID_REFRESH);
    assert.deepEqual((await refresh(fixture, String(first.body.refresh_token))).body, INVALID_REFRESH);
    assert.deepEqual((await refresh(fixture, userRefresh)).body, INVALID_REFRESH);
  });

  it('a replay does not touch another install of the same app', async () => {
    const { fixture, botRefresh } = await install();
    const code = await mintV2Code(server.domain, fixture, { botScopes: ['chat:write'] });
    const other = await postForm(`${server.url}/api/oauth.v2.access`, credentialsOf(fixture, { code }));
    await refresh(fixture, botRefresh);
    assert.deepEqual((await refresh(fixture, botRefresh)).body, INVALID_REFRESH);
    assert.equal((await authTest(String(other.body.access_token))).body.ok, true);
  });

  it('of 20 concurrent refreshes of one token exactly one succeeds; the 19 replays revoke the family', async () => {
    const { fixture, botRefresh } = await install();
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(fixture, botRefresh)));
    const winners = answers.filter((answer) => answer.body.ok === true);
    assert.equal(winners.length, 1);
    assert.equal(answers.filter((answer) => answer.body.error === 'invalid_refresh_token').length, 19);
    // Without a grace window a racing refresh is a replay: that is what the window is for.
    assert.deepEqual((await authTest(String(winners[0]?.body.access_token))).body, REVOKED);
  });
});

describe('grace window (--refresh-grace)', () => {
  let graceful: TestServer;
  before(async () => {
    graceful = await startTestServer({ settings: { refreshGraceSeconds: 30 } });
  });
  after(() => graceful.close());

  it('a reuse inside the window is refused, and the family lives', async () => {
    const { fixture, botRefresh } = await install(graceful);
    const first = await refresh(fixture, botRefresh, graceful);
    graceful.clock.advance(29_999);
    assert.deepEqual((await refresh(fixture, botRefresh, graceful)).body, INVALID_REFRESH);
    assert.equal((await authTest(String(first.body.access_token), graceful)).body.ok, true);
    assert.equal((await refresh(fixture, String(first.body.refresh_token), graceful)).body.ok, true);
  });

  it('a reuse once the window has closed revokes the family', async () => {
    const { fixture, botRefresh } = await install(graceful);
    const first = await refresh(fixture, botRefresh, graceful);
    graceful.clock.advance(30_000);
    assert.deepEqual((await refresh(fixture, botRefresh, graceful)).body, INVALID_REFRESH);
    assert.deepEqual((await authTest(String(first.body.access_token), graceful)).body, REVOKED);
  });

  it('of 20 concurrent refreshes exactly one succeeds, and the winner’s tokens work', async () => {
    const { fixture, botRefresh } = await install(graceful);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => refresh(fixture, botRefresh, graceful)),
    );
    const winners = answers.filter((answer) => answer.body.ok === true);
    assert.equal(winners.length, 1);
    assert.equal(answers.filter((answer) => answer.body.error === 'invalid_refresh_token').length, 19);
    assert.equal((await authTest(String(winners[0]?.body.access_token), graceful)).body.ok, true);
    assert.equal((await refresh(fixture, String(winners[0]?.body.refresh_token), graceful)).body.ok, true);
  });
});

describe('expiry', () => {
  it('a rotating token answers token_expired once expires_in has passed', async () => {
    const { botToken } = await install();
    server.clock.advance(43_199_999);
    assert.equal((await authTest(botToken)).body.ok, true);
    server.clock.advance(1);
    assert.deepEqual((await authTest(botToken)).body, { ok: false, error: 'token_expired' });
  });

  it('with a short --token-expiry, a refreshed token expires after that many seconds', async () => {
    const short = await startTestServer({ settings: { tokenExpirySeconds: 5 } });
    try {
      const { fixture, botRefresh } = await install(short);
      const answer = await refresh(fixture, botRefresh, short);
      assert.equal(answer.body.expires_in, 5);
      short.clock.advance(5_000);
      assert.deepEqual((await authTest(String(answer.body.access_token), short)).body, {
        ok: false,
        error: 'token_expired',
      });
    } finally {
      await short.close();
    }
  });
});
