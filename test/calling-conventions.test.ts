import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bodyOf, send, sendRaw } from './helpers/raw-http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

// Spec §1: every check of Slack's calling conventions, through a listening server, via api.test.

const FORM = 'application/x-www-form-urlencoded';
const JSON_UTF8 = 'application/json; charset=utf-8';

let server: TestServer;
before(async () => {
  server = await startTestServer({ bodyTimeoutMs: 300, maxBytes: 1024 });
});
after(() => server.close());

function apiTest(options: Parameters<typeof send>[2], query = '') {
  return send(server.url, `/api/api.test${query}`, options);
}

describe('verbs and methods', () => {
  it('accepts GET with query arguments', async () => {
    const answer = await apiTest({ method: 'GET' }, '?foo=bar&n=1');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { ok: true, args: { foo: 'bar', n: '1' } });
  });

  it('answers every call with the JSON and no-store headers', async () => {
    const answer = await apiTest({ method: 'GET' });
    assert.equal(answer.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(answer.headers['cache-control'], 'no-store');
    assert.equal(answer.headers.pragma, 'no-cache');
  });

  it('answers another verb with 405, Allow and method_not_allowed', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const answer = await apiTest({ method });
      assert.equal(answer.status, 405);
      assert.equal(answer.headers.allow, 'GET, POST');
      assert.deepEqual(answer.json, { ok: false, error: 'method_not_allowed' });
    }
  });

  it('answers an unknown method with unknown_method and req_method', async () => {
    const answer = await send(server.url, '/api/chat.frobnicate', { method: 'GET' });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { ok: false, error: 'unknown_method', req_method: 'chat.frobnicate' });
  });

  it('fails on purpose with api.test error=<code>', async () => {
    const answer = await apiTest({ method: 'GET' }, '?error=my_error&foo=1');
    assert.deepEqual(answer.json, { ok: false, error: 'my_error', args: { error: 'my_error', foo: '1' } });
  });
});

