import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';
import { childSettings, closeServer, listenOnLoopback, runChild } from './child.mjs';

// The peer oidc-provider: its token endpoint over its own in-memory adapter. That adapter's store is an
// LRU of 1,000 entries by default, which would evict pre-minted codes; here the same adapter class gets
// a store large enough for every code and token of the run. PKCE is off, as for every target: the client
// is confidential and its codes carry no challenge. The scope is not `openid`, so no ID token is signed:
// the answer is an access token, like Latchkey's.
const fixture = childSettings();

await runChild(async () => {
  const store = new LRU({ maxSize: 50_000_000 });
  const server = createServer();
  const port = await listenOnLoopback(server);
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    adapter: (name) => new MemoryAdapter(name, store),
    clients: [
      {
        client_id: fixture.clientId,
        client_secret: fixture.clientSecret,
        redirect_uris: [fixture.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    scopes: ['openid', ...fixture.scope.split(' ')],
    ttl: { AuthorizationCode: fixture.codeTtlSeconds, Grant: 14 * 86400, AccessToken: 3600 },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    features: { devInteractions: { enabled: false } },
  });
  server.on('request', provider.callback());
  const client = await provider.Client.find(fixture.clientId);
  return {
    port,
    async mint(count) {
      const codes = [];
      for (let i = 0; i < count; i++) {
        // One grant per code, as one sign-in makes one; a shared grant would list every code and token.
        const grant = new provider.Grant({ accountId: fixture.userId, clientId: fixture.clientId });
        grant.addOIDCScope(fixture.scope);
        const grantId = await grant.save();
        const code = new provider.AuthorizationCode({
          accountId: fixture.userId,
          grantId,
          client,
          scope: fixture.scope,
          redirectUri: fixture.redirectUri,
          authTime: Math.floor(Date.now() / 1000),
        });
        codes.push(await code.save());
      }
      return codes;
    },
    close: () => closeServer(server),
  };
});
