/**
 * The Content-Type of a Web API POST, read leniently: a media type and its parameters. A strict
 * RFC 9110 parser would turn a sloppy but recognisable header into `invalid_post_type`; Slack only
 * refuses types it does not accept.
 */
export interface ContentType {
  /** Lower-cased, parameters removed: `application/json`. */
  readonly mediaType: string;
  /** The charset parameter as sent (unquoted), or undefined when absent. */
  readonly charset: string | undefined;
  readonly boundary: string | undefined;
}

export function parseContentType(header: string): ContentType {
  const [type = '', ...parameters] = header.split(';');
  const values = new Map<string, string>();
  for (const parameter of parameters) {
    const equals = parameter.indexOf('=');
    if (equals < 0) continue;
    const name = parameter.slice(0, equals).trim().toLowerCase();
    let value = parameter.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    if (!values.has(name)) values.set(name, value);
  }
  return {
    mediaType: type.trim().toLowerCase(),
    charset: values.get('charset'),
    boundary: values.get('boundary'),
  };
}

export const ACCEPTED_MEDIA_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'application/json',
  'text/plain',
]);

/** The two charset names Slack accepts, compared case-insensitively; `utf8` and `latin1` are not. */
export type Charset = 'utf-8' | 'iso-8859-1';

export function acceptedCharset(name: string): Charset | undefined {
  const lower = name.toLowerCase();
  return lower === 'utf-8' || lower === 'iso-8859-1' ? lower : undefined;
}

/** Spec §1.4: which warning, if any, the charset parameter of this media type earns. */
export function charsetWarning(
  contentType: ContentType,
): 'missing_charset' | 'superfluous_charset' | undefined {
  const isFormData =
    contentType.mediaType === 'application/x-www-form-urlencoded' ||
    contentType.mediaType === 'multipart/form-data';
  if (isFormData) return contentType.charset === undefined ? undefined : 'superfluous_charset';
  return contentType.charset === undefined ? 'missing_charset' : undefined;
}
