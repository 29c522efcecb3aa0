import { ApiError, type ErrorCode, RateLimitedError } from '../errors.js';

/**
 * Fault injection for tests of Slack apps: the next call(s) of a method fail on purpose, wait, or are
 * rate limited, answered exactly as the real failure would be (the envelope turns the thrown error
 * into Slack's status, headers and body). Only the programmatic API and `--insecure-test-controls`
 * reach this.
 */
export interface Fault {
  /** Answer `{"ok":false,"error":…}` instead of running the method. */
  readonly error?: ErrorCode | (string & {});
  /** Answer HTTP 429 `ratelimited` with `Retry-After: retryAfter` seconds. */
  readonly ratelimited?: { readonly retryAfter: number };
  /** Wait this long first; alone, the call then runs as usual. */
  readonly delayMs?: number;
  /** How many calls the fault applies to; 1 by default. */
  readonly times?: number;
}

/** Why a fault cannot be planned; the programmatic API throws it, the HTTP control answers it. */
export class InvalidFaultError extends Error {
  override readonly name = 'InvalidFaultError';
}

const ERROR_CODE = /^[a-z][a-z0-9_]{0,99}$/;

export class FaultPlan {
  private readonly planned = new Map<string, { fault: Fault; remaining: number }[]>();

  /** Queues `fault` for the next calls of `method`, after any fault already queued for it. */
  next(method: string, fault: Fault): void {
    checkFault(method, fault);
    const queue = this.planned.get(method) ?? [];
    queue.push({ fault, remaining: fault.times ?? 1 });
    this.planned.set(method, queue);
  }

  /** Forgets the faults of `method`, or of every method. */
  clear(method?: string): void {
    if (method === undefined) this.planned.clear();
    else this.planned.delete(method);
  }

  /** The fault this call of `method` gets, counting it used; undefined when none is planned. */
  take(method: string): Fault | undefined {
    const queue = this.planned.get(method);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) queue.shift();
    if (queue.length === 0) this.planned.delete(method);
    return head.fault;
  }
}

/** Carries out a fault: waits, then throws the planned failure (if any) for the envelope to answer. */
export async function applyFault(fault: Fault): Promise<void> {
  if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault.ratelimited) {
    throw new RateLimitedError(fault.ratelimited.retryAfter, 'injected fault');
  }
  if (fault.error !== undefined) throw new ApiError(fault.error as ErrorCode, 'injected fault');
}

function checkFault(method: string, fault: Fault): void {
  if (!/^[a-zA-Z0-9_.]+$/.test(method)) throw new InvalidFaultError(`not a method name: '${method}'`);
  if (fault.error !== undefined && fault.ratelimited !== undefined) {
    throw new InvalidFaultError('a fault is either an error or ratelimited, not both');
  }
  if (fault.error === undefined && fault.ratelimited === undefined && fault.delayMs === undefined) {
    throw new InvalidFaultError('a fault needs error, ratelimited or delayMs');
  }
  if (fault.error !== undefined && !ERROR_CODE.test(fault.error)) {
    throw new InvalidFaultError(
      `error must be a snake_case code such as invalid_code (got '${fault.error}')`,
    );
  }
  const retryAfter = fault.ratelimited?.retryAfter;
  if (retryAfter !== undefined && !(Number.isInteger(retryAfter) && retryAfter >= 0)) {
    throw new InvalidFaultError('ratelimited.retryAfter must be a whole number of seconds');
  }
  if (fault.delayMs !== undefined && !(Number.isFinite(fault.delayMs) && fault.delayMs >= 0)) {
    throw new InvalidFaultError('delayMs must be a number of milliseconds, 0 or more');
  }
  if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times >= 1)) {
    throw new InvalidFaultError('times must be a whole number, 1 or more');
  }
}
