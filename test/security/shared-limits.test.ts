import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { prepareDatabase } from '../helpers/database.js';
import { type ServerProcess, spawnServer } from '../helpers/process.js';
import { skipWithoutRedis, testRedisUrl, uniqueRedisPrefix } from '../helpers/redis.js';
import { postForm } from '../helpers/server.js';

// Brute force against several processes (spec §6: limits shared through Redis): guesses spread over
// two `latchkey serve` processes count against one limit, so adding nodes gives an attacker no more
// guesses. Through the bin, so that the composition root's wiring is what is tested.

const dir = mkdtempSync(join(tmpdir(), 'latchkey-shared-limits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function assertRateLimited(answer: Awaited<ReturnType<typeof postForm>>) {
  assert.equal(answer.status, 429);
  assert.deepEqual(answer.body, { ok: false, error: 'ratelimited' });
  assert.match(String(answer.headers.get('retry-after')), /^([1-9]|[1-5]\d|60)$/);
}

if (testRedisUrl === undefined) {
  skipWithoutRedis('guesses spread over two processes sharing Redis count against one limit');
} else {
  const redisUrl = testRedisUrl;
  describe('guesses spread over two processes sharing Redis', () => {
    it('count against one limit: 10 wrong secrets, 100 unknown tokens, then ratelimited on both', async () => {
      const db = await prepareDatabase(join(dir, 'shared.db'), 1);
      const prefix = uniqueRedisPrefix('security');
      const nodes: ServerProcess[] = [];
      try {
        for (let i = 0; i < 2; i++) {
          nodes.push(
            await spawnServer(['--database', db.file, '--redis', redisUrl, '--redis-prefix', prefix]),
          );
        }
        const node = (i: number) => nodes[i % 2] as ServerProcess;
        const issued = await postForm(`${node(0).url}/api/oauth.access`, {
          client_id: db.clientId,
          client_secret: db.clientSecret,
          code: db.codes[0] as string,
        });
        const token = String(issued.body.access_token);
        assert.equal(issued.body.ok, true);

        for (let i = 0; i < 10; i++) {
          const wrong = await postForm(`${node(i).url}/api/oauth.access`, {
            client_id: db.clientId,
            client_secret: '0'.repeat(32),
            code: 'x',
          });
          assert.deepEqual(wrong.body, { ok: false, error: 'bad_client_secret' });
        }
        for (let i = 0; i < 2; i++) {
          assertRateLimited(
            await postForm(`${node(i).url}/api/oauth.access`, {
              client_id: db.clientId,
              client_secret: db.clientSecret,
              code: 'x',
            }),
          );
        }

        for (let i = 0; i < 100; i++) {
          const guess = await postForm(`${node(i).url}/api/auth.test`, { token: `xoxp-1-2-${i}-guess` });
          assert.deepEqual(guess.body, { ok: false, error: 'invalid_auth' });
        }
        for (let i = 0; i < 2; i++)
          assertRateLimited(await postForm(`${node(i).url}/api/auth.test`, { token }));
      } finally {
        for (const running of nodes) await running.stop();
      }
    });
  });
}
