import assert from 'node:assert/strict';
import { errorCodes } from '../../src/errors.js';
import type { WireAnswer } from './wire.js';

/**
 * The invariant of every /api/ answer (spec §1.2), checked on the bytes: status 200, except 405 for
 * a verb other than GET or POST (with `Allow`), 413 for `request_too_large` and 429 for `ratelimited`
 * (with `Retry-After` in whole seconds); the JSON headers; a JSON object with a boolean `ok`; an
 * `error` from the catalogue in src/errors.ts (or the code `api.test` was asked to fail with);
 * warnings given twice and consistently (spec §1.4). Returns the parsed body.
 */
export function assertSlackEnvelope(
  answer: WireAnswer,
  call: { readonly verb: string; readonly method: string },
): Record<string, unknown> {
  const header = (name: string) => answer.headers[name]?.[0];
  if (call.verb !== 'GET' && call.verb !== 'POST') {
    assert.equal(answer.status, 405, `verb ${call.verb}`);
    assert.equal(header('allow'), 'GET, POST');
  }
  assert.equal(header('content-type'), 'application/json; charset=utf-8');
  assert.equal(header('cache-control'), 'no-store');
  assert.equal(header('pragma'), 'no-cache');
  // HEAD answers carry no body, by HTTP's rules; the status and headers above are all there is.
  if (call.verb === 'HEAD') return {};

  const text = answer.body.toString('utf8');
  let body: unknown;
  assert.doesNotThrow(
    () => {
      body = JSON.parse(text);
    },
    `not JSON: ${text.slice(0, 200)}`,
  );
  assert.ok(body !== null && typeof body === 'object' && !Array.isArray(body), 'a JSON object');
  const envelope = body as Record<string, unknown>;
  assert.equal(typeof envelope.ok, 'boolean', 'ok is a boolean');

  const error = envelope.ok === false ? envelope.error : undefined;
  if (envelope.ok === false) {
    assert.equal(typeof error, 'string', 'a failure carries an error code');
    const echoed =
      call.method === 'api.test' && (envelope.args as Record<string, unknown> | undefined)?.error === error;
    assert.ok(
      (errorCodes as readonly string[]).includes(error as string) || echoed,
      `undocumented error code ${JSON.stringify(error)}`,
    );
  } else {
    assert.equal(envelope.error, undefined, 'a success carries no error');
  }

  const expectedStatus =
    call.verb !== 'GET' && call.verb !== 'POST'
      ? 405
      : error === 'request_too_large'
        ? 413
        : error === 'ratelimited'
          ? 429
          : 200;
  assert.equal(answer.status, expectedStatus, `status for ${String(error ?? 'ok')}`);
  if (answer.status === 405) assert.equal(error, 'method_not_allowed');
  if (answer.status === 429) assert.match(header('retry-after') ?? '', /^\d+$/);

  if (envelope.warning !== undefined || envelope.response_metadata !== undefined) {
    const warnings = (envelope.response_metadata as { warnings?: unknown } | undefined)?.warnings;
    assert.ok(Array.isArray(warnings), 'response_metadata.warnings is a list');
    assert.equal(envelope.warning, (warnings as string[]).join(','));
    for (const warning of warnings as string[]) {
      assert.ok(['missing_charset', 'superfluous_charset'].includes(warning), `warning ${warning}`);
    }
  }
  return envelope;
}

/** Anything shaped like a Latchkey token, refresh token or code (spec §7), found anywhere in `text`. */
export const CREDENTIAL_SHAPE = /xox[a-z.]*-[0-9-]*[0-9a-f]{16}|\d{10}\.\d{13}\.[0-9a-f]{64}/;
