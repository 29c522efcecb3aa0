/**
 * The package's public surface: Latchkey as a test dependency (`createLatchkey`) and the types it
 * speaks. The CLI (`latchkey …`) is the other way in; both call the same domain functions.
 */

export type { AppInput } from './domain/apps.js';
export { InvalidInputError } from './domain/invalid-input.js';
export { type ErrorCode, errorCodes } from './errors.js';
export type { Fault } from './http/faults.js';
export { InvalidFaultError } from './http/faults.js';
export {
  createLatchkey,
  type InstallOptions,
  type Latchkey,
  type LatchkeyApp,
  type LatchkeyOptions,
  type MintOptions,
} from './latchkey.js';
export type { App, User, Workspace } from './storage/store.js';
