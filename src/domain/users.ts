import type { User } from '../storage/store.js';
import type { Domain } from './context.js';
import { invalidInput } from './invalid-input.js';
import { hashPassword, newId } from './secrets.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export async function createUser(
  domain: Domain,
  input: { teamId: string; name: string; email?: string | undefined; password?: string | undefined },
): Promise<User> {
  if (!(await domain.store.getWorkspace(input.teamId)))
    invalidInput('teamId', `an existing workspace id ('${input.teamId}' is unknown)`);
  const name = input.name.trim();
  if (!name) invalidInput('name', 'a non-empty user name');
  if (input.email !== undefined && !EMAIL.test(input.email)) invalidInput('email', 'an email address');
  if (input.email !== undefined) {
    const taken = await domain.store.listUsersByEmail(input.email);
    if (taken.some((user) => user.teamId === input.teamId)) {
      invalidInput('email', `an email not used in this workspace already ('${input.email}' is)`);
    }
  }
  if (input.password !== undefined && input.password.length < 8)
    invalidInput('password', 'at least 8 characters');
  const user: User = {
    id: newId('U'),
    teamId: input.teamId,
    name,
    email: input.email ?? null,
    passwordHash: input.password === undefined ? null : await hashPassword(input.password),
    isBot: false,
  };
  await domain.store.createUser(user);
  return user;
}
