import { systemClock } from '../domain/clock.js';
import { createDomain, type Domain } from '../domain/context.js';
import { openStore } from '../storage/open-store.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Where a command writes, and the environment it reads; tests pass their own. */
export interface CliIo {
  readonly env: Env;
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  env: process.env,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** Prints a command's result: exactly one JSON object with --json, readable lines otherwise. */
export function printResult(io: CliIo, json: boolean | undefined, result: object, human: string): void {
  io.out(json ? JSON.stringify(result) : human);
}

/** The `--database` a command works on: the flag, else the environment, else ./latchkey.db. */
export function databaseOf(flag: string | undefined, env: Env): string {
  return flag ?? env.LATCHKEY_DATABASE ?? env.DATABASE_URL ?? './latchkey.db';
}

/** Runs an admin command against the domain over the named database, closing the store after. */
export async function withDomain<T>(
  database: string,
  env: Env,
  run: (domain: Domain) => Promise<T>,
): Promise<T> {
  const store = await openStore(database);
  try {
    const domain = await createDomain({ store, clock: systemClock, secretKey: env.LATCHKEY_SECRET_KEY });
    return await run(domain);
  } finally {
    await store.close();
  }
}
