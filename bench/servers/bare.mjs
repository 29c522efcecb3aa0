import { createServer } from 'node:http';
import { closeServer, listenOnLoopback, readWholeBody, runChild } from './child.mjs';

// The limit: what node:http alone costs for one of these calls. It reads the whole urlencoded body,
// parses it, and answers a constant JSON of the size of an oauth.access answer, with the same headers.
const ANSWER = JSON.stringify({
  ok: true,
  access_token: `xoxp-00000000000-0000000000000-${'0'.repeat(64)}`,
  scope: 'identify',
  user_id: 'U0000000000',
  team_id: 'T0000000000',
  team_name: 'Bench',
  enterprise_id: null,
});
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'content-length': String(Buffer.byteLength(ANSWER)),
};

await runChild(async () => {
  const server = createServer(async (req, res) => {
    const args = new URLSearchParams((await readWholeBody(req)).toString('utf8'));
    if (!args.has('code') && !args.has('token')) {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end('{"ok":false,"error":"invalid_form_data"}');
      return;
    }
    res.writeHead(200, HEADERS).end(ANSWER);
  });
  return { port: await listenOnLoopback(server), close: () => closeServer(server) };
});
