/** `Retry-After` in whole seconds (spec §1.2), rounded up and never 0: a client told 0 would retry at once. */
export function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}
