import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../src/logger.js';

// The log's second guard (spec §7): a secret that slips into a logged object is censored.

function logged(write: (log: ReturnType<typeof createLogger>) => void): Record<string, unknown> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  write(createLogger('info', sink));
  assert.equal(lines.length, 1);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

describe('log redaction', () => {
  it('censors the secret fields of a logged object and keeps the others', () => {
    const line = logged((log) =>
      log.info(
        { args: { client_id: '1.2', client_secret: 's3cr3t', code: 'c0de', token: 'xoxp-1' } },
        'call',
      ),
    );
    assert.deepEqual(line.args, {
      client_id: '1.2',
      client_secret: '[redacted]',
      code: '[redacted]',
      token: '[redacted]',
    });
  });

  it("censors a request's Authorization and Cookie headers", () => {
    const line = logged((log) =>
      log.info({
        req: { method: 'POST', headers: { authorization: 'Basic eDp5', cookie: 'sid=1', host: 'h' } },
      }),
    );
    assert.deepEqual(line.req, {
      method: 'POST',
      headers: { authorization: '[redacted]', cookie: '[redacted]', host: 'h' },
    });
  });

  it("keeps an error's message and stack and censors its secret fields", () => {
    const error = Object.assign(new Error('boom'), { token: 'xoxb-2' });
    const line = logged((log) => log.error({ err: error, method: 'auth.test' }, 'unexpected error'));
    const err = line.err as Record<string, unknown>;
    assert.equal(err.message, 'boom');
    assert.match(String(err.stack), /Error: boom\n {4}at /);
    assert.equal(err.token, '[redacted]');
    assert.equal(line.method, 'auth.test');
  });

  it('leaves a request line as it is', () => {
    const line = logged((log) => log.info({ method: 'oauth.access', status: 200, ms: 1.5 }, 'api call'));
    assert.deepEqual(
      { method: line.method, status: line.status, ms: line.ms, msg: line.msg },
      { method: 'oauth.access', status: 200, ms: 1.5, msg: 'api call' },
    );
  });
});
