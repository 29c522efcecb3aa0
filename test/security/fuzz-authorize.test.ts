import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createLatchkey, type Latchkey, type LatchkeyApp } from '../../src/latchkey.js';
import { fuzzParameters } from '../helpers/fuzz.js';
import { getPage, hiddenFieldsOf, postPage, signIn } from '../helpers/pages.js';
import { type Fixture, seed, startTestServer, type TestServer } from '../helpers/server.js';

// Spec §4.1–4.2 under arbitrary redirect URIs and sign-in targets: the authorize pages never send a
// browser anywhere but below a URI the app registered (as the browser itself will resolve the
// Location), never answer a 5xx, and a sign-in never redirects off this server (no open redirect).

const PASSWORD = 'correct horse battery';
const REGISTERED = [
  'https://app.example.com/cb',
  'http://localhost:8080/oauth?tenant=7',
  'http://127.0.0.1:9000/',
];

let server: TestServer;
let fixture: Fixture;
let cookie: string;
before(async () => {
  server = await startTestServer({ signInFailures: 1_000_000 });
  fixture = await seed(server.domain, { redirectUris: REGISTERED });
  cookie = await signIn(
    server.url,
    `/oauth/authorize?client_id=${fixture.app.clientId}&scope=identify`,
    fixture.user.email as string,
    PASSWORD,
  );
});
after(() => server.close());

/**
 * Where a browser goes when told `Location: location`: nowhere but at or below a registered URI's
 * path, on its scheme, host and port. Resolved with the WHATWG URL parser, as a browser resolves it.
 */
function assertLandsOnRegistered(location: string, registered: readonly string[], label: string) {
  const target = new URL(location);
  const home = registered
    .map((uri) => new URL(uri))
    .find((uri) => {
      if (uri.origin !== target.origin) return false;
      const base = uri.pathname.endsWith('/') ? uri.pathname : `${uri.pathname}/`;
      return target.pathname === uri.pathname || target.pathname.startsWith(base);
    });
  assert.ok(home, `${label}: redirected to ${location}, below no registered URI`);
  assert.equal(target.username, '', `${label}: user info in ${location}`);
  assert.equal(target.password, '');
}

/**
 * Headers of every answer of the authorize step (spec §4.3; RFC 6749 §10.13, RFC 9700 §4.2, §4.3,
 * §4.16): pages may not be framed, cached or read cross-origin, and neither a page nor a redirect
 * may send a Referer on to the next site.
 */
function assertAnswerHeaders(answer: { status: number; headers: Headers }) {
  const header = (name: string) => answer.headers.get(name);
  assert.equal(header('cache-control'), 'no-store');
  assert.equal(header('referrer-policy'), 'same-origin');
  assert.equal(header('access-control-allow-origin'), null);
  if (answer.status === 302 || answer.status === 303) return;
  assert.equal(header('content-type'), 'text/html; charset=utf-8');
  assert.equal(header('x-frame-options'), 'DENY');
  assert.match(header('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(header('x-content-type-options'), 'nosniff');
}

/**
 * A reflected value that would be markup never appears raw in a page (spec §4.3: escaped): neither
 * a known payload it carries nor, when it opens a tag, the value itself.
 */
function assertEscaped(text: string, reflected: string | null | undefined) {
  if (!reflected) return;
  for (const payload of MARKUP) {
    if (reflected.includes(payload))
      assert.ok(!text.includes(payload), `unescaped ${JSON.stringify(payload)}`);
  }
  if (/<[a-zA-Z!/]/.test(reflected))
    assert.ok(!text.includes(reflected), `unescaped ${JSON.stringify(reflected)}`);
}

const MARKUP = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' autofocus onfocus='x",
  '&amp;&#39;',
];

// Variations of a registered URI, most of them hostile: suffixes on a segment boundary or not, dot
// segments plain and encoded, encoded slashes and backslashes, other schemes, hosts, ports and user
// info, fragments, and characters a browser drops or re-encodes.
const SUFFIXES = [
  '',
  '/',
  '/x',
  '/x/y?z=1',
  'x',
  '.evil.com',
  '@evil.com',
  '/..',
  '/../admin',
  '/./x',
  '/%2e%2e/admin',
  '/.%2E/admin',
  '/%2f%2fevil.com',
  '/%5cevil.com',
  '\\evil.com',
  '/\\evil.com',
  '#frag',
  '?a=b#c',
  '%00',
  '/\t',
  '/\n',
  '/ x',
  '/é',
  '/€',
  ';x',
  '?next=https://evil.com',
  '//evil.com',
  ':@evil.com',
];

const redirectUri = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...REGISTERED),
        fc.array(fc.constantFrom(...SUFFIXES), { maxLength: 3 }),
        fc.constantFrom(
          (uri: string) => uri,
          (uri: string) => uri.replace('https://', 'http://'),
          (uri: string) => uri.replace('http://', 'https://'),
          (uri: string) => uri.replace('://', '://user:pw@'),
          (uri: string) => uri.replace('://', '://evil.com@'),
          (uri: string) => uri.replace('app.example.com', 'APP.EXAMPLE.COM'),
          (uri: string) => uri.replace('app.example.com', 'app.example.com.'),
          (uri: string) => uri.replace('app.example.com', 'evil-app.example.com'),
          (uri: string) => uri.replace('app.example.com', 'app.example.com:443'),
          (uri: string) => uri.replace('app.example.com', 'app.example.com:8443'),
          (uri: string) => uri.replace('localhost:8080', 'localhost:8081'),
          (uri: string) => uri.replace('127.0.0.1:9000', '127.0.0.2:9000'),
          (uri: string) => uri.replace('127.0.0.1', '[::ffff:127.0.0.1]'),
          (uri: string) => uri.replace('/cb', '/CB'),
          (uri: string) => uri.replace('/cb', '/c%62'),
          (uri: string) => uri.toUpperCase(),
        ),
      )
      .map(([uri, suffixes, change]) => {
        // The suffix goes after the path, before any query the registered URI has.
        const query = uri.indexOf('?');
        const [path, rest] = query < 0 ? [uri, ''] : [uri.slice(0, query), uri.slice(query)];
        return change(path + suffixes.join('') + rest);
      }),
  },
  { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

// An empty state is an absent one, like every empty parameter (spec §1.1), so it is not generated;
// some states carry markup, to be escaped wherever they are shown.
const state = fc.option(
  fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
    fc.tuple(fc.constantFrom(...MARKUP), fc.string({ maxLength: 8 })).map(([markup, rest]) => markup + rest),
  ),
  { freq: 3 },
);

