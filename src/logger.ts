import { type DestinationStream, type Logger, pino, stdSerializers } from 'pino';

/**
 * Structured JSON logs, one line per event. Request lines name the method, status and error code,
 * never arguments, query strings or headers, so no secret reaches a log; the redaction below is a
 * second guard for anything that slips into a logged object.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: null,
      formatters: { log: redactLogged },
      serializers: { err: (error: Error) => censorFields(stdSerializers.err(error)) },
    },
    destination,
  );
}

const CENSOR = '[redacted]';

/** Fields that hold a credential, wherever they appear in an object that is logged. */
const SECRET_FIELDS = new Set([
  'client_secret',
  'code',
  'token',
  'access_token',
  'refresh_token',
  'password',
  'authorization',
]);
const SECRET_HEADERS = new Set(['authorization', 'cookie']);

/**
 * The second guard: the secret fields of every object in a log line are censored, and so are the
 * Authorization and Cookie headers of a logged request (the error's fields are censored by its
 * serializer, once it is plain fields). pino's `redact` does this with wildcard paths, but runs them
 * on every value of every line, about 3 µs a line; these checks only copy what they censor.
 */
function redactLogged(object: Record<string, unknown>): Record<string, unknown> {
  let out = object;
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (key === 'err' || typeof value !== 'object' || value === null) continue;
    let censored = censorFields(value as Record<string, unknown>);
    if (key === 'req') censored = censorHeaders(censored);
    if (censored === value) continue;
    if (out === object) out = { ...object };
    out[key] = censored;
  }
  return out;
}

function censorFields<T extends object>(value: T, names: ReadonlySet<string> = SECRET_FIELDS): T {
  let copy: Record<string, unknown> | undefined;
  for (const field of Object.keys(value)) {
    if (!names.has(field)) continue;
    copy ??= { ...value } as Record<string, unknown>;
    copy[field] = CENSOR;
  }
  return (copy ?? value) as T;
}

function censorHeaders<T extends { headers?: unknown }>(req: T): T {
  const headers = req.headers;
  if (typeof headers !== 'object' || headers === null) return req;
  const censored = censorFields(headers, SECRET_HEADERS);
  return censored === headers ? req : { ...req, headers: censored };
}
