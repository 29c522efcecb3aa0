import { fail } from '../errors.js';
import type { TokenView } from '../storage/store.js';
import type { Domain } from './context.js';

/*
 * Tokens presented to protected methods (spec §1.5): which token it is, whether it still works, and
 * whether it carries the scope a method needs.
 */

/** The record of a token given in clear, whatever its state. */
export function findToken(domain: Domain, token: string): Promise<TokenView | undefined> {
  return domain.store.findToken(domain.hasher.hash(token));
}

/** The token, if it still works: `invalid_auth` when unknown, `token_revoked`, `token_expired`. */
export function checkToken(domain: Domain, record: TokenView | undefined): TokenView {
  if (!record) fail('invalid_auth', 'unknown token');
  if (record.revokedAt !== null) fail('token_revoked', `revoked token of ${record.appId}`);
  if (record.expiresAt !== null && record.expiresAt <= domain.clock.now()) {
    fail('token_expired', `expired token of ${record.appId}`);
  }
  return record;
}

/** `missing_scope` unless the token carries one of the accepted scopes. */
export function requireScope(token: TokenView, accepted: readonly string[]): void {
  if (accepted.some((scope) => token.scopes.includes(scope))) return;
  fail('missing_scope', `token lacks ${accepted.join(' or ')}`, {
    needed: accepted.join(','),
    provided: token.scopes.join(','),
  });
}

/** Revokes the token; it answers `token_revoked` from now on. */
export async function revokeToken(domain: Domain, token: TokenView): Promise<void> {
  await domain.store.revokeToken(token.hash, domain.clock.now());
}

/** Revokes a token given in clear (the CLI's `tokens revoke`); false when it is unknown. */
export async function revokeTokenByValue(domain: Domain, token: string): Promise<boolean> {
  const record = await findToken(domain, token);
  if (!record) return false;
  await domain.store.revokeToken(record.hash, domain.clock.now());
  return true;
}
