import { parseArgs } from 'node:util';

/** Bad command-line input: printed as one line naming the flag, exit code 2, nothing written. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function usageError(flag: string, expected: string): never {
  throw new UsageError(`--${flag}: expected ${expected}`);
}

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };
export type OptionSpecs = Record<string, OptionSpec>;

/** Every command's common options (spec §9). */
export const commonOptions = {
  database: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

type FlagValue<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S extends { multiple: true }
    ? string[]
    : string;

/** The parsed flags of a command whose own options are `T`, with the common ones. */
export type Flags<T extends OptionSpecs> = {
  [K in keyof (T & typeof commonOptions)]?: FlagValue<(T & typeof commonOptions)[K]>;
};

/** Parses a command's flags strictly; unknown flags, missing values and positionals are usage errors. */
export function parseFlags<T extends OptionSpecs>(args: readonly string[], options: T): Flags<T> {
  try {
    const parsed = parseArgs({
      args: [...args],
      options: { ...commonOptions, ...options },
      strict: true,
      allowPositionals: false,
    });
    return parsed.values as Flags<T>;
  } catch (error) {
    throw new UsageError(parseArgsMessage(error as Error));
  }
}

function parseArgsMessage(error: Error): string {
  const message = error.message.split('\n', 1)[0] ?? error.message;
  return message.replace(/\. To specify a positional argument.*$/, '');
}

/** The value of a required string flag. */
export function required(value: string | undefined, flag: string, expected: string): string {
  if (value === undefined || value === '') usageError(flag, expected);
  return value;
}

/** A whole number within bounds, from a flag or an environment variable. */
export function wholeNumber(text: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    usageError(flag, `a whole number from ${min} to ${max} (got '${text}')`);
  }
  return value;
}

/** A comma-separated list (`--scopes a,b`); spaces are tolerated as in the authorize step. */
export function list(text: string | undefined): string[] {
  return text === undefined ? [] : text.split(/[\s,]+/).filter((item) => item.length > 0);
}
