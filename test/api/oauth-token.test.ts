import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import {
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

/** The whole success body of SPEC §4, from the user, the instance URL and the issuing app's secret. */
async function assertTokenBody(
  h: Harness,
  body: Record<string, string>,
  expected: {
    username: string;
    instanceUrl: string;
    clientSecret: string;
    issuedFrom: number;
    /** Made with a refresh token: carries `scope` without returning one (SPEC §4). */
    refreshed?: boolean;
  },
) {
  const user = await demoUser(h, expected.username);
  const id = `${expected.instanceUrl}/id/${user.orgId}/${user.id}`;
  // Only `[A-Za-z0-9._]` after the `!`: clients redact `(00D\w{12,15})![.\w]*` from logs (SPEC §1).
  assert.match(body.access_token ?? '', new RegExp(`^${user.orgId.slice(0, 15)}![A-Za-z0-9._]{40,}$`));
  // issued_at is the server clock's epoch milliseconds at issue, as a string.
  assert.match(body.issued_at ?? '', /^\d+$/);
  const issuedAt = Number(body.issued_at);
  assert.ok(issuedAt >= expected.issuedFrom && issuedAt <= h.services.clock.now(), body.issued_at);
  const exact: Record<string, string> = {
    access_token: body.access_token as string,
    instance_url: expected.instanceUrl,
    id,
    token_type: 'Bearer',
    issued_at: body.issued_at as string,
    signature: expectedSignature(id, body.issued_at as string, expected.clientSecret),
  };
  if ('refresh_token' in body) {
    assert.match(body.refresh_token as string, /^5Aep[A-Za-z0-9._]{60,}$/);
    exact.refresh_token = body.refresh_token as string;
  }
  if ('refresh_token' in body || expected.refreshed) exact.scope = 'api refresh_token';
  assert.deepEqual(body, exact);
}

async function assertWorksAs(h: Harness, accessToken: string, username: string) {
  const response = await h.request({ method: 'GET', url: usersMe, token: accessToken });
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.json().id, (await demoUser(h, username)).id);
}

function assertOAuthError(
  response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  error: string,
  description: string,
) {
  assert.equal(response.statusCode, 400);
  assert.equal(response.headers['content-type'], JSON_TYPE);
  assert.deepEqual(response.json(), { error, error_description: description });
}

