import type { IncomingMessage } from 'node:http';
import { type BodyLimits, readBody } from '../web-api/read-body.js';
import { parseUrlencoded } from '../web-api/urlencoded.js';

/** Form fields or query parameters: the first occurrence of a name wins, empty values are absent. */
export type Fields = ReadonlyMap<string, string>;

/** Parses a query string; undefined when it is malformed. */
export function parseQuery(rawQuery: string): Fields | undefined {
  return toFields(parseUrlencoded(Buffer.from(rawQuery, 'latin1'), 'utf-8'));
}

/** Reads an urlencoded form body under the server's body limits; undefined when it is unusable. */
export async function readForm(req: IncomingMessage, limits: BodyLimits): Promise<Fields | undefined> {
  const type = req.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return undefined;
  const result = await readBody(req, limits);
  if (result.kind !== 'complete') return undefined;
  return toFields(parseUrlencoded(result.body, 'utf-8'));
}

function toFields(pairs: ReturnType<typeof parseUrlencoded>): Fields | undefined {
  if (!pairs) return undefined;
  const fields = new Map<string, string>();
  for (const [name, value] of pairs) {
    if (value !== '' && !fields.has(name)) fields.set(name, value);
  }
  return fields;
}
