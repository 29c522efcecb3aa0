/**
 * How long a test suite waits for Latchkey: `createLatchkey()` until its first answer, side by side
 * with a bare node:http server's listen-and-first-answer in the same run. Not a test; run with
 * `npx tsx bench/startup.ts [--runs 30]`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createLatchkey } from '../src/index.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const runs = Number(values.runs);

async function latchkeyStartup(): Promise<number> {
  const started = performance.now();
  const lk = await createLatchkey();
  const answer = await fetch(`${lk.apiUrl}api.test`);
  await answer.json();
  const elapsed = performance.now() - started;
  await lk.close();
  return elapsed;
}

async function bareStartup(): Promise<number> {
  const started = performance.now();
  const server = createServer((_req, res) => res.end('{"ok":true}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await answer.text();
  const elapsed = performance.now() - started;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  return elapsed;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

// The first start pays for loading modules and compiling; it is reported apart.
const firstLatchkey = await latchkeyStartup();
await bareStartup();
const latchkey: number[] = [];
const bare: number[] = [];
for (let i = 0; i < runs; i++) {
  latchkey.push(await latchkeyStartup());
  bare.push(await bareStartup());
}
latchkey.sort((a, b) => a - b);
bare.sort((a, b) => a - b);
const row = (name: string, times: number[]) =>
  `| ${name} | ${quantile(times, 0.5).toFixed(1)} | ${quantile(times, 0.9).toFixed(1)} | ${(times.at(-1) as number).toFixed(1)} |`;
console.log(`Start-up to first answer, ${runs} runs each, interleaved (ms)\n`);
console.log('| target | p50 | p90 | max |\n| --- | --- | --- | --- |');
console.log(row('createLatchkey() → api.test', latchkey));
console.log(row('bare node:http listen → answer', bare));
console.log(`\nfirst createLatchkey() in the process (module load included): ${firstLatchkey.toFixed(1)} ms`);
console.log(
  `ratio of medians, Latchkey / bare: ${(quantile(latchkey, 0.5) / quantile(bare, 0.5)).toFixed(1)}×`,
);
