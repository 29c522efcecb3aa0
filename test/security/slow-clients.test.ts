import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type MeasuredServer, startMeasuredServer } from '../helpers/measured-server.js';
import { openSocket, parseAnswer } from '../helpers/wire.js';

// Slow and hostile clients (spec §1.3 step 4): bodies trickled past the deadline, bodies declared and
// never sent, idle connections, header floods. The server answers request_timeout at the deadline
// whatever the trickle, keeps answering a well-behaved client meanwhile (a correctness bound, not a
// performance figure), and its heap returns near where it was once the attackers are gone. The server
// runs in its own process so that its memory is its own.

const DEADLINE_MS = 800;
/** The well-behaved client's calls must each be answered within this, attack or not. */
const LATENCY_BOUND_MS = 2000;
/**
 * Memory the server may keep after an attack, over what it used before: generous, yet well under
 * what a leak of the attack's buffers would keep (the stalled-bodies test checks that it sees them).
 */
const MEMORY_SLACK = 8 * 1024 * 1024;
/** Resident memory is returned to the system lazily, if at all: a much looser bound. */
const RSS_SLACK = 96 * 1024 * 1024;

let server: MeasuredServer;
let token: string;
let baseline: { used: number; rss: number };
before(async () => {
  server = await startMeasuredServer(DEADLINE_MS);
  token = await server.token();
  // Warm up the paths the attack and the client take, so that code compiled on first use is not
  // counted as memory the attack left behind.
  for (let i = 0; i < 30; i++) await wellBehavedCall();
  baseline = await server.memory();
});
after(() => server.stop());

async function wellBehavedCall(): Promise<number> {
  const started = performance.now();
  const answer = await fetch(`${server.url}/api/auth.test`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  });
  const body = (await answer.json()) as { ok: boolean };
  assert.equal(body.ok, true, 'the well-behaved client is answered properly');
  return performance.now() - started;
}

/** Calls auth.test over and over while `attack` runs; resolves with every latency seen. */
async function whileUnderAttack(attack: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let attacking = true;
  const done = attack.finally(() => {
    attacking = false;
  });
  while (attacking) {
    latencies.push(await wellBehavedCall());
    await sleep(25);
  }
  await done;
  return latencies;
}

function assertServed(latencies: number[]) {
  assert.ok(latencies.length >= 5, `the client got only ${latencies.length} answers during the attack`);
  const worst = Math.max(...latencies);
  assert.ok(worst < LATENCY_BOUND_MS, `a call took ${Math.round(worst)} ms during the attack`);
}

async function assertMemoryBackNearBaseline() {
  const { used, rss, errors } = await server.memory();
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  assert.ok(
    used < baseline.used + MEMORY_SLACK,
    `${mb(used)} used after the attack, ${mb(baseline.used)} before`,
  );
  assert.ok(
    rss < baseline.rss + RSS_SLACK,
    `${mb(rss)} resident after the attack, ${mb(baseline.rss)} before`,
  );
  assert.equal(errors, 0, 'nothing failed unexpectedly in the server');
}

interface Outcome {
  readonly status: number | undefined;
  readonly body: string;
  /** From the end of the headers to the server hanging up. */
  readonly elapsedMs: number;
}

/** Collects what comes back on `socket` until the server closes it (or `limitMs` passes). */
function outcomeOf(socket: Socket, startedAt: () => number, limitMs: number): Promise<Outcome> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  return new Promise((resolve) => {
    const finish = () => {
      const answer = parseAnswer(Buffer.concat(chunks), true);
      resolve({
        status: answer?.status,
        body: answer?.body.toString('utf8') ?? '',
        elapsedMs: performance.now() - startedAt(),
      });
      socket.destroy();
    };
    const limit = setTimeout(finish, limitMs);
    socket.once('close', () => {
      clearTimeout(limit);
      finish();
    });
  });
}

const FORM_POST = (length: number) =>
  `POST /api/api.test HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\n`;

const TIMED_OUT = JSON.stringify({ ok: false, error: 'request_timeout' });

