import { parseArgs } from 'node:util';
import { TARGET_KEYS, type TargetKey } from './targets.js';

export interface BenchOptions {
  /** Seconds of load per target per round. */
  readonly duration: number;
  readonly connections: number;
  readonly rounds: number;
  readonly targets: readonly TargetKey[];
  /** Tokens stored for the large auth.test target. */
  readonly manyTokens: number;
  readonly json: boolean;
  readonly profile: boolean;
  /** Where the SQLite files go: a directory on the disk under test, never a RAM disk for a figure. */
  readonly dataDirectory: string | undefined;
}

export const USAGE = `Usage: npm run bench -- [options]

  --duration <s>       seconds of load per target per round (default 8)
  --connections <n>    concurrent keep-alive connections (default 32)
  --rounds <n>         rounds; targets are interleaved A B C A B C … (default 3, at least 1)
  --targets <list>     comma-separated subset of: ${TARGET_KEYS.join(', ')}
  --tokens <n>         tokens stored for latchkey-auth-1m (default 1000000)
  --data-dir <dir>     where the SQLite files go (default: under bench/results/; fsync must cost
                       what it costs on a real disk, so not a RAM disk for a figure)
  --json               print one JSON object instead of the table
  --profile            run latchkey-access under --cpu-prof (into bench/results/) and summarise it
  --help

The PostgreSQL target runs when LATCHKEY_BENCH_POSTGRES_URL is set.`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string', default: '8' },
      connections: { type: 'string', default: '32' },
      rounds: { type: 'string', default: '3' },
      targets: { type: 'string' },
      tokens: { type: 'string', default: '1000000' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const targets =
    values.targets === undefined ? [...TARGET_KEYS] : values.targets.split(',').map((t) => t.trim());
  const unknown = targets.filter((t) => !(TARGET_KEYS as readonly string[]).includes(t));
  if (unknown.length > 0) throw new Error(`unknown target '${unknown.join("', '")}'; see --help`);
  return {
    duration: whole(values.duration, 'duration', 1, 600),
    connections: whole(values.connections, 'connections', 1, 1024),
    rounds: whole(values.rounds, 'rounds', 1, 100),
    targets: TARGET_KEYS.filter((key) => targets.includes(key)),
    manyTokens: whole(values.tokens, 'tokens', 1000, 100_000_000),
    json: values.json,
    profile: values.profile,
    dataDirectory: values['data-dir'],
  };
}

function whole(text: string, name: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max} (got '${text}')`);
  }
  return value;
}
