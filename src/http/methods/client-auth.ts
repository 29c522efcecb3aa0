import type { ClientCredentials } from '../../domain/client-auth.js';
import { ApiError } from '../../errors.js';
import type { MethodContext } from './method.js';

/**
 * The client credentials of a token request (spec §2): HTTP Basic, whose id and secret are
 * form-urlencoded before base64 (RFC 6749 §2.3.1), and the `client_id`/`client_secret` arguments.
 */
export function clientCredentials(context: MethodContext): ClientCredentials {
  const basic = parseBasic(context.headers.authorization);
  return {
    ...(basic !== undefined && { basic }),
    clientId: context.args.client_id,
    clientSecret: context.args.client_secret,
  };
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parseBasic(header: string | undefined): ClientCredentials['basic'] {
  if (header === undefined) return undefined;
  const [scheme, encoded = ''] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() !== 'basic') return undefined;
  if (!BASE64.test(encoded)) return 'malformed';
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    return {
      clientId: formDecode(decoded.slice(0, colon)),
      clientSecret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    return 'malformed';
  }
}

function formDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

const CLIENT_AUTH_FAILURES = new Set(['invalid_client_id', 'bad_client_secret']);

/**
 * Runs a token request under the client-authentication limit: refused while the client id or the
 * source address is locked out, and a failed authentication counts against both.
 */
export async function withClientAuthLimit<T>(
  context: MethodContext,
  clientId: string | undefined,
  run: () => Promise<T>,
): Promise<T> {
  const keys = [`addr:${context.remoteAddress}`, ...(clientId ? [`client:${clientId}`] : [])];
  await context.clientAuthLimiter.check(keys);
  try {
    return await run();
  } catch (error) {
    if (error instanceof ApiError && CLIENT_AUTH_FAILURES.has(error.code)) {
      await context.clientAuthLimiter.recordFailure(keys);
    }
    throw error;
  }
}
