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

// @slack/oauth's InstallProvider in its default v2 mode, unchanged but for its URLs, installs an app
// through Latchkey in a real browser, with bot and user scopes and token rotation on.

const EMAIL = 'lin@acme.test';
const PASSWORD = 'correct horse battery';

describe('@slack/oauth InstallProvider, default v2 mode', { skip: browserMissing }, () => {
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
    userId = (await createUser(server.domain, { teamId, name: 'lin', email: EMAIL, password: PASSWORD })).id;

    let installer: InstallProvider | undefined;
    appServer = await startAppServer(async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://app').pathname;
      if (!installer) return res.writeHead(503).end();
      if (path === '/slack/install') return installer.handleInstallPath(req, res);
      if (path === '/slack/oauth_redirect') return installer.handleCallback(req, res);
      res.writeHead(404).end();
    });
    const created = await createApp(server.domain, {
      name: 'Modern App',
      redirectUris: [`${appServer.url}/slack/oauth_redirect`],
      tokenRotation: true,
    });
    installer = new InstallProvider({
      clientId: created.app.clientId,
      clientSecret: created.clientSecret,
      stateSecret: 'a state secret of the app',
      authorizationUrl: `${server.url}/oauth/v2/authorize`,
      directInstall: true,
      installUrlOptions: { scopes: ['chat:write', 'channels:read'], userScopes: ['search:read'] },
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

  it('installs through the browser and stores the bot, the user and their rotating tokens', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appServer.url}/slack/install`);
    await signInAs(page, EMAIL, PASSWORD);
    assert.deepEqual(await page.locator('#bot-scopes + ul code').allTextContents(), [
      'chat:write',
      'channels:read',
    ]);
    assert.deepEqual(await page.locator('#user-scopes + ul code').allTextContents(), ['search:read']);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${appServer.url}/slack/oauth_redirect?**`);
    assert.match((await page.textContent('body')) ?? '', /Thank you!/);
    await context.close();

    assert.equal(installations.length, 1);
    const installation = installations[0] as Installation<'v2', false>;
    assert.equal(installation.authVersion, 'v2');
    assert.deepEqual(installation.team, { id: teamId, name: 'Acme' });
    assert.equal(installation.isEnterpriseInstall, false);
    assert.match(installation.appId ?? '', /^A[A-Z0-9]{10}$/);
    assert.deepEqual(installation.bot?.scopes, ['chat:write', 'channels:read']);
    assert.match(installation.bot?.token ?? '', /^xoxe\.xoxb-1-/);
    assert.match(installation.bot?.refreshToken ?? '', /^xoxe-1-/);
    assert.match(installation.bot?.id ?? '', /^B[A-Z0-9]{10}$/);
    assert.equal(installation.user.id, userId);
    assert.deepEqual(installation.user.scopes, ['search:read']);
    assert.match(installation.user.token ?? '', /^xoxe\.xoxp-1-/);
    assert.match(installation.user.refreshToken ?? '', /^xoxe-1-/);

    const bot = await postForm(
      `${server.url}/api/auth.test`,
      {},
      { authorization: `Bearer ${installation.bot?.token}` },
    );
    assert.equal(bot.body.ok, true);
    assert.equal(bot.body.bot_id, installation.bot?.id);
  });
});