describe('arguments from query and body', () => {
  it('lets the body win over the query, and the first occurrence win within a source', async () => {
    const answer = await apiTest(
      { headers: { 'content-type': FORM }, body: 'a=body&a=second&c=3' },
      '?a=query&b=2&b=3',
    );
    assert.deepEqual(answer.json, { ok: true, args: { a: 'body', b: '2', c: '3' } });
  });

  it('treats an empty value as absent', async () => {
    const answer = await apiTest({ headers: { 'content-type': FORM }, body: 'redirect_uri=&x=1' }, '?y=');
    assert.deepEqual(answer.json, { ok: true, args: { x: '1' } });
  });

  it('treats a POST with no body and no Content-Type as a call with query arguments', async () => {
    const answer = await apiTest({}, '?q=1');
    assert.deepEqual(answer.json, { ok: true, args: { q: '1' } });
  });

  it('treats a zero-length body as no arguments whatever its type, warnings included', async () => {
    const form = await apiTest({ headers: { 'content-type': FORM }, body: '' }, '?q=1');
    assert.deepEqual(form.json, { ok: true, args: { q: '1' } });
    const json = await apiTest({ headers: { 'content-type': 'application/json' }, body: '' });
    assert.deepEqual(json.json, {
      ok: true,
      args: {},
      warning: 'missing_charset',
      response_metadata: { warnings: ['missing_charset'] },
    });
  });

  it('decodes + as a space and percent escapes as UTF-8', async () => {
    const answer = await apiTest({ headers: { 'content-type': FORM }, body: 'text=a+b%20c%C3%A9' });
    assert.deepEqual(answer.json, { ok: true, args: { text: 'a b cé' } });
  });

  it('parses text/plain as urlencoded', async () => {
    const answer = await apiTest({ headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'a=1' });
    assert.deepEqual(answer.json, { ok: true, args: { a: '1' } });
  });

  it('turns JSON strings, numbers and booleans into strings and null into absence', async () => {
    const answer = await apiTest({
      headers: { 'content-type': JSON_UTF8 },
      body: '{"s":"x","n":42,"f":1.5,"t":true,"b":false,"gone":null}',
    });
    assert.deepEqual(answer.json, { ok: true, args: { s: 'x', n: '42', f: '1.5', t: 'true', b: 'false' } });
  });

  it('reads multipart fields and ignores file parts', async () => {
    const boundary = 'XyZ';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="a"',
      '',
      '1',
      `--${boundary}`,
      'Content-Disposition: form-data; name="upload"; filename="f.txt"',
      'Content-Type: text/plain',
      '',
      'file body',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const answer = await apiTest({
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    assert.deepEqual(answer.json, { ok: true, args: { a: '1' } });
  });

  it('decodes iso-8859-1 bodies in that charset', async () => {
    const answer = await apiTest({
      headers: { 'content-type': 'text/plain; charset=iso-8859-1' },
      body: 'name=%E9t%E9',
    });
    assert.deepEqual(answer.json, { ok: true, args: { name: 'été' } });
  });
});

describe('POST body checks, in order (spec §1.3)', () => {
  it('1. missing_post_type: a body without Content-Type', async () => {
    const answer = await apiTest({ body: 'a=1' });
    assert.deepEqual(answer.json, { ok: false, error: 'missing_post_type' });
    const chunked = await apiTest({ body: 'a=1', chunked: true });
    assert.deepEqual(chunked.json, { ok: false, error: 'missing_post_type' });
  });

  it('2. invalid_post_type: a media type Slack does not accept', async () => {
    for (const type of ['application/xml', 'text/html', 'foo', 'application/jsonx']) {
      const answer = await apiTest({ headers: { 'content-type': type }, body: 'a=1' });
      assert.deepEqual(answer.json, { ok: false, error: 'invalid_post_type' }, type);
    }
  });

  it('2. compares media types case-insensitively and ignores parameters', async () => {
    const answer = await apiTest({
      headers: { 'content-type': 'Application/X-WWW-Form-URLEncoded; foo=bar' },
      body: 'a=1',
    });
    assert.deepEqual(answer.json, { ok: true, args: { a: '1' } });
  });

  it('3. invalid_charset: anything but utf-8 and iso-8859-1, including utf8 and latin1', async () => {
    for (const charset of ['utf8', 'latin1', 'utf-16', 'ascii']) {
      const answer = await apiTest({
        headers: { 'content-type': `application/json; charset=${charset}` },
        body: '{}',
      });
      assert.deepEqual(answer.json, { ok: false, error: 'invalid_charset' }, charset);
    }
  });

  it('3. accepts quoted and upper-case charset names', async () => {
    const answer = await apiTest({
      headers: { 'content-type': 'application/json; charset="UTF-8"' },
      body: '{"a":"1"}',
    });
    assert.deepEqual(answer.json, { ok: true, args: { a: '1' } });
  });

  it('4. request_timeout: fewer bytes than Content-Length before the deadline', async () => {
    const raw = await sendRaw(
      server.url,
      `POST /api/api.test HTTP/1.1\r\nHost: x\r\nContent-Type: ${FORM}\r\nContent-Length: 20\r\n\r\na=1`,
      3000,
    );
    assert.match(raw.text, /^HTTP\/1\.1 200 OK/);
    assert.deepEqual(bodyOf(raw.text), { ok: false, error: 'request_timeout' });
    assert.equal(raw.closed, true, 'the connection is closed after a truncated body');
  });

  it('4. request_timeout: a declared body that never starts', async () => {
    const raw = await sendRaw(
      server.url,
      `POST /api/api.test HTTP/1.1\r\nHost: x\r\nContent-Type: ${FORM}\r\nContent-Length: 5\r\n\r\n`,
      3000,
    );
    assert.deepEqual(bodyOf(raw.text), { ok: false, error: 'request_timeout' });
  });

  it('4. request_too_large: 413 for a declared body over the limit, connection closed', async () => {
    const answer = await apiTest({ headers: { 'content-type': FORM }, body: `a=${'x'.repeat(2000)}` });
    assert.equal(answer.status, 413);
    assert.equal(answer.headers.connection, 'close');
    assert.deepEqual(answer.json, { ok: false, error: 'request_too_large' });
  });

  it('4. request_too_large: 413 for a chunked body that grows over the limit', async () => {
    const answer = await apiTest({
      headers: { 'content-type': FORM },
      body: `a=${'x'.repeat(5000)}`,
      chunked: true,
    });
    assert.equal(answer.status, 413);
    assert.deepEqual(answer.json, { ok: false, error: 'request_too_large' });
  });

  it('5. invalid_form_data: malformed percent escapes and bytes invalid in the charset', async () => {
    for (const body of ['a=%zz', 'a=%4', 'a=%', '%zz=1', 'a=%ff', 'a=%C3%28']) {
      const answer = await apiTest({ headers: { 'content-type': FORM }, body });
      assert.deepEqual(answer.json, { ok: false, error: 'invalid_form_data' }, body);
    }
  });

  it('5. invalid_form_data: multipart without boundary, unparseable, or without parts', async () => {
    const noBoundary = await apiTest({ headers: { 'content-type': 'multipart/form-data' }, body: 'a=1' });
    assert.deepEqual(noBoundary.json, { ok: false, error: 'invalid_form_data' });
    const noParts = await apiTest({
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
      body: '--b--\r\n',
    });
    assert.deepEqual(noParts.json, { ok: false, error: 'invalid_form_data' });
    const garbage = await apiTest({
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
      body: 'not multipart',
    });
    assert.deepEqual(garbage.json, { ok: false, error: 'invalid_form_data' });
  });

  it('5. invalid_json and json_not_object', async () => {
    const invalid = await apiTest({ headers: { 'content-type': JSON_UTF8 }, body: '{"a":' });
    assert.deepEqual(invalid.json, { ok: false, error: 'invalid_json' });
    for (const body of ['[1,2]', '"text"', '42', 'null', 'true']) {
      const answer = await apiTest({ headers: { 'content-type': JSON_UTF8 }, body });
      assert.deepEqual(answer.json, { ok: false, error: 'json_not_object' }, body);
    }
  });

  it('6. invalid_array_arg: PHP-style names in body or query, and JSON arrays or objects', async () => {
    for (const body of ['foo[]=1', 'foo[7]=1', 'foo[bar]=1']) {
      const answer = await apiTest({ headers: { 'content-type': FORM }, body });
      assert.deepEqual(answer.json, { ok: false, error: 'invalid_array_arg' }, body);
    }
    const query = await apiTest({ method: 'GET' }, '?a%5Bb%5D=1');
    assert.deepEqual(query.json, { ok: false, error: 'invalid_array_arg' });
    for (const body of ['{"a":[1]}', '{"a":{"b":1}}']) {
      const answer = await apiTest({ headers: { 'content-type': JSON_UTF8 }, body });
      assert.deepEqual(answer.json, { ok: false, error: 'invalid_array_arg' }, body);
    }
  });

  it('6. invalid_arg_name: empty, too long, or with other characters', async () => {
    for (const body of ['=1', `${'a'.repeat(101)}=1`, 'a+b=1', 'caf%C3%A9=1', 'a%2Fb=1']) {
      const answer = await apiTest({ headers: { 'content-type': FORM }, body });
      assert.deepEqual(answer.json, { ok: false, error: 'invalid_arg_name' }, body);
    }
    const query = await apiTest({ method: 'GET' }, '?a%20b=1');
    assert.deepEqual(query.json, { ok: false, error: 'invalid_arg_name' });
    const longest = await apiTest({ headers: { 'content-type': FORM }, body: `${'a'.repeat(100)}=1` });
    assert.equal(longest.json.ok, true);
  });
});

describe('warnings (spec §1.4)', () => {
  const missing = { warning: 'missing_charset', response_metadata: { warnings: ['missing_charset'] } };
  const superfluous = {
    warning: 'superfluous_charset',
    response_metadata: { warnings: ['superfluous_charset'] },
  };

  it('missing_charset for JSON and text/plain without a charset', async () => {
    const json = await apiTest({ headers: { 'content-type': 'application/json' }, body: '{"a":"1"}' });
    assert.deepEqual(json.json, { ok: true, args: { a: '1' }, ...missing });
    const text = await apiTest({ headers: { 'content-type': 'text/plain' }, body: 'a=1' });
    assert.deepEqual(text.json, { ok: true, args: { a: '1' }, ...missing });
  });

  it('superfluous_charset for form types that carry one, even utf-8', async () => {
    const form = await apiTest({ headers: { 'content-type': `${FORM}; charset=utf-8` }, body: 'a=1' });
    assert.deepEqual(form.json, { ok: true, args: { a: '1' }, ...superfluous });
    const multipart = await apiTest({
      headers: { 'content-type': 'multipart/form-data; boundary=b; charset=utf-8' },
      body: '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n',
    });
    assert.deepEqual(multipart.json, { ok: true, args: { a: '1' }, ...superfluous });
  });

  it('no warning for a form without charset or JSON with one', async () => {
    const form = await apiTest({ headers: { 'content-type': FORM }, body: 'a=1' });
    assert.deepEqual(form.json, { ok: true, args: { a: '1' } });
    const json = await apiTest({ headers: { 'content-type': JSON_UTF8 }, body: '{"a":"1"}' });
    assert.deepEqual(json.json, { ok: true, args: { a: '1' } });
  });

  it('attaches warnings to error answers too, without changing ok or status', async () => {
    const answer = await apiTest({ headers: { 'content-type': 'application/json' }, body: '{' });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { ok: false, error: 'invalid_json', ...missing });
    const failing = await apiTest({
      headers: { 'content-type': `${FORM}; charset=utf-8` },
      body: 'error=boom',
    });
    assert.deepEqual(failing.json, { ok: false, error: 'boom', args: { error: 'boom' }, ...superfluous });
  });
});
