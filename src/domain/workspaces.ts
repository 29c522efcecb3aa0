import { fail } from '../errors.js';
import type { Workspace } from '../storage/store.js';
import type { Domain } from './context.js';
import { invalidInput } from './invalid-input.js';
import { newId } from './secrets.js';

const DOMAIN_NAME = /^[a-z0-9][a-z0-9-]{0,20}$/;

export async function createWorkspace(
  domain: Domain,
  input: { name: string; domain: string },
): Promise<Workspace> {
  const name = input.name.trim();
  if (!name) invalidInput('name', 'a non-empty workspace name');
  if (!DOMAIN_NAME.test(input.domain)) {
    invalidInput('domain', 'a workspace domain of lower-case letters, digits and dashes (at most 21)');
  }
  if (await domain.store.getWorkspaceByDomain(input.domain)) {
    invalidInput('domain', `a domain not taken already ('${input.domain}' is)`);
  }
  const workspace: Workspace = { id: newId('T'), name, domain: input.domain };
  await domain.store.createWorkspace(workspace);
  return workspace;
}

/**
 * The workspace a code or token was issued in. Workspaces are never deleted, so a missing one is a
 * broken database: `internal_error`, with the id in the log.
 */
export async function workspaceOf(domain: Domain, teamId: string): Promise<Workspace> {
  const workspace = await domain.store.getWorkspace(teamId);
  if (!workspace) fail('internal_error', `workspace ${teamId} of an issued credential is gone`);
  return workspace;
}

/** The workspace's URL as auth.test reports it. */
export function workspaceUrl(workspaceDomain: string): string {
  return `https://${workspaceDomain}.slack.com/`;
}
