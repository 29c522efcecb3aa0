import type { ServerResponse } from 'node:http';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * `GET /metrics` (spec §8): Prometheus text with calls and errors per method and code, latency
 * histograms and tokens issued. Labels carry method names and error codes only, never an argument,
 * so no secret can reach a scrape. Each app has its own registry: two instances in one process
 * (the programmatic API) never mix their counts.
 */
export interface Metrics {
  /** Counts one answered Web API call. `method` is a known method's name, or `unknown`. */
  observeCall(method: string, status: number, body: Record<string, unknown>, seconds: number): void;
  send(res: ServerResponse): Promise<void>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'latchkey_' });
  const calls = new Counter({
    name: 'latchkey_api_calls_total',
    help: 'Web API calls answered, by method, HTTP status and Slack error code ("" when ok).',
    labelNames: ['method', 'status', 'error'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'latchkey_api_call_duration_seconds',
    help: 'Time from the request to the answer, by method.',
    labelNames: ['method'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'latchkey_tokens_issued_total',
    help: 'Access tokens issued, by method and kind (user or bot).',
    labelNames: ['method', 'kind'] as const,
    registers: [registry],
  });

  return {
    observeCall(method, status, body, seconds) {
      const error = body.ok === false && typeof body.error === 'string' ? body.error : '';
      calls.inc({ method, status: String(status), error });
      durations.observe({ method }, seconds);
      if (body.ok === true) {
        for (const kind of issuedTokenKinds(body)) tokens.inc({ method, kind });
      }
    },
    async send(res) {
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
      res.end(text);
    },
  };
}

/** The kinds of the access tokens an answer carries, by Slack's token prefixes. */
function issuedTokenKinds(body: Record<string, unknown>): ('user' | 'bot')[] {
  const bot = body.bot as { bot_access_token?: unknown } | undefined;
  const authedUser = body.authed_user as { access_token?: unknown } | undefined;
  return [body.access_token, bot?.bot_access_token, authedUser?.access_token]
    .filter((token): token is string => typeof token === 'string')
    .map((token) => (/^(xoxe\.)?xoxb-/.test(token) ? 'bot' : 'user'));
}
