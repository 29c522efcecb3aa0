import assert from 'node:assert/strict';
import { METHODS } from 'node:http';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { assertSlackEnvelope, CREDENTIAL_SHAPE } from '../helpers/envelope.js';
import { fuzzParameters } from '../helpers/fuzz.js';
import { startLimitedServer, UNLIMITED } from '../helpers/limited-server.js';
import { type Fixture, seed, type TestServer } from '../helpers/server.js';
import { encodeRequest, exchange, type WireRequest } from '../helpers/wire.js';

// Spec §1 under arbitrary input: whatever a client sends to /api/, the answer is a Slack envelope
// with a documented code and the status the spec gives it, never a 5xx, never a crash, never an
// unexpected exception in the log, and never a token to a caller that holds none.

const BODY_TIMEOUT_MS = 150;
const MAX_BYTES = 16384;

let server: TestServer;
let fixture: Fixture;
before(async () => {
  server = await startLimitedServer({
    bodyTimeoutMs: BODY_TIMEOUT_MS,
    maxBytes: MAX_BYTES,
    // No limit, so that the fuzz reaches the checks behind client and token authentication; the
    // limiters have their own tests in brute-force.test.ts.
    clientAuth: UNLIMITED,
    unknownTokens: UNLIMITED,
    rateLimits: {},
  });
  fixture = await seed(server.domain, { redirectUris: ['https://app.example.com/cb'] });
});
after(() => server.close());

const METHOD_NAMES = [
  'api.test',
  'auth.test',
  'auth.revoke',
  'oauth.access',
  'oauth.v2.access',
  'oauth.v2.exchange',
  'users.identity',
];

const ARGUMENT_NAMES = [
  'client_id',
  'client_secret',
  'code',
  'redirect_uri',
  'token',
  'refresh_token',
  'grant_type',
  'code_verifier',
  'single_channel',
  'test',
  'error',
];

// Printable ASCII: what a header value may hold without the HTTP parser itself refusing the request.
const headerText = (maxLength: number) =>
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    maxLength,
  });

const argumentName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ARGUMENT_NAMES) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/) },
  { weight: 1, arbitrary: fc.constantFrom('a[]', 'a[7]', 'a[b]', 'client_id[]', 'token[x]') },
  { weight: 1, arbitrary: fc.constantFrom('', 'a b', 'ä', 'x'.repeat(101), '__proto__', 'constructor', '%') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

/** Argument values; `huge` ones (past the body limit) only where a body carries them. */
function argumentValue(known: () => readonly string[], huge = false) {
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 3, arbitrary: fc.constantFrom(...known()) },
    { weight: 1, arbitrary: fc.constantFrom('', 'true', '1', 'refresh_token', 'authorization_code') },
    {
      weight: huge ? 1 : 0,
      arbitrary: fc.integer({ min: 1, max: 3 }).map((n) => 'v'.repeat(MAX_BYTES * n)),
    },
  );
}

/** One name=value pair as a client might put it on the wire: well encoded, raw, or broken. */
const encodePair = (name: string, value: string, style: number) => {
  if (style === 0) return `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
  if (style === 1) return `${encodeURIComponent(name)}=${encodeURIComponent(value).replace(/%20/g, '+')}`;
  if (style === 2) return `${encodeURIComponent(name)}`;
  const broken = ['%zz', '%4', '%', '%C3%28', '%ff', '%00'][style % 6] as string;
  return `${encodeURIComponent(name)}=${encodeURIComponent(value)}${broken}`;
};

// Mostly well-formed, so that most calls get past parsing to the checks behind it.
const encodingStyle = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(0, 1, 2) },
  { weight: 1, arbitrary: fc.integer({ min: 3, max: 8 }) },
);

const pairs = (known: () => readonly string[], huge = false) =>
  fc.array(fc.tuple(argumentName, argumentValue(known, huge), encodingStyle), { maxLength: 6 });

const urlencoded = (known: () => readonly string[], huge = false) =>
  pairs(known, huge).map((list) =>
    list.map(([name, value, style]) => encodePair(name, value, style)).join('&'),
  );

/** A JSON value nested `depth` deep, arrays or objects. */
const deepJson = fc
  .tuple(fc.integer({ min: 1, max: 6000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays
      ? `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`
      : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

const jsonBody = (known: () => readonly string[]) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .dictionary(
          argumentName,
          fc.oneof(
            argumentValue(known, true),
            fc.integer(),
            fc.double(),
            fc.boolean(),
            fc.constant(null),
            fc.jsonValue(),
          ),
          { maxKeys: 6 },
        )
        .map((object) => JSON.stringify(object)),
    },
    { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  );

const multipartBody = (known: () => readonly string[]) =>
  fc.tuple(pairs(known, true), fc.boolean(), fc.nat(3)).map(([list, withFile, damage]) => {
    const parts = list.map(
      ([name, value]) => `--XyZ\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    );
    if (withFile)
      parts.push('--XyZ\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nfile\r\n');
    const text = `${parts.join('')}--XyZ--\r\n`;
    return damage === 0 ? text.slice(0, Math.floor(text.length / 2)) : text;
  });

