import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/domain/apps.js';
import { issueCode } from '../../src/domain/codes.js';
import { csrfTokenOf, startSession } from '../../src/domain/sessions.js';
import { exchangeV1Code, exchangeV2Code } from '../../src/domain/token-exchange.js';
import { type Fixture, seed, startTestServer, type TestServer } from '../helpers/server.js';

// Spec §4.3 and §7 (RFC 6749 §10.10, RFC 6819 §5.1.4.2.2): every credential Latchkey issues carries
// enough random bits, from the paths that really issue them. A CSPRNG cannot be told from a good
// PRNG by its output; what a sample can show is the number of random characters, that no two values
// repeat, and that every symbol of the alphabet comes up about equally often (a chi-square bound
// loose enough never to flake, tight enough to catch a narrowed or biased alphabet).

const SAMPLE = 300;

let server: TestServer;
let fixture: Fixture;
before(async () => {
  server = await startTestServer();
  fixture = await seed(server.domain);
});
after(() => server.close());

/** Pearson's chi-square of the symbol counts in `texts` against a uniform `alphabet`. */
function chiSquare(texts: readonly string[], alphabet: string): number {
  const counts = new Map([...alphabet].map((symbol) => [symbol, 0]));
  let total = 0;
  for (const text of texts) {
    for (const symbol of text) {
      assert.ok(counts.has(symbol), `symbol ${JSON.stringify(symbol)} outside the alphabet`);
      counts.set(symbol, (counts.get(symbol) as number) + 1);
      total++;
    }
  }
  const expected = total / alphabet.length;
  return [...counts.values()].reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
}

const HEX = '0123456789abcdef';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Chi-square bounds at about p = 1e-9 for 15 and 63 degrees of freedom.
const HEX_BOUND = 75;
const BASE64URL_BOUND = 160;

/**
 * `values` match `shape`, whose first group is the random part; that part carries at least `bits`
 * bits in `alphabet`; no value repeats; the symbols are spread evenly.
 */
function assertRandom(
  kind: string,
  values: readonly string[],
  shape: RegExp,
  alphabet: string,
  bits: number,
) {
  const random = values.map((value) => {
    const match = shape.exec(value);
    assert.ok(match?.[1], `${kind} ${value} does not have the expected shape`);
    return match[1];
  });
  for (const part of random) {
    assert.ok(part.length * Math.log2(alphabet.length) >= bits, `${kind}: ${part.length} random characters`);
  }
  assert.equal(new Set(values).size, values.length, `${kind}: a value repeated`);
  const bound = alphabet.length === 16 ? HEX_BOUND : BASE64URL_BOUND;
  const chi = chiSquare(random, alphabet);
  assert.ok(chi < bound, `${kind}: symbols unevenly spread (chi-square ${chi.toFixed(1)})`);
}

describe('entropy of what Latchkey issues', () => {
  it('client secrets: 32 hex characters, 128 bits (spec §7)', async () => {
    const secrets: string[] = [];
    for (let i = 0; i < SAMPLE; i++) {
      secrets.push(
        (await createApp(server.domain, { name: `E${i}`, redirectUris: ['https://e.example.com/'] }))
          .clientSecret,
      );
    }
    assertRandom('client secret', secrets, /^([0-9a-f]{32})$/, HEX, 128);
  });

  it('codes: 256 random bits behind Slack’s dotted shape (spec §4.3: at least 160)', async () => {
    const codes: string[] = [];
    for (let i = 0; i < SAMPLE; i++) {
      const { code } = await issueCode(server.domain, {
        app: fixture.app,
        userId: fixture.user.id,
        scopes: ['identify'],
        redirectUri: null,
        version: 1,
      });
      codes.push(code);
    }
    assertRandom('code', codes, /^\d{10}\.\d{13}\.([0-9a-f]{64})$/, HEX, 256);
  });

  it('user, bot, rotating and refresh tokens: 256 random bits (spec §7: at least 128)', async () => {
    const rotating = await seed(server.domain, { tokenRotation: true });
    const user: string[] = [];
    const bot: string[] = [];
    const rotatingBot: string[] = [];
    const refresh: string[] = [];
    for (let i = 0; i < SAMPLE / 2; i++) {
      const v1 = await issueCode(server.domain, {
        app: fixture.app,
        userId: fixture.user.id,
        scopes: ['identify', 'bot'],
        redirectUri: null,
        version: 1,
      });
      const grant = await exchangeV1Code(server.domain, {
        clientId: fixture.app.clientId,
        clientSecret: fixture.clientSecret,
        code: v1.code,
      });
      user.push(grant.accessToken);
      bot.push(grant.bot?.botAccessToken as string);
      const v2 = await issueCode(server.domain, {
        app: rotating.app,
        userId: rotating.user.id,
        scopes: ['chat:write'],
        redirectUri: null,
        version: 2,
      });
      const installed = await exchangeV2Code(server.domain, {
        clientId: rotating.app.clientId,
        clientSecret: rotating.clientSecret,
        code: v2.code,
      });
      rotatingBot.push(installed.bot?.accessToken as string);
      refresh.push(installed.bot?.refreshToken as string);
    }
    assertRandom('user token', user, /^xoxp-\d{11}-\d{13}-([0-9a-f]{64})$/, HEX, 256);
    assertRandom('bot token', bot, /^xoxb-\d{11}-\d{13}-([0-9a-f]{64})$/, HEX, 256);
    assertRandom('rotating token', rotatingBot, /^xoxe\.xoxb-1-\d{11}-\d{13}-([0-9a-f]{64})$/, HEX, 256);
    assertRandom('refresh token', refresh, /^xoxe-1-\d{11}-\d{13}-([0-9a-f]{64})$/, HEX, 256);
    // Every kind of token draws from one space: none repeats across kinds either.
    assert.equal(new Set([...user, ...bot, ...rotatingBot, ...refresh]).size, SAMPLE * 2);
  });

  it('session cookies and the CSRF tokens derived from them: 256 bits', async () => {
    const sessions: string[] = [];
    for (let i = 0; i < SAMPLE; i++)
      sessions.push((await startSession(server.domain, fixture.user)).cookieValue);
    assertRandom('session cookie', sessions, /^([A-Za-z0-9_-]{43})$/, BASE64URL, 256);
    const csrf = sessions.map((cookie) => csrfTokenOf(server.domain, cookie));
    assertRandom('CSRF token', csrf, /^([A-Za-z0-9_-]{43})$/, BASE64URL, 256);
  });
});
