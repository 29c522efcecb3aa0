import type { Parameters } from 'fast-check';

/**
 * Settings shared by the property-based tests. In `npm test` every property runs a fixed number of
 * times from a fixed seed, so a run is repeatable and bounded; a longer run is one command away:
 *
 *   LATCHKEY_FUZZ_RUNS=5000 LATCHKEY_FUZZ_SEED=$RANDOM node --import tsx --test test/security/fuzz-*.test.ts
 *
 * (docs/security.md). On a failure fast-check prints the seed and the path of the shrunk case, which
 * `LATCHKEY_FUZZ_SEED` and `LATCHKEY_FUZZ_PATH` replay.
 */
const DEFAULT_SEED = 20261204;

function envNumber(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number, 1 or more`);
  return value;
}

/** fast-check parameters: `defaultRuns` unless LATCHKEY_FUZZ_RUNS says otherwise. */
export function fuzzParameters<T>(defaultRuns: number): Parameters<T> {
  const path = process.env.LATCHKEY_FUZZ_PATH;
  return {
    seed: envNumber('LATCHKEY_FUZZ_SEED') ?? DEFAULT_SEED,
    numRuns: envNumber('LATCHKEY_FUZZ_RUNS') ?? defaultRuns,
    endOnFailure: true,
    includeErrorInReport: true,
    ...(path && { path }),
  };
}

/** How many runs a property gets, for tests that size their timeouts by it. */
export function fuzzRuns(defaultRuns: number): number {
  return envNumber('LATCHKEY_FUZZ_RUNS') ?? defaultRuns;
}
