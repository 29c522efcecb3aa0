import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTestSchema, type TestSchema, testPostgresUrl } from './helpers/postgres.js';
import { runLatchkey, type ServerProcess, spawnServer } from './helpers/process.js';
import { testRedisUrl, uniqueRedisPrefix } from './helpers/redis.js';
import { postForm } from './helpers/server.js';

// Scale-out (issue "Scale-out", spec §3 and §6): three `latchkey serve` processes on one PostgreSQL
// schema and one Redis. Nothing a process keeps to itself may matter: codes minted anywhere are
// redeemed anywhere, once; limits hold across the nodes; a node killed under load loses no token it
// answered.

const missing = [
  testPostgresUrl === undefined && 'LATCHKEY_TEST_POSTGRES_URL',
  testRedisUrl === undefined && 'LATCHKEY_TEST_REDIS_URL',
].filter(Boolean);

if (missing.length > 0) {
  const why = `${missing.join(' and ')} not set (.ci/run sets them)`;
  console.log(`SKIPPED three processes on PostgreSQL and Redis: ${why}`);
  it('three processes on PostgreSQL and Redis', { skip: why }, () => undefined);
} else {
  describe('three processes on one PostgreSQL and one Redis', () => {
    let schema: TestSchema;
    let nodes: ServerProcess[];

    async function cli(args: string[]): Promise<Record<string, unknown>> {
      const result = await runLatchkey([...args, '--database', schema.url, '--json']);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout) as Record<string, unknown>;
    }

    /** A workspace, a person and an app made through the CLI, and a way to mint their codes. */
    async function install() {
      const suffix = Math.random().toString(36).slice(2, 8);
      const workspace = await cli(['workspaces', 'create', '--name', 'Acme', '--domain', `acme-${suffix}`]);
      const user = await cli(['users', 'create', '--team', String(workspace.team_id), '--name', 'ada']);
      const app = await cli([
        'apps',
        'create',
        '--name',
        'App',
        '--redirect-uri',
        'https://a.example.com/cb',
      ]);
      const clientId = String(app.client_id);
      const clientSecret = String(app.client_secret);
      return {
        teamId: String(workspace.team_id),
        userId: String(user.user_id),
        appId: String(app.app_id),
        clientId,
        clientSecret,
        async mint(count: number): Promise<string[]> {
          const minted = await cli([
            'codes',
            'mint',
            '--client-id',
            clientId,
            '--user',
            String(user.user_id),
            '--scopes',
            'identify,read',
            '--count',
            String(count),
          ]);
          return minted.codes as string[];
        },
        exchange(node: ServerProcess, code: string, headers: Record<string, string> = {}) {
          return postForm(
            `${node.url}/api/oauth.access`,
            { client_id: clientId, client_secret: clientSecret, code },
            headers,
          );
        },
      };
    }

    async function countTokens(appId: string): Promise<number> {
      const client = new pg.Client({ connectionString: schema.url });
      await client.connect();
      try {
        const result = await client.query<{ count: string }>(
          'SELECT count(*) FROM tokens WHERE app_id = $1',
          [appId],
        );
        return Number(result.rows[0]?.count);
      } finally {
        await client.end();
      }
    }

    before(async () => {
      schema = await createTestSchema(testPostgresUrl as string, 'scale_out');
      const flags = [
        '--database',
        schema.url,
        '--redis',
        testRedisUrl as string,
        '--redis-prefix',
        uniqueRedisPrefix('scale-out'),
        '--trust-proxy',
        // The load test below makes hundreds of exchanges for one app; the tier itself is tested apart.
        '--rate-limits',
        'oauth.access=100000,auth.revoke=6',
        // Racing refreshes then leave the winner's family alive, so that its tokens can be checked.
        '--refresh-grace',
        '60',
      ];
      // Started together: their migrations meet on the schema at the same moment.
      nodes = await Promise.all([spawnServer(flags), spawnServer(flags), spawnServer(flags)]);
    });
    after(async () => {
      await Promise.all(nodes.map((node) => node.stop()));
      await schema.drop();
    });

    it('exchanges on one node a code minted by the CLI, and the token works on every node', async () => {
      const app = await install();
      const [code] = await app.mint(1);
      const answer = await app.exchange(nodes[1] as ServerProcess, code as string);
      assert.equal(answer.body.ok, true, JSON.stringify(answer.body));
      assert.equal(answer.body.team_id, app.teamId);
      for (const node of nodes) {
        const identity = await postForm(`${node.url}/api/auth.test`, {
          token: String(answer.body.access_token),
        });
        assert.equal(identity.body.ok, true);
        assert.equal(identity.body.user_id, app.userId);
      }
    });

    it('gives exactly one token to 60 concurrent exchanges of one code spread over the three', async () => {
      const app = await install();
      const [code] = await app.mint(1);
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) => app.exchange(nodes[i % 3] as ServerProcess, code as string)),
      );
      const issued = answers.filter((answer) => answer.body.ok === true);
      assert.equal(issued.length, 1);
      assert.match(String(issued[0]?.body.access_token), /^xoxp-/);
      assert.equal(answers.filter((answer) => answer.body.error === 'code_already_used').length, 59);
      assert.equal(await countTokens(app.appId), 1, 'one token row in the database');
    });

    it('honours a refresh token raced over the three nodes exactly once', async () => {
      const suffix = Math.random().toString(36).slice(2, 8);
      const workspace = await cli(['workspaces', 'create', '--name', 'Rot', '--domain', `rot-${suffix}`]);
      const user = await cli(['users', 'create', '--team', String(workspace.team_id), '--name', 'ada']);
      const app = await cli([
        'apps',
        'create',
        '--name',
        'Rotating',
        '--redirect-uri',
        'https://a.example.com/cb',
        '--token-rotation',
      ]);
      const minted = await cli([
        'codes',
        'mint',
        '--client-id',
        String(app.client_id),
        '--user',
        String(user.user_id),
        '--v2',
        '--scopes',
        'chat:write',
      ]);
      const credentials = { client_id: String(app.client_id), client_secret: String(app.client_secret) };
      const installed = await postForm(`${nodes[0]?.url}/api/oauth.v2.access`, {
        ...credentials,
        code: String(minted.code),
      });
      assert.equal(installed.body.ok, true, JSON.stringify(installed.body));
      const refreshToken = String(installed.body.refresh_token);
      assert.match(refreshToken, /^xoxe-1-/);

      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          postForm(`${nodes[i % 3]?.url}/api/oauth.v2.access`, {
            ...credentials,
            grant_type: 'refresh_token',
            refresh_token: refreshToken,
          }),
        ),
      );
      const winners = answers.filter((answer) => answer.body.ok === true);
      assert.equal(winners.length, 1);
      assert.equal(answers.filter((answer) => answer.body.error === 'invalid_refresh_token').length, 29);
      const winner = winners[0]?.body ?? {};
      for (const node of nodes) {
        const identity = await postForm(`${node.url}/api/auth.test`, { token: String(winner.access_token) });
        assert.equal(identity.body.ok, true, 'the winner keeps working everywhere');
      }
      const next = await postForm(`${nodes[2]?.url}/api/oauth.v2.access`, {
        ...credentials,
        grant_type: 'refresh_token',
        refresh_token: String(winner.refresh_token),
      });
      assert.equal(next.body.ok, true, 'and its refresh token refreshes once more on another node');
    });

    it('counts client-authentication failures spread over the nodes against one limit', async () => {
      const app = await install();
      const from = { 'x-forwarded-for': '192.0.2.10' };
      for (let i = 0; i < 10; i++) {
        const wrong = await postForm(
          `${nodes[i % 3]?.url}/api/oauth.access`,
          { client_id: app.clientId, client_secret: '0'.repeat(32), code: 'x' },
          from,
        );
        assert.deepEqual(wrong.body, { ok: false, error: 'bad_client_secret' });
      }
      const [code] = await app.mint(1);
      for (const node of nodes) {
        const right = await app.exchange(node, code as string, { 'x-forwarded-for': '192.0.2.11' });
        assert.equal(right.status, 429);
        assert.deepEqual(right.body, { ok: false, error: 'ratelimited' });
        assert.match(String(right.headers.get('retry-after')), /^([1-9]|[1-5]\d|60)$/);
      }

      // Per source address as well: ten unknown client ids from one address lock that address out.
      const other = await install();
      const attacker = { 'x-forwarded-for': '192.0.2.66' };
      for (let i = 0; i < 10; i++) {
        await postForm(
          `${nodes[i % 3]?.url}/api/oauth.access`,
          { client_id: `${i}.000000000000`, client_secret: 'x', code: 'x' },
          attacker,
        );
      }
      const [own] = await other.mint(1);
      assert.equal((await other.exchange(nodes[2] as ServerProcess, own as string, attacker)).status, 429);
      assert.equal((await other.exchange(nodes[0] as ServerProcess, own as string)).body.ok, true);
    });

    it('shares a method tier: the calls of all nodes fill one bucket', async () => {
      const app = await install();
      const [code] = await app.mint(1);
      const token = String((await app.exchange(nodes[0] as ServerProcess, code as string)).body.access_token);
      for (let i = 0; i < 6; i++) {
        const answer = await postForm(`${nodes[i % 3]?.url}/api/auth.revoke`, { token, test: '1' });
        assert.deepEqual(answer.body, { ok: true, revoked: false });
      }
      for (const node of nodes) {
        const answer = await postForm(`${node.url}/api/auth.revoke`, { token, test: '1' });
        assert.equal(answer.status, 429);
      }
    });

    it('loses no token it answered when one node is killed with SIGKILL under load', async () => {
      const app = await install();
      const codes = await app.mint(240);
      const victim = nodes[0] as ServerProcess;
      const returned: string[] = [];
      const refused: unknown[] = [];
      let failedOnVictim = 0;
      let inFlightOnVictim = 0;
      let inFlightAtKill = -1;
      let next = 0;
      let killed = false;

      const worker = async (lane: number) => {
        for (let sent = 0; next < codes.length; sent++) {
          const code = codes[next++] as string;
          const alive = killed ? nodes.slice(1) : nodes;
          const node = alive[(lane + sent) % alive.length] as ServerProcess;
          if (node === victim) inFlightOnVictim++;
          try {
            const answer = await app.exchange(node, code);
            if (answer.body.ok === true) returned.push(String(answer.body.access_token));
            else refused.push(answer.body);
          } catch {
            // The connection died with the node: the client got no token, so there is none to keep.
            assert.equal(node, victim);
            failedOnVictim++;
          } finally {
            if (node === victim) inFlightOnVictim--;
          }
        }
      };
      const killer = (async () => {
        while (!(next >= 60 && inFlightOnVictim > 0)) await new Promise((resolve) => setImmediate(resolve));
        inFlightAtKill = inFlightOnVictim;
        killed = true;
        assert.equal(await victim.stop('SIGKILL'), 'SIGKILL');
      })();
      await Promise.all([...Array.from({ length: 12 }, (_, lane) => worker(lane)), killer]);

      assert.ok(inFlightAtKill > 0, 'the node died with requests in flight');
      assert.deepEqual(refused, [], 'every answer that arrived carried a token');
      assert.equal(returned.length + failedOnVictim, codes.length);
      for (const [i, token] of returned.entries()) {
        const answer = await postForm(`${nodes[1 + (i % 2)]?.url}/api/auth.test`, { token });
        assert.equal(
          answer.body.ok,
          true,
          `a returned token answers auth.test (${String(answer.body.error)})`,
        );
      }
      assert.ok((await countTokens(app.appId)) >= returned.length);
    });
  });
}
