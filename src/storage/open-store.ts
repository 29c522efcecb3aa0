import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** Opens the store a `--database` value names: a file path, a `sqlite:` URL, or `:memory:`. */
export async function openStore(database: string): Promise<Store> {
  const filename = database.startsWith('sqlite:') ? database.slice('sqlite:'.length) : database;
  return openSqliteStore(filename);
}
