import { TextDecoder } from 'node:util';
import type { ErrorCode } from '../../errors.js';
import type { Charset } from './content-type.js';
import type { ArgumentPair } from './urlencoded.js';

/**
 * Turns a JSON body into arguments (spec §1.3 step 5): strings stay strings, numbers and booleans
 * become their text, null is an absent argument, and an array or object value is a PHP-style array
 * argument in all but name.
 */
export function parseJsonArguments(body: Buffer, charset: Charset): ArgumentPair[] | ErrorCode {
  let parsed: unknown;
  try {
    const text = new TextDecoder(charset === 'utf-8' ? 'utf-8' : 'latin1', { fatal: true }).decode(body);
    parsed = JSON.parse(text);
  } catch {
    return 'invalid_json';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'json_not_object';
  const pairs: ArgumentPair[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (value === null) continue;
    if (typeof value === 'object') return 'invalid_array_arg';
    pairs.push([name, String(value)]);
  }
  return pairs;
}
