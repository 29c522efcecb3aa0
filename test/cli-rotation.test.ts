import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { runLatchkey, spawnServer } from './helpers/process.js';

// Spec §5.4 and §9 through the real bin: `apps create --token-rotation`, `apps update
// --token-rotation/--no-token-rotation` and `serve --token-expiry`, as an operator uses them.

const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-rotation-'));
const database = join(dir, 'rotation.db');
after(() => rmSync(dir, { recursive: true, force: true }));

async function json(args: string[]) {
  const result = await runLatchkey([...args, '--database', database, '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

async function post(url: string, form: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return (await response.json()) as Record<string, unknown>;
}

it('rotation per app from the command line, with the lifetime of serve --token-expiry', async () => {
  const team = await json(['workspaces', 'create', '--name', 'Acme', '--domain', 'acme']);
  const user = await json(['users', 'create', '--team', String(team.team_id), '--name', 'ada']);
  const redirect = ['--redirect-uri', 'https://app.example.com/cb'];
  const rotating = await json(['apps', 'create', '--name', 'Rotating', ...redirect, '--token-rotation']);
  const plain = await json(['apps', 'create', '--name', 'Plain', ...redirect]);
  const mint = async (app: Record<string, unknown>) =>
    String(
      (
        await json([
          'codes',
          'mint',
          '--client-id',
          String(app.client_id),
          '--user',
          String(user.user_id),
          '--v2',
          '--scopes',
          'chat:write',
        ])
      ).code,
    );
  const rotatingCode = await mint(rotating);
  const plainCode = await mint(plain);

  const server = await spawnServer(['--database', database, '--token-expiry', '60']);
  try {
    const api = (method: string) => `${server.url}/api/${method}`;
    const credentials = (app: Record<string, unknown>) => ({
      client_id: String(app.client_id),
      client_secret: String(app.client_secret),
    });

    const installed = await post(api('oauth.v2.access'), { ...credentials(rotating), code: rotatingCode });
    assert.match(String(installed.access_token), /^xoxe\.xoxb-1-/);
    assert.equal(installed.expires_in, 60);

    const longLived = await post(api('oauth.v2.access'), { ...credentials(plain), code: plainCode });
    assert.match(String(longLived.access_token), /^xoxb-/);
    assert.equal(longLived.expires_in, undefined);
    const refused = await post(api('oauth.v2.exchange'), {
      ...credentials(plain),
      token: String(longLived.access_token),
    });
    assert.deepEqual(refused, { ok: false, error: 'token_rotation_not_enabled' });

    const updated = await json([
      'apps',
      'update',
      '--client-id',
      String(plain.client_id),
      '--token-rotation',
    ]);
    assert.equal(updated.token_rotation, true);
    const exchanged = await post(api('oauth.v2.exchange'), {
      ...credentials(plain),
      token: String(longLived.access_token),
    });
    assert.equal(exchanged.ok, true);
    assert.equal(exchanged.expires_in, 60);
    const refreshed = await post(api('oauth.v2.access'), {
      ...credentials(plain),
      grant_type: 'refresh_token',
      refresh_token: String(exchanged.refresh_token),
    });
    assert.equal(refreshed.ok, true);

    const off = await json(['apps', 'update', '--client-id', String(plain.client_id), '--no-token-rotation']);
    assert.equal(off.token_rotation, false);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
