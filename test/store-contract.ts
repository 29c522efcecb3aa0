import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { newClientId, newId } from '../src/domain/secrets.js';
import type { App, Bot, Code, NewToken, NewTokenPair, Store, User, Workspace } from '../src/storage/store.js';

/**
 * The store contract: what every Store implementation must do, written once and run against each
 * database (test/store-sqlite.test.ts, test/store-postgres.test.ts). `open` opens another store on
 * the same database, as another process would, so that atomicity is tested across connections.
 * The database is shared by every test of a run, so each test makes its own records.
 */
export interface StoreUnderTest {
  open(): Promise<Store>;
  /** Removes the database when the run is over. */
  destroy(): Promise<void>;
}

export function defineStoreContract(name: string, setUp: () => Promise<StoreUnderTest>): void {
  describe(`store contract: ${name}`, () => {
    let database: StoreUnderTest;
    let store: Store;
    let other: Store;
    before(async () => {
      database = await setUp();
      store = await database.open();
      other = await database.open();
    });
    after(async () => {
      await store.close();
      await other.close();
      await database.destroy();
    });

    describe('hashKey', () => {
      it('is made once: concurrent first calls from two stores agree', async () => {
        const keys = await Promise.all([store.hashKey(), other.hashKey(), store.hashKey(), other.hashKey()]);
        assert.equal(new Set(keys).size, 1);
        assert.match(keys[0] as string, /^[A-Za-z0-9_-]{43}$/);
      });

      it('stays the same on later calls and for a store opened later', async () => {
        const first = await store.hashKey();
        const later = await database.open();
        try {
          assert.equal(await later.hashKey(), first);
          assert.equal(await store.hashKey(), first);
        } finally {
          await later.close();
        }
      });
    });

    describe('workspaces', () => {
      it('returns a created workspace by id and by domain', async () => {
        const workspace = newWorkspace();
        await store.createWorkspace(workspace);
        assert.deepEqual(await other.getWorkspace(workspace.id), workspace);
        assert.deepEqual(await other.getWorkspaceByDomain(workspace.domain), workspace);
      });

      it('answers undefined for an unknown id or domain', async () => {
        assert.equal(await store.getWorkspace('TNOSUCHTEAM'), undefined);
        assert.equal(await store.getWorkspaceByDomain('no-such-domain'), undefined);
      });

      it('refuses a second workspace with a taken domain or id', async () => {
        const workspace = newWorkspace();
        await store.createWorkspace(workspace);
        await assert.rejects(store.createWorkspace({ ...newWorkspace(), domain: workspace.domain }));
        await assert.rejects(store.createWorkspace({ ...newWorkspace(), id: workspace.id }));
        assert.deepEqual(await store.getWorkspace(workspace.id), workspace);
      });

      it('lists workspaces in creation order', async () => {
        const created: Workspace[] = [];
        for (let i = 0; i < 3; i++) {
          created.push(newWorkspace());
          await store.createWorkspace(created[i] as Workspace);
          await pause(3);
        }
        const ids = new Set(created.map((workspace) => workspace.id));
        const listed = (await other.listWorkspaces()).filter((workspace) => ids.has(workspace.id));
        assert.deepEqual(listed, created);
      });
    });

    describe('users', () => {
      it('returns a created person and a created bot user with every field', async () => {
        const workspace = await makeWorkspace(store);
        const person: User = {
          id: newId('U'),
          teamId: workspace.id,
          name: 'ada',
          email: `ada-${unique()}@example.com`,
          passwordHash: 'scrypt$hash-of-a-password',
          isBot: false,
        };
        const bot: User = {
          ...person,
          id: newId('U'),
          name: 'a_bot',
          email: null,
          passwordHash: null,
          isBot: true,
        };
        await store.createUser(person);
        await store.createUser(bot);
        assert.deepEqual(await other.getUser(person.id), person);
        assert.deepEqual(await other.getUser(bot.id), bot);
      });

      it('answers undefined for an unknown user', async () => {
        assert.equal(await store.getUser('UNOSUCHUSER'), undefined);
      });

      it('lists the users of one email across workspaces, in creation order', async () => {
        const email = `grace-${unique()}@example.com`;
        const first = await makeUser(store, await makeWorkspace(store), { email });
        await pause(3);
        const second = await makeUser(store, await makeWorkspace(store), { email });
        await makeUser(store, await makeWorkspace(store), { email: `someone-${unique()}@example.com` });
        assert.deepEqual(await other.listUsersByEmail(email), [first, second]);
        assert.deepEqual(await other.listUsersByEmail(`nobody-${unique()}@example.com`), []);
      });

      it('refuses an email used twice in one workspace, and a user of an unknown workspace', async () => {
        const workspace = await makeWorkspace(store);
        const email = `twice-${unique()}@example.com`;
        await makeUser(store, workspace, { email });
        await assert.rejects(makeUser(store, workspace, { email }));
        await assert.rejects(makeUser(store, { ...workspace, id: 'TNOSUCHTEAM' }));
        assert.equal((await store.listUsersByEmail(email)).length, 1);
      });
    });

    describe('apps', () => {
      it('returns a created app by client id with every field', async () => {
        const app = newApp({ redirectUris: ['https://b.example.com/cb', 'https://a.example.com/cb'] });
        await store.createApp(app);
        assert.deepEqual(await other.getAppByClientId(app.clientId), app);
        const open = newApp({ scopes: null, tokenRotation: true });
        await store.createApp(open);
        assert.deepEqual(await other.getAppByClientId(open.clientId), open);
      });

      it('answers undefined for an unknown client id', async () => {
        assert.equal(await store.getAppByClientId('0000000000.000000000000'), undefined);
      });

      it('refuses a taken client id', async () => {
        const app = newApp();
        await store.createApp(app);
        await assert.rejects(store.createApp({ ...newApp(), clientId: app.clientId }));
      });

      it('lists apps in creation order', async () => {
        const created: App[] = [];
        for (let i = 0; i < 3; i++) {
          created.push(newApp());
          await store.createApp(created[i] as App);
          await pause(3);
        }
        const ids = new Set(created.map((app) => app.id));
        assert.deepEqual(
          (await other.listApps()).filter((app) => ids.has(app.id)),
          created,
        );
      });

      it('updates the mutable fields and keeps the client id; false for an unknown app', async () => {
        const app = newApp();
        await store.createApp(app);
        const changed: App = {
          ...app,
          name: 'Renamed',
          clientSecretHash: 'another-secret-hash',
          redirectUris: ['https://c.example.com/cb'],
          scopes: null,
          tokenRotation: true,
        };
        assert.equal(await store.updateApp({ ...changed, clientId: newClientId() }), true);
        assert.deepEqual(await other.getAppByClientId(app.clientId), changed);
        assert.equal(await store.updateApp({ ...changed, id: 'ANOSUCHAPP' }), false);
      });
    });

    describe('ensureBot', () => {
      it('makes the bot and its bot user on first use, then returns that bot', async () => {
        const { app, workspace } = await makeInstall(store);
        const first = candidateBot(app, workspace);
        assert.deepEqual(await store.ensureBot(first.bot, first.user), first.bot);
        assert.deepEqual(await other.getUser(first.user.id), first.user);

        const second = candidateBot(app, workspace);
        assert.deepEqual(await other.ensureBot(second.bot, second.user), first.bot);
        assert.equal(await store.getUser(second.user.id), undefined, 'the unused bot user is not written');
      });

      it('gives one bot to concurrent first installs from two stores', async () => {
        const { app, workspace } = await makeInstall(store);
        const candidates = Array.from({ length: 8 }, () => candidateBot(app, workspace));
        const bots = await Promise.all(
          candidates.map((candidate, i) => (i % 2 ? other : store).ensureBot(candidate.bot, candidate.user)),
        );
        assert.equal(new Set(bots.map((bot) => bot.botId)).size, 1);
        const written = await Promise.all(candidates.map((candidate) => store.getUser(candidate.user.id)));
        assert.equal(written.filter((user) => user !== undefined).length, 1);
        assert.equal(written.find((user) => user !== undefined)?.id, bots[0]?.userId);
      });

      it('keeps one bot per app and workspace', async () => {
        const { app, workspace } = await makeInstall(store);
        const elsewhere = await makeWorkspace(store);
        const here = candidateBot(app, workspace);
        const there = candidateBot(app, elsewhere);
        assert.deepEqual(await store.ensureBot(here.bot, here.user), here.bot);
        assert.deepEqual(await store.ensureBot(there.bot, there.user), there.bot);
      });
    });

    describe('codes', () => {
      it('returns an inserted code with every field', async () => {
        const install = await makeInstall(store);
        const v1 = newCode(install, { redirectUri: null });
        const v2 = newCode(install, {
          version: 2,
          scopes: ['chat:write'],
          userScopes: ['identity.basic', 'identity.email'],
          redirectUri: 'https://a.example.com/cb?x=1',
          codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          codeChallengeMethod: 'S256',
        });
        await store.insertCode(v1);
        await store.insertCode(v2);
        assert.deepEqual(await other.findCode(v1.hash), v1);
        assert.deepEqual(await other.findCode(v2.hash), v2);
      });

      it('answers undefined for an unknown code', async () => {
        assert.equal(await store.findCode(hash()), undefined);
      });

      it('refuses a code hash inserted twice', async () => {
        const install = await makeInstall(store);
        const code = newCode(install);
        await store.insertCode(code);
        await assert.rejects(store.insertCode(code));
      });

      it('burns an unused code once: the first time is kept', async () => {
        const install = await makeInstall(store);
        const code = newCode(install);
        await store.insertCode(code);
        await store.burnCode(code.hash, 1000);
        await other.burnCode(code.hash, 2000);
        assert.equal((await other.findCode(code.hash))?.usedAt, 1000);
      });

      it('burning an unknown code changes nothing', async () => {
        await store.burnCode(hash(), 1000);
      });
    });

    describe('exchangeCode', () => {
      it('marks the code used and writes the tokens with the granted scopes', async () => {
        const install = await makeInstall(store);
        const code = newCode(install, { scopes: ['identify', 'bot'] });
        await store.insertCode(code);
        const bot = candidateBot(install.app, install.workspace);
        await store.ensureBot(bot.bot, bot.user);
        const user = newToken(code, { addScopes: ['identify', 'bot'] });
        const botToken = newToken(code, {
          kind: 'bot',
          userId: bot.user.id,
          addScopes: ['bot'],
          expiresAt: 99_000,
        });

        assert.deepEqual(await store.exchangeCode(code.hash, 5000, [user, botToken]), {
          status: 'issued',
          scopes: [['identify', 'bot'], ['bot']],
        });
        assert.equal((await other.findCode(code.hash))?.usedAt, 5000);
        assert.deepEqual(await other.findToken(user.hash), {
          ...tokenOf(user, ['identify', 'bot']),
          teamName: install.workspace.name,
          teamDomain: install.workspace.domain,
          userName: install.user.name,
          botId: null,
        });
        assert.deepEqual(await other.findToken(botToken.hash), {
          ...tokenOf(botToken, ['bot']),
          teamName: install.workspace.name,
          teamDomain: install.workspace.domain,
          userName: bot.user.name,
          botId: bot.bot.botId,
        });
      });

      it('answers already_used for a used, burned or unknown code, and writes nothing', async () => {
        const install = await makeInstall(store);
        const code = newCode(install);
        await store.insertCode(code);
        assert.equal((await store.exchangeCode(code.hash, 1, [newToken(code)])).status, 'issued');
        const again = newToken(code);
        assert.deepEqual(await other.exchangeCode(code.hash, 2, [again]), { status: 'already_used' });
        assert.equal(await store.findToken(again.hash), undefined);
        assert.equal((await store.findCode(code.hash))?.usedAt, 1);

        const burned = newCode(install);
        await store.insertCode(burned);
        await store.burnCode(burned.hash, 3);
        const afterBurn = newToken(burned);
        assert.deepEqual(await store.exchangeCode(burned.hash, 4, [afterBurn]), { status: 'already_used' });
        assert.equal(await store.findToken(afterBurn.hash), undefined);

        const unknown = newToken(code);
        assert.deepEqual(await store.exchangeCode(hash(), 5, [unknown]), { status: 'already_used' });
        assert.equal(await store.findToken(unknown.hash), undefined);
      });

      it('issues once for 40 concurrent exchanges of one code over two stores', async () => {
        const install = await makeInstall(store);
        const code = newCode(install);
        await store.insertCode(code);
        const tokens = Array.from({ length: 40 }, () => newToken(code));
        const outcomes = await Promise.all(
          tokens.map((token, i) => (i % 2 ? other : store).exchangeCode(code.hash, 10 + i, [token])),
        );
        assert.equal(outcomes.filter((outcome) => outcome.status === 'issued').length, 1);
        assert.equal(outcomes.filter((outcome) => outcome.status === 'already_used').length, 39);
        const found = await Promise.all(tokens.map((token) => store.findToken(token.hash)));
        assert.equal(found.filter((token) => token !== undefined).length, 1);
      });

      it('accumulates scopes per grant: a later install adds to what was granted before', async () => {
        const install = await makeInstall(store);
        const first = newCode(install);
        const second = newCode(install);
        await store.insertCode(first);
        await store.insertCode(second);
        const bot = candidateBot(install.app, install.workspace);
        await store.ensureBot(bot.bot, bot.user);

        const one = await store.exchangeCode(first.hash, 1, [
          newToken(first, { addScopes: ['identify', 'read'] }),
          newToken(first, { kind: 'bot', userId: bot.user.id, addScopes: ['bot'] }),
        ]);
        const later = newToken(second, { addScopes: ['write', 'read'] });
        const two = await other.exchangeCode(second.hash, 2, [
          later,
          newToken(second, { kind: 'bot', userId: bot.user.id, addScopes: ['chat:write'] }),
        ]);
        assert.deepEqual(one, { status: 'issued', scopes: [['identify', 'read'], ['bot']] });
        assert.deepEqual(two, {
          status: 'issued',
          scopes: [
            ['identify', 'read', 'write'],
            ['bot', 'chat:write'],
          ],
        });
        assert.deepEqual((await store.findToken(later.hash))?.scopes, ['identify', 'read', 'write']);
      });

      it('keeps one grant per person: another user of the same app starts from nothing', async () => {
        const install = await makeInstall(store);
        const before = newCode(install);
        await store.insertCode(before);
        await store.exchangeCode(before.hash, 1, [newToken(before, { addScopes: ['identify', 'read'] })]);

        const colleague = await makeUser(store, install.workspace);
        const code = newCode({ ...install, user: colleague });
        await store.insertCode(code);
        assert.deepEqual(
          await store.exchangeCode(code.hash, 2, [
            newToken(code, { userId: colleague.id, addScopes: ['identify'] }),
          ]),
          { status: 'issued', scopes: [['identify']] },
        );
      });

      it('loses no scope when installs of one grant run concurrently over two stores', async () => {
        const install = await makeInstall(store);
        const scopes = Array.from({ length: 12 }, (_, i) => `scope${i}`);
        const codes = scopes.map(() => newCode(install));
        for (const code of codes) await store.insertCode(code);
        await Promise.all(
          codes.map((code, i) =>
            (i % 2 ? other : store).exchangeCode(code.hash, 100 + i, [
              newToken(code, { addScopes: [scopes[i] as string] }),
            ]),
          ),
        );
        const last = newCode(install);
        await store.insertCode(last);
        const outcome = await store.exchangeCode(last.hash, 200, [newToken(last, { addScopes: [] })]);
        assert.equal(outcome.status, 'issued');
        assert.deepEqual(
          [...((outcome.status === 'issued' && outcome.scopes[0]) || [])].sort(),
          [...scopes].sort(),
        );
      });

      it('rolls everything back when a token cannot be written: the code stays unused', async () => {
        const install = await makeInstall(store);
        const first = newCode(install);
        await store.insertCode(first);
        const taken = newToken(first, { addScopes: ['identify'] });
        await store.exchangeCode(first.hash, 1, [taken]);

        const code = newCode(install);
        await store.insertCode(code);
        const fresh = newToken(code, { addScopes: ['write'] });
        const clash = { ...newToken(code, { addScopes: ['write'] }), hash: taken.hash };
        await assert.rejects(store.exchangeCode(code.hash, 2, [fresh, clash]));
        assert.equal((await store.findCode(code.hash))?.usedAt, null);
        assert.equal(await store.findToken(fresh.hash), undefined);

        const retry = newToken(code, { addScopes: ['read'] });
        assert.deepEqual(await other.exchangeCode(code.hash, 3, [retry]), {
          status: 'issued',
          scopes: [['identify', 'read']],
        });
      });
    });

    describe('tokens', () => {
      it('answers undefined for an unknown token', async () => {
        assert.equal(await store.findToken(hash()), undefined);
      });

      it('revokes a token once: true, then false; false for an unknown token', async () => {
        const { token } = await issued(store);
        assert.equal(await store.revokeToken(token.hash, 700), true);
        assert.equal(await other.revokeToken(token.hash, 800), false);
        assert.equal((await other.findToken(token.hash))?.revokedAt, 700);
        assert.equal(await store.revokeToken(hash(), 900), false);
      });

      it('revokes every live token of a long-lived install of a code (user and bot) and no other', async () => {
        const install = await makeInstall(store);
        const code = newCode(install, { scopes: ['identify', 'bot'] });
        await store.insertCode(code);
        const bot = candidateBot(install.app, install.workspace);
        await store.ensureBot(bot.bot, bot.user);
        const user = newToken(code);
        const botToken = newToken(code, { kind: 'bot', userId: bot.user.id, addScopes: ['bot'] });
        await store.exchangeCode(code.hash, 1, [user, botToken]);
        const bystander = await issued(store, install);

        assert.equal(await store.revokeFamiliesOfCode(code.hash, 50), 2);
        assert.equal((await other.findToken(user.hash))?.revokedAt, 50);
        assert.equal((await other.findToken(botToken.hash))?.revokedAt, 50);
        assert.equal((await other.findToken(bystander.token.hash))?.revokedAt, null);
        assert.equal(await other.revokeFamiliesOfCode(code.hash, 60), 0, 'already revoked');
        assert.equal((await other.findToken(user.hash))?.revokedAt, 50);
        assert.equal(await store.revokeFamiliesOfCode(hash(), 70), 0);
      });

      it('keeps a revoked token revoked when its code is replayed later', async () => {
        const { code, token } = await issued(store);
        await store.revokeToken(token.hash, 10);
        assert.equal(await store.revokeFamiliesOfCode(code.hash, 20), 0);
        assert.equal((await store.findToken(token.hash))?.revokedAt, 10);
      });
    });

    describe('token rotation', () => {
      it('writes a refresh token beside a rotating token, with the merged scopes and the family', async () => {
        const { code, access, refreshHash } = await rotatingInstall(store, ['chat:write']);
        const refresh = await other.findRefreshToken(refreshHash);
        assert.deepEqual(refresh, {
          hash: refreshHash,
          kind: 'user',
          appId: code.appId,
          teamId: code.teamId,
          userId: code.userId,
          scopes: ['chat:write'],
          familyId: access.familyId,
          originTokenHash: null,
          usedAt: null,
          revokedAt: null,
        });
        assert.equal((await other.findToken(access.hash))?.expiresAt, access.expiresAt);
      });

      it('answers undefined for an unknown refresh token', async () => {
        assert.equal(await store.findRefreshToken(hash()), undefined);
      });

      it('rotates an unspent refresh token: spends it and writes the next pair of its chain', async () => {
        const { code, access, refreshHash } = await rotatingInstall(store, ['chat:write', 'read']);
        const next = newPair(900_000);
        assert.deepEqual(await other.rotateRefreshToken(refreshHash, 500, 0, next), { status: 'rotated' });
        assert.equal((await store.findRefreshToken(refreshHash))?.usedAt, 500);
        const rotated = await store.findToken(next.accessTokenHash);
        assert.deepEqual(
          rotated && {
            kind: rotated.kind,
            appId: rotated.appId,
            teamId: rotated.teamId,
            userId: rotated.userId,
            scopes: rotated.scopes,
            codeHash: rotated.codeHash,
            familyId: rotated.familyId,
            expiresAt: rotated.expiresAt,
            revokedAt: rotated.revokedAt,
          },
          {
            kind: 'user',
            appId: code.appId,
            teamId: code.teamId,
            userId: code.userId,
            scopes: ['chat:write', 'read'],
            codeHash: null,
            familyId: access.familyId,
            expiresAt: 900_000,
            revokedAt: null,
          },
        );
        const nextRefresh = await store.findRefreshToken(next.refreshTokenHash);
        assert.equal(nextRefresh?.usedAt, null);
        assert.equal(nextRefresh?.familyId, access.familyId);
        assert.equal(nextRefresh?.originTokenHash, null);
      });

      it('refuses a spent refresh token inside the grace window and changes nothing', async () => {
        const { access, refreshHash } = await rotatingInstall(store);
        const first = newPair();
        await store.rotateRefreshToken(refreshHash, 1000, 30_000, first);
        const again = newPair();
        assert.deepEqual(await other.rotateRefreshToken(refreshHash, 20_000, 30_000, again), {
          status: 'reused_in_grace',
        });
        assert.equal(await store.findToken(again.accessTokenHash), undefined);
        assert.equal((await store.findToken(first.accessTokenHash))?.revokedAt, null);
        assert.equal((await store.findToken(access.hash))?.revokedAt, null);
      });

      it('revokes the whole family when a spent refresh token comes back after the grace window', async () => {
        const { access, refreshHash } = await rotatingInstall(store);
        const first = newPair();
        await store.rotateRefreshToken(refreshHash, 1000, 5000, first);
        const again = newPair();
        assert.deepEqual(await other.rotateRefreshToken(refreshHash, 7000, 5000, again), {
          status: 'replayed',
          revokedTokens: 2,
        });
        assert.equal(await store.findToken(again.accessTokenHash), undefined);
        assert.equal((await store.findToken(access.hash))?.revokedAt, 7000);
        assert.equal((await store.findToken(first.accessTokenHash))?.revokedAt, 7000);
        assert.equal((await store.findRefreshToken(first.refreshTokenHash))?.revokedAt, 7000);
        assert.deepEqual(await store.rotateRefreshToken(first.refreshTokenHash, 8000, 5000, newPair()), {
          status: 'revoked',
        });
        assert.deepEqual(await store.rotateRefreshToken(hash(), 8000, 5000, newPair()), {
          status: 'revoked',
        });
      });

      it('rotates once for 20 concurrent refreshes over two stores', async () => {
        const { refreshHash } = await rotatingInstall(store);
        const pairs = Array.from({ length: 20 }, () => newPair());
        const outcomes = await Promise.all(
          pairs.map((pair, i) =>
            (i % 2 ? other : store).rotateRefreshToken(refreshHash, 100 + i, 60_000, pair),
          ),
        );
        assert.equal(outcomes.filter((outcome) => outcome.status === 'rotated').length, 1);
        assert.equal(outcomes.filter((outcome) => outcome.status === 'reused_in_grace').length, 19);
        const written = await Promise.all(pairs.map((pair) => store.findToken(pair.accessTokenHash)));
        assert.equal(written.filter((token) => token !== undefined).length, 1);
      });

      it('leaves no live token in a family revoked while another of its chains rotates', async () => {
        for (let round = 0; round < 10; round++) {
          const install = await makeInstall(store);
          const code = newCode(install, { version: 2, scopes: ['chat:write'], userScopes: ['identify'] });
          await store.insertCode(code);
          const bot = candidateBot(install.app, install.workspace);
          await store.ensureBot(bot.bot, bot.user);
          const familyId = randomUUID();
          const userChain = { ...newToken(code, { familyId, expiresAt: 1e12 }), refreshTokenHash: hash() };
          const botChain = {
            ...newToken(code, { kind: 'bot', userId: bot.user.id, familyId, expiresAt: 1e12 }),
            refreshTokenHash: hash(),
          };
          await store.exchangeCode(code.hash, 1, [userChain, botChain]);
          await store.rotateRefreshToken(userChain.refreshTokenHash, 2, 0, newPair());

          const botNext = newPair();
          await Promise.all([
            other.rotateRefreshToken(botChain.refreshTokenHash, 3, 0, botNext),
            store.rotateRefreshToken(userChain.refreshTokenHash, 3, 0, newPair()),
          ]);
          const refresh = await store.findRefreshToken(botNext.refreshTokenHash);
          assert.ok(
            refresh === undefined || refresh.revokedAt !== null,
            `round ${round}: a live refresh token`,
          );
          const access = await store.findToken(botNext.accessTokenHash);
          assert.ok(access === undefined || access.revokedAt !== null, `round ${round}: a live access token`);
        }
      });

      it('expires the long-lived origin token when the chain exchanged from it first rotates', async () => {
        const { original } = await issuedV2(store);
        const pair = newPair(800_000);
        assert.deepEqual(await store.exchangeLongLivedToken(original.hash, 400, pair), { status: 'issued' });
        const first = await other.findRefreshToken(pair.refreshTokenHash);
        assert.equal(first?.originTokenHash, original.hash);
        assert.equal(first?.familyId, original.familyId);
        assert.deepEqual((await store.findToken(pair.accessTokenHash))?.scopes, ['chat:write']);
        assert.equal(
          (await store.findToken(original.hash))?.expiresAt,
          null,
          'still usable until the first refresh',
        );

        const next = newPair();
        assert.deepEqual(await other.rotateRefreshToken(pair.refreshTokenHash, 600, 0, next), {
          status: 'rotated',
        });
        assert.equal((await store.findToken(original.hash))?.expiresAt, 600);
        assert.equal((await store.findRefreshToken(next.refreshTokenHash))?.originTokenHash, original.hash);
      });

      it('exchanges a long-lived token once; a revoked or unknown one is refused', async () => {
        const { original } = await issuedV2(store);
        assert.deepEqual(await store.exchangeLongLivedToken(original.hash, 1, newPair()), {
          status: 'issued',
        });
        const late = newPair();
        assert.deepEqual(await other.exchangeLongLivedToken(original.hash, 2, late), {
          status: 'already_exchanged',
        });
        assert.equal(await store.findToken(late.accessTokenHash), undefined);

        const revoked = (await issuedV2(store)).original;
        await store.revokeToken(revoked.hash, 3);
        assert.deepEqual(await store.exchangeLongLivedToken(revoked.hash, 4, newPair()), {
          status: 'revoked',
        });
        assert.deepEqual(await store.exchangeLongLivedToken(hash(), 4, newPair()), { status: 'revoked' });
      });

      it('exchanges once for 20 concurrent exchanges of one long-lived token over two stores', async () => {
        const { original } = await issuedV2(store);
        const pairs = Array.from({ length: 20 }, () => newPair());
        const outcomes = await Promise.all(
          pairs.map((pair, i) => (i % 2 ? other : store).exchangeLongLivedToken(original.hash, 10 + i, pair)),
        );
        assert.equal(outcomes.filter((outcome) => outcome.status === 'issued').length, 1);
        assert.equal(outcomes.filter((outcome) => outcome.status === 'already_exchanged').length, 19);
      });

      it('revokes every family of a code, rotated descendants included, and no other', async () => {
        const { code, access, refreshHash } = await rotatingInstall(store);
        const next = newPair();
        await store.rotateRefreshToken(refreshHash, 10, 0, next);
        const bystander = await rotatingInstall(store);

        assert.equal(await other.revokeFamiliesOfCode(code.hash, 20), 2);
        assert.equal((await store.findToken(access.hash))?.revokedAt, 20);
        assert.equal((await store.findToken(next.accessTokenHash))?.revokedAt, 20);
        assert.equal((await store.findRefreshToken(next.refreshTokenHash))?.revokedAt, 20);
        assert.equal((await store.findRefreshToken(refreshHash))?.revokedAt, 20);
        assert.equal((await store.findToken(bystander.access.hash))?.revokedAt, null);
        assert.equal((await store.findRefreshToken(bystander.refreshHash))?.revokedAt, null);
        assert.equal(await store.revokeFamiliesOfCode(code.hash, 30), 0, 'nothing left to revoke');
        assert.equal(await store.revokeFamiliesOfCode(hash(), 30), 0);
      });
    });

    describe('sessions', () => {
      it('returns a created session from any store, expired or not', async () => {
        const { user } = await makeInstall(store);
        const live = { hash: hash(), userId: user.id, expiresAt: Date.now() + 60_000 };
        const expired = { hash: hash(), userId: user.id, expiresAt: 1000 };
        await store.createSession(live);
        await store.createSession(expired);
        assert.deepEqual(await other.findSession(live.hash), live);
        assert.deepEqual(
          await other.findSession(expired.hash),
          expired,
          'the domain decides what expired means',
        );
      });

      it('answers undefined for an unknown session', async () => {
        assert.equal(await store.findSession(hash()), undefined);
      });

      it('refuses a session hash used twice, and a session of an unknown user', async () => {
        const { user } = await makeInstall(store);
        const session = { hash: hash(), userId: user.id, expiresAt: Date.now() + 60_000 };
        await store.createSession(session);
        await assert.rejects(store.createSession({ ...session, userId: user.id }));
        await assert.rejects(store.createSession({ hash: hash(), userId: 'UNOSUCHUSER', expiresAt: 1 }));
      });

      it('deletes one session and leaves the others; deleting twice is harmless', async () => {
        const { user } = await makeInstall(store);
        const ended = { hash: hash(), userId: user.id, expiresAt: Date.now() + 60_000 };
        const kept = { hash: hash(), userId: user.id, expiresAt: Date.now() + 60_000 };
        await store.createSession(ended);
        await store.createSession(kept);
        await store.deleteSession(ended.hash);
        await other.deleteSession(ended.hash);
        assert.equal(await other.findSession(ended.hash), undefined);
        assert.deepEqual(await other.findSession(kept.hash), kept);
      });
    });

    describe('ping and close', () => {
      it('answers ping while the database answers', async () => {
        await store.ping();
        await other.ping();
      });

      it('closes without touching other stores on the database', async () => {
        const extra = await database.open();
        await extra.ping();
        await extra.close();
        await store.ping();
      });
    });
  });
}

