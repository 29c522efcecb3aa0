import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { childSettings, runChild } from './child.mjs';

// Latchkey as `latchkey serve --database <file>` runs it: the built package's composition root, every
// setting at its shipped default (synchronous=FULL, group commit, info logs to stdout).
const dist = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist');
const { parseServeConfig } = await import(pathToFileURL(join(dist, 'config.js')).href);
const { startLatchkey } = await import(pathToFileURL(join(dist, 'main.js')).href);
const { database } = childSettings();

await runChild(async () => {
  const latchkey = await startLatchkey(parseServeConfig({ port: '0', database }, {}));
  return { port: latchkey.port, close: () => latchkey.close() };
});
