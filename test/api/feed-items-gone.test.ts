import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

const GONE = [
  {
    errorCode: 'GONE',
    message: 'Feed items resources were retired in version 32.0. Use /chatter/feed-elements.',
  },
];

/** The feed-items family was removed in 32.0: 410 at every supported version (SPEC §2, §6). */
describe('removed feed-items family (SPEC §6)', () => {
  let h: Harness;
  let token: string;
  before(async () => {
    h = await createHarness();
    token = await h.login('alice@acme.example');
  });
  after(() => h.close());

  const paths = [
    '/chatter/feed-items',
    '/chatter/feed-items/0D5Cb0000000001KAA',
    '/chatter/feed-items/0D5Cb0000000001KAA/comments',
    '/chatter/feed-items/0D5Cb0000000001KAA/likes',
    '/chatter/feed-items/batch/0D5Cb0000000001KAA,0D5Cb0000000002KAA',
    '/chatter/feeds/news/me/feed-items',
    '/chatter/feeds/record/0F9Cb0000000001KAA/feed-items',
    '/chatter/feeds/user-profile/me/feed-items',
    '/chatter/feeds/company/feed-items',
    '/chatter/feeds/to/me/feed-items',
    '/chatter/feeds/filter/me/005/feed-items',
    '/connect/communities/internal/chatter/feed-items',
  ];

  test('every path, every method, every supported version: 410 GONE', async () => {
    for (let major = 32; major <= 66; major++) {
      for (const path of paths) {
        for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const) {
          const response = await h.request({ method, url: `/services/data/v${major}.0${path}`, token });
          assert.equal(response.statusCode, 410, `${method} v${major}.0${path}`);
          assert.equal(response.headers['content-type'], JSON_TYPE);
          assert.deepEqual(response.json(), GONE);
        }
      }
    }
  });

  test('410 comes before authentication and body parsing (SPEC §2 order), HEAD has no body', async () => {
    for (const headers of [{}, { authorization: 'Bearer nonsense' }]) {
      const response = await h.request({
        method: 'POST',
        url: '/services/data/v36.0/chatter/feed-items',
        headers: { ...headers, 'content-type': 'application/json' },
        payload: '{"broken": ',
      });
      assert.equal(response.statusCode, 410);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), GONE);
    }
    const head = await h.request({ method: 'HEAD', url: '/services/data/v36.0/chatter/feed-items/x', token });
    assert.equal(head.statusCode, 410);
    assert.equal(head.body, '');
  });

  test('retired versions stay 410 for their own reason', async () => {
    const response = await h.request({
      method: 'GET',
      url: '/services/data/v31.0/chatter/feed-items',
      token,
    });
    assert.equal(response.statusCode, 410);
    assert.deepEqual(response.json(), [
      { errorCode: 'GONE', message: 'API version 31.0 is retired. Use version 32.0 or later.' },
    ]);
  });
});
