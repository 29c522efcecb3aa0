import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { issueCode } from '../../src/domain/codes.js';
import type { ErrorCode } from '../../src/errors.js';
import { CREDENTIAL_SHAPE } from '../helpers/envelope.js';
import { fuzzParameters } from '../helpers/fuzz.js';
import { startLimitedServer, UNLIMITED } from '../helpers/limited-server.js';
import { type Fixture, mintCode, postForm, seed, type TestServer } from '../helpers/server.js';
import { callWith, credentialsOf, mintV2Code } from '../helpers/v2.js';
import { encodeRequest, exchange, type WireRequest } from '../helpers/wire.js';

// "Never a token for a request that should fail", as a differential property: start from a request
// that must succeed, apply arbitrary mutations, some of which must make it fail (a byte of the secret
// or the code changed, a redirect URI or verifier that differs, a first occurrence that is wrong…)
// and some of which must not (another transport or charset, HTTP Basic, extra arguments, a second
// occurrence that is wrong…). The call succeeds exactly when no breaking mutation was applied, fails
// with one of the codes those mutations stand for, and leaves the code usable exactly when the spec
// says a failure does not burn it.

const REDIRECT = 'https://app.example.com/cb';

let server: TestServer;
let fixture: Fixture;
let other: Fixture;
let rotating: Fixture;
before(async () => {
  server = await startLimitedServer({ clientAuth: UNLIMITED, unknownTokens: UNLIMITED, rateLimits: {} });
  fixture = await seed(server.domain, { redirectUris: [REDIRECT] });
  other = await seed(server.domain, { redirectUris: [REDIRECT] });
  rotating = await seed(server.domain, { redirectUris: [REDIRECT], tokenRotation: true });
});
after(() => server.close());

type Pair = [string, string];
type Transport = 'form' | 'text' | 'json' | 'multipart' | 'get';

/** A token request being built: body arguments (query arguments for GET), query arguments, Basic. */
interface Draft {
  pairs: Pair[];
  query: Pair[];
  basic?: { id: string; secret: string };
}

function toWire(method: string, draft: Draft, transport: Transport, charset: string | null): WireRequest {
  const urlencode = (pairs: Pair[]) =>
    pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
  const headers: [string, string][] = [];
  if (draft.basic) {
    const id = encodeURIComponent(draft.basic.id);
    const secret = encodeURIComponent(draft.basic.secret);
    headers.push(['Authorization', `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`]);
  }
  const queryPairs = transport === 'get' ? [...draft.query, ...draft.pairs] : draft.query;
  const target = `/api/${method}${queryPairs.length > 0 ? `?${urlencode(queryPairs)}` : ''}`;
  if (transport === 'get') return { method: 'GET', target, headers };
  const withCharset = (type: string) => (charset === null ? type : `${type}; charset=${charset}`);
  let body: string;
  if (transport === 'json') {
    // By hand, so that a repeated name really is repeated on the wire.
    body = `{${draft.pairs.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`).join(',')}}`;
    headers.push(['Content-Type', withCharset('application/json')]);
  } else if (transport === 'multipart') {
    body = `${draft.pairs
      .map(([name, value]) => `--b0und\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('')}--b0und--\r\n`;
    headers.push(['Content-Type', 'multipart/form-data; boundary=b0und']);
  } else {
    body = urlencode(draft.pairs);
    headers.push([
      'Content-Type',
      withCharset(transport === 'text' ? 'text/plain' : 'application/x-www-form-urlencoded'),
    ]);
  }
  return { method: 'POST', target, headers, body: Buffer.from(body, 'utf8') };
}

async function call(
  method: string,
  draft: Draft,
  transport: Transport,
  charset: string | null = transport === 'json' ? 'utf-8' : null,
) {
  const answer = await exchange(server.url, encodeRequest(toWire(method, draft, transport, charset)), 5000);
  assert.ok(answer, 'answered');
  assert.equal(answer.status, 200);
  return JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
}

const argumentOf = (draft: Draft, name: string) => draft.pairs.find(([key]) => key === name)?.[1];
const setValue = (draft: Draft, name: string, value: string) => {
  const pair = draft.pairs.find(([key]) => key === name);
  if (pair) pair[1] = value;
  else draft.pairs.push([name, value]);
};
const remove = (draft: Draft, name: string) => {
  draft.pairs = draft.pairs.filter(([key]) => key !== name);
};

