import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import jsforce from 'jsforce';
import type { UserRecord } from '../../src/store/records.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, demoUser } from '../helpers/oauth.js';
import { revoke as revokeToken } from './flow.js';

/**
 * jsforce 3.10.16, the real client (reference/jsforce-notes.md §2–3, §8), against the server
 * listening on 127.0.0.1. jsforce refreshes on every 401 and loops if a refreshed token is refused
 * too, so each 401 scenario runs under a test timeout and a hard cap on token requests: past the
 * cap the server drops the connection, which makes the refresh (a POST, never retried) fail.
 */
const TOKEN_REQUESTS_CAP = 4;
const BOUNDED = { timeout: 30_000 };

describe('jsforce 3.10.16 against Chatterbox: OAuth, identity, limits and session refresh', () => {
  let h: Harness;
  let base: string;
  let alice: UserRecord;
  /** Requests seen by the server, in order: "METHOD /path". */
  let seen: string[] = [];
  let tokenRequests = 0;

  before(async () => {
    h = await createHarness();
    base = await h.listen();
    alice = await demoUser(h, 'alice@acme.example');
    h.app.server.prependListener('request', (request: IncomingMessage, _response: ServerResponse) => {
      seen.push(`${request.method} ${(request.url ?? '').split('?')[0]}`);
      if (request.url?.startsWith('/services/oauth2/token') && ++tokenRequests > TOKEN_REQUESTS_CAP) {
        request.socket.destroy();
      }
    });
  });
  after(() => h.close());

  const reset = () => {
    seen = [];
    tokenRequests = 0;
  };
  const oauth2 = () => ({ loginUrl: base, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET });
  /** What the server answers directly for a token: the body jsforce must hand back unchanged. */
  const direct = async (url: string, token: string) => {
    const response = await h.request({ method: 'GET', url, token, headers: { host: new URL(base).host } });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };
  const revoke = (token: string) => revokeToken(h, token);

  test('conn.login() with the demo app: OAuth password flow over a chunked body', BOUNDED, async () => {
    reset();
    const conn = new jsforce.Connection({ oauth2: oauth2(), version: '36.0' });
    const userInfo = await conn.login('alice@acme.example', DEMO_PASSWORD);
    assert.deepEqual(userInfo, {
      id: alice.id,
      organizationId: alice.orgId,
      url: `${base}/id/${alice.orgId}/${alice.id}`,
    });
    assert.equal(conn.instanceUrl, base);
    assert.match(conn.accessToken ?? '', new RegExp(`^${alice.orgId.slice(0, 15)}!`));
    assert.deepEqual(seen, ['POST /services/oauth2/token']);
  });

  test('conn.login() with a bad password throws invalid_grant: authentication failure', BOUNDED, async () => {
    const conn = new jsforce.Connection({ oauth2: oauth2(), version: '36.0' });
    await assert.rejects(conn.login('alice@acme.example', 'wrong'), (error: Error) => {
      assert.equal(error.name, 'invalid_grant');
      assert.equal(error.message, 'authentication failure');
      return true;
    });
  });

  test("conn.chatter.resource('/users/me') answers the User Detail the server answers", BOUNDED, async () => {
    const conn = new jsforce.Connection({ oauth2: oauth2(), version: '36.0' });
    await conn.login('alice@acme.example', DEMO_PASSWORD);
    const me = await conn.chatter.resource('/users/me');
    assert.deepEqual(me, await direct('/services/data/v36.0/chatter/users/me', conn.accessToken as string));
    assert.equal((me as { id: string }).id, alice.id);
    // Any response under /services/data sets jsforce's usage info from Sforce-Limit-Info.
    assert.equal(conn.limitInfo.apiUsage?.limit, 15000);
  });

  test('conn.identity() follows the identity URL with ?oauth_token=', BOUNDED, async () => {
    const conn = new jsforce.Connection({ oauth2: oauth2(), version: '36.0' });
    await conn.login('alice@acme.example', DEMO_PASSWORD);
    reset();
    const identity = await conn.identity();
    assert.deepEqual(identity, await direct(`/id/${alice.orgId}/${alice.id}`, conn.accessToken as string));
    assert.equal(identity.user_id, alice.id);
    assert.equal(identity.organization_id, alice.orgId);
    assert.equal(identity.username, 'alice@acme.example');
    assert.deepEqual(seen, [`GET /id/${alice.orgId}/${alice.id}`]);

    // A token-only connection finds the identity URL in the version directory first.
    reset();
    const tokenOnly = new jsforce.Connection({
      instanceUrl: base,
      accessToken: conn.accessToken as string,
      version: '36.0',
    });
    assert.deepEqual(await tokenOnly.identity(), identity);
    assert.deepEqual(seen, ['GET /services/data/v36.0', `GET /id/${alice.orgId}/${alice.id}`]);
  });

  test("conn.request('/services/data/') lists the versions", BOUNDED, async () => {
    const conn = new jsforce.Connection({ instanceUrl: base, version: '36.0' });
    const versions = await conn.request('/services/data/');
    const expected = (await h.request({ method: 'GET', url: '/services/data/' })).json();
    assert.deepEqual(versions, expected);
    assert.deepEqual((versions as unknown[])[0], {
      label: "Winter '15",
      url: '/services/data/v32.0',
      version: '32.0',
    });
  });

  test(
    'conn.limits() as admin answers DailyApiRequests; as a standard user it is INSUFFICIENT_ACCESS',
    BOUNDED,
    async () => {
      const admin = new jsforce.Connection({ oauth2: oauth2(), version: '36.0' });
      await admin.login('admin@acme.example', DEMO_PASSWORD);
      const limits = await admin.limits();
      const used = admin.limitInfo.apiUsage?.used ?? -1;
      assert.ok(used >= 1);
      assert.deepEqual(limits, { DailyApiRequests: { Max: 15000, Remaining: 15000 - used } });

      const standard = new jsforce.Connection({ oauth2: oauth2(), version: '36.0' });
      await standard.login('bob@acme.example', DEMO_PASSWORD);
      await assert.rejects(standard.limits(), (error: Error & { errorCode?: string; data?: unknown }) => {
        assert.equal(error.errorCode, 'INSUFFICIENT_ACCESS');
        assert.deepEqual(error.data, {
          errorCode: 'INSUFFICIENT_ACCESS',
          message: "You don't have permission to view the org's limits.",
        });
        return true;
      });
    },
  );

  test(
    'a revoked access token is refreshed by jsforce with the refresh token, and the call succeeds',
    BOUNDED,
    async () => {
      const issued = await h.admin('POST', '/_chatterbox/tokens', { username: 'alice@acme.example' });
      assert.equal(issued.statusCode, 201);
      const { access_token: accessToken, refresh_token: refreshToken } = issued.json();
      const conn = new jsforce.Connection({
        oauth2: oauth2(),
        instanceUrl: base,
        accessToken,
        refreshToken,
        version: '36.0',
      });
      const refreshed: string[] = [];
      conn.on('refresh', (newToken: string) => refreshed.push(newToken));
      await revoke(accessToken);
      reset();

      const me = await conn.chatter.resource('/users/me');
      assert.equal((me as { id: string }).id, alice.id);
      assert.deepEqual(seen, [
        'GET /services/data/v36.0/chatter/users/me',
        'POST /services/oauth2/token',
        'GET /services/data/v36.0/chatter/users/me',
      ]);
      assert.equal(refreshed.length, 1);
      assert.equal(conn.accessToken, refreshed[0]);
      assert.notEqual(conn.accessToken, accessToken);
      assert.deepEqual(me, await direct('/services/data/v36.0/chatter/users/me', conn.accessToken as string));
    },
  );

  test('a session expired by the server clock is renewed by jsforce logging in again', BOUNDED, async () => {
    const conn = new jsforce.Connection({ oauth2: oauth2(), version: '36.0' });
    await conn.login('bob@acme.example', DEMO_PASSWORD);
    const first = conn.accessToken;
    await h.admin('POST', '/_chatterbox/clock', { advanceSeconds: 7201 });
    reset();
    const me = await conn.chatter.resource('/users/me');
    assert.equal((me as { id: string }).id, (await demoUser(h, 'bob@acme.example')).id);
    assert.deepEqual(seen, [
      'GET /services/data/v36.0/chatter/users/me',
      'POST /services/oauth2/token',
      'GET /services/data/v36.0/chatter/users/me',
    ]);
    assert.notEqual(conn.accessToken, first);
  });

  test(
    'a revoked refresh token ends the refresh: jsforce reports the OAuth error once',
    BOUNDED,
    async () => {
      const issued = (
        await h.admin('POST', '/_chatterbox/tokens', { username: 'alice@acme.example' })
      ).json();
      const conn = new jsforce.Connection({
        oauth2: oauth2(),
        instanceUrl: base,
        accessToken: issued.access_token,
        refreshToken: issued.refresh_token,
        version: '36.0',
      });
      // Revoking the refresh token revokes the access token issued with it (SPEC §4).
      await revoke(issued.refresh_token);
      reset();
      await assert.rejects(
        async () => conn.chatter.resource('/users/me'),
        (error: Error) => {
          assert.equal(error.message, 'Unable to refresh session due to: expired access/refresh token');
          return true;
        },
      );
      assert.deepEqual(seen, ['GET /services/data/v36.0/chatter/users/me', 'POST /services/oauth2/token']);
    },
  );

  test(
    'a token-only connection with a revoked token gets INVALID_SESSION_ID, no refresh',
    BOUNDED,
    async () => {
      const token = await h.login('alice@acme.example');
      await revoke(token);
      reset();
      const conn = new jsforce.Connection({ instanceUrl: base, accessToken: token, version: '36.0' });
      await assert.rejects(
        async () => conn.chatter.resource('/users/me'),
        (error: Error & { errorCode?: string; data?: unknown }) => {
          assert.equal(error.errorCode, 'INVALID_SESSION_ID');
          assert.equal(error.message, 'Session expired or invalid');
          assert.deepEqual(error.data, {
            errorCode: 'INVALID_SESSION_ID',
            message: 'Session expired or invalid',
          });
          return true;
        },
      );
      assert.deepEqual(seen, ['GET /services/data/v36.0/chatter/users/me']);
    },
  );
});
