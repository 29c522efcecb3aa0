import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import OAuth2Server, { OAuthError, Request, Response } from '@node-oauth/oauth2-server';
import { childSettings, closeServer, listenOnLoopback, readWholeBody, runChild } from './child.mjs';

// The peer @node-oauth/oauth2-server: its token handler over an in-memory model of Maps, on bare
// node:http with the urlencoded body parsed by URLSearchParams (what body-parser would hand it, without
// a framework's cost). Like Latchkey's oauth.access, an exchange returns an access token and no refresh
// token: the model generates none.
const fixture = childSettings();

await runChild(async () => {
  const client = {
    id: fixture.clientId,
    grants: ['authorization_code'],
    redirectUris: [fixture.redirectUri],
  };
  const user = { id: fixture.userId };
  const codes = new Map();
  const tokens = new Map();
  const model = {
    async getClient(clientId, clientSecret) {
      return clientId === fixture.clientId && clientSecret === fixture.clientSecret ? client : false;
    },
    async saveAuthorizationCode(code, codeClient, codeUser) {
      const saved = { ...code, client: codeClient, user: codeUser };
      codes.set(code.authorizationCode, saved);
      return saved;
    },
    async getAuthorizationCode(code) {
      return codes.get(code) ?? false;
    },
    async revokeAuthorizationCode(code) {
      return codes.delete(code.authorizationCode);
    },
    async generateRefreshToken() {
      return undefined;
    },
    async saveToken(token, tokenClient, tokenUser) {
      const saved = { ...token, client: tokenClient, user: tokenUser };
      tokens.set(token.accessToken, saved);
      return saved;
    },
    async getAccessToken(accessToken) {
      return tokens.get(accessToken) ?? false;
    },
  };
  const oauth = new OAuth2Server({ model });

  const server = createServer(async (req, res) => {
    const body = Object.fromEntries(new URLSearchParams((await readWholeBody(req)).toString('utf8')));
    const request = new Request({ headers: req.headers, method: req.method, query: {}, body });
    const response = new Response();
    try {
      await oauth.token(request, response);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
    }
    res.writeHead(response.status ?? 200, { 'content-type': 'application/json', ...response.headers });
    res.end(JSON.stringify(response.body));
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    async mint(count) {
      const minted = [];
      for (let i = 0; i < count; i++) {
        // What the library's authorize handler generates and hands to the model.
        const authorizationCode = randomBytes(32).toString('hex');
        await model.saveAuthorizationCode(
          {
            authorizationCode,
            expiresAt: new Date(Date.now() + fixture.codeTtlSeconds * 1000),
            redirectUri: fixture.redirectUri,
            scope: fixture.scope.split(' '),
          },
          client,
          user,
        );
        minted.push(authorizationCode);
      }
      return minted;
    },
    close: () => closeServer(server),
  };
});
