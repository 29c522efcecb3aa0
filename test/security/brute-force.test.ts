import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FormAnswer, postFrom } from '../helpers/from-address.js';
import { startLimitedServer, UNLIMITED } from '../helpers/limited-server.js';
import { getPage, postPage } from '../helpers/pages.js';
import { type Fixture, mintCode, seed, type TestServer } from '../helpers/server.js';

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

const wrongSecret = () => randomBytes(16).toString('hex');

describe('guessing at full speed', () => {
  let server: TestServer;
  let fixture: Fixture;
  before(async () => {
    // The server's own default limits: 10 client-authentication failures a minute.
    server = await startLimitedServer();
    fixture = await seed(server.domain);
  });
  after(() => server.close());
  const api = (method: string) => `${server.url}/api/${method}`;

  it('client secrets: 10 guesses a window are evaluated, the rest are ratelimited; 2^128 secrets', async () => {
    const answers = await burst(300, 50, () =>
      postFrom('127.0.0.2', api('oauth.access'), {
        client_id: fixture.app.clientId,
        client_secret: wrongSecret(),
        code: 'x',
      }),
    );
    const evaluated = answers.filter((answer) => answer.body.error === 'bad_client_secret').length;
    assert.equal(evaluated, 10, 'guesses answered bad_client_secret within the window');
    for (const answer of answers.filter((answer) => answer.body.error !== 'bad_client_secret')) {
      assertRateLimited(answer, 60);
    }
    // Spreading the guesses over other addresses gives no more guesses at this client (the limit is
    // per client id as well as per address, spec §2, §6).
    for (let host = 3; host < 8; host++) {
      const answer = await postFrom(`127.0.0.${host}`, api('oauth.access'), {
        client_id: fixture.app.clientId,
        client_secret: wrongSecret(),
        code: 'x',
      });
      assertRateLimited(answer, 60);
    }
    assert.ok(yearsToHalfChance(128, 1, evaluated, 60) > 1e25, 'a right guess is out of reach');
  });

  it('codes: without the secret a guess is never looked at; with it, the app’s oauth.access tier limits it; 2^256 codes', async () => {
    // Apps of their own: the secret test above locked its app out for the rest of the window.
    const fixture = await seed(server.domain);
    const other = await seed(server.domain);
    const code = await mintCode(server.domain, fixture, { scopes: ['identify'] });
    const answers = await burst(40, 20, () =>
      postFrom('127.0.0.9', api('oauth.access'), {
        client_id: other.app.clientId,
        client_secret: wrongSecret(),
        code: `${code.slice(0, -1)}${'0123456789abcdef'[Math.floor(Math.random() * 16)]}`,
      }),
    );
    // No answer says anything about the code: the client check comes first (spec §2, §3).
    assert.ok(
      answers.every((answer) => ['bad_client_secret', 'ratelimited'].includes(String(answer.body.error))),
    );
    assert.equal(answers.filter((answer) => answer.body.error === 'bad_client_secret').length, 10);
    // Holding the secret, the app itself may guess its own codes: its oauth.access tier (100 calls a
    // minute, spec §6) answers the rest ratelimited, and 100 guesses a minute against 256 random
    // bits is no chance at all.
    const guesses = await burst(160, 20, () =>
      postFrom('127.0.0.10', api('oauth.access'), {
        client_id: fixture.app.clientId,
        client_secret: fixture.clientSecret,
        code: `1234567890.1234567890123.${randomBytes(32).toString('hex')}`,
      }),
    );
    const evaluated = guesses.filter((answer) => answer.body.error === 'invalid_code').length;
    assert.equal(evaluated, 100, 'guesses answered invalid_code within the window');
    for (const answer of guesses.filter((answer) => answer.body.error !== 'invalid_code')) {
      assertRateLimited(answer, 60);
    }
    assert.ok(yearsToHalfChance(256, 1e6, evaluated, 60) > 1e50, 'a right guess is out of reach');
  });

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

describe('lockouts end with their window', () => {
  const WINDOW_SECONDS = 1;
  let server: TestServer;
  let fixture: Fixture;
  before(async () => {
    server = await startLimitedServer({
      clientAuth: { maxFailures: 5, windowSeconds: WINDOW_SECONDS },
      // Slack's tiers stay on: the attacker's refused tries must not spend the app's calls either.
      unknownTokens: UNLIMITED,
    });
    fixture = await seed(server.domain);
  });
  after(() => server.close());

  it('the real client is back within one window of the attack stopping, however hard the attacker kept trying', async () => {
    const attack = (client: Fixture) =>
      postFrom('127.0.0.20', `${server.url}/api/oauth.access`, {
        client_id: client.app.clientId,
        client_secret: wrongSecret(),
        code: 'x',
      });
    for (let i = 0; i < 5; i++) assert.equal((await attack(fixture)).body.error, 'bad_client_secret');
    const lockedAt = performance.now();
    const exchange = async () =>
      postFrom('127.0.0.21', `${server.url}/api/oauth.access`, {
        client_id: fixture.app.clientId,
        client_secret: fixture.clientSecret,
        code: await mintCode(server.domain, fixture, { scopes: ['identify'] }),
      });
    assertRateLimited(await exchange(), WINDOW_SECONDS);
    // The attacker keeps going for most of the window: tries refused as ratelimited are not counted
    // as failures, so they do not push the end of the lockout back.
    while (performance.now() - lockedAt < WINDOW_SECONDS * 1000 - 150) {
      assertRateLimited(await attack(fixture), WINDOW_SECONDS);
    }
    // Another app is not touched by the lockout of this one from another address.
    const bystander = await seed(server.domain);
    const own = await mintCode(server.domain, bystander, { scopes: ['identify'] });
    const theirs = await postFrom('127.0.0.22', `${server.url}/api/oauth.access`, {
      client_id: bystander.app.clientId,
      client_secret: bystander.clientSecret,
      code: own,
    });
    assert.equal(theirs.body.ok, true);

    let answer = await exchange();
    while (answer.status === 429) {
      await sleep(50);
      answer = await exchange();
    }
    const lockedForMs = performance.now() - lockedAt;
    assert.equal(answer.body.ok, true, JSON.stringify(answer.body));
    assert.ok(lockedForMs < WINDOW_SECONDS * 1000 + 500, `locked out for ${Math.round(lockedForMs)} ms`);
  });

  it('a person is back within the sign-in window, and password spraying is limited per address', async () => {
    const signInServer = await startLimitedServer({
      signIn: { maxFailures: 3, windowSeconds: WINDOW_SECONDS },
    });
    try {
      const victim = await seed(signInServer.domain);
      const next = `/oauth/authorize?client_id=${victim.app.clientId}&scope=identify`;
      const signIn = (email: string, password: string) =>
        postPage(`${signInServer.url}/oauth/signin`, { next, email, password });
      for (let i = 0; i < 3; i++)
        assert.equal((await signIn(victim.user.email as string, 'wrong password')).status, 401);
      assert.equal((await signIn(victim.user.email as string, 'correct horse battery')).status, 429);
      await sleep(WINDOW_SECONDS * 1000 + 100);
      assert.equal((await signIn(victim.user.email as string, 'correct horse battery')).status, 303);
      // One password tried on many accounts from one address: the address is limited too.
      for (let i = 0; i < 3; i++)
        assert.equal((await signIn(`nobody-${i}@example.com`, 'Summer2026!')).status, 401);
      const sprayed = await signIn('someone-else@example.com', 'Summer2026!');
      assert.equal(sprayed.status, 429);
      assert.match(String(sprayed.headers.get('retry-after')), /^1$/);
      // The page it answers is still a page of the server (no crash, no blank answer).
      assert.match((await getPage(`${signInServer.url}${next}`)).text, /Sign in/);
    } finally {
      await signInServer.close();
    }
  });
});

/** Mann–Whitney U as a z-score: how far apart two samples' distributions are, robust to outliers. */
function mannWhitneyZ(a: readonly number[], b: readonly number[]): number {
  const all = [...a.map((value) => ({ value, first: true })), ...b.map((value) => ({ value, first: false }))];
  all.sort((x, y) => x.value - y.value);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]?.value === all[i]?.value) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]?.first) rankSum += rank;
    i = j;
  }
  const u = rankSum - (a.length * (a.length + 1)) / 2;
  const mean = (a.length * b.length) / 2;
  const sd = Math.sqrt((a.length * b.length * (a.length + b.length + 1)) / 12);
  return (u - mean) / sd;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

