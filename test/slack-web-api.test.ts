import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { WebClient } from '@slack/web-api';
import { type Fixture, mintCode, seed, startTestServer, type TestServer } from './helpers/server.js';

// The real client: @slack/web-api's WebClient pointed at Latchkey with slackApiUrl, unchanged.

let server: TestServer;
let fixture: Fixture;
before(async () => {
  server = await startTestServer();
  fixture = await seed(server.domain);
});
after(() => server.close());

function client(token?: string) {
  return new WebClient(token, { slackApiUrl: `${server.url}/api/`, retryConfig: { retries: 0 } });
}

it('completes oauth.access, then auth.test and auth.revoke with the returned token', async () => {
  const code = await mintCode(server.domain, fixture, { scopes: ['identify', 'bot'] });
  const access = await client().oauth.access({
    client_id: fixture.app.clientId,
    client_secret: fixture.clientSecret,
    code,
  });
  assert.equal(access.ok, true);
  assert.equal(access.scope, 'identify,bot');
  assert.equal(access.team_id, fixture.workspace.id);

  const user = client(access.access_token);
  const identity = await user.auth.test();
  assert.equal(identity.user_id, fixture.user.id);
  assert.equal(identity.team, 'Acme');
  assert.equal(identity.response_metadata?.scopes?.join(','), 'identify,bot');

  // The SDK's AuthRevokeResponse type omits `revoked`, though Slack answers it; read it untyped.
  const revoked = (await user.auth.revoke()) as { revoked?: boolean };
  assert.equal(revoked.revoked, true);
  await assert.rejects(user.auth.test(), (error: { data?: { error?: string } }) => {
    assert.equal(error.data?.error, 'token_revoked');
    return true;
  });
});

it('surfaces oauth.access errors as the SDK’s platform errors', async () => {
  await assert.rejects(
    client().oauth.access({
      client_id: fixture.app.clientId,
      client_secret: fixture.clientSecret,
      code: 'nope',
    }),
    (error: { code?: string; data?: { error?: string } }) => {
      assert.equal(error.code, 'slack_webapi_platform_error');
      assert.equal(error.data?.error, 'invalid_code');
      return true;
    },
  );
});
