import { availableParallelism, cpus, totalmem } from 'node:os';
import type { RoundResult } from './load.js';
import type { BenchOptions } from './options.js';
import type { Target, TargetKey } from './targets.js';

/** One target over all its rounds: medians of the rounds, and the highest peak RSS of any round. */
export interface TargetSummary {
  readonly key: TargetKey;
  readonly label: string;
  readonly role: Target['role'];
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuMicrosPerRequest: number;
  readonly peakRssBytes: number;
  readonly rounds: readonly RoundResult[];
  /** Latchkey's req/s over the limit's and each peer's, round by round, the median; Latchkey rows only. */
  readonly ratios?: {
    readonly limit?: number;
    readonly 'oauth2-server'?: number;
    readonly 'oidc-provider'?: number;
  };
}

export interface Check {
  readonly name: string;
  readonly holds: boolean;
  readonly measured: string;
}

export interface BenchReport {
  readonly machine: {
    readonly nproc: number;
    readonly cpu: string;
    readonly memoryGiB: number;
    readonly node: string;
  };
  readonly options: BenchOptions;
  readonly command: string;
  readonly targets: readonly TargetSummary[];
  readonly skipped: readonly { readonly key: TargetKey; readonly reason: string }[];
  readonly checks: readonly Check[];
  readonly wallSeconds: number;
}

export function summarise(target: Target, rounds: readonly RoundResult[]): Omit<TargetSummary, 'ratios'> {
  return {
    key: target.key,
    label: target.label,
    role: target.role,
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    cpuMicrosPerRequest: median(rounds.map((r) => r.cpuMicrosPerRequest)),
    peakRssBytes: Math.max(...rounds.map((r) => r.peakRssBytes)),
    rounds,
  };
}

const COMPARED = ['limit', 'oauth2-server', 'oidc-provider'] as const;

