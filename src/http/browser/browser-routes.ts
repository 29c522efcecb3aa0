import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import {
  type AuthorizeParameters,
  AuthorizeRefusal,
  type AuthorizeRequest,
  approve,
  canAnswer,
  checkAuthorizeRequest,
  deny,
} from '../../domain/authorization.js';
import type { Domain } from '../../domain/context.js';
import { InvalidInputError } from '../../domain/invalid-input.js';
import {
  checkPassword,
  csrfTokenOf,
  endSession,
  isValidCsrfToken,
  resumeSession,
  startSession,
} from '../../domain/sessions.js';
import { RateLimitedError, StoreUnavailableError } from '../../errors.js';
import type { FlowVersion, User } from '../../storage/store.js';
import type { ClientAuthLimiter } from '../abuse/client-auth-limiter.js';
import { sourceAddress } from '../abuse/source-address.js';
import { consentPage } from '../pages/consent-page.js';
import { messagePage } from '../pages/message-page.js';
import { signInPage } from '../pages/sign-in-page.js';
import type { BodyLimits } from '../web-api/read-body.js';
import { type Fields, parseQuery, readForm } from './form.js';
import { redirect, sendPage } from './respond.js';
import { clearSessionCookie, sessionCookieOf, setSessionCookie } from './session-cookie.js';

export interface BrowserDeps {
  readonly domain: Domain;
  readonly log: Logger;
  readonly bodyLimits: BodyLimits;
  /** Failed sign-ins, limited per account and per source address. */
  readonly signInLimiter: ClientAuthLimiter;
  /** Mark cookies Secure: the server is reached over https. */
  readonly secureCookies: boolean;
  /** Take the source address from X-Forwarded-For (`--trust-proxy`). */
  readonly trustProxy: boolean;
  /** `--insecure-auto-approve`: the person to approve every request as, without sign-in or consent. */
  readonly autoApproveUserId: () => string | undefined;
}

const AUTHORIZE_PATHS: Readonly<Record<string, FlowVersion>> = {
  '/oauth/authorize': 1,
  '/oauth/v2/authorize': 2,
};

