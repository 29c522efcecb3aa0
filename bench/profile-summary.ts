import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Where a V8 .cpuprofile says the time went: self time per function, and per area of the code. */
export interface ProfileSummary {
  readonly file: string;
  readonly busyMs: number;
  readonly idleMs: number;
  readonly functions: readonly {
    readonly name: string;
    readonly where: string;
    readonly ms: number;
    readonly share: number;
  }[];
  readonly areas: readonly { readonly area: string; readonly ms: number; readonly share: number }[];
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function summariseProfile(directory: string, root: string, top = 15): ProfileSummary {
  // One profile per thread; the main thread's, which serves the requests, is the largest.
  const file = readdirSync(directory)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(directory, name))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (!file) throw new Error(`no .cpuprofile in ${directory}`);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

  // Each sample's time is the delta to the next one; summed per node, that is the node's self time.
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + delta);
  });
  const byFunction = new Map<string, { name: string; where: string; micros: number }>();
  const byArea = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  for (const node of profile.nodes) {
    const micros = selfMicros.get(node.id) ?? 0;
    if (micros === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += micros;
      continue;
    }
    busy += micros;
    const where = url ? `${shortUrl(url, root)}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = byFunction.get(key) ?? { name: functionName || '(anonymous)', where, micros: 0 };
    entry.micros += micros;
    byFunction.set(key, entry);
    const area = areaOf(functionName, url, root);
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
  }
  const share = (micros: number) => micros / busy;
  return {
    file,
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    functions: [...byFunction.values()]
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: f.micros / 1000, share: share(f.micros) })),
    areas: [...byArea.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([area, micros]) => ({ area, ms: micros / 1000, share: share(micros) })),
  };
}

function shortUrl(url: string, root: string): string {
  if (url.startsWith('file://')) {
    const path = relative(root, new URL(url).pathname);
    const modules = path.lastIndexOf('node_modules/');
    return modules >= 0 ? path.slice(modules + 'node_modules/'.length) : path;
  }
  return url;
}

function areaOf(functionName: string, url: string, root: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(program)') return 'V8 and native code outside JavaScript';
    return 'native functions called from JavaScript (crypto, SQLite, buffers)';
  }
  if (url.startsWith('node:')) return 'Node.js internals (http, net, streams, timers)';
  const path = shortUrl(url, root);
  if (url.includes('/node_modules/'))
    return `package ${path
      .split('/')
      .slice(0, path.startsWith('@') ? 2 : 1)
      .join('/')}`;
  return path.split('/').slice(0, 2).join('/');
}

export function formatProfile(summary: ProfileSummary): string {
  const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
  const lines = [
    `Profile ${summary.file}: ${summary.busyMs.toFixed(0)} ms busy, ${summary.idleMs.toFixed(0)} ms idle.`,
    '',
    'Self time by area:',
    ...summary.areas.map((a) => `  ${pct(a.share).padStart(7)}  ${a.area}`),
    '',
    'Top functions by self time:',
    ...summary.functions.map((f) => `  ${pct(f.share).padStart(7)}  ${f.name}  ${f.where}`),
  ];
  return lines.join('\n');
}
