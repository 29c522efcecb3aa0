import { issueCode } from '../../src/domain/codes.js';
import type { Domain } from '../../src/domain/context.js';
import { type Fixture, postForm } from './server.js';

/** A v2 code for the fixture's user, as `latchkey codes mint --v2` makes it. */
export async function mintV2Code(
  domain: Domain,
  fixture: Fixture,
  options: {
    botScopes?: string[];
    userScopes?: string[];
    redirectUri?: string | null;
    codeChallenge?: string;
  } = {},
): Promise<string> {
  const { code } = await issueCode(domain, {
    app: fixture.app,
    userId: fixture.user.id,
    scopes: options.botScopes ?? ['chat:write', 'channels:read'],
    userScopes: options.userScopes ?? [],
    redirectUri: options.redirectUri ?? null,
    version: 2,
    ...(options.codeChallenge !== undefined && { codeChallenge: options.codeChallenge }),
  });
  return code;
}

/** The fixture's client credentials as body arguments, with `extra`. */
export function credentialsOf(fixture: Fixture, extra: Record<string, string> = {}): Record<string, string> {
  return { client_id: fixture.app.clientId, client_secret: fixture.clientSecret, ...extra };
}

export function basicAuth(id: string, secret: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` };
}

/** A call to an /api/ method with the token as Bearer. */
export function callWith(baseUrl: string, method: string, token: string, form: Record<string, string> = {}) {
  return postForm(`${baseUrl}/api/${method}`, form, { authorization: `Bearer ${token}` });
}

export const BOT_TOKEN = /^xoxb-\d{11}-\d{13}-[0-9a-f]{64}$/;
export const USER_TOKEN = /^xoxp-\d{11}-\d{13}-[0-9a-f]{64}$/;
export const ROTATING_BOT_TOKEN = /^xoxe\.xoxb-1-\d{11}-\d{13}-[0-9a-f]{64}$/;
export const ROTATING_USER_TOKEN = /^xoxe\.xoxp-1-\d{11}-\d{13}-[0-9a-f]{64}$/;
export const REFRESH_TOKEN = /^xoxe-1-\d{11}-\d{13}-[0-9a-f]{64}$/;
