/**
 * Redirect URIs (spec §4.2): what an app may register, and whether a requested URI matches a
 * registered one. Matching follows Slack's sub-path rule (`/cb` admits `/cb` and `/cb/x`, never
 * `/cbx`) with two hardenings: dot segments and encoded slashes or backslashes never match, because a
 * browser or proxy may resolve them into another path (held by test/authorize.test.ts and
 * test/security/fuzz-authorize.test.ts).
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

// A URI as RFC 3986 writes it: printable ASCII, no space. A browser drops tabs and newlines and
// re-encodes the rest (é becomes %C3%A9), so a code bound to such a string would not be bound to
// where the browser lands; and such a string cannot go into a Location header at all.
const URI_CHARACTERS = /^[\x21-\x7e]+$/;

/** Why `uri` cannot be registered, or null when it can. */
export function registrationProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'an absolute URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    return 'an https:// URL, or http:// on localhost, 127.0.0.1 or [::1]';
  }
  if (!URI_CHARACTERS.test(uri)) return 'a URL of printable ASCII characters (percent-encode the rest)';
  if (uri.includes('#')) return 'a URL without a fragment';
  if (url.username || url.password) return 'a URL without user name or password';
  if (hasUnsafePath(uri)) return 'a URL without dot segments or encoded slashes in its path';
  return null;
}

/** True when `requested` is the registered URI or lies below its path on a segment boundary. */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (!URI_CHARACTERS.test(requested) || requested.includes('#') || hasUnsafePath(requested)) return false;
  let want: URL;
  let have: URL;
  try {
    want = new URL(registered);
    have = new URL(requested);
  } catch {
    return false;
  }
  if (have.username || have.password) return false;
  if (have.protocol !== want.protocol || have.host !== want.host) return false;
  if (have.pathname === want.pathname) return true;
  const base = want.pathname.endsWith('/') ? want.pathname : `${want.pathname}/`;
  return have.pathname.startsWith(base);
}

/** The first registered URI that `requested` matches, if any. */
export function findRegisteredMatch(registered: readonly string[], requested: string): string | undefined {
  return registered.find((uri) => redirectUriMatches(uri, requested));
}

// Checked on the raw text, because URL parsing resolves `..` and would hide it.
function hasUnsafePath(uri: string): boolean {
  const afterScheme = uri.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const path = afterScheme.split(/[?#]/, 1)[0] ?? '';
  if (/%2f|%5c|\\/i.test(path)) return true;
  return path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment));
}
