import type { NewTokenPair, TokenKind } from '../storage/store.js';
import type { Domain } from './context.js';
import { newToken } from './secrets.js';

/**
 * Access tokens as an app gets them (spec §5.4): long-lived `xoxp-`/`xoxb-` without token rotation;
 * with it, `xoxe.xoxp-1-`/`xoxe.xoxb-1-` that expire after the operator's token expiry, each with a
 * single-use `xoxe-1-` refresh token beside it.
 */
export interface MintedToken {
  readonly value: string;
  readonly hash: string;
  /** Milliseconds since the epoch; null for a long-lived token. */
  readonly expiresAt: number | null;
  /** Token rotation only. */
  readonly refresh?: { readonly value: string; readonly hash: string };
}

export function mintAccessToken(domain: Domain, kind: TokenKind, rotating: boolean): MintedToken {
  if (!rotating) {
    const value = newToken(kind === 'bot' ? 'xoxb' : 'xoxp');
    return { value, hash: domain.hasher.hash(value), expiresAt: null };
  }
  return mintRotatingToken(domain, kind);
}

/** A rotating access token and its refresh token. */
export function mintRotatingToken(
  domain: Domain,
  kind: TokenKind,
): MintedToken & { readonly expiresAt: number; readonly refresh: { value: string; hash: string } } {
  const value = newToken(kind === 'bot' ? 'xoxe.xoxb-1' : 'xoxe.xoxp-1');
  const refresh = newToken('xoxe-1');
  return {
    value,
    hash: domain.hasher.hash(value),
    expiresAt: domain.clock.now() + domain.settings.tokenExpirySeconds * 1000,
    refresh: { value: refresh, hash: domain.hasher.hash(refresh) },
  };
}

/** The store's view of a freshly minted rotating pair. */
export function pairOf(minted: ReturnType<typeof mintRotatingToken>): NewTokenPair {
  return {
    accessTokenHash: minted.hash,
    refreshTokenHash: minted.refresh.hash,
    expiresAt: minted.expiresAt,
  };
}
