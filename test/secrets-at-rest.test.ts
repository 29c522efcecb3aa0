import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { rotateClientSecret } from '../src/domain/apps.js';
import { mintCode, postForm, seed, startTestServer } from './helpers/server.js';

// Spec §7: secrets, codes and tokens exist in the database only as keyed hashes, and never in a log.

const dir = mkdtempSync(join(tmpdir(), 'latchkey-secrets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('leaves no client secret, code, token or password in the SQLite files or the log', async () => {
  const database = join(dir, 'secrets.db');
  const server = await startTestServer({ database, clientAuthFailures: 1000 });
  const fixture = await seed(server.domain);
  const secrets = [fixture.clientSecret, 'correct horse battery'];
  const api = (method: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    postForm(`${server.url}/api/${method}`, form, headers);
  const credentials = { client_id: fixture.app.clientId, client_secret: fixture.clientSecret };

  // A full flow, failures included: exchanges, a replay, wrong secrets, token calls, revocation.
  for (const scopes of [['identify'], ['identify', 'bot']]) {
    const code = await mintCode(server.domain, fixture, { scopes });
    secrets.push(code);
    const answer = await api('oauth.access', { ...credentials, code });
    const token = String(answer.body.access_token);
    secrets.push(token);
    const bot = answer.body.bot as { bot_access_token: string } | undefined;
    if (bot) secrets.push(bot.bot_access_token);
    assert.equal((await api('auth.test', {}, { authorization: `Bearer ${token}` })).body.ok, true);
    assert.equal((await api('auth.revoke', { token })).body.revoked, true);
    assert.equal((await api('auth.test', { token })).body.error, 'token_revoked');
    assert.equal((await api('oauth.access', { ...credentials, code })).body.error, 'code_already_used');
  }
  const unused = await mintCode(server.domain, fixture);
  secrets.push(unused);
  const wrong = await api('oauth.access', {
    client_id: fixture.app.clientId,
    client_secret: `${fixture.clientSecret.slice(1)}0`,
    code: unused,
  });
  assert.equal(wrong.body.error, 'bad_client_secret');
  assert.equal(
    (await api('oauth.access', { client_id: 'x', client_secret: fixture.clientSecret, code: unused })).body
      .error,
    'invalid_client_id',
  );
  const rotated = await rotateClientSecret(server.domain, fixture.app.clientId);
  secrets.push(rotated.clientSecret);

  await new Promise((resolve) => setTimeout(resolve, 20));
  const files = [database, `${database}-wal`, `${database}-shm`].filter((file) => existsSync(file));
  assert.ok(files.includes(`${database}-wal`), 'the WAL is read before it is checkpointed away');
  const onDisk = files.map((file) => readFileSync(file).toString('latin1'));
  await server.close();
  onDisk.push(readFileSync(database).toString('latin1'));
  const log = server.logs.join('');
  assert.ok(log.includes('bad_client_secret'), 'the log did record the failures');

  for (const secret of secrets) {
    for (const bytes of onDisk)
      assert.ok(!bytes.includes(secret), `found in the database: ${secret.slice(0, 8)}…`);
    assert.ok(!log.includes(secret), `found in the log: ${secret.slice(0, 8)}…`);
    // The random part alone, in case a prefix or separator were stored apart from it.
    const tail = secret.slice(-24);
    for (const bytes of onDisk)
      assert.ok(!bytes.includes(tail), `random part found in the database: ${secret.slice(0, 8)}…`);
  }
});
