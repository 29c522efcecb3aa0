import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { parseServeConfig } from '../src/config.js';
import { StoreUnavailableError } from '../src/errors.js';
import { migrations } from '../src/storage/migrations/index.js';
import { openStore } from '../src/storage/open-store.js';
import type { Store } from '../src/storage/store.js';
import {
  createTestSchema,
  skipWithoutPostgres,
  type TestSchema,
  testPostgresUrl,
} from './helpers/postgres.js';
import { startTcpProxy, type TcpProxy, throughProxy, unusedPort } from './helpers/tcp-proxy.js';
import { defineStoreContract } from './store-contract.js';

// The contract on PostgreSQL, in a schema of its own: two stores are two pools, as two processes
// are. Then what only a server database has: concurrent migration, outage and recovery.

it('keeps 10 connections per process by default; --database-pool and LATCHKEY_DATABASE_POOL change it', () => {
  assert.equal(parseServeConfig({}, {}).databasePool, 10);
  assert.equal(parseServeConfig({ 'database-pool': '3' }, {}).databasePool, 3);
  assert.equal(parseServeConfig({}, { LATCHKEY_DATABASE_POOL: '40' }).databasePool, 40);
  assert.throws(
    () => parseServeConfig({ 'database-pool': '0' }, {}),
    /--database-pool: expected a whole number/,
  );
});

if (testPostgresUrl === undefined) {
  skipWithoutPostgres('store contract and outages: postgres');
} else {
  const serverUrl = testPostgresUrl;
  defineStoreContract('postgres', async () => {
    const schema = await createTestSchema(serverUrl, 'store');
    return { open: () => openStore(schema.url), destroy: () => schema.drop() };
  });

  describe('postgres: migrations', () => {
    let schema: TestSchema;
    before(async () => {
      schema = await createTestSchema(serverUrl, 'migrate');
    });
    after(() => schema.drop());

    it('applies each migration once when three processes start at the same moment', async () => {
      const stores = await Promise.all([openStore(schema.url), openStore(schema.url), openStore(schema.url)]);
      await Promise.all(stores.map((store) => store.close()));
      const client = new pg.Client({ connectionString: schema.url });
      await client.connect();
      try {
        const applied = await client.query('SELECT version, name FROM schema_migrations ORDER BY version');
        assert.deepEqual(
          applied.rows,
          migrations.map(({ version, name }) => ({ version, name })),
        );
      } finally {
        await client.end();
      }
    });
  });

  describe('postgres: the pool', () => {
    let schema: TestSchema;
    before(async () => {
      schema = await createTestSchema(serverUrl, 'pool');
    });
    after(() => schema.drop());

    it('opens no more connections than its pool size, however many calls wait', async () => {
      const url = new URL(schema.url);
      const name = `latchkey_pool_${schema.name.slice(-8)}`;
      url.searchParams.set('application_name', name);
      const store = await openStore(url.toString(), { poolSize: 2 });
      const observer = new pg.Client({ connectionString: serverUrl });
      await observer.connect();
      try {
        const count = async () =>
          (
            await observer.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
              [name],
            )
          ).rows[0]?.n ?? 0;
        let peak = 0;
        let done = false;
        const sampling = (async () => {
          while (!done) peak = Math.max(peak, await count());
        })();
        await Promise.all(Array.from({ length: 200 }, () => store.findCode('no-such-code')));
        done = true;
        await sampling;
        const open = await observer.query(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
          [name],
        );
        assert.ok(peak >= 1 && peak <= 2, `peak ${peak}`);
        assert.equal(open.rows[0].n, 2, 'both connections were used and kept');
      } finally {
        await store.close();
        await observer.end();
      }
    });
  });

  describe('postgres: the database going away', () => {
    let schema: TestSchema;
    let proxy: TcpProxy;
    let store: Store;
    before(async () => {
      schema = await createTestSchema(serverUrl, 'outage');
      const target = new URL(serverUrl);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      store = await openStore(throughProxy(schema.url, proxy));
    });
    after(async () => {
      await proxy.restore();
      await store.close();
      await proxy.close();
      await schema.drop();
    });

    it('refuses to open, as unavailable, where nothing listens', async () => {
      const url = new URL(serverUrl);
      url.port = String(await unusedPort());
      await assert.rejects(openStore(url.toString()), StoreUnavailableError);
    });

    it('answers a refused statement with its own error, not as unavailable', async () => {
      const workspace = { id: 'TDUPLICATE1', name: 'Dup', domain: 'dup-one' };
      await store.createWorkspace(workspace);
      await assert.rejects(store.createWorkspace(workspace), (error) => {
        assert.ok(!(error instanceof StoreUnavailableError));
        assert.ok(error instanceof pg.DatabaseError);
        return true;
      });
    });

    it('rejects every call as unavailable while the server is gone, then recovers by itself', async () => {
      await store.ping();
      const workspace = { id: 'TOUTAGE0001', name: 'Outage', domain: 'outage-one' };
      await store.createWorkspace(workspace);

      await proxy.cut();
      await assert.rejects(store.ping(), StoreUnavailableError);
      await assert.rejects(store.getWorkspace(workspace.id), StoreUnavailableError);
      await assert.rejects(store.exchangeCode('some-code-hash', Date.now(), []), StoreUnavailableError);
      await assert.rejects(
        store.createWorkspace({ ...workspace, id: 'TOUTAGE0002', domain: 'outage-two' }),
        StoreUnavailableError,
      );

      await proxy.restore();
      await store.ping();
      assert.deepEqual(await store.getWorkspace(workspace.id), workspace);
      assert.equal(
        await store.getWorkspace('TOUTAGE0002'),
        undefined,
        'the write during the outage did not happen',
      );
    });
  });
}
