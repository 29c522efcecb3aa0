import { createApp, requireApp, rotateClientSecret, updateApp } from '../domain/apps.js';
import { issueCode } from '../domain/codes.js';
import { revokeTokenByValue } from '../domain/tokens.js';
import { createUser } from '../domain/users.js';
import { createWorkspace } from '../domain/workspaces.js';
import type { App } from '../storage/store.js';
import { type CliIo, databaseOf, printResult, withDomain } from './io.js';
import { list, parseFlags, required, usageError, wholeNumber } from './usage.js';

/**
 * The admin commands of spec §9. Each parses its flags, calls the same domain function the HTTP
 * layer calls, and prints one result. The domain validates before it writes, so refused input
 * leaves the database as it was.
 */
export interface Command {
  /** Flag of each domain input field, for naming the flag when the domain refuses a value. */
  readonly flagOf: Readonly<Record<string, string>>;
  run(args: readonly string[], io: CliIo): Promise<void>;
}

export const workspacesCreate: Command = {
  flagOf: { name: 'name', domain: 'domain' },
  async run(args, io) {
    const flags = parseFlags(args, { name: { type: 'string' }, domain: { type: 'string' } });
    const name = required(flags.name, 'name', 'a workspace name');
    const domainName = required(flags.domain, 'domain', 'a workspace domain such as acme');
    const workspace = await withDomain(databaseOf(flags.database, io.env), io.env, (domain) =>
      createWorkspace(domain, { name, domain: domainName }),
    );
    printResult(
      io,
      flags.json,
      { team_id: workspace.id, name: workspace.name, domain: workspace.domain },
      `Created workspace ${workspace.id} (${workspace.name}, ${workspace.domain}).`,
    );
  },
};

export const usersCreate: Command = {
  flagOf: { teamId: 'team', name: 'name', email: 'email', password: 'password' },
  async run(args, io) {
    const flags = parseFlags(args, {
      team: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
    });
    const teamId = required(flags.team, 'team', 'a workspace id such as T0123456789');
    const name = required(flags.name, 'name', 'a user name');
    const user = await withDomain(databaseOf(flags.database, io.env), io.env, (domain) =>
      createUser(domain, { teamId, name, email: flags.email, password: flags.password }),
    );
    printResult(
      io,
      flags.json,
      { user_id: user.id, team_id: user.teamId, name: user.name },
      `Created user ${user.id} (${user.name}) in ${user.teamId}.`,
    );
  },
};

