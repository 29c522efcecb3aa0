import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { hiddenFieldsOf } from './helpers/pages.js';
import { runLatchkey, spawnServer } from './helpers/process.js';

// Spec §7: secrets, codes and tokens exist at rest only as keyed hashes; none ever appears in a log
// line, an error answer, or any answer or page other than the one that issued it. One full run through
// the built CLI and server process (admin commands, the authorize pages without a browser, v1 and v2
// exchanges, refresh, replay, exchange of a long-lived token, revocation, errors of every kind)
// records every credential issued and every answer given, then looks for each credential in the
// SQLite file, its WAL, the server's log, the CLI's diagnostics and every other answer.

const dir = mkdtempSync(join(tmpdir(), 'latchkey-secrets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORD = 'correct horse battery staple';

interface Answer {
  readonly index: number;
  readonly what: string;
  readonly status: number;
  /** The status line's headers and the body, as one text to search. */
  readonly text: string;
}

interface Credential {
  readonly kind: string;
  readonly value: string;
  /**
   * The answers that issued it: one, or none when it was issued outside any answer (the CLI). A CSRF
   * token belongs to its session, so every consent page of that session shows the same one.
   */
  readonly issuedBy: number[];
}

it('leaves no credential in the database files, the log, an error answer or any page but the one that issued it', async () => {
  const database = join(dir, 'secrets.db');
  const answers: Answer[] = [];
  const credentials: Credential[] = [];
  const cliDiagnostics: string[] = [];
  const issue = (kind: string, value: unknown, issuedBy?: number) => {
    assert.equal(typeof value, 'string', `${kind} was issued`);
    assert.ok((value as string).length >= 16, `${kind} looks like a credential: ${String(value)}`);
    const known = credentials.find((credential) => credential.value === value);
    if (known) known.issuedBy.push(...(issuedBy === undefined ? [] : [issuedBy]));
    else
      credentials.push({ kind, value: value as string, issuedBy: issuedBy === undefined ? [] : [issuedBy] });
    return value as string;
  };

  const cli = async (...args: string[]) => {
    const result = await runLatchkey([...args, '--database', database, '--json']);
    assert.equal(result.code, 0, result.stderr);
    cliDiagnostics.push(result.stderr);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };

  // The admin commands: everything a server needs, a password, client secrets, codes.
  const workspace = await cli('workspaces', 'create', '--name', 'Acme', '--domain', 'acme');
  const teamId = String(workspace.team_id);
  await cli(
    'users',
    'create',
    '--team',
    teamId,
    '--name',
    'ada',
    '--email',
    'ada@example.com',
    '--password',
    PASSWORD,
  );
  issue('password', PASSWORD);
  const redirect = 'https://app.example.com/cb';
  const classic = await cli('apps', 'create', '--name', 'Classic', '--redirect-uri', redirect);
  const rotating = await cli(
    'apps',
    'create',
    '--name',
    'Rotating',
    '--redirect-uri',
    redirect,
    '--token-rotation',
  );
  const rotated = await cli('apps', 'rotate-secret', '--client-id', String(classic.client_id));
  issue('client secret (replaced)', classic.client_secret);
  const classicSecret = issue('client secret', rotated.client_secret);
  const rotatingSecret = issue('client secret', rotating.client_secret);
  const classicId = String(classic.client_id);
  const rotatingId = String(rotating.client_id);

  const server = await spawnServer(['--database', database, '--log-level', 'trace']);
  let serverStopped = false;
  try {
    const record = async (
      what: string,
      response: Response,
    ): Promise<Answer & { body: string; response: Response }> => {
      const body = await response.text();
      const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
      const answer = { index: answers.length, what, status: response.status, text: `${headers}\n\n${body}` };
      answers.push(answer);
      return { ...answer, body, response };
    };
    const api = async (
      method: string,
      form: Record<string, string>,
      headers: Record<string, string> = {},
    ) => {
      const response = await fetch(`${server.url}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form),
      });
      const answer = await record(`api ${method}`, response);
      return { ...answer, json: JSON.parse(answer.body) as Record<string, unknown> };
    };
    const page = async (path: string, init: RequestInit = {}) =>
      record(
        `page ${init.method ?? 'GET'} ${path.split('?')[0]}`,
        await fetch(`${server.url}${path}`, { redirect: 'manual', ...init }),
      );
    const form = (fields: Record<string, string>, cookie?: string): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie && { cookie }) },
      body: new URLSearchParams(fields),
    });

    // The authorize step without a browser: sign-in, consent, Allow; then the exchange.
    const authorize = (version: 1 | 2, params: Record<string, string>) =>
      `${version === 1 ? '/oauth/authorize' : '/oauth/v2/authorize'}?${new URLSearchParams(params)}`;
    const v1 = authorize(1, {
      client_id: classicId,
      scope: 'identify,bot',
      state: 'st-1',
      redirect_uri: redirect,
    });
    await page(v1);
    const wrongSignIn = await page(
      '/oauth/signin',
      form({ next: v1, email: 'ada@example.com', password: 'not the password' }),
    );
    assert.equal(wrongSignIn.status, 401);
    const signedIn = await page(
      '/oauth/signin',
      form({ next: v1, email: 'ada@example.com', password: PASSWORD }),
    );
    assert.equal(signedIn.status, 303);
    const cookie = (signedIn.response.headers.get('set-cookie') ?? '').split(';', 1)[0] as string;
    issue('session cookie', cookie.split('=')[1], signedIn.index);
    const consent = await page(v1, { headers: { cookie } });
    const fields = hiddenFieldsOf(consent.body);
    issue('CSRF token', fields.csrf_token, consent.index);
    const allowed = await page('/oauth/authorize', form({ ...fields, decision: 'allow' }, cookie));
    assert.equal(allowed.status, 303);
    const code = issue(
      'code',
      new URL(allowed.response.headers.get('location') as string).searchParams.get('code'),
      allowed.index,
    );
    const cancelled = await page('/oauth/authorize', form({ ...fields, decision: 'cancel' }, cookie));
    assert.equal(cancelled.status, 303);
    // A forged decision, a refused request, a page for another app: pages that issue nothing.
    assert.equal(
      (await page('/oauth/authorize', form({ ...fields, csrf_token: 'forged', decision: 'allow' }, cookie)))
        .status,
      403,
    );
    assert.equal(
      (
        await page(
          authorize(1, {
            client_id: classicId,
            scope: 'identify',
            redirect_uri: 'https://evil.example.com/',
          }),
          { headers: { cookie } },
        )
      ).status,
      400,
    );

    const exchanged = await api('oauth.access', {
      client_id: classicId,
      client_secret: classicSecret,
      code,
      redirect_uri: redirect,
    });
    assert.equal(exchanged.json.ok, true, exchanged.body);
    const userToken = issue('user token', exchanged.json.access_token, exchanged.index);
    const botToken = issue(
      'bot token',
      (exchanged.json.bot as { bot_access_token: string }).bot_access_token,
      exchanged.index,
    );

    // The v2 step for the rotating app: bot and user tokens with refresh tokens; then a refresh.
    const v2 = authorize(2, {
      client_id: rotatingId,
      scope: 'chat:write',
      user_scope: 'identity.basic',
      state: 'st-2',
    });
    const consent2 = await page(v2, { headers: { cookie } });
    const fields2 = hiddenFieldsOf(consent2.body);
    issue('CSRF token', fields2.csrf_token, consent2.index);
    const allowed2 = await page('/oauth/v2/authorize', form({ ...fields2, decision: 'allow' }, cookie));
    const code2 = issue(
      'code',
      new URL(allowed2.response.headers.get('location') as string).searchParams.get('code'),
      allowed2.index,
    );
    const installed = await api(
      'oauth.v2.access',
      { code: code2 },
      {
        authorization: `Basic ${Buffer.from(`${rotatingId}:${rotatingSecret}`).toString('base64')}`,
      },
    );
    assert.equal(installed.json.ok, true, installed.body);
    const authedUser = installed.json.authed_user as Record<string, string>;
    issue('rotating bot token', installed.json.access_token, installed.index);
    const botRefresh = issue('refresh token', installed.json.refresh_token, installed.index);
    issue('rotating user token', authedUser.access_token, installed.index);
    issue('refresh token', authedUser.refresh_token, installed.index);
    const refreshed = await api('oauth.v2.access', {
      client_id: rotatingId,
      client_secret: rotatingSecret,
      grant_type: 'refresh_token',
      refresh_token: botRefresh,
    });
    assert.equal(refreshed.json.ok, true, refreshed.body);
    const newBotToken = issue('rotating bot token', refreshed.json.access_token, refreshed.index);
    issue('refresh token', refreshed.json.refresh_token, refreshed.index);

    // A long-lived v2 token exchanged for a rotating pair (oauth.v2.exchange).
    const { code: code3 } = await cli(
      'codes',
      'mint',
      '--client-id',
      classicId,
      '--user',
      String(exchanged.json.user_id),
      '--scopes',
      'chat:write',
      '--v2',
    );
    issue('code', code3);
    const longLived = await api('oauth.v2.access', {
      client_id: classicId,
      client_secret: classicSecret,
      code: String(code3),
    });
    assert.equal(longLived.json.ok, true, longLived.body);
    const legacy = issue('bot token', longLived.json.access_token, longLived.index);
    await cli('apps', 'update', '--client-id', classicId, '--token-rotation');
    const migrated = await api('oauth.v2.exchange', {
      client_id: classicId,
      client_secret: classicSecret,
      token: legacy,
    });
    assert.equal(migrated.json.ok, true, migrated.body);
    const migratedToken = issue('rotating bot token', migrated.json.access_token, migrated.index);
    issue('refresh token', migrated.json.refresh_token, migrated.index);

    // Tokens at work, and errors of every kind, each carrying real credentials in its request.
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    assert.equal((await api('auth.test', {}, bearer(userToken))).json.ok, true);
    assert.equal((await api('auth.test', { token: newBotToken })).json.ok, true);
    assert.equal((await api('users.identity', {}, bearer(authedUser.access_token as string))).json.ok, true);
    assert.equal((await api('auth.test', {}, bearer(`${userToken}x`))).json.error, 'invalid_auth');
    assert.equal((await api('users.identity', {}, bearer(botToken))).json.error, 'missing_scope');
    assert.equal(
      (await api('oauth.access', { client_id: classicId, client_secret: classicSecret, code })).json.error,
      'code_already_used',
    );
    assert.equal((await api('auth.test', {}, bearer(userToken))).json.error, 'token_revoked');
    assert.equal(
      (
        await api('oauth.access', {
          client_id: classicId,
          client_secret: `${classicSecret.slice(0, -1)}${classicSecret.endsWith('0') ? '1' : '0'}`,
          code,
        })
      ).json.error,
      'bad_client_secret',
    );
    assert.equal(
      (
        await api('oauth.access', {
          client_id: classicId,
          client_secret: String(classic.client_secret),
          code,
        })
      ).json.error,
      'bad_client_secret',
    );
    assert.equal(
      (await api('oauth.access', { client_id: '1.2', client_secret: classicSecret, code })).json.error,
      'invalid_client_id',
    );
    const replay = await api('oauth.v2.access', {
      client_id: rotatingId,
      client_secret: rotatingSecret,
      grant_type: 'refresh_token',
      refresh_token: botRefresh,
    });
    assert.equal(replay.json.error, 'invalid_refresh_token');
    assert.equal(
      (await api('oauth.v2.exchange', { client_id: classicId, client_secret: classicSecret, token: legacy }))
        .json.error,
      'token_already_exchanged',
    );
    assert.equal(
      (await api('oauth.access', { client_id: rotatingId, client_secret: rotatingSecret, code: code2 })).json
        .error,
      'code_already_used',
    );
    assert.equal((await api('auth.revoke', {}, bearer(migratedToken))).json.revoked, true);
    // api.test echoes its arguments, on failure too, but never a credential sent to it.
    const echo = await api('api.test', {
      error: 'my_error',
      token: botToken,
      client_secret: classicSecret,
      code: String(code3),
      refresh_token: botRefresh,
      kept: 'yes',
    });
    assert.deepEqual(echo.json, { ok: false, error: 'my_error', args: { error: 'my_error', kept: 'yes' } });
    // The sign-out form, the last page of the session.
    const signOut = await page(
      '/oauth/signout',
      form({ next: v1, csrf_token: fields.csrf_token as string }, cookie),
    );
    assert.equal(signOut.status, 303);

    // The files while the server still has them open (the WAL is not yet checkpointed away), then
    // again once it has stopped.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const files = [database, `${database}-wal`, `${database}-shm`].filter((file) => existsSync(file));
    assert.ok(files.includes(`${database}-wal`), 'the WAL is read before it is checkpointed away');
    const atRest = files.map((file) => ({ file, bytes: readFileSync(file).toString('latin1') }));
    assert.equal(await server.stop(), 0);
    serverStopped = true;
    atRest.push({ file: `${database} (after stop)`, bytes: readFileSync(database).toString('latin1') });
    const log = server.output();
    assert.match(log, /bad_client_secret/, 'the log did record the failures');
    assert.match(log, /invalid_refresh_token/);

    assert.ok(credentials.length >= 20, `${credentials.length} credentials issued`);
    assert.ok(answers.length >= 30, `${answers.length} answers recorded`);
    for (const { kind, value, issuedBy } of credentials) {
      const label = `${kind} ${value.slice(0, 8)}…`;
      // The random part alone too, in case a prefix or separator were stored apart from it.
      const needles = [value, value.slice(-24)];
      for (const { file, bytes } of atRest) {
        for (const needle of needles) assert.ok(!bytes.includes(needle), `${label} found in ${file}`);
      }
      assert.ok(!log.includes(value), `${label} found in the server log`);
      for (const diagnostics of cliDiagnostics)
        assert.ok(!diagnostics.includes(value), `${label} found in CLI stderr`);
      for (const answer of answers) {
        if (issuedBy.includes(answer.index)) continue;
        assert.ok(
          !answer.text.includes(value),
          `${label} found in answer #${answer.index} (${answer.what}, ${answer.status})`,
        );
      }
    }
  } finally {
    if (!serverStopped) await server.stop();
  }
});
