import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { updateApp } from '../src/domain/apps.js';
import {
  type Fixture,
  mintCode,
  postForm,
  seed,
  startTestServer,
  type TestServer,
} from './helpers/server.js';
import {
  callWith,
  credentialsOf,
  mintV2Code,
  REFRESH_TOKEN,
  ROTATING_BOT_TOKEN,
  ROTATING_USER_TOKEN,
} from './helpers/v2.js';

// oauth.v2.exchange: a long-lived token of an app that turned token rotation on becomes a rotating
// pair, once; the old token works until the new chain's first refresh, then expires.

let server: TestServer;
before(async () => {
  server = await startTestServer({ clientAuthFailures: 1000 });
});
after(() => server.close());

interface LongLived {
  readonly fixture: Fixture;
  readonly botToken: string;
  readonly userToken: string;
  readonly botUserId: string;
}

/** A v2 install made before token rotation was turned on, then `apps update --token-rotation`. */
async function installThenEnableRotation(): Promise<LongLived> {
  const before = await seed(server.domain);
  const code = await mintV2Code(server.domain, before, {
    botScopes: ['chat:write'],
    userScopes: ['search:read'],
  });
  const answer = await postForm(`${server.url}/api/oauth.v2.access`, credentialsOf(before, { code }));
  const app = await updateApp(server.domain, before.app.clientId, { tokenRotation: true });
  return {
    fixture: { ...before, app },
    botToken: String(answer.body.access_token),
    userToken: String((answer.body.authed_user as { access_token: string }).access_token),
    botUserId: String(answer.body.bot_user_id),
  };
}

function exchange(fixture: Fixture, token: string | undefined, credentials = credentialsOf(fixture)) {
  return postForm(`${server.url}/api/oauth.v2.exchange`, {
    ...credentials,
    ...(token !== undefined && { token }),
  });
}

function refresh(fixture: Fixture, refreshToken: string) {
  return postForm(
    `${server.url}/api/oauth.v2.access`,
    credentialsOf(fixture, { grant_type: 'refresh_token', refresh_token: refreshToken }),
  );
}

const authTest = (token: string) => callWith(server.url, 'auth.test', token);

describe('success', () => {
  it('turns a long-lived bot token into a rotating pair with the same scopes', async () => {
    const { fixture, botToken, botUserId } = await installThenEnableRotation();
    const answer = await exchange(fixture, botToken);
    assert.equal(answer.status, 200);
    assert.match(String(answer.body.access_token), ROTATING_BOT_TOKEN);
    assert.match(String(answer.body.refresh_token), REFRESH_TOKEN);
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
    const whoami = await authTest(String(answer.body.access_token));
    assert.equal(whoami.body.user_id, botUserId);
    assert.equal(whoami.body.expires_in, 43200);
  });

  it('turns a long-lived user token into a rotating user pair', async () => {
    const { fixture, userToken } = await installThenEnableRotation();
    const answer = await exchange(fixture, userToken);
    assert.match(String(answer.body.access_token), ROTATING_USER_TOKEN);
    assert.equal(answer.body.token_type, 'user');
    assert.equal(answer.body.scope, 'search:read');
    assert.equal(answer.body.bot_user_id, undefined);
  });

  it('the old token keeps working after the exchange', async () => {
    const { fixture, botToken } = await installThenEnableRotation();
    assert.equal((await exchange(fixture, botToken)).body.ok, true);
    assert.equal((await authTest(botToken)).body.ok, true);
  });

  it('the old token expires at the first refresh of the new chain', async () => {
    const { fixture, botToken } = await installThenEnableRotation();
    const pair = await exchange(fixture, botToken);
    assert.equal((await refresh(fixture, String(pair.body.refresh_token))).body.ok, true);
    assert.deepEqual((await authTest(botToken)).body, { ok: false, error: 'token_expired' });
  });

  it('a replay on the new chain revokes the old token with the rest of the install', async () => {
    const { fixture, botToken, userToken } = await installThenEnableRotation();
    const pair = await exchange(fixture, userToken);
    await refresh(fixture, String(pair.body.refresh_token));
    assert.deepEqual((await refresh(fixture, String(pair.body.refresh_token))).body, {
      ok: false,
      error: 'invalid_refresh_token',
    });
    assert.deepEqual((await authTest(botToken)).body, { ok: false, error: 'token_revoked' });
  });

  it('takes the token from Authorization: Bearer as well', async () => {
    const { fixture, botToken } = await installThenEnableRotation();
    const answer = await postForm(`${server.url}/api/oauth.v2.exchange`, credentialsOf(fixture), {
      authorization: `Bearer ${botToken}`,
    });
    assert.equal(answer.body.ok, true);
  });

  it('of 10 concurrent exchanges of one token exactly one succeeds', async () => {
    const { fixture, botToken } = await installThenEnableRotation();
    const answers = await Promise.all(Array.from({ length: 10 }, () => exchange(fixture, botToken)));
    assert.equal(answers.filter((answer) => answer.body.ok === true).length, 1);
    assert.equal(answers.filter((answer) => answer.body.error === 'token_already_exchanged').length, 9);
  });
});

