import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Json, useJsforceSession } from '../helpers/jsforce-session.js';
import { multipart } from '../helpers/multipart.js';

/**
 * jsforce 3.10.16 as a real client over HTTP (SPEC §12.2): upload a file (multipart through
 * `conn.request`), attach it to a post by ID, read the post and the file, download the bytes.
 */
describe('jsforce 3.10.16 against a listening server: files', () => {
  const s = useJsforceSession('58.0');

  test('upload → attach → read → download', async () => {
    const text = 'Quarterly numbers, as agreed.\n';
    const { payload, headers } = multipart([
      { name: 'json', contentType: 'application/json', value: '{"title":"Numbers","desc":"Q3"}' },
      { name: 'fileData', filename: 'numbers.txt', contentType: 'text/plain', data: Buffer.from(text) },
    ]);
    const file = (await s.conn.request({
      method: 'POST',
      url: '/services/data/v58.0/connect/files/users/me',
      body: payload as unknown as string,
      headers,
    })) as Json;
    assert.match(file.id, /^069\w{15}$/);
    assert.deepEqual([file.title, file.description, file.contentSize], ['Numbers', 'Q3', text.length]);
    assert.deepEqual(file, await s.direct(file.url));

    const post = (await s.conn.chatter.resource('/feed-elements').create({
      body: { messageSegments: [{ type: 'Text', text: 'the numbers' }] },
      capabilities: { files: { items: [{ id: file.id }] } },
      feedElementType: 'FeedItem',
      subjectId: 'me',
    })) as Json;
    assert.equal(post.type, 'ContentPost');
    assert.deepEqual(post, await s.direct(post.url));
    const [item] = post.capabilities.files.items as Json[];
    assert.equal(item?.id, file.id);

    const read = (await s.conn.chatter.resource(`/feed-elements/${post.id}/capabilities/files`)) as Json;
    assert.deepEqual(read, { items: [item] });

    const bytes = await s.conn.request({ method: 'GET', url: item?.downloadUrl as string });
    assert.equal(bytes, text);
  });
});