describe('timing of a wrong secret', () => {
  let server: TestServer;
  let fixture: Fixture;
  before(async () => {
    server = await startLimitedServer({ clientAuth: UNLIMITED });
    fixture = await seed(server.domain);
  });
  after(() => server.close());

  it('does not depend on how much of it matched: first character wrong against last character wrong', async () => {
    const secret = fixture.clientSecret;
    const flip = (at: number) =>
      secret.slice(0, at) + (secret[at] === '0' ? '1' : '0') + secret.slice(at + 1);
    const variants = { firstWrong: flip(0), lastWrong: flip(secret.length - 1) };
    const timeOne = async (clientSecret: string) => {
      const started = performance.now();
      const answer = await fetch(`${server.url}/api/oauth.access`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: fixture.app.clientId,
          client_secret: clientSecret,
          code: 'x',
        }),
      });
      assert.deepEqual(await answer.json(), { ok: false, error: 'bad_client_secret' });
      return performance.now() - started;
    };
    for (let i = 0; i < 50; i++) await timeOne(variants.firstWrong);
    // Interleaved A B B A, so that the machine's own drift (other work on its two cores, the JIT,
    // the collector) falls on both samples alike.
    const first: number[] = [];
    const last: number[] = [];
    for (let i = 0; i < 150; i++) {
      first.push(await timeOne(variants.firstWrong));
      last.push(await timeOne(variants.lastWrong));
      last.push(await timeOne(variants.lastWrong));
      first.push(await timeOne(variants.firstWrong));
    }
    const z = mannWhitneyZ(first, last);
    const relative = Math.abs(median(first) - median(last)) / Math.min(median(first), median(last));
    // Fails only when the difference is both significant and large: a leak worth the name, not noise.
    assert.ok(
      Math.abs(z) < 4 || relative < 0.1,
      `first wrong ${median(first).toFixed(3)} ms, last wrong ${median(last).toFixed(3)} ms (z = ${z.toFixed(1)})`,
    );
  });
});
