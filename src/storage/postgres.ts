import pg from 'pg';
import { newHashKey } from '../domain/secrets.js';
import { StoreUnavailableError } from '../errors.js';
import { joinList, splitList, unionList } from './lists.js';
import { migrations } from './migrations/index.js';
import {
  type AppRow,
  appRow,
  type CodeRow,
  codeRow,
  type RefreshTokenRow,
  type TokenRow,
  type TokenViewRow,
  toApp,
  toCode,
  toRefreshToken,
  toTokenView,
  toUser,
  type UserRow,
} from './rows.js';
import type {
  App,
  Bot,
  Code,
  ExchangeOutcome,
  LongLivedExchangeOutcome,
  NewToken,
  NewTokenPair,
  RefreshToken,
  RotationOutcome,
  Session,
  Store,
  TokenView,
  User,
  Workspace,
} from './store.js';

/**
 * The scale-out store: PostgreSQL through a pool, shared by any number of Latchkey processes. It is
 * the source of truth; nothing a process keeps in memory matters for correctness.
 *
 * A commit returns only once PostgreSQL has made it durable (synchronous_commit, on by default), so
 * an answer carrying a token is sent only after the write that records it survives a crash.
 * Connection trouble of any kind becomes StoreUnavailableError (answered `service_unavailable`);
 * the pool drops broken connections and opens fresh ones on the next call, so the store recovers by
 * itself when the database comes back (test/scale-out-outage.test.ts).
 */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    query_timeout: options.queryTimeoutMs ?? 15000,
    keepAlive: true,
    types: { getTypeParser: typeParser },
  });
  // An idle connection the server dropped: the pool has already discarded it and opens a fresh one
  // on the next call. Without a listener the event would end the process.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw toStoreError(error);
  }
  return new PostgresStore(pool);
}

export interface PostgresOptions {
  readonly poolSize?: number;
  readonly connectTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
}

const INT8_OID = 20;

/** BIGINT columns hold milliseconds, well inside the safe integer range: read them as numbers. */
function typeParser(oid: number, format?: string) {
  if (oid === INT8_OID) return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format as 'text');
}

/** Any constant the processes agree on; pg_advisory_xact_lock releases it at commit or rollback. */
const MIGRATION_LOCK = 7_307_447_113_563_312;

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Taken before anything else, so that processes starting together migrate one at a time and
    // the later ones find the work done.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)',
    );
    const applied = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (row) => row.version,
      ),
    );
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
    await client.query('COMMIT');
    client.release();
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(true);
    throw error;
  }
}

/** SQLSTATE classes that mean the database cannot serve now: connection, resources, shutdown, login. */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P|28|3D)/;

/**
 * Every error here comes from a driver call. A DatabaseError is the server refusing one statement
 * (a constraint, a bug) unless its SQLSTATE says otherwise; anything else from the driver is the
 * connection failing: refused, reset, terminated or timed out.
 */
function isUnavailable(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) return UNAVAILABLE_SQLSTATE.test(error.code ?? '');
  return true;
}

function toStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  return new StoreUnavailableError(`postgresql: ${(error as Error).message ?? String(error)}`);
}

class PostgresStore implements Store {
  constructor(private readonly pool: pg.Pool) {}

  /** One statement on any pooled connection. */
  private async query<R extends pg.QueryResultRow>(statement: Statement, values: unknown[] = []) {
    try {
      return await this.pool.query<R>({ ...statement, values });
    } catch (error) {
      throw toStoreError(error);
    }
  }

  private async rows<R extends pg.QueryResultRow>(
    statement: Statement,
    values: unknown[] = [],
  ): Promise<R[]> {
    return (await this.query<R>(statement, values)).rows;
  }

  private async row<R extends pg.QueryResultRow>(
    statement: Statement,
    values: unknown[],
  ): Promise<R | undefined> {
    return (await this.rows<R>(statement, values))[0];
  }

