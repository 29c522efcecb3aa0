import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newCode, newFamilyId, newToken } from '../src/domain/secrets.js';

describe('token family ids', () => {
  const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('are UUIDv7 whose first 48 bits are the milliseconds given', () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const id = newFamilyId(now);
    assert.match(id, UUID_V7);
    assert.equal(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16), now);
  });

  it('sort in time order, so that the family index grows at its end', () => {
    const times = [1_700_000_000_000, 1_700_000_000_001, 1_700_000_060_000, 1_800_000_000_000];
    const ids = times.map((time) => newFamilyId(time));
    assert.deepEqual([...ids].sort(), ids);
  });

  it('stay unique within one millisecond', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newFamilyId(1_700_000_000_000)));
    assert.equal(ids.size, 10_000);
  });
});

describe('codes and tokens', () => {
  it("keep Slack's shapes around 256 random bits, all distinct across refills of the random pool", () => {
    // 4 KiB of pool serves 128 of them, so 1,000 of each span several refills.
    const codes = Array.from({ length: 1000 }, () => newCode());
    const tokens = Array.from({ length: 1000 }, () => newToken('xoxp'));
    for (const code of codes) assert.match(code, /^[1-9]\d{9}\.\d{13}\.[0-9a-f]{64}$/);
    for (const token of tokens) assert.match(token, /^xoxp-[1-9]\d{10}-\d{13}-[0-9a-f]{64}$/);
    const randomParts = [...codes, ...tokens].map((value) => value.slice(-64));
    assert.equal(new Set(randomParts).size, 2000);
  });
});
