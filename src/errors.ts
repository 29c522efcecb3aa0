/**
 * The catalogue of every error code Latchkey answers, as Slack spells them. Domain code throws
 * `fail(code, detail)`; the detail is for the log only and never reaches a client.
 */
export const errorCodes = [
  // Web API calling conventions (spec §1)
  'method_not_allowed',
  'unknown_method',
  'missing_post_type',
  'invalid_post_type',
  'invalid_charset',
  'request_timeout',
  'request_too_large',
  'invalid_form_data',
  'invalid_json',
  'json_not_object',
  'invalid_array_arg',
  'invalid_arg_name',
  'ratelimited',
  'internal_error',
  'service_unavailable',
  // Tokens on protected methods (spec §1.5)
  'not_authed',
  'invalid_auth',
  'token_revoked',
  'token_expired',
  'missing_scope',
  // oauth.access and oauth.v2.access (spec §2, §3, §5.4)
  'invalid_client_id',
  'bad_client_secret',
  'invalid_code',
  'code_already_used',
  'oauth_authorization_url_mismatch',
  'bad_redirect_uri',
  'invalid_code_verifier',
  'invalid_grant_type',
  'invalid_refresh_token',
  'invalid_token',
  'token_already_exchanged',
  'token_rotation_not_enabled',
  'authorization_not_found',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** Fields some errors add beside `error`, e.g. `needed`/`provided` on `missing_scope`. */
export type ErrorFields = Readonly<Record<string, string>>;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly fields: ErrorFields = {},
  ) {
    super(detail ? `${code}: ${detail}` : code);
  }
}

/** Throws the Slack error `code`; `detail` explains it in the log, never on the wire. */
export function fail(code: ErrorCode, detail?: string, fields?: ErrorFields): never {
  throw new ApiError(code, detail, fields);
}

/** Raised by a store whose database cannot be reached; answered `service_unavailable`. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** `ratelimited`: answered HTTP 429 with `Retry-After` in whole seconds (spec §1.2). */
export class RateLimitedError extends ApiError {
  constructor(
    readonly retryAfterSeconds: number,
    detail?: string,
  ) {
    super('ratelimited', detail);
  }
}