const appFlags = {
  name: { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  scopes: { type: 'string' },
  'token-rotation': { type: 'boolean' },
} as const;

const appFlagOf = { name: 'name', redirectUris: 'redirect-uri', scopes: 'scopes', clientId: 'client-id' };

export const appsCreate: Command = {
  flagOf: appFlagOf,
  async run(args, io) {
    const flags = parseFlags(args, appFlags);
    const name = required(flags.name, 'name', 'an app name');
    const redirectUris = flags['redirect-uri'] ?? usageError('redirect-uri', 'at least one redirect URI');
    const { app, clientSecret } = await withDomain(databaseOf(flags.database, io.env), io.env, (domain) =>
      createApp(domain, {
        name,
        redirectUris,
        scopes: flags.scopes === undefined ? null : list(flags.scopes),
        tokenRotation: flags['token-rotation'] ?? false,
      }),
    );
    printResult(
      io,
      flags.json,
      {
        app_id: app.id,
        client_id: app.clientId,
        client_secret: clientSecret,
        redirect_uris: app.redirectUris,
      },
      [
        `Created app ${app.id} (${app.name}).`,
        `  client_id:     ${app.clientId}`,
        `  client_secret: ${clientSecret}   (shown once; store it now)`,
        `  redirect_uris: ${app.redirectUris.join(' ')}`,
      ].join('\n'),
    );
  },
};

export const appsList: Command = {
  flagOf: {},
  async run(args, io) {
    const flags = parseFlags(args, {});
    const apps = await withDomain(databaseOf(flags.database, io.env), io.env, (domain) =>
      domain.store.listApps(),
    );
    printResult(
      io,
      flags.json,
      { apps: apps.map(describeApp) },
      apps.length === 0
        ? 'No apps.'
        : apps
            .map((app) => `${app.id}  ${app.clientId}  ${app.name}  ${app.redirectUris.join(' ')}`)
            .join('\n'),
    );
  },
};

export const appsUpdate: Command = {
  flagOf: appFlagOf,
  async run(args, io) {
    const flags = parseFlags(args, {
      ...appFlags,
      'client-id': { type: 'string' },
      'no-token-rotation': { type: 'boolean' },
    });
    const clientId = required(flags['client-id'], 'client-id', 'the client id of an app');
    if (flags['token-rotation'] && flags['no-token-rotation']) {
      usageError('token-rotation', 'either --token-rotation or --no-token-rotation, not both');
    }
    const tokenRotation = flags['token-rotation'] ? true : flags['no-token-rotation'] ? false : undefined;
    const app = await withDomain(databaseOf(flags.database, io.env), io.env, (domain) =>
      updateApp(domain, clientId, {
        ...(flags.name !== undefined && { name: flags.name }),
        ...(flags['redirect-uri'] !== undefined && { redirectUris: flags['redirect-uri'] }),
        ...(flags.scopes !== undefined && { scopes: list(flags.scopes) }),
        ...(tokenRotation !== undefined && { tokenRotation }),
      }),
    );
    printResult(io, flags.json, describeApp(app), `Updated app ${app.id} (${app.name}).`);
  },
};

export const appsRotateSecret: Command = {
  flagOf: appFlagOf,
  async run(args, io) {
    const flags = parseFlags(args, { 'client-id': { type: 'string' } });
    const clientId = required(flags['client-id'], 'client-id', 'the client id of an app');
    const { app, clientSecret } = await withDomain(databaseOf(flags.database, io.env), io.env, (domain) =>
      rotateClientSecret(domain, clientId),
    );
    printResult(
      io,
      flags.json,
      { app_id: app.id, client_id: app.clientId, client_secret: clientSecret },
      `New client_secret for ${app.clientId}: ${clientSecret}   (shown once; the old one no longer works)`,
    );
  },
};

export const codesMint: Command = {
  flagOf: {
    clientId: 'client-id',
    userId: 'user',
    scopes: 'scopes',
    redirectUri: 'redirect-uri',
    ttlSeconds: 'ttl',
  },
  async run(args, io) {
    const flags = parseFlags(args, {
      'client-id': { type: 'string' },
      user: { type: 'string' },
      scopes: { type: 'string' },
      'user-scopes': { type: 'string' },
      'redirect-uri': { type: 'string' },
      v2: { type: 'boolean' },
      ttl: { type: 'string' },
      count: { type: 'string' },
    });
    const clientId = required(flags['client-id'], 'client-id', 'the client id of an app');
    const userId = required(flags.user, 'user', 'a user id such as U0123456789');
    const version = flags.v2 ? 2 : 1;
    if (version === 1 && flags['user-scopes'] !== undefined)
      usageError('user-scopes', 'to be used with --v2 only');
    const scopes = list(flags.scopes);
    if (version === 1 && scopes.length === 0) usageError('scopes', 'a comma-separated list of scopes');
    const ttlSeconds = flags.ttl === undefined ? undefined : wholeNumber(flags.ttl, 'ttl', 1, 86400);
    const count = flags.count === undefined ? undefined : wholeNumber(flags.count, 'count', 1, 100000);
    const minted = await withDomain(databaseOf(flags.database, io.env), io.env, async (domain) => {
      const app = await requireApp(domain, clientId);
      const approval = {
        app,
        userId,
        scopes,
        userScopes: list(flags['user-scopes']),
        redirectUri: flags['redirect-uri'] ?? null,
        version,
        ...(ttlSeconds !== undefined && { ttlSeconds }),
      } as const;
      // Minted in batches so that group commit writes each batch in one transaction.
      const codes = [];
      for (let left = count ?? 1; left > 0; left -= MINT_BATCH) {
        const batch = Array.from({ length: Math.min(left, MINT_BATCH) }, () => issueCode(domain, approval));
        codes.push(...(await Promise.all(batch)));
      }
      return codes;
    });
    const expiresIn = minted[0]?.expiresIn ?? 0;
    const result =
      count === undefined
        ? { code: minted[0]?.code, expires_in: expiresIn }
        : { codes: minted.map((issued) => issued.code), expires_in: expiresIn };
    printResult(
      io,
      flags.json,
      result,
      `${minted.map((issued) => issued.code).join('\n')}\n(expires in ${expiresIn} s)`,
    );
  },
};

const MINT_BATCH = 1000;

export const tokensRevoke: Command = {
  flagOf: {},
  async run(args, io) {
    const flags = parseFlags(args, { token: { type: 'string' } });
    const token = required(flags.token, 'token', 'an access token (xoxp-…, xoxb-…)');
    const revoked = await withDomain(databaseOf(flags.database, io.env), io.env, (domain) =>
      revokeTokenByValue(domain, token),
    );
    if (!revoked) usageError('token', 'a token this server issued (this one is unknown)');
    printResult(io, flags.json, { revoked: true }, 'Token revoked.');
  },
};

function describeApp(app: App) {
  return {
    app_id: app.id,
    name: app.name,
    client_id: app.clientId,
    redirect_uris: app.redirectUris,
    scopes: app.scopes,
    token_rotation: app.tokenRotation,
  };
}
