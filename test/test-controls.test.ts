import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLatchkey, type ServerProcess, spawnServer } from './helpers/process.js';
import { postForm } from './helpers/server.js';

// `serve --insecure-test-controls`: faults and the clock over HTTP, behind the admin token printed at
// start; without the flag, /_latchkey/* does not exist and nothing can move the clock.

const dir = mkdtempSync(join(tmpdir(), 'latchkey-controls-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function json(database: string, args: string[]) {
  const result = await runLatchkey([...args, '--database', database, '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
}

async function setUp(database: string) {
  const team = await json(database, ['workspaces', 'create', '--name', 'Acme', '--domain', 'acme']);
  const user = await json(database, ['users', 'create', '--team', team.team_id as string, '--name', 'ada']);
  const app = await json(database, [
    'apps',
    'create',
    '--name',
    'App',
    '--redirect-uri',
    'https://a.example.com/cb',
  ]);
  const mint = async () =>
    (
      await json(database, [
        'codes',
        'mint',
        '--client-id',
        app.client_id as string,
        '--user',
        user.user_id as string,
        '--scopes',
        'identify',
      ])
    ).code as string;
  const exchange = (url: string, code: string) =>
    postForm(`${url}/api/oauth.access`, {
      client_id: app.client_id as string,
      client_secret: app.client_secret as string,
      code,
    });
  return { mint, exchange };
}

function control(url: string, path: string, body: unknown, token?: string, method = 'POST') {
  return fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
}

describe('with --insecure-test-controls', () => {
  const database = join(dir, 'controls.db');
  let server: ServerProcess;
  let token: string;
  let flow: Awaited<ReturnType<typeof setUp>>;
  before(async () => {
    flow = await setUp(database);
    server = await spawnServer(['--database', database, '--insecure-test-controls']);
    token = /!! {3}(\S+)/.exec(server.output())?.[1] as string;
  });
  after(() => server.stop());

  it('prints a loud warning and an admin token at start', () => {
    assert.match(server.output(), /!! INSECURE: --insecure-test-controls is on\./);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a control call without the admin token', async () => {
    for (const presented of [undefined, 'wrong']) {
      const response = await control(
        server.url,
        '/_latchkey/faults',
        { method: 'oauth.access', error: 'invalid_code' },
        presented,
      );
      assert.equal(response.status, 401);
      assert.deepEqual(await response.json(), { ok: false, error: 'not_authed' });
    }
  });

  it('plans a fault over HTTP that the next call answers', async () => {
    const planned = await control(
      server.url,
      '/_latchkey/faults',
      { method: 'oauth.access', ratelimited: { retryAfter: 7 } },
      token,
    );
    assert.equal(planned.status, 200);
    assert.deepEqual(await planned.json(), { ok: true });
    const code = await flow.mint();
    const limited = await flow.exchange(server.url, code);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    assert.deepEqual(limited.body, { ok: false, error: 'ratelimited' });
    assert.equal((await flow.exchange(server.url, code)).body.ok, true);
  });

  it('clears planned faults', async () => {
    await control(server.url, '/_latchkey/faults', { method: 'oauth.access', error: 'invalid_code' }, token);
    const cleared = await control(
      server.url,
      '/_latchkey/faults?method=oauth.access',
      undefined,
      token,
      'DELETE',
    );
    assert.equal(cleared.status, 200);
    assert.equal((await flow.exchange(server.url, await flow.mint())).body.ok, true);
  });

  it('refuses a fault it cannot carry out with 400 and the reason', async () => {
    const response = await control(
      server.url,
      '/_latchkey/faults',
      { method: 'oauth.access', times: 2 },
      token,
    );
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      ok: false,
      error: 'invalid_control',
      detail: 'a fault needs error, ratelimited or delayMs',
    });
  });

  it("moves the clock: advance '11m' expires a code", async () => {
    const code = await flow.mint();
    const moved = await control(server.url, '/_latchkey/clock', { advance: '11m' }, token);
    assert.equal(moved.status, 200);
    const body = (await moved.json()) as { ok: boolean; now: number };
    assert.equal(body.ok, true);
    assert.ok(body.now - Date.now() >= 11 * 60_000 - 1000);
    assert.deepEqual((await flow.exchange(server.url, code)).body, { ok: false, error: 'invalid_code' });
    const bad = await control(server.url, '/_latchkey/clock', { advance: 'later' }, token);
    assert.equal(bad.status, 400);
  });
});

describe('without --insecure-test-controls', () => {
  it('answers 404 on /_latchkey/* and nothing moves the clock', async () => {
    const database = join(dir, 'plain.db');
    const flow = await setUp(database);
    const server = await spawnServer(['--database', database]);
    try {
      const code = await flow.mint();
      for (const [path, body] of [
        ['/_latchkey/clock', { advance: '11m' }],
        ['/_latchkey/faults', { method: 'oauth.access', error: 'invalid_code' }],
      ] as const) {
        const response = await control(server.url, path, body, 'anything');
        assert.equal(response.status, 404);
      }
      assert.equal((await flow.exchange(server.url, code)).body.ok, true);
    } finally {
      await server.stop();
    }
  });
});
