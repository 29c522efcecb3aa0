import type { IncomingMessage } from 'node:http';

/**
 * The address a call comes from, for limits per source address. Behind a load balancer every
 * connection comes from the balancer, so with `--trust-proxy` the address is the last one in
 * X-Forwarded-For: the one the balancer itself appended. Entries before it are whatever the client
 * sent and could be forged. Without `--trust-proxy` the header is ignored: anyone could send it.
 */
export function sourceAddress(req: IncomingMessage, trustProxy: boolean): string {
  const socketAddress = req.socket.remoteAddress ?? 'unknown';
  if (!trustProxy) return socketAddress;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  return forwarded.at(-1) ?? socketAddress;
}
