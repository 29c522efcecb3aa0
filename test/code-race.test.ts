import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  type Fixture,
  mintCode,
  postForm,
  seed,
  startTestServer,
  type TestServer,
} from './helpers/server.js';

// Spec §3: consuming the code and issuing the token is one atomic step.

let server: TestServer;
let fixture: Fixture;
before(async () => {
  server = await startTestServer();
  fixture = await seed(server.domain);
});
after(() => server.close());

it('gives exactly one token to 50 concurrent exchanges of one code', async () => {
  const code = await mintCode(server.domain, fixture);
  const answers = await Promise.all(
    Array.from({ length: 50 }, () =>
      postForm(`${server.url}/api/oauth.access`, {
        client_id: fixture.app.clientId,
        client_secret: fixture.clientSecret,
        code,
      }),
    ),
  );
  const winners = answers.filter((answer) => answer.body.ok === true);
  const losers = answers.filter((answer) => answer.body.error === 'code_already_used');
  assert.equal(winners.length, 1);
  assert.equal(losers.length, 49);
});