/** `text` with the character at `index` (modulo its length) replaced by another of the same kind. */
function flipChar(text: string, index: number): string {
  const at = index % text.length;
  const char = text[at] as string;
  const replacement = /[0-9]/.test(char)
    ? String((Number(char) + 1) % 10)
    : /[a-f]/.test(char)
      ? char === 'a'
        ? 'b'
        : 'a'
      : 'Z';
  return text.slice(0, at) + replacement + text.slice(at + 1);
}

interface Context {
  /** 1: a code of /oauth/authorize at oauth.access; 2: of /oauth/v2/authorize at oauth.v2.access. */
  readonly version: 1 | 2;
  readonly draft: Draft;
  /** The good request, afresh. */
  readonly base: () => Draft;
  readonly transport: Transport;
  readonly bound: boolean;
  readonly pkce: 'none' | 'S256' | 'plain';
  readonly index: number;
  readonly noise: string;
}

/** A change to a request: the codes it may cause (none: it must not matter), and how to make it. */
interface Mutation {
  readonly name: string;
  readonly codes: readonly ErrorCode[];
  /** Resolves 'not applicable' when the mutation does not fit this request (it is then left out). */
  apply(context: Context): Promise<unknown>;
}

const neutral = (name: string, apply: Mutation['apply']): Mutation => ({ name, codes: [], apply });
const breaking = (name: string, codes: ErrorCode[], apply: Mutation['apply']): Mutation => ({
  name,
  codes,
  apply,
});
const bodyOnly = (context: Context) => context.transport !== 'get';

// One list per part of the request; a run picks at most one mutation from each list, so that two
// mutations never fight over the same argument.
const secretMutations: Mutation[] = [
  breaking('secret: one character changed', ['bad_client_secret'], async ({ draft, index }) => {
    setValue(draft, 'client_secret', flipChar(argumentOf(draft, 'client_secret') as string, index));
  }),
  breaking('secret: cut short', ['bad_client_secret'], async ({ draft, index }) => {
    const secret = argumentOf(draft, 'client_secret') as string;
    setValue(draft, 'client_secret', secret.slice(0, index % secret.length));
  }),
  breaking('secret: one character added', ['bad_client_secret'], async ({ draft }) => {
    setValue(draft, 'client_secret', `${argumentOf(draft, 'client_secret')}0`);
  }),
  breaking('secret: absent', ['bad_client_secret'], async ({ draft }) => remove(draft, 'client_secret')),
  breaking('secret: upper-cased', ['bad_client_secret'], async ({ draft }) => {
    const secret = argumentOf(draft, 'client_secret') as string;
    if (secret.toUpperCase() === secret) return 'not applicable';
    setValue(draft, 'client_secret', secret.toUpperCase());
  }),
  breaking(
    'secret: a wrong first occurrence before the right one',
    ['bad_client_secret'],
    async ({ draft }) => {
      draft.pairs.unshift(['client_secret', '0'.repeat(32)]);
    },
  ),
  neutral('secret: a wrong second occurrence after the right one', async ({ draft }) => {
    draft.pairs.push(['client_secret', '0'.repeat(32)]);
  }),
  breaking('secret: right in the query, wrong in the body', ['bad_client_secret'], async (context) => {
    if (!bodyOnly(context)) return 'not applicable';
    context.draft.query.push(['client_secret', argumentOf(context.draft, 'client_secret') as string]);
    setValue(context.draft, 'client_secret', '0'.repeat(32));
  }),
  neutral('secret: wrong in the query, right in the body', async (context) => {
    if (!bodyOnly(context)) return 'not applicable';
    context.draft.query.push(['client_secret', '0'.repeat(32)]);
  }),
];

const clientMutations: Mutation[] = [
  breaking('client id: unknown', ['invalid_client_id'], async ({ draft, index }) => {
    setValue(draft, 'client_id', flipChar(argumentOf(draft, 'client_id') as string, index));
  }),
  breaking('client id: absent', ['invalid_client_id'], async ({ draft }) => remove(draft, 'client_id')),
  breaking('client id: another app’s, with this secret', ['bad_client_secret'], async ({ draft }) => {
    setValue(draft, 'client_id', other.app.clientId);
  }),
  breaking(
    'client: another app’s id and secret',
    ['invalid_code', 'invalid_client_id', 'bad_client_secret'],
    async ({ draft }) => {
      setValue(draft, 'client_id', other.app.clientId);
      setValue(draft, 'client_secret', other.clientSecret);
    },
  ),
];

