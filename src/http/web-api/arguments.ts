import type { ErrorCode } from '../../errors.js';
import type { ArgumentPair } from './urlencoded.js';

/** A method's arguments by name; absent and empty-string arguments are simply missing. */
export type Arguments = Readonly<Record<string, string>>;

const PHP_ARRAY_NAME = /\[[^\]]*\]/;
const ARGUMENT_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** Spec §1.3 step 6 over every name from every source: array names first, then other bad names. */
export function checkArgumentNames(...sources: readonly ArgumentPair[][]): ErrorCode | undefined {
  let badName = false;
  for (const pairs of sources) {
    for (const [name] of pairs) {
      if (PHP_ARRAY_NAME.test(name)) return 'invalid_array_arg';
      badName ||= !ARGUMENT_NAME.test(name);
    }
  }
  return badName ? 'invalid_arg_name' : undefined;
}

/**
 * Merges query and body arguments (spec §1.1): within one source the first occurrence wins, the body
 * wins over the query, and an empty value counts as absent, as if it had not been sent (slack-go sends `redirect_uri=`).
 */
export function mergeArguments(query: readonly ArgumentPair[], body: readonly ArgumentPair[]): Arguments {
  const merged: Record<string, string> = Object.create(null);
  mergeSource(merged, query);
  mergeSource(merged, body);
  return merged;
}

function mergeSource(merged: Record<string, string>, pairs: readonly ArgumentPair[]): void {
  // A lone pair cannot repeat a name, so the set of names seen is only made when there are more.
  const seen = pairs.length > 1 ? new Set<string>() : undefined;
  for (const [name, value] of pairs) {
    if (seen) {
      if (seen.has(name)) continue;
      seen.add(name);
    }
    if (value !== '') merged[name] = value;
  }
}
