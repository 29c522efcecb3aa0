import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Fixture,
  mintCode,
  postForm,
  seed,
  startTestServer,
  type TestServer,
} from './helpers/server.js';

// Spec §8: GET /metrics in Prometheus text — calls and errors per method and code, latency, tokens
// issued — and nothing secret in it.

let server: TestServer;
let fixture: Fixture;
before(async () => {
  server = await startTestServer();
  fixture = await seed(server.domain);
});
after(() => server.close());

describe('GET /metrics', () => {
  it('counts calls, errors, latency and issued tokens per method, with no secret in the text', async () => {
    const code = await mintCode(server.domain, fixture, { scopes: ['identify', 'bot'] });
    const credentials = { client_id: fixture.app.clientId, client_secret: fixture.clientSecret };
    const issued = await postForm(`${server.url}/api/oauth.access`, { ...credentials, code });
    await postForm(`${server.url}/api/oauth.access`, { ...credentials, code: 'nope' });
    await postForm(`${server.url}/api/no.such.method`, {});

    const response = await fetch(`${server.url}/metrics`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    const lines = text.split('\n');
    for (const line of [
      'latchkey_api_calls_total{method="oauth.access",status="200",error=""} 1',
      'latchkey_api_calls_total{method="oauth.access",status="200",error="invalid_code"} 1',
      'latchkey_api_calls_total{method="unknown",status="200",error="unknown_method"} 1',
      'latchkey_tokens_issued_total{method="oauth.access",kind="user"} 1',
      'latchkey_tokens_issued_total{method="oauth.access",kind="bot"} 1',
      'latchkey_api_call_duration_seconds_count{method="oauth.access"} 2',
    ]) {
      assert.ok(lines.includes(line), `missing: ${line}`);
    }
    assert.ok(lines.some((line) => line.startsWith('latchkey_process_resident_memory_bytes ')));
    for (const secret of [fixture.clientSecret, code, String(issued.body.access_token)]) {
      assert.ok(!text.includes(secret));
    }
  });
});
