import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startLimitedServer, UNLIMITED } from '../helpers/limited-server.js';
import { type Fixture, mintCode, postForm, seed, type TestServer } from '../helpers/server.js';
import { credentialsOf, mintV2Code } from '../helpers/v2.js';
import { encodeRequest, openSocket, parseAnswer } from '../helpers/wire.js';

// Single use under real races (spec §3, §5.4): requests for one code or one refresh token, written on
// connections opened beforehand in one synchronous burst, so that the server reads them all in one
// turn of its event loop and every check-before-write in the domain sees the credential unused. Only
// the store's atomic consume stands between them and a second token.

let server: TestServer;
let fixture: Fixture;
let rotating: Fixture;
before(async () => {
  server = await startLimitedServer({ clientAuth: UNLIMITED, rateLimits: {} });
  fixture = await seed(server.domain);
  rotating = await seed(server.domain, { tokenRotation: true });
});
after(() => server.close());

/** `count` copies of one form POST, written at once on connections opened first; their answers. */
async function burst(method: string, form: Record<string, string>, count: number) {
  const sockets: Socket[] = await Promise.all(Array.from({ length: count }, () => openSocket(server.url)));
  const bytes = encodeRequest({
    method: 'POST',
    target: `/api/${method}`,
    headers: [['Content-Type', 'application/x-www-form-urlencoded']],
    body: Buffer.from(new URLSearchParams(form).toString()),
  });
  const answers = sockets.map(
    (socket) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('close', () =>
          resolve(JSON.parse(parseAnswer(Buffer.concat(chunks), true)?.body.toString('utf8') ?? '{}')),
        );
      }),
  );
  for (const socket of sockets) socket.write(bytes);
  return Promise.all(answers);
}

describe('races on one credential', () => {
  it('of 50 exchanges of one code in one burst, exactly one gets a token', async () => {
    for (const version of [1, 2] as const) {
      const code =
        version === 1 ? await mintCode(server.domain, fixture) : await mintV2Code(server.domain, fixture);
      const answers = await burst(
        version === 1 ? 'oauth.access' : 'oauth.v2.access',
        credentialsOf(fixture, { code }),
        50,
      );
      assert.equal(answers.filter((answer) => answer.ok === true).length, 1, `v${version}: tokens issued`);
      assert.equal(answers.filter((answer) => answer.error === 'code_already_used').length, 49);
    }
  });

  it('of 30 refreshes of one refresh token in one burst, exactly one rotates', async () => {
    const code = await mintV2Code(server.domain, rotating, { botScopes: ['chat:write'] });
    const installed = await postForm(`${server.url}/api/oauth.v2.access`, credentialsOf(rotating, { code }));
    const answers = await burst(
      'oauth.v2.access',
      credentialsOf(rotating, {
        grant_type: 'refresh_token',
        refresh_token: String(installed.body.refresh_token),
      }),
      30,
    );
    assert.equal(answers.filter((answer) => answer.ok === true).length, 1, 'refreshes that rotated');
    assert.equal(answers.filter((answer) => answer.error === 'invalid_refresh_token').length, 29);
  });
});
