import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failureCount, type RoundResult, runRound } from './load.js';
import { parseBenchOptions, USAGE } from './options.js';
import { formatProfile, summariseProfile } from './profile-summary.js';
import { buildReport, formatReport, summarise } from './report.js';
import { setUpTarget, type Target, type TargetKey } from './targets.js';

/**
 * `npm run bench`: every target in its own process, a warm-up each, then rounds that interleave the
 * targets (A B C A B C …) so that the drift of a shared machine hits them all alike. Codes are minted
 * before each round, never during one. Progress goes to stderr; the table (or --json) to stdout.
 */
const started = performance.now();
const root = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

let options: ReturnType<typeof parseBenchOptions>;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  log(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options === 'help') {
  log(USAGE);
  process.exit(0);
}
const opts = options;

// The Latchkey targets run the built package, as `latchkey serve` does; build it from the sources here.
log('building dist/ (tsc -p tsconfig.build.json)');
const build = spawnSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
if (build.status !== 0) {
  log('the build failed');
  process.exit(1);
}

// Not the system's temporary directory, which may be a RAM disk where fsync costs nothing.
const dataRoot = opts.dataDirectory ?? join(root, 'bench', 'results');
mkdirSync(dataRoot, { recursive: true });
const directory = mkdtempSync(join(dataRoot, 'data-'));
const profileDirectory = opts.profile
  ? join(root, 'bench', 'results', `profile-${new Date().toISOString().replace(/[:.]/g, '-')}`)
  : undefined;
if (profileDirectory) mkdirSync(profileDirectory, { recursive: true });

const targets: Target[] = [];
const skipped: { key: TargetKey; reason: string }[] = [];
const rounds = new Map<Target, RoundResult[]>();
/** The highest rate each target has reached, to size its pool of codes. */
const fastest = new Map<Target, number>();
let failed = false;

try {
  for (const key of opts.targets) {
    const target = await setUpTarget(key, {
      directory,
      manyTokens: opts.manyTokens,
      profileDirectory,
      postgresUrl: process.env.LATCHKEY_BENCH_POSTGRES_URL,
      log,
    });
    if (typeof target === 'string') {
      skipped.push({ key, reason: target });
      // The table says so too; with --json, this line is the only one a person reads.
      if (opts.json) log(`${key}: skipped: ${target}`);
      continue;
    }
    targets.push(target);
    rounds.set(target, []);
    log(`${key}: listening on port ${target.process.port}`);
  }

  // The warm-up lets the JIT settle and estimates how many codes a round will use: a fixed number of
  // requests first, then about three seconds' worth at the rate that gave, whose rate is nearer a
  // warm server's.
  for (const target of targets) {
    let amount = Math.max(2000, 50 * opts.connections);
    for (const phase of ['warm-up', 'second warm-up']) {
      await target.pool.prepare(amount + 2 * opts.connections);
      const result = await runRound(target, { connections: opts.connections, amount });
      requireClean(target, result, phase);
      fastest.set(target, result.requestsPerSecond);
      log(
        `${phase}  ${target.key.padEnd(22)} ${Math.round(result.requestsPerSecond).toString().padStart(6)} req/s`,
      );
      amount = Math.max(amount, Math.ceil(3 * result.requestsPerSecond));
    }
  }

  for (let round = 1; round <= opts.rounds; round++) {
    for (const target of targets) {
      const result = await timedRound(target, round);
      rounds.get(target)?.push(result);
      log(
        `round ${round}/${opts.rounds}  ${target.key.padEnd(22)} ` +
          `${Math.round(result.requestsPerSecond).toString().padStart(6)} req/s  ` +
          `p99 ${result.p99Ms.toFixed(1)} ms  ${result.cpuMicrosPerRequest.toFixed(0)} µs/req  ` +
          `${(result.peakRssBytes / 2 ** 20).toFixed(0)} MB`,
      );
    }
  }
} catch (error) {
  failed = true;
  log(`bench failed: ${(error as Error).stack ?? error}`);
} finally {
  for (const target of targets) await target.close().catch((error) => log(`closing ${target.key}: ${error}`));
  rmSync(directory, { recursive: true, force: true });
}

if (failed) process.exit(1);

const report = buildReport(
  targets.map((target) => summarise(target, rounds.get(target) ?? [])),
  {
    options: opts,
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(
      ' ',
    ),
    skipped,
    wallSeconds: (performance.now() - started) / 1000,
  },
);
const profile = profileDirectory ? summariseProfile(profileDirectory, root) : undefined;
if (opts.json) {
  process.stdout.write(`${JSON.stringify({ ...report, ...(profile && { profile }) }, null, 2)}\n`);
} else {
  process.stdout.write(`${formatReport(report)}\n`);
  if (profile) {
    process.stdout.write(
      `\n(latchkey-access ran under --cpu-prof, which slows it: read its row as a profile, not a figure.)\n\n${formatProfile(profile)}\n`,
    );
  }
}

/**
 * One round of `--duration` seconds. An exchange target gets a pool of fresh codes first, sized from its
 * fastest rate so far with room to spare; should a noisy neighbour's pause end and the target outrun
 * its pool anyway, the round is void and runs again with a larger pool.
 */
async function timedRound(target: Target, round: number): Promise<RoundResult> {
  const when = `round ${round}`;
  for (let attempt = 1; ; attempt++) {
    if (target.consumes) {
      // autocannon ends on its first one-second tick past the duration, hence the extra second; the
      // first round's rate is the warm-up's, which a warm server beats by more than later rounds vary.
      const rate = fastest.get(target) ?? 0;
      const margin = round === 1 ? 2 : 1.5;
      await target.pool.prepare(Math.ceil(rate * (opts.duration + 1) * margin) + 4 * opts.connections);
    }
    const result = await runRound(target, { connections: opts.connections, duration: opts.duration });
    if (result.failures.poolSpent && attempt < 3) {
      log(`${target.key}: its codes ran out in the ${when}; minting more and running it again`);
      fastest.set(target, 2 * Math.max(fastest.get(target) ?? 0, result.requests / result.seconds));
      continue;
    }
    requireClean(target, result, when);
    fastest.set(target, Math.max(fastest.get(target) ?? 0, result.requestsPerSecond));
    return result;
  }
}

/** A target that answers errors has not done the work being measured: stop the run and say why. */
function requireClean(target: Target, result: RoundResult, when: string): void {
  if (failureCount(result.failures) === 0) return;
  const f = result.failures;
  throw new Error(
    `${target.key} answered errors in the ${when} (${result.requests} responses): ${f.non2xx} non-2xx, ` +
      `${f.notOk} not ok, ${f.socketErrors} socket errors, ${f.timeouts} timeouts` +
      `${f.poolSpent ? ', and its pre-minted pool ran dry' : ''}; first: ${f.sample ?? 'none'}\n` +
      `server stderr:\n${target.process.output().slice(-2000)}`,
  );
}
