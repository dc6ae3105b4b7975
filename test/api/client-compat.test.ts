import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { profileId } from '../../src/domain/sobjects.js';
import { to18 } from '../../src/ids/salesforce-id.js';
import { assertError } from '../helpers/api-assert.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

const V = '/services/data/v36.0';
const EMPTY_JSON = { 'content-type': 'application/json' };
const NO_ENTITY = 'The HTTP entity body is required, but this request has no entity body.';

/** Differences the clients people use (nforce, @salesforce/core, the sf CLI) depend on (issue 10). */
describe('what existing clients send (SPEC §1, §2, §12.1)', () => {
  let h: Harness;
  let alice: string;
  let aliceId: string;
  before(async () => {
    h = await createHarness();
    alice = await h.login('alice@acme.example');
    aliceId = (await h.services.store.users.findByUsername('alice@acme.example'))?.id as string;
  });
  after(() => h.close());

  async function post(text: string): Promise<string> {
    const response = await h.request({
      method: 'POST',
      url: `${V}/chatter/feed-elements`,
      token: alice,
      payload: {
        feedElementType: 'FeedItem',
        subjectId: 'me',
        body: { messageSegments: [{ type: 'Text', text }] },
      },
    });
    assert.equal(response.statusCode, 201, response.body);
    return response.json().id;
  }

  describe('Content-Type: application/json with no body (SPEC §2)', () => {
    test('DELETE feed-elements/{id} → 204, POST chatter-likes/items → 201, DELETE likes/{id} → 204', async () => {
      const id = await post('liked, then deleted');
      for (const payload of [undefined, '', '  \n']) {
        const like = await h.request({
          method: 'POST',
          url: `${V}/chatter/feed-elements/${id}/capabilities/chatter-likes/items`,
          token: alice,
          headers: EMPTY_JSON,
          ...(payload === undefined ? {} : { payload }),
        });
        assert.equal(like.statusCode, 201, like.body);
        assert.equal(like.headers['content-type'], JSON_TYPE);
        assert.equal(like.json().user.id, aliceId);
        const unlike = await h.request({
          method: 'DELETE',
          url: `${V}/chatter/likes/${like.json().id}`,
          token: alice,
          headers: EMPTY_JSON,
          payload: payload ?? '',
        });
        assert.equal(unlike.statusCode, 204, unlike.body);
        assert.equal(unlike.body, '');
      }
      const deleted = await h.request({
        method: 'DELETE',
        url: `${V}/chatter/feed-elements/${id}`,
        token: alice,
        headers: { ...EMPTY_JSON, 'content-length': '0' },
      });
      assert.equal(deleted.statusCode, 204, deleted.body);
      assert.equal(deleted.body, '');
      const gone = await h.request({ method: 'GET', url: `${V}/chatter/feed-elements/${id}`, token: alice });
      assert.equal(gone.statusCode, 404);
    });

    test('a resource whose input is required still answers that the entity body is required', async () => {
      for (const [method, url] of [
        ['POST', `${V}/chatter/feed-elements`],
        ['PATCH', `${V}/chatter/users/me`],
        ['POST', `${V}/chatter/users/me/following`],
      ] as const) {
        const response = await h.request({ method, url, token: alice, headers: EMPTY_JSON, payload: '' });
        assertError(response, 400, 'JSON_PARSER_ERROR', NO_ENTITY, `${method} ${url}`);
      }
    });

    test('the control plane: DELETE /_chatterbox/limits/usage → 204; PUT /_chatterbox/limits needs a body', async () => {
      const cleared = await h.request({
        method: 'DELETE',
        url: '/_chatterbox/limits/usage',
        headers: { ...EMPTY_JSON, authorization: `Bearer ${h.config.adminToken}` },
        payload: '',
      });
      assert.equal(cleared.statusCode, 204, cleared.body);
      assert.equal(cleared.body, '');
      const put = await h.request({
        method: 'PUT',
        url: '/_chatterbox/limits',
        headers: { ...EMPTY_JSON, authorization: `Bearer ${h.config.adminToken}` },
        payload: '',
      });
      assertError(put, 400, 'JSON_PARSER_ERROR', NO_ENTITY);
    });
  });

  describe('repeated slashes count as one (SPEC §1)', () => {
    let base: string;
    before(async () => {
      base = await h.listen();
    });

    test('GET //services/data/v50.0//chatter/users/me answers as the single-slash path, and is journalled so', async () => {
      const token = await h.login('alice@acme.example');
      const single = await fetch(`${base}/services/data/v50.0/chatter/users/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      for (const path of [
        '//services/data/v50.0/chatter/users/me',
        '/services//data/v50.0//chatter/users/me',
        '///services/data/v50.0/chatter///users/me/',
      ]) {
        const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(response.status, 200, path);
        assert.equal(response.headers.get('content-type'), JSON_TYPE);
        assert.deepEqual(await response.json(), await single.clone().json(), path);
      }
      const versions = await fetch(`${base}//services/data`);
      assert.equal(versions.status, 200);
      assert.equal((await versions.json())[0].version, '32.0');
      // The query keeps its slashes; the journal records the collapsed path.
      const search = await fetch(`${base}//services/data/v50.0/chatter/users?q=a//b`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(search.status, 200);
      assert.deepEqual((await search.json()).users, []);
      const paths = (await h.admin('GET', '/_chatterbox/requests'))
        .json()
        .requests.map((r: { path: string }) => r.path);
      assert.deepEqual(paths.slice(0, 6), [
        '/services/data/v50.0/chatter/users',
        '/services/data',
        '/services/data/v50.0/chatter/users/me/',
        '/services/data/v50.0/chatter/users/me',
        '/services/data/v50.0/chatter/users/me',
        '/services/data/v50.0/chatter/users/me',
      ]);
    });

    test('maintenance and faults see the collapsed path', async () => {
      const token = await h.login('alice@acme.example');
      await h.admin('POST', '/_chatterbox/faults', { path: '/chatter/users/me', status: 500, times: 1 });
      const faulted = await fetch(`${base}//services/data/v50.0//chatter/users/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(faulted.status, 500);
      assert.equal((await faulted.json())[0].errorCode, 'UNKNOWN_EXCEPTION');
      await h.admin('PUT', '/_chatterbox/maintenance', { enabled: true, retryAfterSeconds: 5 });
      const down = await fetch(`${base}//services/oauth2/token`, { method: 'POST' });
      assert.equal(down.status, 503);
      assert.equal(down.headers.get('retry-after'), '5');
      assert.deepEqual(await down.json(), {
        error: 'temporarily_unavailable',
        error_description: 'The server is down for maintenance.',
      });
      await h.admin('PUT', '/_chatterbox/maintenance', { enabled: false });
    });
  });

  describe('GET sobjects/User/{id} (SPEC §12.1)', () => {
    test('answers the User record: attributes first, then the fields in describe order', async () => {
      const user = await h.services.store.users.findByUsername('alice@acme.example');
      assert.ok(user);
      for (const id of [user.id, user.id.slice(0, 15), user.id.toLowerCase()]) {
        const response = await h.request({
          method: 'GET',
          url: `/services/data/v51.0/sobjects/User/${id}`,
          token: alice,
        });
        assert.equal(response.statusCode, 200, id);
        assert.equal(response.headers['content-type'], JSON_TYPE);
        const stamp = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
        const body = response.json();
        assert.deepEqual(Object.keys(body), [
          'attributes',
          'Id',
          'Username',
          'LastName',
          'FirstName',
          'Name',
          'CompanyName',
          'Title',
          'Email',
          'CommunityNickname',
          'IsActive',
          'ProfileId',
          'UserType',
          'CreatedDate',
          'LastModifiedDate',
          'SystemModstamp',
          'AboutMe',
        ]);
        assert.deepEqual(body, {
          attributes: { type: 'User', url: `/services/data/v51.0/sobjects/User/${user.id}` },
          Id: user.id,
          Username: 'alice@acme.example',
          LastName: 'Anders',
          FirstName: 'Alice',
          Name: 'Alice Anders',
          CompanyName: user.companyName,
          Title: user.title,
          Email: user.email,
          CommunityNickname: user.nickname,
          IsActive: true,
          ProfileId: profileId(user),
          UserType: 'Standard',
          CreatedDate: stamp(user.createdAt),
          LastModifiedDate: stamp(user.modifiedAt),
          SystemModstamp: stamp(user.modifiedAt),
          AboutMe: user.aboutMe,
        });
        assert.match(body.ProfileId, /^00e[0-9A-Za-z]{15}$/);
      }
    });

    test('?fields= answers attributes, the named fields in the order named, and Id', async () => {
      const response = await h.request({
        method: 'GET',
        url: `${V}/sobjects/User/${aliceId}?fields=email,Username,IsActive,Username`,
        token: alice,
      });
      assert.equal(response.statusCode, 200);
      const user = await h.services.store.users.findByUsername('alice@acme.example');
      assert.equal(
        JSON.stringify(response.json()),
        JSON.stringify({
          attributes: { type: 'User', url: `${V}/sobjects/User/${aliceId}` },
          Email: user?.email,
          Username: 'alice@acme.example',
          IsActive: true,
          Id: aliceId,
        }),
      );
    });

    test('another user, an inactive one, and an external one are readable by an internal user', async () => {
      for (const [username, type, active] of [
        ['bob@acme.example', 'Standard', true],
        ['dan@acme.example', 'Standard', false],
        ['carol@partner.example', 'PowerPartner', true],
        ['admin@acme.example', 'Standard', true],
      ] as const) {
        const user = await h.services.store.users.findByUsername(username);
        const response = await h.request({
          method: 'GET',
          url: `${V}/sobjects/User/${user?.id}?fields=Username,UserType,IsActive`,
          token: alice,
        });
        assert.equal(response.statusCode, 200, username);
        assert.deepEqual(response.json(), {
          attributes: { type: 'User', url: `${V}/sobjects/User/${user?.id}` },
          Username: username,
          UserType: type,
          IsActive: active,
          Id: user?.id,
        });
      }
    });

    test('errors: unknown field 400 INVALID_FIELD; bad or wrong-type ID, absent user, other org, unknown type 404', async () => {
      const field = await h.request({
        method: 'GET',
        url: `${V}/sobjects/User/${aliceId}?fields=Name,Foo`,
        token: alice,
      });
      assertError(field, 400, 'INVALID_FIELD', "No such column 'Foo' on sobject of type User");
      for (const id of ['23foo', `${aliceId.slice(0, 15)}XXX`, to18('0F9Cb0000000001')]) {
        const response = await h.request({ method: 'GET', url: `${V}/sobjects/User/${id}`, token: alice });
        assertError(
          response,
          404,
          'NOT_FOUND',
          `Provided external ID field does not exist or is not accessible: ${id}`,
          id,
        );
      }
      const missing = await h.request({
        method: 'GET',
        url: `${V}/sobjects/User/${to18('005Cb00000000zz')}`,
        token: alice,
      });
      assertError(missing, 404, 'NOT_FOUND', 'The requested resource does not exist');
      const other = (await h.admin('POST', '/_chatterbox/orgs', { name: 'Other' })).json();
      const stranger = (
        await h.admin('POST', '/_chatterbox/users', {
          orgId: other.id,
          username: 'stranger@other.example',
          password: 'pass-word-1',
          firstName: 'S',
          lastName: 'T',
          type: 'standard',
        })
      ).json();
      const hidden = await h.request({
        method: 'GET',
        url: `${V}/sobjects/User/${stranger.id}`,
        token: alice,
      });
      assertError(hidden, 404, 'NOT_FOUND', 'The requested resource does not exist');
      const type = await h.request({ method: 'GET', url: `${V}/sobjects/Widget/${aliceId}`, token: alice });
      assertError(type, 404, 'NOT_FOUND', 'The requested resource does not exist');
    });

    test('an external user is refused on the internal scope (403); without a session 401; POST 405', async () => {
      const carol = await h.login('carol@partner.example');
      const refused = await h.request({ method: 'GET', url: `${V}/sobjects/User/${aliceId}`, token: carol });
      assertError(refused, 403, 'INSUFFICIENT_ACCESS', "External users can't access this resource.");
      const anonymous = await h.request({ method: 'GET', url: `${V}/sobjects/User/${aliceId}` });
      assertError(anonymous, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      const write = await h.request({
        method: 'PATCH',
        url: `${V}/sobjects/User/${aliceId}`,
        token: alice,
        payload: {},
      });
      assertError(write, 405, 'METHOD_NOT_ALLOWED', "HTTP Method 'PATCH' not allowed. Allowed are GET,HEAD");
    });
  });
});