describe('errors, in order', () => {
  it('invalid_client_id for an unknown client id', async () => {
    const { botToken } = await installThenEnableRotation();
    const answer = await postForm(`${server.url}/api/oauth.v2.exchange`, {
      client_id: '1.2',
      client_secret: 's',
      token: botToken,
    });
    assert.deepEqual(answer.body, { ok: false, error: 'invalid_client_id' });
  });

  it('bad_client_secret for a wrong secret', async () => {
    const { fixture, botToken } = await installThenEnableRotation();
    const answer = await exchange(fixture, botToken, {
      client_id: fixture.app.clientId,
      client_secret: '0'.repeat(32),
    });
    assert.deepEqual(answer.body, { ok: false, error: 'bad_client_secret' });
  });

  it('token_rotation_not_enabled for an app without token rotation, before the token is looked at', async () => {
    const fixture = await seed(server.domain);
    assert.deepEqual((await exchange(fixture, undefined)).body, {
      ok: false,
      error: 'token_rotation_not_enabled',
    });
  });

  it('invalid_token without a token', async () => {
    const { fixture } = await installThenEnableRotation();
    assert.deepEqual((await exchange(fixture, undefined)).body, { ok: false, error: 'invalid_token' });
  });

  it('invalid_token for an unknown token', async () => {
    const { fixture } = await installThenEnableRotation();
    assert.deepEqual((await exchange(fixture, 'xoxb-1-2-3')).body, { ok: false, error: 'invalid_token' });
  });

  it('invalid_token for another app’s token', async () => {
    const mine = await installThenEnableRotation();
    const theirs = await installThenEnableRotation();
    assert.deepEqual((await exchange(mine.fixture, theirs.botToken)).body, {
      ok: false,
      error: 'invalid_token',
    });
  });

  it('invalid_token for a classic oauth.access token', async () => {
    const { fixture } = await installThenEnableRotation();
    const code = await mintCode(server.domain, fixture, { scopes: ['identify'] });
    const classic = await postForm(`${server.url}/api/oauth.access`, credentialsOf(fixture, { code }));
    assert.deepEqual((await exchange(fixture, String(classic.body.access_token))).body, {
      ok: false,
      error: 'invalid_token',
    });
  });

  it('invalid_token for a token that is already rotating', async () => {
    const { fixture } = await installThenEnableRotation();
    const code = await mintV2Code(server.domain, fixture, { botScopes: ['chat:write'] });
    const rotating = await postForm(`${server.url}/api/oauth.v2.access`, credentialsOf(fixture, { code }));
    assert.deepEqual((await exchange(fixture, String(rotating.body.access_token))).body, {
      ok: false,
      error: 'invalid_token',
    });
  });

  it('token_already_exchanged for a second exchange of one token', async () => {
    const { fixture, botToken } = await installThenEnableRotation();
    await exchange(fixture, botToken);
    assert.deepEqual((await exchange(fixture, botToken)).body, {
      ok: false,
      error: 'token_already_exchanged',
    });
  });

  it('token_already_exchanged once the exchanged token has expired', async () => {
    const { fixture, botToken } = await installThenEnableRotation();
    const pair = await exchange(fixture, botToken);
    await refresh(fixture, String(pair.body.refresh_token));
    assert.deepEqual((await exchange(fixture, botToken)).body, {
      ok: false,
      error: 'token_already_exchanged',
    });
  });

  it('authorization_not_found for a revoked token', async () => {
    const { fixture, botToken } = await installThenEnableRotation();
    assert.equal((await callWith(server.url, 'auth.revoke', botToken)).body.revoked, true);
    assert.deepEqual((await exchange(fixture, botToken)).body, {
      ok: false,
      error: 'authorization_not_found',
    });
  });
});
