import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import type { ChildMessage, ParentMessage } from './protocol.js';

/**
 * One target server in its own process, so that its CPU time and memory are its own: CPU is read from
 * /proc/PID/stat (user + system time of all its threads) and the peak RSS from VmHWM in
 * /proc/PID/status, which clear_refs resets at the start of each round.
 */
export class TargetProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly stderr: { text: string },
    readonly port: number,
  ) {}

  static async start(
    script: string,
    settings: unknown,
    nodeFlags: readonly string[] = [],
  ): Promise<TargetProcess> {
    const child = spawn(process.execPath, [...nodeFlags, script, JSON.stringify(settings)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const stderr = { text: '' };
    child.stderr?.on('data', (chunk) => {
      stderr.text += chunk;
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${stderr.text}`)), 60_000);
      child.on('message', (message: ChildMessage) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        resolve(message.port);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited with ${code}:\n${stderr.text}`));
      });
    });
    return new TargetProcess(child, stderr, port);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Asks a peer to store `count` codes in its own memory; resolves with them. */
  mint(count: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type === 'minted') {
          this.child.off('message', onMessage);
          resolve([...message.codes]);
        } else if (message.type === 'failed') {
          this.child.off('message', onMessage);
          reject(new Error(message.message));
        }
      };
      this.child.on('message', onMessage);
      this.send({ type: 'mint', count });
    });
  }

  /** CPU time the process has used so far, user and system, in microseconds. */
  cpuMicros(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces; the fields after it are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1e6) / clockTicksPerSecond();
  }

  /** Starts a new peak-RSS window. */
  resetPeakRss(): void {
    writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
  }

  /** The highest resident set size since the last reset, in bytes. */
  peakRssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    if (kib === undefined) throw new Error(`no VmHWM in /proc/${this.pid}/status`);
    return Number(kib) * 1024;
  }

  /** What the process wrote on stderr, for failure reports. */
  output(): string {
    return this.stderr.text;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  private send(message: ParentMessage): void {
    this.child.send(message);
  }
}

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}
