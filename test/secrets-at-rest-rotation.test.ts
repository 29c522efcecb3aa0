import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { updateApp } from '../src/domain/apps.js';
import { postForm, seed, startTestServer } from './helpers/server.js';
import { credentialsOf, mintV2Code } from './helpers/v2.js';

// Spec §7 for token rotation: rotating access tokens and refresh tokens exist in the database only as
// keyed hashes, and never in a log, over installs, refreshes, a replay and an exchange.

const dir = mkdtempSync(join(tmpdir(), 'latchkey-rotation-secrets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('leaves no rotating token or refresh token in the SQLite files or the log', async () => {
  const database = join(dir, 'rotation.db');
  const server = await startTestServer({ database });
  const rotating = await seed(server.domain, { tokenRotation: true });
  const api = (method: string, form: Record<string, string>) => postForm(`${server.url}/api/${method}`, form);
  const secrets: string[] = [];
  const keep = (...values: unknown[]) => {
    for (const value of values) secrets.push(String(value));
  };

  const code = await mintV2Code(server.domain, rotating, {
    botScopes: ['chat:write'],
    userScopes: ['search:read'],
  });
  const installed = await api('oauth.v2.access', credentialsOf(rotating, { code }));
  const user = installed.body.authed_user as Record<string, string>;
  keep(
    code,
    installed.body.access_token,
    installed.body.refresh_token,
    user.access_token,
    user.refresh_token,
  );
  const refreshGrant = (refreshToken: unknown) =>
    api(
      'oauth.v2.access',
      credentialsOf(rotating, { grant_type: 'refresh_token', refresh_token: String(refreshToken) }),
    );
  const first = await refreshGrant(installed.body.refresh_token);
  keep(first.body.access_token, first.body.refresh_token);
  assert.equal((await refreshGrant(installed.body.refresh_token)).body.error, 'invalid_refresh_token');

  const later = await seed(server.domain);
  const longLived = await api(
    'oauth.v2.access',
    credentialsOf(later, { code: await mintV2Code(server.domain, later, { botScopes: ['chat:write'] }) }),
  );
  await updateApp(server.domain, later.app.clientId, { tokenRotation: true });
  const exchanged = await api(
    'oauth.v2.exchange',
    credentialsOf(later, { token: String(longLived.body.access_token) }),
  );
  assert.equal(exchanged.body.ok, true);
  keep(longLived.body.access_token, exchanged.body.access_token, exchanged.body.refresh_token);

  await new Promise((resolve) => setTimeout(resolve, 20));
  const files = [database, `${database}-wal`, `${database}-shm`].filter((file) => existsSync(file));
  assert.ok(files.includes(`${database}-wal`), 'the WAL is read before it is checkpointed away');
  const onDisk = files.map((file) => readFileSync(file).toString('latin1'));
  await server.close();
  onDisk.push(readFileSync(database).toString('latin1'));
  const log = server.logs.join('');
  assert.ok(log.includes('invalid_refresh_token'), 'the log did record the replay');

  assert.equal(secrets.length, 10);
  for (const secret of secrets) {
    assert.match(secret, /^(xox|\d)/);
    const tail = secret.slice(-24);
    for (const bytes of onDisk) {
      assert.ok(!bytes.includes(secret), `found in the database: ${secret.slice(0, 8)}…`);
      assert.ok(!bytes.includes(tail), `random part found in the database: ${secret.slice(0, 8)}…`);
    }
    assert.ok(!log.includes(secret), `found in the log: ${secret.slice(0, 8)}…`);
  }
});
