import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { UserRecord } from '../../src/store/records.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { demoUser, passwordGrant, SESSION_EXPIRED, usersMe } from '../helpers/oauth.js';

/** The identity service's body (SPEC §4; reference/chatter-facts.md §7.1), written out in full. */
function expectedIdentity(base: string, user: UserRecord, displayName: string) {
  const key = user.id.slice(0, 15);
  return {
    id: `${base}/id/${user.orgId}/${user.id}`,
    asserted_user: true,
    user_id: user.id,
    organization_id: user.orgId,
    username: user.username,
    nick_name: user.username.split('@')[0],
    display_name: displayName,
    email: user.email,
    email_verified: true,
    first_name: user.firstName,
    last_name: user.lastName,
    timezone: 'GMT',
    photos: { picture: `${base}/profilephoto/${key}/F`, thumbnail: `${base}/profilephoto/${key}/T` },
    status: { created_date: null, body: null },
    urls: {
      rest: `${base}/services/data/v{version}/`,
      sobjects: `${base}/services/data/v{version}/sobjects/`,
      query: `${base}/services/data/v{version}/query/`,
      feeds: `${base}/services/data/v{version}/chatter/feeds`,
      feed_elements: `${base}/services/data/v{version}/chatter/feed-elements`,
      groups: `${base}/services/data/v{version}/chatter/groups`,
      users: `${base}/services/data/v{version}/chatter/users`,
      profile: `${base}/${user.id}`,
    },
    active: true,
    user_type: user.type === 'external' ? 'POWER_CUSTOMER_SUCCESS' : 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    // Salesforce's identity dates: seconds precision, +0000.
    last_modified_date: new Date(user.modifiedAt).toISOString().replace(/\.\d{3}Z$/, '.000+0000'),
  };
}

describe('identity: GET /services/oauth2/userinfo and /id/<org>/<user> (SPEC §4)', () => {
  let h: Harness;
  let alice: UserRecord;
  let bob: UserRecord;
  let aliceToken: string;
  const base = 'http://localhost:80';
  before(async () => {
    h = await createHarness();
    alice = await demoUser(h, 'alice@acme.example');
    bob = await demoUser(h, 'bob@acme.example');
    aliceToken = await h.login('alice@acme.example');
  });
  after(() => h.close());

  test('GET /id/<org>/<user> with a Bearer token answers the identity', async () => {
    const response = await h.request({
      method: 'GET',
      url: `/id/${alice.orgId}/${alice.id}`,
      token: aliceToken,
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), expectedIdentity(base, alice, 'Alice Anders'));
  });

  test('GET /id/<org>/<user>?format=json&oauth_token= (as jsforce asks) answers the identity', async () => {
    const response = await h.request({
      method: 'GET',
      url: `/id/${alice.orgId}/${alice.id}?format=json&oauth_token=${encodeURIComponent(aliceToken)}`,
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), expectedIdentity(base, alice, 'Alice Anders'));
  });

  test('GET /id/<org>/<user> takes the token ID URL as issued, and 15-character IDs', async () => {
    const token = await passwordGrant(h, 'bob@acme.example', undefined, { host: 'ids.test' });
    const { id, access_token: accessToken } = token.json();
    const fromUrl = await h.request({
      method: 'GET',
      url: new URL(id).pathname,
      headers: { host: 'ids.test', authorization: `OAuth ${accessToken}` },
    });
    assert.equal(fromUrl.statusCode, 200);
    assert.deepEqual(fromUrl.json(), expectedIdentity('http://ids.test', bob, 'Bob Baker'));
    const short = await h.request({
      method: 'GET',
      url: `/id/${bob.orgId.slice(0, 15)}/${bob.id.slice(0, 15)}`,
      headers: { host: 'ids.test' },
      token: accessToken,
    });
    assert.equal(short.statusCode, 200);
    assert.deepEqual(short.json(), fromUrl.json());
  });

  test('GET /id/<org>/<user> of another user is 403', async () => {
    for (const token of [aliceToken, undefined]) {
      const url = token
        ? `/id/${bob.orgId}/${bob.id}`
        : `/id/${bob.orgId}/${bob.id}?oauth_token=${encodeURIComponent(aliceToken)}`;
      const response = await h.request({ method: 'GET', url, token });
      assert.equal(response.statusCode, 403);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), [
        { errorCode: 'INSUFFICIENT_ACCESS', message: "You can't view another user's identity." },
      ]);
    }
  });

  test('GET /id/<org>/<user> without a valid token is 401', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const response = await h.request({ method: 'GET', url: `/id/${alice.orgId}/${alice.id}`, token });
      assert.equal(response.statusCode, 401);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), SESSION_EXPIRED);
    }
  });

  test('GET /services/oauth2/userinfo answers the identity with the OpenID Connect names', async () => {
    const identity = expectedIdentity(base, alice, 'Alice Anders');
    const expected = {
      ...identity,
      sub: identity.id,
      preferred_username: alice.username,
      nickname: identity.nick_name,
      name: 'Alice Anders',
      given_name: alice.firstName,
      family_name: alice.lastName,
      zoneinfo: 'GMT',
      profile: identity.urls.profile,
      picture: identity.photos.picture,
      updated_at: identity.last_modified_date,
    };
    for (const request of [
      { token: aliceToken, url: '/services/oauth2/userinfo' },
      { url: `/services/oauth2/userinfo?oauth_token=${encodeURIComponent(aliceToken)}` },
      { url: '/services/oauth2/userinfo', headers: { authorization: `OAuth ${aliceToken}` } },
    ]) {
      const response = await h.request({ method: 'GET', ...request });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), expected);
    }
  });

  test('GET /services/oauth2/userinfo without a valid token is 401, in the OAuth error shape', async () => {
    const token = await h.login('alice@acme.example');
    await h.request({ method: 'GET', url: `/services/oauth2/revoke?token=${encodeURIComponent(token)}` });
    for (const revoked of [token, undefined]) {
      const response = await h.request({ method: 'GET', url: '/services/oauth2/userinfo', token: revoked });
      assert.equal(response.statusCode, 401);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      // The OAuth endpoints answer in their own shape (SPEC §2, §4).
      assert.deepEqual(response.json(), {
        error: 'invalid_token',
        error_description: 'Session expired or invalid',
      });
    }
  });

  test('GET /services/data/v36.0/chatter/users/me takes Authorization: OAuth <token>', async () => {
    const response = await h.request({
      method: 'GET',
      url: usersMe,
      headers: { authorization: `OAuth ${aliceToken}` },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().id, alice.id);
    const bearer = await h.request({ method: 'GET', url: usersMe, token: aliceToken });
    assert.deepEqual(response.json(), bearer.json());
  });

  test('GET /services/data/v36.0/chatter/users/me refuses other authorization schemes', async () => {
    for (const authorization of [`Basic ${aliceToken}`, 'Bearer', `Bearer ${aliceToken} extra`]) {
      const response = await h.request({ method: 'GET', url: usersMe, headers: { authorization } });
      assert.equal(response.statusCode, 401, authorization);
      assert.deepEqual(response.json(), SESSION_EXPIRED);
    }
  });
});
