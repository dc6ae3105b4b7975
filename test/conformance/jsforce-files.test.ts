import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jsforce from 'jsforce';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD } from '../../src/demo/demo-org.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { multipart } from '../helpers/multipart.js';

// biome-ignore lint/suspicious/noExplicitAny: wire bodies as jsforce parses them, read field by field
type Json = Record<string, any>;

/**
 * jsforce 3.10.16 as a real client over HTTP (SPEC §12.2): upload a file (multipart through
 * `conn.request`), attach it to a post by ID, read the post and the file, download the bytes.
 */
describe('jsforce 3.10.16 against a listening server: files', () => {
  let h: Harness;
  let conn: jsforce.Connection;
  let token: string;

  before(async () => {
    h = await createHarness();
    const url = await h.app.listen({ port: 0, host: '127.0.0.1' });
    conn = new jsforce.Connection({
      oauth2: { loginUrl: url, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET },
      version: '58.0',
    });
    await conn.login('alice@acme.example', DEMO_PASSWORD);
    token = conn.accessToken as string;
  });
  after(() => h.close());

  const direct = async (url: string) => (await h.request({ method: 'GET', url, token })).json();

  test('upload → attach → read → download', async () => {
    const text = 'Quarterly numbers, as agreed.\n';
    const { payload, headers } = multipart([
      { name: 'json', contentType: 'application/json', value: '{"title":"Numbers","desc":"Q3"}' },
      { name: 'fileData', filename: 'numbers.txt', contentType: 'text/plain', data: Buffer.from(text) },
    ]);
    const file = (await conn.request({
      method: 'POST',
      url: '/services/data/v58.0/connect/files/users/me',
      body: payload as unknown as string,
      headers,
    })) as Json;
    assert.match(file.id, /^069\w{15}$/);
    assert.deepEqual([file.title, file.description, file.contentSize], ['Numbers', 'Q3', text.length]);
    assert.deepEqual(file, await direct(file.url));

    const post = (await conn.chatter.resource('/feed-elements').create({
      body: { messageSegments: [{ type: 'Text', text: 'the numbers' }] },
      capabilities: { files: { items: [{ id: file.id }] } },
      feedElementType: 'FeedItem',
      subjectId: 'me',
    })) as Json;
    assert.equal(post.type, 'ContentPost');
    assert.deepEqual(post, await direct(post.url));
    const [item] = post.capabilities.files.items as Json[];
    assert.equal(item?.id, file.id);

    const read = (await conn.chatter.resource(`/feed-elements/${post.id}/capabilities/files`)) as Json;
    assert.deepEqual(read, { items: [item] });

    const bytes = await conn.request({ method: 'GET', url: item?.downloadUrl as string });
    assert.equal(bytes, text);
  });
});
