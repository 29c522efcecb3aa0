import busboy from 'busboy';
import type { Charset } from './content-type.js';
import type { ArgumentPair } from './urlencoded.js';

/**
 * Parses a complete multipart/form-data body with busboy. File parts are drained and ignored. Returns
 * undefined when the boundary is missing, the body does not parse, or it holds no parts at all.
 */
export function parseMultipart(
  body: Buffer,
  contentTypeHeader: string,
  charset: Charset,
): Promise<ArgumentPair[] | undefined> {
  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': contentTypeHeader }, defCharset: charset });
    } catch {
      return resolve(undefined);
    }
    const pairs: ArgumentPair[] = [];
    let parts = 0;
    parser.on('field', (name, value) => {
      parts++;
      pairs.push([name, value]);
    });
    parser.on('file', (_name, stream) => {
      parts++;
      stream.resume();
    });
    parser.on('error', () => resolve(undefined));
    parser.on('close', () => resolve(parts > 0 ? pairs : undefined));
    parser.end(body);
  });
}
