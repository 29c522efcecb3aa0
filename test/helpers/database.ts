import Database from 'better-sqlite3';
import { createApp } from '../../src/domain/apps.js';
import { systemClock } from '../../src/domain/clock.js';
import { issueCode } from '../../src/domain/codes.js';
import { createDomain, type Domain } from '../../src/domain/context.js';
import { createHasher } from '../../src/domain/secrets.js';
import { createUser } from '../../src/domain/users.js';
import { createWorkspace } from '../../src/domain/workspaces.js';
import { openStore } from '../../src/storage/open-store.js';

/** A SQLite file made ready for a server process: a workspace, a person, an app and fresh codes. */
export interface PreparedDatabase {
  readonly file: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly userId: string;
  readonly codes: readonly string[];
}

/** Writes the data with the domain functions the CLI uses, then closes the file for a server to open. */
export async function prepareDatabase(file: string, codeCount: number): Promise<PreparedDatabase> {
  const store = await openStore(file);
  try {
    const domain = await createDomain({ store, clock: systemClock });
    const workspace = await createWorkspace(domain, { name: 'Acme', domain: 'acme' });
    const user = await createUser(domain, { teamId: workspace.id, name: 'ada' });
    const { app, clientSecret } = await createApp(domain, {
      name: 'App',
      redirectUris: ['https://app.example.com/cb'],
    });
    const codes = await mintCodes(domain, app, user.id, codeCount);
    return { file, clientId: app.clientId, clientSecret, userId: user.id, codes };
  } finally {
    await store.close();
  }
}

async function mintCodes(
  domain: Domain,
  app: Parameters<typeof issueCode>[1]['app'],
  userId: string,
  count: number,
): Promise<string[]> {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    const { code } = await issueCode(domain, {
      app,
      userId,
      scopes: ['identify'],
      redirectUri: null,
      version: 1,
    });
    codes.push(code);
  }
  return codes;
}

export interface CodeAudit {
  /** Codes marked used, each with the number of tokens issued from it. */
  readonly used: ReadonlyMap<string, number>;
  /** Codes never used, each with the number of tokens issued from it (which must be 0). */
  readonly unused: ReadonlyMap<string, number>;
}

/**
 * What the database says of each code, by its value in clear (hashed with the database's own key, as
 * the server does): used or not, and how many tokens were issued from it. Read straight from the
 * file once the server has gone: the state a restarted server finds.
 */
export function auditCodes(file: string, codes: readonly string[]): CodeAudit {
  // Read-write, so that SQLite can recover the WAL of a process that was killed.
  const db = new Database(file);
  try {
    const key = (db.prepare("SELECT value FROM meta WHERE key = 'hash_key'").get() as { value: string })
      .value;
    const hasher = createHasher(key);
    const row = db.prepare<[string], { used_at: number | null; tokens: number }>(
      'SELECT c.used_at, (SELECT COUNT(*) FROM tokens t WHERE t.code_hash = c.hash) AS tokens FROM codes c WHERE c.hash = ?',
    );
    const used = new Map<string, number>();
    const unused = new Map<string, number>();
    for (const code of codes) {
      const found = row.get(hasher.hash(code));
      if (!found) throw new Error('a minted code is missing from the database');
      (found.used_at === null ? unused : used).set(code, found.tokens);
    }
    return { used, unused };
  } finally {
    db.close();
  }
}
