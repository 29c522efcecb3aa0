import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { AuthorizationCode } from 'simple-oauth2';
import { type Fixture, mintCode, seed, startTestServer, type TestServer } from './helpers/server.js';
import { callWith, mintV2Code, REFRESH_TOKEN, ROTATING_BOT_TOKEN } from './helpers/v2.js';

// simple-oauth2, unchanged, against Latchkey: its AuthorizationCode grant at /api/oauth.access with
// the client credentials in HTTP Basic (its default) and in the body, and its refresh at
// /api/oauth.v2.access for a rotating app.

let server: TestServer;
let fixture: Fixture;
before(async () => {
  server = await startTestServer();
  fixture = await seed(server.domain);
});
after(() => server.close());

function client(own: Fixture, tokenPath: string, authorizationMethod: 'header' | 'body') {
  return new AuthorizationCode({
    client: { id: own.app.clientId, secret: own.clientSecret },
    auth: { tokenHost: server.url, tokenPath },
    options: { authorizationMethod },
  });
}

for (const authorizationMethod of ['header', 'body'] as const) {
  it(`exchanges a code at /api/oauth.access with authorizationMethod '${authorizationMethod}'`, async () => {
    const code = await mintCode(server.domain, fixture, { scopes: ['identify', 'read'] });
    const token = await client(fixture, '/api/oauth.access', authorizationMethod).getToken({
      code,
      redirect_uri: 'https://app.example.com/callback',
    });
    assert.equal(token.token.ok, true);
    assert.equal(token.token.user_id, fixture.user.id);
    assert.equal(token.token.team_id, fixture.workspace.id);
    const whoami = await callWith(server.url, 'auth.test', String(token.token.access_token));
    assert.equal(whoami.body.user_id, fixture.user.id);
  });
}

it('refreshes a rotating token at /api/oauth.v2.access with AccessToken.refresh()', async () => {
  const own = await seed(server.domain, { tokenRotation: true });
  const oauth = client(own, '/api/oauth.v2.access', 'header');
  const code = await mintV2Code(server.domain, own, { botScopes: ['chat:write'] });
  const installed = await oauth.getToken({ code, redirect_uri: 'https://app.example.com/callback' });
  assert.match(String(installed.token.refresh_token), REFRESH_TOKEN);
  assert.ok(installed.token.expires_at instanceof Date);

  const refreshed = await installed.refresh();
  assert.equal(refreshed.token.ok, true);
  assert.equal(refreshed.token.token_type, 'bot');
  assert.match(String(refreshed.token.access_token), ROTATING_BOT_TOKEN);
  assert.notEqual(refreshed.token.refresh_token, installed.token.refresh_token);
  assert.equal((await callWith(server.url, 'auth.test', String(refreshed.token.access_token))).body.ok, true);
});