  /** Runs `work` in one transaction on one connection; a connection that failed is discarded. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toStoreError(error);
    }
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      let broken = isUnavailable(error);
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      client.release(broken);
      throw toStoreError(error);
    }
  }

  async hashKey(): Promise<string> {
    const existing = await this.row<{ value: string }>(statements.getMeta, ['hash_key']);
    if (existing) return existing.value;
    // Processes starting together each offer a key; the first insert wins and all read it back.
    await this.query(statements.insertMetaIfAbsent, ['hash_key', newHashKey()]);
    return ((await this.row<{ value: string }>(statements.getMeta, ['hash_key'])) as { value: string }).value;
  }

  async createWorkspace(workspace: Workspace): Promise<void> {
    await this.query(statements.insertWorkspace, [
      workspace.id,
      workspace.name,
      workspace.domain,
      Date.now(),
    ]);
  }

  getWorkspace(id: string): Promise<Workspace | undefined> {
    return this.row<Workspace>(statements.getWorkspace, [id]);
  }

  getWorkspaceByDomain(domain: string): Promise<Workspace | undefined> {
    return this.row<Workspace>(statements.getWorkspaceByDomain, [domain]);
  }

  listWorkspaces(): Promise<Workspace[]> {
    return this.rows<Workspace>(statements.listWorkspaces);
  }

  async createUser(user: User): Promise<void> {
    await this.query(statements.insertUser, userValues(user));
  }

  async getUser(id: string): Promise<User | undefined> {
    return toUser(await this.row<UserRow>(statements.getUser, [id]));
  }

  async listUsersByEmail(email: string): Promise<User[]> {
    return (await this.rows<UserRow>(statements.listUsersByEmail, [email])).map((row) => toUser(row) as User);
  }

  async createApp(app: App): Promise<void> {
    const row = appRow(app);
    await this.query(statements.insertApp, [
      row.id,
      row.name,
      row.clientId,
      row.clientSecretHash,
      row.redirectUris,
      row.scopes,
      row.tokenRotation,
      Date.now(),
    ]);
  }

  async getAppByClientId(clientId: string): Promise<App | undefined> {
    return toApp(await this.row<AppRow>(statements.getAppByClientId, [clientId]));
  }

  async listApps(): Promise<App[]> {
    return (await this.rows<AppRow>(statements.listApps)).map((row) => toApp(row) as App);
  }

  async updateApp(app: App): Promise<boolean> {
    const row = appRow(app);
    const result = await this.query(statements.updateApp, [
      row.id,
      row.name,
      row.clientSecretHash,
      row.redirectUris,
      row.scopes,
      row.tokenRotation,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async ensureBot(candidate: Bot, botUser: User): Promise<Bot> {
    const existing = await this.row<Bot>(statements.getBot, [candidate.appId, candidate.teamId]);
    if (existing) return existing;
    return this.transaction(async (client) => {
      await run(client, statements.insertUser, userValues(botUser));
      const inserted = await run(client, statements.insertBotIfAbsent, [
        candidate.appId,
        candidate.teamId,
        candidate.botId,
        candidate.userId,
      ]);
      if (inserted.rowCount === 1) return candidate;
      // A concurrent install made the bot first (the insert waited for it to commit): keep theirs
      // and drop the bot user this call made.
      await run(client, statements.deleteUser, [botUser.id]);
      return (await run<Bot>(client, statements.getBot, [candidate.appId, candidate.teamId])).rows[0] as Bot;
    });
  }

  async insertCode(code: Code): Promise<void> {
    const row = codeRow(code);
    await this.query(statements.insertCode, [
      row.hash,
      row.appId,
      row.teamId,
      row.userId,
      row.scopes,
      row.userScopes,
      row.redirectUri,
      row.version,
      row.codeChallenge,
      row.codeChallengeMethod,
      row.expiresAt,
      row.createdAt,
    ]);
  }

  async findCode(hash: string): Promise<Code | undefined> {
    return toCode(await this.row<CodeRow>(statements.getCode, [hash]));
  }

  async burnCode(hash: string, now: number): Promise<void> {
    await this.query(statements.useCode, [now, hash]);
  }

  exchangeCode(codeHash: string, now: number, tokens: readonly NewToken[]): Promise<ExchangeOutcome> {
    return this.transaction(async (client): Promise<ExchangeOutcome> => {
      // Of concurrent exchanges, the others wait on this row's lock, then find used_at set.
      const used = await run(client, statements.useCode, [now, codeHash]);
      if (used.rowCount === 0) return { status: 'already_used' };
      const scopes: string[][] = [];
      for (const token of tokens) {
        const grantee = token.kind === 'bot' ? 'bot' : token.userId;
        // Creates the grant or locks the existing one, so that two installs for one grant merge
        // one after the other instead of one overwriting the other's scopes.
        const locked = await run<{ scopes: string }>(client, statements.lockGrant, [
          token.appId,
          token.teamId,
          grantee,
          now,
        ]);
        const merged = unionList(splitList(locked.rows[0]?.scopes ?? null), token.addScopes);
        await run(client, statements.setGrantScopes, [
          token.appId,
          token.teamId,
          grantee,
          joinList(merged),
          now,
        ]);
        await run(client, statements.insertToken, [
          token.hash,
          token.kind,
          token.appId,
          token.teamId,
          token.userId,
          joinList(merged),
          token.codeHash,
          token.familyId,
          token.expiresAt,
          now,
        ]);
        if (token.refreshTokenHash !== undefined) {
          await run(client, statements.insertRefreshToken, [
            token.refreshTokenHash,
            token.kind,
            token.appId,
            token.teamId,
            token.userId,
            joinList(merged),
            token.familyId,
            null,
            now,
          ]);
        }
        scopes.push(merged);
      }
      return { status: 'issued', scopes };
    });
  }

  async findToken(hash: string): Promise<TokenView | undefined> {
    return toTokenView(await this.row<TokenViewRow>(statements.getTokenView, [hash]));
  }

  async revokeToken(hash: string, now: number): Promise<boolean> {
    return ((await this.query(statements.revokeToken, [now, hash])).rowCount ?? 0) > 0;
  }

  revokeFamiliesOfCode(codeHash: string, now: number): Promise<number> {
    return this.transaction(async (client) => {
      const families = await run<{ familyId: string }>(client, statements.familiesOfCode, [codeHash]);
      for (const { familyId } of families.rows) await lockFamily(client, familyId);
      await run(client, statements.revokeRefreshFamiliesOfCode, [now, codeHash]);
      return (await run(client, statements.revokeFamiliesOfCode, [now, codeHash])).rowCount ?? 0;
    });
  }

  async findRefreshToken(hash: string): Promise<RefreshToken | undefined> {
    return toRefreshToken(await this.row<RefreshTokenRow>(statements.getRefreshToken, [hash]));
  }

  rotateRefreshToken(
    hash: string,
    now: number,
    graceMs: number,
    next: NewTokenPair,
  ): Promise<RotationOutcome> {
    return this.transaction(async (client): Promise<RotationOutcome> => {
      const family = (await run<{ familyId: string }>(client, statements.familyOfRefreshToken, [hash]))
        .rows[0];
      if (!family) return { status: 'revoked' };
      await lockFamily(client, family.familyId);
      // Read again under the lock: a concurrent rotation or revocation has committed by now.
      const row = (await run<RefreshTokenRow>(client, statements.getRefreshToken, [hash])).rows[0];
      if (!row || row.revokedAt !== null) return { status: 'revoked' };
      if (row.usedAt !== null) {
        if (now - row.usedAt < graceMs) return { status: 'reused_in_grace' };
        await run(client, statements.revokeFamilyRefreshTokens, [now, row.familyId]);
        const revoked = await run(client, statements.revokeFamilyTokens, [now, row.familyId]);
        return { status: 'replayed', revokedTokens: revoked.rowCount ?? 0 };
      }
      await run(client, statements.spendRefreshToken, [now, hash]);
      await writePair(client, row, next, row.originTokenHash, now);
      if (row.originTokenHash !== null) await run(client, statements.expireToken, [now, row.originTokenHash]);
      return { status: 'rotated' };
    });
  }

  exchangeLongLivedToken(
    tokenHash: string,
    now: number,
    pair: NewTokenPair,
  ): Promise<LongLivedExchangeOutcome> {
    return this.transaction(async (client): Promise<LongLivedExchangeOutcome> => {
      const family = (await run<{ familyId: string }>(client, statements.familyOfToken, [tokenHash])).rows[0];
      if (family) await lockFamily(client, family.familyId);
      if ((await run(client, statements.getTokenExchange, [tokenHash])).rowCount) {
        return { status: 'already_exchanged' };
      }
      const original = (await run<TokenRow>(client, statements.getTokenRow, [tokenHash])).rows[0];
      if (!original || original.revokedAt !== null) return { status: 'revoked' };
      await run(client, statements.insertTokenExchange, [tokenHash, now]);
      await writePair(client, original, pair, tokenHash, now);
      return { status: 'issued' };
    });
  }

  async createSession(session: Session): Promise<void> {
    await this.query(statements.insertSession, [session.hash, session.userId, session.expiresAt, Date.now()]);
  }

  findSession(hash: string): Promise<Session | undefined> {
    return this.row<Session>(statements.getSession, [hash]);
  }

  async deleteSession(hash: string): Promise<void> {
    await this.query(statements.deleteSession, [hash]);
  }

  async ping(): Promise<void> {
    await this.query(statements.ping);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Serialises every change to one token family (rotation, replay revocation, long-lived exchange)
 * until the transaction ends. Without it, a family revoked for a replay could miss the pair that a
 * concurrent rotation of another of its refresh tokens was writing at that moment; SQLite gets the
 * same order from its single writer.
 */
async function lockFamily(client: pg.PoolClient, familyId: string): Promise<void> {
  await run(client, statements.lockFamily, [familyId]);
}

/** Writes the next access and refresh token of a chain, copying what they inherit from `from`. */
async function writePair(
  client: pg.PoolClient,
  from: { kind: string; appId: string; teamId: string; userId: string; scopes: string; familyId: string },
  pair: NewTokenPair,
  originTokenHash: string | null,
  now: number,
): Promise<void> {
  await run(client, statements.insertToken, [
    pair.accessTokenHash,
    from.kind,
    from.appId,
    from.teamId,
    from.userId,
    from.scopes,
    null,
    from.familyId,
    pair.expiresAt,
    now,
  ]);
  await run(client, statements.insertRefreshToken, [
    pair.refreshTokenHash,
    from.kind,
    from.appId,
    from.teamId,
    from.userId,
    from.scopes,
    from.familyId,
    originTokenHash,
    now,
  ]);
}

const SELECT_USER = `SELECT id, team_id AS "teamId", name, email, password_hash AS "passwordHash",
  is_bot AS "isBot" FROM users`;
const SELECT_APP = `SELECT id, name, client_id AS "clientId", client_secret_hash AS "clientSecretHash",
  redirect_uris AS "redirectUris", scopes, token_rotation AS "tokenRotation" FROM apps`;
const SELECT_BOT = `SELECT app_id AS "appId", team_id AS "teamId", bot_id AS "botId", user_id AS "userId"
  FROM bots`;

/** A named statement: PostgreSQL parses and plans it once per connection, then reuses the plan. */
interface Statement {
  readonly name: string;
  readonly text: string;
}

function run<R extends pg.QueryResultRow = pg.QueryResultRow>(
  client: pg.PoolClient,
  statement: Statement,
  values: unknown[],
) {
  return client.query<R>({ ...statement, values });
}

const statements = named({
  ping: 'SELECT 1',
  getMeta: 'SELECT value FROM meta WHERE key = $1',
  insertMetaIfAbsent: 'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
  insertWorkspace: 'INSERT INTO workspaces (id, name, domain, created_at) VALUES ($1, $2, $3, $4)',
  getWorkspace: 'SELECT id, name, domain FROM workspaces WHERE id = $1',
  getWorkspaceByDomain: 'SELECT id, name, domain FROM workspaces WHERE domain = $1',
  listWorkspaces: 'SELECT id, name, domain FROM workspaces ORDER BY created_at, id',
  insertUser: `INSERT INTO users (id, team_id, name, email, password_hash, is_bot, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  deleteUser: 'DELETE FROM users WHERE id = $1',
  getUser: `${SELECT_USER} WHERE id = $1`,
  listUsersByEmail: `${SELECT_USER} WHERE email = $1 ORDER BY created_at, id`,
  insertApp: `INSERT INTO apps (id, name, client_id, client_secret_hash, redirect_uris, scopes, token_rotation,
      created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  getAppByClientId: `${SELECT_APP} WHERE client_id = $1`,
  listApps: `${SELECT_APP} ORDER BY created_at, id`,
  updateApp: `UPDATE apps SET name = $2, client_secret_hash = $3, redirect_uris = $4, scopes = $5,
    token_rotation = $6 WHERE id = $1`,
  getBot: `${SELECT_BOT} WHERE app_id = $1 AND team_id = $2`,
  insertBotIfAbsent: `INSERT INTO bots (app_id, team_id, bot_id, user_id) VALUES ($1, $2, $3, $4)
    ON CONFLICT (app_id, team_id) DO NOTHING`,
  insertCode: `INSERT INTO codes (hash, app_id, team_id, user_id, scopes, user_scopes, redirect_uri, version,
      code_challenge, code_challenge_method, expires_at, used_at, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12)`,
  getCode: `SELECT hash, app_id AS "appId", team_id AS "teamId", user_id AS "userId", scopes,
      user_scopes AS "userScopes", redirect_uri AS "redirectUri", version, code_challenge AS "codeChallenge",
      code_challenge_method AS "codeChallengeMethod", expires_at AS "expiresAt", used_at AS "usedAt"
    FROM codes WHERE hash = $1`,
  useCode: 'UPDATE codes SET used_at = $1 WHERE hash = $2 AND used_at IS NULL',
  lockGrant: `INSERT INTO grants (app_id, team_id, grantee, scopes, updated_at) VALUES ($1, $2, $3, '', $4)
    ON CONFLICT (app_id, team_id, grantee) DO UPDATE SET updated_at = grants.updated_at
    RETURNING scopes`,
  setGrantScopes: `UPDATE grants SET scopes = $4, updated_at = $5
    WHERE app_id = $1 AND team_id = $2 AND grantee = $3`,
  insertToken: `INSERT INTO tokens (hash, kind, app_id, team_id, user_id, scopes, code_hash, family_id,
      expires_at, revoked_at, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10)`,
  getTokenView: `SELECT t.hash, t.kind, t.app_id AS "appId", t.team_id AS "teamId", t.user_id AS "userId",
      t.scopes, t.code_hash AS "codeHash", t.family_id AS "familyId", t.expires_at AS "expiresAt",
      t.revoked_at AS "revokedAt", w.name AS "teamName", w.domain AS "teamDomain", u.name AS "userName",
      b.bot_id AS "botId"
    FROM tokens t
    JOIN workspaces w ON w.id = t.team_id
    JOIN users u ON u.id = t.user_id
    LEFT JOIN bots b ON t.kind = 'bot' AND b.app_id = t.app_id AND b.team_id = t.team_id
    WHERE t.hash = $1`,
  revokeToken: 'UPDATE tokens SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL',
  familiesOfCode: `SELECT DISTINCT family_id AS "familyId" FROM tokens WHERE code_hash = $1
    ORDER BY family_id`,
  revokeFamiliesOfCode: `UPDATE tokens SET revoked_at = $1
    WHERE family_id IN (SELECT family_id FROM tokens WHERE code_hash = $2) AND revoked_at IS NULL`,
  revokeRefreshFamiliesOfCode: `UPDATE refresh_tokens SET revoked_at = $1
    WHERE family_id IN (SELECT family_id FROM tokens WHERE code_hash = $2) AND revoked_at IS NULL`,
  lockFamily: 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))',
  familyOfToken: 'SELECT family_id AS "familyId" FROM tokens WHERE hash = $1',
  familyOfRefreshToken: 'SELECT family_id AS "familyId" FROM refresh_tokens WHERE hash = $1',
  getTokenRow: `SELECT kind, app_id AS "appId", team_id AS "teamId", user_id AS "userId", scopes,
      family_id AS "familyId", revoked_at AS "revokedAt"
    FROM tokens WHERE hash = $1`,
  expireToken: `UPDATE tokens SET expires_at = $1
    WHERE hash = $2 AND expires_at IS NULL AND revoked_at IS NULL`,
  revokeFamilyTokens: 'UPDATE tokens SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL',
  insertRefreshToken: `INSERT INTO refresh_tokens (hash, kind, app_id, team_id, user_id, scopes, family_id,
      origin_token_hash, used_at, revoked_at, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, $9)`,
  getRefreshToken: `SELECT hash, kind, app_id AS "appId", team_id AS "teamId", user_id AS "userId", scopes,
      family_id AS "familyId", origin_token_hash AS "originTokenHash", used_at AS "usedAt",
      revoked_at AS "revokedAt"
    FROM refresh_tokens WHERE hash = $1`,
  spendRefreshToken: `UPDATE refresh_tokens SET used_at = $1
    WHERE hash = $2 AND used_at IS NULL AND revoked_at IS NULL`,
  revokeFamilyRefreshTokens: `UPDATE refresh_tokens SET revoked_at = $1
    WHERE family_id = $2 AND revoked_at IS NULL`,
  getTokenExchange: 'SELECT exchanged_at AS "exchangedAt" FROM token_exchanges WHERE token_hash = $1',
  insertTokenExchange: 'INSERT INTO token_exchanges (token_hash, exchanged_at) VALUES ($1, $2)',
  insertSession: 'INSERT INTO sessions (hash, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4)',
  getSession: 'SELECT hash, user_id AS "userId", expires_at AS "expiresAt" FROM sessions WHERE hash = $1',
  deleteSession: 'DELETE FROM sessions WHERE hash = $1',
});

function named<K extends string>(texts: Record<K, string>): Record<K, Statement> {
  return Object.fromEntries(
    Object.entries<string>(texts).map(([name, text]) => [name, { name: `latchkey_${name}`, text }]),
  ) as Record<K, Statement>;
}

function userValues(user: User): unknown[] {
  return [user.id, user.teamId, user.name, user.email, user.passwordHash, user.isBot ? 1 : 0, Date.now()];
}
