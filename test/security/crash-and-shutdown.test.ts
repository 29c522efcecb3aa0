import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditCodes, type PreparedDatabase, prepareDatabase } from '../helpers/database.js';
import { type ServerProcess, spawnServer } from '../helpers/process.js';
import { postForm } from '../helpers/server.js';

// The real process under load (spec §3 atomic consume, §8 SIGTERM). After kill -9 and a restart on
// the same database, every token a client received works and no code is half consumed: each is either
// unused (and exchanges now) or used with exactly one token. Under SIGTERM, every request that reached
// the server is answered, new connections are refused, the exit code is 0, and no code was consumed
// without its answer reaching the client. (test/process.test.ts holds the one-request versions.)

// One app makes every call here, far more than its oauth.access tier allows in a minute.
const NO_TIERS = ['--rate-limits', 'off'];

const dir = mkdtempSync(join(tmpdir(), 'latchkey-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Outcome =
  | { readonly kind: 'token'; readonly code: string; readonly token: string }
  | { readonly kind: 'answered'; readonly code: string; readonly body: Record<string, unknown> }
  /** The request failed at the connection: refused, reset, or cut when the process died. */
  | { readonly kind: 'no answer'; readonly code: string; readonly error: string };

/** One oauth.access call over its own connection or a kept-alive one, classified. */
function exchangeCode(
  url: string,
  db: PreparedDatabase,
  code: string,
  agent: Agent | false,
): Promise<Outcome> {
  const body = new URLSearchParams({
    client_id: db.clientId,
    client_secret: db.clientSecret,
    code,
  }).toString();
  return new Promise((resolve) => {
    const req = request(
      `${url}/api/oauth.access`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('error', (error) => resolve({ kind: 'no answer', code, error: error.message }));
        res.on('end', () => {
          try {
            const answer = JSON.parse(text) as Record<string, unknown>;
            resolve(
              answer.ok === true
                ? { kind: 'token', code, token: String(answer.access_token) }
                : { kind: 'answered', code, body: answer },
            );
          } catch {
            resolve({ kind: 'no answer', code, error: `an answer cut short: ${text.slice(0, 40)}` });
          }
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ kind: 'no answer', code, error: error.code ?? error.message }),
    );
    req.end(body);
  });
}

/**
 * `workers` clients exchanging the codes one after another, half over kept-alive connections as the
 * Slack SDKs use them, half over a new connection each time; `onAnswer` counts answers as they come.
 */
async function load(
  url: string,
  db: PreparedDatabase,
  workers: number,
  onAnswer: () => void,
): Promise<Outcome[]> {
  const queue = [...db.codes];
  const outcomes: Outcome[] = [];
  const keepAlive = new Agent({ keepAlive: true, maxSockets: workers });
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let code = queue.shift(); code !== undefined; code = queue.shift()) {
        const outcome = await exchangeCode(url, db, code, worker % 2 === 0 ? keepAlive : false);
        outcomes.push(outcome);
        if (outcome.kind !== 'no answer') onAnswer();
      }
    }),
  );
  keepAlive.destroy();
  return outcomes;
}

/** Every token works, every unused code exchanges now, and the database holds no half-consumed code. */
async function assertNothingHalfDone(db: PreparedDatabase, outcomes: Outcome[], restarted: ServerProcess) {
  const audit = auditCodes(db.file, db.codes);
  for (const [code, tokens] of audit.used)
    assert.equal(tokens, 1, `used code ${code.slice(0, 12)}… has ${tokens} tokens`);
  for (const [code, tokens] of audit.unused)
    assert.equal(tokens, 0, `unused code ${code.slice(0, 12)}… has tokens`);

  const tokens = outcomes.filter((outcome) => outcome.kind === 'token');
  for (const { code } of tokens)
    assert.ok(audit.used.has(code), 'a code answered with a token is marked used');
  for (const { token } of tokens) {
    const answer = await postForm(`${restarted.url}/api/auth.test`, { token });
    assert.equal(
      answer.body.ok,
      true,
      `a token a client received does not work: ${JSON.stringify(answer.body)}`,
    );
  }
  for (const code of audit.unused.keys()) {
    const answer = await postForm(`${restarted.url}/api/oauth.access`, {
      client_id: db.clientId,
      client_secret: db.clientSecret,
      code,
    });
    assert.equal(
      answer.body.ok,
      true,
      `an unused code does not exchange after the restart: ${JSON.stringify(answer.body)}`,
    );
  }
}

