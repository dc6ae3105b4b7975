import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

describe('versions and directories (SPEC §1)', () => {
  let h: Harness;
  let token: string;
  before(async () => {
    h = await createHarness();
    token = await h.login('alice@acme.example');
  });
  after(() => h.close());

  test('GET /services/data/ lists 32.0 to 66.0 without a token, uncounted', async () => {
    const response = await h.request({ method: 'GET', url: '/services/data/' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.equal(response.headers['sforce-limit-info'], undefined);
    const body = response.json();
    assert.equal(body.length, 35);
    assert.deepEqual(body[0], { label: "Winter '15", url: '/services/data/v32.0', version: '32.0' });
    assert.deepEqual(body[4], { label: "Spring '16", url: '/services/data/v36.0', version: '36.0' });
    assert.deepEqual(body.at(-1), { label: "Spring '26", url: '/services/data/v66.0', version: '66.0' });
  });

  test('GET /services/data/v36.0 and v36.0/ answer the resource directory', async () => {
    for (const url of ['/services/data/v36.0', '/services/data/v36.0/']) {
      const response = await h.request({ method: 'GET', url, token, headers: { host: 'example.test' } });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      const alice = (await h.services.store.users.findByUsername('alice@acme.example'))!;
      assert.deepEqual(response.json(), {
        chatter: '/services/data/v36.0/chatter',
        composite: '/services/data/v36.0/composite',
        connect: '/services/data/v36.0/connect',
        identity: `http://example.test/id/${alice.orgId}/${alice.id}`,
        limits: '/services/data/v36.0/limits',
      });
    }
  });

  test('GET chatter directory echoes the version', async () => {
    const response = await h.request({ method: 'GET', url: '/services/data/v41.0/chatter', token });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      feeds: '/services/data/v41.0/chatter/feeds',
      groups: '/services/data/v41.0/chatter/groups',
      users: '/services/data/v41.0/chatter/users',
    });
  });

  test('retired versions are 410 GONE, before authentication', async () => {
    for (const url of ['/services/data/v30.0/chatter/users/me', '/services/data/v20.0/nothing/here']) {
      const response = await h.request({ method: 'GET', url });
      assert.equal(response.statusCode, 410);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      const version = url.includes('v30') ? '30.0' : '20.0';
      assert.deepEqual(response.json(), [
        { errorCode: 'GONE', message: `API version ${version} is retired. Use version 32.0 or later.` },
      ]);
    }
  });

  test('unknown versions are 404 NOT_FOUND', async () => {
    for (const v of ['v99.0', 'v67.0', 'vabc', 'v38', 'v19.0']) {
      const response = await h.request({ method: 'GET', url: `/services/data/${v}/chatter/users/me`, token });
      assert.equal(response.statusCode, 404, v);
      assert.deepEqual(response.json(), [
        { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
      ]);
    }
  });
});
