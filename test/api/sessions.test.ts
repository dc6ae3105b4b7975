import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { SessionService } from '../../src/auth/session-service.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_PASSWORD,
  demoUser,
  passwordGrant,
  SESSION_EXPIRED,
  tokenRequest,
  usersMe,
} from '../helpers/oauth.js';
import { rawDatabase } from '../helpers/store.js';

async function assertExpired(h: Harness, token: string) {
  const response = await h.request({ method: 'GET', url: usersMe, token });
  assert.equal(response.statusCode, 401);
  assert.equal(response.headers['content-type'], JSON_TYPE);
  assert.deepEqual(response.json(), SESSION_EXPIRED);
}

async function assertAlive(h: Harness, token: string) {
  const response = await h.request({ method: 'GET', url: usersMe, token });
  assert.equal(response.statusCode, 200, response.body);
}

describe('session inactivity timeout (SPEC §4: --session-timeout)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ sessionTimeout: 600 });
  });
  after(() => h.close());

  const advance = async (seconds: number) => {
    const response = await h.admin('POST', '/_chatterbox/clock', { advanceSeconds: seconds });
    assert.equal(response.statusCode, 200);
  };

  test('GET users/me after more than sessionTimeout of inactivity is 401 Session expired or invalid', async () => {
    const token = await h.login('alice@acme.example');
    await assertAlive(h, token);
    await advance(601);
    await assertExpired(h, token);
    // An expired session stays expired, even if the clock is moved back.
    await advance(-601);
    await assertExpired(h, token);
  });

  test('GET users/me: activity keeps the session alive past sessionTimeout since login', async () => {
    const token = await h.login('bob@acme.example');
    for (let i = 0; i < 4; i++) {
      await advance(500);
      await assertAlive(h, token);
    }
    await advance(601);
    await assertExpired(h, token);
  });

  test('GET users/me: the timeout is per session; a new login works after one expired', async () => {
    const old = await h.login('admin@acme.example');
    await advance(601);
    await assertExpired(h, old);
    const fresh = await h.login('admin@acme.example');
    await assertAlive(h, fresh);
  });

  test('POST /services/oauth2/token: refresh tokens outlive sessions (last until revoked)', async () => {
    const issued = (await h.admin('POST', '/_chatterbox/tokens', { username: 'alice@acme.example' })).json();
    await advance(30 * 24 * 3600);
    await assertExpired(h, issued.access_token);
    const refreshed = await tokenRequest(h, {
      grant_type: 'refresh_token',
      refresh_token: issued.refresh_token,
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
    });
    assert.equal(refreshed.statusCode, 200);
    await assertAlive(h, refreshed.json().access_token);
  });
});

describe('deactivating a user (SPEC §5: PATCH /_chatterbox/users/{id})', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('PATCH /_chatterbox/users/{id} isActive:false makes existing tokens 401 and refuses logins', async () => {
    const bob = await demoUser(h, 'bob@acme.example');
    const token = await h.login('bob@acme.example');
    const issued = (await h.admin('POST', '/_chatterbox/tokens', { username: 'bob@acme.example' })).json();
    await assertAlive(h, token);
    await assertAlive(h, issued.access_token);

    const response = await h.admin('PATCH', `/_chatterbox/users/${bob.id}`, { isActive: false });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), {
      id: bob.id,
      orgId: bob.orgId,
      username: 'bob@acme.example',
      type: 'standard',
      isActive: false,
    });

    await assertExpired(h, token);
    await assertExpired(h, issued.access_token);
    const login = await passwordGrant(h, 'bob@acme.example');
    assert.equal(login.statusCode, 400);
    assert.deepEqual(login.json(), { error: 'invalid_grant', error_description: 'inactive user' });
    const refresh = await tokenRequest(h, {
      grant_type: 'refresh_token',
      refresh_token: issued.refresh_token,
      client_id: DEMO_CLIENT_ID,
    });
    assert.equal(refresh.statusCode, 400);
    assert.deepEqual(refresh.json(), { error: 'invalid_grant', error_description: 'inactive user' });
    // The user shows as inactive to others.
    const alice = await h.login('alice@acme.example');
    const seen = await h.request({
      method: 'GET',
      url: `/services/data/v36.0/chatter/users/${bob.id}`,
      token: alice,
    });
    assert.equal(seen.json().isActive, false);

    const back = await h.admin('PATCH', '/_chatterbox/users/bob@acme.example', { isActive: true });
    assert.equal(back.statusCode, 200);
    assert.equal(back.json().isActive, true);
    assert.equal((await passwordGrant(h, 'bob@acme.example')).statusCode, 200);
  });

  test('PATCH /_chatterbox/users/{id} takes 15-character IDs and usernames; unknown → 404, bad body → 400', async () => {
    const dan = await demoUser(h, 'dan@acme.example');
    const short = await h.admin('PATCH', `/_chatterbox/users/${dan.id.slice(0, 15)}`, { isActive: false });
    assert.equal(short.statusCode, 200);
    assert.equal(short.json().id, dan.id);
    for (const who of ['005Cb0000000zzz', 'nobody@acme.example']) {
      const response = await h.admin('PATCH', `/_chatterbox/users/${who}`, { isActive: false });
      assert.equal(response.statusCode, 404, who);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), [
        { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
      ]);
    }
    const bad = await h.admin('PATCH', `/_chatterbox/users/${dan.id}`, { isActive: 'maybe' });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json(), [
      { errorCode: 'INVALID_INPUT', message: 'Invalid isActive: maybe. Specify a value of type boolean.' },
    ]);
  });
});

