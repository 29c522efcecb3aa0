import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getPage, hiddenFieldsOf, postPage, signIn } from './helpers/pages.js';
import { runLatchkey, spawnServer } from './helpers/process.js';

// `serve --demo` and `serve --insecure-auto-approve` as a newcomer and a CI job meet them: the real
// process, its printed output, and the pages it serves.

/** The process's output once it matches `pattern` (the demo text is printed after "listening"). */
async function outputUntil(output: () => string, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 100 && !pattern.test(output()); i++) await new Promise((r) => setTimeout(r, 50));
  return output();
}

const dir = mkdtempSync(join(tmpdir(), 'latchkey-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('serve --demo', () => {
  it('prints an authorize link whose flow ends on the demo callback with a token and auth.test', async () => {
    const server = await spawnServer(['--demo', '--database', join(dir, 'demo.db')]);
    try {
      const output = await outputUntil(server.output, /curl -s /);
      const password = /password (\S+) {3}\(shown once\)/.exec(output)?.[1] as string;
      const link = new URL(/ {2}(http:\/\/\S+\/oauth\/authorize\?\S+)/.exec(output)?.[1] as string);
      assert.equal(link.searchParams.get('redirect_uri'), `${server.url}/demo/callback`);

      const next = `${link.pathname}${link.search}`;
      const cookie = await signIn(server.url, next, 'ada@example.com', password);
      const consent = await getPage(`${server.url}${next}`, cookie);
      const allowed = await postPage(
        `${server.url}/oauth/authorize`,
        { ...hiddenFieldsOf(consent.text), decision: 'allow' },
        cookie,
      );
      const callback = allowed.headers.get('location') as string;
      assert.match(callback, new RegExp(`^${server.url}/demo/callback\\?code=[^&]+&state=demo$`));

      const shown = await getPage(callback);
      assert.equal(shown.status, 200);
      assert.match(shown.text, /<h1>The demo app received a code<\/h1>/);
      const exchanged = await postPage(`${server.url}/demo/exchange`, hiddenFieldsOf(shown.text));
      assert.equal(exchanged.status, 200);
      assert.match(exchanged.text, /<h1>The app has a token<\/h1>/);
      assert.match(exchanged.text, /&quot;ok&quot;: true,\n {2}&quot;access_token&quot;: &quot;xoxp-/);
      assert.match(
        exchanged.text,
        /auth\.test with that token answered[\s\S]*&quot;user&quot;: &quot;ada&quot;/,
      );
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('serves no demo pages without --demo', async () => {
    const server = await spawnServer(['--database', join(dir, 'plain.db')]);
    try {
      assert.equal((await getPage(`${server.url}/demo/callback?code=x`)).status, 404);
    } finally {
      await server.stop();
    }
  });
});

describe('serve --insecure-auto-approve', () => {
  it('prints a loud warning at start and approves at once', async () => {
    const database = join(dir, 'auto.db');
    const json = async (args: string[]) => {
      const result = await runLatchkey([...args, '--database', database, '--json']);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout) as Record<string, string>;
    };
    const team = await json(['workspaces', 'create', '--name', 'CI', '--domain', 'ci']);
    const user = await json(['users', 'create', '--team', team.team_id as string, '--name', 'robot']);
    const app = await json(['apps', 'create', '--name', 'App', '--redirect-uri', 'http://localhost:9/cb']);
    const server = await spawnServer([
      '--database',
      database,
      '--insecure-auto-approve',
      user.user_id as string,
    ]);
    try {
      assert.match(server.output(), /!! INSECURE: --insecure-auto-approve is on\./);
      assert.match(
        server.output(),
        new RegExp(`as robot \\(${user.user_id}\\), with no sign-in and no consent`),
      );
      const answer = await getPage(
        `${server.url}/oauth/v2/authorize?client_id=${app.client_id}&scope=chat:write`,
      );
      assert.equal(answer.status, 302);
      assert.match(answer.headers.get('location') ?? '', /^http:\/\/localhost:9\/cb\?code=[^&]+$/);
    } finally {
      await server.stop();
    }
  });

  it('refuses an unknown user id with one line and exit code 2', async () => {
    const result = await runLatchkey([
      'serve',
      '--port',
      '0',
      '--database',
      join(dir, 'none.db'),
      '--insecure-auto-approve',
      'U0000000000',
    ]);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      "latchkey: --insecure-auto-approve: expected an existing user id ('U0000000000' is unknown)\n",
    );
  });
});
