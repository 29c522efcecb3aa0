import { TextDecoder } from 'node:util';
import type { ErrorCode } from '../../errors.js';
import type { Charset } from './content-type.js';
import { jsonObjectMembers } from './json-members.js';
import type { ArgumentPair } from './urlencoded.js';

/**
 * Turns a JSON body into arguments (spec §1.3 step 5): strings stay strings, numbers and booleans
 * become their text, null is an absent argument, and an array or object value is a PHP-style array
 * argument in all but name. Every occurrence of a repeated name is kept, in order, so that the first
 * one wins as in every other source (spec §1.1).
 */
export function parseJsonArguments(body: Buffer, charset: Charset): ArgumentPair[] | ErrorCode {
  let text: string;
  let parsed: unknown;
  try {
    text = new TextDecoder(charset === 'utf-8' ? 'utf-8' : 'latin1', { fatal: true }).decode(body);
    parsed = JSON.parse(text);
  } catch {
    return 'invalid_json';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'json_not_object';
  const pairs: ArgumentPair[] = [];
  for (const [name, valueText] of jsonObjectMembers(text)) {
    if (valueText.startsWith('{') || valueText.startsWith('[')) return 'invalid_array_arg';
    const value: unknown = JSON.parse(valueText);
    // null is an absent argument, like an empty one: it still takes the name's first occurrence.
    pairs.push([name, value === null ? '' : String(value)]);
  }
  return pairs;
}
