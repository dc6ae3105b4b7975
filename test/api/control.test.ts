import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { formatId18 } from '../../src/ids/id-generator.js';
import { createHarness, type Harness, JSON_TYPE, testStore } from '../helpers/harness.js';
import {
  ADMIN_TOKEN_MISSING,
  ADMIN_TOKEN_WRONG,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_PASSWORD,
  demoUser,
  expectedSignature,
  passwordGrant,
  SESSION_EXPIRED,
  tokenRequest,
  usersMe,
} from '../helpers/oauth.js';
import { rawDatabase } from '../helpers/store.js';

const packageVersion = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;
const invalidInput = (message: string) => [{ errorCode: 'INVALID_INPUT', message }];

function assertJson(response: { statusCode: number; headers: Record<string, unknown> }, status: number) {
  assert.equal(response.statusCode, status);
  assert.equal(response.headers['content-type'], JSON_TYPE);
}

/** A control-plane request with a raw body (for bodies a JS value cannot express). */
function rawAdmin(h: Harness, method: 'POST' | 'PATCH', url: string, payload: string) {
  return h.request({
    method,
    url,
    token: 'test-admin-token',
    headers: { 'content-type': 'application/json' },
    payload,
  });
}

describe('control plane: the admin token (SPEC §9)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('GET /_chatterbox/health needs no token', async () => {
    for (const token of [undefined, 'wrong']) {
      const response = await h.request({ method: 'GET', url: '/_chatterbox/health', token });
      assertJson(response, 200);
      assert.deepEqual(response.json(), {
        status: 'ok',
        version: packageVersion,
        store: testStore,
        dependencies: { store: 'ok' },
      });
    }
  });

  test('every other /_chatterbox route is 401 without the admin token, and changes nothing', async () => {
    const alice = await demoUser(h, 'alice@acme.example');
    const userToken = await h.login('alice@acme.example');
    const routes: [string, string, unknown][] = [
      ['POST', '/_chatterbox/reset', undefined],
      ['GET', '/_chatterbox/clock', undefined],
      ['POST', '/_chatterbox/clock', { advanceSeconds: 3600 }],
      ['POST', '/_chatterbox/orgs', { name: 'Sneaky' }],
      [
        'POST',
        '/_chatterbox/users',
        { username: 'sneaky@acme.example', password: 'x', firstName: 'S', lastName: 'N', type: 'admin' },
      ],
      ['PATCH', `/_chatterbox/users/${alice.id}`, { isActive: false }],
      ['POST', '/_chatterbox/apps', { name: 'Sneaky' }],
      ['POST', '/_chatterbox/tokens', { username: 'admin@acme.example' }],
      ['GET', '/_chatterbox/openapi.json', undefined],
      ['GET', '/_chatterbox/snapshot', undefined],
      ['GET', '/_chatterbox/orgs', undefined],
      ['POST', '/_chatterbox/snapshot', { format: 'chatterbox-snapshot' }],
    ];
    const orgsBefore = await rawDatabase(h.services.store).selectFrom('orgs').select('id').execute();
    for (const [method, url, payload] of routes) {
      for (const [authorization, expected] of [
        [undefined, ADMIN_TOKEN_MISSING],
        ['Bearer wrong-token', ADMIN_TOKEN_WRONG],
        [`Bearer ${userToken}`, ADMIN_TOKEN_WRONG],
        ['test-admin-token', ADMIN_TOKEN_MISSING],
        ['OAuth test-admin-token', ADMIN_TOKEN_MISSING],
      ] as const) {
        const response = await h.request({
          method: method as 'GET',
          url,
          headers: {
            ...(authorization ? { authorization } : {}),
            ...(payload ? { 'content-type': 'application/json' } : {}),
          },
          ...(payload ? { payload: JSON.stringify(payload) } : {}),
        });
        assertJson(response, 401);
        assert.deepEqual(response.json(), expected, `${method} ${url} ${authorization}`);
      }
    }
    assert.equal(h.services.clock.offsetMs, 0);
    assert.deepEqual(
      await rawDatabase(h.services.store).selectFrom('orgs').select('id').execute(),
      orgsBefore,
    );
    assert.equal(await h.services.store.users.findByUsername('sneaky@acme.example'), undefined);
    assert.equal((await demoUser(h, 'alice@acme.example')).isActive, true);
  });
});

