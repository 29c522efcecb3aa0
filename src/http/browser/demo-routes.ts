import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PageRoute } from '../app.js';
import { html } from '../pages/html.js';
import { hiddenFields, layout } from '../pages/layout.js';
import { messagePage } from '../pages/message-page.js';
import type { BodyLimits } from '../web-api/read-body.js';
import { parseQuery, readForm } from './form.js';
import { sendPage } from './respond.js';

/** The demo app's credentials, known once `serve --demo` has prepared its data. */
export interface DemoApp {
  readonly apiUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The callback the printed authorize link names, which its codes are bound to. */
  readonly redirectUri: string;
}

export interface DemoRoutes {
  readonly route: PageRoute;
  /** Hands the routes the demo app; until then they answer that the demo is starting. */
  configure(app: DemoApp): void;
}

/**
 * `serve --demo` only: the demo app's redirect target. It shows the code it received, exchanges it
 * on a click through this server's own `oauth.access` over HTTP, and shows what `auth.test` answers
 * for the new token: the whole flow, as a Slack app would see it, in one minute.
 */
export function createDemoRoutes(bodyLimits: BodyLimits): DemoRoutes {
  let app: DemoApp | undefined;

  async function callback(res: ServerResponse, rawQuery: string) {
    const query = parseQuery(rawQuery);
    const code = query?.get('code');
    const error = query?.get('error');
    if (!code) {
      return sendPage(
        res,
        200,
        messagePage('No code', `The authorize step answered: ${error ?? 'nothing'}.`),
      );
    }
    sendPage(
      res,
      200,
      layout(
        'Demo callback',
        html`<h1>The demo app received a code</h1>
<p class="lead">This is the app's redirect URI. Slack apps exchange this code with <code>oauth.access</code>.</p>
<pre>code=${code}${query?.get('state') ? `\nstate=${query.get('state')}` : ''}</pre>
<form method="post" action="/demo/exchange" class="stack">${hiddenFields({ code })}
<button type="submit" class="primary">Exchange the code</button></form>`,
      ),
    );
  }

  async function exchange(req: IncomingMessage, res: ServerResponse, demo: DemoApp) {
    const code = (await readForm(req, bodyLimits))?.get('code') ?? '';
    const access = await callApi(demo, 'oauth.access', {
      client_id: demo.clientId,
      client_secret: demo.clientSecret,
      code,
      redirect_uri: demo.redirectUri,
    });
    const token = typeof access.access_token === 'string' ? access.access_token : undefined;
    const identity = token ? await callApi(demo, 'auth.test', { token }) : undefined;
    sendPage(
      res,
      200,
      layout(
        'Demo exchange',
        html`<h1>${token ? 'The app has a token' : 'The exchange failed'}</h1>
<h2>oauth.access answered</h2>
<pre>${JSON.stringify(access, null, 2)}</pre>
${identity && html`<h2>auth.test with that token answered</h2>\n<pre>${JSON.stringify(identity, null, 2)}</pre>`}`,
      ),
    );
  }

  return {
    configure(demoApp) {
      app = demoApp;
    },
    async route(req, res, path, rawQuery) {
      if (path !== '/demo/callback' && path !== '/demo/exchange') return false;
      if (!app) sendPage(res, 503, messagePage('Starting', 'The demo is still starting.'));
      else if (path === '/demo/callback') await callback(res, rawQuery);
      else if (req.method === 'POST') await exchange(req, res, app);
      else sendPage(res, 405, messagePage('Method not allowed', 'Use the button.'), { allow: 'POST' });
      return true;
    },
  };
}

async function callApi(demo: DemoApp, method: string, args: Record<string, string>) {
  const response = await fetch(`${demo.apiUrl}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(args).toString(),
  });
  return (await response.json()) as Record<string, unknown>;
}
