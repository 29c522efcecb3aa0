import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/domain/apps.js';
import { createUser } from '../src/domain/users.js';
import { createWorkspace } from '../src/domain/workspaces.js';
import { getPage, hiddenFieldsOf, postPage, signIn } from './helpers/pages.js';
import { type Fixture, postForm, seed, startTestServer, type TestServer } from './helpers/server.js';

// Spec §4 (with §7): the authorize step over plain HTTP — refusals, sign-in, consent, the decision.

const PASSWORD = 'correct horse battery';
const REDIRECT = 'https://app.example.com/cb';

let server: TestServer;
let fixture: Fixture;
before(async () => {
  server = await startTestServer({ signInFailures: 1000 });
  fixture = await seed(server.domain, { redirectUris: [REDIRECT, 'http://localhost:8080/oauth?tenant=7'] });
});
after(() => server.close());

function authorizePath(params: Record<string, string>, version: 1 | 2 = 1): string {
  const path = version === 1 ? '/oauth/authorize' : '/oauth/v2/authorize';
  return `${path}?${new URLSearchParams(params)}`;
}

function v1(extra: Record<string, string> = {}): Record<string, string> {
  return { client_id: fixture.app.clientId, scope: 'identify,read', ...extra };
}

async function signedIn(next: string, who: Fixture = fixture): Promise<string> {
  return signIn(server.url, next, who.user.email as string, PASSWORD);
}

/** Signs in, opens the consent page and submits it with `decision`; returns the decision's answer. */
async function decide(next: string, decision: 'allow' | 'cancel') {
  const cookie = await signedIn(next);
  const consent = await getPage(`${server.url}${next}`, cookie);
  assert.equal(consent.status, 200);
  const fields = hiddenFieldsOf(consent.text);
  return postPage(`${server.url}${next.split('?')[0]}`, { ...fields, decision }, cookie);
}

function exchange(form: Record<string, string>) {
  return postForm(`${server.url}/api/oauth.access`, {
    client_id: fixture.app.clientId,
    client_secret: fixture.clientSecret,
    ...form,
  });
}

