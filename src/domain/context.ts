import type { Store } from '../storage/store.js';
import type { Clock } from './clock.js';
import { createHasher, type Hasher } from './secrets.js';

/** Lifetimes and policies that operators set (spec §9); all in seconds. */
export interface DomainSettings {
  readonly codeTtlSeconds: number;
  readonly tokenExpirySeconds: number;
  readonly refreshGraceSeconds: number;
}

export const defaultDomainSettings: DomainSettings = Object.freeze({
  codeTtlSeconds: 600,
  tokenExpirySeconds: 43200,
  refreshGraceSeconds: 0,
});

/** What every domain function is given: the store, the time, the hash key and the settings. */
export interface Domain {
  readonly store: Store;
  readonly clock: Clock;
  readonly hasher: Hasher;
  readonly settings: DomainSettings;
}

/**
 * Builds the domain over a store. The hash key comes from the operator (`LATCHKEY_SECRET_KEY`), or else
 * from the database, where it is made once, so that every process sharing a database agrees on it.
 */
export async function createDomain(options: {
  store: Store;
  clock: Clock;
  settings?: Partial<DomainSettings>;
  secretKey?: string | undefined;
}): Promise<Domain> {
  const key = options.secretKey ?? (await options.store.hashKey());
  return Object.freeze({
    store: options.store,
    clock: options.clock,
    hasher: createHasher(key),
    settings: Object.freeze({ ...defaultDomainSettings, ...options.settings }),
  });
}
