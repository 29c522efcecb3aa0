import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import passport from 'passport';
// @ts-expect-error passport-slack ships no types
import passportSlack from 'passport-slack';
import type { Browser } from 'playwright-core';
import { createApp } from '../src/domain/apps.js';
import { createUser } from '../src/domain/users.js';
import { createWorkspace } from '../src/domain/workspaces.js';
import { type AppServer, startAppServer } from './helpers/app-server.js';
import { browserMissing, launchBrowser, signInAs } from './helpers/browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';

// "Sign in with Slack" through passport-slack, pointed at Latchkey by its three URL options: the
// person signs in in a real browser and the app receives the users.identity profile.

const EMAIL = 'mae@acme.test';
const PASSWORD = 'correct horse battery';

describe('passport-slack', { skip: browserMissing }, () => {
  let server: TestServer;
  let appServer: AppServer;
  let browser: Browser;
  let teamId: string;
  let userId: string;
  const profiles: Record<string, unknown>[] = [];

  before(async () => {
    server = await startTestServer();
    const workspace = await createWorkspace(server.domain, { name: 'Acme', domain: 'acme' });
    teamId = workspace.id;
    userId = (await createUser(server.domain, { teamId, name: 'mae', email: EMAIL, password: PASSWORD })).id;

    const web = express();
    let handler: express.RequestHandler = (_req, res) => {
      res.status(503).end();
    };
    web.use((req, res, next) => handler(req, res, next));
    appServer = await startAppServer(web);
    const { app, clientSecret } = await createApp(server.domain, {
      name: 'Sign-in App',
      redirectUris: [`${appServer.url}/auth/slack/callback`],
    });

    const authenticator = new passport.Passport();
    authenticator.use(
      new passportSlack.Strategy(
        {
          clientID: app.clientId,
          clientSecret,
          callbackURL: `${appServer.url}/auth/slack/callback`,
          authorizationURL: `${server.url}/oauth/authorize`,
          tokenURL: `${server.url}/api/oauth.access`,
          profileUrl: `${server.url}/api/users.identity?token=`,
        },
        (
          _accessToken: string,
          _refreshToken: string,
          profile: Record<string, unknown>,
          done: (e: null, u: unknown) => void,
        ) => {
          profiles.push(profile);
          done(null, profile);
        },
      ),
    );
    const router = express.Router();
    router.use(authenticator.initialize());
    router.get('/auth/slack', authenticator.authenticate('slack', { session: false }));
    router.get(
      '/auth/slack/callback',
      authenticator.authenticate('slack', { session: false }),
      (req, res) => {
        res.type('text/plain').send(`signed in as ${(req.user as { displayName: string }).displayName}`);
      },
    );
    handler = router;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await appServer?.close();
    await server?.close();
  });

  it('signs a person in through the browser and receives the users.identity profile', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appServer.url}/auth/slack`);
    await signInAs(page, EMAIL, PASSWORD);
    assert.deepEqual(await page.locator('ul.scopes code').allTextContents(), [
      'identity.basic',
      'identity.email',
      'identity.avatar',
      'identity.team',
    ]);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${appServer.url}/auth/slack/callback?**`);
    assert.equal(await page.textContent('body'), 'signed in as mae');
    await context.close();

    assert.equal(profiles.length, 1);
    const profile = profiles[0] as {
      provider: string;
      id: string;
      displayName: string;
      user: Record<string, unknown>;
      team: Record<string, unknown>;
    };
    assert.equal(profile.provider, 'Slack');
    assert.equal(profile.id, userId);
    assert.equal(profile.displayName, 'mae');
    assert.equal(profile.user.email, EMAIL);
    assert.match(String(profile.user.image_192), /^https:\/\//);
    assert.deepEqual(profile.team, { id: teamId, name: 'Acme' });
  });
});
