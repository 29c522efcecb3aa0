import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AdjustableClock, parseDuration } from '../domain/clock.js';
import { constantTimeEqual } from '../domain/secrets.js';
import type { PageRoute } from './app.js';
import { type Fault, type FaultPlan, InvalidFaultError } from './faults.js';
import { type BodyLimits, readBody } from './web-api/read-body.js';

/**
 * `serve --insecure-test-controls`: the programmatic API's faults and clock over HTTP, for Slack
 * apps tested from another process or language. Every call must carry the admin token printed at
 * start. Without the flag these routes do not exist (404).
 *
 *   POST   /_latchkey/faults  {"method":"oauth.access","error":"invalid_code","times":2}
 *   DELETE /_latchkey/faults  [?method=oauth.access]
 *   POST   /_latchkey/clock   {"advance":"11m"}
 *   GET    /_latchkey/clock
 */
export interface TestControls {
  readonly adminToken: string;
  readonly faults: FaultPlan;
  readonly clock: AdjustableClock;
}

export function createTestControlRoutes(controls: TestControls, bodyLimits: BodyLimits): PageRoute {
  return async (req, res, path, rawQuery) => {
    if (!path.startsWith('/_latchkey/')) return false;
    if (!isAdmin(req, controls.adminToken)) {
      send(res, 401, { ok: false, error: 'not_authed' });
      return true;
    }
    const route = `${req.method} ${path}`;
    try {
      if (route === 'POST /_latchkey/faults') {
        const { method, ...fault } = (await readJson(req, bodyLimits)) as { method?: unknown } & Fault;
        controls.faults.next(String(method ?? ''), fault);
        send(res, 200, { ok: true });
      } else if (route === 'DELETE /_latchkey/faults') {
        controls.faults.clear(new URLSearchParams(rawQuery).get('method') ?? undefined);
        send(res, 200, { ok: true });
      } else if (route === 'POST /_latchkey/clock') {
        const { advance } = (await readJson(req, bodyLimits)) as { advance?: unknown };
        const ms =
          typeof advance === 'string' || typeof advance === 'number' ? parseDuration(advance) : undefined;
        if (ms === undefined)
          throw new InvalidFaultError("advance must be a duration such as '11m' or '13h'");
        controls.clock.advance(ms);
        send(res, 200, { ok: true, now: controls.clock.now() });
      } else if (route === 'GET /_latchkey/clock') {
        send(res, 200, { ok: true, now: controls.clock.now() });
      } else {
        send(res, 404, { ok: false, error: 'unknown_control' });
      }
    } catch (error) {
      if (!(error instanceof InvalidFaultError)) throw error;
      send(res, 400, { ok: false, error: 'invalid_control', detail: error.message });
    }
    return true;
  };
}

function isAdmin(req: IncomingMessage, adminToken: string): boolean {
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  return match?.[1] !== undefined && constantTimeEqual(match[1], adminToken);
}

async function readJson(req: IncomingMessage, limits: BodyLimits): Promise<Record<string, unknown>> {
  const result = await readBody(req, limits);
  if (result.kind !== 'complete') throw new InvalidFaultError('the body did not arrive whole');
  try {
    const value: unknown = JSON.parse(result.body.toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {}
  throw new InvalidFaultError('the body must be a JSON object');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