function authorizePath(version: 1 | 2, params: Record<string, string>): string {
  return `${version === 1 ? '/oauth/authorize' : '/oauth/v2/authorize'}?${new URLSearchParams(params)}`;
}

describe('authorize pages under arbitrary redirect URIs', () => {
  it('consent and its decision redirect only below a registered URI, carrying the state back', async () => {
    const request = fc.record({
      version: fc.constantFrom<1 | 2>(1, 2),
      redirectUri,
      state,
      decision: fc.constantFrom('allow', 'cancel'),
    });
    await fc.assert(
      fc.asyncProperty(request, async (run) => {
        const params = {
          client_id: fixture.app.clientId,
          [run.version === 1 ? 'scope' : 'user_scope']: 'identify',
          redirect_uri: run.redirectUri,
          ...(run.state !== null && { state: run.state }),
        };
        const path = authorizePath(run.version, params);
        const page = await getPage(`${server.url}${path}`, cookie);
        assertAnswerHeaders(page);
        assertEscaped(page.text, run.state);
        assertEscaped(page.text, run.redirectUri);
        assert.equal(page.headers.get('location'), null, 'a GET with a session never redirects');
        assert.ok(page.status === 200 || page.status === 400, `status ${page.status}`);
        if (page.status === 400) return;

        const fields = hiddenFieldsOf(page.text);
        // An empty redirect_uri is an absent one: the app's first registered URI (spec §4.1).
        const sent = run.redirectUri === '' ? undefined : run.redirectUri;
        assert.equal(fields.redirect_uri, sent, 'the form carries the URI unchanged');
        const answer = await postPage(
          `${server.url}${path.split('?')[0]}`,
          { ...fields, decision: run.decision },
          cookie,
        );
        assert.equal(answer.status, 303);
        assertAnswerHeaders(answer);
        const location = answer.headers.get('location') as string;
        assertLandsOnRegistered(location, REGISTERED, JSON.stringify(run.redirectUri));
        // The code is bound to the exact string sent, so the redirect starts with it.
        const target = sent ?? (REGISTERED[0] as string);
        assert.ok(location.startsWith(target), `${location} does not start with the redirect_uri`);
        const query = new URL(location).searchParams;
        assert.equal(query.get('state'), run.state, 'the state comes back unchanged');
        if (run.decision === 'cancel') assert.equal(query.get('error'), 'access_denied');
        else assert.match(query.get('code') ?? '', /^\d{10}\.\d{13}\.[0-9a-f]{64}$/);
      }),
      fuzzParameters(250),
    );
    assert.deepEqual(
      server.logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50),
      [],
    );
  });

  it('a decision form forged with any redirect_uri redirects only below a registered URI', async () => {
    const consent = await getPage(
      `${server.url}${authorizePath(1, { client_id: fixture.app.clientId, scope: 'identify' })}`,
      cookie,
    );
    const good = hiddenFieldsOf(consent.text);
    await fc.assert(
      fc.asyncProperty(redirectUri, fc.constantFrom('allow', 'cancel'), async (uri, decision) => {
        const answer = await postPage(
          `${server.url}/oauth/authorize`,
          { ...good, redirect_uri: uri, decision },
          cookie,
        );
        assert.ok(answer.status === 303 || answer.status === 400, `status ${answer.status}`);
        assertAnswerHeaders(answer);
        const location = answer.headers.get('location');
        if (answer.status === 400) assert.equal(location, null);
        else assertLandsOnRegistered(location as string, REGISTERED, JSON.stringify(uri));
      }),
      fuzzParameters(250),
    );
  });

  it('without a session, shows the sign-in page or a refusal, never a redirect', async () => {
    await fc.assert(
      fc.asyncProperty(redirectUri, async (uri) => {
        const page = await getPage(
          `${server.url}${authorizePath(1, { client_id: fixture.app.clientId, scope: 'identify', redirect_uri: uri })}`,
        );
        assert.ok(page.status === 200 || page.status === 400, `status ${page.status}`);
        assertAnswerHeaders(page);
        assertEscaped(page.text, uri);
        assert.equal(page.headers.get('location'), null);
      }),
      fuzzParameters(100),
    );
  });

  it('a sign-in or sign-out redirects only to an authorize request of this server', async () => {
    const authorizeQuery = `client_id=${fixture.app.clientId}&scope=identify`;
    // Targets that would pass the authorize checks if only their query were read: another host,
    // protocol-relative and backslashed paths, schemes, and paths that climb out of /oauth/.
    const next = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.webUrl(),
      fc
        .tuple(
          fc.constantFrom(
            '/oauth/authorize?',
            '/oauth/v2/authorize?',
            'https://evil.example.com/?',
            'https://evil.example.com/oauth/authorize?',
            '//evil.example.com/oauth/authorize?',
            '/\\evil.example.com/oauth/authorize?',
            '\t//evil.example.com/?',
            'javascript:alert(1)//?',
            '/oauth/authorize/../../evil?',
            '/oauth/../api/auth.test?',
            '/oauth/authorize',
          ),
          fc.constantFrom(
            authorizeQuery,
            `${authorizeQuery}#@evil.example.com`,
            `${authorizeQuery}&redirect_uri=https://evil.example.com/`,
            `${authorizeQuery}&next=//evil.example.com`,
            '@evil.example.com',
          ),
        )
        .map(([head, tail]) => head + tail),
    );
    const own = new URL(server.url);
    await fc.assert(
      fc.asyncProperty(next, fc.boolean(), async (target, signOut) => {
        let answer: Awaited<ReturnType<typeof postPage>>;
        if (signOut) {
          const session = await signIn(
            server.url,
            authorizePath(1, { client_id: fixture.app.clientId, scope: 'identify' }),
            fixture.user.email as string,
            PASSWORD,
          );
          const consent = await getPage(
            `${server.url}${authorizePath(1, { client_id: fixture.app.clientId, scope: 'identify' })}`,
            session,
          );
          const csrf = hiddenFieldsOf(consent.text).csrf_token as string;
          answer = await postPage(`${server.url}/oauth/signout`, { next: target, csrf_token: csrf }, session);
        } else {
          answer = await postPage(`${server.url}/oauth/signin`, {
            next: target,
            email: fixture.user.email as string,
            password: PASSWORD,
          });
        }
        assert.ok(answer.status < 500, `status ${answer.status}`);
        assertAnswerHeaders(answer);
        assertEscaped(answer.text, target);
        const location = answer.headers.get('location');
        if (location === null) return;
        // Resolved as a browser would, against the page that answered.
        const landing = new URL(location, `${server.url}/oauth/signin`);
        assert.equal(landing.origin, own.origin, `${JSON.stringify(target)} left the server: ${location}`);
        assert.match(landing.pathname, /^\/oauth\/(v2\/)?authorize$/);
      }),
      fuzzParameters(120),
    );
  });
});

