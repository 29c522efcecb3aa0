/** Scope and URI lists as both databases keep them: one comma-joined TEXT column. */

export function splitList(text: string | null): string[] {
  return text ? text.split(',') : [];
}

export function joinList(items: readonly string[]): string {
  return items.join(',');
}

/** The grant after a new approval: what was granted before, then what is new, in order. */
export function unionList(before: readonly string[], added: readonly string[]): string[] {
  return [...new Set([...before, ...added])];
}
