/** Time as the domain sees it: injected, so that tests can move it and nothing reads Date.now(). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Wall time read through `performance` rather than `Date`: a test that fakes `Date` for the Slack
 * app it tests (vi.setSystemTime, mock.timers) does not move an in-process Latchkey with it.
 */
export const unmockedClock: Clock = { now: () => Math.floor(performance.timeOrigin + performance.now()) };

/** A clock that stands still until told to move; for tests and the programmatic API. */
export class ManualClock implements Clock {
  constructor(private current = Date.now()) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * The real time plus an offset that only grows: what the programmatic API and
 * `--insecure-test-controls` give a test, so that it can skip ahead (expire codes, rotating tokens
 * and rate-limit windows) while time otherwise runs as usual.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly base: Clock = unmockedClock) {}
  now(): number {
    return this.base.now() + this.offsetMs;
  }
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot move the clock by ${ms} ms`);
    this.offsetMs += ms;
  }
  /** How far this clock has been moved ahead in all, in milliseconds. */
  skippedMs(): number {
    return this.offsetMs;
  }
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `'11m'`, `'13h'`, `'1h30m'`, `'500ms'` or a number of milliseconds; undefined when unreadable. */
export function parseDuration(duration: string | number): number | undefined {
  if (typeof duration === 'number') return Number.isFinite(duration) && duration >= 0 ? duration : undefined;
  const parts = [...duration.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== duration.trim()) return undefined;
  return parts.reduce(
    (total, [, amount, unit]) => total + Number(amount) * (UNIT_MS[unit as string] as number),
    0,
  );
}
