import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { WebClient } from '@slack/web-api';
import { updateApp } from '../src/domain/apps.js';
import { type Fixture, seed, startTestServer, type TestServer } from './helpers/server.js';
import { mintV2Code, REFRESH_TOKEN, ROTATING_BOT_TOKEN, ROTATING_USER_TOKEN } from './helpers/v2.js';

// @slack/web-api's WebClient, unchanged, pointed at Latchkey with slackApiUrl: oauth.v2.access with a
// code and with a refresh token, and oauth.v2.exchange.

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

function client(token?: string) {
  return new WebClient(token, { slackApiUrl: `${server.url}/api/`, retryConfig: { retries: 0 } });
}

function credentials(fixture: Fixture) {
  return { client_id: fixture.app.clientId, client_secret: fixture.clientSecret };
}

it('completes oauth.v2.access with a code; both tokens answer auth.test', async () => {
  const fixture = await seed(server.domain);
  const code = await mintV2Code(server.domain, fixture, {
    botScopes: ['chat:write'],
    userScopes: ['search:read'],
  });
  const access = await client().oauth.v2.access({ ...credentials(fixture), code });
  assert.equal(access.ok, true);
  assert.equal(access.token_type, 'bot');
  assert.equal(access.team?.id, fixture.workspace.id);
  assert.equal(access.authed_user?.id, fixture.user.id);
  assert.equal(access.refresh_token, undefined);

  const bot = await client(access.access_token).auth.test();
  assert.equal(bot.user_id, access.bot_user_id);
  assert.deepEqual(bot.response_metadata?.scopes, ['chat:write']);
  const user = await client(access.authed_user?.access_token).auth.test();
  assert.equal(user.user_id, fixture.user.id);
});

it('refreshes through oauth.v2.access with grant_type=refresh_token', async () => {
  const fixture = await seed(server.domain, { tokenRotation: true });
  const code = await mintV2Code(server.domain, fixture, {
    botScopes: ['chat:write'],
    userScopes: ['search:read'],
  });
  const access = await client().oauth.v2.access({ ...credentials(fixture), code });
  assert.match(String(access.authed_user?.refresh_token), REFRESH_TOKEN);
  assert.equal(access.authed_user?.expires_in, 43200);

  const refreshed = await client().oauth.v2.access({
    ...credentials(fixture),
    grant_type: 'refresh_token',
    refresh_token: String(access.authed_user?.refresh_token),
  });
  assert.equal(refreshed.token_type, 'user');
  assert.match(String(refreshed.access_token), ROTATING_USER_TOKEN);
  assert.equal(refreshed.expires_in, 43200);
  const whoami = await client(refreshed.access_token).auth.test();
  assert.equal(whoami.user_id, fixture.user.id);
});

it('surfaces a replayed refresh token as the SDK’s platform error invalid_refresh_token', async () => {
  const fixture = await seed(server.domain, { tokenRotation: true });
  const code = await mintV2Code(server.domain, fixture, { botScopes: ['chat:write'] });
  const access = await client().oauth.v2.access({ ...credentials(fixture), code });
  const grant = {
    ...credentials(fixture),
    grant_type: 'refresh_token' as const,
    refresh_token: String(access.refresh_token),
  };
  await client().oauth.v2.access(grant);
  await assert.rejects(
    client().oauth.v2.access(grant),
    (error: { code?: string; data?: { error?: string } }) => {
      assert.equal(error.code, 'slack_webapi_platform_error');
      assert.equal(error.data?.error, 'invalid_refresh_token');
      return true;
    },
  );
});

it('exchanges a long-lived token with oauth.v2.exchange', async () => {
  const fixture = await seed(server.domain);
  const code = await mintV2Code(server.domain, fixture, { botScopes: ['chat:write'] });
  const access = await client().oauth.v2.access({ ...credentials(fixture), code });
  await updateApp(server.domain, fixture.app.clientId, { tokenRotation: true });

  const exchanged = await client().oauth.v2.exchange({
    ...credentials(fixture),
    token: String(access.access_token),
  });
  assert.equal(exchanged.ok, true);
  assert.equal(exchanged.token_type, 'bot');
  assert.match(String(exchanged.access_token), ROTATING_BOT_TOKEN);
  assert.match(String(exchanged.refresh_token), REFRESH_TOKEN);
  assert.equal(exchanged.bot_user_id, access.bot_user_id);
  assert.equal((await client(exchanged.access_token).auth.test()).user_id, access.bot_user_id);
});
