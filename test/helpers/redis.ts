import { randomBytes } from 'node:crypto';
import { it } from 'node:test';

/** The Redis server the tests may use, or undefined when none is configured. */
export const testRedisUrl: string | undefined = process.env.LATCHKEY_TEST_REDIS_URL || undefined;

/** Stands in for a file's tests without Redis: one line saying so, and one skipped test. */
export function skipWithoutRedis(what: string): void {
  const why = 'LATCHKEY_TEST_REDIS_URL is not set (.ci/run sets it)';
  console.log(`SKIPPED ${what}: ${why}`);
  it(what, { skip: why }, () => undefined);
}

/** A key prefix no other run uses, so that runs sharing one Redis never share counters. */
export function uniqueRedisPrefix(label: string): string {
  return `latchkey-test:${label}:${randomBytes(4).toString('hex')}:`;
}