describe('crash and shutdown under load', () => {
  it('after kill -9 under load and a restart: every token answered works, no code is half consumed', async () => {
    const db = await prepareDatabase(join(dir, 'killed.db'), 400);
    const server = await spawnServer(['--database', db.file, ...NO_TIERS]);
    let answered = 0;
    let killed: Promise<number | string> | undefined;
    const outcomes = await load(server.url, db, 24, () => {
      // Mid-stream: enough answers for the restart to have something to keep, most codes still queued.
      if (++answered === 120) killed = server.stop('SIGKILL');
    });
    assert.equal(await killed, 'SIGKILL');
    const byKind = (kind: Outcome['kind']) => outcomes.filter((outcome) => outcome.kind === kind).length;
    assert.ok(byKind('token') >= 120, `${byKind('token')} tokens before the kill`);
    assert.ok(byKind('no answer') > 0, 'the kill cut requests short');
    for (const outcome of outcomes)
      if (outcome.kind === 'answered') assert.fail(`a failure: ${JSON.stringify(outcome.body)}`);

    const restarted = await spawnServer(['--database', db.file, ...NO_TIERS]);
    try {
      await assertNothingHalfDone(db, outcomes, restarted);
    } finally {
      await restarted.stop();
    }
  });

  it('on SIGTERM under load: in-flight requests finish, new ones are refused, exit 0, nothing lost', async () => {
    const db = await prepareDatabase(join(dir, 'drained.db'), 300);
    const server = await spawnServer(['--database', db.file, '--body-timeout', '5', ...NO_TIERS]);
    // Ten slow requests with half a body sent when SIGTERM comes, the rest a little later.
    const slowCodes = db.codes.slice(0, 10);
    const loaded = { ...db, codes: db.codes.slice(10) };
    const slow = slowCodes.map((code) => slowExchange(server.url, db, code));

    let answered = 0;
    let stopped: Promise<number | string> | undefined;
    let stoppedAt = 0;
    const outcomes = await load(server.url, loaded, 16, () => {
      if (++answered === 100) {
        stoppedAt = performance.now();
        stopped = server.stop('SIGTERM');
        for (const request of slow) request.finishIn(300);
      }
    });
    assert.equal(await stopped, 0, `exit code; output:\n${server.output()}`);

    for (const outcome of await Promise.all(slow.map((request) => request.outcome))) {
      assert.equal(
        outcome.kind,
        'token',
        `an in-flight request was not finished: ${JSON.stringify(outcome)}`,
      );
    }
    for (const outcome of outcomes)
      if (outcome.kind === 'answered') assert.fail(`a failure: ${JSON.stringify(outcome.body)}`);
    const refused = outcomes.filter((outcome) => outcome.kind === 'no answer');
    assert.ok(refused.length > 0, 'requests after the shutdown began were refused');
    await assert.rejects(fetch(`${server.url}/healthz`), 'nobody listens after the exit');
    assert.ok(performance.now() - stoppedAt < 10_000, 'the drain is bounded');

    // Nothing lost: a request without an answer never consumed its code.
    const audit = auditCodes(db.file, db.codes);
    for (const outcome of refused) {
      assert.ok(audit.unused.has(outcome.code), `a code was consumed but its answer lost (${outcome.error})`);
    }
    const restarted = await spawnServer(['--database', db.file, ...NO_TIERS]);
    try {
      const slowTokens = (await Promise.all(slow.map((request) => request.outcome))) as Outcome[];
      await assertNothingHalfDone(db, [...outcomes, ...slowTokens], restarted);
    } finally {
      await restarted.stop();
    }
  });
});

/** An oauth.access call whose body is half sent now; `finishIn` sends the rest after a delay. */
function slowExchange(url: string, db: PreparedDatabase, code: string) {
  const body = new URLSearchParams({
    client_id: db.clientId,
    client_secret: db.clientSecret,
    code,
  }).toString();
  let finish = (_delayMs: number) => {};
  const outcome = new Promise<Outcome>((resolve) => {
    const req = request(
      `${url}/api/oauth.access`,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => {
          const answer = JSON.parse(text) as Record<string, unknown>;
          resolve(
            answer.ok === true
              ? { kind: 'token', code, token: String(answer.access_token) }
              : { kind: 'answered', code, body: answer },
          );
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ kind: 'no answer', code, error: error.code ?? error.message }),
    );
    req.write(body.slice(0, 20));
    finish = (delayMs) => {
      sleep(delayMs).then(() => req.end(body.slice(20)));
    };
  });
  return {
    outcome,
    finishIn: (delayMs: number) => finish(delayMs),
  };
}
