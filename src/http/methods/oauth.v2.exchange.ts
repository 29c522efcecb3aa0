import { claimedClientId } from '../../domain/client-auth.js';
import { exchangeLongLivedToken } from '../../domain/long-lived-exchange.js';
import { clientCredentials, withClientAuthLimit } from './client-auth.js';
import type { ApiMethod } from './method.js';
import { rotatedTokenBody } from './oauth.v2.token-body.js';
import { presentedToken } from './token-auth.js';

/**
 * `oauth.v2.exchange`: https://api.slack.com/methods/oauth.v2.exchange
 * Arguments `client_id`, `client_secret` (or HTTP Basic, as on the token methods) and `token`, the
 * long-lived `xoxb-`/`xoxp-` token to migrate, taken like any token (spec §1.5: Slack's Node SDK sends
 * it as `Authorization: Bearer` and in the body). Answers the rotating pair in the refresh grant's shape.
 */
export const oauthV2Exchange: ApiMethod = {
  name: 'oauth.v2.exchange',
  async handle(context) {
    const credentials = clientCredentials(context);
    const grant = await withClientAuthLimit(context, claimedClientId(credentials), () =>
      exchangeLongLivedToken(context.domain, { ...credentials, token: presentedToken(context) }),
    );
    return rotatedTokenBody(grant);
  },
};
