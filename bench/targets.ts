import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type LatchkeyDatabase,
  mintCodes,
  REDIRECT_URI,
  SCOPE,
  seedLatchkey,
  seedTokens,
} from './latchkey-fixture.js';
import { CyclingPool, MintedPool, type RequestPool } from './pools.js';
import type { PeerFixture } from './protocol.js';
import { TargetProcess } from './target-process.js';

/** A server under load: its process, how each request is built, and what a success looks like. */
export interface Target {
  readonly key: TargetKey;
  readonly label: string;
  readonly role: 'latchkey' | 'limit' | 'peer';
  readonly process: TargetProcess;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly pool: RequestPool;
  /** True when every request consumes its value, so the pool must be minted before each round. */
  readonly consumes: boolean;
  body(value: string): string;
  /** Whether a 2xx body is a success rather than an error in a 200 (Slack's `ok:false`). */
  answeredOk(body: string): boolean;
  close(): Promise<void>;
}

export const TARGET_KEYS = [
  'latchkey-access',
  'latchkey-access-basic',
  'latchkey-access-pg',
  'latchkey-auth-1k',
  'latchkey-auth-1m',
  'limit',
  'oauth2-server',
  'oidc-provider',
] as const;

export type TargetKey = (typeof TARGET_KEYS)[number];

export interface SetupContext {
  readonly directory: string;
  /** Tokens stored for the large auth.test target. */
  readonly manyTokens: number;
  /** Where the profiled target writes its .cpuprofile, when --profile is on. */
  readonly profileDirectory: string | undefined;
  readonly postgresUrl: string | undefined;
  log(line: string): void;
}

/** Sets a target up, or returns the reason it is skipped. */
export async function setUpTarget(key: TargetKey, context: SetupContext): Promise<Target | string> {
  switch (key) {
    case 'latchkey-access':
      return latchkeyExchange(key, 'Latchkey oauth.access, SQLite, body credentials', {
        database: join(context.directory, 'access.db'),
        basic: false,
        nodeFlags: context.profileDirectory ? ['--cpu-prof', '--cpu-prof-dir', context.profileDirectory] : [],
      });
    case 'latchkey-access-basic':
      return latchkeyExchange(key, 'Latchkey oauth.access, SQLite, HTTP Basic', {
        database: join(context.directory, 'access-basic.db'),
        basic: true,
        nodeFlags: [],
      });
    case 'latchkey-access-pg': {
      if (!context.postgresUrl) return 'LATCHKEY_BENCH_POSTGRES_URL is not set';
      try {
        return await latchkeyExchange(key, 'Latchkey oauth.access, PostgreSQL, body credentials', {
          database: context.postgresUrl,
          basic: false,
          nodeFlags: [],
        });
      } catch (error) {
        const why = redactUrls((error as Error).message.split('\n')[0] ?? '');
        return `this build's store does not open ${redactUrls(context.postgresUrl)} (${why})`;
      }
    }
    case 'latchkey-auth-1k':
      return latchkeyAuthTest(key, context, 1000);
    case 'latchkey-auth-1m':
      return latchkeyAuthTest(key, context, context.manyTokens);
    case 'limit':
      return limit();
    case 'oauth2-server':
      return peer(key, '@node-oauth/oauth2-server, in memory', '/token', 'oauth2-server.mjs');
    case 'oidc-provider':
      return peer(key, 'oidc-provider, in-memory adapter', '/token', 'oidc-provider.mjs');
  }
}