describe('tokens and passwords are stored only as hashes (SPEC §4)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  /** Every value of every table of the store, as text. */
  async function dumpStore(): Promise<string[]> {
    const { kind } = h.services.store;
    const db = rawDatabase(h.services.store);
    const tables =
      kind === 'sqlite'
        ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)
        : await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = current_schema()`.execute(db);
    const values: string[] = [];
    for (const { name } of tables.rows) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
      for (const row of rows.rows) for (const value of Object.values(row)) values.push(String(value));
    }
    return values;
  }

  test('the store holds no access token, refresh token or password in plain text', async () => {
    const secret = 'Very-Secret-Pa55word!';
    const created = await h.admin('POST', '/_chatterbox/users', {
      username: 'hash.check@acme.example',
      password: secret,
      firstName: 'Hash',
      lastName: 'Check',
      type: 'standard',
    });
    assert.equal(created.statusCode, 201);
    const login = (await passwordGrant(h, 'hash.check@acme.example', secret)).json();
    const issued = (await h.admin('POST', '/_chatterbox/tokens', { username: 'alice@acme.example' })).json();
    const refreshed = (
      await tokenRequest(h, {
        grant_type: 'refresh_token',
        refresh_token: issued.refresh_token,
        client_id: DEMO_CLIENT_ID,
      })
    ).json();
    const tokens = [login.access_token, issued.access_token, issued.refresh_token, refreshed.access_token];
    for (const token of tokens) assert.equal(typeof token, 'string');

    const values = await dumpStore();
    assert.ok(values.length > 100, 'the dump reads the whole store');
    const plain = [...tokens, ...tokens.map((t: string) => t.split('!')[1] ?? t), secret, DEMO_PASSWORD];
    for (const needle of plain) {
      const leak = values.find((value) => value.includes(needle));
      assert.equal(leak, undefined, `found ${needle} in the store`);
    }
    // What is stored instead: the SHA-256 of each token, and scrypt hashes of the passwords.
    for (const token of tokens) {
      const hash = createHash('sha256').update(token).digest('base64url');
      assert.ok(values.includes(hash), `the hash of ${token.slice(0, 20)}… is stored`);
    }
    const passwordHashes = await rawDatabase(h.services.store)
      .selectFrom('users')
      .select(['username', 'password_hash'])
      .where('type', '<>', 'guest')
      .execute();
    assert.ok(passwordHashes.length >= 6);
    for (const row of passwordHashes)
      assert.match(row.password_hash ?? '', /^scrypt\$[^$]+\$[^$]+$/, row.username);
  });
});

describe("steady state: GET users/me costs no store statement but the quota stage's (decisions 0003, 0031, 0039)", () => {
  let h: Harness;
  /**
   * Besides the quota stage's: one statement when the counters are in a shared store (PostgreSQL,
   * decision 0013), none in memory.
   */
  let quotaStage: number;
  before(async () => {
    h = await createHarness();
    quotaStage = h.services.usage.kind === 'store' ? 1 : 0;
  });
  after(() => h.close());

  test('GET /services/data/v36.0/chatter/users/me with a cached session reads neither session nor user from the store', async (t) => {
    const token = await h.login('alice@acme.example');
    const unfreeze = h.freezeClock();
    t.after(unfreeze);
    // The first use verifies the session against the store and caches it.
    const first = await h.request({ method: 'GET', url: usersMe, token });
    assert.equal(first.statusCode, 200);
    for (let i = 0; i < 5; i++) {
      let response: Awaited<ReturnType<Harness['request']>> | undefined;
      const queries = await h.countQueries(async () => {
        response = await h.request({ method: 'GET', url: usersMe, token });
      });
      assert.equal(response?.statusCode, 200);
      assert.deepEqual(response?.json(), first.json());
      assert.equal(queries, quotaStage);
    }
  });

  test('GET users/me as a user who follows people reads no follow either', async (t) => {
    // The viewer's subscriptions show as mySubscription on the people they follow; nobody follows
    // themselves, so users/me needs no follow lookup.
    const alice = await demoUser(h, 'alice@acme.example');
    const bob = await demoUser(h, 'bob@acme.example');
    const token = await h.login('alice@acme.example');
    const follow = await h.request({
      method: 'POST',
      url: '/services/data/v36.0/chatter/users/me/following',
      token,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ subjectId: bob.id }),
    });
    assert.equal(follow.statusCode, 201, follow.body);
    const subscriptionId = follow.json().id;
    const seen = await h.request({
      method: 'GET',
      url: `/services/data/v36.0/chatter/users/${bob.id}`,
      token,
    });
    assert.deepEqual(seen.json().mySubscription, {
      id: subscriptionId,
      url: `/services/data/v36.0/chatter/subscriptions/${subscriptionId}`,
    });
    const unfreeze = h.freezeClock();
    t.after(unfreeze);
    const first = await h.request({ method: 'GET', url: usersMe, token });
    assert.equal(first.json().id, alice.id);
    assert.equal(first.json().followingCounts.people, 1);
    let response: Awaited<ReturnType<Harness['request']>> | undefined;
    const queries = await h.countQueries(async () => {
      response = await h.request({ method: 'GET', url: usersMe, token });
    });
    assert.deepEqual(response?.json(), first.json());
    assert.equal(queries, quotaStage);
  });
});

describe('the session cache is bounded (decision 0003)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('past its bound the session used longest ago is dropped, then verified again', async (t) => {
    const { store, clock } = h.services;
    const sessions = new SessionService(store, clock, {
      sessionTimeoutMs: 7_200_000,
      cacheTtlMs: 30_000,
      cacheMax: 2,
    });
    const alice = await demoUser(h, 'alice@acme.example');
    const app = await store.orgs.firstApp(alice.orgId);
    assert.ok(app);
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      tokens.push((await sessions.issue(alice, app, { withRefreshToken: false })).accessToken);
    }
    const unfreeze = h.freezeClock();
    t.after(unfreeze);
    const verify = (token: string) => h.countQueries(() => sessions.verify(token));
    // First verification of each: the session and its user from the store, and last use written.
    for (const token of tokens) assert.equal(await verify(token), 3);
    // The two most recent stay cached; the first was dropped when the third came in.
    assert.equal(await verify(tokens[2] as string), 0);
    assert.equal(await verify(tokens[1] as string), 0);
    assert.equal(await verify(tokens[0] as string), 3);
    // Verifying the first again dropped the entry used longest ago, the third; the second stays.
    assert.equal(await verify(tokens[1] as string), 0);
    assert.equal(await verify(tokens[2] as string), 3);
  });
});

describe('tokens issued before the redaction-safe alphabet (SPEC §1)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('an access token with a `-` stored by an earlier version still authenticates and revokes', async () => {
    const user = await demoUser(h, 'alice@acme.example');
    const app = await h.services.store.orgs.findAppByClientId(DEMO_CLIENT_ID);
    assert.ok(app);
    // The old format: base64url after the `!`, so a `-` may appear anywhere in it.
    const legacy = `${user.orgId.slice(0, 15)}!AQ-old-token-${'x'.repeat(30)}`;
    const now = h.services.clock.now();
    await h.services.store.auth.createSession({
      tokenHash: createHash('sha256').update(legacy).digest('base64url'),
      orgId: user.orgId,
      userId: user.id,
      appId: app.id,
      refreshTokenId: null,
      issuedAt: now,
      lastUsedAt: now,
      revokedAt: null,
    });
    const response = await h.request({ method: 'GET', url: usersMe, token: legacy });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().id, user.id);
    const revoked = await h.request({
      method: 'POST',
      url: '/services/oauth2/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: legacy }).toString(),
    });
    assert.equal(revoked.statusCode, 200);
    await assertExpired(h, legacy);
  });
});
