import { TextDecoder } from 'node:util';
import type { Charset } from './content-type.js';

/** One argument as it arrived, before names are checked and duplicates resolved. */
export type ArgumentPair = readonly [name: string, value: string];

/**
 * Parses `a=1&b=2` strictly, straight from the bytes: `+` is a space, a percent escape must be two hex
 * digits, and the decoded bytes must be valid in the charset. Returns undefined for malformed input,
 * which callers answer `invalid_form_data`. (URLSearchParams would silently keep `%zz` as text and
 * replace invalid UTF-8, so it cannot tell a broken body from a good one.)
 */
export function parseUrlencoded(bytes: Uint8Array, charset: Charset): ArgumentPair[] | undefined {
  const decoder = new TextDecoder(charset === 'utf-8' ? 'utf-8' : 'latin1', { fatal: true });
  const pairs: ArgumentPair[] = [];
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x26 /* & */, start);
    if (end < 0) end = bytes.length;
    if (end > start) {
      const piece = bytes.subarray(start, end);
      const equals = piece.indexOf(0x3d /* = */);
      const name = decodeComponent(equals < 0 ? piece : piece.subarray(0, equals), decoder);
      const value = equals < 0 ? '' : decodeComponent(piece.subarray(equals + 1), decoder);
      if (name === undefined || value === undefined) return undefined;
      pairs.push([name, value]);
    }
    start = end + 1;
  }
  return pairs;
}

function decodeComponent(bytes: Uint8Array, decoder: TextDecoder): string | undefined {
  const out = new Uint8Array(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte === 0x2b /* + */) {
      out[length++] = 0x20;
    } else if (byte === 0x25 /* % */) {
      const high = hexValue(bytes[i + 1]);
      const low = hexValue(bytes[i + 2]);
      if (high < 0 || low < 0) return undefined;
      out[length++] = high * 16 + low;
      i += 2;
    } else {
      out[length++] = byte;
    }
  }
  try {
    return decoder.decode(out.subarray(0, length));
  } catch {
    return undefined;
  }
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
