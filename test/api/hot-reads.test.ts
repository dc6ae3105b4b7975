import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../../src/http/app.js';
import { createRuntime, type Runtime } from '../../src/main.js';
import { dropPostgresSchema } from '../../src/store/dialects/postgres.js';
import { rawDatabase } from '../../src/store/raw-database.js';
import { ADMIN_TOKEN, JSON_TYPE, testConfig, testStore } from '../helpers/harness.js';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SESSION_EXPIRED, usersMe } from '../helpers/oauth.js';

interface Server {
  runtime: Runtime;
  app: FastifyInstance;
  admin(method: InjectOptions['method'], url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  call(
    method: InjectOptions['method'],
    url: string,
    token: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse>;
  token(username: string): Promise<string>;
  /** Store statements fn makes on this server. */
  statements(fn: () => Promise<unknown>): Promise<number>;
}

async function startServer(
  config: ReturnType<typeof testConfig>,
  options: Parameters<typeof createRuntime>[1] = {},
): Promise<Server> {
  const runtime = await createRuntime(config, options);
  const app = await buildApp(runtime.services, { logger: false, reset: runtime.reset });
  await app.ready();
  const inject = (method: InjectOptions['method'], url: string, token: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  return {
    runtime,
    app,
    admin: (method, url, payload) => inject(method, url, ADMIN_TOKEN, payload),
    call: inject,
    token: async (username) =>
      (await inject('POST', '/_chatterbox/tokens', ADMIN_TOKEN, { username })).json(),
    async statements(fn) {
      const { queries } = runtime.services.store;
      const before = queries.count;
      await fn();
      return queries.count - before;
    },
  };
}

function assertRefused(response: LightMyRequestResponse): void {
  assert.equal(response.statusCode, 401);
  assert.equal(response.headers['content-type'], JSON_TYPE);
  assert.deepEqual(response.json(), SESSION_EXPIRED);
}

function assertOk(response: LightMyRequestResponse): Record<string, unknown> {
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.headers['content-type'], JSON_TYPE);
  return response.json();
}

/**
 * Two servers on one store, each keeping sessions and User Detail in memory (decisions 0031,
 * 0039): a write through one is seen by the next request through the other, with no wait in
 * between. On PostgreSQL each hears the other's writes as notifications; on SQLite the two share
 * one file through their own connections, and each hears the other's commits by `PRAGMA
 * data_version` (its own writes by its connection's triggers).
 */
describe('hot reads across servers sharing one store (decisions 0031, 0039)', () => {
  const dir = testStore === 'sqlite' ? mkdtempSync(join(tmpdir(), 'cb-hot-reads-')) : undefined;
  const config = testConfig(dir ? { db: join(dir, 'shared.db') } : {});
  let a: Server;
  let b: Server;
  before(async () => {
    a = await startServer(config);
    // As a --workers worker starts: the primary (here A) prepared the store.
    b = await startServer(config, { prepare: false });
  });
  after(async () => {
    for (const server of [a, b]) {
      await server?.app.close();
      await server?.runtime.close();
    }
    if (config.databaseUrl) await dropPostgresSchema(config.databaseUrl, config.pgSchema);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A token of `username` that server B has verified and cached, its users/me body as B serves it. */
  async function cachedOnB(username: string): Promise<{ token: string; body: Record<string, unknown> }> {
    const { access_token: token } = (await a.token(username)) as unknown as { access_token: string };
    const body = assertOk(await b.call('GET', usersMe, token));
    // Cached now: the next users/me on B reads neither the session nor the user from the store.
    const quotaStage = b.runtime.services.usage.kind === 'store' ? 1 : 0;
    let again: LightMyRequestResponse | undefined;
    assert.equal(
      await b.statements(async () => {
        again = await b.call('GET', usersMe, token);
      }),
      quotaStage,
    );
    assert.deepEqual(again?.json(), body);
    return { token, body };
  }

  test('a token revoked through one server is refused by the other at once', async () => {
    const { token } = await cachedOnB('alice@acme.example');
    const revoke = await a.app.inject({
      method: 'POST',
      url: '/services/oauth2/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token }).toString(),
    });
    assert.equal(revoke.statusCode, 200);
    assertRefused(await b.call('GET', usersMe, token));
  });

  test('a user deactivated through one server is refused by the other at once, and back when reactivated', async () => {
    const { token, body } = await cachedOnB('bob@acme.example');
    const off = await a.admin('PATCH', `/_chatterbox/users/${body.id}`, { isActive: false });
    assert.equal(off.statusCode, 200);
    assertRefused(await b.call('GET', usersMe, token));
    const on = await a.admin('PATCH', `/_chatterbox/users/${body.id}`, { isActive: true });
    assert.equal(on.statusCode, 200);
    // Deactivation ended the session for good (decision 0003); a new one works on B.
    const { body: again } = await cachedOnB('bob@acme.example');
    assert.deepEqual(again, body);
  });

  test("aboutMe changed through one server shows in the other's users/me at once", async () => {
    const { token, body } = await cachedOnB('admin@acme.example');
    const patched = await a.call('PATCH', usersMe, token, { aboutMe: 'Changed on A' });
    assert.equal(patched.statusCode, 200);
    const seen = assertOk(await b.call('GET', usersMe, token));
    assert.deepEqual(seen, patched.json());
    assert.equal(seen.aboutMe, 'Changed on A');
    assert.notDeepEqual(seen, body);
  });

  test("a follow through one server shows in the followed user's counts on the other at once", async () => {
    const bob = await cachedOnB('bob@acme.example');
    const alice = (await a.token('alice@acme.example')) as unknown as { access_token: string };
    const follow = await a.call(
      'POST',
      '/services/data/v36.0/chatter/users/me/following',
      alice.access_token,
      {
        subjectId: bob.body.id,
      },
    );
    assert.equal(follow.statusCode, 201, follow.body);
    const seen = assertOk(await b.call('GET', usersMe, bob.token));
    assert.deepEqual(seen, { ...bob.body, followersCount: (bob.body.followersCount as number) + 1 });
  });

  test("a follow and an unfollow through one server show in the follower's User Detail of the followed user on the other at once", async () => {
    const bob = await cachedOnB('bob@acme.example');
    const admin = await cachedOnB('admin@acme.example');
    const bobOnB = `/services/data/v36.0/chatter/users/${bob.body.id as string}`;
    const before = assertOk(await b.call('GET', bobOnB, admin.token));
    assert.equal(before.mySubscription, null);
    // Cached now, the viewer's subscription included: no statement but the quota's.
    const quotaStage = b.runtime.services.usage.kind === 'store' ? 1 : 0;
    let again: LightMyRequestResponse | undefined;
    assert.equal(
      await b.statements(async () => {
        again = await b.call('GET', bobOnB, admin.token);
      }),
      quotaStage,
    );
    assert.deepEqual(again?.json(), before);
    const follow = await a.call('POST', '/services/data/v36.0/chatter/users/me/following', admin.token, {
      subjectId: bob.body.id,
    });
    assert.equal(follow.statusCode, 201, follow.body);
    const subscription = follow.json() as { id: string; url: string };
    const followed = assertOk(await b.call('GET', bobOnB, admin.token));
    assert.deepEqual(followed, {
      ...before,
      followersCount: (before.followersCount as number) + 1,
      mySubscription: { id: subscription.id, url: subscription.url },
    });
    const unfollow = await a.call('DELETE', subscription.url, admin.token);
    assert.equal(unfollow.statusCode, 204, unfollow.body);
    assert.deepEqual(assertOk(await b.call('GET', bobOnB, admin.token)), before);
  });

  test('a wrong password through one server leaves what the other keeps (the login throttle is not cached)', async () => {
    const { token, body } = await cachedOnB('alice@acme.example');
    const login = await a.app.inject({
      method: 'POST',
      url: '/services/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'password',
        client_id: DEMO_CLIENT_ID,
        client_secret: DEMO_CLIENT_SECRET,
        username: 'alice@acme.example',
        password: 'not her password',
      }).toString(),
    });
    assert.equal(login.statusCode, 400);
    const quotaStage = b.runtime.services.usage.kind === 'store' ? 1 : 0;
    let seen: LightMyRequestResponse | undefined;
    const statements = await b.statements(async () => {
      seen = await b.call('GET', usersMe, token);
    });
    assert.deepEqual(seen?.json(), body);
    // SQLite's data_version says that the other connection committed, not what: B reads again.
    if (testStore === 'postgres') assert.equal(statements, quotaStage);
    else assert.ok(statements > quotaStage, `${statements} statements`);
  });

  test('after a reset through one server, the other refuses the tokens it had cached', async () => {
    const { token } = await cachedOnB('alice@acme.example');
    const reset = await a.admin('POST', '/_chatterbox/reset');
    assert.equal(reset.statusCode, 200);
    assertRefused(await b.call('GET', usersMe, token));
  });

  test('while its listening connection is down a server reads the store, then caches again once it listens', {
    skip: testStore !== 'postgres' && 'PostgreSQL only: SQLite has no connection to lose',
  }, async () => {
    const { token, body } = await cachedOnB('alice@acme.example');
    const changes = b.runtime.services.changes;
    assert.ok(changes);
    // Ends both servers' listening connections, as a PostgreSQL restart or a network reset would.
    const db = rawDatabase(a.runtime.services.store);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${`chatterbox/${config.pgSchema}/changes`}`.execute(
      db,
    );
    // Whether or not B has noticed yet, what it answers is the store's.
    const other = await a.token('bob@acme.example');
    const bobToken = (other as unknown as { access_token: string }).access_token;
    assertOk(await b.call('GET', usersMe, bobToken));
    const revoke = await a.app.inject({
      method: 'POST',
      url: '/services/oauth2/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: bobToken }).toString(),
    });
    assert.equal(revoke.statusCode, 200);
    assertRefused(await b.call('GET', usersMe, bobToken));
    assert.equal(changes.live, false);
    // Bypassed: the session and the user come from the store on every request.
    let seen: LightMyRequestResponse | undefined;
    const read = await b.statements(async () => {
      seen = await b.call('GET', usersMe, token);
    });
    assert.deepEqual(seen?.json(), body);
    assert.ok(read >= 3, `${read} statements`);
    // Listening again after a second's pause and a new connection: up to 30 s on a loaded machine.
    for (let i = 0; i < 600 && !changes.live; i++) await sleep(50);
    assert.equal(changes.live, true);
    await cachedOnB('alice@acme.example');
    assertRefused(await b.call('GET', usersMe, bobToken));
  });
});
