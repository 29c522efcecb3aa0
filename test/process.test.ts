import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runLatchkey, spawnServer } from './helpers/process.js';
import { postForm } from './helpers/server.js';

// The real process: durability across kill -9, graceful SIGTERM, and the CLI on a live database.

const dir = mkdtempSync(join(tmpdir(), 'latchkey-process-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(database: string, args: string[]) {
  const result = await runLatchkey([...args, '--database', database, '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
}

async function setUp(database: string) {
  const workspace = await cli(database, ['workspaces', 'create', '--name', 'Acme', '--domain', 'acme']);
  const user = await cli(database, [
    'users',
    'create',
    '--team',
    workspace.team_id as string,
    '--name',
    'ada',
  ]);
  const app = await cli(database, [
    'apps',
    'create',
    '--name',
    'App',
    '--redirect-uri',
    'https://a.example.com/cb',
  ]);
  const mint = async (count: number) => {
    const minted = await runLatchkey([
      'codes',
      'mint',
      '--database',
      database,
      '--json',
      '--client-id',
      app.client_id as string,
      '--user',
      user.user_id as string,
      '--scopes',
      'identify',
      '--count',
      String(count),
    ]);
    return (JSON.parse(minted.stdout) as { codes: string[] }).codes;
  };
  return { app, mint };
}

describe('durability and shutdown', () => {
  it('keeps every token it answered across kill -9', async () => {
    const database = join(dir, 'crash.db');
    const { app, mint } = await setUp(database);
    const codes = await mint(40);
    const server = await spawnServer(['--database', database]);
    const tokens = await Promise.all(
      codes.map(async (code) => {
        const answer = await postForm(`${server.url}/api/oauth.access`, {
          client_id: app.client_id as string,
          client_secret: app.client_secret as string,
          code,
        });
        return String(answer.body.access_token);
      }),
    );
    assert.equal(await server.stop('SIGKILL'), 'SIGKILL');

    const restarted = await spawnServer(['--database', database]);
    try {
      for (const token of tokens) {
        const answer = await postForm(`${restarted.url}/api/auth.test`, { token });
        assert.equal(answer.body.ok, true, token.slice(0, 10));
      }
    } finally {
      await restarted.stop();
    }
  });

  it('finishes in-flight requests on SIGTERM, refuses new ones, and exits 0', async () => {
    const database = join(dir, 'drain.db');
    const { app, mint } = await setUp(database);
    const [code] = await mint(1);
    const server = await spawnServer(['--database', database, '--body-timeout', '5']);
    // A request whose body is still arriving when SIGTERM comes.
    const { request } = await import('node:http');
    const body = new URLSearchParams({
      client_id: app.client_id as string,
      client_secret: app.client_secret as string,
      code: code as string,
    }).toString();
    const inFlight = new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request(
        `${server.url}/api/oauth.access`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': String(body.length),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve(JSON.parse(text)));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 500);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopped = server.stop('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await assert.rejects(fetch(`${server.url}/healthz`), 'new connections are refused');
    assert.equal((await inFlight).ok, true);
    assert.equal(await stopped, 0);
  });

  it('revokes a token from the CLI while the server runs', async () => {
    const database = join(dir, 'revoke.db');
    const { app, mint } = await setUp(database);
    const [code] = await mint(1);
    const server = await spawnServer(['--database', database]);
    try {
      const answer = await postForm(`${server.url}/api/oauth.access`, {
        client_id: app.client_id as string,
        client_secret: app.client_secret as string,
        code: code as string,
      });
      const token = String(answer.body.access_token);
      assert.deepEqual(await cli(database, ['tokens', 'revoke', '--token', token]), { revoked: true });
      assert.deepEqual((await postForm(`${server.url}/api/auth.test`, { token })).body, {
        ok: false,
        error: 'token_revoked',
      });
    } finally {
      await server.stop();
    }
  });
});
