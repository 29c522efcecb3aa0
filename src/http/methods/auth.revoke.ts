import { revokeToken } from '../../domain/tokens.js';
import type { ApiMethod } from './method.js';
import { authenticateCall } from './token-auth.js';

/**
 * `auth.revoke` (spec §5.2): https://api.slack.com/methods/auth.revoke
 * Revokes the calling token; `test=1` (or `true`) only checks that it could.
 */
export const authRevoke: ApiMethod = {
  name: 'auth.revoke',
  async handle(context) {
    const token = await authenticateCall(context);
    const test = context.args.test;
    if (test === '1' || test === 'true') return { ok: true, revoked: false };
    await revokeToken(context.domain, token);
    return { ok: true, revoked: true };
  },
};
