import { openStore } from '../src/storage/open-store.js';
import { createTestSchema, skipWithoutPostgres, testPostgresUrl } from './helpers/postgres.js';
import { defineStoreContract } from './store-contract.js';

// The contract on PostgreSQL, in a schema of its own: two stores are two pools, as two processes are.

if (testPostgresUrl === undefined) {
  skipWithoutPostgres('store contract: postgres');
} else {
  const serverUrl = testPostgresUrl;
  defineStoreContract('postgres', async () => {
    const schema = await createTestSchema(serverUrl, 'store');
    return { open: () => openStore(schema.url), destroy: () => schema.drop() };
  });
}
