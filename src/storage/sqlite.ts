import Database from 'better-sqlite3';
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
 * The embedded store: one SQLite file in WAL mode with synchronous=FULL, so that an answer carrying a
 * token is sent only after the write that records it is on disk.
 *
 * Writes are group-committed: every write asked for during one turn of the event loop runs in one
 * transaction (each in its own savepoint, so one failure rolls back only itself), and all of them
 * resolve after the single fsync of that commit. Durability stays per answer; the cost of fsync is
 * shared by the concurrent requests (see docs/performance.md).
 */
export function openSqliteStore(filename: string): Store {
  let db: Database.Database;
  try {
    db = new Database(filename);
  } catch (error) {
    throw new StoreUnavailableError(`cannot open ${filename}: ${(error as Error).message}`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return new SqliteStore(db);
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  // IMMEDIATE takes the write lock first, so two processes opening one file migrate one at a time.
  db.transaction(() => {
    const applied = new Set(
      db
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
        .all()
        .map((row) => row.version),
    );
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(
        migration.version,
        migration.name,
      );
    }
  }).immediate();
}

interface PendingWrite {
  run(): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

class SqliteStore implements Store {
  private pending: PendingWrite[] = [];
  private readonly statements;
  /** The read transaction of the current turn (see read()). */
  private readonly turnRead: {
    readonly begin: Database.Statement;
    readonly end: Database.Statement;
    open: boolean;
  };

  constructor(private readonly db: Database.Database) {
    this.statements = prepareStatements(db);
    this.turnRead = { begin: db.prepare('BEGIN'), end: db.prepare('COMMIT'), open: false };
  }

  /** Queues `run` into this turn's transaction; resolves once that transaction is durable. */
  private write<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ run, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private flush(): void {
    this.endTurnRead();
    const batch = this.pending;
    this.pending = [];
    const results: { ok: boolean; value: unknown }[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const item of batch) {
        this.db.exec('SAVEPOINT item');
        try {
          results.push({ ok: true, value: item.run() });
          this.db.exec('RELEASE item');
        } catch (error) {
          this.db.exec('ROLLBACK TO item');
          this.db.exec('RELEASE item');
          results.push({ ok: false, value: error });
        }
      }
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      const failure = new StoreUnavailableError(`commit failed: ${(error as Error).message}`);
      for (const item of batch) item.reject(failure);
      return;
    }
    batch.forEach((item, i) => {
      const result = results[i];
      if (result?.ok) item.resolve(result.value);
      else item.reject(result?.value);
    });
  }

  /**
   * Reads share one read transaction per turn of the event loop: in WAL mode each statement on its own
   * would take and drop the shared lock and check the file, two fcntl and an fstat every time. The
   * transaction ends before this turn's writes commit, and always by the end of the turn.
   */
  private read<T>(run: () => T): Promise<T> {
    try {
      if (!this.db.inTransaction) {
        this.turnRead.begin.run();
        this.turnRead.open = true;
        setImmediate(() => this.endTurnRead());
      }
      return Promise.resolve(run());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async hashKey(): Promise<string> {
    const existing = this.statements.getMeta.get('hash_key');
    if (existing) return existing.value;
    return this.write(() => {
      this.statements.insertMetaIfAbsent.run('hash_key', newHashKey());
      return (this.statements.getMeta.get('hash_key') as { value: string }).value;
    });
  }

  createWorkspace(workspace: Workspace): Promise<void> {
    return this.write(() => {
      this.statements.insertWorkspace.run({ ...workspace, createdAt: Date.now() });
    });
  }

  getWorkspace(id: string): Promise<Workspace | undefined> {
    return this.read(() => this.statements.getWorkspace.get(id));
  }

  getWorkspaceByDomain(domain: string): Promise<Workspace | undefined> {
    return this.read(() => this.statements.getWorkspaceByDomain.get(domain));
  }

  listWorkspaces(): Promise<Workspace[]> {
    return this.read(() => this.statements.listWorkspaces.all());
  }

  createUser(user: User): Promise<void> {
    return this.write(() => {
      this.statements.insertUser.run(userRow(user));
    });
  }

  getUser(id: string): Promise<User | undefined> {
    return this.read(() => toUser(this.statements.getUser.get(id)));
  }

  listUsersByEmail(email: string): Promise<User[]> {
    return this.read(() => this.statements.listUsersByEmail.all(email).map((row) => toUser(row) as User));
  }

  createApp(app: App): Promise<void> {
    return this.write(() => {
      this.statements.insertApp.run({ ...appRow(app), createdAt: Date.now() });
    });
  }

  getAppByClientId(clientId: string): Promise<App | undefined> {
    return this.read(() => toApp(this.statements.getAppByClientId.get(clientId)));
  }

  listApps(): Promise<App[]> {
    return this.read(() => this.statements.listApps.all().map((row) => toApp(row) as App));
  }

  updateApp(app: App): Promise<boolean> {
    return this.write(() => this.statements.updateApp.run(appRow(app)).changes > 0);
  }

  ensureBot(candidate: Bot, botUser: User): Promise<Bot> {
    return this.write(() => {
      const existing = this.statements.getBot.get(candidate.appId, candidate.teamId);
      if (existing) return existing;
      this.statements.insertUser.run(userRow(botUser));
      this.statements.insertBot.run(candidate);
      return candidate;
    });
  }

  insertCode(code: Code): Promise<void> {
    return this.write(() => {
      this.statements.insertCode.run(codeRow(code));
    });
  }

  findCode(hash: string): Promise<Code | undefined> {
    return this.read(() => toCode(this.statements.getCode.get(hash)));
  }

  burnCode(hash: string, now: number): Promise<void> {
    return this.write(() => {
      this.statements.useCode.run(now, hash);
    });
  }

  exchangeCode(codeHash: string, now: number, tokens: readonly NewToken[]): Promise<ExchangeOutcome> {
    return this.write((): ExchangeOutcome => {
      if (this.statements.useCode.run(now, codeHash).changes === 0) return { status: 'already_used' };
      const scopes = tokens.map((token) => {
        const grantee = token.kind === 'bot' ? 'bot' : token.userId;
        const before = this.statements.getGrant.get(token.appId, token.teamId, grantee);
        const merged = unionList(splitList(before?.scopes ?? null), token.addScopes);
        this.statements.upsertGrant.run(token.appId, token.teamId, grantee, joinList(merged), now);
        this.statements.insertToken.run({ ...tokenRow(token), scopes: joinList(merged), createdAt: now });
        if (token.refreshTokenHash !== undefined) {
          this.statements.insertRefreshToken.run({
            hash: token.refreshTokenHash,
            kind: token.kind,
            appId: token.appId,
            teamId: token.teamId,
            userId: token.userId,
            scopes: joinList(merged),
            familyId: token.familyId,
            originTokenHash: null,
            createdAt: now,
          });
        }
        return merged;
      });
      return { status: 'issued', scopes };
    });
  }

  findToken(hash: string): Promise<TokenView | undefined> {
    return this.read(() => toTokenView(this.statements.getTokenView.get(hash)));
  }

  revokeToken(hash: string, now: number): Promise<boolean> {
    return this.write(() => this.statements.revokeToken.run(now, hash).changes > 0);
  }

  revokeFamiliesOfCode(codeHash: string, now: number): Promise<number> {
    return this.write(() => {
      this.statements.revokeRefreshFamiliesOfCode.run(now, codeHash);
      return this.statements.revokeFamiliesOfCode.run(now, codeHash).changes;
    });
  }

  findRefreshToken(hash: string): Promise<RefreshToken | undefined> {
    return this.read(() => toRefreshToken(this.statements.getRefreshToken.get(hash)));
  }

  rotateRefreshToken(
    hash: string,
    now: number,
    graceMs: number,
    next: NewTokenPair,
  ): Promise<RotationOutcome> {
    return this.write((): RotationOutcome => {
      const row = this.statements.getRefreshToken.get(hash);
      if (!row || row.revokedAt !== null) return { status: 'revoked' };
      if (row.usedAt !== null) {
        if (now - row.usedAt < graceMs) return { status: 'reused_in_grace' };
        this.statements.revokeFamilyRefreshTokens.run(now, row.familyId);
        const revokedTokens = this.statements.revokeFamilyTokens.run(now, row.familyId).changes;
        return { status: 'replayed', revokedTokens };
      }
      this.statements.spendRefreshToken.run(now, hash);
      this.writePair(row, next, row.originTokenHash, now);
      if (row.originTokenHash !== null) this.statements.expireToken.run(now, row.originTokenHash);
      return { status: 'rotated' };
    });
  }

  exchangeLongLivedToken(
    tokenHash: string,
    now: number,
    pair: NewTokenPair,
  ): Promise<LongLivedExchangeOutcome> {
    return this.write((): LongLivedExchangeOutcome => {
      if (this.statements.getTokenExchange.get(tokenHash)) return { status: 'already_exchanged' };
      const original = this.statements.getTokenRow.get(tokenHash);
      if (!original || original.revokedAt !== null) return { status: 'revoked' };
      this.statements.insertTokenExchange.run(tokenHash, now);
      this.writePair(original, pair, tokenHash, now);
      return { status: 'issued' };
    });
  }

  /** Writes the next access and refresh token of a chain, copying what they inherit from `from`. */
  private writePair(
    from: { kind: string; appId: string; teamId: string; userId: string; scopes: string; familyId: string },
    pair: NewTokenPair,
    originTokenHash: string | null,
    now: number,
  ): void {
    const inherited = {
      kind: from.kind,
      appId: from.appId,
      teamId: from.teamId,
      userId: from.userId,
      scopes: from.scopes,
      familyId: from.familyId,
      createdAt: now,
    };
    this.statements.insertToken.run({
      ...inherited,
      hash: pair.accessTokenHash,
      codeHash: null,
      expiresAt: pair.expiresAt,
    });
    this.statements.insertRefreshToken.run({ ...inherited, hash: pair.refreshTokenHash, originTokenHash });
  }

  createSession(session: Session): Promise<void> {
    return this.write(() => {
      this.statements.insertSession.run({ ...session, createdAt: Date.now() });
    });
  }

  findSession(hash: string): Promise<Session | undefined> {
    return this.read(() => this.statements.getSession.get(hash));
  }

  deleteSession(hash: string): Promise<void> {
    return this.write(() => {
      this.statements.deleteSession.run(hash);
    });
  }

  async ping(): Promise<void> {
    try {
      this.db.prepare('SELECT 1').get();
    } catch (error) {
      throw new StoreUnavailableError((error as Error).message);
    }
  }

  private endTurnRead(): void {
    if (!this.turnRead.open) return;
    this.turnRead.open = false;
    if (this.db.inTransaction) this.turnRead.end.run();
  }

  async close(): Promise<void> {
    if (this.pending.length > 0) await new Promise((resolve) => setImmediate(resolve));
    this.endTurnRead();
    this.db.close();
  }
}

function prepareStatements(db: Database.Database) {
  return {
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    insertMetaIfAbsent: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING',
    ),
    insertWorkspace: db.prepare(
      'INSERT INTO workspaces (id, name, domain, created_at) VALUES (@id, @name, @domain, @createdAt)',
    ),
    getWorkspace: db.prepare<[string], Workspace>('SELECT id, name, domain FROM workspaces WHERE id = ?'),
    getWorkspaceByDomain: db.prepare<[string], Workspace>(
      'SELECT id, name, domain FROM workspaces WHERE domain = ?',
    ),
    listWorkspaces: db.prepare<[], Workspace>(
      'SELECT id, name, domain FROM workspaces ORDER BY created_at, id',
    ),
    insertUser: db.prepare(
      `INSERT INTO users (id, team_id, name, email, password_hash, is_bot, created_at)
       VALUES (@id, @teamId, @name, @email, @passwordHash, @isBot, @createdAt)`,
    ),
    getUser: db.prepare<[string], UserRow>(`${SELECT_USER} WHERE id = ?`),
    listUsersByEmail: db.prepare<[string], UserRow>(`${SELECT_USER} WHERE email = ? ORDER BY created_at, id`),
    insertApp: db.prepare(
      `INSERT INTO apps (id, name, client_id, client_secret_hash, redirect_uris, scopes, token_rotation, created_at)
       VALUES (@id, @name, @clientId, @clientSecretHash, @redirectUris, @scopes, @tokenRotation, @createdAt)`,
    ),
    getAppByClientId: db.prepare<[string], AppRow>(`${SELECT_APP} WHERE client_id = ?`),
    listApps: db.prepare<[], AppRow>(`${SELECT_APP} ORDER BY created_at, id`),
    updateApp: db.prepare(
      `UPDATE apps SET name = @name, client_secret_hash = @clientSecretHash, redirect_uris = @redirectUris,
       scopes = @scopes, token_rotation = @tokenRotation WHERE id = @id`,
    ),
    getBot: db.prepare<[string, string], Bot>(
      'SELECT app_id AS appId, team_id AS teamId, bot_id AS botId, user_id AS userId FROM bots WHERE app_id = ? AND team_id = ?',
    ),
    insertBot: db.prepare(
      'INSERT INTO bots (app_id, team_id, bot_id, user_id) VALUES (@appId, @teamId, @botId, @userId)',
    ),
    insertCode: db.prepare(
      `INSERT INTO codes (hash, app_id, team_id, user_id, scopes, user_scopes, redirect_uri, version,
         code_challenge, code_challenge_method, expires_at, used_at, created_at)
       VALUES (@hash, @appId, @teamId, @userId, @scopes, @userScopes, @redirectUri, @version,
         @codeChallenge, @codeChallengeMethod, @expiresAt, NULL, @createdAt)`,
    ),
    getCode: db.prepare<[string], CodeRow>(
      `SELECT hash, app_id AS appId, team_id AS teamId, user_id AS userId, scopes, user_scopes AS userScopes,
         redirect_uri AS redirectUri, version, code_challenge AS codeChallenge,
         code_challenge_method AS codeChallengeMethod, expires_at AS expiresAt, used_at AS usedAt
       FROM codes WHERE hash = ?`,
    ),
    useCode: db.prepare('UPDATE codes SET used_at = ? WHERE hash = ? AND used_at IS NULL'),
    getGrant: db.prepare<[string, string, string], { scopes: string }>(
      'SELECT scopes FROM grants WHERE app_id = ? AND team_id = ? AND grantee = ?',
    ),
    upsertGrant: db.prepare(
      `INSERT INTO grants (app_id, team_id, grantee, scopes, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (app_id, team_id, grantee) DO UPDATE SET scopes = excluded.scopes, updated_at = excluded.updated_at`,
    ),
    insertToken: db.prepare(
      `INSERT INTO tokens (hash, kind, app_id, team_id, user_id, scopes, code_hash, family_id, expires_at,
         revoked_at, created_at)
       VALUES (@hash, @kind, @appId, @teamId, @userId, @scopes, @codeHash, @familyId, @expiresAt, NULL, @createdAt)`,
    ),
    getTokenView: db.prepare<[string], TokenViewRow>(
      `SELECT t.hash, t.kind, t.app_id AS appId, t.team_id AS teamId, t.user_id AS userId, t.scopes,
         t.code_hash AS codeHash, t.family_id AS familyId, t.expires_at AS expiresAt, t.revoked_at AS revokedAt,
         w.name AS teamName, w.domain AS teamDomain, u.name AS userName, b.bot_id AS botId
       FROM tokens t
       JOIN workspaces w ON w.id = t.team_id
       JOIN users u ON u.id = t.user_id
       LEFT JOIN bots b ON t.kind = 'bot' AND b.app_id = t.app_id AND b.team_id = t.team_id
       WHERE t.hash = ?`,
    ),
    revokeToken: db.prepare('UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL'),
    revokeFamiliesOfCode: db.prepare(
      `UPDATE tokens SET revoked_at = ?
       WHERE family_id IN (SELECT family_id FROM tokens WHERE code_hash = ?) AND revoked_at IS NULL`,
    ),
    revokeRefreshFamiliesOfCode: db.prepare(
      `UPDATE refresh_tokens SET revoked_at = ?
       WHERE family_id IN (SELECT family_id FROM tokens WHERE code_hash = ?) AND revoked_at IS NULL`,
    ),
    getTokenRow: db.prepare<[string], TokenRow>(
      `SELECT kind, app_id AS appId, team_id AS teamId, user_id AS userId, scopes, family_id AS familyId,
         revoked_at AS revokedAt
       FROM tokens WHERE hash = ?`,
    ),
    expireToken: db.prepare(
      'UPDATE tokens SET expires_at = ? WHERE hash = ? AND expires_at IS NULL AND revoked_at IS NULL',
    ),
    revokeFamilyTokens: db.prepare(
      'UPDATE tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL',
    ),
    insertRefreshToken: db.prepare(
      `INSERT INTO refresh_tokens (hash, kind, app_id, team_id, user_id, scopes, family_id, origin_token_hash,
         used_at, revoked_at, created_at)
       VALUES (@hash, @kind, @appId, @teamId, @userId, @scopes, @familyId, @originTokenHash, NULL, NULL, @createdAt)`,
    ),
    getRefreshToken: db.prepare<[string], RefreshTokenRow>(
      `SELECT hash, kind, app_id AS appId, team_id AS teamId, user_id AS userId, scopes, family_id AS familyId,
         origin_token_hash AS originTokenHash, used_at AS usedAt, revoked_at AS revokedAt
       FROM refresh_tokens WHERE hash = ?`,
    ),
    spendRefreshToken: db.prepare(
      'UPDATE refresh_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL AND revoked_at IS NULL',
    ),
    revokeFamilyRefreshTokens: db.prepare(
      'UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL',
    ),
    getTokenExchange: db.prepare<[string], { exchangedAt: number }>(
      'SELECT exchanged_at AS exchangedAt FROM token_exchanges WHERE token_hash = ?',
    ),
    insertTokenExchange: db.prepare('INSERT INTO token_exchanges (token_hash, exchanged_at) VALUES (?, ?)'),
    insertSession: db.prepare(
      'INSERT INTO sessions (hash, user_id, expires_at, created_at) VALUES (@hash, @userId, @expiresAt, @createdAt)',
    ),
    getSession: db.prepare<[string], Session>(
      'SELECT hash, user_id AS userId, expires_at AS expiresAt FROM sessions WHERE hash = ?',
    ),
    deleteSession: db.prepare('DELETE FROM sessions WHERE hash = ?'),
  };
}

const SELECT_USER = `SELECT id, team_id AS teamId, name, email, password_hash AS passwordHash, is_bot AS isBot
  FROM users`;
const SELECT_APP = `SELECT id, name, client_id AS clientId, client_secret_hash AS clientSecretHash,
  redirect_uris AS redirectUris, scopes, token_rotation AS tokenRotation FROM apps`;

function userRow(user: User) {
  return { ...user, isBot: user.isBot ? 1 : 0, createdAt: Date.now() };
}

function tokenRow(token: NewToken) {
  const { addScopes: _added, refreshTokenHash: _refresh, ...row } = token;
  return row;
}