/** Only an authorize request of this server may follow a sign-in: never an open redirect. */
const NEXT = /^\/oauth\/(v2\/)?authorize\?[^\s#\\]*$/;

/** The pages of the authorize step (spec §4): sign-in, consent, the decision, sign-out. */
export function createBrowserRoutes(deps: BrowserDeps) {
  const { domain } = deps;

  async function showAuthorize(req: IncomingMessage, res: ServerResponse, path: string, rawQuery: string) {
    const request = await requestFrom(path, parseQuery(rawQuery));
    const autoApproveUserId = deps.autoApproveUserId();
    if (autoApproveUserId !== undefined) {
      const user = await domain.store.getUser(autoApproveUserId);
      if (!user || !canAnswer(request, user)) {
        throw new AuthorizeRefusal('The auto-approved user cannot answer this request.');
      }
      return redirect(res, 302, await approve(domain, request, user));
    }
    const cookieValue = sessionCookieOf(req);
    const user = await resumeSession(domain, cookieValue);
    const next = `${path}?${rawQuery}`;
    if (!user || !cookieValue || !canAnswer(request, user)) {
      return sendPage(res, 200, signInPage(signInView(request, next)));
    }
    return sendPage(res, 200, await consentView(request, user, cookieValue, path, next));
  }

  async function decide(req: IncomingMessage, res: ServerResponse, path: string) {
    const form = await readForm(req, deps.bodyLimits);
    const cookieValue = sessionCookieOf(req);
    const user = await resumeSession(domain, cookieValue);
    if (!form || !user || !cookieValue || !isValidCsrfToken(domain, cookieValue, form.get('csrf_token'))) {
      return forbidden(res);
    }
    const request = await requestFrom(path, form);
    if (!canAnswer(request, user)) return forbidden(res);
    const decision = form.get('decision');
    if (decision === 'allow') return redirect(res, 303, await approve(domain, request, user));
    if (decision === 'cancel') return redirect(res, 303, deny(request));
    throw new AuthorizeRefusal('The form carried no decision.');
  }

  async function signIn(req: IncomingMessage, res: ServerResponse) {
    // The sign-in form has no session to bind a CSRF token to yet; a browser's Origin header tells
    // whether another site posted it (login CSRF: signing the victim in as the attacker).
    if (!isSameOrigin(req, deps.trustProxy)) return forbidden(res);
    const form = await readForm(req, deps.bodyLimits);
    const next = form?.get('next');
    if (!form || !next || !NEXT.test(next)) throw new AuthorizeRefusal('The sign-in form is incomplete.');
    const queryStart = next.indexOf('?');
    const request = await requestFrom(next.slice(0, queryStart), parseQuery(next.slice(queryStart + 1)));
    const email = form.get('email') ?? '';
    const address = sourceAddress(req, deps.trustProxy);
    const keys = [`signin-account:${email.toLowerCase()}`, `signin-address:${address}`];
    try {
      await deps.signInLimiter.check(keys);
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      const problem = `Too many failed sign-ins. Try again in ${error.retryAfterSeconds} seconds.`;
      return sendPage(res, 429, signInPage({ ...signInView(request, next), email, problem }), {
        'retry-after': String(error.retryAfterSeconds),
      });
    }
    const user = await checkPassword(domain, {
      email,
      password: form.get('password') ?? '',
      teamId: request.workspace?.id,
    });
    if (!user) {
      await deps.signInLimiter.recordFailure(keys);
      const problem = 'That email and password do not match an account in this workspace.';
      return sendPage(res, 401, signInPage({ ...signInView(request, next), email, problem }));
    }
    const session = await startSession(domain, user);
    redirect(res, 303, next, {
      'set-cookie': setSessionCookie(session.cookieValue, session.expiresAt, deps.secureCookies),
    });
  }

  async function signOut(req: IncomingMessage, res: ServerResponse) {
    const form = await readForm(req, deps.bodyLimits);
    const cookieValue = sessionCookieOf(req);
    if (!form || !cookieValue || !isValidCsrfToken(domain, cookieValue, form.get('csrf_token'))) {
      return forbidden(res);
    }
    await endSession(domain, cookieValue);
    const next = form.get('next');
    const cleared = { 'set-cookie': clearSessionCookie(deps.secureCookies) };
    if (next && NEXT.test(next)) return redirect(res, 303, next, cleared);
    sendPage(res, 200, messagePage('Signed out', 'You have signed out.'), cleared);
  }

  /** The request an authorize path (`/oauth/authorize` or `/oauth/v2/authorize`) was sent with. */
  async function requestFrom(path: string, fields: Fields | undefined): Promise<AuthorizeRequest> {
    const version = AUTHORIZE_PATHS[path];
    if (!fields || version === undefined) throw new AuthorizeRefusal('The request is malformed.');
    return checkAuthorizeRequest(domain, version, authorizeParameters(fields));
  }

  async function consentView(
    request: AuthorizeRequest,
    user: User,
    cookieValue: string,
    path: string,
    next: string,
  ) {
    const workspace = await domain.store.getWorkspace(user.teamId);
    return consentPage({
      action: path,
      parameters: formParameters(request),
      csrfToken: csrfTokenOf(domain, cookieValue),
      appName: request.app.name,
      workspaceName: workspace?.name ?? user.teamId,
      workspaceDomain: workspace?.domain ?? '',
      userName: user.name,
      scopes: request.scopes,
      userScopes: request.userScopes,
      version: request.version,
      next,
    });
  }

  /** Answers a page route; false when the path is not one of the authorize step's. */
  return async function route(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    rawQuery: string,
  ): Promise<boolean> {
    const isAuthorize = path in AUTHORIZE_PATHS;
    if (!isAuthorize && path !== '/oauth/signin' && path !== '/oauth/signout') return false;
    try {
      if (isAuthorize && req.method === 'GET') await showAuthorize(req, res, path, rawQuery);
      else if (req.method !== 'POST') methodNotAllowed(res, isAuthorize ? 'GET, POST' : 'POST');
      else if (isAuthorize) await decide(req, res, path);
      else if (path === '/oauth/signin') await signIn(req, res);
      else await signOut(req, res);
    } catch (error) {
      answerFailure(res, error, deps.log);
    }
    return true;
  };
}

function authorizeParameters(fields: Fields): AuthorizeParameters {
  return {
    clientId: fields.get('client_id'),
    scope: fields.get('scope'),
    userScope: fields.get('user_scope'),
    redirectUri: fields.get('redirect_uri'),
    state: fields.get('state'),
    team: fields.get('team'),
    codeChallenge: fields.get('code_challenge'),
    codeChallengeMethod: fields.get('code_challenge_method'),
  };
}

/** The request's parameters as the consent form carries them back, in Slack's names. */
function formParameters(request: AuthorizeRequest): Record<string, string | undefined> {
  return {
    client_id: request.app.clientId,
    scope: request.scopes.join(',') || undefined,
    user_scope: request.userScopes.join(',') || undefined,
    redirect_uri: request.requestedRedirectUri ?? undefined,
    state: request.state,
    team: request.workspace?.id,
    code_challenge: request.codeChallenge ?? undefined,
    code_challenge_method: request.codeChallengeMethod ?? undefined,
  };
}

function signInView(request: AuthorizeRequest, next: string) {
  return {
    next,
    appName: request.app.name,
    workspaceName: request.workspace?.name,
    workspaceId: request.workspace?.id,
  };
}

/** True unless the request carries an Origin of another site than the one it was sent to. */
function isSameOrigin(req: IncomingMessage, trustProxy: boolean): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const forwardedHost = trustProxy ? req.headers['x-forwarded-host'] : undefined;
  const host = (Array.isArray(forwardedHost) ? forwardedHost[0] : forwardedHost) ?? req.headers.host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function forbidden(res: ServerResponse): void {
  sendPage(
    res,
    403,
    messagePage(
      'Request refused',
      'This form has expired or was not sent from this site. Start again from the app.',
    ),
  );
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendPage(res, 405, messagePage('Method not allowed', 'This page does not answer that method.'), { allow });
}

/** The pages' one error boundary: a refusal is a 400 page, anything unexpected a 500 with its stack logged. */
function answerFailure(res: ServerResponse, error: unknown, log: Logger): void {
  if (res.headersSent) {
    log.error({ err: error }, 'page failed after its headers were sent');
    res.destroy();
  } else if (error instanceof AuthorizeRefusal) {
    sendPage(res, 400, messagePage('This link does not work', error.message));
  } else if (error instanceof InvalidInputError) {
    sendPage(
      res,
      400,
      messagePage('This link does not work', 'The request asks for something this app cannot have.'),
    );
  } else if (error instanceof StoreUnavailableError) {
    log.error({ err: error }, 'store unavailable');
    sendPage(res, 503, messagePage('Try again soon', 'Latchkey cannot reach its database right now.'));
  } else {
    log.error({ err: error }, 'unexpected error on a page');
    sendPage(res, 500, messagePage('Something went wrong', 'Latchkey could not answer this page.'));
  }
}
