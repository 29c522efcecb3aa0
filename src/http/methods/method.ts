import type { IncomingHttpHeaders } from 'node:http';
import type { Domain } from '../../domain/context.js';
import type { ClientAuthLimiter } from '../abuse/client-auth-limiter.js';
import type { Arguments } from '../web-api/arguments.js';

/** What a method sees of its call: checked arguments and the request headers it may read. */
export interface MethodContext {
  readonly args: Arguments;
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string;
  readonly domain: Domain;
  readonly clientAuthLimiter: ClientAuthLimiter;
  /** Unknown tokens presented, per source address (token guessing). */
  readonly unknownTokenLimiter: ClientAuthLimiter;
  /** Headers for the answer, kept on failure too (X-OAuth-Scopes on `missing_scope`). */
  readonly responseHeaders: Record<string, string>;
}

/** A Slack answer body: `ok` and whatever the method documents. */
export type MethodResult = { readonly ok: boolean } & Record<string, unknown>;

/** One Web API method; failures are thrown as ApiError and answered by the envelope. */
export interface ApiMethod {
  readonly name: string;
  handle(context: MethodContext): Promise<MethodResult>;
}
