import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { encodeRequest, exchange } from '../helpers/wire.js';

// One test per bug the adversarial suites found, named after what broke (docs/security.md).

let server: TestServer;
before(async () => {
  server = await startTestServer({ clientAuthFailures: 1000 });
});
after(() => server.close());

async function api(method: string, headers: [string, string][], body?: string) {
  const answer = await exchange(
    server.url,
    encodeRequest({
      method: body === undefined ? 'GET' : 'POST',
      target: `/api/${method}`,
      headers,
      ...(body !== undefined && { body: Buffer.from(body) }),
    }),
    3000,
  );
  assert.ok(answer, 'answered');
  return { status: answer.status, body: JSON.parse(answer.body.toString('utf8')) as unknown };
}

describe('regressions', () => {
  it('an Expect header other than 100-continue is answered in the envelope, not with a bare 417', async () => {
    assert.deepEqual(await api('api.test?a=1', [['Expect', 'nonsense']]), {
      status: 200,
      body: { ok: true, args: { a: '1' } },
    });
    assert.deepEqual(await api('auth.test', [['Expect', '200-ok']]), {
      status: 200,
      body: { ok: false, error: 'not_authed' },
    });
  });
});
