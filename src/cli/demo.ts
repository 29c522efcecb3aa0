import { createApp, rotateClientSecret } from '../domain/apps.js';
import { issueCode } from '../domain/codes.js';
import type { Domain } from '../domain/context.js';
import { newClientSecret } from '../domain/secrets.js';
import { createUser } from '../domain/users.js';
import { createWorkspace } from '../domain/workspaces.js';

const DEMO_DOMAIN = 'latchkey-demo';
const DEMO_EMAIL = 'ada@example.com';

/**
 * `serve --demo`: on an empty database, a workspace, a person and an app to try the flow with; on
 * every start, a fresh code and a curl that exchanges it. The password and the client secret exist in
 * clear only in this output, so a restart of the demo rotates the app's secret to print a usable one.
 */
export async function prepareDemo(domain: Domain, baseUrl: string): Promise<string> {
  const existing = await domain.store.getWorkspaceByDomain(DEMO_DOMAIN);
  const lines: string[] = [];
  let clientId: string;
  let clientSecret: string;
  let userId: string;
  if (!existing) {
    const workspace = await createWorkspace(domain, { name: 'Latchkey Demo', domain: DEMO_DOMAIN });
    const password = newClientSecret().slice(0, 16);
    const user = await createUser(domain, { teamId: workspace.id, name: 'ada', email: DEMO_EMAIL, password });
    const created = await createApp(domain, { name: 'Demo App', redirectUris: [`${baseUrl}/demo/callback`] });
    ({ clientId } = created.app);
    clientSecret = created.clientSecret;
    userId = user.id;
    lines.push(
      'Demo data created:',
      `  workspace  ${workspace.id} (${workspace.name})`,
      `  user       ${user.id}  email ${DEMO_EMAIL}  password ${password}   (shown once)`,
      `  app        client_id ${clientId}  client_secret ${clientSecret}`,
    );
  } else {
    const [user] = (await domain.store.listUsersByEmail(DEMO_EMAIL)).filter((u) => u.teamId === existing.id);
    const app = (await domain.store.listApps()).find((candidate) => candidate.name === 'Demo App');
    if (!user || !app)
      return 'Demo workspace exists but its user or app is gone; start on an empty database.';
    ({ clientId } = app);
    ({ clientSecret } = await rotateClientSecret(domain, clientId));
    userId = user.id;
    lines.push(
      'Demo data found; the demo app got a new client secret:',
      `  user       ${user.id}  email ${DEMO_EMAIL}`,
      `  app        client_id ${clientId}  client_secret ${clientSecret}`,
    );
  }
  const app = await domain.store.getAppByClientId(clientId);
  if (!app) return lines.join('\n');
  const { code, expiresIn } = await issueCode(domain, {
    app,
    userId,
    scopes: ['identify', 'bot'],
    redirectUri: null,
    version: 1,
  });
  lines.push(
    '',
    `A code for the demo user, valid ${expiresIn / 60} minutes; exchange it with:`,
    `  curl -s ${baseUrl}/api/oauth.access -d client_id=${clientId} -d client_secret=${clientSecret} -d code=${code}`,
  );
  return lines.join('\n');
}
