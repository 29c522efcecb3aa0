import type { Socket } from 'node:net';

/** How long a closing connection keeps reading and dropping what the client still sends. */
const LINGER_MS = 2000;

/**
 * Closes a connection that may still carry unread bytes (a body cut off by its deadline or its size
 * limit) without losing the answer, as RFC 9112 §9.6 advises: the answer and a FIN go first, then
 * whatever the client still sends is read and dropped for a moment before the socket is destroyed.
 * Destroying it at once, with bytes unread or still coming, makes the kernel answer them with a
 * reset, and a reset discards the answer on the client's side unless it was read already: a client
 * that reads its answer late never saw its `request_timeout` or `request_too_large`
 * (test/security/regressions.test.ts). Node ends a `Connection: close` answer with destroySoon, so
 * that is where the linger goes; the client's own close ends it early.
 */
export function lingerOnClose(socket: Socket): void {
  socket.destroySoon = () => {
    socket.end();
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}