function assertPageHeaders(headers: Headers) {
  assert.equal(headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(headers.get('x-frame-options'), 'DENY');
  assert.match(headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(headers.get('cache-control'), 'no-store');
  assert.equal(headers.get('access-control-allow-origin'), null);
}

describe('requests that are refused on a page, never redirected', () => {
  const refusals: [string, () => Record<string, string>][] = [
    ['no client_id', () => ({ scope: 'identify' })],
    ['an unknown client_id', () => v1({ client_id: '1111111111.222222222222' })],
    ['an unregistered redirect_uri', () => v1({ redirect_uri: 'https://evil.example.com/cb' })],
    ['a path that only shares a prefix (/cbx)', () => v1({ redirect_uri: `${REDIRECT}x` })],
    ['a dot-dot segment', () => v1({ redirect_uri: `${REDIRECT}/../admin` })],
    ['an encoded slash', () => v1({ redirect_uri: `${REDIRECT}/%2f%2fevil.example.com` })],
    ['an encoded backslash', () => v1({ redirect_uri: `${REDIRECT}/%5cevil` })],
    ['another scheme', () => v1({ redirect_uri: 'http://app.example.com/cb' })],
    ['another port', () => v1({ redirect_uri: 'https://app.example.com:8443/cb' })],
    ['no scope (v1)', () => ({ client_id: fixture.app.clientId })],
    ['a malformed PKCE challenge', () => v1({ code_challenge: 'short' })],
    ['an unknown PKCE method', () => v1({ code_challenge: 'a'.repeat(43), code_challenge_method: 'S512' })],
    ['an unknown team', () => v1({ team: 'T0000000000' })],
  ];
  for (const [name, params] of refusals) {
    it(`refuses ${name} with HTTP 400 and no Location`, async () => {
      const page = await getPage(`${server.url}${authorizePath(params())}`);
      assert.equal(page.status, 400);
      assert.equal(page.headers.get('location'), null);
      assertPageHeaders(page.headers);
      assert.match(page.text, /<h1>This link does not work<\/h1>/);
    });
  }

  it('refuses a scope the app did not register', async () => {
    const limited = await createApp(server.domain, {
      name: 'Limited',
      redirectUris: [REDIRECT],
      scopes: ['identify'],
    });
    const page = await getPage(
      `${server.url}${authorizePath({ client_id: limited.app.clientId, scope: 'identify,admin' })}`,
    );
    assert.equal(page.status, 400);
    assert.equal(page.headers.get('location'), null);
    assert.match(page.text, /Limited may not ask for admin\./);
  });

  it('refuses a v2 request with neither scope nor user_scope', async () => {
    const page = await getPage(`${server.url}${authorizePath({ client_id: fixture.app.clientId }, 2)}`);
    assert.equal(page.status, 400);
  });

  it('answers 405 with Allow to other verbs', async () => {
    const response = await fetch(`${server.url}${authorizePath(v1())}`, { method: 'PUT' });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET, POST');
  });
});

describe('sign-in', () => {
  it('shows a labelled sign-in form that returns to the authorize request', async () => {
    const next = authorizePath(v1({ state: 's1' }));
    const page = await getPage(`${server.url}${next}`);
    assert.equal(page.status, 200);
    assertPageHeaders(page.headers);
    assert.match(page.text, /<label for="email">Email<\/label>/);
    assert.match(page.text, /<label for="password">Password<\/label>/);
    assert.match(page.text, /<button type="submit" class="primary">Sign in<\/button>/);
    assert.equal(hiddenFieldsOf(page.text).next, next);
  });

  it('sets an HttpOnly, SameSite=Lax session cookie and goes back with 303', async () => {
    const next = authorizePath(v1());
    const answer = await postPage(`${server.url}/oauth/signin`, {
      next,
      email: fixture.user.email as string,
      password: PASSWORD,
    });
    assert.equal(answer.status, 303);
    assert.equal(answer.headers.get('location'), next);
    const cookie = answer.headers.get('set-cookie') ?? '';
    assert.match(
      cookie,
      /^latchkey_session=[A-Za-z0-9_-]{43}; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    );
  });

  it('marks the cookie Secure when the server is reached over https', async () => {
    const secure = await startTestServer({ secureCookies: true });
    try {
      const who = await seed(secure.domain, { redirectUris: [REDIRECT] });
      const answer = await postPage(`${secure.url}/oauth/signin`, {
        next: `/oauth/authorize?client_id=${who.app.clientId}&scope=identify`,
        email: who.user.email as string,
        password: PASSWORD,
      });
      assert.equal(answer.status, 303);
      assert.match(answer.headers.get('set-cookie') ?? '', /; Secure; SameSite=Lax$/);
    } finally {
      await secure.close();
    }
  });

  it('refuses a wrong password with 401, no cookie and the email kept', async () => {
    const answer = await postPage(`${server.url}/oauth/signin`, {
      next: authorizePath(v1()),
      email: fixture.user.email as string,
      password: 'wrong password',
    });
    assert.equal(answer.status, 401);
    assert.equal(answer.headers.get('set-cookie'), null);
    assert.match(answer.text, /role="alert">That email and password do not match an account/);
    assert.ok(answer.text.includes(`value="${fixture.user.email}"`));
  });

  it('refuses a next that is not an authorize request of this server (no open redirect)', async () => {
    for (const next of ['https://evil.example.com/', '//evil.example.com/x', '/api/auth.test?x=1']) {
      const answer = await postPage(`${server.url}/oauth/signin`, {
        next,
        email: fixture.user.email as string,
        password: PASSWORD,
      });
      assert.equal(answer.status, 400, next);
      assert.equal(answer.headers.get('location'), null);
      assert.equal(answer.headers.get('set-cookie'), null);
    }
  });

  it('limits failed sign-ins per account: 429 with Retry-After, even for the right password', async () => {
    const limited = await startTestServer({ signInFailures: 3 });
    try {
      const who = await seed(limited.domain, { redirectUris: [REDIRECT] });
      const form = (password: string) => ({
        next: `/oauth/authorize?client_id=${who.app.clientId}&scope=identify`,
        email: who.user.email as string,
        password,
      });
      for (let i = 0; i < 3; i++) {
        assert.equal((await postPage(`${limited.url}/oauth/signin`, form('wrong password'))).status, 401);
      }
      const refused = await postPage(`${limited.url}/oauth/signin`, form(PASSWORD));
      assert.equal(refused.status, 429);
      assert.match(refused.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
      assert.equal(refused.headers.get('set-cookie'), null);
      assert.match(refused.text, /Too many failed sign-ins\. Try again in \d+ seconds\./);
    } finally {
      await limited.close();
    }
  });

  it('limits failed sign-ins per address from X-Forwarded-For behind a trusted proxy', async () => {
    const proxied = await startTestServer({ signInFailures: 3, trustProxy: true });
    try {
      const who = await seed(proxied.domain, { redirectUris: [REDIRECT] });
      const next = `/oauth/authorize?client_id=${who.app.clientId}&scope=identify`;
      const attempt = (email: string, forwardedFor: string) =>
        fetch(`${proxied.url}/oauth/signin`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
          body: new URLSearchParams({ next, email, password: 'wrong password' }).toString(),
        });
      for (let i = 0; i < 3; i++)
        assert.equal((await attempt(`guess${i}@example.com`, '203.0.113.7')).status, 401);
      assert.equal((await attempt('guess9@example.com', '203.0.113.7')).status, 429);
      // Another client behind the same balancer is not locked out by the first one's failures.
      assert.equal((await attempt('guess9@example.com', '198.51.100.2')).status, 401);
    } finally {
      await proxied.close();
    }
  });

  it('asks a person of another workspace to sign in when the request names a team', async () => {
    const next = authorizePath(v1({ team: fixture.workspace.id }));
    const other = await seed(server.domain, { redirectUris: [REDIRECT] });
    const cookie = await signIn(server.url, authorizePath(v1()), other.user.email as string, PASSWORD);
    const page = await getPage(`${server.url}${next}`, cookie);
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>Sign in to Acme<\/h1>/);
    assert.equal(hiddenFieldsOf(page.text).team, fixture.workspace.id);
  });

  it('signs out: the cookie is cleared and the session no longer opens the consent page', async () => {
    const next = authorizePath(v1());
    const cookie = await signedIn(next);
    const consent = await getPage(`${server.url}${next}`, cookie);
    const csrf = hiddenFieldsOf(consent.text).csrf_token as string;
    const answer = await postPage(`${server.url}/oauth/signout`, { next, csrf_token: csrf }, cookie);
    assert.equal(answer.status, 303);
    assert.equal(answer.headers.get('location'), next);
    assert.match(
      answer.headers.get('set-cookie') ?? '',
      /^latchkey_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const after = await getPage(`${server.url}${next}`, cookie);
    assert.match(after.text, /<h1>Sign in to your workspace<\/h1>/);
  });
});

describe('consent', () => {
  it('names the app, the workspace and every scope with a description', async () => {
    const next = authorizePath(v1({ scope: 'identify channels:history,chat:write' }));
    const page = await getPage(`${server.url}${next}`, await signedIn(next));
    assert.equal(page.status, 200);
    assertPageHeaders(page.headers);
    assert.match(page.text, /<h1>Test App is requesting permission to access the Acme Slack workspace<\/h1>/);
    assert.match(page.text, /<li>Confirm your identity<code>identify<\/code><\/li>/);
    assert.match(
      page.text,
      /<li>View messages and other content in public channels<code>channels:history<\/code><\/li>/,
    );
    assert.match(page.text, /<li>Send messages<code>chat:write<\/code><\/li>/);
    assert.match(page.text, /value="allow" class="primary">Allow<\/button>/);
    assert.match(page.text, /value="cancel" class="secondary">Cancel<\/button>/);
    assert.doesNotMatch(page.text, /id="bot-scopes"/);
  });

  it('lists bot scopes and user scopes apart for v2', async () => {
    const next = authorizePath(
      { client_id: fixture.app.clientId, scope: 'chat:write', user_scope: 'search:read' },
      2,
    );
    const page = await getPage(`${server.url}${next}`, await signedIn(next));
    assert.match(
      page.text,
      /<h2 id="bot-scopes">What will the app be able to do as a bot\?<\/h2>\n<ul class="scopes" aria-labelledby="bot-scopes">\n<li>Send messages<code>chat:write<\/code>/,
    );
    assert.match(
      page.text,
      /<h2 id="user-scopes">[^<]+<\/h2>\n<ul class="scopes" aria-labelledby="user-scopes">\n<li>View search<code>search:read<\/code>/,
    );
  });

  it('Allow redirects with a code and the state; the code exchanges at oauth.access', async () => {
    const answer = await decide(
      authorizePath(v1({ state: 'xyz', redirect_uri: `${REDIRECT}/deeper` })),
      'allow',
    );
    assert.equal(answer.status, 303);
    const location = new URL(answer.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, `${REDIRECT}/deeper`);
    assert.deepEqual([...location.searchParams.keys()], ['code', 'state']);
    assert.equal(location.searchParams.get('state'), 'xyz');
    const code = location.searchParams.get('code') as string;
    const token = await exchange({ code, redirect_uri: `${REDIRECT}/deeper` });
    assert.equal(token.body.ok, true);
    assert.equal(token.body.scope, 'identify,read');
    assert.equal(token.body.user_id, fixture.user.id);
  });

  it('binds the code to the redirect_uri sent: another one is bad_redirect_uri', async () => {
    const answer = await decide(authorizePath(v1({ redirect_uri: `${REDIRECT}/a` })), 'allow');
    const code = new URL(answer.headers.get('location') ?? '').searchParams.get('code') as string;
    assert.deepEqual((await exchange({ code, redirect_uri: REDIRECT })).body, {
      ok: false,
      error: 'bad_redirect_uri',
    });
  });

  it('keeps the redirect URI’s own query string byte for byte', async () => {
    const answer = await decide(
      authorizePath(v1({ redirect_uri: 'http://localhost:8080/oauth?tenant=7' })),
      'allow',
    );
    assert.match(
      answer.headers.get('location') ?? '',
      /^http:\/\/localhost:8080\/oauth\?tenant=7&code=[^&]+$/,
    );
  });

  it('uses the first registered redirect URI when none is sent', async () => {
    const answer = await decide(authorizePath(v1()), 'allow');
    assert.match(answer.headers.get('location') ?? '', /^https:\/\/app\.example\.com\/cb\?code=[^&]+$/);
  });

  it('Cancel redirects with error=access_denied and the state', async () => {
    const answer = await decide(authorizePath(v1({ state: 'abc' })), 'cancel');
    assert.equal(answer.status, 303);
    assert.equal(answer.headers.get('location'), `${REDIRECT}?error=access_denied&state=abc`);
  });

  it('returns a state holding markup byte-identical, and never reflects it unescaped', async () => {
    const state = `<script>alert("x")</script>&'%20é`;
    const next = authorizePath(v1({ state }));
    const cookie = await signedIn(next);
    const consent = await getPage(`${server.url}${next}`, cookie);
    assert.ok(!consent.text.includes('<script>'));
    assert.ok(consent.text.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;%20é'));
    const signInPage = await getPage(`${server.url}${next}`);
    assert.ok(!signInPage.text.includes('<script>'));
    const answer = await postPage(
      `${server.url}/oauth/authorize`,
      { ...hiddenFieldsOf(consent.text), decision: 'allow' },
      cookie,
    );
    assert.equal(new URL(answer.headers.get('location') ?? '').searchParams.get('state'), state);
  });

  it('escapes the app name it shows', async () => {
    const sneaky = await createApp(server.domain, {
      name: '<img src=x onerror=alert(1)>',
      redirectUris: [REDIRECT],
    });
    const next = authorizePath({ client_id: sneaky.app.clientId, scope: 'identify' });
    const page = await getPage(`${server.url}${next}`, await signedIn(next));
    assert.ok(!page.text.includes('<img'));
    assert.ok(page.text.includes('&lt;img src=x onerror=alert(1)&gt;'));
  });

  it('refuses a decision without the CSRF token with 403 and issues nothing', async () => {
    const next = authorizePath(v1());
    const cookie = await signedIn(next);
    const fields = hiddenFieldsOf((await getPage(`${server.url}${next}`, cookie)).text);
    const { csrf_token: _csrf, ...withoutToken } = fields;
    for (const form of [withoutToken, { ...withoutToken, csrf_token: 'forged' }]) {
      const answer = await postPage(`${server.url}/oauth/authorize`, { ...form, decision: 'allow' }, cookie);
      assert.equal(answer.status, 403);
      assert.equal(answer.headers.get('location'), null);
      assertPageHeaders(answer.headers);
    }
  });

  it('refuses a decision whose CSRF token belongs to another session', async () => {
    const next = authorizePath(v1());
    const mine = await signedIn(next);
    const theirs = await signedIn(next);
    const fields = hiddenFieldsOf((await getPage(`${server.url}${next}`, theirs)).text);
    const answer = await postPage(`${server.url}/oauth/authorize`, { ...fields, decision: 'allow' }, mine);
    assert.equal(answer.status, 403);
  });

  it('refuses a decision without a session with 403', async () => {
    const answer = await postPage(`${server.url}/oauth/authorize`, {
      ...v1(),
      csrf_token: 'x',
      decision: 'allow',
    });
    assert.equal(answer.status, 403);
  });

  it('issues a v2 code from /oauth/v2/authorize that oauth.access refuses', async () => {
    const answer = await decide(
      authorizePath({ client_id: fixture.app.clientId, user_scope: 'identify' }, 2),
      'allow',
    );
    const code = new URL(answer.headers.get('location') ?? '').searchParams.get('code') as string;
    assert.deepEqual((await exchange({ code })).body, {
      ok: false,
      error: 'oauth_authorization_url_mismatch',
    });
  });

  it('binds the PKCE challenge: the right verifier exchanges, none is invalid_code_verifier', async () => {
    const verifier = 'v'.repeat(50);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const codeOf = async () => {
      const answer = await decide(
        authorizePath(v1({ code_challenge: challenge, code_challenge_method: 'S256' })),
        'allow',
      );
      return new URL(answer.headers.get('location') ?? '').searchParams.get('code') as string;
    };
    assert.deepEqual((await exchange({ code: await codeOf() })).body, {
      ok: false,
      error: 'invalid_code_verifier',
    });
    assert.equal((await exchange({ code: await codeOf(), code_verifier: verifier })).body.ok, true);
  });
});

describe('--insecure-auto-approve', () => {
  it('redirects at once with a code for that person, with no sign-in or consent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-auto-'));
    const database = join(dir, 'auto.db');
    const seeding = await startTestServer({ database });
    const who = await seed(seeding.domain, { redirectUris: [REDIRECT] });
    await seeding.close();
    const auto = await startTestServer({ database, autoApproveUserId: who.user.id });
    try {
      const path = `/oauth/authorize?client_id=${who.app.clientId}&scope=identify&state=s`;
      const answer = await getPage(`${auto.url}${path}`);
      assert.equal(answer.status, 302);
      const location = new URL(answer.headers.get('location') ?? '');
      assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
      assert.equal(location.searchParams.get('state'), 's');
      const token = await postForm(`${auto.url}/api/oauth.access`, {
        client_id: who.app.clientId,
        client_secret: who.clientSecret,
        code: location.searchParams.get('code') as string,
      });
      assert.equal(token.body.ok, true);
      assert.equal(token.body.user_id, who.user.id);
      const refused = await getPage(
        `${auto.url}/oauth/authorize?client_id=${who.app.clientId}&scope=identify&redirect_uri=https://evil.example.com/`,
      );
      assert.equal(refused.status, 400);
      assert.equal(refused.headers.get('location'), null);
    } finally {
      await auto.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sessions across processes', () => {
  it('a session made through one server opens the consent page on another sharing the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-sessions-'));
    const database = join(dir, 'shared.db');
    const a = await startTestServer({ database });
    const b = await startTestServer({ database });
    try {
      const workspace = await createWorkspace(a.domain, { name: 'Shared', domain: 'shared' });
      await createUser(a.domain, {
        teamId: workspace.id,
        name: 'grace',
        email: 'grace@example.com',
        password: PASSWORD,
      });
      const { app } = await createApp(a.domain, { name: 'Shared App', redirectUris: [REDIRECT] });
      const next = `/oauth/authorize?client_id=${app.clientId}&scope=identify`;
      const cookie = await signIn(a.url, next, 'grace@example.com', PASSWORD);
      const page = await getPage(`${b.url}${next}`, cookie);
      assert.equal(page.status, 200);
      assert.match(page.text, /Shared App is requesting permission to access the Shared Slack workspace/);
    } finally {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