describe('--insecure-auto-approve under arbitrary redirect URIs', () => {
  let latchkey: Latchkey;
  let app: LatchkeyApp;
  before(async () => {
    latchkey = await createLatchkey();
    const workspace = await latchkey.workspaces.create({ name: 'Acme', domain: 'acme' });
    const user = await latchkey.users.create({ teamId: workspace.id, name: 'ada' });
    app = await latchkey.apps.create({ name: 'App', redirectUris: REGISTERED });
    latchkey.autoApprove(user);
  });
  after(() => latchkey.close());

  it('redirects at once, and only below a registered URI', async () => {
    await fc.assert(
      fc.asyncProperty(redirectUri, state, async (uri, sent) => {
        const params = {
          client_id: app.clientId,
          scope: 'identify',
          redirect_uri: uri,
          ...(sent !== null && { state: sent }),
        };
        const page = await getPage(`${latchkey.authorizeUrl}?${new URLSearchParams(params)}`);
        assert.ok(page.status === 302 || page.status === 400, `status ${page.status}`);
        assertAnswerHeaders(page);
        const location = page.headers.get('location');
        if (page.status === 400) return assert.equal(location, null);
        assertLandsOnRegistered(location as string, REGISTERED, JSON.stringify(uri));
        assert.equal(new URL(location as string).searchParams.get('state'), sent);
      }),
      fuzzParameters(200),
    );
  });
});
