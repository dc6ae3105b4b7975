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
      },
      {
        id: 3,
        method: 'PUT',
        path: ME,
        status: 405,
        errorCode: 'METHOD_NOT_ALLOWED',
        username: 'alice@acme.example',
        clientId: 'chatterbox-demo',
      },
      {
        id: 2,
        method: 'GET',
        path: ME,
        status: 200,
        errorCode: null,
        username: 'alice@acme.example',
        clientId: 'chatterbox-demo',
      },
      {
        id: 1,
        method: 'POST',
        path: '/services/oauth2/token',
        status: 200,
        errorCode: null,
        username: 'alice@acme.example',
        clientId: 'chatterbox-demo',
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
      })),
    );
    assert.equal((await h.admin('GET', '/_chatterbox/requests?limit=100')).json().requests.length, 5);
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
