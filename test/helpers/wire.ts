import { connect, type Socket } from 'node:net';

/**
 * HTTP/1.1 at the byte level, for hostile-client tests: a request is written exactly as given (any
 * header value, any body bytes, a Content-Length that lies), and the answer is parsed by hand, so
 * that nothing between the test and the server repairs or refuses what the test sends.
 */

export interface WireRequest {
  readonly method: string;
  /** The request target as it goes on the request line: `/api/api.test?a=1`. */
  readonly target: string;
  /** Header lines in order; repeated names are sent repeatedly. */
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: Buffer;
  /**
   * How the body is framed: a number is sent as Content-Length whatever the body's real size (a
   * larger one leaves the server waiting for bytes that never come); `chunked` sends one chunk and
   * the last chunk; `none` sends no framing header at all.
   */
  readonly framing?: number | 'chunked' | 'none';
}

export interface WireAnswer {
  readonly status: number;
  /** Header names lower-cased; every value of a repeated header, in order. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly body: Buffer;
  /** True when the server closed the connection (rather than the wait running out). */
  readonly closed: boolean;
}

/** The bytes of `request`, with `Host` and `Connection: close` so that the server hangs up after answering. */
export function encodeRequest(request: WireRequest): Buffer {
  const body = request.body ?? Buffer.alloc(0);
  const framing = request.framing ?? (request.body === undefined ? 'none' : body.length);
  const lines = [`${request.method} ${request.target} HTTP/1.1`, 'Host: latchkey.test', 'Connection: close'];
  for (const [name, value] of request.headers ?? []) lines.push(`${name}: ${value}`);
  if (typeof framing === 'number') lines.push(`Content-Length: ${framing}`);
  if (framing === 'chunked') lines.push('Transfer-Encoding: chunked');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (framing !== 'chunked') return Buffer.concat([head, body]);
  const chunk =
    body.length > 0 ? [Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')] : [];
  return Buffer.concat([head, ...chunk, Buffer.from('0\r\n\r\n')]);
}

/**
 * Sends `bytes` on a fresh connection and resolves with the first final (non-1xx) answer once the
 * server closes the connection, or undefined if nothing parseable came back within `waitMs`. With
 * `hangUp`, the client closes its side after writing, as a client does that has nothing more to say
 * (a server then has nobody to wait for).
 */
export function exchange(
  baseUrl: string,
  bytes: Buffer,
  waitMs: number,
  options: { readonly hangUp?: boolean } = {},
): Promise<WireAnswer | undefined> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(chunks), closed));
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => finish(true));
    // A server that hangs up while the request is still being written resets the socket; what it
    // answered before that is still in `chunks`.
    socket.on('error', () => undefined);
    if (options.hangUp) socket.end(bytes);
    else socket.write(bytes);
  });
}

/** Opens a connection and resolves once it is established; the caller writes (or not) and destroys it. */
export function openSocket(baseUrl: string): Promise<Socket> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Parses the first final answer in `raw`; undefined when there is none. */
export function parseAnswer(raw: Buffer, closed: boolean): WireAnswer | undefined {
  let rest = raw;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...headerLines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!match) return undefined;
    const status = Number(match[1]);
    const afterHead = rest.subarray(end + 4);
    if (status >= 100 && status < 200) {
      rest = afterHead;
      continue;
    }
    const headers: Record<string, string[]> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      headers[name] = [...(headers[name] ?? []), line.slice(colon + 1).trim()];
    }
    const length = headers['content-length']?.[0];
    const body =
      length !== undefined
        ? afterHead.subarray(0, Number(length))
        : headers['transfer-encoding']?.[0] === 'chunked'
          ? dechunk(afterHead)
          : afterHead;
    return { status, headers, body, closed };
  }
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
