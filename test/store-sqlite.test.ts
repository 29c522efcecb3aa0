import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/storage/open-store.js';
import { defineStoreContract } from './store-contract.js';

// The contract on a SQLite file: two stores on one file are two connections, as two processes are.

defineStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-store-'));
  const database = join(dir, 'store.db');
  return {
    open: () => openStore(database),
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
