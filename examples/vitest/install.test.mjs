// The same kind of test in Vitest: an install, then token rotation with both clocks moved.
import { createServer } from 'node:http';
import { InstallProvider, LogLevel } from '@slack/oauth';
import { WebClient } from '@slack/web-api';
import { createLatchkey } from 'latchkey';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { followInstall } from '../helpers.mjs';

describe('install and token rotation (Vitest)', () => {
  let lk;
  let server;
  let appUrl;
  let installer;
  let teamId;
  const installations = new Map();

  beforeAll(async () => {
    lk = await createLatchkey({ tokenExpirySeconds: 3600 });
    teamId = (await lk.workspaces.create({ name: 'Acme', domain: 'acme' })).id;
    lk.autoApprove(await lk.users.create({ teamId, name: 'ada' }));
    server = createServer((req, res) =>
      req.url.startsWith('/slack/install')
        ? installer.handleInstallPath(req, res)
        : installer.handleCallback(req, res),
    );
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${server.address().port}`;
    const app = await lk.apps.create({
      name: 'Rotating',
      redirectUris: [`${appUrl}/slack/oauth_redirect`],
      tokenRotation: true,
    });
    installer = new InstallProvider({
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      stateSecret: 'state-secret',
      directInstall: true,
      installUrlOptions: { scopes: ['chat:write'] },
      authorizationUrl: lk.v2AuthorizeUrl,
      clientOptions: { slackApiUrl: lk.apiUrl },
      logLevel: LogLevel.ERROR,
      installationStore: {
        storeInstallation: async (installation) => installations.set(installation.team.id, installation),
        fetchInstallation: async (query) => installations.get(query.teamId),
      },
    });
  });

  afterAll(async () => {
    vi.useRealTimers();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await lk.close();
  });

  it('installs with a rotating bot token', async () => {
    expect((await followInstall(`${appUrl}/slack/install`)).status).toBe(200);
    const installation = installations.get(teamId);
    expect(installation.bot.token).toMatch(/^xoxe\.xoxb-1-/);
    expect(installation.bot.refreshToken).toMatch(/^xoxe-1-/);
  });

  it("refreshes after clock.advance('13h')", async () => {
    const before = installations.get(teamId).bot.token;
    lk.clock.advance('13h');
    vi.setSystemTime(Date.now() + 13 * 3600 * 1000);
    const authorized = await installer.authorize({ teamId, isEnterpriseInstall: false });
    expect(authorized.botToken).not.toBe(before);
    const auth = await new WebClient(authorized.botToken, { slackApiUrl: lk.apiUrl }).auth.test();
    expect(auth.ok).toBe(true);
  });
});
