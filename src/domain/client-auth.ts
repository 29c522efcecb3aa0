import { fail } from '../errors.js';
import type { App } from '../storage/store.js';
import type { Domain } from './context.js';
import { constantTimeEqual } from './secrets.js';

/**
 * The client's credentials as they arrived (spec §2). `basic` is set when an Authorization: Basic
 * header was present: `malformed` when it could not be decoded.
 */
export interface ClientCredentials {
  readonly basic?: { readonly clientId: string; readonly clientSecret: string } | 'malformed';
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
}

/** The app whose credentials these are; `invalid_client_id` or `bad_client_secret` otherwise. */
export async function authenticateClient(domain: Domain, credentials: ClientCredentials): Promise<App> {
  const { clientId, clientSecret, secretsDiffer } = resolveCredentials(credentials);
  if (!clientId) fail('invalid_client_id', 'no client id');
  const app = await domain.store.getAppByClientId(clientId);
  if (!app) fail('invalid_client_id', `no app with client id '${clientId}'`);
  if (secretsDiffer) fail('bad_client_secret', 'Basic and body client secrets differ');
  if (!clientSecret) fail('bad_client_secret', 'no client secret');
  if (!constantTimeEqual(domain.hasher.hash(clientSecret), app.clientSecretHash)) {
    fail('bad_client_secret', `wrong secret for client id '${clientId}'`);
  }
  return app;
}

/** The client id the request claims, for limiting failures per client before it is verified. */
export function claimedClientId(credentials: ClientCredentials): string | undefined {
  if (credentials.basic && credentials.basic !== 'malformed') return credentials.basic.clientId;
  return credentials.clientId;
}

interface ResolvedCredentials {
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  /** Basic and body both carried a secret and they differ: refused once the app is known. */
  readonly secretsDiffer: boolean;
}

function resolveCredentials(credentials: ClientCredentials): ResolvedCredentials {
  const { basic } = credentials;
  if (basic === 'malformed') fail('invalid_client_id', 'undecodable Basic authorization');
  if (!basic) {
    return { clientId: credentials.clientId, clientSecret: credentials.clientSecret, secretsDiffer: false };
  }
  if (credentials.clientId !== undefined && credentials.clientId !== basic.clientId) {
    fail('invalid_client_id', 'Basic and body client ids differ');
  }
  const secretsDiffer =
    credentials.clientSecret !== undefined &&
    !constantTimeEqual(credentials.clientSecret, basic.clientSecret);
  return { clientId: basic.clientId, clientSecret: basic.clientSecret, secretsDiffer };
}
