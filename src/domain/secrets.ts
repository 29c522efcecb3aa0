import { createHmac, randomBytes, randomInt, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Randomness, identifiers and hashing. Every secret Latchkey issues comes from the CSPRNG here and
 * is stored only as the keyed hash made here (spec §7).
 */

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A Slack-looking identifier: `prefix` and 10 upper-case letters or digits (`T0A1B2C3D4E`). */
export function newId(prefix: 'T' | 'U' | 'A' | 'B'): string {
  let id = prefix;
  for (let i = 0; i < 10; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

function digits(count: number): string {
  let out = String(randomInt(1, 10));
  for (let i = 1; i < count; i++) out += String(randomInt(10));
  return out;
}

/** A client id shaped like Slack's: `2141029472.691202649728`. */
export function newClientId(): string {
  return `${digits(10)}.${digits(12)}`;
}

/** A client secret: 32 hex characters, 128 bits. */
export function newClientSecret(): string {
  return randomBytes(16).toString('hex');
}

/** A temporary OAuth code: Slack's dotted shape around 256 random bits. */
export function newCode(): string {
  return `${digits(10)}.${digits(13)}.${randomHex(32)}`;
}

export type TokenPrefix = 'xoxp' | 'xoxb' | 'xoxe.xoxp-1' | 'xoxe.xoxb-1' | 'xoxe-1';

/** An access or refresh token: Slack's prefix and numeric segments around 256 random bits. */
export function newToken(prefix: TokenPrefix): string {
  return `${prefix}-${digits(11)}-${digits(13)}-${randomHex(32)}`;
}

// A call into the CSPRNG costs microseconds whatever its size (2 µs alone, several in a busy server),
// so codes and tokens draw their random bits from 4 KiB filled in one call, as randomUUID and
// randomInt do with their own pools. Each byte is handed out once and wiped.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  pool.fill(0, poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/** A browser session's cookie value: 256 random bits. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The id of a token family (every token of one install): a UUIDv7 (RFC 9562), the milliseconds of
 * `now` and then 74 random bits. Time order makes the family index grow at its end instead of
 * dirtying a page at a random place for every token written, one page in three of an exchange.
 */
export function newFamilyId(now: number): string {
  const time = Math.floor(now).toString(16).padStart(12, '0').slice(-12);
  // randomUUID's version digit (index 14) becomes 7; its variant bits already are RFC 9562's.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
}

/** A random key for the keyed hash, made once per database. */
export function newHashKey(): string {
  return randomBytes(32).toString('base64url');
}

/** Hashes credentials with HMAC-SHA-256 under the server key; the store keeps only these. */
export interface Hasher {
  hash(secret: string): string;
}

export function createHasher(key: string): Hasher {
  const keyBytes = Buffer.from(key, 'utf8');
  return { hash: (secret) => createHmac('sha256', keyBytes).update(secret, 'utf8').digest('base64url') };
}

/** Compares two strings in time that depends only on their lengths (hashes have equal lengths). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** A slow password hash: `scrypt$N$r$p$salt$hash`, all parameters kept so they can change later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const derived = await scryptAsync(password, salt, 32, SCRYPT);
  return [
    'scrypt',
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64url'),
    derived.toString('base64url'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const derived = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(derived, expected);
}
