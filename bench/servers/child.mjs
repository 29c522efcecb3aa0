// The child side of the bench's parent–child protocol (bench/protocol.ts has its types). Target servers
// are plain JavaScript on plain `node`, with no TypeScript loader, so that their memory and CPU are
// theirs alone; Latchkey runs from dist/, as `latchkey serve` does.

/** The JSON settings the parent passes as the child's last argument. */
export function childSettings() {
  const raw = process.argv.at(-1);
  if (!raw) throw new Error('missing settings argument');
  return JSON.parse(raw);
}

/**
 * Runs a target: `start()` resolves with `{ port, close, mint? }` once the server listens. The child
 * announces its port, mints codes into its own storage when asked (the peers keep codes in memory, so
 * only they can), and exits when told to or when the parent goes away.
 */
export async function runChild(start) {
  const send = (message) => process.send?.(message);
  const target = await start();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await target.close();
    // A normal exit, so that --cpu-prof writes its profile.
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message.type === 'stop') void stop();
    else if (message.type === 'mint') {
      if (!target.mint) return send({ type: 'failed', message: 'this target does not mint codes' });
      target.mint(message.count).then(
        (codes) => send({ type: 'minted', codes }),
        (error) => send({ type: 'failed', message: String(error?.stack ?? error) }),
      );
    }
  });
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  send({ type: 'ready', port: target.port });
}

/** Listens on a free loopback port and resolves with it. */
export async function listenOnLoopback(server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

export async function closeServer(server) {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

export async function readWholeBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}
