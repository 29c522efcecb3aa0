import { joinList, splitList } from './lists.js';
import type { App, Code, RefreshToken, TokenView, User } from './store.js';

/**
 * Rows as both databases return them (each store aliases its columns to these camelCase names),
 * and the converters between them and the port's shapes: lists and flags are stored the same way
 * in SQLite and PostgreSQL, so one set of converters serves both.
 */

export interface UserRow {
  id: string;
  teamId: string;
  name: string;
  email: string | null;
  passwordHash: string | null;
  isBot: number;
}
export interface AppRow {
  id: string;
  name: string;
  clientId: string;
  clientSecretHash: string;
  redirectUris: string;
  scopes: string | null;
  tokenRotation: number;
}
export interface CodeRow {
  hash: string;
  appId: string;
  teamId: string;
  userId: string;
  scopes: string;
  userScopes: string;
  redirectUri: string | null;
  version: number;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  expiresAt: number;
  usedAt: number | null;
}
export interface RefreshTokenRow {
  hash: string;
  kind: string;
  appId: string;
  teamId: string;
  userId: string;
  scopes: string;
  familyId: string;
  originTokenHash: string | null;
  usedAt: number | null;
  revokedAt: number | null;
}
export interface TokenRow {
  kind: string;
  appId: string;
  teamId: string;
  userId: string;
  scopes: string;
  familyId: string;
  revokedAt: number | null;
}
export interface TokenViewRow {
  hash: string;
  kind: string;
  appId: string;
  teamId: string;
  userId: string;
  scopes: string;
  codeHash: string | null;
  familyId: string;
  expiresAt: number | null;
  revokedAt: number | null;
  teamName: string;
  teamDomain: string;
  userName: string;
  botId: string | null;
}

export function toUser(row: UserRow | undefined): User | undefined {
  return row && { ...row, isBot: row.isBot === 1 };
}

export function appRow(app: App) {
  return {
    ...app,
    redirectUris: JSON.stringify(app.redirectUris),
    scopes: app.scopes ? joinList(app.scopes) : null,
    tokenRotation: app.tokenRotation ? 1 : 0,
  };
}

export function toApp(row: AppRow | undefined): App | undefined {
  return (
    row && {
      ...row,
      redirectUris: JSON.parse(row.redirectUris) as string[],
      scopes: row.scopes === null ? null : splitList(row.scopes),
      tokenRotation: row.tokenRotation === 1,
    }
  );
}

export function codeRow(code: Code) {
  return {
    ...code,
    scopes: joinList(code.scopes),
    userScopes: joinList(code.userScopes),
    createdAt: Date.now(),
  };
}

export function toCode(row: CodeRow | undefined): Code | undefined {
  return (
    row && {
      ...row,
      scopes: splitList(row.scopes),
      userScopes: splitList(row.userScopes),
      version: row.version === 2 ? 2 : 1,
      codeChallengeMethod: row.codeChallengeMethod as Code['codeChallengeMethod'],
    }
  );
}

export function toRefreshToken(row: RefreshTokenRow | undefined): RefreshToken | undefined {
  return row && { ...row, kind: row.kind === 'bot' ? 'bot' : 'user', scopes: splitList(row.scopes) };
}

export function toTokenView(row: TokenViewRow | undefined): TokenView | undefined {
  return row && { ...row, kind: row.kind === 'bot' ? 'bot' : 'user', scopes: splitList(row.scopes) };
}
