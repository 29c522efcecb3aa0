import type { IncomingMessage } from 'node:http';

export interface BodyLimits {
  /** How long the whole body may take to arrive, from the moment the headers were read. */
  readonly timeoutMs: number;
  /** The largest body accepted, in bytes. */
  readonly maxBytes: number;
}

export type BodyResult =
  | { readonly kind: 'complete'; readonly body: Buffer }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'timeout' }
  /** The client went away before the body was whole: nobody is left to answer. */
  | { readonly kind: 'aborted' };

/**
 * Reads a request body under a byte limit and a deadline. It never buffers more than the limit, and
 * it settles exactly once, removing its listeners and timer, so a truncated or trickled body holds
 * neither memory nor the event loop past the deadline (held by test/calling-conventions.test.ts and
 * test/security/slow-clients.test.ts).
 */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<BodyResult> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limits.maxBytes) return Promise.resolve({ kind: 'too_large' });

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;

    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      if (result.kind !== 'complete') req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBytes) return settle({ kind: 'too_large' });
      chunks.push(chunk);
    };
    const onEnd = () => settle({ kind: 'complete', body: Buffer.concat(chunks, received) });
    const onClose = () =>
      settle(
        req.complete ? { kind: 'complete', body: Buffer.concat(chunks, received) } : { kind: 'aborted' },
      );

    const timer = setTimeout(() => settle({ kind: 'timeout' }), limits.timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onClose);
  });
}
