import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createApp } from '../src/domain/apps.js';
import { createUser } from '../src/domain/users.js';
import { createWorkspace } from '../src/domain/workspaces.js';
import { type AppServer, startAppServer } from './helpers/app-server.js';
import { browserMissing, launchBrowser, signInAs } from './helpers/browser.js';
import { postForm, startTestServer, type TestServer } from './helpers/server.js';

// Issue "The authorize step": a person in a real browser signs in, consents and the app gets a code;
// the screenshots in docs/ are taken here, from fixed data, so they stay the same from run to run.

const EMAIL = 'ada@acme.test';
const PASSWORD = 'correct horse battery';

describe('the authorize step in headless Chromium', { skip: browserMissing }, () => {
  let server: TestServer;
  let appServer: AppServer;
  let browser: Browser;
  let clientId: string;
  let clientSecret: string;
  let userId: string;

  before(async () => {
    server = await startTestServer();
    appServer = await startAppServer((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<h1>Acme Notes received the answer</h1>');
    });
    const workspace = await createWorkspace(server.domain, { name: 'Acme', domain: 'acme' });
    userId = (
      await createUser(server.domain, { teamId: workspace.id, name: 'ada', email: EMAIL, password: PASSWORD })
    ).id;
    const created = await createApp(server.domain, {
      name: 'Acme Notes',
      redirectUris: [`${appServer.url}/slack/oauth_redirect`],
    });
    clientId = created.app.clientId;
    clientSecret = created.clientSecret;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await appServer?.close();
    await server?.close();
  });

  function authorizeUrl(state: string): string {
    const query = new URLSearchParams({
      client_id: clientId,
      scope: 'identify,channels:read,chat:write',
      state,
    });
    return `${server.url}/oauth/authorize?${query}`;
  }

  it('signs in, consents, and the code on the redirect exchanges for a working token', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 720 } });
    const page = await context.newPage();
    await page.goto(authorizeUrl('state-1'));
    assert.equal(await page.title(), 'Sign in · Latchkey');
    mkdirSync('docs', { recursive: true });
    await page.screenshot({ path: 'docs/sign-in.png' });

    await signInAs(page, EMAIL, PASSWORD);
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    assert.equal(await page.title(), 'Acme Notes wants access · Latchkey');
    assert.deepEqual(await page.locator('ul.scopes code').allTextContents(), [
      'identify',
      'channels:read',
      'chat:write',
    ]);
    await page.screenshot({ path: 'docs/consent.png' });

    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${appServer.url}/slack/oauth_redirect?**`);
    const redirected = new URL(page.url());
    assert.equal(redirected.searchParams.get('state'), 'state-1');
    const code = redirected.searchParams.get('code') as string;
    await context.close();

    const access = await postForm(`${server.url}/api/oauth.access`, {
      client_id: clientId,
      client_secret: clientSecret,
      code,
    });
    assert.equal(access.status, 200);
    assert.deepEqual(access.body, {
      ok: true,
      access_token: access.body.access_token,
      scope: 'identify,channels:read,chat:write',
      user_id: userId,
      team_id: access.body.team_id,
      team_name: 'Acme',
      enterprise_id: null,
    });
    const identity = await postForm(
      `${server.url}/api/auth.test`,
      {},
      { authorization: `Bearer ${access.body.access_token}` },
    );
    assert.equal(identity.body.ok, true);
    assert.equal(identity.body.user, 'ada');
    assert.equal(identity.body.user_id, userId);
  });

  it('Cancel sends the browser back with error=access_denied and the state', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(authorizeUrl('state-2'));
    await signInAs(page, EMAIL, PASSWORD);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL(`${appServer.url}/slack/oauth_redirect?**`);
    assert.equal(page.url(), `${appServer.url}/slack/oauth_redirect?error=access_denied&state=state-2`);
    await context.close();
  });

  it('keeps the session: a second authorize request goes straight to consent', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(authorizeUrl('state-3'));
    await signInAs(page, EMAIL, PASSWORD);
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    await page.goto(authorizeUrl('state-4'));
    assert.equal(await page.getByRole('button', { name: 'Allow' }).count(), 1);
    await context.close();
  });
});
