import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Domain } from '../domain/context.js';
import {
  type ClientAuthLimiter,
  createClientAuthLimiter,
  defaultSignInLimits,
  defaultUnknownTokenLimits,
} from './abuse/client-auth-limiter.js';
import { memoryBackend } from './abuse/limiter-backend.js';
import { createMethodLimiter, type MethodLimiter } from './abuse/method-limiter.js';
import { createApiHandler } from './api-handler.js';
import { createBrowserRoutes } from './browser/browser-routes.js';
import type { FaultPlan } from './faults.js';
import { apiMethods } from './methods/index.js';
import { createMetrics } from './metrics.js';
import { STYLESHEET_PATH, stylesheet } from './pages/styles.js';
import type { BodyLimits } from './web-api/read-body.js';

export interface HttpSettings {
  readonly bodyLimits: BodyLimits;
  /** Trust X-Forwarded-For for the source address (`--trust-proxy`); off by default. */
  readonly trustProxy?: boolean;
  /** Mark cookies Secure: the server's public URL is https. */
  readonly secureCookies?: boolean;
  /** `--insecure-auto-approve`: the person every authorize request is approved for at once. */
  readonly autoApproveUserId?: () => string | undefined;
}

export interface AppDeps {
  readonly domain: Domain;
  readonly settings: HttpSettings;
  readonly log: Logger;
  /** The limits in this process by default; src/main.ts passes shared ones when Redis is set. */
  readonly clientAuthLimiter?: ClientAuthLimiter;
  /** Unknown tokens per source address; defaultUnknownTokenLimits unless given. */
  readonly unknownTokenLimiter?: ClientAuthLimiter;
  readonly methodLimiter?: MethodLimiter;
  readonly signInLimiter?: ClientAuthLimiter;
  /** Faults planned by a test, applied to the next calls of a method. */
  readonly faults?: FaultPlan;
  /** Extra routes, tried before the 404: the demo's callback, the test controls. */
  readonly extraRoutes?: readonly PageRoute[];
}

/** A page handler: answers and resolves true, or resolves false when the path is not its own. */
export type PageRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  rawQuery: string,
) => Promise<boolean>;

/** The whole HTTP surface as one request listener; it never listens itself (see server.ts). */
export function buildApp(deps: AppDeps): RequestListener {
  const metrics = createMetrics();
  const api = createApiHandler({
    domain: deps.domain,
    methods: apiMethods,
    bodyLimits: deps.settings.bodyLimits,
    clientAuthLimiter: deps.clientAuthLimiter ?? createClientAuthLimiter(),
    unknownTokenLimiter:
      deps.unknownTokenLimiter ??
      createClientAuthLimiter(defaultUnknownTokenLimits, memoryBackend(), 'unknown-token'),
    methodLimiter: deps.methodLimiter ?? createMethodLimiter(),
    trustProxy: deps.settings.trustProxy ?? false,
    log: deps.log,
    faults: deps.faults,
    metrics,
  });

  const pages = createBrowserRoutes({
    domain: deps.domain,
    log: deps.log,
    bodyLimits: deps.settings.bodyLimits,
    signInLimiter: deps.signInLimiter ?? createClientAuthLimiter(defaultSignInLimits),
    secureCookies: deps.settings.secureCookies ?? false,
    trustProxy: deps.settings.trustProxy ?? false,
    autoApproveUserId: deps.settings.autoApproveUserId ?? (() => undefined),
  });

  return (req, res) => {
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart < 0 ? url : url.slice(0, queryStart);
    const rawQuery = queryStart < 0 ? '' : url.slice(queryStart + 1);
    const handled = route(req, res, path, rawQuery);
    handled.catch((error: unknown) => {
      // The handlers answer their own errors; reaching here means the answer itself failed.
      deps.log.error({ err: error, path }, 'unhandled error while answering');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    rawQuery: string,
  ): Promise<void> {
    if (path.startsWith('/api/')) return api(req, res, path.slice('/api/'.length), rawQuery);
    if (path === STYLESHEET_PATH) return sendStylesheet(res);
    if (path === '/healthz') return sendPlainJson(res, 200, { ok: true });
    if (path === '/metrics') return metrics.send(res);
    if (path === '/readyz') {
      try {
        await deps.domain.store.ping();
        return sendPlainJson(res, 200, { ok: true });
      } catch {
        return sendPlainJson(res, 503, { ok: false, error: 'service_unavailable' });
      }
    }
    if (await pages(req, res, path, rawQuery)) return;
    for (const extra of deps.extraRoutes ?? []) if (await extra(req, res, path, rawQuery)) return;
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
  }
}

function sendStylesheet(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/css; charset=utf-8',
    'cache-control': 'public, max-age=3600',
    'x-content-type-options': 'nosniff',
  });
  res.end(stylesheet);
}

function sendPlainJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
