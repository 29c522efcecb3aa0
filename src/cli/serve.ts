import { parseServeConfig, type ServeFlag, serveSettings } from '../config.js';
import { startLatchkey } from '../main.js';
import { prepareDemo } from './demo.js';
import type { CliIo } from './io.js';
import { type OptionSpecs, parseFlags } from './usage.js';

const serveOptions = Object.fromEntries(
  Object.entries(serveSettings).map(([flag, setting]) => [
    flag,
    { type: 'boolean' in setting ? 'boolean' : 'string' },
  ]),
) as Record<ServeFlag, OptionSpecs[string]>;

/**
 * `latchkey serve`: runs until SIGTERM or SIGINT, then stops accepting, drains in-flight requests,
 * closes the store and returns 0.
 */
export async function serve(args: readonly string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, serveOptions) as Partial<Record<ServeFlag, string | boolean>>;
  const config = parseServeConfig(flags, io.env);
  const latchkey = await startLatchkey(config);
  io.err(`Latchkey listening on ${latchkey.baseUrl} (database ${config.database})`);
  if (config.demo) io.err(await prepareDemo(latchkey.domain, latchkey.baseUrl));

  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  io.err(`${signal}: finishing in-flight requests`);
  await latchkey.close();
  return 0;
}
