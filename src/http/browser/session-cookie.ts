import type { IncomingMessage } from 'node:http';
import { parse, serialize } from 'cookie';

/** The sign-in cookie (spec §4.3): HttpOnly, SameSite=Lax, Secure when the server is reached over https. */
const COOKIE_NAME = 'latchkey_session';

export function sessionCookieOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  return header ? parse(header)[COOKIE_NAME] : undefined;
}

export function setSessionCookie(value: string, expiresAt: number, secure: boolean): string {
  return serialize(COOKIE_NAME, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(secure: boolean): string {
  return serialize(COOKIE_NAME, '', { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 0 });
}
