import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { ADMIN_TOKEN_MISSING } from '../helpers/oauth.js';

const ME = '/services/data/v36.0/chatter/users/me';
const DOWN = [
  { errorCode: 'SERVER_UNAVAILABLE', message: 'The server is down for maintenance. Try again later.' },
];

describe('maintenance mode (SPEC §9)', () => {
  let h: Harness;
  let alice: string;
  before(async () => {
    h = await createHarness();
    alice = await h.login('alice@acme.example');
  });
  after(() => h.close());

  test('PUT /_chatterbox/maintenance turns it on: every /services path answers 503 with Retry-After', async () => {
    const on = await h.admin('PUT', '/_chatterbox/maintenance', { enabled: true, retryAfterSeconds: 120 });
    assert.equal(on.statusCode, 200);
    assert.equal(on.headers['content-type'], JSON_TYPE);
    assert.deepEqual(on.json(), { enabled: true, retryAfterSeconds: 120 });

    const paths = [
      ['GET', '/services/data/', undefined],
      ['GET', ME, alice],
      ['GET', ME, undefined],
      ['PATCH', ME, alice],
      ['GET', '/services/data/v30.0/chatter/users/me', alice],
      ['GET', '/services/data/v36.0/no/such/thing', alice],
      ['POST', '/services/data/v36.0/connect/batch', alice],
      ['GET', '/services/apexrest/anything', undefined],
    ] as const;
    for (const [method, url, token] of paths) {
      const response = await h.request({ method, url, ...(token ? { token } : {}) });
      assert.equal(response.statusCode, 503, `${method} ${url}`);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.equal(response.headers['retry-after'], '120');
      assert.deepEqual(response.json(), DOWN);
    }
    const token = await h.request({
      method: 'POST',
      url: '/services/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=password&client_id=chatterbox-demo',
    });
    assert.equal(token.statusCode, 503);
    assert.equal(token.headers['content-type'], JSON_TYPE);
    assert.equal(token.headers['retry-after'], '120');
    assert.deepEqual(token.json(), {
      error: 'temporarily_unavailable',
      error_description: 'The server is down for maintenance.',
    });
  });

  test('percent-encoding does not get a request past maintenance (issue 9)', async () => {
    const cases = [
      ['POST', '/%73ervices/data/v36.0/chatter/feed-elements'],
      ['GET', '/%73%65%72%76%69%63%65%73/data/v36.0/chatter/users/%6De'],
      ['GET', '/services/%64ata/v36.0/chatter/users/me'],
      ['GET', '/services/data/v36.0/chatter/users/me%2Exml'],
    ] as const;
    for (const [method, url] of cases) {
      const response = await h.request({ method, url, token: alice });
      assert.equal(response.statusCode, 503, `${method} ${url}`);
      assert.equal(response.headers['retry-after'], '120');
      if (url.endsWith('%2Exml')) {
        assert.equal(response.headers['content-type'], 'application/xml;charset=UTF-8');
        continue;
      }
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), DOWN);
    }
    const token = await h.request({
      method: 'POST',
      url: '/services/%6Fauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=password&client_id=chatterbox-demo',
    });
    assert.equal(token.statusCode, 503);
    assert.deepEqual(token.json(), {
      error: 'temporarily_unavailable',
      error_description: 'The server is down for maintenance.',
    });
  });

  test('the control plane keeps working during maintenance', async () => {
    const health = await h.request({ method: 'GET', url: '/_chatterbox/health' });
    assert.equal(health.statusCode, 200);
    const state = await h.admin('GET', '/_chatterbox/maintenance');
    assert.equal(state.statusCode, 200);
    assert.deepEqual(state.json(), { enabled: true, retryAfterSeconds: 120 });
    const limits = await h.admin('GET', '/_chatterbox/limits');
    assert.equal(limits.statusCode, 200);
  });

  test('PUT /_chatterbox/maintenance off: requests are answered as before, the 503s were not counted', async () => {
    const off = await h.admin('PUT', '/_chatterbox/maintenance', { enabled: false });
    assert.equal(off.statusCode, 200);
    assert.deepEqual(off.json(), { enabled: false, retryAfterSeconds: 300 });
    const me = await h.request({ method: 'GET', url: ME, token: alice });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().username, 'alice@acme.example');
    assert.equal(me.headers['sforce-limit-info'], 'api-usage=1/15000');
  });

  test('PUT /_chatterbox/maintenance validates its body and needs the admin token', async () => {
    const cases: [unknown, unknown][] = [
      [{}, [{ errorCode: 'INVALID_INPUT', message: 'Missing required field: enabled.' }]],
      [
        { enabled: true, retryAfterSeconds: -1 },
        [
          {
            errorCode: 'INVALID_INPUT',
            message: 'Invalid retryAfterSeconds: -1. Specify a value between 0 and 604800.',
          },
        ],
      ],
      [
        { enabled: true, when: 'now' },
        [{ errorCode: 'JSON_PARSER_ERROR', message: 'Unrecognized field "when"' }],
      ],
    ];
    for (const [payload, body] of cases) {
      const response = await h.admin('PUT', '/_chatterbox/maintenance', payload);
      assert.equal(response.statusCode, 400);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), body);
    }
    const anonymous = await h.request({
      method: 'PUT',
      url: '/_chatterbox/maintenance',
      payload: { enabled: true },
    });
    assert.equal(anonymous.statusCode, 401);
    assert.deepEqual(anonymous.json(), ADMIN_TOKEN_MISSING);
    assert.equal((await h.request({ method: 'GET', url: ME, token: alice })).statusCode, 200);
  });
});
