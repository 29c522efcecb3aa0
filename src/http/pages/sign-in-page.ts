import { type Html, html } from './html.js';
import { hiddenFields, layout } from './layout.js';

export interface SignInView {
  /** Where to go once signed in: the authorize request that asked for sign-in. */
  readonly next: string;
  readonly appName: string;
  /** The workspace the request is restricted to, if any. */
  readonly workspaceName?: string | undefined;
  readonly workspaceId?: string | undefined;
  readonly email?: string | undefined;
  readonly problem?: string | undefined;
}

export function signInPage(view: SignInView): Html {
  return layout(
    'Sign in',
    html`<h1>Sign in to ${view.workspaceName ?? 'your workspace'}</h1>
<p class="lead">${view.appName} wants to connect to your Slack workspace. Sign in to continue.</p>
${view.problem && html`<p class="alert" role="alert">${view.problem}</p>`}
<form method="post" action="/oauth/signin" class="stack">
${hiddenFields({ next: view.next, team: view.workspaceId })}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${view.email ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" class="primary">Sign in</button>
</form>`,
  );
}
