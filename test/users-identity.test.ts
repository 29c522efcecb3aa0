import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createUser } from '../src/domain/users.js';
import { type Fixture, postForm, seed, startTestServer, type TestServer } from './helpers/server.js';
import { callWith, credentialsOf, mintV2Code } from './helpers/v2.js';

// Spec §5.3: users.identity with each combination of the identity.* scopes, over the wire.

let server: TestServer;
let fixture: Fixture;
before(async () => {
  server = await startTestServer();
  fixture = await seed(server.domain);
});
after(() => server.close());

/** A user token of a fresh install (scopes accumulate per person, so each test gets its own app). */
async function userToken(userScopes: string[], userId = fixture.user.id): Promise<string> {
  const own = await seed(server.domain);
  const code = await mintV2Code(
    server.domain,
    { ...own, user: { ...fixture.user, id: userId } },
    {
      botScopes: [],
      userScopes,
    },
  );
  const answer = await postForm(`${server.url}/api/oauth.v2.access`, credentialsOf(own, { code }));
  return String((answer.body.authed_user as { access_token: string }).access_token);
}

const identity = (token: string) => callWith(server.url, 'users.identity', token);

function avatar(size: number): string {
  const key = createHash('sha256').update(fixture.user.id).digest('hex');
  return `https://secure.gravatar.com/avatar/${key}?s=${size}&d=identicon`;
}

describe('users.identity', () => {
  it('identity.basic: name and id, and the team id', async () => {
    const answer = await identity(await userToken(['identity.basic']));
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-oauth-scopes'), 'identity.basic');
    assert.equal(answer.headers.get('x-accepted-oauth-scopes'), 'identity.basic');
    assert.deepEqual(answer.body, {
      ok: true,
      user: { name: 'ada', id: fixture.user.id },
      team: { id: fixture.workspace.id },
    });
  });

  it('identity.email adds the email', async () => {
    const answer = await identity(await userToken(['identity.basic', 'identity.email']));
    assert.deepEqual(answer.body, {
      ok: true,
      user: { name: 'ada', id: fixture.user.id, email: fixture.user.email },
      team: { id: fixture.workspace.id },
    });
  });

  it('identity.email adds nothing for a person without an email', async () => {
    const noEmail = await createUser(server.domain, { teamId: fixture.workspace.id, name: 'bo' });
    const answer = await identity(await userToken(['identity.basic', 'identity.email'], noEmail.id));
    assert.deepEqual(answer.body, {
      ok: true,
      user: { name: 'bo', id: noEmail.id },
      team: { id: fixture.workspace.id },
    });
  });

  it('identity.avatar adds image_24 to image_192, stable per person', async () => {
    const answer = await identity(await userToken(['identity.basic', 'identity.avatar']));
    assert.deepEqual(answer.body, {
      ok: true,
      user: {
        name: 'ada',
        id: fixture.user.id,
        image_24: avatar(24),
        image_32: avatar(32),
        image_48: avatar(48),
        image_72: avatar(72),
        image_192: avatar(192),
      },
      team: { id: fixture.workspace.id },
    });
  });

  it('identity.team adds the team name', async () => {
    const answer = await identity(await userToken(['identity.basic', 'identity.team']));
    assert.deepEqual(answer.body, {
      ok: true,
      user: { name: 'ada', id: fixture.user.id },
      team: { name: 'Acme', id: fixture.workspace.id },
    });
  });

  it('all four identity scopes together', async () => {
    const answer = await identity(
      await userToken(['identity.basic', 'identity.email', 'identity.avatar', 'identity.team']),
    );
    assert.equal(
      answer.headers.get('x-oauth-scopes'),
      'identity.basic,identity.email,identity.avatar,identity.team',
    );
    assert.deepEqual(answer.body, {
      ok: true,
      user: {
        name: 'ada',
        id: fixture.user.id,
        email: fixture.user.email,
        image_24: avatar(24),
        image_32: avatar(32),
        image_48: avatar(48),
        image_72: avatar(72),
        image_192: avatar(192),
      },
      team: { name: 'Acme', id: fixture.workspace.id },
    });
  });

  it('missing_scope with needed and provided when identity.basic is absent, even with the others', async () => {
    const answer = await identity(await userToken(['identity.email', 'identity.team']));
    assert.equal(answer.headers.get('x-oauth-scopes'), 'identity.email,identity.team');
    assert.equal(answer.headers.get('x-accepted-oauth-scopes'), 'identity.basic');
    assert.deepEqual(answer.body, {
      ok: false,
      error: 'missing_scope',
      needed: 'identity.basic',
      provided: 'identity.email,identity.team',
    });
  });

  it('missing_scope for a bot token', async () => {
    const own = await seed(server.domain);
    const code = await mintV2Code(server.domain, own, { botScopes: ['chat:write'] });
    const answer = await postForm(`${server.url}/api/oauth.v2.access`, credentialsOf(own, { code }));
    assert.deepEqual((await identity(String(answer.body.access_token))).body, {
      ok: false,
      error: 'missing_scope',
      needed: 'identity.basic',
      provided: 'chat:write',
    });
  });

  it('takes the token from the query string, as passport-slack sends it', async () => {
    const token = await userToken(['identity.basic']);
    const answer = await fetch(`${server.url}/api/users.identity?token=${token}`);
    assert.deepEqual(await answer.json(), {
      ok: true,
      user: { name: 'ada', id: fixture.user.id },
      team: { id: fixture.workspace.id },
    });
  });

  it('not_authed without a token', async () => {
    assert.deepEqual((await postForm(`${server.url}/api/users.identity`, {})).body, {
      ok: false,
      error: 'not_authed',
    });
  });
});