describe('POST /_chatterbox/reset (SPEC §9)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  const snapshot = async () => {
    const db = rawDatabase(h.services.store);
    return {
      orgs: await db.selectFrom('orgs').select(['id', 'name']).orderBy('id').execute(),
      users: await db
        .selectFrom('users')
        .select(['id', 'username', 'is_active', 'about_me'])
        .orderBy('id')
        .execute(),
      communities: await db.selectFrom('communities').select(['id', 'name']).orderBy('id').execute(),
      apps: await db.selectFrom('connected_apps').select(['id', 'client_id']).orderBy('id').execute(),
      groups: await db.selectFrom('groups').select(['id', 'name']).orderBy('id').execute(),
      members: await db.selectFrom('group_members').select(['id', 'user_id']).orderBy('id').execute(),
    };
  };

  test('POST /_chatterbox/reset restores the demo org, its IDs, the clock and drops every session', async () => {
    const start = await snapshot();
    assert.equal(start.users.length, 6);
    const newUser = {
      username: 'reset.me@acme.example',
      password: 'reset-password',
      firstName: 'Reset',
      lastName: 'Me',
      type: 'standard',
    };
    const created = await h.admin('POST', '/_chatterbox/users', newUser);
    assertJson(created, 201);
    await h.admin('POST', '/_chatterbox/orgs', { name: 'Globex' });
    await h.admin('POST', '/_chatterbox/apps', { name: 'Extra' });
    const bob = await demoUser(h, 'bob@acme.example');
    await h.admin('PATCH', `/_chatterbox/users/${bob.id}`, { isActive: false });
    const aliceToken = await h.login('alice@acme.example');
    await h.request({
      method: 'PATCH',
      url: usersMe,
      token: aliceToken,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ aboutMe: 'changed' }),
    });
    for (let i = 0; i < 10; i++) await passwordGrant(h, 'admin@acme.example', 'wrong');
    await h.admin('POST', '/_chatterbox/clock', { advanceSeconds: 86_400 });
    assert.notDeepEqual(await snapshot(), start);

    const response = await h.admin('POST', '/_chatterbox/reset');
    assertJson(response, 200);
    assert.deepEqual(response.json(), { status: 'ok' });

    assert.deepEqual(await snapshot(), start);
    const clock = await h.admin('GET', '/_chatterbox/clock');
    assert.equal(clock.json().offsetMs, 0);
    const stale = await h.request({ method: 'GET', url: usersMe, token: aliceToken });
    assertJson(stale, 401);
    assert.deepEqual(stale.json(), SESSION_EXPIRED);
    // Logins work again: bob is active, admin's lockout is gone.
    assert.equal((await passwordGrant(h, 'bob@acme.example')).statusCode, 200);
    assert.equal((await passwordGrant(h, 'admin@acme.example')).statusCode, 200);
    assert.equal((await passwordGrant(h, newUser.username, newUser.password)).statusCode, 400);

    // The same calls after a reset create the same IDs.
    const again = await h.admin('POST', '/_chatterbox/users', newUser);
    assertJson(again, 201);
    assert.deepEqual(again.json(), created.json());
  });

  test('POST /_chatterbox/reset twice answers the same start state', async () => {
    await h.admin('POST', '/_chatterbox/reset');
    const first = await snapshot();
    await h.admin('POST', '/_chatterbox/reset');
    assert.deepEqual(await snapshot(), first);
  });
});