function script(name: string): string {
  return fileURLToPath(new URL(`./servers/${name}`, import.meta.url));
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;

/** The body of every authorization_code exchange in the run; credentials in it unless sent as Basic. */
function exchangeBody(credentials: { clientId: string; clientSecret: string } | null) {
  const tail = credentials
    ? `&client_id=${encodeURIComponent(credentials.clientId)}&client_secret=${encodeURIComponent(credentials.clientSecret)}`
    : '';
  const redirect = encodeURIComponent(REDIRECT_URI);
  return (code: string) =>
    `grant_type=authorization_code&code=${encodeURIComponent(code)}&redirect_uri=${redirect}${tail}`;
}

const slackOk = (body: string) => body.startsWith('{"ok":true');
const oauthOk = (body: string) => body.includes('"access_token":"');

async function latchkeyExchange(
  key: TargetKey,
  label: string,
  options: { database: string; basic: boolean; nodeFlags: readonly string[] },
): Promise<Target> {
  const seeded = await seedLatchkey(options.database);
  let process: TargetProcess;
  try {
    process = await TargetProcess.start(
      script('latchkey.mjs'),
      { database: options.database },
      options.nodeFlags,
    );
  } catch (error) {
    await seeded.close();
    throw error;
  }
  const credentials = { clientId: seeded.app.clientId, clientSecret: seeded.clientSecret };
  const basic = Buffer.from(
    `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`,
  ).toString('base64');
  return {
    key,
    label,
    role: 'latchkey',
    process,
    path: '/api/oauth.access',
    headers: options.basic ? { ...FORM, authorization: `Basic ${basic}` } : FORM,
    pool: new MintedPool((count) => mintCodes(seeded, count)),
    consumes: true,
    body: exchangeBody(options.basic ? null : credentials),
    answeredOk: slackOk,
    close: () => closeBoth(process, seeded),
  };
}

async function latchkeyAuthTest(key: TargetKey, context: SetupContext, count: number): Promise<Target> {
  const started = performance.now();
  const seeded = await seedLatchkey(join(context.directory, `auth-${count}.db`));
  let tokens: string[];
  try {
    tokens = seedTokens(seeded, count, 50_000);
  } finally {
    await seeded.close();
  }
  context.log(
    `seeded ${count.toLocaleString('en')} tokens in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const process = await TargetProcess.start(script('latchkey.mjs'), { database: seeded.database });
  return {
    key,
    label: `Latchkey auth.test, ${count.toLocaleString('en')} tokens stored`,
    role: 'latchkey',
    process,
    path: '/api/auth.test',
    headers: FORM,
    pool: new CyclingPool(tokens),
    consumes: false,
    body: (token) => `token=${encodeURIComponent(token)}`,
    answeredOk: slackOk,
    close: () => process.stop(),
  };
}

/** Latchkey-shaped credentials for the limit and the peers, so every body has the same size. */
function peerFixture(): PeerFixture {
  return {
    clientId: `${digits(10)}.${digits(12)}`,
    clientSecret: randomBytes(16).toString('hex'),
    redirectUri: REDIRECT_URI,
    userId: 'U0BENCH0001',
    scope: SCOPE,
    codeTtlSeconds: 600,
  };
}

async function limit(): Promise<Target> {
  const fixture = peerFixture();
  const process = await TargetProcess.start(script('bare.mjs'), {});
  // Codes shaped like Latchkey's; the limit never looks them up.
  const codes = Array.from(
    { length: 10_000 },
    () => `${digits(10)}.${digits(13)}.${randomBytes(32).toString('hex')}`,
  );
  return {
    key: 'limit',
    label: 'limit: bare node:http, parses the body, constant JSON',
    role: 'limit',
    process,
    path: '/api/oauth.access',
    headers: FORM,
    pool: new CyclingPool(codes),
    consumes: false,
    body: exchangeBody(fixture),
    answeredOk: slackOk,
    close: () => process.stop(),
  };
}

async function peer(key: TargetKey, label: string, path: string, file: string): Promise<Target> {
  const fixture = peerFixture();
  const process = await TargetProcess.start(script(file), fixture);
  return {
    key,
    label,
    role: 'peer',
    process,
    path,
    headers: FORM,
    pool: new MintedPool((count) => process.mint(count)),
    consumes: true,
    body: exchangeBody(fixture),
    answeredOk: oauthOk,
    close: () => process.stop(),
  };
}

async function closeBoth(process: TargetProcess, seeded: LatchkeyDatabase): Promise<void> {
  await process.stop();
  await seeded.close();
}

function digits(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(Math.floor(Math.random() * 10));
  return out.replace(/^0/, '1');
}

/** URLs with their user and password left out, for messages. */
function redactUrls(text: string): string {
  return text.replace(/\/\/[^@/\s]*@/g, '//');
}
