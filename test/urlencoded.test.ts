import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDecoder } from 'node:util';
import fc from 'fast-check';
import type { Charset } from '../src/http/web-api/content-type.js';
import { parseUrlencoded } from '../src/http/web-api/urlencoded.js';

// The parser reads plain ASCII pieces as they are and unescapes only the others; it must answer
// exactly what the plain definition below answers, for any bytes, in both charsets.

function byDefinition(bytes: Uint8Array, charset: Charset): (readonly [string, string])[] | undefined {
  const decoder = new TextDecoder(charset === 'utf-8' ? 'utf-8' : 'latin1', { fatal: true });
  const component = (piece: Uint8Array): string | undefined => {
    const out: number[] = [];
    for (let i = 0; i < piece.length; i++) {
      const byte = piece[i] as number;
      if (byte === 0x2b) out.push(0x20);
      else if (byte === 0x25) {
        const hex = String.fromCharCode(piece[i + 1] ?? 0, piece[i + 2] ?? 0);
        if (!/^[0-9a-f]{2}$/i.test(hex)) return undefined;
        out.push(Number.parseInt(hex, 16));
        i += 2;
      } else out.push(byte);
    }
    try {
      return decoder.decode(new Uint8Array(out));
    } catch {
      return undefined;
    }
  };
  const pairs: (readonly [string, string])[] = [];
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x26, start);
    if (end < 0) end = bytes.length;
    const piece = bytes.subarray(start, end);
    if (piece.length > 0) {
      const equals = piece.indexOf(0x3d);
      const name = component(equals < 0 ? piece : piece.subarray(0, equals));
      const value = equals < 0 ? '' : component(piece.subarray(equals + 1));
      if (name === undefined || value === undefined) return undefined;
      pairs.push([name, value]);
    }
    start = end + 1;
  }
  return pairs;
}

const formBytes = fc
  .array(
    fc.oneof(
      fc.constantFrom(...'&=%+abcAF09 .-_~'.split('').map((c) => c.charCodeAt(0))),
      fc.constantFrom(0x80, 0xa9, 0xc3, 0xe2, 0xef, 0xbb, 0xbf, 0xff),
      fc.integer({ min: 0, max: 255 }),
    ),
    { maxLength: 60 },
  )
  .map((values) => new Uint8Array(values));

const text = (value: string) => new TextEncoder().encode(value);

describe('urlencoded bodies', () => {
  for (const charset of ['utf-8', 'iso-8859-1'] as const) {
    it(`parse as the definition says, for any bytes (${charset})`, () => {
      fc.assert(
        fc.property(formBytes, (bytes) => {
          assert.deepEqual(parseUrlencoded(bytes, charset), byDefinition(bytes, charset));
        }),
        { numRuns: 5000 },
      );
    });
  }

  it('decode escapes, plus signs and raw UTF-8, and skip empty pieces', () => {
    assert.deepEqual(parseUrlencoded(text('a=%41&&b&c=x+y&d=%C3%A9&e=é&=v'), 'utf-8'), [
      ['a', 'A'],
      ['b', ''],
      ['c', 'x y'],
      ['d', 'é'],
      ['e', 'é'],
      ['', 'v'],
    ]);
  });

  it('refuse a bad or cut escape, and bytes invalid in the charset', () => {
    assert.equal(parseUrlencoded(text('a=%zz'), 'utf-8'), undefined);
    assert.equal(parseUrlencoded(text('a=%4&b=1'), 'utf-8'), undefined);
    assert.equal(parseUrlencoded(text('a=%FF'), 'utf-8'), undefined);
    assert.deepEqual(parseUrlencoded(text('a=%FF'), 'iso-8859-1'), [['a', 'ÿ']]);
  });
});