describe('GET|POST /_chatterbox/clock (SPEC §9)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

  test('GET /_chatterbox/clock answers real time and offset 0 at start', async () => {
    const before = Date.now();
    const response = await h.admin('GET', '/_chatterbox/clock');
    const after = Date.now();
    assertJson(response, 200);
    const body = response.json();
    assert.deepEqual(Object.keys(body).sort(), ['now', 'offsetMs']);
    assert.match(body.now, ISO);
    assert.equal(body.offsetMs, 0);
    assert.ok(Date.parse(body.now) >= before && Date.parse(body.now) <= after);
  });

  test('POST /_chatterbox/clock advanceSeconds moves the clock by exactly that, forward or back', async () => {
    const forward = await h.admin('POST', '/_chatterbox/clock', { advanceSeconds: 3600 });
    assertJson(forward, 200);
    assert.equal(forward.json().offsetMs, 3_600_000);
    const back = await h.admin('POST', '/_chatterbox/clock', { advanceSeconds: -1800.5 });
    assertJson(back, 200);
    assert.equal(back.json().offsetMs, 1_799_500);
    const before = Date.now();
    const read = await h.admin('GET', '/_chatterbox/clock');
    const after = Date.now();
    assert.deepEqual(read.json().offsetMs, 1_799_500);
    const now = Date.parse(read.json().now);
    assert.ok(now >= before + 1_799_500 && now <= after + 1_799_500);
    await h.admin('POST', '/_chatterbox/clock', { advanceSeconds: -1799.5 });
  });

  test('POST /_chatterbox/clock now sets the time, and the clock keeps running from there', async () => {
    const target = Date.parse('2030-06-15T12:00:00.000Z');
    const before = Date.now();
    const response = await h.admin('POST', '/_chatterbox/clock', { now: '2030-06-15T12:00:00Z' });
    const after = Date.now();
    assertJson(response, 200);
    const { now, offsetMs } = response.json();
    assert.match(now, ISO);
    assert.ok(offsetMs >= target - after && offsetMs <= target - before, String(offsetMs));
    assert.ok(Date.parse(now) >= target);
    const later = await h.admin('GET', '/_chatterbox/clock');
    assert.equal(later.json().offsetMs, offsetMs);
    assert.ok(Date.parse(later.json().now) >= Date.parse(now));
    // Tokens are issued on this clock.
    const token = await passwordGrant(h, 'alice@acme.example');
    assert.ok(Number(token.json().issued_at) >= target);
  });

  test('POST /_chatterbox/clock with a bad body is 400 and leaves the clock alone', async () => {
    const offset = (await h.admin('GET', '/_chatterbox/clock')).json().offsetMs;
    const cases: [unknown, unknown][] = [
      [{}, invalidInput('Specify exactly one of advanceSeconds and now.')],
      [
        { advanceSeconds: 1, now: '2030-01-01T00:00:00Z' },
        invalidInput('Specify exactly one of advanceSeconds and now.'),
      ],
      [{ now: 'tomorrow' }, invalidInput('Invalid now: must match format "date-time".')],
      [
        { advanceSeconds: 'soon' },
        invalidInput('Invalid advanceSeconds: soon. Specify a value of type number.'),
      ],
      [
        { advanceSeconds: 1e308 },
        invalidInput('Invalid advanceSeconds: 1e+308. The clock must stay between 1970 and 9999.'),
      ],
      [
        { advanceSeconds: -1e12 },
        invalidInput('Invalid advanceSeconds: -1000000000000. The clock must stay between 1970 and 9999.'),
      ],
      [
        { now: '1969-12-31T23:59:59Z' },
        invalidInput('Invalid now: 1969-12-31T23:59:59Z. The clock must stay between 1970 and 9999.'),
      ],
      [{ offsetMs: 5 }, [{ errorCode: 'JSON_PARSER_ERROR', message: 'Unrecognized field "offsetMs"' }]],
    ];
    for (const [payload, body] of cases) {
      const response = await h.admin('POST', '/_chatterbox/clock', payload);
      assertJson(response, 400);
      assert.deepEqual(response.json(), body, JSON.stringify(payload));
    }
    const broken = await rawAdmin(h, 'POST', '/_chatterbox/clock', '{"advanceSeconds": }');
    assertJson(broken, 400);
    assert.equal(broken.json()[0].errorCode, 'JSON_PARSER_ERROR');
    assert.equal((await h.admin('GET', '/_chatterbox/clock')).json().offsetMs, offset);
    // Every response that shows a date still works.
    const users = await h.request({
      method: 'GET',
      url: usersMe,
      token: await h.login('alice@acme.example'),
    });
    assert.equal(users.statusCode, 200);
  });
});

