/**
 * Where each request's code or token comes from. An exchange consumes a code, so its pool is minted
 * ahead of every round, never during one; auth.test presents stored tokens, so its pool cycles.
 */
export interface RequestPool {
  /** The next code or token; undefined once a minted pool is spent. */
  take(): string | undefined;
  /** Makes sure at least `count` unused values are ready before a round starts. */
  prepare(count: number): Promise<void>;
}

/** Codes minted through the target's own storage; what one round leaves unused serves the next. */
export class MintedPool implements RequestPool {
  private codes: string[] = [];
  private next = 0;

  constructor(private readonly mint: (count: number) => Promise<string[]>) {}

  take(): string | undefined {
    return this.codes[this.next++];
  }

  async prepare(count: number): Promise<void> {
    this.codes = this.codes.slice(Math.min(this.next, this.codes.length));
    this.next = 0;
    if (this.codes.length < count) this.codes = this.codes.concat(await this.mint(count - this.codes.length));
  }
}

/** Values presented over and over, in a fixed shuffled order. */
export class CyclingPool implements RequestPool {
  private next = 0;
  private readonly values: readonly string[];

  constructor(values: readonly string[]) {
    if (values.length === 0) throw new Error('a cycling pool needs values');
    this.values = shuffled(values);
  }

  take(): string {
    const value = this.values[this.next] as string;
    this.next = (this.next + 1) % this.values.length;
    return value;
  }

  async prepare(): Promise<void> {}
}

function shuffled<T>(values: readonly T[]): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
