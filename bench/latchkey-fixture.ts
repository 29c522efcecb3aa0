import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { createApp } from '../src/domain/apps.js';
import { systemClock } from '../src/domain/clock.js';
import { issueCode } from '../src/domain/codes.js';
import { createDomain, type Domain } from '../src/domain/context.js';
import { createUser } from '../src/domain/users.js';
import { createWorkspace } from '../src/domain/workspaces.js';
import { openStore } from '../src/storage/open-store.js';
import type { App, Store } from '../src/storage/store.js';

/** The redirect URI and scope of every exchange in the run, for Latchkey and the peers alike. */
export const REDIRECT_URI = 'http://127.0.0.1/callback';
export const SCOPE = 'identify';

/** A database seeded for the bench, kept open by the runner to mint codes between rounds. */
export interface LatchkeyDatabase {
  readonly database: string;
  readonly domain: Domain;
  readonly app: App;
  readonly clientSecret: string;
  readonly userId: string;
  readonly teamId: string;
  close(): Promise<void>;
}

/** A workspace, a person and an app, made through the domain functions as `latchkey` commands make them. */
export async function seedLatchkey(database: string): Promise<LatchkeyDatabase> {
  const store: Store = await openStore(database);
  const domain = await createDomain({ store, clock: systemClock });
  const suffix = randomBytes(4).toString('hex');
  const workspace = await createWorkspace(domain, { name: 'Bench', domain: `bench-${suffix}` });
  const user = await createUser(domain, { teamId: workspace.id, name: 'ada' });
  const { app, clientSecret } = await createApp(domain, { name: 'Bench App', redirectUris: [REDIRECT_URI] });
  return {
    database,
    domain,
    app,
    clientSecret,
    userId: user.id,
    teamId: workspace.id,
    close: () => store.close(),
  };
}

/**
 * Mints codes through issueCode, the function behind the authorize step and `codes mint`, a thousand
 * at a time so that each thousand shares one durable commit.
 */
export async function mintCodes(seeded: LatchkeyDatabase, count: number): Promise<string[]> {
  const codes: string[] = [];
  while (codes.length < count) {
    const batch = Math.min(1000, count - codes.length);
    const issued = await Promise.all(
      Array.from({ length: batch }, () =>
        issueCode(seeded.domain, {
          app: seeded.app,
          userId: seeded.userId,
          scopes: [SCOPE],
          redirectUri: REDIRECT_URI,
          version: 1,
        }),
      ),
    );
    for (const { code } of issued) codes.push(code);
  }
  // Fold the minting into the database file now, so that the server does not pay for it in the round.
  if (isSqliteFile(seeded.database)) checkpoint(seeded.database);
  return codes;
}

function isSqliteFile(database: string): boolean {
  return !/^postgres(ql)?:/.test(database) && database !== ':memory:';
}

function checkpoint(file: string): void {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/**
 * Writes `count` user tokens straight into an SQLite file in one transaction, hashed by the domain's
 * own hasher so that auth.test's lookups are real. Rows go in hash order, which keeps a million
 * inserts into the primary-key index sequential. Returns up to `keep` of the tokens in clear, spread
 * over the whole set, for the requests to present.
 */
const RANDOM_CHUNK = 65536;

export function seedTokens(seeded: LatchkeyDatabase, count: number, keep: number): string[] {
  const every = Math.max(1, Math.floor(count / keep));
  const kept: string[] = [];
  const hashes: string[] = new Array(count);
  let random = Buffer.alloc(0);
  for (let i = 0; i < count; i++) {
    const slot = (i % RANDOM_CHUNK) * 32;
    if (slot === 0) random = randomBytes(32 * RANDOM_CHUNK);
    // The shape of newToken('xoxp'): two numeric segments and 256 random bits in hex.
    const token = `xoxp-10000000001-${1_000_000_000_000 + i}-${random.toString('hex', slot, slot + 32)}`;
    hashes[i] = seeded.domain.hasher.hash(token);
    if (i % every === 0 && kept.length < keep) kept.push(token);
  }
  hashes.sort();

  const db = new Database(seeded.database);
  try {
    db.pragma('cache_size = -500000');
    const insert = db.prepare(
      `INSERT INTO tokens (hash, kind, app_id, team_id, user_id, scopes, code_hash, family_id, expires_at,
         revoked_at, created_at)
       VALUES (?, 'user', ?, ?, ?, ?, NULL, ?, NULL, NULL, ?)`,
    );
    const now = Date.now();
    db.transaction(() => {
      for (const hash of hashes) {
        insert.run(hash, seeded.app.id, seeded.teamId, seeded.userId, SCOPE, randomUUID(), now);
      }
    })();
  } finally {
    db.close();
  }
  checkpoint(seeded.database);
  return kept;
}
