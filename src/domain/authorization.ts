import type { App, FlowVersion, User, Workspace } from '../storage/store.js';
import { issueCode } from './codes.js';
import type { Domain } from './context.js';
import { findRegisteredMatch } from './redirect-uri.js';
import { parseScopes, scopesOutsideApp } from './scopes.js';

/**
 * The authorize step (spec §4): check what a browser asks for before anything is shown, then turn
 * the person's decision into a redirect. A request that cannot be trusted (unknown app, a redirect
 * URI the app never registered) is refused on a page and never redirected anywhere.
 */

/** The authorize parameters as the browser sent them (spec §4.1). */
export interface AuthorizeParameters {
  readonly clientId?: string | undefined;
  readonly scope?: string | undefined;
  readonly userScope?: string | undefined;
  readonly redirectUri?: string | undefined;
  readonly state?: string | undefined;
  readonly team?: string | undefined;
  readonly codeChallenge?: string | undefined;
  readonly codeChallengeMethod?: string | undefined;
}

/** A checked authorize request: everything a code will be bound to, and where to send the answer. */
export interface AuthorizeRequest {
  readonly version: FlowVersion;
  readonly app: App;
  /** v1: the person's scopes; v2: the bot scopes. */
  readonly scopes: readonly string[];
  /** v2 only: the person's scopes. */
  readonly userScopes: readonly string[];
  /** The redirect_uri the request carried, or null: the code is bound to exactly this. */
  readonly requestedRedirectUri: string | null;
  /** Where the browser goes back to: the requested URI, or the app's first registered one. */
  readonly redirectTarget: string;
  readonly state: string | undefined;
  /** The workspace the request is restricted to (`team`), if any. */
  readonly workspace: Workspace | undefined;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: 'S256' | 'plain' | null;
}

/** Why an authorize request is refused; the message is shown to the person, escaped. */
export class AuthorizeRefusal extends Error {
  override readonly name = 'AuthorizeRefusal';
}

function refuse(message: string): never {
  throw new AuthorizeRefusal(message);
}

// RFC 7636 §4.2: 43 to 128 unreserved characters.
const CODE_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;

export async function checkAuthorizeRequest(
  domain: Domain,
  version: FlowVersion,
  parameters: AuthorizeParameters,
): Promise<AuthorizeRequest> {
  if (!parameters.clientId) refuse('The request names no app (client_id is missing).');
  const app = await domain.store.getAppByClientId(parameters.clientId);
  if (!app) refuse(`No app has the client id “${parameters.clientId}”.`);
  const redirectTarget = checkRedirectUri(app, parameters.redirectUri);

  const scopes = parseScopes(parameters.scope);
  const userScopes = version === 2 ? parseScopes(parameters.userScope) : [];
  if (version === 1 && scopes.length === 0) refuse('The request asks for no scope.');
  if (version === 2 && scopes.length + userScopes.length === 0) {
    refuse('The request asks for no scope and no user scope.');
  }
  const outside = scopesOutsideApp(app.scopes, [...scopes, ...userScopes]);
  if (outside.length > 0) refuse(`${app.name} may not ask for ${outside.join(', ')}.`);

  let workspace: Workspace | undefined;
  if (parameters.team) {
    workspace = await domain.store.getWorkspace(parameters.team);
    if (!workspace) refuse(`No workspace has the id “${parameters.team}”.`);
  }
  const { codeChallenge, codeChallengeMethod } = checkCodeChallenge(parameters);
  return {
    version,
    app,
    scopes,
    userScopes,
    requestedRedirectUri: parameters.redirectUri ?? null,
    redirectTarget,
    state: parameters.state,
    workspace,
    codeChallenge,
    codeChallengeMethod,
  };
}

function checkRedirectUri(app: App, requested: string | undefined): string {
  if (requested === undefined) return app.redirectUris[0] ?? refuse(`${app.name} has no redirect URI.`);
  if (!findRegisteredMatch(app.redirectUris, requested)) {
    refuse(`The redirect URI is not one that ${app.name} registered.`);
  }
  return requested;
}

function checkCodeChallenge(
  parameters: AuthorizeParameters,
): Pick<AuthorizeRequest, 'codeChallenge' | 'codeChallengeMethod'> {
  const { codeChallenge, codeChallengeMethod } = parameters;
  if (codeChallenge === undefined) {
    if (codeChallengeMethod !== undefined) refuse('code_challenge_method was sent without code_challenge.');
    return { codeChallenge: null, codeChallengeMethod: null };
  }
  if (!CODE_CHALLENGE.test(codeChallenge)) refuse('code_challenge is not a valid PKCE challenge.');
  const method = codeChallengeMethod ?? 'S256';
  if (method !== 'S256' && method !== 'plain') refuse('code_challenge_method must be S256 or plain.');
  return { codeChallenge, codeChallengeMethod: method };
}

/** True when `user` may answer this request: the request names no workspace, or the user's. */
export function canAnswer(request: AuthorizeRequest, user: User): boolean {
  return !user.isBot && (request.workspace === undefined || request.workspace.id === user.teamId);
}

/** Allow: a code bound to the whole request, and the redirect that carries it with `state`. */
export async function approve(domain: Domain, request: AuthorizeRequest, user: User): Promise<string> {
  const { code } = await issueCode(domain, {
    app: request.app,
    userId: user.id,
    scopes: request.scopes,
    userScopes: request.userScopes,
    redirectUri: request.requestedRedirectUri,
    version: request.version,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
  });
  return redirectWith(request, { code });
}

/** Cancel: `error=access_denied` and `state`, to the same place. */
export function deny(request: AuthorizeRequest): string {
  return redirectWith(request, { error: 'access_denied' });
}

// Appended by hand so that the redirect URI's own query string passes through byte for byte.
function redirectWith(request: AuthorizeRequest, result: Record<string, string>): string {
  const answer = { ...result, ...(request.state !== undefined && { state: request.state }) };
  const query = Object.entries(answer)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
  const target = request.redirectTarget;
  const separator = !target.includes('?') ? '?' : /[?&]$/.test(target) ? '' : '&';
  return `${target}${separator}${query}`;
}