describe('slow and hostile clients', () => {
  it('answers request_timeout at the deadline to bodies trickled a byte at a time, however long they trickle', async () => {
    const attack = Promise.all(
      Array.from({ length: 40 }, async () => {
        const socket = await openSocket(server.url);
        let headersAt = 0;
        const outcome = outcomeOf(socket, () => headersAt, DEADLINE_MS + 4000);
        socket.write(FORM_POST(4000), () => {
          headersAt = performance.now();
        });
        // One byte every 50 ms: each arrival would reset an idle timer, never the body deadline.
        const trickle = setInterval(() => socket.writable && socket.write('a'), 50);
        const result = await outcome;
        clearInterval(trickle);
        return result;
      }),
    );
    const latencies = await whileUnderAttack(attack);
    for (const outcome of await attack) {
      assert.equal(outcome.status, 200);
      assert.equal(outcome.body, TIMED_OUT);
      assert.ok(outcome.elapsedMs >= DEADLINE_MS - 50, `answered after ${Math.round(outcome.elapsedMs)} ms`);
      assert.ok(outcome.elapsedMs < DEADLINE_MS + 1500, `answered after ${Math.round(outcome.elapsedMs)} ms`);
    }
    assertServed(latencies);
    await assertMemoryBackNearBaseline();
  });

  it('answers request_timeout to bodies declared and never sent, and to bodies stalled near the limit', async () => {
    // 300 connections; half declare a body and send nothing, half send 60 KB of a 64 KB body and
    // stall, so that 9 MB of bodies sit in the server until the deadline frees them.
    const stalledBody = Buffer.alloc(60 * 1024, 'a');
    let written = 0;
    let markWritten = () => {};
    const allWritten = new Promise<void>((resolve) => {
      markWritten = resolve;
    });
    const attack = Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const socket = await openSocket(server.url);
        let headersAt = 0;
        const outcome = outcomeOf(socket, () => headersAt, DEADLINE_MS + 5000);
        socket.write(FORM_POST(64 * 1024 - 1), () => {
          headersAt = performance.now();
        });
        socket.write(i % 2 === 1 ? stalledBody : '', () => {
          if (++written === 300) markWritten();
        });
        return outcome;
      }),
    );
    // While they stall, the server holds their bytes: the measurement sees an attack's worth of heap,
    // so the bound checked afterwards is tight enough to catch a leak of it.
    await allWritten;
    await sleep(DEADLINE_MS / 4);
    const during = (await server.memory()).used;
    assert.ok(
      during > baseline.used + MEMORY_SLACK,
      `${(during / 1e6).toFixed(1)} MB used during the attack`,
    );
    const latencies = await whileUnderAttack(attack);
    for (const outcome of await attack) {
      assert.equal(outcome.status, 200);
      assert.equal(outcome.body, TIMED_OUT);
    }
    assertServed(latencies);
    await assertMemoryBackNearBaseline();
  });

  it('keeps serving beside 500 idle connections and 100 that trickle their headers', async () => {
    const idle = await Promise.all(Array.from({ length: 500 }, () => openSocket(server.url)));
    const slowHeaders = await Promise.all(Array.from({ length: 100 }, () => openSocket(server.url)));
    for (const socket of [...idle, ...slowHeaders]) socket.on('error', () => undefined);
    for (const socket of slowHeaders) socket.write('POST /api/oauth.access HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const trickle = setInterval(() => {
      for (const socket of slowHeaders) if (socket.writable) socket.write('z');
    }, 100);
    const latencies = await whileUnderAttack(sleep(2500));
    clearInterval(trickle);
    assertServed(latencies);
    for (const socket of [...idle, ...slowHeaders]) socket.destroy();
    await sleep(200);
    await assertMemoryBackNearBaseline();
  });

  it('refuses header floods with 431 and keeps serving; headers just under the limit are answered', async () => {
    const flood = async (headerBytes: number) => {
      const socket = await openSocket(server.url);
      const outcome = outcomeOf(socket, () => 0, 5000);
      const lines = Array.from(
        { length: Math.ceil(headerBytes / 100) },
        (_, i) => `X-F${i}: ${'f'.repeat(90)}`,
      );
      socket.write(
        `GET /api/api.test HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${lines.join('\r\n')}\r\n\r\n`,
      );
      return outcome;
    };
    // Waves of 40 floods, 20 over Node's 16 KiB header limit and 20 under it, for two seconds.
    const attack = (async () => {
      const outcomes: { size: number; outcome: Outcome }[] = [];
      const until = performance.now() + 2000;
      while (performance.now() < until) {
        const wave = await Promise.all(
          [64 * 1024, 14 * 1024].flatMap((size) =>
            Array.from({ length: 20 }, async () => ({ size, outcome: await flood(size) })),
          ),
        );
        outcomes.push(...wave);
      }
      return outcomes;
    })();
    const latencies = await whileUnderAttack(attack);
    for (const { size, outcome } of await attack) {
      if (size > 16 * 1024) {
        assert.equal(outcome.status, 431);
      } else {
        assert.equal(outcome.status, 200);
        assert.deepEqual(JSON.parse(outcome.body), { ok: true, args: {} });
      }
    }
    assertServed(latencies);
    await assertMemoryBackNearBaseline();
  });
});
