import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Installation, InstallProvider, LogLevel } from '@slack/oauth';
import type { Browser } from 'playwright-core';
import { createApp } from '../src/domain/apps.js';
import { createUser } from '../src/domain/users.js';
import { createWorkspace } from '../src/domain/workspaces.js';
import { type AppServer, startAppServer } from './helpers/app-server.js';
import { browserMissing, launchBrowser, signInAs } from './helpers/browser.js';
import { postForm, startTestServer, type TestServer } from './helpers/server.js';

// @slack/oauth's InstallProvider in v1 ("classic") mode, unchanged but for its URLs, installs an app
// through Latchkey in a real browser: handleInstallPath → sign-in → consent → handleCallback.

const EMAIL = 'grace@acme.test';
const PASSWORD = 'correct horse battery';

describe('@slack/oauth InstallProvider, authVersion v1', { skip: browserMissing }, () => {
  let server: TestServer;
  let appServer: AppServer;
  let browser: Browser;
  let teamId: string;
  let userId: string;
  const installations: Installation[] = [];

  before(async () => {
    server = await startTestServer();
    const workspace = await createWorkspace(server.domain, { name: 'Acme', domain: 'acme' });
    teamId = workspace.id;
    userId = (await createUser(server.domain, { teamId, name: 'grace', email: EMAIL, password: PASSWORD }))
      .id;

    let installer: InstallProvider | undefined;
    appServer = await startAppServer(async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://app').pathname;
      if (!installer) return res.writeHead(503).end();
      if (path === '/slack/install') {
        return installer.handleInstallPath(req, res, undefined, {
          scopes: ['identify', 'bot'],
          redirectUri: `${appServer.url}/slack/oauth_redirect`,
        });
      }
      if (path === '/slack/oauth_redirect') return installer.handleCallback(req, res);
      res.writeHead(404).end();
    });
    const created = await createApp(server.domain, {
      name: 'Classic App',
      redirectUris: [`${appServer.url}/slack/oauth_redirect`],
    });
    installer = new InstallProvider({
      clientId: created.app.clientId,
      clientSecret: created.clientSecret,
      stateSecret: 'a state secret of the app',
      authVersion: 'v1',
      authorizationUrl: `${server.url}/oauth/authorize`,
      directInstall: true,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: `${server.url}/api/` },
      installationStore: {
        storeInstallation: async (installation) => {
          installations.push(installation as Installation);
        },
        fetchInstallation: async () => {
          throw new Error('not used');
        },
      },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await appServer?.close();
    await server?.close();
  });

  it('installs through the browser and stores the user token, the bot and the team', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appServer.url}/slack/install`);
    await signInAs(page, EMAIL, PASSWORD);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${appServer.url}/slack/oauth_redirect?**`);
    assert.match((await page.textContent('body')) ?? '', /Thank you!/);
    await context.close();

    assert.equal(installations.length, 1);
    const installation = installations[0] as Installation<'v1', false>;
    assert.equal(installation.authVersion, 'v1');
    assert.deepEqual(installation.team, { id: teamId, name: 'Acme' });
    assert.equal(installation.enterprise, undefined);
    assert.equal(installation.user.id, userId);
    assert.deepEqual(installation.user.scopes, ['identify', 'bot']);
    assert.match(installation.user.token ?? '', /^xoxp-/);
    assert.match(installation.bot?.token ?? '', /^xoxb-/);
    assert.match(installation.bot?.id ?? '', /^B[A-Z0-9]{10}$/);

    const identity = await postForm(
      `${server.url}/api/auth.test`,
      {},
      { authorization: `Bearer ${installation.user.token}` },
    );
    assert.equal(identity.body.ok, true);
    assert.equal(identity.body.user_id, userId);
  });
});
