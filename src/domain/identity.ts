import { createHash } from 'node:crypto';
import type { TokenView } from '../storage/store.js';
import type { Domain } from './context.js';

/**
 * Sign in with Slack's identity (spec §5.3): `identity.basic` gives the person's name and id and the
 * workspace id; `identity.email`, `identity.avatar` and `identity.team` each add their part.
 */
export const IDENTITY_BASIC = 'identity.basic';

export const AVATAR_SIZES = [24, 32, 48, 72, 192] as const;

export interface Identity {
  readonly user: {
    readonly name: string;
    readonly id: string;
    /** With `identity.email`, when the person has an email. */
    readonly email?: string;
    /** With `identity.avatar`: an image URL per size. */
    readonly avatars?: Readonly<Record<(typeof AVATAR_SIZES)[number], string>>;
  };
  /** `name` with `identity.team`. */
  readonly team: { readonly id: string; readonly name?: string };
}

/** The identity a token with `identity.basic` may read; the caller has checked that scope. */
export async function identityOf(domain: Domain, token: TokenView): Promise<Identity> {
  const granted = (scope: string) => token.scopes.includes(scope);
  const email = granted('identity.email') ? (await domain.store.getUser(token.userId))?.email : null;
  return {
    user: {
      name: token.userName,
      id: token.userId,
      ...(email && { email }),
      ...(granted('identity.avatar') && { avatars: avatarsOf(token.userId) }),
    },
    team: { id: token.teamId, ...(granted('identity.team') && { name: token.teamName }) },
  };
}

/**
 * Latchkey keeps no pictures. Slack's own default avatars are Gravatar URLs with a generated fallback;
 * these are the same kind, keyed by a hash of the user id (not the email, which `identity.avatar`
 * alone must not reveal), so that each person has a stable picture of each size.
 */
function avatarsOf(userId: string): Record<(typeof AVATAR_SIZES)[number], string> {
  const key = createHash('sha256').update(userId).digest('hex');
  const url = (size: number) => `https://secure.gravatar.com/avatar/${key}?s=${size}&d=identicon`;
  return { 24: url(24), 32: url(32), 48: url(48), 72: url(72), 192: url(192) };
}
