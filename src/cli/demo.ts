import { createApp, rotateClientSecret, updateApp } from '../domain/apps.js';
import { issueCode } from '../domain/codes.js';
import type { Domain } from '../domain/context.js';
import { newClientSecret } from '../domain/secrets.js';
import { createUser } from '../domain/users.js';
import { createWorkspace } from '../domain/workspaces.js';
import type { App, User } from '../storage/store.js';

const DEMO_DOMAIN = 'latchkey-demo';
const DEMO_EMAIL = 'ada@example.com';
const DEMO_APP = 'Demo App';

export interface PreparedDemo {
  /** What to print: the demo's credentials, an authorize link and a ready-to-paste curl. */
  readonly text: string;
  /** The demo app's credentials, for the demo callback page; absent when the demo data is broken. */
  readonly app?: { readonly clientId: string; readonly clientSecret: string; readonly redirectUri: string };
}

/**
 * `serve --demo`: on an empty database, a workspace, a person and an app to try the flow with; on
 * every start, an authorize link, a fresh code and a curl that exchanges it. The password and the
 * client secret exist in clear only in this output, so a restart of the demo rotates the app's
 * secret to print a usable one.
 */
export async function prepareDemo(domain: Domain, baseUrl: string): Promise<PreparedDemo> {
  const callback = `${baseUrl}/demo/callback`;
  const existing = await domain.store.getWorkspaceByDomain(DEMO_DOMAIN);
  const lines: string[] = [];
  let app: App;
  let user: User;
  let clientSecret: string;
  if (!existing) {
    const workspace = await createWorkspace(domain, { name: 'Latchkey Demo', domain: DEMO_DOMAIN });
    const password = newClientSecret().slice(0, 16);
    user = await createUser(domain, { teamId: workspace.id, name: 'ada', email: DEMO_EMAIL, password });
    ({ app, clientSecret } = await createApp(domain, { name: DEMO_APP, redirectUris: [callback] }));
    lines.push(
      'Demo data created:',
      `  workspace  ${workspace.id} (${workspace.name})`,
      `  user       ${user.id}  email ${DEMO_EMAIL}  password ${password}   (shown once)`,
      `  app        client_id ${app.clientId}  client_secret ${clientSecret}`,
    );
  } else {
    const [found] = (await domain.store.listUsersByEmail(DEMO_EMAIL)).filter((u) => u.teamId === existing.id);
    const foundApp = (await domain.store.listApps()).find((candidate) => candidate.name === DEMO_APP);
    if (!found || !foundApp) {
      return { text: 'Demo workspace exists but its user or app is gone; start on an empty database.' };
    }
    user = found;
    // The server may listen elsewhere than last time: the callback of this start must be registered.
    app = foundApp.redirectUris.includes(callback)
      ? foundApp
      : await updateApp(domain, foundApp.clientId, { redirectUris: [callback, ...foundApp.redirectUris] });
    ({ clientSecret } = await rotateClientSecret(domain, app.clientId));
    lines.push(
      'Demo data found; the demo app got a new client secret:',
      `  user       ${user.id}  email ${DEMO_EMAIL}  (password as printed on the first start)`,
      `  app        client_id ${app.clientId}  client_secret ${clientSecret}`,
    );
  }
  const { code, expiresIn } = await issueCode(domain, {
    app,
    userId: user.id,
    scopes: ['identify', 'bot'],
    redirectUri: null,
    version: 1,
  });
  const authorizeQuery = new URLSearchParams({
    client_id: app.clientId,
    scope: 'identify,bot',
    redirect_uri: callback,
    state: 'demo',
  });
  lines.push(
    '',
    'Try the whole flow in a browser (sign in as the demo user, then Allow):',
    `  ${baseUrl}/oauth/authorize?${authorizeQuery}`,
    '',
    `Or exchange a code minted for the demo user (valid ${expiresIn / 60} minutes) with:`,
    `  curl -s ${baseUrl}/api/oauth.access -d client_id=${app.clientId} -d client_secret=${clientSecret} -d code=${code}`,
  );
  return { text: lines.join('\n'), app: { clientId: app.clientId, clientSecret, redirectUri: callback } };
}
