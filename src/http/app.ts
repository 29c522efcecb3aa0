import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Domain } from '../domain/context.js';
import { type ClientAuthLimiter, createClientAuthLimiter } from './abuse/client-auth-limiter.js';
import { createMethodLimiter, type MethodLimiter } from './abuse/method-limiter.js';
import { createApiHandler } from './api-handler.js';
import { apiMethods } from './methods/index.js';
import type { BodyLimits } from './web-api/read-body.js';

export interface HttpSettings {
  readonly bodyLimits: BodyLimits;
  /** Trust X-Forwarded-For for the source address (`--trust-proxy`); off by default. */
  readonly trustProxy?: boolean;
}

export interface AppDeps {
  readonly domain: Domain;
  readonly settings: HttpSettings;
  readonly log: Logger;
  /** The limits in this process by default; src/main.ts passes shared ones when Redis is set. */
  readonly clientAuthLimiter?: ClientAuthLimiter;
  readonly methodLimiter?: MethodLimiter;
}

/** The whole HTTP surface as one request listener; it never listens itself (see server.ts). */
export function buildApp(deps: AppDeps): RequestListener {
  const api = createApiHandler({
    domain: deps.domain,
    methods: apiMethods,
    bodyLimits: deps.settings.bodyLimits,
    clientAuthLimiter: deps.clientAuthLimiter ?? createClientAuthLimiter(),
    methodLimiter: deps.methodLimiter ?? createMethodLimiter(),
    trustProxy: deps.settings.trustProxy ?? false,
    log: deps.log,
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
    if (path === '/healthz') return sendPlainJson(res, 200, { ok: true });
    if (path === '/readyz') {
      try {
        await deps.domain.store.ping();
        return sendPlainJson(res, 200, { ok: true });
      } catch {
        return sendPlainJson(res, 503, { ok: false, error: 'service_unavailable' });
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
  }
}

function sendPlainJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
