import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface MeasuredServer {
  readonly url: string;
  /**
   * The server process after a full collection, in bytes: `used` is its JS heap plus the buffers held
   * outside it, `rss` its resident set; `errors` counts its error-level log lines so far.
   */
  memory(): Promise<{ used: number; rss: number; errors: number }>;
  /** A fresh user token for a well-behaved client. */
  token(): Promise<string>;
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('../security/fixtures/measured-server.ts', import.meta.url));

/** Starts test/security/fixtures/measured-server.ts in its own process, with --expose-gc. */
export async function startMeasuredServer(bodyTimeoutMs: number): Promise<MeasuredServer> {
  const child: ChildProcess = fork(SCRIPT, {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, BODY_TIMEOUT_MS: String(bodyTimeoutMs) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await once(child, 'message')) as [{ ready: string }];
  const ask = async <T>(message: string): Promise<T> => {
    child.send(message);
    for (;;) {
      const [answer] = (await once(child, 'message')) as [{ reply?: string } & T];
      if (answer.reply === message) return answer;
    }
  };
  return {
    url: ready.ready,
    memory: () => ask('memory'),
    token: async () => (await ask<{ token: string }>('token')).token,
    async stop() {
      child.send('stop');
      await once(child, 'exit');
    },
  };
}
