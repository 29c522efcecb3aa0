/** Scope lists arrive comma- or space-separated (spec §4.1); they leave comma-joined. */
export function parseScopes(text: string | undefined | null): string[] {
  if (!text) return [];
  return [...new Set(text.split(/[\s,]+/).filter((scope) => scope.length > 0))];
}

export function formatScopes(scopes: readonly string[]): string {
  return scopes.join(',');
}

const SCOPE_NAME = /^[a-z][a-z0-9_.:-]*$/i;

export function isScopeName(scope: string): boolean {
  return SCOPE_NAME.test(scope) && scope.length <= 100;
}

/** The requested scopes that the app did not register (none registered means any is allowed). */
export function scopesOutsideApp(allowed: readonly string[] | null, requested: readonly string[]): string[] {
  if (allowed === null) return [];
  return requested.filter((scope) => !allowed.includes(scope));
}
