import type { User } from '../storage/store.js';
import type { Domain } from './context.js';
import { constantTimeEqual, hashPassword, newSessionToken, verifyPassword } from './secrets.js';

/**
 * Sign-in and browser sessions (spec §4.3). A session is a random cookie value; the store keeps only
 * its keyed hash, so any process sharing the database can serve the next page. The consent form's
 * CSRF token is derived from the cookie value, so it needs no storage and dies with the session.
 */

const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface SignedInSession {
  /** The cookie value, in clear only in the Set-Cookie header. */
  readonly cookieValue: string;
  readonly user: User;
  readonly expiresAt: number;
}

/**
 * The person with this email and password, in `teamId` when given. Without a matching account the
 * password is still hashed once, so that the answer time does not tell which emails exist.
 */
export async function checkPassword(
  domain: Domain,
  credentials: { email: string; password: string; teamId?: string | undefined },
): Promise<User | undefined> {
  const candidates = (await domain.store.listUsersByEmail(credentials.email)).filter(
    (user) =>
      user.passwordHash !== null && (credentials.teamId === undefined || user.teamId === credentials.teamId),
  );
  if (candidates.length === 0) {
    await verifyPassword(credentials.password, await decoyHash());
    return undefined;
  }
  for (const user of candidates) {
    if (await verifyPassword(credentials.password, user.passwordHash as string)) return user;
  }
  return undefined;
}

let decoy: Promise<string> | undefined;
function decoyHash(): Promise<string> {
  decoy ??= hashPassword('decoy password, never a real one');
  return decoy;
}

export async function startSession(domain: Domain, user: User): Promise<SignedInSession> {
  const cookieValue = newSessionToken();
  const expiresAt = domain.clock.now() + SESSION_TTL_MS;
  await domain.store.createSession({ hash: domain.hasher.hash(cookieValue), userId: user.id, expiresAt });
  return { cookieValue, user, expiresAt };
}

/** The person signed in with this cookie value, or undefined when it is unknown or expired. */
export async function resumeSession(
  domain: Domain,
  cookieValue: string | undefined,
): Promise<User | undefined> {
  if (!cookieValue) return undefined;
  const session = await domain.store.findSession(domain.hasher.hash(cookieValue));
  if (!session || session.expiresAt <= domain.clock.now()) return undefined;
  return domain.store.getUser(session.userId);
}

export async function endSession(domain: Domain, cookieValue: string | undefined): Promise<void> {
  if (cookieValue) await domain.store.deleteSession(domain.hasher.hash(cookieValue));
}

/** The CSRF token of the forms shown to this session. */
export function csrfTokenOf(domain: Domain, cookieValue: string): string {
  return domain.hasher.hash(`csrf:${cookieValue}`);
}

export function isValidCsrfToken(
  domain: Domain,
  cookieValue: string,
  presented: string | undefined,
): boolean {
  return presented !== undefined && constantTimeEqual(csrfTokenOf(domain, cookieValue), presented);
}
