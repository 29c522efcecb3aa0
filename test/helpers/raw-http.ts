import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

/**
 * One HTTP request with full control of the verb, headers and body bytes (fetch would add a
 * Content-Type of its own). `chunked: true` sends the body with Transfer-Encoding: chunked.
 */
export function send(
  baseUrl: string,
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    chunked?: boolean;
  } = {},
): Promise<RawAnswer> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined && !options.chunked && headers['content-length'] === undefined) {
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    const req = request(url, { method: options.method ?? 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // not JSON: the caller asserts on text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (options.chunked) req.setHeader('transfer-encoding', 'chunked');
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/**
 * Writes raw bytes on a fresh socket and collects whatever comes back until the server closes the
 * connection or `waitMs` passes; for bodies that never arrive whole.
 */
export function sendRaw(
  baseUrl: string,
  bytes: string,
  waitMs: number,
): Promise<{ text: string; closed: boolean }> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    let text = '';
    let closed = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed });
    }, waitMs);
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
    });
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve({ text, closed });
    });
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

/** The JSON body of a raw HTTP answer. */
export function bodyOf(rawAnswer: string): unknown {
  const start = rawAnswer.indexOf('\r\n\r\n');
  return JSON.parse(rawAnswer.slice(start + 4));
}
