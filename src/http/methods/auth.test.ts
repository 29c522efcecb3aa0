import { workspaceUrl } from '../../domain/workspaces.js';
import type { ApiMethod } from './method.js';
import { authenticateCall } from './token-auth.js';

/**
 * `auth.test` (spec §5.1): https://api.slack.com/methods/auth.test
 * Tells who a token belongs to; for a bot token, the bot user and its `bot_id`.
 */
export const authTest: ApiMethod = {
  name: 'auth.test',
  async handle(context) {
    const token = await authenticateCall(context);
    return {
      ok: true,
      url: workspaceUrl(token.teamDomain),
      team: token.teamName,
      user: token.userName,
      team_id: token.teamId,
      user_id: token.userId,
      ...(token.botId !== null && { bot_id: token.botId }),
      is_enterprise_install: false,
      ...(token.expiresAt !== null && {
        expires_in: Math.max(0, Math.floor((token.expiresAt - context.domain.clock.now()) / 1000)),
      }),
    };
  },
};
