import { claimedClientId } from '../../domain/client-auth.js';
import { refreshAccessToken } from '../../domain/rotation.js';
import { exchangeV2Code, type IssuedAccess, type V2Grant } from '../../domain/token-exchange.js';
import { fail } from '../../errors.js';
import { clientCredentials, withClientAuthLimit } from './client-auth.js';
import type { ApiMethod, MethodContext, MethodResult } from './method.js';
import { rotatedTokenBody } from './oauth.v2.token-body.js';

/**
 * `oauth.v2.access` (spec §5.4): https://api.slack.com/methods/oauth.v2.access
 * `grant_type` absent or `authorization_code`: exchanges a code from the v2 authorize step for a bot
 * token (top level) and a user token (`authed_user`). `grant_type=refresh_token`: spends a refresh
 * token of a rotating app. The grant type is checked first, since it decides which arguments count;
 * both grants authenticate the client under the same failure limit as `oauth.access`.
 */
export const oauthV2Access: ApiMethod = {
  name: 'oauth.v2.access',
  async handle(context) {
    const grantType = context.args.grant_type ?? 'authorization_code';
    if (grantType === 'authorization_code') return exchangeCode(context);
    if (grantType === 'refresh_token') return refresh(context);
    fail('invalid_grant_type', `grant_type '${grantType}'`);
  },
};

async function exchangeCode(context: MethodContext): Promise<MethodResult> {
  const credentials = clientCredentials(context);
  const grant = await withClientAuthLimit(context, claimedClientId(credentials), () =>
    exchangeV2Code(context.domain, {
      ...credentials,
      code: context.args.code,
      redirectUri: context.args.redirect_uri,
      codeVerifier: context.args.code_verifier,
    }),
  );
  return codeGrantBody(grant);
}

async function refresh(context: MethodContext): Promise<MethodResult> {
  const credentials = clientCredentials(context);
  const grant = await withClientAuthLimit(context, claimedClientId(credentials), () =>
    refreshAccessToken(context.domain, { ...credentials, refreshToken: context.args.refresh_token }),
  );
  return rotatedTokenBody(grant);
}

/**
 * Slack's v2 answer. `authed_user` is always there, with at least the person's id: @slack/oauth reads
 * `authed_user.access_token` unguarded. A user-scope-only install has no top-level token fields,
 * since @slack/oauth takes their presence to mean a bot was installed.
 */
function codeGrantBody(grant: V2Grant): MethodResult {
  return {
    ok: true,
    ...(grant.bot && {
      access_token: grant.bot.accessToken,
      ...rotationFields(grant.bot),
      token_type: 'bot',
      scope: grant.bot.scopes.join(','),
      bot_user_id: grant.bot.botUserId,
    }),
    app_id: grant.appId,
    team: { id: grant.workspace.id, name: grant.workspace.name },
    enterprise: null,
    is_enterprise_install: false,
    authed_user: {
      id: grant.userId,
      ...(grant.user && {
        scope: grant.user.scopes.join(','),
        access_token: grant.user.accessToken,
        ...rotationFields(grant.user),
        token_type: 'user',
      }),
    },
  };
}

/** `expires_in` and `refresh_token` beside a rotating token; nothing for a long-lived one. */
function rotationFields(access: IssuedAccess) {
  return {
    ...(access.expiresIn !== undefined && { expires_in: access.expiresIn }),
    ...(access.refreshToken !== undefined && { refresh_token: access.refreshToken }),
  };
}