// Applied after the body's credentials are final, since it may move them into the header.
const basicMutations: Mutation[] = [
  neutral('Basic: the credentials move from the body to the header', async ({ draft }) => {
    const id = argumentOf(draft, 'client_id');
    const secret = argumentOf(draft, 'client_secret');
    if (id === undefined || secret === undefined) return 'not applicable';
    remove(draft, 'client_id');
    remove(draft, 'client_secret');
    draft.query = draft.query.filter(([name]) => name !== 'client_id' && name !== 'client_secret');
    draft.basic = { id, secret };
  }),
  neutral('Basic: the same credentials in the header too', async ({ draft }) => {
    const id = argumentOf(draft, 'client_id');
    const secret = argumentOf(draft, 'client_secret');
    if (id === undefined || secret === undefined) return 'not applicable';
    draft.basic = { id, secret };
  }),
  breaking(
    'Basic: a wrong secret beside the body’s',
    ['bad_client_secret', 'invalid_client_id'],
    async ({ draft }) => {
      draft.basic = { id: argumentOf(draft, 'client_id') ?? fixture.app.clientId, secret: '0'.repeat(32) };
    },
  ),
  breaking(
    'Basic: another client id beside the body’s',
    ['invalid_client_id', 'bad_client_secret'],
    async ({ draft }) => {
      draft.basic = { id: other.app.clientId, secret: argumentOf(draft, 'client_secret') ?? '' };
    },
  ),
];

const codeMutations: Mutation[] = [
  breaking('code: one character changed', ['invalid_code'], async ({ draft, index }) => {
    setValue(draft, 'code', flipChar(argumentOf(draft, 'code') as string, index));
  }),
  breaking('code: cut short', ['invalid_code'], async ({ draft, index }) => {
    const code = argumentOf(draft, 'code') as string;
    setValue(draft, 'code', code.slice(0, index % code.length));
  }),
  breaking('code: absent', ['invalid_code'], async ({ draft }) => remove(draft, 'code')),
  breaking('code: another app’s', ['invalid_code'], async ({ draft, version }) => {
    // With the other app's own credentials that would be a good request of that app.
    if (argumentOf(draft, 'client_id') === other.app.clientId) return 'not applicable';
    setValue(draft, 'code', await mintCode(server.domain, other, { scopes: ['identify'], version }));
  }),
  breaking(
    'code: a code of the other authorize step',
    ['oauth_authorization_url_mismatch', 'bad_redirect_uri', 'invalid_code_verifier'],
    async ({ draft, version }) => {
      const otherVersion = version === 1 ? 2 : 1;
      setValue(
        draft,
        'code',
        await mintCode(server.domain, fixture, { scopes: ['identify'], version: otherVersion }),
      );
    },
  ),
  breaking('code: expired', ['invalid_code'], async ({ draft, version }) => {
    const { code } = await issueCode(server.domain, {
      app: fixture.app,
      userId: fixture.user.id,
      scopes: ['identify'],
      redirectUri: null,
      version,
      ttlSeconds: 1,
    });
    server.clock.advance(1000);
    setValue(draft, 'code', code);
  }),
  breaking('code: used already', ['code_already_used'], async ({ base, version }) => {
    const first = await call(exchangeMethod(version), base(), 'form', null);
    assert.equal(first.ok, true, 'the code’s first use succeeds');
  }),
];

const redirectMutations: Mutation[] = [
  breaking(
    'redirect: absent at the exchange, present at authorize',
    ['bad_redirect_uri'],
    async ({ draft, bound }) => {
      if (!bound) return 'not applicable';
      remove(draft, 'redirect_uri');
    },
  ),
  breaking('redirect: a segment added', ['bad_redirect_uri'], async ({ draft, bound }) => {
    if (!bound) return 'not applicable';
    setValue(draft, 'redirect_uri', `${REDIRECT}/x`);
  }),
  breaking('redirect: a trailing slash', ['bad_redirect_uri'], async ({ draft, bound }) => {
    if (!bound) return 'not applicable';
    setValue(draft, 'redirect_uri', `${REDIRECT}/`);
  }),
  breaking('redirect: the host upper-cased', ['bad_redirect_uri'], async ({ draft, bound }) => {
    if (!bound) return 'not applicable';
    setValue(draft, 'redirect_uri', REDIRECT.replace('app.example.com', 'APP.example.com'));
  }),
  breaking('redirect: unregistered, none at authorize', ['bad_redirect_uri'], async ({ draft, bound }) => {
    if (bound) return 'not applicable';
    setValue(draft, 'redirect_uri', 'https://evil.example.com/cb');
  }),
  breaking('redirect: a path that only shares a prefix', ['bad_redirect_uri'], async ({ draft, bound }) => {
    if (bound) return 'not applicable';
    setValue(draft, 'redirect_uri', `${REDIRECT}x`);
  }),
  neutral('redirect: a registered sub-path, none at authorize', async ({ draft, bound }) => {
    if (bound) return 'not applicable';
    setValue(draft, 'redirect_uri', `${REDIRECT}/deeper?q=1`);
  }),
  neutral('redirect: empty, none at authorize', async ({ draft, bound }) => {
    if (bound) return 'not applicable';
    setValue(draft, 'redirect_uri', '');
  }),
];