// Records for the tests: fresh ids every time, so tests never see each other's rows.

function unique(): string {
  return randomBytes(4).toString('hex');
}

function hash(): string {
  return randomBytes(32).toString('base64url');
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function newWorkspace(): Workspace {
  const suffix = unique();
  return { id: newId('T'), name: `Team ${suffix}`, domain: `team-${suffix}` };
}

async function makeWorkspace(store: Store): Promise<Workspace> {
  const workspace = newWorkspace();
  await store.createWorkspace(workspace);
  return workspace;
}

async function makeUser(store: Store, workspace: Workspace, fields: Partial<User> = {}): Promise<User> {
  const user: User = {
    id: newId('U'),
    teamId: workspace.id,
    name: `user-${unique()}`,
    email: null,
    passwordHash: null,
    isBot: false,
    ...fields,
  };
  await store.createUser(user);
  return user;
}

function newApp(fields: Partial<App> = {}): App {
  return {
    id: newId('A'),
    name: `App ${unique()}`,
    clientId: newClientId(),
    clientSecretHash: hash(),
    redirectUris: ['https://a.example.com/cb'],
    scopes: ['identify', 'read', 'write', 'bot'],
    tokenRotation: false,
    ...fields,
  };
}

interface Install {
  readonly workspace: Workspace;
  readonly user: User;
  readonly app: App;
}

async function makeInstall(store: Store): Promise<Install> {
  const workspace = await makeWorkspace(store);
  const user = await makeUser(store, workspace);
  const app = newApp();
  await store.createApp(app);
  return { workspace, user, app };
}

function candidateBot(app: App, workspace: Workspace): { bot: Bot; user: User } {
  const userId = newId('U');
  return {
    bot: { appId: app.id, teamId: workspace.id, botId: newId('B'), userId },
    user: {
      id: userId,
      teamId: workspace.id,
      name: 'test_app',
      email: null,
      passwordHash: null,
      isBot: true,
    },
  };
}

function newCode(install: Install, fields: Partial<Code> = {}): Code {
  return {
    hash: hash(),
    appId: install.app.id,
    teamId: install.workspace.id,
    userId: install.user.id,
    scopes: ['identify'],
    userScopes: [],
    redirectUri: null,
    version: 1,
    codeChallenge: null,
    codeChallengeMethod: null,
    expiresAt: Date.now() + 600_000,
    usedAt: null,
    ...fields,
  };
}

function newToken(code: Code, fields: Partial<NewToken> = {}): NewToken {
  return {
    hash: hash(),
    kind: 'user',
    appId: code.appId,
    teamId: code.teamId,
    userId: code.userId,
    codeHash: code.hash,
    familyId: randomUUID(),
    expiresAt: null,
    addScopes: code.scopes,
    ...fields,
  };
}

function tokenOf(token: NewToken, scopes: string[]) {
  const { addScopes: _added, ...rest } = token;
  return { ...rest, scopes, revokedAt: null };
}

function newPair(expiresAt = Date.now() + 43_200_000): NewTokenPair {
  return { accessTokenHash: hash(), refreshTokenHash: hash(), expiresAt };
}

/** A v2 install of an app with token rotation: a rotating user token and its refresh token. */
async function rotatingInstall(store: Store, scopes: string[] = ['identify']) {
  const install = await makeInstall(store);
  const code = newCode(install, { version: 2, scopes: [], userScopes: scopes });
  await store.insertCode(code);
  const refreshHash = hash();
  const access = {
    ...newToken(code, { addScopes: scopes, expiresAt: 43_200_000 }),
    refreshTokenHash: refreshHash,
  };
  assert.equal((await store.exchangeCode(code.hash, 1, [access])).status, 'issued');
  return { code, access, refreshHash };
}

/** A v2 install without rotation: one long-lived token, as `oauth.v2.exchange` takes. */
async function issuedV2(store: Store) {
  const install = await makeInstall(store);
  const code = newCode(install, { version: 2, scopes: ['chat:write'], userScopes: [] });
  await store.insertCode(code);
  const original = newToken(code, { addScopes: ['chat:write'] });
  await store.exchangeCode(code.hash, 1, [original]);
  return { code, original };
}

async function issued(store: Store, install?: Install) {
  const own = install ?? (await makeInstall(store));
  const code = newCode(own);
  await store.insertCode(code);
  const token = newToken(code);
  await store.exchangeCode(code.hash, 1, [token]);
  return { code, token };
}
