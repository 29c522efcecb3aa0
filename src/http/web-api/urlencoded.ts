import { TextDecoder } from 'node:util';
import type { Charset } from './content-type.js';

/** One argument as it arrived, before names are checked and duplicates resolved. */
export type ArgumentPair = readonly [name: string, value: string];

// Fatal decoders keep no state between calls that do not stream, so one of each serves every call.
const DECODERS: Readonly<Record<Charset, TextDecoder>> = {
  'utf-8': new TextDecoder('utf-8', { fatal: true }),
  'iso-8859-1': new TextDecoder('latin1', { fatal: true }),
};

/**
 * Parses `a=1&b=2` strictly, straight from the bytes: `+` is a space, a percent escape must be two hex
 * digits, and the decoded bytes must be valid in the charset. Returns undefined for malformed input,
 * which callers answer `invalid_form_data`. (URLSearchParams would silently keep `%zz` as text and
 * replace invalid UTF-8, so it cannot tell a broken body from a good one.)
 *
 * Most names and values are plain ASCII (ids, codes, secrets); those are read as they are, and only
 * the others are unescaped into a scratch buffer and decoded (held by test/urlencoded.test.ts).
 */
export function parseUrlencoded(bytes: Uint8Array, charset: Charset): ArgumentPair[] | undefined {
  // Byte i of a latin1 reading is character i, so ASCII pieces are slices of this one string.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let scratch: Buffer | undefined;

  const decode = (from: number, to: number): string | undefined => {
    let plain = true;
    for (let i = from; i < to; i++) {
      const byte = bytes[i] as number;
      if (byte === 0x25 /* % */ || byte === 0x2b /* + */ || byte >= 0x80) {
        plain = false;
        break;
      }
    }
    // ASCII reads the same in both charsets.
    if (plain) return text.slice(from, to);
    scratch ??= Buffer.allocUnsafe(bytes.length);
    let length = 0;
    let ascii = true;
    for (let i = from; i < to; i++) {
      const byte = bytes[i] as number;
      if (byte === 0x2b /* + */) {
        scratch[length++] = 0x20;
      } else if (byte === 0x25 /* % */) {
        const high = i + 1 < to ? hexValue(bytes[i + 1]) : -1;
        const low = i + 2 < to ? hexValue(bytes[i + 2]) : -1;
        if (high < 0 || low < 0) return undefined;
        scratch[length] = high * 16 + low;
        if ((scratch[length++] as number) >= 0x80) ascii = false;
        i += 2;
      } else {
        scratch[length++] = byte;
        if (byte >= 0x80) ascii = false;
      }
    }
    if (ascii) return scratch.toString('latin1', 0, length);
    try {
      return DECODERS[charset].decode(scratch.subarray(0, length));
    } catch {
      return undefined;
    }
  };

  const pairs: ArgumentPair[] = [];
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x26 /* & */, start);
    if (end < 0) end = bytes.length;
    if (end > start) {
      let equals = start;
      while (equals < end && bytes[equals] !== 0x3d /* = */) equals++;
      const name = decode(start, equals);
      const value = equals < end ? decode(equals + 1, end) : '';
      if (name === undefined || value === undefined) return undefined;
      pairs.push([name, value]);
    }
    start = end + 1;
  }
  return pairs;
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
