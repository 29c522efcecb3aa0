import type { ServerResponse } from 'node:http';
import type { Html } from '../pages/html.js';

/**
 * Headers of every page (spec §4.3): no framing (X-Frame-Options and CSP frame-ancestors, for old
 * and new browsers), no script at all, styles from this server only, no caching of pages that carry
 * CSRF tokens, and no Referer that could carry the authorize request's `state` to another site.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

export function sendPage(
  res: ServerResponse,
  status: number,
  page: Html,
  headers: Record<string, string | string[]> = {},
): void {
  const body = page.text;
  res.writeHead(status, { ...PAGE_HEADERS, ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** A redirect that carries no body; `303` after a form, `302` from the authorize GET. */
export function redirect(
  res: ServerResponse,
  status: 302 | 303,
  location: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, {
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    ...headers,
    location,
  });
  res.end();
}
