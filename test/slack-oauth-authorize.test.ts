import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Installation } from '@slack/oauth';
import slackOAuth from '@slack/oauth';
import { WebClient } from '@slack/web-api';
import { postForm, seed, startTestServer, type TestServer } from './helpers/server.js';
import {
  credentialsOf,
  mintV2Code,
  REFRESH_TOKEN,
  ROTATING_BOT_TOKEN,
  ROTATING_USER_TOKEN,
} from './helpers/v2.js';

// @slack/oauth's InstallProvider, unchanged: authorize() finds the stored installation's tokens
// expiring within its two-hour window and refreshes both through Latchkey's oauth.v2.access.

// A CommonJS package whose re-exports Node's ESM loader cannot name one by one.
const { InstallProvider, LogLevel, MemoryInstallationStore } = slackOAuth;

let server: TestServer;
before(async () => {
  // One hour: inside @slack/oauth's two-hour refresh window from the start.
  server = await startTestServer({ settings: { tokenExpirySeconds: 3600 } });
});
after(() => server.close());

const clientOptions = () => ({ slackApiUrl: `${server.url}/api/`, retryConfig: { retries: 0 } });

it('authorize() refreshes an expiring rotated bot and user token and stores the new ones', async () => {
  const fixture = await seed(server.domain, { tokenRotation: true });
  const code = await mintV2Code(server.domain, fixture, {
    botScopes: ['chat:write'],
    userScopes: ['search:read'],
  });
  const answer = (await postForm(`${server.url}/api/oauth.v2.access`, credentialsOf(fixture, { code }))).body;
  const authedUser = answer.authed_user as Record<string, string | number>;
  const botInfo = await new WebClient(String(answer.access_token), clientOptions()).auth.test();

  // The installation exactly as InstallProvider#handleCallback builds it from this v2 answer.
  const now = Math.floor(Date.now() / 1000);
  const installation: Installation<'v2', false> = {
    team: { id: fixture.workspace.id, name: 'Acme' },
    enterprise: undefined,
    user: {
      token: String(authedUser.access_token),
      scopes: String(authedUser.scope).split(','),
      id: String(authedUser.id),
      refreshToken: String(authedUser.refresh_token),
      expiresAt: now + Number(authedUser.expires_in),
    },
    bot: {
      scopes: String(answer.scope).split(','),
      token: String(answer.access_token),
      userId: String(answer.bot_user_id),
      id: String(botInfo.bot_id),
      refreshToken: String(answer.refresh_token),
      expiresAt: now + Number(answer.expires_in),
    },
    tokenType: 'bot',
    isEnterpriseInstall: false,
    appId: String(answer.app_id),
    authVersion: 'v2',
  };
  // authorize() updates the stored objects in place, so keep what was installed apart.
  const installed = {
    botToken: installation.bot?.token,
    botRefresh: installation.bot?.refreshToken,
    userToken: installation.user.token,
  };
  const installationStore = new MemoryInstallationStore();
  await installationStore.storeInstallation(installation);

  const installer = new InstallProvider({
    clientId: fixture.app.clientId,
    clientSecret: fixture.clientSecret,
    stateSecret: 'a state secret for the test',
    installationStore,
    clientOptions: clientOptions(),
    logLevel: LogLevel.ERROR,
  });
  const authorized = await installer.authorize({
    teamId: fixture.workspace.id,
    enterpriseId: undefined,
    isEnterpriseInstall: false,
  });

  assert.match(String(authorized.botToken), ROTATING_BOT_TOKEN);
  assert.notEqual(authorized.botToken, installed.botToken);
  assert.match(String(authorized.botRefreshToken), REFRESH_TOKEN);
  assert.notEqual(authorized.botRefreshToken, installed.botRefresh);
  assert.match(String(authorized.userToken), ROTATING_USER_TOKEN);
  assert.notEqual(authorized.userToken, installed.userToken);
  assert.ok(Number(authorized.botTokenExpiresAt) >= now + 3600);

  const bot = await new WebClient(authorized.botToken, clientOptions()).auth.test();
  assert.equal(bot.user_id, answer.bot_user_id);
  const user = await new WebClient(authorized.userToken, clientOptions()).auth.test();
  assert.equal(user.user_id, fixture.user.id);

  const stored = await installationStore.fetchInstallation({
    teamId: fixture.workspace.id,
    enterpriseId: undefined,
    isEnterpriseInstall: false,
  });
  assert.equal(stored.bot?.token, authorized.botToken);
  assert.equal(stored.bot?.refreshToken, authorized.botRefreshToken);
  assert.equal(stored.user.refreshToken, authorized.userRefreshToken);

  // The stored refresh tokens are live: a second authorize() rotates again.
  const again = await installer.authorize({
    teamId: fixture.workspace.id,
    enterpriseId: undefined,
    isEnterpriseInstall: false,
  });
  assert.notEqual(again.botToken, authorized.botToken);
  assert.equal((await new WebClient(again.botToken, clientOptions()).auth.test()).ok, true);
});
