import type { ApiMethod } from './method.js';

/**
 * `api.test` (spec §5.0): https://api.slack.com/methods/api.test
 * Echoes its arguments; with `error=<code>` it fails on purpose with that code. Credential arguments
 * are not echoed: no secret, code or token ever appears in an answer other than the one that issues
 * it (spec §7), and api.test's failures are error answers like any other.
 */
const CREDENTIAL_ARGUMENTS = new Set(['token', 'client_secret', 'code', 'refresh_token', 'code_verifier']);

export const apiTest: ApiMethod = {
  name: 'api.test',
  async handle({ args }) {
    const echoed = Object.fromEntries(
      Object.entries(args).filter(([name]) => !CREDENTIAL_ARGUMENTS.has(name)),
    );
    if (args.error !== undefined) return { ok: false, error: args.error, args: echoed };
    return { ok: true, args: echoed };
  },
};
