import { type Html, html } from './html.js';
import { STYLESHEET_PATH } from './styles.js';

/** The frame every page shares: the brand bar, one card, the stylesheet. */
export function layout(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Latchkey</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<header class="brand"><span class="mark" aria-hidden="true">L</span>Latchkey</header>
<main>
<div class="card">
${body}
</div>
</main>
</body>
</html>
`;
}

/** Hidden inputs carrying values through a form, escaped like everything else. */
export function hiddenFields(fields: Readonly<Record<string, string | undefined>>): Html[] {
  return Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`);
}
