import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/**
 * Opens the store a `--database` value names: a `postgres://` or `postgresql://` URL (the scale-out
 * backend), else SQLite: a file path, a `sqlite:` URL, or `:memory:`.
 */
export async function openStore(database: string, options: { poolSize?: number } = {}): Promise<Store> {
  if (POSTGRES_URL.test(database)) {
    return openPostgresStore(database, options.poolSize === undefined ? {} : { poolSize: options.poolSize });
  }
  const filename = database.startsWith('sqlite:') ? database.slice('sqlite:'.length) : database;
  return openSqliteStore(filename);
}
