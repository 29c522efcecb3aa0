import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts what is left. */
  close(graceMs?: number): Promise<void>;
}

export interface ListenOptions {
  readonly port: number;
  readonly host: string;
  /** Our own body deadline; Node's request timeout is set past it so that ours answers first. */
  readonly bodyTimeoutMs: number;
}

const HEADERS_TIMEOUT_MS = 15000;

export function listen(listener: RequestListener, options: ListenOptions): Promise<RunningServer> {
  // Node's requestTimeout counts from the first byte of the headers, so it is the header allowance
  // plus our body deadline plus a margin: a slow body is answered request_timeout by us, not cut by Node.
  const server = createServer(
    { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: HEADERS_TIMEOUT_MS + options.bodyTimeoutMs + 5000 },
    listener,
  );
  // Node answers an Expect other than 100-continue with a bare 417 of its own, which no Slack client
  // understands (spec §1.2); RFC 9110 §10.1.1 lets a server ignore an expectation it does not know.
  server.on('checkExpectation', listener);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        close: (graceMs = 10000) => closeGracefully(server, graceMs),
      });
    });
  });
}

function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
