/**
 * Schema migrations, applied in order on start. The SQL is written to run unchanged on SQLite and
 * PostgreSQL: TEXT, BIGINT milliseconds, INTEGER flags. Never edit a released migration; add one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE workspaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        domain TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL
      );

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        team_id TEXT NOT NULL REFERENCES workspaces(id),
        name TEXT NOT NULL,
        email TEXT,
        password_hash TEXT,
        is_bot INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        UNIQUE (team_id, email)
      );
      CREATE INDEX users_by_email ON users(email);

      CREATE TABLE apps (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        client_id TEXT NOT NULL UNIQUE,
        client_secret_hash TEXT NOT NULL,
        redirect_uris TEXT NOT NULL,
        scopes TEXT,
        token_rotation INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL
      );

      CREATE TABLE bots (
        app_id TEXT NOT NULL REFERENCES apps(id),
        team_id TEXT NOT NULL REFERENCES workspaces(id),
        bot_id TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL REFERENCES users(id),
        PRIMARY KEY (app_id, team_id)
      );

      CREATE TABLE codes (
        hash TEXT PRIMARY KEY,
        app_id TEXT NOT NULL REFERENCES apps(id),
        team_id TEXT NOT NULL REFERENCES workspaces(id),
        user_id TEXT NOT NULL REFERENCES users(id),
        scopes TEXT NOT NULL,
        user_scopes TEXT NOT NULL,
        redirect_uri TEXT,
        version INTEGER NOT NULL,
        code_challenge TEXT,
        code_challenge_method TEXT,
        expires_at BIGINT NOT NULL,
        used_at BIGINT,
        created_at BIGINT NOT NULL
      );

      CREATE TABLE grants (
        app_id TEXT NOT NULL,
        team_id TEXT NOT NULL,
        grantee TEXT NOT NULL,
        scopes TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (app_id, team_id, grantee)
      );

      CREATE TABLE tokens (
        hash TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        app_id TEXT NOT NULL REFERENCES apps(id),
        team_id TEXT NOT NULL REFERENCES workspaces(id),
        user_id TEXT NOT NULL REFERENCES users(id),
        scopes TEXT NOT NULL,
        code_hash TEXT,
        family_id TEXT NOT NULL,
        expires_at BIGINT,
        revoked_at BIGINT,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX tokens_by_code ON tokens(code_hash);
      CREATE INDEX tokens_by_family ON tokens(family_id);
    `,
  },
  {
    version: 2,
    name: 'browser sessions',
    sql: `
      CREATE TABLE sessions (
        hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        expires_at BIGINT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX sessions_by_expiry ON sessions(expires_at);
    `,
  },
  {
    version: 3,
    name: 'token rotation',
    sql: `
      CREATE TABLE refresh_tokens (
        hash TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        app_id TEXT NOT NULL REFERENCES apps(id),
        team_id TEXT NOT NULL REFERENCES workspaces(id),
        user_id TEXT NOT NULL REFERENCES users(id),
        scopes TEXT NOT NULL,
        family_id TEXT NOT NULL,
        origin_token_hash TEXT,
        used_at BIGINT,
        revoked_at BIGINT,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family_id);

      CREATE TABLE token_exchanges (
        token_hash TEXT PRIMARY KEY,
        exchanged_at BIGINT NOT NULL
      );
    `,
  },
];
