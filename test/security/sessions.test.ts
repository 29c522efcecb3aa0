import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUser } from '../../src/domain/users.js';
import { startLimitedServer, UNLIMITED } from '../helpers/limited-server.js';
import { getPage, hiddenFieldsOf, postPage, signIn } from '../helpers/pages.js';
import { type Fixture, seed, type TestServer } from '../helpers/server.js';

// The person's side of the authorize step (spec §4.3): session fixation, the password hash, and
// sign-in answers that do not tell which emails have an account.

const PASSWORD = 'correct horse battery';

let server: TestServer;
let fixture: Fixture;
let next: string;
before(async () => {
  server = await startLimitedServer({ signIn: UNLIMITED });
  fixture = await seed(server.domain);
  next = `/oauth/authorize?client_id=${fixture.app.clientId}&scope=identify`;
});
after(() => server.close());

const sessionOf = (setCookie: string | null) => /latchkey_session=([^;]*)/.exec(setCookie ?? '')?.[1];

describe('sessions', () => {
  it('a sign-in never adopts a session value the browser brought along (no session fixation)', async () => {
    // A value the attacker chose, and a real session of the attacker's own, planted in the browser.
    const attacker = await createUser(server.domain, {
      teamId: fixture.workspace.id,
      name: 'mallory',
      email: 'mallory@example.com',
      password: 'mallory password',
    });
    const attackersSession = await signIn(server.url, next, attacker.email as string, 'mallory password');
    for (const planted of ['latchkey_session=chosen-by-the-attacker', attackersSession]) {
      const answer = await postPage(
        `${server.url}/oauth/signin`,
        { next, email: fixture.user.email as string, password: PASSWORD },
        planted,
      );
      assert.equal(answer.status, 303);
      const issued = sessionOf(answer.headers.get('set-cookie'));
      assert.ok(issued && issued.length >= 43, 'a fresh session value');
      assert.notEqual(`latchkey_session=${issued}`, planted);
      // The new session is the victim's; the planted one is still only the attacker's (or nobody's).
      const consent = await getPage(`${server.url}${next}`, `latchkey_session=${issued}`);
      assert.match(consent.text, /signed in as ada/);
      const plantedPage = await getPage(`${server.url}${next}`, planted);
      assert.doesNotMatch(plantedPage.text, /signed in as ada/);
    }
  });

  it('a signed-out session is gone on the server, not only in the browser', async () => {
    const cookie = await signIn(server.url, next, fixture.user.email as string, PASSWORD);
    const consent = await getPage(`${server.url}${next}`, cookie);
    const csrf = hiddenFieldsOf(consent.text).csrf_token as string;
    assert.equal(
      (await postPage(`${server.url}/oauth/signout`, { next, csrf_token: csrf }, cookie)).status,
      303,
    );
    // Replaying the old cookie (as a thief who copied it would) finds no session.
    assert.match((await getPage(`${server.url}${next}`, cookie)).text, /<h1>Sign in/);
    const forged = await postPage(
      `${server.url}/oauth/authorize`,
      { ...hiddenFieldsOf(consent.text), decision: 'allow' },
      cookie,
    );
    assert.equal(forged.status, 403);
  });

  it('passwords are kept as salted scrypt hashes, never in clear (spec §4.3)', async () => {
    const stored = (await server.domain.store.getUser(fixture.user.id))?.passwordHash as string;
    assert.match(stored, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.ok(!stored.includes(PASSWORD));
    // Salted: the same password hashes differently for another person.
    const twin = await createUser(server.domain, {
      teamId: fixture.workspace.id,
      name: 'twin',
      email: 'twin@example.com',
      password: PASSWORD,
    });
    assert.notEqual(twin.passwordHash, stored);
  });

  it('a sign-in takes as long for an email without an account as for a wrong password', async () => {
    const attempt = async (email: string) => {
      const started = performance.now();
      const answer = await postPage(`${server.url}/oauth/signin`, {
        next,
        email,
        password: 'wrong password',
      });
      assert.equal(answer.status, 401);
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    await attempt('nobody@example.com');
    for (let i = 0; i < 12; i++) {
      known.push(await attempt(fixture.user.email as string));
      unknown.push(await attempt(`nobody-${i}@example.com`));
    }
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    // Both pay for one scrypt: without the decoy, an unknown email would answer many times faster.
    const ratio = median(unknown) / median(known);
    assert.ok(
      ratio > 0.5 && ratio < 2,
      `unknown ${median(unknown).toFixed(1)} ms, known ${median(known).toFixed(1)} ms`,
    );
  });
});
