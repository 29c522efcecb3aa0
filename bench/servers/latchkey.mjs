import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { childSettings, runChild } from './child.mjs';

// Latchkey as `latchkey serve --database <file>` runs it: the built package's composition root, every
// setting at its shipped default (synchronous=FULL, group commit, info logs to stdout) but one: Slack's
// per-method tiers (100 oauth.access a minute per app) would answer a load test `ratelimited`, so the
// buckets are raised out of reach. They are still counted on every call; a build without method
// limits ignores the flag.
const RATE_LIMITS = 'oauth.access=1000000000,auth.test=1000000000';
const dist = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist');
const { parseServeConfig } = await import(pathToFileURL(join(dist, 'config.js')).href);
const { startLatchkey } = await import(pathToFileURL(join(dist, 'main.js')).href);
const { database } = childSettings();

await runChild(async () => {
  const flags = { port: '0', database, 'rate-limits': RATE_LIMITS };
  const latchkey = await startLatchkey(parseServeConfig(flags, {}));
  return { port: latchkey.port, close: () => latchkey.close() };
});