const verifierMutations: Mutation[] = [
  breaking('verifier: one character changed', ['invalid_code_verifier'], async ({ draft, pkce, index }) => {
    if (pkce === 'none') return 'not applicable';
    setValue(draft, 'code_verifier', flipChar(argumentOf(draft, 'code_verifier') as string, index));
  }),
  breaking('verifier: absent', ['invalid_code_verifier'], async ({ draft, pkce }) => {
    if (pkce === 'none') return 'not applicable';
    remove(draft, 'code_verifier');
  }),
  breaking(
    'verifier: the challenge itself (a downgrade to plain)',
    ['invalid_code_verifier'],
    async ({ draft, pkce }) => {
      if (pkce !== 'S256') return 'not applicable';
      setValue(draft, 'code_verifier', challengeOf(argumentOf(draft, 'code_verifier') as string));
    },
  ),
  breaking(
    'verifier: sent for a code without a challenge',
    ['invalid_code_verifier'],
    async ({ draft, pkce }) => {
      if (pkce !== 'none') return 'not applicable';
      setValue(draft, 'code_verifier', 'v'.repeat(43));
    },
  ),
];

const noiseMutations: Mutation[] = [
  neutral('noise: unknown arguments', async ({ draft, noise }) => {
    draft.pairs.push(['x_unknown', noise], ['single_channel', 'true'], ['grant_type', 'authorization_code']);
  }),
  neutral('noise: an empty argument', async ({ draft }) => {
    draft.pairs.push(['x_empty', '']);
  }),
];

const exchangeMethod = (version: 1 | 2) => (version === 1 ? 'oauth.access' : 'oauth.v2.access');

const challengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

// Each part is left alone four times in five, so that a good share of runs carry exactly one
// breaking mutation: a check that went missing shows only when nothing else fails the request.
const pick = (mutations: Mutation[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom(...mutations) },
  );

const exchangeCase = fc.record({
  version: fc.constantFrom<1 | 2>(1, 2),
  transport: fc.constantFrom<Transport>('form', 'text', 'json', 'multipart', 'get'),
  charset: fc.constantFrom(null, 'utf-8', 'UTF-8', 'iso-8859-1'),
  bound: fc.boolean(),
  pkce: fc.constantFrom<'none' | 'S256' | 'plain'>('none', 'S256', 'plain'),
  verifier: fc.stringMatching(/^[A-Za-z0-9._~-]{43,128}$/),
  index: fc.nat(200),
  noise: fc.string({ unit: 'grapheme', maxLength: 30 }),
  mutations: fc.tuple(
    pick(clientMutations),
    pick(secretMutations),
    pick(codeMutations),
    pick(redirectMutations),
    pick(verifierMutations),
    pick(noiseMutations),
    pick(basicMutations),
  ),
});