describe('POST /_chatterbox/orgs, users, apps, tokens (SPEC §9)', () => {
  let h: Harness;
  let demoOrgId: string;
  let partnerId: string;
  before(async () => {
    h = await createHarness();
    demoOrgId = (await h.services.store.orgs.firstOrg())!.id;
    partnerId = (await h.services.store.orgs.listCommunities(demoOrgId))[0]!.id;
  });
  after(() => h.close());

  const userCount = async () =>
    (await rawDatabase(h.services.store).selectFrom('users').select('id').execute()).length;

  test('POST /_chatterbox/orgs creates an empty org with the next deterministic ID', async () => {
    const response = await h.admin('POST', '/_chatterbox/orgs', { name: 'Globex' });
    assertJson(response, 201);
    assert.deepEqual(response.json(), { id: formatId18('00D', 'Cb', 2), name: 'Globex' });
    assert.deepEqual(await h.services.store.orgs.findOrg(response.json().id), {
      id: response.json().id,
      name: 'Globex',
      createdAt: (await h.services.store.orgs.findOrg(response.json().id))!.createdAt,
    });
  });

  test('GET /_chatterbox/orgs lists every org, oldest first', async () => {
    const rows = await rawDatabase(h.services.store)
      .selectFrom('orgs')
      .select(['id', 'name', 'created_at'])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      rows.map((row) => row.name),
      ['Acme', 'Globex'],
    );
    const response = await h.admin('GET', '/_chatterbox/orgs');
    assertJson(response, 200);
    assert.deepEqual(response.json(), {
      orgs: rows.map((row) => ({
        id: row.id,
        name: row.name,
        createdAt: new Date(Number(row.created_at)).toISOString(),
      })),
    });
  });

  test('POST /_chatterbox/orgs with a bad body is 400', async () => {
    const cases: [unknown, unknown][] = [
      [{}, invalidInput('Missing required field: name.')],
      [{ name: '' }, invalidInput('Invalid name: specify at least 1 characters.')],
      [{ name: ['a', 'b'] }, invalidInput('Invalid name: ["a","b"]. Specify a value of type string.')],
      [{ name: 'x', id: '00D' }, [{ errorCode: 'JSON_PARSER_ERROR', message: 'Unrecognized field "id"' }]],
    ];
    const orgs = () => rawDatabase(h.services.store).selectFrom('orgs').select('id').execute();
    const before = await orgs();
    for (const [payload, body] of cases) {
      const response = await h.admin('POST', '/_chatterbox/orgs', payload);
      assertJson(response, 400);
      assert.deepEqual(response.json(), body, JSON.stringify(payload));
    }
    assert.deepEqual(await orgs(), before);
  });

  test('POST /_chatterbox/users creates a user in the first org who can log in', async () => {
    const before = await userCount();
    const response = await h.admin('POST', '/_chatterbox/users', {
      username: 'frank@acme.example',
      password: 'frank-password',
      firstName: 'Frank',
      lastName: 'Field',
      type: 'admin',
    });
    assertJson(response, 201);
    assert.deepEqual(response.json(), {
      id: formatId18('005', 'Cb', before + 1),
      orgId: demoOrgId,
      username: 'frank@acme.example',
      type: 'admin',
    });
    const login = await passwordGrant(h, 'frank@acme.example', 'frank-password');
    assert.equal(login.statusCode, 200);
    const limits = await h.request({
      method: 'GET',
      url: '/services/data/v36.0/limits',
      token: login.json().access_token,
    });
    assert.equal(limits.statusCode, 200, 'an admin may read /limits');
  });

  test('POST /_chatterbox/users in another org (15-character orgId) and in a community', async () => {
    const org = await h.admin('POST', '/_chatterbox/orgs', { name: 'Initech' });
    const inOrg = await h.admin('POST', '/_chatterbox/users', {
      orgId: org.json().id.slice(0, 15),
      username: 'peter@initech.example',
      password: 'pw',
      firstName: 'Peter',
      lastName: 'Gibbons',
      type: 'standard',
    });
    assertJson(inOrg, 201);
    assert.equal(inOrg.json().orgId, org.json().id);

    const partnerUser = await h.admin('POST', '/_chatterbox/users', {
      orgId: demoOrgId.toLowerCase(),
      username: 'pat@partner.example',
      password: 'pw',
      firstName: 'Pat',
      lastName: 'Partner',
      type: 'external',
      communities: [partnerId.slice(0, 15)],
    });
    assertJson(partnerUser, 201);
    assert.deepEqual(partnerUser.json(), {
      id: partnerUser.json().id,
      orgId: demoOrgId,
      username: 'pat@partner.example',
      type: 'external',
    });
    const token = (await passwordGrant(h, 'pat@partner.example', 'pw')).json().access_token;
    const me = await h.request({
      method: 'GET',
      url: `/services/data/v36.0/connect/communities/${partnerId}/chatter/users/me`,
      token,
    });
    assertJson(me, 200);
    assert.equal(me.json().id, partnerUser.json().id);
  });

  test('POST /_chatterbox/users with isActive false creates a user who cannot log in', async () => {
    const response = await h.admin('POST', '/_chatterbox/users', {
      username: 'idle@acme.example',
      password: 'pw',
      firstName: 'Idle',
      lastName: 'User',
      type: 'standard',
      isActive: false,
    });
    assertJson(response, 201);
    const login = await passwordGrant(h, 'idle@acme.example', 'pw');
    assert.deepEqual(login.json(), { error: 'invalid_grant', error_description: 'inactive user' });
  });

  test('POST /_chatterbox/users with bad input or a taken username is 400 and creates nothing', async () => {
    const good = {
      username: 'new@acme.example',
      password: 'pw',
      firstName: 'N',
      lastName: 'U',
      type: 'standard',
    };
    const otherType = formatId18('005', 'Cb', 1);
    const missingOrg = formatId18('00D', 'Cb', 999);
    const cases: [unknown, string][] = [
      [{ ...good, username: 'ALICE@acme.example' }, 'Invalid username: ALICE@acme.example is already taken.'],
      [{ ...good, username: 'no-at-sign' }, 'Invalid username: must match pattern "^[^@\\s]+@[^@\\s]+$".'],
      [{ ...good, type: 'guest' }, 'Invalid type: guest. Specify one of: standard, admin, external.'],
      [{ ...good, password: undefined }, 'Missing required field: password.'],
      [{ ...good, lastName: '' }, 'Invalid lastName: specify at least 1 characters.'],
      [{ ...good, orgId: missingOrg }, `Invalid orgId: ${missingOrg} is not an org.`],
      [{ ...good, orgId: otherType }, `Invalid orgId: ${otherType} is not an org.`],
      [{ ...good, orgId: 'garbage' }, 'Invalid orgId: garbage is not an org.'],
      [
        { ...good, communities: ['0DBCb0000000999'] },
        'Invalid communities: 0DBCb0000000999 is not a community of this org.',
      ],
      [{ ...good, isActive: 'no' }, 'Invalid isActive: no. Specify a value of type boolean.'],
    ];
    const before = await userCount();
    for (const [payload, message] of cases) {
      const response = await h.admin('POST', '/_chatterbox/users', payload);
      assertJson(response, 400);
      assert.deepEqual(response.json(), invalidInput(message), JSON.stringify(payload));
    }
    assert.equal(await userCount(), before);
  });

  test('POST /_chatterbox/apps creates a connected app whose credentials work', async () => {
    const response = await h.admin('POST', '/_chatterbox/apps', { name: 'Integration' });
    assertJson(response, 201);
    const app = response.json();
    assert.match(app.clientId, /^3MVG9[\w-]{32}$/);
    assert.match(app.clientSecret, /^[0-9A-F]{64}$/);
    assert.deepEqual(app, {
      id: formatId18('0Ha', 'Cb', 2),
      orgId: demoOrgId,
      name: 'Integration',
      clientId: app.clientId,
      clientSecret: app.clientSecret,
    });
    const token = await tokenRequest(h, {
      grant_type: 'password',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      username: 'alice@acme.example',
      password: DEMO_PASSWORD,
    });
    assert.equal(token.statusCode, 200);
    const { id, issued_at: issuedAt, signature } = token.json();
    assert.equal(signature, expectedSignature(id, issuedAt, app.clientSecret));
    // The demo app's secret is no good for this app.
    const wrong = await tokenRequest(h, {
      grant_type: 'password',
      client_id: app.clientId,
      client_secret: DEMO_CLIENT_SECRET,
      username: 'alice@acme.example',
      password: DEMO_PASSWORD,
    });
    assert.deepEqual(wrong.json(), {
      error: 'invalid_client',
      error_description: 'invalid client credentials',
    });
  });

  test('POST /_chatterbox/apps with its own client ID, secret and run-as user', async () => {
    const response = await h.admin('POST', '/_chatterbox/apps', {
      name: 'Robot',
      clientId: 'robot-client',
      clientSecret: 'robot-secret',
      runAsUsername: 'bob@acme.example',
    });
    assertJson(response, 201);
    assert.deepEqual(response.json(), {
      id: response.json().id,
      orgId: demoOrgId,
      name: 'Robot',
      clientId: 'robot-client',
      clientSecret: 'robot-secret',
    });
    const token = await tokenRequest(h, {
      grant_type: 'client_credentials',
      client_id: 'robot-client',
      client_secret: 'robot-secret',
    });
    assert.equal(token.statusCode, 200);
    const me = await h.request({ method: 'GET', url: usersMe, token: token.json().access_token });
    assert.equal(me.json().id, (await demoUser(h, 'bob@acme.example')).id);
  });

  test('POST /_chatterbox/apps with bad input is 400', async () => {
    const cases: [unknown, string][] = [
      [{}, 'Missing required field: name.'],
      [{ name: 'Dup', clientId: DEMO_CLIENT_ID }, `Invalid clientId: ${DEMO_CLIENT_ID} is already taken.`],
      [
        { name: 'X', runAsUsername: 'nobody@acme.example' },
        'Invalid runAsUsername: no user nobody@acme.example in this org.',
      ],
      [
        { name: 'X', orgId: formatId18('00D', 'Cb', 999) },
        `Invalid orgId: ${formatId18('00D', 'Cb', 999)} is not an org.`,
      ],
      [{ name: 'X', clientSecret: '' }, 'Invalid clientSecret: specify at least 1 characters.'],
    ];
    for (const [payload, message] of cases) {
      const response = await h.admin('POST', '/_chatterbox/apps', payload);
      assertJson(response, 400);
      assert.deepEqual(response.json(), invalidInput(message), JSON.stringify(payload));
    }
  });

  test('POST /_chatterbox/tokens answers the token body with a refresh token that works', async () => {
    const bob = await demoUser(h, 'bob@acme.example');
    const response = await h.request({
      method: 'POST',
      url: '/_chatterbox/tokens',
      token: 'test-admin-token',
      headers: { 'content-type': 'application/json', host: 'tokens.test' },
      payload: JSON.stringify({ username: 'bob@acme.example' }),
    });
    assertJson(response, 201);
    const body = response.json();
    const id = `http://tokens.test/id/${bob.orgId}/${bob.id}`;
    assert.match(body.access_token, new RegExp(`^${bob.orgId.slice(0, 15)}!`));
    assert.deepEqual(body, {
      access_token: body.access_token,
      refresh_token: body.refresh_token,
      instance_url: 'http://tokens.test',
      id,
      token_type: 'Bearer',
      issued_at: body.issued_at,
      signature: expectedSignature(id, body.issued_at, DEMO_CLIENT_SECRET),
      scope: 'api refresh_token',
    });
    const me = await h.request({ method: 'GET', url: usersMe, token: body.access_token });
    assert.equal(me.json().id, bob.id);
    const refreshed = await tokenRequest(h, {
      grant_type: 'refresh_token',
      refresh_token: body.refresh_token,
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
    });
    assert.equal(refreshed.statusCode, 200);
    const again = await h.request({ method: 'GET', url: usersMe, token: refreshed.json().access_token });
    assert.equal(again.json().id, bob.id);
  });

  test('POST /_chatterbox/tokens with clientId issues for that app', async () => {
    await h.admin('POST', '/_chatterbox/apps', {
      name: 'Tokens',
      clientId: 'tokens-app',
      clientSecret: 'tokens-secret',
    });
    const response = await h.admin('POST', '/_chatterbox/tokens', {
      username: 'alice@acme.example',
      clientId: 'tokens-app',
    });
    assertJson(response, 201);
    const { id, issued_at: issuedAt, signature, refresh_token: refreshToken } = response.json();
    assert.equal(signature, expectedSignature(id, issuedAt, 'tokens-secret'));
    const refreshed = await tokenRequest(h, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: 'tokens-app',
      client_secret: 'tokens-secret',
    });
    assert.equal(refreshed.statusCode, 200);
  });

  test('POST /_chatterbox/tokens with an unknown, inactive or guest user, or an unknown app, is 400', async () => {
    const guest = (await h.services.store.orgs.findCommunity(demoOrgId, partnerId))!.guestUserId!;
    const guestName = (await h.services.store.users.findAnyOrg(guest))!.username;
    const other = await h.admin('POST', '/_chatterbox/orgs', { name: 'Hooli' });
    await h.admin('POST', '/_chatterbox/apps', { orgId: other.json().id, name: 'Hooli', clientId: 'hooli' });
    const cases: [unknown, string][] = [
      [{ username: 'nobody@acme.example' }, 'Invalid username: no user nobody@acme.example.'],
      [{ username: guestName }, `Invalid username: no user ${guestName}.`],
      [{ username: 'dan@acme.example' }, 'Invalid username: dan@acme.example is inactive.'],
      [
        { username: 'alice@acme.example', clientId: 'nope' },
        "Invalid clientId: no app nope in the user's org.",
      ],
      [
        { username: 'alice@acme.example', clientId: 'hooli' },
        "Invalid clientId: no app hooli in the user's org.",
      ],
      [{}, 'Missing required field: username.'],
    ];
    for (const [payload, message] of cases) {
      const response = await h.admin('POST', '/_chatterbox/tokens', payload);
      assertJson(response, 400);
      assert.deepEqual(response.json(), invalidInput(message), JSON.stringify(payload));
    }
  });

  test('POST /_chatterbox/tokens for a user of an org without apps is 400', async () => {
    const org = await h.admin('POST', '/_chatterbox/orgs', { name: 'Appless' });
    await h.admin('POST', '/_chatterbox/users', {
      orgId: org.json().id,
      username: 'lonely@appless.example',
      password: 'pw',
      firstName: 'Lo',
      lastName: 'Nely',
      type: 'standard',
    });
    const response = await h.admin('POST', '/_chatterbox/tokens', { username: 'lonely@appless.example' });
    assertJson(response, 400);
    assert.deepEqual(response.json(), invalidInput('The org has no connected app.'));
  });
});

