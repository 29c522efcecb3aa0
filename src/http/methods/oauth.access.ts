import { claimedClientId } from '../../domain/client-auth.js';
import { exchangeV1Code } from '../../domain/token-exchange.js';
import { clientCredentials, withClientAuthLimit } from './client-auth.js';
import type { ApiMethod } from './method.js';

/**
 * `oauth.access` (spec §3, the seed): https://api.slack.com/methods/oauth.access
 * Exchanges a temporary code from the v1 authorize step for a user token (and a bot token when the
 * `bot` scope was granted). `single_channel` is accepted and ignored, as are unknown arguments.
 */
export const oauthAccess: ApiMethod = {
  name: 'oauth.access',
  async handle(context) {
    const credentials = clientCredentials(context);
    const grant = await withClientAuthLimit(context, claimedClientId(credentials), () =>
      exchangeV1Code(context.domain, {
        ...credentials,
        code: context.args.code,
        redirectUri: context.args.redirect_uri,
        codeVerifier: context.args.code_verifier,
      }),
    );
    return {
      ok: true,
      access_token: grant.accessToken,
      scope: grant.scopes.join(','),
      user_id: grant.userId,
      team_id: grant.workspace.id,
      team_name: grant.workspace.name,
      enterprise_id: null,
      ...(grant.bot && {
        bot: { bot_user_id: grant.bot.botUserId, bot_access_token: grant.bot.botAccessToken },
      }),
    };
  },
};