describe('oauth.access and oauth.v2.access under mutations of a good request', () => {
  it('issues a token exactly when no breaking mutation was applied, and burns the code only as the spec says', async () => {
    await fc.assert(
      fc.asyncProperty(exchangeCase, async (run) => {
        const code = await mintCode(server.domain, fixture, {
          scopes: ['identify'],
          version: run.version,
          redirectUri: run.bound ? REDIRECT : null,
          ...(run.pkce !== 'none' && {
            codeChallenge: run.pkce === 'S256' ? challengeOf(run.verifier) : run.verifier,
            codeChallengeMethod: run.pkce,
          }),
        });
        const base = (): Draft => ({
          pairs: [
            ['client_id', fixture.app.clientId],
            ['client_secret', fixture.clientSecret],
            ['code', code],
            ...(run.bound ? [['redirect_uri', REDIRECT] as Pair] : []),
            ...(run.pkce !== 'none' ? [['code_verifier', run.verifier] as Pair] : []),
          ],
          query: [],
        });
        const draft = base();
        const context = { ...run, draft, base };
        const applied: Mutation[] = [];
        for (const mutation of run.mutations) {
          if (mutation && (await mutation.apply(context)) !== 'not applicable') applied.push(mutation);
        }
        const expected = new Set(applied.flatMap((mutation) => mutation.codes));
        const label = applied.map((mutation) => mutation.name).join(' + ') || 'no mutation';

        const method = exchangeMethod(run.version);
        const answer = await call(method, draft, run.transport, run.charset);
        if (expected.size === 0) {
          assert.equal(answer.ok, true, `${label}: ${JSON.stringify(answer)}`);
          const identity = await callWith(server.url, 'auth.test', String(answer.access_token));
          assert.equal(identity.body.ok, true);
          // v1 answers the person's token; v2 the bot's, with the person in authed_user.
          if (run.version === 1) assert.equal(identity.body.user_id, fixture.user.id);
          else assert.equal((answer.authed_user as { id: string }).id, fixture.user.id);
          return;
        }
        assert.equal(answer.ok, false, `${label} was given a token`);
        assert.ok(expected.has(answer.error as ErrorCode), `${label}: ${String(answer.error)}`);
        assert.doesNotMatch(JSON.stringify(answer), CREDENTIAL_SHAPE);

        // The good request afterwards: a failure leaves the code alone, except the checks that burn
        // it (spec §3 steps 3–5) and a code that was used already.
        const used = applied.some((mutation) => mutation.name === 'code: used already');
        const codeReplaced = !used && applied.some((mutation) => codeMutations.includes(mutation));
        const burned =
          used ||
          (!codeReplaced &&
            ['bad_redirect_uri', 'invalid_code_verifier', 'oauth_authorization_url_mismatch'].includes(
              answer.error as string,
            ));
        const retry = await call(method, base(), 'form', null);
        if (burned) assert.deepEqual(retry, { ok: false, error: 'code_already_used' }, label);
        else assert.equal(retry.ok, true, `${label} burned the code: ${JSON.stringify(retry)}`);
      }),
      fuzzParameters(250),
    );
  });
});

describe('the refresh grant under mutations of a good request', () => {
  it('rotates exactly when nothing breaking was applied; a replay revokes the family', async () => {
    const refreshCase = fc.record({
      transport: fc.constantFrom<Transport>('form', 'json', 'multipart', 'get'),
      index: fc.nat(200),
      mutation: fc.option(
        fc.constantFrom(
          'token: one character changed',
          'token: cut short',
          'token: absent',
          'token: another app’s',
          'token: the access token instead',
          'token: replayed',
          'secret: one character changed',
          'grant type: another',
          'grant type: first occurrence wrong',
          'Basic credentials',
        ),
        { freq: 4 },
      ),
    });
    const installRotating = async (app: Fixture) => {
      const code = await mintV2Code(server.domain, app, { botScopes: ['chat:write'] });
      const answer = await postForm(`${server.url}/api/oauth.v2.access`, credentialsOf(app, { code }));
      assert.equal(answer.body.ok, true);
      return { access: String(answer.body.access_token), refresh: String(answer.body.refresh_token) };
    };
    const otherRotating = await seed(server.domain, { tokenRotation: true });

    await fc.assert(
      fc.asyncProperty(refreshCase, async (run) => {
        const install = await installRotating(rotating);
        const draft: Draft = {
          pairs: [
            ['client_id', rotating.app.clientId],
            ['client_secret', rotating.clientSecret],
            ['grant_type', 'refresh_token'],
            ['refresh_token', install.refresh],
          ],
          query: [],
        };
        let expected: ErrorCode | undefined;
        switch (run.mutation) {
          case 'token: one character changed':
            setValue(draft, 'refresh_token', flipChar(install.refresh, run.index));
            expected = 'invalid_refresh_token';
            break;
          case 'token: cut short':
            setValue(draft, 'refresh_token', install.refresh.slice(0, run.index % install.refresh.length));
            expected = 'invalid_refresh_token';
            break;
          case 'token: absent':
            remove(draft, 'refresh_token');
            expected = 'invalid_refresh_token';
            break;
          case 'token: another app’s':
            setValue(draft, 'refresh_token', (await installRotating(otherRotating)).refresh);
            expected = 'invalid_refresh_token';
            break;
          case 'token: the access token instead':
            setValue(draft, 'refresh_token', install.access);
            expected = 'invalid_refresh_token';
            break;
          case 'token: replayed': {
            const first = await call('oauth.v2.access', draft, 'form', null);
            assert.equal(first.ok, true);
            expected = 'invalid_refresh_token';
            break;
          }
          case 'secret: one character changed':
            setValue(draft, 'client_secret', flipChar(rotating.clientSecret, run.index));
            expected = 'bad_client_secret';
            break;
          case 'grant type: another':
            setValue(draft, 'grant_type', 'password');
            expected = 'invalid_grant_type';
            break;
          case 'grant type: first occurrence wrong':
            draft.pairs.unshift(['grant_type', 'client_credentials']);
            expected = 'invalid_grant_type';
            break;
          case 'Basic credentials':
            remove(draft, 'client_id');
            remove(draft, 'client_secret');
            draft.basic = { id: rotating.app.clientId, secret: rotating.clientSecret };
            break;
        }
        const answer = await call('oauth.v2.access', draft, run.transport);
        if (expected === undefined) {
          assert.equal(answer.ok, true, `${run.mutation}: ${JSON.stringify(answer)}`);
          assert.equal((await callWith(server.url, 'auth.test', String(answer.access_token))).body.ok, true);
          return;
        }
        assert.deepEqual(answer, { ok: false, error: expected }, String(run.mutation));
        const identity = await callWith(server.url, 'auth.test', install.access);
        if (run.mutation === 'token: replayed') {
          // The replay revoked the whole family (spec §5.4), the first install's access token too.
          assert.deepEqual(identity.body, { ok: false, error: 'token_revoked' });
        } else {
          assert.equal(identity.body.ok, true, `${run.mutation} harmed the install`);
          const good = await postForm(`${server.url}/api/oauth.v2.access`, {
            ...credentialsOf(rotating),
            grant_type: 'refresh_token',
            refresh_token: install.refresh,
          });
          assert.equal(good.body.ok, true, `${run.mutation} spent the refresh token`);
        }
      }),
      fuzzParameters(120),
    );
  });
});

