// Testing a Bolt app with its built-in OAuth installer, with Latchkey in the test process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import bolt from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { createLatchkey } from 'latchkey';
import { followInstall, freePort } from '../helpers.mjs';

const { App, LogLevel } = bolt;

describe('my Bolt app installs through its OAuth installer', () => {
  let lk;
  let app;
  let appUrl;
  let teamId;
  const installations = new Map();

  before(async () => {
    lk = await createLatchkey();
    const workspace = await lk.workspaces.create({ name: 'Acme', domain: 'acme' });
    teamId = workspace.id;
    lk.autoApprove(await lk.users.create({ teamId, name: 'ada' }));

    // The redirect URI must be registered before the app knows its port: take one first.
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    const registered = await lk.apps.create({
      name: 'My Bolt App',
      redirectUris: [`${appUrl}/slack/oauth_redirect`],
    });

    app = new App({
      signingSecret: 'my-signing-secret',
      clientId: registered.clientId,
      clientSecret: registered.clientSecret,
      stateSecret: 'my-state-secret',
      scopes: ['chat:write', 'commands'],
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: lk.apiUrl },
      installerOptions: {
        directInstall: true,
        authorizationUrl: lk.v2AuthorizeUrl,
        clientOptions: { slackApiUrl: lk.apiUrl },
      },
      installationStore: {
        storeInstallation: async (installation) => installations.set(installation.team.id, installation),
        fetchInstallation: async (query) => installations.get(query.teamId),
        deleteInstallation: async (query) => installations.delete(query.teamId),
      },
    });
    await app.start({ port, host: '127.0.0.1' });
  });

  after(async () => {
    await app.stop();
    await lk.close();
  });

  it('completes /slack/install → /slack/oauth_redirect and stores a working bot token', async () => {
    const done = await followInstall(`${appUrl}/slack/install`);
    assert.equal(done.status, 200);
    assert.match(done.url, /\/slack\/oauth_redirect\?code=/);
    const installation = installations.get(teamId);
    assert.deepEqual(installation.bot.scopes, ['chat:write', 'commands']);
    const auth = await new WebClient(installation.bot.token, { slackApiUrl: lk.apiUrl }).auth.test();
    assert.equal(auth.team_id, teamId);
    assert.equal(auth.bot_id, installation.bot.id);
  });

  it('does not store an installation when the code exchange fails', async () => {
    installations.clear();
    lk.faults.next('oauth.v2.access', { error: 'invalid_code' });
    const done = await followInstall(`${appUrl}/slack/install`);
    assert.equal(done.status, 500);
    assert.equal(installations.size, 0);
  });
});
