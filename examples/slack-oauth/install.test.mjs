// Testing a Slack app's install flow built on @slack/oauth alone, with Latchkey in the test process.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it, mock } from 'node:test';
import { InstallProvider, LogLevel } from '@slack/oauth';
import { WebClient } from '@slack/web-api';
import { createLatchkey } from 'latchkey';
import { followInstall } from '../helpers.mjs';

describe('my app installs through @slack/oauth', () => {
  let lk;
  let appServer;
  let appUrl;
  let installer;
  let teamId;
  const installations = new Map();
  const failures = [];

  before(async () => {
    lk = await createLatchkey();
    const workspace = await lk.workspaces.create({ name: 'Acme', domain: 'acme' });
    teamId = workspace.id;
    const user = await lk.users.create({ teamId, name: 'ada' });
    lk.autoApprove(user); // no browser: the authorize page approves at once as ada

    // The app's own web server, as in production: an install path and a redirect path.
    appServer = createServer((req, res) => {
      if (req.url.startsWith('/slack/install')) return installer.handleInstallPath(req, res);
      if (req.url.startsWith('/slack/oauth_redirect')) {
        return installer.handleCallback(req, res, {
          failure: (error, _options, _req, response) => {
            failures.push(error);
            response.writeHead(500).end('install failed');
          },
        });
      }
      res.writeHead(404).end();
    });
    await new Promise((resolve) => appServer.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${appServer.address().port}`;

    const app = await lk.apps.create({
      name: 'My App',
      redirectUris: [`${appUrl}/slack/oauth_redirect`],
      tokenRotation: true,
    });
    installer = new InstallProvider({
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      stateSecret: 'my-state-secret',
      directInstall: true,
      installUrlOptions: { scopes: ['chat:write', 'channels:read'] },
      authorizationUrl: lk.v2AuthorizeUrl, // the only two changes an app needs: where to authorize…
      clientOptions: { slackApiUrl: lk.apiUrl }, // …and where the Web API is
      logLevel: LogLevel.ERROR,
      installationStore: {
        storeInstallation: async (installation) => installations.set(installation.team.id, installation),
        fetchInstallation: async (query) => installations.get(query.teamId),
        deleteInstallation: async (query) => installations.delete(query.teamId),
      },
    });
  });

  after(async () => {
    appServer.closeAllConnections();
    await new Promise((resolve) => appServer.close(resolve));
    await lk.close();
  });

  it('stores the installation, whose bot token works', async () => {
    const done = await followInstall(`${appUrl}/slack/install`);
    assert.equal(done.status, 200);
    const installation = installations.get(teamId);
    assert.equal(installation.team.name, 'Acme');
    assert.deepEqual(installation.bot.scopes, ['chat:write', 'channels:read']);
    const auth = await new WebClient(installation.bot.token, { slackApiUrl: lk.apiUrl }).auth.test();
    assert.equal(auth.team_id, teamId);
  });

  it('reports an invalid_code from oauth.v2.access to the failure handler', async () => {
    installations.clear();
    lk.faults.next('oauth.v2.access', { error: 'invalid_code' });
    const done = await followInstall(`${appUrl}/slack/install`);
    assert.equal(done.status, 500);
    assert.equal(installations.size, 0);
    assert.equal(failures.at(-1).data.error, 'invalid_code');
  });

  it('waits out a 429 with Retry-After and installs on the retry', async () => {
    installations.clear();
    lk.faults.next('oauth.v2.access', { ratelimited: { retryAfter: 1 } });
    const started = Date.now();
    const done = await followInstall(`${appUrl}/slack/install`);
    assert.equal(done.status, 200);
    assert.ok(Date.now() - started >= 1000, 'the SDK waited for Retry-After');
    assert.ok(installations.has(teamId));
  });

  it('refreshes the rotating bot token once it has expired', async () => {
    // authorize() updates the stored installation in place: keep the old token's value.
    const expiredToken = installations.get(teamId).bot.token;
    lk.clock.advance('13h'); // Latchkey's side: the 12-hour token is now expired…
    const expired = new WebClient(expiredToken, {
      slackApiUrl: lk.apiUrl,
      retryConfig: { retries: 0 },
    });
    await assert.rejects(expired.auth.test(), {
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'token_expired', response_metadata: {} },
    });

    // …and the app's side: its own clock says so too, so authorize() refreshes through oauth.v2.access.
    mock.timers.enable({ apis: ['Date'], now: Date.now() + 13 * 3600 * 1000 });
    try {
      const authorized = await installer.authorize({ teamId, isEnterpriseInstall: false });
      assert.notEqual(authorized.botToken, expiredToken);
      assert.equal(installations.get(teamId).bot.token, authorized.botToken);
      const auth = await new WebClient(authorized.botToken, { slackApiUrl: lk.apiUrl }).auth.test();
      assert.equal(auth.ok, true);
    } finally {
      mock.timers.reset();
    }
  });
});
