import { apiTest } from './api.test.js';
import { authRevoke } from './auth.revoke.js';
import { authTest } from './auth.test.js';
import type { ApiMethod } from './method.js';
import { oauthAccess } from './oauth.access.js';

/** Every Web API method Latchkey answers, by Slack's name. */
export const apiMethods: ReadonlyMap<string, ApiMethod> = new Map(
  [apiTest, authTest, authRevoke, oauthAccess].map((method) => [method.name, method]),
);
