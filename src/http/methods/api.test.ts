import type { ApiMethod } from './method.js';

/**
 * `api.test` (spec §5.0): https://api.slack.com/methods/api.test
 * Echoes its arguments; with `error=<code>` it fails on purpose with that code. A `token` argument is
 * not echoed: no token ever appears in an answer other than the one that issues it (spec §7).
 */
export const apiTest: ApiMethod = {
  name: 'api.test',
  async handle({ args }) {
    const { token: _token, ...echoed } = args;
    if (args.error !== undefined) return { ok: false, error: args.error, args: echoed };
    return { ok: true, args: echoed };
  },
};
