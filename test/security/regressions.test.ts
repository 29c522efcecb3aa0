import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/domain/apps.js';
import { startLimitedServer, UNLIMITED } from '../helpers/limited-server.js';
import { getPage, hiddenFieldsOf, postPage, signIn } from '../helpers/pages.js';
import {
  type Fixture,
  mintCode,
  postForm,
  seed,
  startTestServer,
  type TestServer,
} from '../helpers/server.js';
import { encodeRequest, exchange, openSocket, parseAnswer } from '../helpers/wire.js';

// One test per bug the adversarial suites found, named after what broke (docs/security.md).

let server: TestServer;
let fixture: Fixture;
before(async () => {
  server = await startTestServer({ clientAuthFailures: 1000, signInFailures: 1000 });
  fixture = await seed(server.domain, { redirectUris: ['https://app.example.com/cb'] });
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

  it('a name repeated in a JSON body takes its first value, as in every other source', async () => {
    const json: [string, string][] = [['Content-Type', 'application/json; charset=utf-8']];
    assert.deepEqual(await api('api.test', json, '{"a":"first","b":2,"a":"second"}'), {
      status: 200,
      body: { ok: true, args: { a: 'first', b: '2' } },
    });
    // A wrong first secret is refused even when a right one follows it.
    const secrets = `{"client_id":"${fixture.app.clientId}","client_secret":"${'0'.repeat(32)}","client_secret":"${fixture.clientSecret}","code":"x"}`;
    assert.deepEqual((await api('oauth.access', json, secrets)).body, {
      ok: false,
      error: 'bad_client_secret',
    });
    // A null first occurrence is an absent argument that the second does not replace, as `a=&a=x` is.
    assert.deepEqual((await api('api.test', json, '{"a":null,"a":"x","n":null}')).body, {
      ok: true,
      args: {},
    });
    // Strings holding brackets, quotes and escapes do not confuse the walk over the members.
    assert.deepEqual(
      (await api('api.test', json, '{ "s" : "v}]\\"[{\\\\" , "n" : -1.5e3 , "t":true }')).body,
      {
        ok: true,
        args: { s: 'v}]"[{\\', n: '-1500', t: 'true' },
      },
    );
  });

  it('a redirect_uri holding a control, space or non-ASCII character is refused on a page, not answered 500', async () => {
    const registered = 'https://app.example.com/cb';
    const authorize = (redirectUri: string) =>
      `/oauth/authorize?${new URLSearchParams({ client_id: fixture.app.clientId, scope: 'identify', redirect_uri: redirectUri })}`;
    const cookie = await signIn(
      server.url,
      authorize(registered),
      fixture.user.email as string,
      'correct horse battery',
    );
    const consent = await getPage(`${server.url}${authorize(registered)}`, cookie);
    assert.equal(consent.status, 200);
    for (const suffix of ['/\n', '/\u0000', '/€', '/é', '/\t', '/a b', '?x=\r\nSet-Cookie:%20a=b']) {
      const page = await getPage(`${server.url}${authorize(registered + suffix)}`, cookie);
      assert.equal(page.status, 400, JSON.stringify(suffix));
      assert.equal(page.headers.get('location'), null);
      assert.match(page.text, /The redirect URI is not one that Test App registered/);
      // The decision form, forged with that redirect_uri, is refused the same way, before any code.
      const fields = {
        ...hiddenFieldsOf(consent.text),
        redirect_uri: registered + suffix,
        decision: 'allow',
      };
      const decision = await postPage(`${server.url}/oauth/authorize`, fields, cookie);
      assert.equal(decision.status, 400, JSON.stringify(suffix));
      assert.equal(decision.headers.get('location'), null);
    }
    assert.deepEqual(
      server.logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50),
      [],
      'nothing failed unexpectedly',
    );
    await assert.rejects(
      createApp(server.domain, { name: 'Accents', redirectUris: ['https://app.example.com/café'] }),
      /printable ASCII/,
    );
  });

  it('api.test echoed credential arguments (client_secret, code, refresh_token, code_verifier), on its error answers too', async () => {
    const form = new URLSearchParams({
      error: 'my_error',
      client_secret: fixture.clientSecret,
      code: '1234567890.1234567890123.abc',
      refresh_token: 'xoxe-1-1-2-abc',
      code_verifier: 'v'.repeat(43),
      token: 'xoxp-1-2-abc',
      kept: 'yes',
    }).toString();
    const headers: [string, string][] = [['Content-Type', 'application/x-www-form-urlencoded']];
    assert.deepEqual(await api('api.test', headers, form), {
      status: 200,
      body: { ok: false, error: 'my_error', args: { error: 'my_error', kept: 'yes' } },
    });
    assert.deepEqual((await api(`api.test?client_secret=${fixture.clientSecret}&a=1`, [])).body, {
      ok: true,
      args: { a: '1' },
    });
  });

  it('anyone knowing a client id could spend the app’s token-request calls with wrong secrets, and lock it out', async () => {
    const tiered = await startLimitedServer({ clientAuth: UNLIMITED, rateLimits: { 'oauth.access': 3 } });
    try {
      const app = await seed(tiered.domain);
      for (let i = 0; i < 6; i++) {
        const wrong = await postForm(`${tiered.url}/api/oauth.access`, {
          client_id: app.app.clientId,
          client_secret: '0'.repeat(32),
          code: 'x',
        });
        assert.deepEqual(wrong.body, { ok: false, error: 'bad_client_secret' });
      }
      const code = await mintCode(tiered.domain, app);
      const right = await postForm(`${tiered.url}/api/oauth.access`, {
        client_id: app.app.clientId,
        client_secret: app.clientSecret,
        code,
      });
      assert.equal(right.body.ok, true, JSON.stringify(right.body));
    } finally {
      await tiered.close();
    }
  });

  it('a client that read its answer late, still sending its body, lost request_timeout or request_too_large to a reset', async () => {
    const limited = await startTestServer({ bodyTimeoutMs: 300, maxBytes: 65536 });
    try {
      for (const [declared, expected] of [
        [5000, { ok: false, error: 'request_timeout' }],
        [100_000, { ok: false, error: 'request_too_large' }],
      ] as const) {
        const socket = await openSocket(limited.url);
        socket.pause(); // busy elsewhere: it reads what came back only later
        const chunks: Buffer[] = [];
        const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', () => undefined);
        socket.write(
          `POST /api/api.test HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${declared}\r\n\r\na=1`,
        );
        const trickle = setInterval(() => socket.writable && socket.write('a'), 20);
        await new Promise((resolve) => setTimeout(resolve, 700));
        clearInterval(trickle);
        socket.resume();
        await closed;
        const answer = parseAnswer(Buffer.concat(chunks), true);
        assert.ok(answer, `no answer reached the client for Content-Length ${declared}`);
        assert.deepEqual(JSON.parse(answer.body.toString('utf8')), expected);
      }
    } finally {
      await limited.close();
    }
  });
});
