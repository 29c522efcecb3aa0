import autocannon from 'autocannon';
import type { Target } from './targets.js';

/** One bounded load run against one target, with the target's own CPU and memory over that window. */
export interface RoundResult {
  readonly requests: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Server CPU time (user + system) per completed request. */
  readonly cpuMicrosPerRequest: number;
  readonly peakRssBytes: number;
  readonly failures: Failures;
}

export interface Failures {
  readonly non2xx: number;
  /** 2xx answers that are not a success (`ok:false`, or no access_token from a peer). */
  readonly notOk: number;
  readonly socketErrors: number;
  readonly timeouts: number;
  /** The pool ran dry, so the round stopped early and is void. */
  readonly poolSpent: boolean;
  readonly sample: string | undefined;
}

export function failureCount(failures: Failures): number {
  return (
    failures.non2xx +
    failures.notOk +
    failures.socketErrors +
    failures.timeouts +
    (failures.poolSpent ? 1 : 0)
  );
}

/**
 * Drives the target for `duration` seconds (or exactly `amount` requests) over `connections`
 * keep-alive connections; every request is built by the target's body factory from a fresh value of
 * its pool. Latencies are taken from every response, at microsecond resolution.
 */
export async function runRound(
  target: Target,
  load: { readonly connections: number } & ({ readonly duration: number } | { readonly amount: number }),
): Promise<RoundResult> {
  let notOk = 0;
  let sample: string | undefined;
  let poolSpent = false;
  let last = '';
  const latencies: number[] = [];

  // Assigned before any pool can run dry: the first requests are built while autocannon starts.
  let stop = () => {};

  target.process.resetPeakRss();
  const cpuBefore = target.process.cpuMicros();
  // autocannon reports its duration in whole ticks of a second; the rate is timed here instead, from
  // the start to the last response.
  const started = performance.now();
  let lastResponse = started;
  const instance = autocannon({
    url: `http://127.0.0.1:${target.process.port}`,
    connections: load.connections,
    ...('duration' in load ? { duration: load.duration } : { amount: load.amount }),
    requests: [
      {
        method: 'POST',
        path: target.path,
        headers: target.headers,
        setupRequest(request) {
          const value = target.pool.take();
          if (value === undefined) {
            if (!poolSpent) stop();
            poolSpent = true;
          } else last = value;
          request.body = target.body(value ?? last);
          return request;
        },
        onResponse(status, body) {
          if (status >= 200 && status < 300 && !target.answeredOk(body)) {
            notOk++;
            sample ??= `${status} ${body.slice(0, 300)}`;
          } else if (status >= 300) sample ??= `${status} ${body.slice(0, 300)}`;
        },
      },
    ],
  });
  stop = () => instance.stop();
  instance.on('response', (_client, _status, _bytes, milliseconds) => {
    latencies.push(milliseconds);
    lastResponse = performance.now();
  });
  const result = await instance;
  const cpuMicros = target.process.cpuMicros() - cpuBefore;
  const peakRssBytes = target.process.peakRssBytes();

  const requests = result.requests.total;
  const seconds = (lastResponse - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests,
    seconds,
    requestsPerSecond: requests / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    cpuMicrosPerRequest: requests > 0 ? cpuMicros / requests : Number.NaN,
    peakRssBytes,
    failures: {
      non2xx: result.non2xx,
      notOk,
      socketErrors: result.errors - result.timeouts,
      timeouts: result.timeouts,
      poolSpent,
      sample,
    },
  };
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
}
