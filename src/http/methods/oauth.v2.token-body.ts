import type { RotatedGrant } from '../../domain/rotation.js';

/**
 * The flat answer of a rotating token (spec §5.4), shared by `oauth.v2.access` with
 * `grant_type=refresh_token` and by `oauth.v2.exchange`: what @slack/oauth's `authorize()` and
 * slack_sdk's TokenRotator read (`token_type`, `access_token`, `refresh_token`, `expires_in`).
 * `bot_user_id` stands after `access_token` as in Slack's own answers.
 */
export function rotatedTokenBody(grant: RotatedGrant) {
  return {
    ok: true,
    app_id: grant.appId,
    scope: grant.scopes.join(','),
    token_type: grant.kind,
    access_token: grant.accessToken,
    ...(grant.kind === 'bot' && { bot_user_id: grant.userId }),
    refresh_token: grant.refreshToken,
    expires_in: grant.expiresIn,
    team: { id: grant.workspace.id, name: grant.workspace.name },
    enterprise: null,
    is_enterprise_install: false,
  } as const;
}