const MEDIA_TYPES = [
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'application/json',
  'text/plain',
  'text/html',
  'application/xml',
  'application/octet-stream',
];

const contentType = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...MEDIA_TYPES),
        fc.boolean(),
        fc.option(
          fc.constantFrom(
            'utf-8',
            'UTF-8',
            '"utf-8"',
            'iso-8859-1',
            'ISO-8859-1',
            'utf8',
            'latin1',
            'ascii',
            '""',
          ),
        ),
        fc.option(fc.constantFrom('XyZ', '"XyZ"', '', 'other')),
      )
      .map(([type, upper, charset, boundary]) => {
        let header = upper ? type.toUpperCase() : type;
        if (charset !== null) header += `; charset=${charset}`;
        if (boundary !== null) header += `; boundary=${boundary}`;
        return header;
      }),
  },
  { weight: 1, arbitrary: headerText(40) },
);

function authorization(known: () => readonly string[]) {
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constantFrom(...known()).map((token) => `Bearer ${token}`) },
    { weight: 1, arbitrary: headerText(30).map((token) => `Bearer ${token}`) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.oneof(fc.constantFrom(...known()), fc.string()),
          fc.oneof(fc.constantFrom(...known()), fc.string()),
        )
        .map(([id, secret]) => basic(id, secret)),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 30 })
        .map((bytes) => `Basic ${Buffer.from(bytes).toString('base64')}`),
    },
    { weight: 1, arbitrary: headerText(30).map((text) => `Basic ${text}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('Basic', 'Basic ', 'Bearer', 'Digest x', 'basic Og==', 'BEARER  a  '),
    },
  );
}

const extraHeaders = fc.array(
  fc.oneof(
    fc.tuple(fc.stringMatching(/^x-[a-z-]{1,10}$/), headerText(60)),
    fc.tuple(fc.constant('Expect'), fc.constantFrom('100-continue', 'nonsense', '200-ok')),
    fc.tuple(fc.constant('Cookie'), headerText(40)),
    fc.tuple(fc.constant('Content-Encoding'), fc.constantFrom('gzip', 'br', 'identity')),
    fc.tuple(fc.constant('Accept-Charset'), headerText(20)),
    fc.tuple(fc.constant('X-Forwarded-For'), headerText(30)),
  ),
  { maxLength: 4 },
);

// A body sent whole, chunked, or cut short of its Content-Length. (A body longer than its framing
// says is another request as far as HTTP goes: the byte-stream property below sends those.)
type Framing = 'exact' | 'chunked' | 'truncated';
const framing = fc.oneof(
  { weight: 14, arbitrary: fc.constant<Framing>('exact') },
  { weight: 3, arbitrary: fc.constant<Framing>('chunked') },
  { weight: 1, arbitrary: fc.constant<Framing>('truncated') },
);

function apiCall(known: () => readonly string[]) {
  const body = fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 5, arbitrary: urlencoded(known, true).map((text) => Buffer.from(text, 'utf8')) },
    { weight: 3, arbitrary: jsonBody(known).map((text) => Buffer.from(text, 'utf8')) },
    { weight: 2, arbitrary: multipartBody(known).map((text) => Buffer.from(text, 'utf8')) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  );
  return fc.record({
    verb: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('GET', 'POST') },
      { weight: 1, arbitrary: fc.constantFrom(...METHODS.filter((verb) => verb !== 'CONNECT')) },
    ),
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...METHOD_NAMES) },
      { weight: 1, arbitrary: fc.stringMatching(/^[a-zA-Z0-9._~%-]{0,20}$/) },
    ),
    query: fc.option(urlencoded(known), { freq: 2 }),
    // The real client id, with or without its secret, so that calls reach the code and token checks.
    credentials: fc.constantFrom('', 'id', 'id+secret', 'id+secret+code'),
    contentType,
    authorization: authorization(known),
    headers: extraHeaders,
    body,
    framing,
    extraBytes: fc.integer({ min: 1, max: 64 }),
  });
}

type ApiCall = ReturnType<typeof apiCall> extends fc.Arbitrary<infer T> ? T : never;

function toWire(call: ApiCall): WireRequest {
  const headers: [string, string][] = [];
  if (call.contentType !== undefined) headers.push(['Content-Type', call.contentType]);
  if (call.authorization !== undefined) headers.push(['Authorization', call.authorization]);
  headers.push(...call.headers);
  const credentials = {
    '': '',
    id: `client_id=${fixture.app.clientId}`,
    'id+secret': `client_id=${fixture.app.clientId}&client_secret=${fixture.clientSecret}`,
    'id+secret+code': `client_id=${fixture.app.clientId}&client_secret=${fixture.clientSecret}&code=1234567890.1234567890123.${'ab'.repeat(32)}`,
  }[call.credentials];
  const query = [credentials, call.query ?? ''].filter((part) => part !== '').join('&');
  const target = `/api/${call.method}${query === '' ? '' : `?${query}`}`;
  if (call.body === undefined) return { method: call.verb, target, headers };
  const framingOf = {
    exact: call.body.length,
    chunked: 'chunked' as const,
    truncated: call.body.length + call.extraBytes,
  };
  return { method: call.verb, target, headers, body: call.body, framing: framingOf[call.framing] };
}

/** Log lines at error level or above: an unexpected exception somewhere in the pipeline. */
function errorLines(): string[] {
  return server.logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
}

describe('the /api/ pipeline under arbitrary requests', () => {
  it('answers every request with a Slack envelope, a documented code and the spec’s status', async () => {
    const known = () => [
      fixture.app.clientId,
      fixture.clientSecret,
      'xoxp-11111111111-2222222222222-0000000000000000000000000000000000000000000000000000000000000000',
      'https://app.example.com/cb',
    ];
    await fc.assert(
      fc.asyncProperty(apiCall(known), async (call) => {
        const answer = await exchange(server.url, encodeRequest(toWire(call)), BODY_TIMEOUT_MS + 3000);
        assert.ok(answer, 'the server answered before hanging up');
        assert.ok(answer.status < 500, `status ${answer.status}`);
        const body = assertSlackEnvelope(answer, call);
        assert.notEqual(body.error, 'internal_error');
        // Nobody here holds a real code or token: nothing but api.test may succeed, and no answer
        // outside api.test's echo may carry anything shaped like a credential.
        if (call.method !== 'api.test')
          assert.notEqual(body.ok, true, 'a call without credentials succeeded');
        // api.test echoes what it was sent, its arguments and the error it was asked to fail with.
        const { args: _echo, ...rest } = body;
        const notEchoed = call.method === 'api.test' ? { ...rest, error: undefined } : rest;
        assert.doesNotMatch(JSON.stringify(notEchoed), CREDENTIAL_SHAPE);
        assert.deepEqual(errorLines(), []);
      }),
      fuzzParameters(800),
    );
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200, 'still serving after the fuzz');
  });

  it('survives arbitrary byte streams: never a 5xx, and it keeps serving', async () => {
    // Garbage where HTTP is expected: random bytes, a good request line with random header bytes, a
    // body longer or shorter than its framing, several requests in one write. Node's parser refuses
    // what is not HTTP (400 and hang up); what is HTTP reaches the pipeline; nothing takes it down.
    const requestLine = fc.constantFrom(
      'GET /api/api.test HTTP/1.1',
      'POST /api/oauth.access HTTP/1.1',
      'POST /api/auth.test HTTP/1.1',
      'GET /oauth/authorize HTTP/1.1',
      'POST /oauth/signin HTTP/1.1',
    );
    const stream = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
      fc
        .tuple(requestLine, fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }))
        .map(([line, headerBytes, bodyBytes]) =>
          Buffer.concat([
            Buffer.from(`${line}\r\n`),
            Buffer.from(headerBytes),
            Buffer.from('\r\n\r\n'),
            Buffer.from(bodyBytes),
          ]),
        ),
      fc
        .tuple(requestLine, fc.nat(100), fc.uint8Array({ maxLength: 200 }))
        .map(([line, declared, bodyBytes]) =>
          Buffer.concat([
            Buffer.from(
              `${line}\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${declared}\r\n\r\n`,
            ),
            Buffer.from(bodyBytes),
          ]),
        ),
    );
    await fc.assert(
      fc.asyncProperty(stream, async (bytes) => {
        const answer = await exchange(server.url, bytes, BODY_TIMEOUT_MS + 3000, { hangUp: true });
        if (answer) assert.ok(answer.status < 500, `status ${answer.status}`);
        assert.deepEqual(errorLines(), []);
      }),
      fuzzParameters(200),
    );
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200, 'still serving');
  });

  it('answers a JSON body nested as deep as the body limit allows with invalid_array_arg', async () => {
    const depth = MAX_BYTES / 2 - 4;
    const body = Buffer.from(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    const answer = await exchange(
      server.url,
      encodeRequest({
        method: 'POST',
        target: '/api/api.test',
        headers: [['Content-Type', 'application/json; charset=utf-8']],
        body,
      }),
      3000,
    );
    assert.ok(answer);
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body.toString('utf8')), { ok: false, error: 'invalid_array_arg' });
  });
});
