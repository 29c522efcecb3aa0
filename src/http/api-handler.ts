import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Domain } from '../domain/context.js';
import { ApiError, StoreUnavailableError } from '../errors.js';
import type { ClientAuthLimiter } from './abuse/client-auth-limiter.js';
import type { MethodLimiter } from './abuse/method-limiter.js';
import { sourceAddress } from './abuse/source-address.js';
import { applyFault, type FaultPlan } from './faults.js';
import type { ApiMethod, MethodContext } from './methods/method.js';
import type { Metrics } from './metrics.js';
import { type Answer, errorAnswer, sendAnswer } from './web-api/envelope.js';
import type { BodyLimits } from './web-api/read-body.js';
import { type CallState, ClientGoneError, readCall } from './web-api/read-call.js';

export interface ApiHandlerDeps {
  readonly domain: Domain;
  readonly methods: ReadonlyMap<string, ApiMethod>;
  readonly bodyLimits: BodyLimits;
  readonly clientAuthLimiter: ClientAuthLimiter;
  readonly methodLimiter: MethodLimiter;
  /** Take the source address from X-Forwarded-For (`--trust-proxy`). */
  readonly trustProxy: boolean;
  readonly log: Logger;
  /** Faults planned by a test (programmatic API or `--insecure-test-controls`). */
  readonly faults?: FaultPlan | undefined;
  readonly metrics: Metrics;
}

/**
 * Answers `/api/<method>`: verb, method name, the calling conventions, then the method. This is the
 * one place where a thrown error becomes an answer: an ApiError is answered with its code, a store
 * outage with `service_unavailable`, anything else with `internal_error` and its stack in the log.
 */
export function createApiHandler(deps: ApiHandlerDeps) {
  return async (
    req: IncomingMessage,
    res: ServerResponse,
    methodName: string,
    rawQuery: string,
  ): Promise<void> => {
    const started = performance.now();
    const state: CallState = { warnings: [], closeConnection: false };
    const responseHeaders: Record<string, string> = {};
    let answer: Answer;
    try {
      answer = {
        status: 200,
        body: await run(req, methodName, rawQuery, state, responseHeaders),
        headers: {},
      };
    } catch (error) {
      if (error instanceof ClientGoneError) {
        deps.log.info({ method: methodName, outcome: 'client_gone' }, error.message);
        return;
      }
      answer = errorAnswer(toApiError(error, methodName, deps.log));
    }
    sendAnswer(res, answer, {
      warnings: state.warnings,
      headers: responseHeaders,
      closeConnection: state.closeConnection,
    });
    if (state.closeConnection) res.once('finish', () => req.destroy());
    const ms = performance.now() - started;
    deps.metrics.observeCall(
      deps.methods.has(methodName) ? methodName : 'unknown',
      answer.status,
      answer.body,
      ms / 1000,
    );
    deps.log.info(
      {
        method: methodName,
        status: answer.status,
        ...(answer.body.ok === false && { error: answer.body.error }),
        ms: Math.round(ms * 10) / 10,
      },
      'api call',
    );
  };

  async function run(
    req: IncomingMessage,
    methodName: string,
    rawQuery: string,
    state: CallState,
    responseHeaders: Record<string, string>,
  ) {
    if (req.method !== 'GET' && req.method !== 'POST') {
      state.closeConnection = true;
      throw new ApiError('method_not_allowed', `verb ${req.method}`);
    }
    const method = deps.methods.get(methodName);
    if (!method)
      throw new ApiError('unknown_method', `no method '${methodName}'`, { req_method: methodName });
    const args = await readCall(req, rawQuery, deps.bodyLimits, state);
    const fault = deps.faults?.take(methodName);
    if (fault) await applyFault(fault);
    const context: MethodContext = {
      args,
      headers: req.headers,
      remoteAddress: sourceAddress(req, deps.trustProxy),
      domain: deps.domain,
      clientAuthLimiter: deps.clientAuthLimiter,
      responseHeaders,
    };
    await deps.methodLimiter.admit(method.name, context);
    return method.handle(context);
  }
}

function toApiError(error: unknown, methodName: string, log: Logger): ApiError {
  if (error instanceof ApiError) {
    if (error.code === 'internal_error') log.error({ err: error, method: methodName }, 'internal error');
    return error;
  }
  if (error instanceof StoreUnavailableError) {
    log.error({ err: error, method: methodName }, 'store unavailable');
    return new ApiError('service_unavailable');
  }
  log.error({ err: error, method: methodName }, 'unexpected error');
  return new ApiError('internal_error');
}