describe('protected methods under mutations of a good token', () => {
  it('authenticate exactly the issued token, however it is sent', async () => {
    const code = await mintCode(server.domain, fixture, { scopes: ['identify'] });
    const issued = await postForm(`${server.url}/api/oauth.access`, credentialsOf(fixture, { code }));
    const token = String(issued.body.access_token);
    const tokenCase = fc.record({
      where: fc.constantFrom('bearer', 'bearer lower-case', 'bearer spaced', 'body', 'query', 'json'),
      index: fc.nat(200),
      mutation: fc.option(
        fc.constantFrom(
          'one character changed',
          'cut short',
          'one character added',
          'upper-cased',
          'another prefix',
        ),
        { freq: 2 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(tokenCase, async (run) => {
        let presented = token;
        if (run.mutation === 'one character changed') presented = flipChar(token, run.index);
        if (run.mutation === 'cut short') presented = token.slice(0, 1 + (run.index % (token.length - 1)));
        if (run.mutation === 'one character added') presented = `${token}0`;
        if (run.mutation === 'upper-cased') presented = token.toUpperCase();
        if (run.mutation === 'another prefix') presented = token.replace('xoxp-', 'xoxb-');
        const draft: Draft = { pairs: [], query: [] };
        const headers: [string, string][] = [];
        let transport: Transport = 'form';
        if (run.where === 'bearer') headers.push(['Authorization', `Bearer ${presented}`]);
        if (run.where === 'bearer lower-case') headers.push(['Authorization', `bearer ${presented}`]);
        if (run.where === 'bearer spaced') headers.push(['Authorization', `  Bearer   ${presented}  `]);
        if (run.where === 'body') draft.pairs.push(['token', presented]);
        if (run.where === 'query') draft.query.push(['token', presented]);
        if (run.where === 'json') {
          draft.pairs.push(['token', presented]);
          transport = 'json';
        }
        const request = toWire('auth.test', draft, transport, transport === 'json' ? 'utf-8' : null);
        const answer = await exchange(
          server.url,
          encodeRequest({ ...request, headers: [...(request.headers ?? []), ...headers] }),
          5000,
        );
        assert.ok(answer);
        const body = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
        if (run.mutation === null) {
          assert.equal(body.ok, true, `${run.where}: ${JSON.stringify(body)}`);
          assert.equal(body.user_id, fixture.user.id);
        } else {
          assert.deepEqual(body, { ok: false, error: 'invalid_auth' }, `${run.mutation} via ${run.where}`);
        }
      }),
      fuzzParameters(150),
    );
  });
});