describe('POST /services/oauth2/token (SPEC §4)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('POST /services/oauth2/token password grant answers the whole token body, no refresh token', async () => {
    const issuedFrom = h.services.clock.now();
    const response = await passwordGrant(h, 'alice@acme.example', DEMO_PASSWORD, {
      host: 'chatter.test:8443',
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const body = response.json();
    assert.equal('refresh_token' in body, false);
    await assertTokenBody(h, body, {
      username: 'alice@acme.example',
      instanceUrl: 'http://chatter.test:8443',
      clientSecret: DEMO_CLIENT_SECRET,
      issuedFrom,
    });
    await assertWorksAs(h, body.access_token, 'alice@acme.example');
  });

  test('POST /services/oauth2/token issued_at follows the server clock', async () => {
    const moved = await h.admin('POST', '/_chatterbox/clock', { now: '2031-03-04T05:06:07.000Z' });
    assert.equal(moved.statusCode, 200);
    const issuedFrom = h.services.clock.now();
    const response = await passwordGrant(h, 'bob@acme.example');
    assert.equal(response.statusCode, 200);
    await assertTokenBody(h, response.json(), {
      username: 'bob@acme.example',
      instanceUrl: 'http://localhost:80',
      clientSecret: DEMO_CLIENT_SECRET,
      issuedFrom,
    });
    assert.ok(Number(response.json().issued_at) >= Date.parse('2031-03-04T05:06:07.000Z'));
    h.services.clock.offsetMs = 0;
  });

  test('POST /services/oauth2/token takes the username case-insensitively', async () => {
    const response = await passwordGrant(h, 'Alice@ACME.example');
    assert.equal(response.statusCode, 200);
    await assertWorksAs(h, response.json().access_token, 'alice@acme.example');
  });

  test('POST /services/oauth2/token refresh_token grant issues a new working access token', async () => {
    const issued = await h.admin('POST', '/_chatterbox/tokens', { username: 'bob@acme.example' });
    assert.equal(issued.statusCode, 201);
    const { refresh_token: refreshToken, access_token: first } = issued.json();
    const issuedFrom = h.services.clock.now();
    const response = await tokenRequest(h, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const body = response.json();
    assert.notEqual(body.access_token, first);
    // The refresh flow answers a new access token only; the refresh token stays the same.
    assert.equal('refresh_token' in body, false);
    await assertTokenBody(h, body, {
      username: 'bob@acme.example',
      instanceUrl: 'http://localhost:80',
      clientSecret: DEMO_CLIENT_SECRET,
      issuedFrom,
      refreshed: true,
    });
    await assertWorksAs(h, body.access_token, 'bob@acme.example');
    await assertWorksAs(h, first, 'bob@acme.example');

    // client_secret is optional in the refresh flow (SPEC §4: "(+ client_secret)").
    const withoutSecret = await tokenRequest(h, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: DEMO_CLIENT_ID,
    });
    assert.equal(withoutSecret.statusCode, 200);
    await assertWorksAs(h, withoutSecret.json().access_token, 'bob@acme.example');
  });

  test('POST /services/oauth2/token client_credentials runs as the app user (alice)', async () => {
    const issuedFrom = h.services.clock.now();
    const response = await tokenRequest(h, {
      grant_type: 'client_credentials',
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    await assertTokenBody(h, response.json(), {
      username: 'alice@acme.example',
      instanceUrl: 'http://localhost:80',
      clientSecret: DEMO_CLIENT_SECRET,
      issuedFrom,
    });
    await assertWorksAs(h, response.json().access_token, 'alice@acme.example');
  });

  test('POST /services/oauth2/token reads parameters from the query string too (no body)', async () => {
    const query = new URLSearchParams({
      grant_type: 'password',
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
      username: 'alice@acme.example',
      password: DEMO_PASSWORD,
    });
    const response = await h.request({ method: 'POST', url: `/services/oauth2/token?${query}` });
    assert.equal(response.statusCode, 200);
    await assertWorksAs(h, response.json().access_token, 'alice@acme.example');
  });

  test('POST /services/oauth2/token with a charset in the form content type', async () => {
    const response = await passwordGrant(h, 'alice@acme.example', DEMO_PASSWORD, {
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
    });
    assert.equal(response.statusCode, 200);
    await assertWorksAs(h, response.json().access_token, 'alice@acme.example');
  });

  test('POST /services/oauth2/token answers every error of SPEC §4 with its exact body', async () => {
    const other = await h.admin('POST', '/_chatterbox/orgs', { name: 'Globex' });
    const outsider = await h.admin('POST', '/_chatterbox/users', {
      orgId: other.json().id,
      username: 'olga@globex.example',
      password: DEMO_PASSWORD,
      firstName: 'Olga',
      lastName: 'Outside',
      type: 'standard',
    });
    assert.equal(outsider.statusCode, 201);
    const issued = await h.admin('POST', '/_chatterbox/tokens', { username: 'alice@acme.example' });
    const password = (username: string, pw: string, extra: Record<string, string> = {}) => ({
      grant_type: 'password',
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
      username,
      password: pw,
      ...extra,
    });
    const cases: [string, Record<string, string>, string, string][] = [
      ['bad password', password('alice@acme.example', 'wrong'), 'invalid_grant', 'authentication failure'],
      [
        'unknown user',
        password('nobody@acme.example', DEMO_PASSWORD),
        'invalid_grant',
        'authentication failure',
      ],
      ['no username', password('', DEMO_PASSWORD), 'invalid_grant', 'authentication failure'],
      // A user of another org is not a user of the demo app's org.
      [
        'other org',
        password('olga@globex.example', DEMO_PASSWORD),
        'invalid_grant',
        'authentication failure',
      ],
      ['inactive user', password('dan@acme.example', DEMO_PASSWORD), 'invalid_grant', 'inactive user'],
      // The guest user has no password and cannot log in.
      [
        'guest user',
        password(`guest-${(await guestCommunityId(h)).toLowerCase()}@guest.chatterbox.local`, ''),
        'invalid_grant',
        'authentication failure',
      ],
      [
        'bad refresh token',
        { grant_type: 'refresh_token', refresh_token: 'not-a-token', client_id: DEMO_CLIENT_ID },
        'invalid_grant',
        'expired access/refresh token',
      ],
      [
        'an access token as refresh token',
        { grant_type: 'refresh_token', refresh_token: issued.json().access_token, client_id: DEMO_CLIENT_ID },
        'invalid_grant',
        'expired access/refresh token',
      ],
      [
        'no refresh token',
        { grant_type: 'refresh_token', client_id: DEMO_CLIENT_ID },
        'invalid_grant',
        'expired access/refresh token',
      ],
      [
        'unknown client',
        password('alice@acme.example', DEMO_PASSWORD, { client_id: 'nope' }),
        'invalid_client_id',
        'client identifier invalid',
      ],
      [
        'no client',
        { grant_type: 'password', username: 'alice@acme.example', password: DEMO_PASSWORD },
        'invalid_client_id',
        'client identifier invalid',
      ],
      [
        'bad secret',
        password('alice@acme.example', DEMO_PASSWORD, { client_secret: 'wrong' }),
        'invalid_client',
        'invalid client credentials',
      ],
      [
        'no secret in the password flow',
        {
          grant_type: 'password',
          client_id: DEMO_CLIENT_ID,
          username: 'alice@acme.example',
          password: DEMO_PASSWORD,
        },
        'invalid_client',
        'invalid client credentials',
      ],
      [
        'bad secret in the refresh flow',
        {
          grant_type: 'refresh_token',
          refresh_token: issued.json().refresh_token,
          client_id: DEMO_CLIENT_ID,
          client_secret: 'wrong',
        },
        'invalid_client',
        'invalid client credentials',
      ],
      [
        'bad secret in client_credentials',
        { grant_type: 'client_credentials', client_id: DEMO_CLIENT_ID, client_secret: 'wrong' },
        'invalid_client',
        'invalid client credentials',
      ],
      [
        'unknown grant',
        { grant_type: 'authorization_code', code: 'x', client_id: DEMO_CLIENT_ID },
        'unsupported_grant_type',
        'grant type not supported',
      ],
      ['no grant', { client_id: DEMO_CLIENT_ID }, 'unsupported_grant_type', 'grant type not supported'],
    ];
    for (const [name, params, error, description] of cases) {
      const response = await tokenRequest(h, params);
      assert.equal(response.statusCode, 400, name);
      assert.equal(response.headers['content-type'], JSON_TYPE, name);
      assert.deepEqual(response.json(), { error, error_description: description }, name);
    }
  });

  test('POST /services/oauth2/token with an empty body is an unsupported grant', async () => {
    const response = await h.request({ method: 'POST', url: '/services/oauth2/token' });
    assertOAuthError(response, 'unsupported_grant_type', 'grant type not supported');
  });

  test('POST /services/oauth2/token refuses the refresh token of another app', async () => {
    const created = await h.admin('POST', '/_chatterbox/apps', { name: 'Second App' });
    assert.equal(created.statusCode, 201);
    const issued = await h.admin('POST', '/_chatterbox/tokens', { username: 'alice@acme.example' });
    const response = await tokenRequest(h, {
      grant_type: 'refresh_token',
      refresh_token: issued.json().refresh_token,
      client_id: created.json().clientId,
      client_secret: created.json().clientSecret,
    });
    assertOAuthError(response, 'invalid_grant', 'expired access/refresh token');
  });

  test('POST /services/oauth2/token reads a chunked form body (as jsforce sends it)', async () => {
    const base = await h.listen();
    const form = new URLSearchParams({
      grant_type: 'password',
      username: 'alice@acme.example',
      password: DEMO_PASSWORD,
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
    }).toString();
    const { status, headers, body } = await new Promise<{
      status: number;
      headers: Record<string, unknown>;
      body: string;
    }>((resolve, reject) => {
      const request = httpRequest(`${base}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
      });
      request.on('error', reject);
      request.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
        );
      });
      // Three chunks, split inside a key and inside a value.
      request.write(form.slice(0, 7));
      request.write(form.slice(7, 40));
      request.end(form.slice(40));
    });
    assert.equal(status, 200, body);
    assert.equal(headers['content-type'], JSON_TYPE);
    const token = JSON.parse(body);
    await assertTokenBody(h, token, {
      username: 'alice@acme.example',
      instanceUrl: base,
      clientSecret: DEMO_CLIENT_SECRET,
      issuedFrom: 0,
    });
    await assertWorksAs(h, token.access_token, 'alice@acme.example');
  });
});

async function guestCommunityId(h: Harness): Promise<string> {
  const org = await h.services.store.orgs.firstOrg();
  const [partner] = await h.services.store.orgs.listCommunities(org!.id);
  return partner!.id;
}

describe('POST /services/oauth2/token with --public-url', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ publicUrl: 'https://chatter.example.com/' });
  });
  after(() => h.close());

  test('POST /services/oauth2/token answers instance_url and id from --public-url, whatever the Host', async () => {
    const response = await passwordGrant(h, 'alice@acme.example', DEMO_PASSWORD, { host: 'internal:9999' });
    assert.equal(response.statusCode, 200);
    await assertTokenBody(h, response.json(), {
      username: 'alice@acme.example',
      instanceUrl: 'https://chatter.example.com',
      clientSecret: DEMO_CLIENT_SECRET,
      issuedFrom: 0,
    });
  });
});

describe('login lockout (SPEC §4)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  const failure = { error: 'invalid_grant', error_description: 'authentication failure' };

  test('POST /services/oauth2/token counts failures in a row only: a success starts the count again', async () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++) {
        assert.deepEqual((await passwordGrant(h, 'bob@acme.example', `wrong-${i}`)).json(), failure);
      }
      assert.equal((await passwordGrant(h, 'bob@acme.example')).statusCode, 200, `round ${round}`);
    }
  });

  test('POST /services/oauth2/token locks the user for 15 minutes of server clock after 10 failures', async () => {
    for (let i = 0; i < 10; i++) {
      const response = await passwordGrant(h, 'alice@acme.example', `wrong-${i}`);
      assertOAuthError(response, failure.error, failure.error_description);
    }
    // Locked: the right password is refused with the same answer.
    assertOAuthError(await passwordGrant(h, 'alice@acme.example'), failure.error, failure.error_description);
    // Another user is not affected.
    assert.equal((await passwordGrant(h, 'bob@acme.example')).statusCode, 200);
    // The lock follows the server clock: still locked a little before 15 minutes...
    await h.admin('POST', '/_chatterbox/clock', { advanceSeconds: 15 * 60 - 10 });
    assertOAuthError(await passwordGrant(h, 'alice@acme.example'), failure.error, failure.error_description);
    // ...and over after them.
    await h.admin('POST', '/_chatterbox/clock', { advanceSeconds: 10 });
    const unlocked = await passwordGrant(h, 'alice@acme.example');
    assert.equal(unlocked.statusCode, 200, unlocked.body);
    await assertWorksAs(h, unlocked.json().access_token, 'alice@acme.example');
    // The count starts again from zero: one more failure does not lock.
    assertOAuthError(
      await passwordGrant(h, 'alice@acme.example', 'wrong'),
      failure.error,
      failure.error_description,
    );
    assert.equal((await passwordGrant(h, 'alice@acme.example')).statusCode, 200);
  });

  test('POST /services/oauth2/token: a lock that ran out restarts the count on the next failure', async () => {
    for (let i = 0; i < 10; i++) await passwordGrant(h, 'admin@acme.example', `wrong-${i}`);
    await h.admin('POST', '/_chatterbox/clock', { advanceSeconds: 15 * 60 });
    // Nine failures after the lock ran out do not lock again.
    for (let i = 0; i < 9; i++) await passwordGrant(h, 'admin@acme.example', `wrong-${i}`);
    assert.equal((await passwordGrant(h, 'admin@acme.example')).statusCode, 200);
  });
});

describe('POST /services/oauth2/revoke (SPEC §4)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  const revoke = (token: string) =>
    h.request({
      method: 'POST',
      url: '/services/oauth2/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token }).toString(),
    });
  const assertRevoked = async (token: string) => {
    const response = await h.request({ method: 'GET', url: usersMe, token });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), SESSION_EXPIRED);
  };
  const refresh = async (refreshToken: string) =>
    tokenRequest(h, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
    });

  test('POST /services/oauth2/revoke an access token revokes only that token', async () => {
    const revoked = await h.login('alice@acme.example');
    const other = await h.login('alice@acme.example');
    await assertWorksAs(h, revoked, 'alice@acme.example');
    const response = await revoke(revoked);
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, '');
    await assertRevoked(revoked);
    await assertWorksAs(h, other, 'alice@acme.example');
  });

  test('POST /services/oauth2/revoke an access token issued from a refresh token leaves the refresh token', async () => {
    const issued = (await h.admin('POST', '/_chatterbox/tokens', { username: 'bob@acme.example' })).json();
    const refreshed = (await refresh(issued.refresh_token)).json().access_token;
    assert.equal((await revoke(refreshed)).statusCode, 200);
    await assertRevoked(refreshed);
    await assertWorksAs(h, issued.access_token, 'bob@acme.example');
    const again = await refresh(issued.refresh_token);
    assert.equal(again.statusCode, 200);
    await assertWorksAs(h, again.json().access_token, 'bob@acme.example');
  });

  test('POST /services/oauth2/revoke a refresh token revokes it and the access tokens issued from it', async () => {
    const issued = (await h.admin('POST', '/_chatterbox/tokens', { username: 'bob@acme.example' })).json();
    const refreshed = (await refresh(issued.refresh_token)).json().access_token;
    const unrelated = await h.login('bob@acme.example');
    await assertWorksAs(h, refreshed, 'bob@acme.example');
    const response = await revoke(issued.refresh_token);
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, '');
    await assertRevoked(issued.access_token);
    await assertRevoked(refreshed);
    assertOAuthError(await refresh(issued.refresh_token), 'invalid_grant', 'expired access/refresh token');
    await assertWorksAs(h, unrelated, 'bob@acme.example');
  });

  test('POST /services/oauth2/revoke an unknown, missing or already revoked token is 400 invalid_token', async () => {
    const token = await h.login('alice@acme.example');
    assert.equal((await revoke(token)).statusCode, 200);
    for (const response of [
      await revoke('not-a-token'),
      await revoke(token),
      await h.request({ method: 'POST', url: '/services/oauth2/revoke' }),
    ]) {
      assertOAuthError(response, 'invalid_token', 'invalid token');
    }
  });

  test('GET /services/oauth2/revoke?token= revokes too', async () => {
    const token = await h.login('alice@acme.example');
    const response = await h.request({
      method: 'GET',
      url: `/services/oauth2/revoke?token=${encodeURIComponent(token)}`,
    });
    assert.equal(response.statusCode, 200);
    await assertRevoked(token);
  });
});
