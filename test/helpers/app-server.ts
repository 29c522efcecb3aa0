import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AppServer {
  readonly url: string;
  close(): Promise<void>;
}

/** A Slack app's own web server on a random loopback port, for install-flow tests. */
export async function startAppServer(listener: RequestListener): Promise<AppServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
