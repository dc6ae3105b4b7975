import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

const ME = '/services/data/v36.0/chatter/users/me';
const UNAVAILABLE = [
  { errorCode: 'SERVER_UNAVAILABLE', message: 'The server is down for maintenance. Try again later.' },
];

describe('injected faults (SPEC §9)', () => {
  let h: Harness;
  let alice: string;
  let bob: string;
  before(async () => {
    h = await createHarness();
  });
  beforeEach(async () => {
    await h.admin('POST', '/_chatterbox/reset');
    h.services.control.faults.random = Math.random;
    alice = await h.login('alice@acme.example');
    bob = await h.login('bob@acme.example');
  });
  after(() => h.close());

  const addFault = async (fault: Record<string, unknown>) => {
    const response = await h.admin('POST', '/_chatterbox/faults', fault);
    assert.equal(response.statusCode, 201, response.body);
    return response.json();
  };
  const get = (url: string, token?: string) => h.request({ method: 'GET', url, ...(token ? { token } : {}) });

  test('POST /_chatterbox/faults: a 503 that fires twice, then the request runs normally', async () => {
    const created = await h.admin('POST', '/_chatterbox/faults', {
      path: '/chatter/users/me',
      status: 503,
      times: 2,
    });
    assert.equal(created.statusCode, 201);
    assert.equal(created.headers['content-type'], JSON_TYPE);
    const fault = created.json();
    assert.match(fault.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(fault, {
      id: fault.id,
      method: null,
      path: '/chatter/users/me',
      status: 503,
      errorCode: 'SERVER_UNAVAILABLE',
      message: null,
      times: 2,
      probability: 1,
      delayMs: 0,
      username: null,
      fired: 0,
    });
    for (let i = 0; i < 2; i++) {
      const failed = await get(ME, alice);
      assert.equal(failed.statusCode, 503);
      assert.equal(failed.headers['content-type'], JSON_TYPE);
      assert.equal(failed.headers['retry-after'], '1');
      assert.deepEqual(failed.json(), UNAVAILABLE);
    }
    const ok = await get(ME, alice);
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().username, 'alice@acme.example');
    // Faults answer before authentication: the two 503s were not counted.
    assert.equal(ok.headers['sforce-limit-info'], 'api-usage=1/15000');
    const list = await h.admin('GET', '/_chatterbox/faults');
    assert.equal(list.statusCode, 200);
    assert.deepEqual(list.json(), { faults: [{ ...fault, fired: 2 }] });
  });

  test('the glob is over the path after /services/data/vNN.N: * stays in a segment, ** crosses /', async () => {
    await addFault({ path: '/chatter/*', status: 404 });
    assert.equal((await get('/services/data/v36.0/chatter/users', alice)).statusCode, 404);
    assert.equal((await get('/services/data/v40.0/chatter/users/', alice)).statusCode, 404);
    assert.equal((await get(ME, alice)).statusCode, 200);
    await h.admin('DELETE', '/_chatterbox/faults');
    await addFault({ path: '/chatter/**', status: 404 });
    const deep = await get(`${ME}?foo=bar`, alice);
    assert.equal(deep.statusCode, 404);
    assert.deepEqual(deep.json(), [
      { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
    ]);
    assert.equal((await get('/services/data/v36.0/limits', alice)).statusCode, 403);
  });

  test('a fault matches the decoded path: percent-encoding does not get past it (issue 9)', async () => {
    await addFault({ path: '/chatter/users/me', status: 503 });
    await addFault({ path: '/chatter/groups/équipe*', status: 404 });
    for (const url of [
      `${ME}`,
      '/services/data/v36.0/chatter/users/%6De',
      '/services/data/v36.0/chatter/users/%6d%65/',
      '/services/data/v36.0/chatter/%75sers/me',
      '/%73ervices/data/v36.0/chatter/users/me',
    ]) {
      const response = await get(url, alice);
      assert.equal(response.statusCode, 503, url);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), UNAVAILABLE);
    }
    const group = await get('/services/data/v36.0/chatter/groups/%C3%A9quipe1', alice);
    assert.equal(group.statusCode, 404);
    assert.deepEqual(group.json(), [
      { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
    ]);
    // An encoded `/` is part of a segment, not a separator: the path is another one.
    assert.equal((await get('/services/data/v36.0/chatter/users%2Fme', alice)).statusCode, 404);
  });

  test('a fault names a method, an errorCode and a message; others pass', async () => {
    await addFault({
      method: 'patch',
      path: '/chatter/users/*',
      status: 400,
      errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'Injected validation failure.',
    });
    assert.equal((await get(ME, alice)).statusCode, 200);
    const patched = await h.request({ method: 'PATCH', url: ME, token: alice, payload: { aboutMe: 'x' } });
    assert.equal(patched.statusCode, 400);
    assert.equal(patched.headers['content-type'], JSON_TYPE);
    assert.deepEqual(patched.json(), [
      { errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Injected validation failure.' },
    ]);
    assert.equal((await get(ME, alice)).json().aboutMe, null);
  });

  test("without a message, the catalogue's entry for the status; a 500 gets a fresh ErrorId", async () => {
    await addFault({ method: 'GET', path: '/chatter', status: 403 });
    await addFault({ method: 'GET', path: '/connect', status: 500 });
    await addFault({ method: 'GET', path: '/', status: 429 });
    const forbidden = await get('/services/data/v36.0/chatter', alice);
    assert.equal(forbidden.statusCode, 403);
    assert.deepEqual(forbidden.json(), [{ errorCode: 'INSUFFICIENT_ACCESS', message: 'Injected fault.' }]);
    const failed = await get('/services/data/v36.0/connect', alice);
    assert.equal(failed.statusCode, 500);
    assert.equal(failed.headers['content-type'], JSON_TYPE);
    const [error] = failed.json();
    assert.match(
      error.message,
      /^An unexpected error occurred\. Please include this ErrorId if you contact support: \d+-\d{6} \(-?\d+\)$/,
    );
    assert.deepEqual(failed.json(), [{ errorCode: 'UNKNOWN_EXCEPTION', message: error.message }]);
    const daily = await get('/services/data/v36.0', alice);
    assert.equal(daily.statusCode, 429);
    assert.equal(daily.headers['retry-after'], '1');
    assert.deepEqual(daily.json(), [
      { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' },
    ]);
  });

  test('a fault without a status only delays, then the request runs normally', async () => {
    const fault = await addFault({ path: '/chatter/users/me', delayMs: 20 });
    const response = await get(ME, alice);
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().username, 'alice@acme.example');
    assert.deepEqual((await h.admin('GET', '/_chatterbox/faults')).json(), {
      faults: [{ ...fault, fired: 1 }],
    });
  });

  test('other paths are matched whole: a 503 on the OAuth token endpoint has the OAuth shape', async () => {
    await addFault({ path: '/services/oauth2/token', status: 503, times: 1 });
    const response = await h.request({
      method: 'POST',
      url: '/services/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=password',
    });
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.equal(response.headers['retry-after'], '1');
    assert.deepEqual(response.json(), {
      error: 'temporarily_unavailable',
      error_description: 'The server is down for maintenance. Try again later.',
    });
    assert.ok(await h.login('alice@acme.example'));
  });

  test('a fault on the token endpoint answers the errorCode it sets, in the OAuth shape, and the journal says so', async () => {
    await addFault({
      path: '/services/oauth2/token',
      status: 400,
      errorCode: 'invalid_grant',
      message: 'authentication failure',
      times: 1,
    });
    const token = () =>
      h.request({
        method: 'POST',
        url: '/services/oauth2/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=password',
      });
    const refused = await token();
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.headers['content-type'], JSON_TYPE);
    assert.deepEqual(refused.json(), { error: 'invalid_grant', error_description: 'authentication failure' });
    // A fault naming only a status: the OAuth code for it, recorded as answered.
    await addFault({ path: '/services/oauth2/token', status: 503, times: 1 });
    assert.equal((await token()).json().error, 'temporarily_unavailable');
    const journal = (await h.admin('GET', '/_chatterbox/requests?limit=2')).json().requests as {
      status: number;
      errorCode: string;
    }[];
    assert.deepEqual(
      journal.map(({ status, errorCode }) => ({ status, errorCode })),
      [
        { status: 503, errorCode: 'temporarily_unavailable' },
        { status: 400, errorCode: 'invalid_grant' },
      ],
    );
  });

  test('a fault naming a username fires after authentication, for that user only', async () => {
    await addFault({ path: '/chatter/**', status: 403, username: 'Bob@Acme.example' });
    assert.equal((await get(ME, alice)).statusCode, 200);
    const unauthenticated = await get(ME);
    assert.equal(unauthenticated.statusCode, 401);
    const refused = await get(ME, bob);
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(refused.json(), [{ errorCode: 'INSUFFICIENT_ACCESS', message: 'Injected fault.' }]);
    // Authenticated, so it carries the usage as it stands; it was not counted.
    assert.equal(refused.headers['sforce-limit-info'], 'api-usage=1/15000');
  });

  test('faults come right after routing: before authentication, after version checks, never on unknown paths', async () => {
    await addFault({ path: '/chatter/**', status: 503 });
    await addFault({ path: '/_chatterbox/**', status: 503 });
    await addFault({ path: '/no/**', status: 503 });
    assert.equal((await get(ME)).statusCode, 503);
    assert.equal((await get('/services/data/v30.0/chatter/users/me', alice)).statusCode, 410);
    assert.equal((await get('/services/data/v99.0/chatter/users/me', alice)).statusCode, 404);
    assert.equal((await get('/services/data/v36.0/no/such', alice)).statusCode, 404);
    assert.equal((await h.admin('GET', '/_chatterbox/faults')).statusCode, 200);
  });

  test('probability draws from the injected random source; times counts firings', async () => {
    const draws = [0.9, 0.2, 0.7, 0.1, 0.05];
    h.services.control.faults.random = () => draws.shift() as number;
    const fault = await addFault({ path: '/chatter/users/me', status: 503, probability: 0.5, times: 2 });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(ME, alice)).statusCode);
    assert.deepEqual(statuses, [200, 503, 200, 503, 200]);
    assert.deepEqual(draws, [0.05]);
    assert.deepEqual((await h.admin('GET', '/_chatterbox/faults')).json(), {
      faults: [{ ...fault, fired: 2 }],
    });
  });

  test('faults fire inside a batch as on direct calls', async () => {
    await addFault({ path: '/chatter/users/me', status: 503 });
    const response = await h.request({
      method: 'POST',
      url: '/services/data/v36.0/connect/batch',
      token: alice,
      payload: { batchRequests: [{ method: 'GET', url: '/v36.0/chatter/users/me' }] },
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      hasErrors: true,
      results: [{ statusCode: 503, result: UNAVAILABLE }],
    });
  });

  test('DELETE /_chatterbox/faults/{id} and DELETE /_chatterbox/faults remove them', async () => {
    const first = await addFault({ path: '/chatter/users/me', status: 503 });
    const second = await addFault({ path: '/chatter', status: 404 });
    const removed = await h.admin('DELETE', `/_chatterbox/faults/${first.id}`);
    assert.equal(removed.statusCode, 204);
    assert.equal(removed.body, '');
    assert.deepEqual((await h.admin('GET', '/_chatterbox/faults')).json(), { faults: [second] });
    assert.equal((await get(ME, alice)).statusCode, 200);
    const again = await h.admin('DELETE', `/_chatterbox/faults/${first.id}`);
    assert.equal(again.statusCode, 404);
    assert.deepEqual(again.json(), [
      { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
    ]);
    const all = await h.admin('DELETE', '/_chatterbox/faults');
    assert.equal(all.statusCode, 204);
    assert.deepEqual((await h.admin('GET', '/_chatterbox/faults')).json(), { faults: [] });
    assert.equal((await get('/services/data/v36.0/chatter', alice)).statusCode, 200);
  });

  test('POST /_chatterbox/faults refuses what it cannot inject', async () => {
    const cases: [unknown, string][] = [
      [{}, 'Missing required field: path.'],
      [{ path: '/x', status: 302 }, 'Invalid status: 302. Specify a value between 400 and 599.'],
      [{ path: '/x', probability: 2 }, 'Invalid probability: 2. Specify a value between 0 and 1.'],
      [{ path: '/x', times: 0 }, 'Invalid times: 0. Specify a value of at least 1.'],
      [{ path: '/x', errorCode: 'X' }, 'Invalid fault: errorCode and message need a status.'],
      [
        { path: '/x', status: 418 },
        'Invalid fault: the catalogue has no error for status 418. Specify errorCode and message.',
      ],
      [
        { path: '/x', method: 'FETCH' },
        'Invalid method: FETCH. Specify one of: GET, HEAD, POST, PATCH, PUT, DELETE.',
      ],
      // A glob longer than any request line (picomatch itself throws over 65,536: once a 500).
      [{ path: `/${'a'.repeat(200_000)}`, status: 503 }, 'Invalid path: specify at most 2048 characters.'],
    ];
    for (const [payload, message] of cases) {
      const response = await h.admin('POST', '/_chatterbox/faults', payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), [{ errorCode: 'INVALID_INPUT', message }]);
    }
    assert.deepEqual((await h.admin('GET', '/_chatterbox/faults')).json(), { faults: [] });
    const custom = await addFault({ path: '/x', status: 418, errorCode: 'TEAPOT', message: "I'm a teapot." });
    assert.equal(custom.errorCode, 'TEAPOT');
  });
});
