import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

const ME = '/services/data/v36.0/chatter/users/me';

interface Row {
  time: string;
  durationMs: number;
  [key: string]: unknown;
}

/** The rows without their two measured fields, after checking those are well formed. */
function withoutTimings(rows: Row[]): Record<string, unknown>[] {
  return rows.map(({ time, durationMs, ...rest }) => {
    assert.match(time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(typeof durationMs, 'number');
    assert.ok(durationMs >= 0);
    return rest;
  });
}

describe('request journal (SPEC §9)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ journalSize: 5 });
  });
  after(() => h.close());

  test('GET /_chatterbox/requests lists API requests newest first; control-plane calls are not recorded', async () => {
    const empty = await h.admin('GET', '/_chatterbox/requests');
    assert.equal(empty.statusCode, 200);
    assert.equal(empty.headers['content-type'], JSON_TYPE);
    assert.deepEqual(empty.json(), { requests: [] });

    const alice = await h.login('alice@acme.example');
    await h.request({ method: 'GET', url: `${ME}?x=1`, token: alice });
    await h.admin('GET', '/_chatterbox/limits');
    await h.request({ method: 'PUT', url: ME, token: alice, payload: {} });
    await h.request({ method: 'GET', url: '/services/data/v36.0/nothing/here' });
    const response = await h.admin('GET', '/_chatterbox/requests?limit=10');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const rows = response.json().requests as Row[];
    assert.deepEqual(withoutTimings(rows), [
      {
        id: 4,
        method: 'GET',
        path: '/services/data/v36.0/nothing/here',
        status: 404,
        errorCode: 'NOT_FOUND',
        username: null,
        clientId: null,
        retryOf: null,
      },
      {
        id: 3,
        method: 'PUT',
        path: ME,
        status: 405,
        errorCode: 'METHOD_NOT_ALLOWED',
        username: 'alice@acme.example',
        clientId: 'chatterbox-demo',
        retryOf: null,
      },
      {
        id: 2,
        method: 'GET',
        path: ME,
        status: 200,
        errorCode: null,
        username: 'alice@acme.example',
        clientId: 'chatterbox-demo',
        retryOf: null,
      },
      {
        id: 1,
        method: 'POST',
        path: '/services/oauth2/token',
        status: 200,
        errorCode: null,
        username: 'alice@acme.example',
        clientId: 'chatterbox-demo',
        retryOf: null,
      },
    ]);
    const times = rows.map((r) => Date.parse(r.time));
    assert.deepEqual(
      [...times].sort((a, b) => b - a),
      times,
    );
  });

  test('the journal keeps a bounded ring: the oldest entries give way', async () => {
    const bob = await h.login('bob@acme.example');
    for (let i = 0; i < 12; i++)
      await h.request({ method: 'GET', url: `/services/data/v36.0/chatter/users/${i}`, token: bob });
    assert.equal(h.services.control.journal.length, 5);
    const rows = (await h.admin('GET', '/_chatterbox/requests?limit=3')).json().requests as Row[];
    assert.deepEqual(
      withoutTimings(rows),
      [11, 10, 9].map((i) => ({
        // The login was entry 5; users/0 … users/11 are 6 … 17.
        id: i + 6,
        method: 'GET',
        path: `/services/data/v36.0/chatter/users/${i}`,
        status: 400,
        errorCode: 'INVALID_ID_FIELD',
        username: 'bob@acme.example',
        clientId: 'chatterbox-demo',
        retryOf: null,
      })),
    );
    assert.equal((await h.admin('GET', '/_chatterbox/requests?limit=100')).json().requests.length, 5);
  });

  test('the journal records the path as every stage saw it: decoded once (issue 9)', async () => {
    const alice = await h.login('alice@acme.example');
    await h.request({ method: 'GET', url: '/%73ervices/data/v36.0/chatter/users/%6De?x=%41', token: alice });
    await h.request({ method: 'GET', url: '/services/data/v36.0/chatter/users/%C3%A9%2F', token: alice });
    const rows = (await h.admin('GET', '/_chatterbox/requests?limit=2')).json().requests as Row[];
    // After the ring test's 17 entries, the login is 18.
    assert.deepEqual(withoutTimings(rows), [
      {
        id: 20,
        method: 'GET',
        path: '/services/data/v36.0/chatter/users/é%2F',
        status: 400,
        errorCode: 'INVALID_ID_FIELD',
        username: 'alice@acme.example',
        clientId: 'chatterbox-demo',
        retryOf: null,
      },
      {
        id: 19,
        method: 'GET',
        path: ME,
        status: 200,
        errorCode: null,
        username: 'alice@acme.example',
        clientId: 'chatterbox-demo',
        retryOf: null,
      },
    ]);
  });

  test('retryOf: the identical request (session, method, path and query, body) of the last minute', async () => {
    const journal = await createHarness({ hourlyLimit: 2 });
    try {
      const alice = await journal.login('alice@acme.example');
      const bob = await journal.login('bob@acme.example');
      const rows = async (n: number) =>
        ((await journal.admin('GET', `/_chatterbox/requests?limit=${n}`)).json().requests as Row[]).map(
          (r) => ({ id: r.id, path: r.path, status: r.status, retryOf: r.retryOf, username: r.username }),
        );
      const get = (url: string, token: string) => journal.request({ method: 'GET', url, token });
      const patch = (aboutMe: string) =>
        journal.request({ method: 'PATCH', url: ME, token: bob, payload: { aboutMe } });
      assert.equal((await get(ME, alice)).statusCode, 200);
      assert.equal((await get(`${ME}?x=1`, alice)).statusCode, 200);
      assert.equal((await get(ME, alice)).statusCode, 503);
      assert.equal((await get(ME, alice)).statusCode, 503);
      const [fourth, third, second, first] = await rows(4);
      assert.deepEqual(
        [fourth?.retryOf, third?.retryOf, second?.retryOf, first?.retryOf],
        [third?.id, first?.id, null, null],
      );
      assert.deepEqual([third?.status, fourth?.status], [503, 503]);
      // Another session of the same user is not a retry; nor is a different body; the same body is.
      const again = await journal.login('alice@acme.example');
      await journal.admin('DELETE', '/_chatterbox/limits/usage');
      assert.equal((await get(ME, again)).statusCode, 200);
      assert.equal((await patch('one')).statusCode, 200);
      assert.equal((await patch('two')).statusCode, 200);
      assert.equal((await patch('two')).statusCode, 503);
      const [repeat, two, one, other] = await rows(4);
      assert.deepEqual(
        [other?.retryOf, one?.retryOf, two?.retryOf, repeat?.retryOf],
        [null, null, null, two?.id],
      );
      // A minute and a second later the same request is new again.
      await journal.admin('POST', '/_chatterbox/clock', { advanceSeconds: 61 });
      await journal.admin('DELETE', '/_chatterbox/limits/usage');
      assert.equal((await patch('two')).statusCode, 200);
      const [late] = await rows(1);
      assert.equal(late?.retryOf, null);
      assert.equal((await patch('two')).statusCode, 200);
      const [soon] = await rows(1);
      assert.equal(soon?.retryOf, late?.id);
      // Requests without a session (the token endpoint) are never retries.
      await journal.login('alice@acme.example');
      await journal.login('alice@acme.example');
      const [login] = await rows(1);
      assert.deepEqual([login?.path, login?.retryOf], ['/services/oauth2/token', null]);
    } finally {
      await journal.close();
    }
  });

  test('GET /_chatterbox/requests validates limit', async () => {
    for (const [limit, message] of [
      ['0', 'Invalid limit: 0. Specify a value between 1 and 1000000.'],
      ['abc', 'Invalid limit: abc. Specify a value of type integer.'],
    ]) {
      const response = await h.admin('GET', `/_chatterbox/requests?limit=${limit}`);
      assert.equal(response.statusCode, 400);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), [{ errorCode: 'INVALID_INPUT', message }]);
    }
  });
});
