import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Structured JSON logs, one line per event. Request lines name the method, status and error code,
 * never arguments, query strings or headers, so no secret reaches a log; the redaction below is a
 * second guard for anything that slips into a logged object.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: null,
      redact: {
        paths: [
          '*.client_secret',
          '*.code',
          '*.token',
          '*.access_token',
          '*.refresh_token',
          '*.password',
          '*.authorization',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