export function buildReport(
  summaries: readonly Omit<TargetSummary, 'ratios'>[],
  fields: Omit<BenchReport, 'machine' | 'targets' | 'checks'>,
): BenchReport {
  const roundsOf = (key: TargetKey) => summaries.find((s) => s.key === key)?.rounds;
  const targets = summaries.map((summary): TargetSummary => {
    if (summary.role !== 'latchkey') return summary;
    const ratios: Record<string, number> = {};
    for (const other of COMPARED) {
      const theirs = roundsOf(other);
      if (theirs) ratios[other] = ratioByRound(summary.rounds, theirs);
    }
    return { ...summary, ratios };
  });
  return {
    machine: {
      nproc: availableParallelism(),
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    ...fields,
    targets,
    checks: checksOf(targets, fields.options),
  };
}

/** The issue's targets, each judged on this run's numbers; a target whose rows did not run is left out. */
function checksOf(targets: readonly TargetSummary[], options: BenchOptions): Check[] {
  const checks: Check[] = [];
  const find = (key: TargetKey) => targets.find((t) => t.key === key);
  const atLeast = (name: string, value: number | undefined, floor: number) => {
    if (value !== undefined) checks.push({ name, holds: value >= floor, measured: `${value.toFixed(2)}×` });
  };
  for (const key of ['latchkey-access', 'latchkey-access-basic'] as const) {
    const exchange = find(key);
    if (!exchange) continue;
    const how = key === 'latchkey-access' ? 'body credentials' : 'HTTP Basic';
    atLeast(
      `oauth.access (SQLite, ${how}) ≥ 1.0 × @node-oauth/oauth2-server`,
      exchange.ratios?.['oauth2-server'],
      1,
    );
    atLeast(`oauth.access (SQLite, ${how}) ≥ 3 × oidc-provider`, exchange.ratios?.['oidc-provider'], 3);
    atLeast(`oauth.access (SQLite, ${how}) ≥ 0.33 × the limit`, exchange.ratios?.limit, 0.33);
    checks.push({
      name: `oauth.access (SQLite, ${how}) ≤ 120 µs server CPU per exchange`,
      holds: exchange.cpuMicrosPerRequest <= 120,
      measured: `${exchange.cpuMicrosPerRequest.toFixed(0)} µs`,
    });
    checks.push({
      name: `oauth.access (SQLite, ${how}) p99 ≤ 15 ms at 32 connections`,
      holds: exchange.p99Ms <= 15 && options.connections === 32,
      measured: `${exchange.p99Ms.toFixed(1)} ms at ${options.connections} connections`,
    });
  }
  const few = find('latchkey-auth-1k');
  const many = find('latchkey-auth-1m');
  if (few) atLeast('auth.test ≥ 0.6 × the limit', few.ratios?.limit, 0.6);
  if (few && many) {
    const ratio = ratioByRound(many.rounds, few.rounds);
    checks.push({
      name: `auth.test with ${options.manyTokens.toLocaleString('en')} tokens within 10 % of 1,000`,
      holds: Math.abs(ratio - 1) <= 0.1,
      measured: `${(ratio * 100).toFixed(1)} % of the 1,000-token rate`,
    });
  }
  const latchkeys = targets.filter((t) => t.role === 'latchkey');
  if (latchkeys.length > 0) {
    const peak = Math.max(...latchkeys.map((t) => t.peakRssBytes));
    checks.push({
      name: 'peak RSS under load ≤ 150 MB (every Latchkey target)',
      holds: peak <= 150 * 2 ** 20,
      measured: `${mib(peak)} MB at most`,
    });
  }
  return checks;
}

/** The table, the targets and the facts of the run, as Markdown so that it pastes into the docs. */
export function formatReport(report: BenchReport): string {
  const { options, machine } = report;
  const header = [
    'Target',
    'req/s',
    'p50 ms',
    'p99 ms',
    'CPU µs/req',
    'peak RSS MB',
    '× limit',
    '× oauth2-server',
    '× oidc-provider',
  ];
  const rows = report.targets.map((t) => [
    t.label,
    Math.round(t.requestsPerSecond).toLocaleString('en'),
    t.p50Ms.toFixed(2),
    t.p99Ms.toFixed(2),
    t.cpuMicrosPerRequest.toFixed(0),
    mib(t.peakRssBytes),
    ratio(t.ratios?.limit),
    ratio(t.ratios?.['oauth2-server']),
    ratio(t.ratios?.['oidc-provider']),
  ]);
  const lines = [
    `${machine.nproc} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}; ` +
      `${options.rounds} rounds × ${options.duration} s per target, ${options.connections} connections, ` +
      `targets interleaved; medians over rounds (peak RSS: highest round); ${report.wallSeconds.toFixed(0)} s in all.`,
    '',
    markdownTable(header, rows),
  ];
  if (report.targets.some((t) => t.key === 'latchkey-access-pg')) {
    lines.push(
      '',
      "PostgreSQL row: CPU and RSS are Latchkey's process alone; the database's own are not counted.",
    );
  }
  for (const { key, reason } of report.skipped) lines.push('', `${key}: skipped: ${reason}`);
  if (report.checks.length > 0) {
    lines.push('', 'Targets:', '');
    for (const check of report.checks) {
      lines.push(`- ${check.holds ? 'holds' : 'DOES NOT HOLD'}: ${check.name} — ${check.measured}`);
    }
  }
  return lines.join('\n');
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function ratio(value: number | undefined): string {
  return value === undefined ? '' : `${value.toFixed(2)}×`;
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

/**
 * The median over rounds of one target's req/s over another's in the same round: the two ran seconds
 * apart, so a slow spell of the machine weighs on both sides of each ratio.
 */
function ratioByRound(ours: readonly RoundResult[], theirs: readonly RoundResult[]): number {
  const ratios = ours.flatMap((round, i) => {
    const other = theirs[i];
    return other ? [round.requestsPerSecond / other.requestsPerSecond] : [];
  });
  return median(ratios);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
