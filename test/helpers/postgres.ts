import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import pg from 'pg';

/** The PostgreSQL server the tests may use, or undefined when none is configured. */
export const testPostgresUrl: string | undefined = process.env.LATCHKEY_TEST_POSTGRES_URL || undefined;

/**
 * Stands in for a file's tests when PostgreSQL is not configured: one line on the console saying so,
 * and one skipped test, so that the run shows a skip and never a pass.
 */
export function skipWithoutPostgres(what: string): void {
  const why = 'LATCHKEY_TEST_POSTGRES_URL is not set (.ci/run sets it)';
  console.log(`SKIPPED ${what}: ${why}`);
  it(what, { skip: why }, () => undefined);
}

export interface TestSchema {
  /** The server URL with this schema as its search_path: every connection made from it lands here. */
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/**
 * A freshly created schema on the test server, so that test files running in parallel (and the
 * processes they start) never see each other's tables. Dropped with everything in it by `drop`.
 */
export async function createTestSchema(serverUrl: string, label: string): Promise<TestSchema> {
  const name = `latchkey_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE SCHEMA ${name}`);
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    url: url.toString(),
    name,
    drop: () => adminQuery(serverUrl, `DROP SCHEMA IF EXISTS ${name} CASCADE`),
  };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
