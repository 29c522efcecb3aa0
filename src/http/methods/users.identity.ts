import { AVATAR_SIZES, IDENTITY_BASIC, identityOf } from '../../domain/identity.js';
import type { ApiMethod } from './method.js';
import { authenticateCall } from './token-auth.js';

/**
 * `users.identity` (spec §5.3): https://api.slack.com/methods/users.identity
 * Sign in with Slack: the person behind a user token with `identity.basic`; passport-slack calls it
 * with the token in the query string.
 */
export const usersIdentity: ApiMethod = {
  name: 'users.identity',
  async handle(context) {
    const token = await authenticateCall(context, [IDENTITY_BASIC]);
    const { user, team } = await identityOf(context.domain, token);
    return {
      ok: true,
      user: {
        name: user.name,
        id: user.id,
        ...(user.email !== undefined && { email: user.email }),
        ...(user.avatars &&
          Object.fromEntries(AVATAR_SIZES.map((size) => [`image_${size}`, user.avatars?.[size]]))),
      },
      team: { ...(team.name !== undefined && { name: team.name }), id: team.id },
    };
  },
};
