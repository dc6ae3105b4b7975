import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { pngOf } from '../helpers/file-shapes.js';
import { type Json, useJsforceSession } from '../helpers/jsforce-session.js';
import { multipart } from '../helpers/multipart.js';

/**
 * jsforce 3.10.16 over HTTP (SPEC §12.2, §12.8): a photo sent as a multipart `fileUpload` part
 * through `conn.request`; its URLs are absolute under the origin the client connected to and are
 * served, without a session, as images of their sizes.
 */
describe('jsforce 3.10.16 against a listening server: photos', () => {
  const s = useJsforceSession('58.0');

  test('multipart photo → absolute URLs on the server the client uses → served images', async () => {
    const { payload, headers } = multipart([
      { name: 'json', contentType: 'application/json', value: '{"cropX":"10","cropY":"10","cropSize":"80"}' },
      { name: 'fileUpload', filename: 'me.png', contentType: 'image/png', data: await pngOf(120, 100) },
    ]);
    const photo = (await s.conn.request({
      method: 'POST',
      url: '/services/data/v58.0/connect/user-profiles/me/photo',
      body: payload as unknown as string,
      headers,
    })) as Json;
    const key = String(photo.photoVersionId).slice(0, 15);
    assert.match(photo.photoVersionId, /^729\w{15}$/);
    assert.equal(photo.largePhotoUrl, `${s.conn.instanceUrl}/profilephoto/${key}/F`);
    const me = (await s.conn.chatter.resource('/users/me')) as Json;
    assert.deepEqual(me.photo, photo);
    for (const [field, size] of [
      ['largePhotoUrl', 200],
      ['mediumPhotoUrl', 160],
      ['smallPhotoUrl', 64],
    ] as const) {
      const response = await fetch(photo[field]);
      assert.equal(response.status, 200, field);
      assert.equal(response.headers.get('content-type'), 'image/png');
      const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      assert.deepEqual([meta.width, meta.height], [size, size], field);
    }
  });
});
