import type { App } from '../storage/store.js';
import type { Domain } from './context.js';
import { invalidInput } from './invalid-input.js';
import { registrationProblem } from './redirect-uri.js';
import { isScopeName } from './scopes.js';
import { newClientId, newClientSecret, newId } from './secrets.js';

export interface AppInput {
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly scopes?: readonly string[] | null | undefined;
  readonly tokenRotation?: boolean | undefined;
}

/** A new app and its client secret, which exists in clear only in this answer. */
export async function createApp(
  domain: Domain,
  input: AppInput,
): Promise<{ app: App; clientSecret: string }> {
  const clientSecret = newClientSecret();
  const app: App = {
    id: newId('A'),
    clientId: newClientId(),
    clientSecretHash: domain.hasher.hash(clientSecret),
    ...checkedFields(input),
  };
  await domain.store.createApp(app);
  return { app, clientSecret };
}

/** Changes an app's settings; fields left undefined keep their value. */
export async function updateApp(domain: Domain, clientId: string, changes: Partial<AppInput>): Promise<App> {
  const app = await requireApp(domain, clientId);
  const updated: App = {
    ...app,
    ...checkedFields({
      name: changes.name ?? app.name,
      redirectUris: changes.redirectUris ?? app.redirectUris,
      scopes: changes.scopes === undefined ? app.scopes : changes.scopes,
      tokenRotation: changes.tokenRotation ?? app.tokenRotation,
    }),
  };
  await domain.store.updateApp(updated);
  return updated;
}

/** Replaces the client secret; the old one stops working at once. */
export async function rotateClientSecret(
  domain: Domain,
  clientId: string,
): Promise<{ app: App; clientSecret: string }> {
  const app = await requireApp(domain, clientId);
  const clientSecret = newClientSecret();
  const updated: App = { ...app, clientSecretHash: domain.hasher.hash(clientSecret) };
  await domain.store.updateApp(updated);
  return { app: updated, clientSecret };
}

export async function requireApp(domain: Domain, clientId: string): Promise<App> {
  const app = await domain.store.getAppByClientId(clientId);
  if (!app) invalidInput('clientId', `an existing client id ('${clientId}' is unknown)`);
  return app;
}

function checkedFields(input: AppInput): Omit<App, 'id' | 'clientId' | 'clientSecretHash'> {
  const name = input.name.trim();
  if (!name) invalidInput('name', 'a non-empty app name');
  if (input.redirectUris.length === 0) invalidInput('redirectUris', 'at least one redirect URI');
  for (const uri of input.redirectUris) {
    const problem = registrationProblem(uri);
    if (problem) invalidInput('redirectUris', `${problem} ('${uri}' is not)`);
  }
  const scopes = input.scopes ?? null;
  const badScope = scopes?.find((scope) => !isScopeName(scope));
  if (badScope !== undefined) invalidInput('scopes', `scope names such as chat:write ('${badScope}' is not)`);
  return {
    name,
    redirectUris: [...new Set(input.redirectUris)],
    scopes: scopes && scopes.length > 0 ? [...new Set(scopes)] : null,
    tokenRotation: input.tokenRotation ?? false,
  };
}
