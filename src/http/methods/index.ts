import { apiTest } from './api.test.js';
import { authRevoke } from './auth.revoke.js';
import { authTest } from './auth.test.js';
import type { ApiMethod } from './method.js';
import { oauthAccess } from './oauth.access.js';
import { oauthV2Access } from './oauth.v2.access.js';
import { oauthV2Exchange } from './oauth.v2.exchange.js';
import { usersIdentity } from './users.identity.js';

/** Every Web API method Latchkey answers, by Slack's name. */
export const apiMethods: ReadonlyMap<string, ApiMethod> = new Map(
  [apiTest, authTest, authRevoke, oauthAccess, oauthV2Access, oauthV2Exchange, usersIdentity].map(
    (method) => [method.name, method],
  ),
);
