import type { ServerResponse } from 'node:http';
import { type ApiError, type ErrorCode, RateLimitedError } from '../../errors.js';

/** Headers every /api/ answer carries: answers may hold tokens, so nothing may cache them (spec §1.2). */
const API_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
} as const;

/** Every status other than 200 that a Web API answer may have (spec §1.2). */
const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  ratelimited: 429,
  request_too_large: 413,
  method_not_allowed: 405,
};

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
}

/** `{ok: true, …}` for a method's result. */
export function successAnswer(result: Record<string, unknown>): Answer {
  return { status: 200, body: { ok: true, ...result }, headers: {} };
}

/** `{ok: false, error, …}` with Slack's status and headers for the error. */
export function errorAnswer(error: ApiError): Answer {
  const headers: Record<string, string> = {};
  if (error instanceof RateLimitedError) headers['retry-after'] = String(error.retryAfterSeconds);
  if (error.code === 'method_not_allowed') headers.allow = 'GET, POST';
  return {
    status: STATUS_OF[error.code] ?? 200,
    body: { ok: false, error: error.code, ...error.fields },
    headers,
  };
}

/**
 * Writes an answer in Slack's envelope: warnings appear twice, as the old `warning` string and the
 * new `response_metadata.warnings` list (spec §1.4), on errors as on successes.
 */
export function sendAnswer(
  res: ServerResponse,
  answer: Answer,
  extra: {
    readonly warnings: readonly string[];
    readonly headers: Record<string, string>;
    readonly closeConnection: boolean;
  },
): void {
  let body = answer.body;
  if (extra.warnings.length > 0) {
    const metadata = (body.response_metadata as Record<string, unknown> | undefined) ?? {};
    body = {
      ...body,
      warning: extra.warnings.join(','),
      response_metadata: { ...metadata, warnings: extra.warnings },
    };
  }
  const payload = JSON.stringify(body);
  const headers: Record<string, string> = Object.assign({}, API_HEADERS, extra.headers, answer.headers);
  headers['content-length'] = String(Buffer.byteLength(payload));
  if (extra.closeConnection) headers.connection = 'close';
  res.writeHead(answer.status, headers);
  res.end(payload);
}
