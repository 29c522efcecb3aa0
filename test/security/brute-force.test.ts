import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type FormAnswer, postFrom } from '../helpers/from-address.js';
import { startLimitedServer } from '../helpers/limited-server.js';
import { mintCode, seed, type TestServer } from '../helpers/server.js';

// Brute force (RFC 6749 §10.10, RFC 6819 §4.4.1.3, §5.1.4.2.3, RFC 9700 §4.x): guessing a client
// secret, a code or a token at full speed is answered `ratelimited` long before a guess could
// succeed; a lockout ends one window after the attack stops; and a wrong secret takes the same time
// however much of it matched. Several clients are told apart by their loopback source address.

const SECONDS_PER_YEAR = 365.25 * 24 * 3600;

/** Years until a 50 % chance of one right guess, at `guessesPerWindow` per window of `windowSeconds`. */
function yearsToHalfChance(
  keyBits: number,
  liveKeys: number,
  guessesPerWindow: number,
  windowSeconds: number,
) {
  const guessesNeeded = 2 ** (keyBits - 1) / liveKeys;
  return ((guessesNeeded / Math.max(guessesPerWindow, 1)) * windowSeconds) / SECONDS_PER_YEAR;
}

/** `count` guesses fired at once, in waves of `concurrency`, from `from`. */
async function burst(count: number, concurrency: number, guess: (i: number) => Promise<FormAnswer>) {
  const answers: FormAnswer[] = [];
  for (let start = 0; start < count; start += concurrency) {
    const wave = Array.from({ length: Math.min(concurrency, count - start) }, (_, i) => guess(start + i));
    answers.push(...(await Promise.all(wave)));
  }
  return answers;
}

function assertRateLimited(answer: FormAnswer, windowSeconds: number) {
  assert.equal(answer.status, 429);
  assert.deepEqual(answer.body, { ok: false, error: 'ratelimited' });
  const retryAfter = Number(answer.headers['retry-after']);
  assert.ok(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= windowSeconds,
    `Retry-After ${retryAfter}`,
  );
}

describe('guessing at full speed', () => {
  let server: TestServer;
  before(async () => {
    // The server's own default limits: 10 client-authentication failures a minute.
    server = await startLimitedServer();
  });
  after(() => server.close());
  const api = (method: string) => `${server.url}/api/${method}`;

  it('tokens: unknown tokens from one address are ratelimited after 100 a window, the right one too; 2^256 tokens', async () => {
    const fixture = await seed(server.domain);
    const code = await mintCode(server.domain, fixture, { scopes: ['identify'] });
    const issued = await postFrom('127.0.0.11', api('oauth.access'), {
      client_id: fixture.app.clientId,
      client_secret: fixture.clientSecret,
      code,
    });
    const token = String(issued.body.access_token);
    const guess = () => `xoxp-11111111111-2222222222222-${randomBytes(32).toString('hex')}`;
    const answers = await burst(400, 50, () => postFrom('127.0.0.12', api('auth.test'), { token: guess() }));
    const evaluated = answers.filter((answer) => answer.body.error === 'invalid_auth').length;
    assert.equal(evaluated, 100, 'guesses answered invalid_auth within the window');
    for (const answer of answers.filter((answer) => answer.body.error !== 'invalid_auth'))
      assertRateLimited(answer, 60);
    // The right token from the locked-out address is refused too: a lockout that let it through
    // would tell the attacker which guess was right.
    assertRateLimited(await postFrom('127.0.0.12', api('auth.test'), { token }), 60);
    // Everyone else is untouched.
    assert.equal((await postFrom('127.0.0.13', api('auth.test'), { token })).body.ok, true);
    assert.ok(yearsToHalfChance(256, 1e6, evaluated, 60) > 1e50, 'a right guess is out of reach');
  });
});
