/**
 * Follows an install flow the way a browser would, without one: every redirect, with the cookies
 * each hop sets (the app's OAuth state cookie). With `lk.autoApprove(user)` Latchkey's authorize
 * page redirects straight back to the app, so the whole install is a handful of plain requests.
 */
export async function followInstall(startUrl) {
  const cookies = new Map();
  let url = startUrl;
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair] = setCookie.split(';');
      const [name, ...value] = pair.split('=');
      cookies.set(name, value.join('='));
    }
    const location = response.headers.get('location');
    if (!location) return { url, status: response.status, body: await response.text() };
    url = new URL(location, url).toString();
  }
  throw new Error(`too many redirects from ${startUrl}`);
}

/** A free loopback port, for an app whose redirect URI must be registered before it listens. */
export async function freePort() {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
