import { type Html, html } from './html.js';
import { hiddenFields, layout } from './layout.js';
import { describeScope } from './scope-descriptions.js';

export interface ConsentView {
  /** Where the form posts: the authorize path of the request's flow version. */
  readonly action: string;
  /** The authorize parameters, carried through the form so the decision is checked like the request. */
  readonly parameters: Readonly<Record<string, string | undefined>>;
  readonly csrfToken: string;
  readonly appName: string;
  readonly workspaceName: string;
  readonly workspaceDomain: string;
  readonly userName: string;
  /** v1: what the app may do as the person; v2: the bot's scopes. */
  readonly scopes: readonly string[];
  /** v2 only: what the app may do as the person. */
  readonly userScopes: readonly string[];
  readonly version: 1 | 2;
  /** The authorize URL to come back to after signing out. */
  readonly next: string;
}

export function consentPage(view: ConsentView): Html {
  const asPerson = view.version === 1 ? view.scopes : view.userScopes;
  const asBot = view.version === 2 ? view.scopes : [];
  return layout(
    `${view.appName} wants access`,
    html`<h1>${view.appName} is requesting permission to access the ${view.workspaceName} Slack workspace</h1>
<div class="workspace"><span class="avatar" aria-hidden="true">${initial(view.workspaceName)}</span>
<div><strong>${view.workspaceName}</strong><small>${view.workspaceDomain}.slack.com · signed in as ${view.userName}</small></div></div>
${asBot.length > 0 && scopeList('What will the app be able to do as a bot?', 'bot-scopes', asBot)}
${asPerson.length > 0 && scopeList('What will the app be able to view and do on your behalf?', 'user-scopes', asPerson)}
<form method="post" action="${view.action}">
${hiddenFields({ ...view.parameters, csrf_token: view.csrfToken })}
<div class="actions">
<button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>
<button type="submit" name="decision" value="allow" class="primary">Allow</button>
</div>
</form>
<div class="footnote">Not ${view.userName}?
<form method="post" action="/oauth/signout">${hiddenFields({ next: view.next, csrf_token: view.csrfToken })}<button type="submit" class="link">Sign out</button></form>
</div>`,
  );
}

function scopeList(title: string, id: string, scopes: readonly string[]): Html {
  return html`<h2 id="${id}">${title}</h2>
<ul class="scopes" aria-labelledby="${id}">
${scopes.map((scope) => html`<li>${describeScope(scope)}<code>${scope}</code></li>\n`)}
</ul>`;
}

function initial(name: string): string {
  return (name.trim()[0] ?? '?').toUpperCase();
}
