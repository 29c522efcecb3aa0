import type { IncomingMessage } from 'node:http';
import { fail } from '../../errors.js';
import { type Arguments, checkArgumentNames, mergeArguments } from './arguments.js';
import {
  ACCEPTED_MEDIA_TYPES,
  acceptedCharset,
  type Charset,
  type ContentType,
  charsetWarning,
  parseContentType,
} from './content-type.js';
import { parseJsonArguments } from './json-body.js';
import { parseMultipart } from './multipart.js';
import { type BodyLimits, readBody } from './read-body.js';
import { type ArgumentPair, parseUrlencoded } from './urlencoded.js';

/** What the answer to a call must carry whatever the outcome: warnings, and whether to hang up. */
export interface CallState {
  readonly warnings: string[];
  /** Set when unread or untrusted bytes may still be on the connection, so it must not be reused. */
  closeConnection: boolean;
}

/** The client hung up before its body was whole: there is nobody to answer (spec §1.3 step 4). */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
}

/**
 * Slack's calling conventions for reading a call (spec §1.1, §1.3, §1.4), every check in the spec's
 * order. Returns the arguments, or throws the ApiError of the first check that fails; warnings are
 * recorded in `state` as soon as they are known, so that error answers carry them too.
 */
export async function readCall(
  req: IncomingMessage,
  rawQuery: string,
  limits: BodyLimits,
  state: CallState,
): Promise<Arguments> {
  const bodyPairs = req.method === 'POST' ? await readBodyArguments(req, limits, state) : [];
  // Most calls carry no query string at all.
  const queryPairs = rawQuery === '' ? [] : parseUrlencoded(Buffer.from(rawQuery, 'utf8'), 'utf-8');
  if (queryPairs === undefined) fail('invalid_form_data', 'malformed query string');
  const nameError = checkArgumentNames(queryPairs, bodyPairs);
  if (nameError) fail(nameError, 'bad argument name');
  return mergeArguments(queryPairs, bodyPairs);
}

async function readBodyArguments(
  req: IncomingMessage,
  limits: BodyLimits,
  state: CallState,
): Promise<ArgumentPair[]> {
  const declaresBody =
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  const header = req.headers['content-type'];
  if (header === undefined) {
    if (!declaresBody) return [];
    state.closeConnection = true;
    fail('missing_post_type', 'body without Content-Type');
  }
  const contentType = parseContentType(header);
  if (!ACCEPTED_MEDIA_TYPES.has(contentType.mediaType)) {
    state.closeConnection = declaresBody;
    fail('invalid_post_type', `media type '${contentType.mediaType}'`);
  }
  const warning = charsetWarning(contentType);
  if (warning) state.warnings.push(warning);
  const charset = contentType.charset === undefined ? 'utf-8' : acceptedCharset(contentType.charset);
  if (charset === undefined) {
    state.closeConnection = declaresBody;
    fail('invalid_charset', `charset '${contentType.charset}'`);
  }

  const result = await readBody(req, limits);
  if (result.kind === 'aborted') throw new ClientGoneError('client closed the connection mid-body');
  if (result.kind !== 'complete') {
    state.closeConnection = true;
    if (result.kind === 'too_large') fail('request_too_large', `body over ${limits.maxBytes} bytes`);
    fail('request_timeout', `body not whole after ${limits.timeoutMs} ms`);
  }
  if (result.body.length === 0) return [];
  return parseBody(result.body, header, contentType, charset);
}

async function parseBody(
  body: Buffer,
  header: string,
  contentType: ContentType,
  charset: Charset,
): Promise<ArgumentPair[]> {
  switch (contentType.mediaType) {
    case 'application/json': {
      const parsed = parseJsonArguments(body, charset);
      if (typeof parsed === 'string') fail(parsed, 'JSON body refused');
      return parsed;
    }
    case 'multipart/form-data': {
      const parsed = await parseMultipart(body, header, charset);
      if (parsed === undefined) fail('invalid_form_data', 'multipart body does not parse');
      return parsed;
    }
    default: {
      const parsed = parseUrlencoded(body, charset);
      if (parsed === undefined) fail('invalid_form_data', 'urlencoded body does not parse');
      return parsed;
    }
  }
}
