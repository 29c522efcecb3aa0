import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runLatchkey } from './helpers/process.js';

// Spec §9: the admin commands through the real `latchkey` bin, --json output, and bad input.

const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
const database = join(dir, 'cli.db');
after(() => rmSync(dir, { recursive: true, force: true }));

async function json(args: string[]) {
  const result = await runLatchkey([...args, '--database', database, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'exactly one JSON object on stdout');
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

describe('admin commands', () => {
  it('creates a workspace, a user and an app, lists apps, mints codes and rotates the secret', async () => {
    const workspace = await json(['workspaces', 'create', '--name', 'Acme', '--domain', 'acme']);
    assert.deepEqual(Object.keys(workspace), ['team_id', 'name', 'domain']);
    assert.match(String(workspace.team_id), /^T[A-Z0-9]{10}$/);
    assert.deepEqual({ name: workspace.name, domain: workspace.domain }, { name: 'Acme', domain: 'acme' });

    const user = await json([
      'users',
      'create',
      '--team',
      String(workspace.team_id),
      '--name',
      'ada',
      '--email',
      'ada@example.com',
    ]);
    assert.deepEqual(user, { user_id: user.user_id, team_id: workspace.team_id, name: 'ada' });
    assert.match(String(user.user_id), /^U[A-Z0-9]{10}$/);

    const app = await json([
      'apps',
      'create',
      '--name',
      'Bot',
      '--redirect-uri',
      'https://bot.example.com/cb',
      '--redirect-uri',
      'http://localhost:3000/cb',
      '--scopes',
      'identify,bot',
    ]);
    assert.deepEqual(Object.keys(app), ['app_id', 'client_id', 'client_secret', 'redirect_uris']);
    assert.match(String(app.client_id), /^\d{10}\.\d{12}$/);
    assert.match(String(app.client_secret), /^[0-9a-f]{32}$/);
    assert.deepEqual(app.redirect_uris, ['https://bot.example.com/cb', 'http://localhost:3000/cb']);

    const listed = await json(['apps', 'list']);
    assert.deepEqual(listed, {
      apps: [
        {
          app_id: app.app_id,
          name: 'Bot',
          client_id: app.client_id,
          redirect_uris: ['https://bot.example.com/cb', 'http://localhost:3000/cb'],
          scopes: ['identify', 'bot'],
          token_rotation: false,
        },
      ],
    });

    const minted = await json([
      'codes',
      'mint',
      '--client-id',
      String(app.client_id),
      '--user',
      String(user.user_id),
      '--scopes',
      'identify',
    ]);
    assert.deepEqual(Object.keys(minted), ['code', 'expires_in']);
    assert.equal(minted.expires_in, 600);
    const many = await json([
      'codes',
      'mint',
      '--client-id',
      String(app.client_id),
      '--user',
      String(user.user_id),
      '--scopes',
      'identify',
      '--count',
      '3',
      '--ttl',
      '60',
    ]);
    assert.equal((many.codes as string[]).length, 3);
    assert.equal(many.expires_in, 60);

    const rotated = await json(['apps', 'rotate-secret', '--client-id', String(app.client_id)]);
    assert.notEqual(rotated.client_secret, app.client_secret);
  });

  it('refuses bad input with one line naming the flag, exit 2, and writes nothing', async () => {
    const before = statSync(database).mtimeMs;
    const cases: [string[], RegExp][] = [
      [['workspaces', 'create', '--name', 'X'], /^latchkey: --domain: expected /],
      [['workspaces', 'create', '--name', 'X', '--domain', 'Not Valid'], /^latchkey: --domain: expected /],
      [
        ['apps', 'create', '--name', 'X', '--redirect-uri', 'http://example.com/cb'],
        /^latchkey: --redirect-uri: expected an https:\/\//,
      ],
      [
        ['apps', 'create', '--name', 'X', '--redirect-uri', 'https://a.example.com/cb#frag'],
        /^latchkey: --redirect-uri: expected /,
      ],
      [
        ['users', 'create', '--team', 'TNOPE', '--name', 'x'],
        /^latchkey: --team: expected an existing workspace id/,
      ],
      [
        ['codes', 'mint', '--client-id', '1.2', '--user', 'U1', '--scopes', 'a'],
        /^latchkey: --client-id: expected /,
      ],
      [
        ['codes', 'mint', '--client-id', '1.2', '--user', 'U1', '--scopes', 'a', '--ttl', 'soon'],
        /^latchkey: --ttl: expected a whole number/,
      ],
      [['workspaces', 'create', '--bogus'], /^latchkey: Unknown option '--bogus'/],
      [['frobnicate'], /^latchkey: unknown command 'frobnicate'/],
      [
        ['tokens', 'revoke', '--token', 'xoxp-unknown'],
        /^latchkey: --token: expected a token this server issued/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runLatchkey([...args, '--database', database]);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stdout, '');
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0] as string, message);
    }
    assert.equal(statSync(database).mtimeMs, before, 'the database file was not written');
  });
});
