import { type Html, html } from './html.js';
import { layout } from './layout.js';

/** A page that only tells something: an authorize request refused, a form without its CSRF token. */
export function messagePage(title: string, message: string): Html {
  return layout(title, html`<h1>${title}</h1>\n<p class="lead" role="alert">${message}</p>`);
}
