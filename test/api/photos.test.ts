import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { signIn } from '../helpers/feed-fixtures.js';
import { createHarness, type Harness } from '../helpers/harness.js';

/** The photo URLs that User Summaries and Groups carry are served (SPEC §12.2): no dead URL. */
describe('profile photos (SPEC §12.2)', () => {
  let h: Harness;
  let token: string;
  before(async () => {
    h = await createHarness();
    ({
      tokens: { alice: token = '' },
    } = await signIn(h, ['alice']));
  });
  after(() => h.close());

  test('every photo URL of a User Summary and of a Group answers a PNG of its size, without a session', async () => {
    const me = (
      await h.request({ method: 'GET', url: '/services/data/v58.0/chatter/users/me', token })
    ).json();
    const groups = (
      await h.request({ method: 'GET', url: '/services/data/v58.0/chatter/groups', token })
    ).json();
    const group = groups.groups[0];
    assert.ok(group, 'the demo org has groups');
    for (const photo of [me.photo, group.photo]) {
      for (const [field, size] of [
        ['largePhotoUrl', 200],
        ['mediumPhotoUrl', 160],
        ['smallPhotoUrl', 64],
        ['fullEmailPhotoUrl', 200],
        ['standardEmailPhotoUrl', 64],
      ] as const) {
        const response = await h.request({ method: 'GET', url: photo[field] });
        assert.equal(response.statusCode, 200, `${field} ${photo[field]}`);
        assert.equal(response.headers['content-type'], 'image/png');
        const meta = await sharp(response.rawPayload).metadata();
        assert.deepEqual([meta.format, meta.width, meta.height], ['png', size, size], field);
      }
    }
  });

  test('a photo URL of no user or group, or of an unknown size, is 404', async () => {
    for (const url of [
      '/profilephoto/001000000000000/F',
      '/profilephoto/005Cb0000000003/X',
      '/profilephoto/nope/F',
    ]) {
      const response = await h.request({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.headers['content-type'], 'application/json;charset=UTF-8');
    }
  });
});