describe('GET /_chatterbox/openapi.json (SPEC §9)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('GET /_chatterbox/openapi.json is OpenAPI 3.1 and lists the public and control paths', async () => {
    const response = await h.admin('GET', '/_chatterbox/openapi.json');
    assertJson(response, 200);
    const doc = response.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.title, 'Chatterbox');
    assert.equal(doc.info.version, packageVersion);
    const paths = Object.keys(doc.paths);
    const expected = [
      '/services/data',
      '/services/data/{version}',
      '/services/data/{version}/chatter',
      '/services/data/{version}/chatter/users',
      '/services/data/{version}/chatter/users/{userId}',
      '/services/data/{version}/chatter/users/batch/{userIds}',
      '/services/data/{version}/connect/communities/{communityId}/chatter/users',
      '/services/data/{version}/connect/communities/{communityId}/chatter/users/{userId}',
      '/services/data/{version}/limits',
      '/services/oauth2/token',
      '/services/oauth2/revoke',
      '/services/oauth2/userinfo',
      '/id/{orgId}/{userId}',
      '/_chatterbox/health',
      '/_chatterbox/reset',
      '/_chatterbox/clock',
      '/_chatterbox/orgs',
      '/_chatterbox/users',
      '/_chatterbox/users/{userId}',
      '/_chatterbox/apps',
      '/_chatterbox/tokens',
      '/_chatterbox/snapshot',
    ];
    for (const path of expected) assert.ok(paths.includes(path), `${path} is listed`);
    // Each operation documents its methods; PATCH users carries its body schema.
    assert.deepEqual(Object.keys(doc.paths['/services/data/{version}/chatter/users/{userId}']).sort(), [
      'get',
      'patch',
    ]);
    assert.deepEqual(Object.keys(doc.paths['/_chatterbox/clock']).sort(), ['get', 'post']);
    const patchBody =
      doc.paths['/services/data/{version}/chatter/users/{userId}'].patch.requestBody.content[
        'application/json'
      ].schema;
    assert.ok('aboutMe' in patchBody.properties);
    // Path parameters are OpenAPI's {name}, never Fastify's :name.
    for (const path of paths) assert.doesNotMatch(path, /:/);
  });
});
