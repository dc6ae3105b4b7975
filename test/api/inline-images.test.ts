import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { signIn } from '../helpers/feed-fixtures.js';
import { err, NOT_FOUND } from '../helpers/feed-shapes.js';
import { pngOf } from '../helpers/file-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { multipart } from '../helpers/multipart.js';
import { rawDatabase } from '../helpers/store.js';

/** InlineImage segments on posts and comments (SPEC §12.3, F2 §7, decision 0033). */
describe('inline images (SPEC §12.3)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let red: Buffer;

  before(async () => {
    h = await createHarness();
    ({ tokens } = await signIn(h, ['admin', 'alice', 'bob']));
    red = await pngOf(64, 48);
  });
  after(() => h.close());

  const call = (who: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    h.request({
      method,
      url,
      token: tokens[who],
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const upload = async (who: string, name: string, type: string, data: Buffer) => {
    const response = await h.request({
      method: 'POST',
      url: '/services/data/v58.0/connect/files/users/me',
      token: tokens[who],
      ...multipart([{ name: 'fileData', filename: name, contentType: type, data }]),
    });
    assert.equal(response.statusCode, 201, response.body);
    return response.json().id as string;
  };
  const post = (who: string, messageSegments: unknown[], version = '58.0') =>
    call(who, 'POST', `/services/data/v${version}/chatter/feed-elements`, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      body: { messageSegments },
    });
  const image = (fileId: string, altText?: string) => ({
    type: 'InlineImage',
    fileId,
    ...(altText === undefined ? {} : { altText }),
  });
  const counts = async () => {
    const db = rawDatabase(h.services.store);
    const n = async (table: 'feed_elements' | 'comments' | 'file_attachments') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      posts: await n('feed_elements'),
      comments: await n('comments'),
      attachments: await n('file_attachments'),
    };
  };
  /** The segment as F2 §7 gives it at v58 (every key), for red.png (64×48). */
  const segment = (id: string, alt: string, version = '58.0') => {
    const file = `/services/data/v${version}/connect/files/${id}`;
    const previews = [
      ['ThumbnailTiny', 'THUMB120BY90', 'tiny-thumbnail'],
      ['Thumbnail', 'THUMB240BY180', 'thumbnail'],
      ['ThumbnailBig', 'THUMB720BY480', 'big-thumbnail'],
    ].map(([format, type, path]) => ({
      format,
      previewUrlCount: 1,
      previewUrls: [{ pageNumber: 1, previewUrl: `${file}/rendition?type=${type}` }],
      status: 'Available',
      url: `${file}/previews/${path}`,
    }));
    return {
      altText: alt,
      contentSize: red.length,
      fileExtension: 'png',
      imageDetails: { height: 48, imageFormat: 'png', orientation: null, width: 64 },
      text: alt,
      thumbnails: { fileId: id, previews, url: `${file}/previews`, versionNumber: '1' },
      type: 'InlineImage',
      url: `${file}/content?versionNumber=1`,
    };
  };

  test('POST feed-elements with an InlineImage: 201, the segment as F2 §7, alt text defaults to the title; readers see the file', async () => {
    const id = await upload('alice', 'red.png', 'image/png', red);
    assert.deepEqual(
      (await call('bob', 'GET', `/services/data/v58.0/connect/files/${id}`)).json(),
      NOT_FOUND,
    );
    const response = await post('alice', [{ type: 'Text', text: 'Look: ' }, image(id)]);
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const body = response.json();
    assert.deepEqual(body.body, {
      isRichText: true,
      messageSegments: [{ text: 'Look: ', type: 'Text' }, segment(id, 'red')],
      text: 'Look: red',
    });
    // Not an attachment: the post stays a TextPost without a files capability.
    assert.deepEqual([body.type, body.capabilities.files], ['TextPost', null]);
    // Bob reads alice's profile posts, so he now sees the file through the post.
    const seen = await call('bob', 'GET', `/services/data/v58.0/connect/files/${id}`);
    assert.equal(seen.statusCode, 200);
    assert.deepEqual([seen.json().id, seen.json().sharingRole], [id, 'Viewer']);
    // Each key from its version: no imageDetails below 41, no fileExtension below 37, no
    // versionNumber in thumbnails below 40.
    const v = (version: string) =>
      call('bob', 'GET', `/services/data/v${version}/chatter/feed-elements/${body.id}`);
    const { imageDetails: _d, ...v40 } = segment(id, 'red', '40.0');
    assert.deepEqual((await v('40.0')).json().body.messageSegments[1], v40);
    const { fileExtension: _e, thumbnails, ...v36 } = segment(id, 'red', '36.0');
    const { versionNumber: _n, ...thumbs36 } = thumbnails;
    const { imageDetails: _i, ...v36Rest } = v36;
    assert.deepEqual((await v('36.0')).json().body.messageSegments[1], { ...v36Rest, thumbnails: thumbs36 });
  });

  test('refused inline images: unseen or absent file 404, not an image 400, bad ID 400, inside Code 400; nothing written', async () => {
    const bobs = await upload('bob', 'blue.png', 'image/png', red);
    const notes = await upload('alice', 'notes.txt', 'text/plain', Buffer.from('plain text'));
    const before = await counts();
    const cases: [unknown[], number, unknown][] = [
      [[image(bobs)], 404, NOT_FOUND],
      [[image('069000000000000AAA')], 404, NOT_FOUND],
      [
        [image(notes)],
        400,
        err(
          'INVALID_INPUT',
          `Invalid InlineImage segment: the file ${notes} isn't an image (PNG, JPEG, GIF or WebP).`,
        ),
      ],
      [[image('xyz')], 400, err('INVALID_ID_FIELD', 'Invalid identifier: xyz')],
      [
        [{ type: 'InlineImage' }],
        400,
        err('INVALID_INPUT', 'Invalid messageSegments[0].fileId: specify a string.'),
      ],
      [
        [{ type: 'MarkupBegin', markupType: 'Code' }, image(bobs), { type: 'MarkupEnd', markupType: 'Code' }],
        400,
        err('INVALID_INPUT', 'The message body contains invalid markup.'),
      ],
    ];
    for (const [segments, status, expected] of cases) {
      const response = await post('alice', segments);
      assert.equal(response.statusCode, status, JSON.stringify(segments));
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), expected);
    }
    assert.deepEqual(await counts(), before);
  });

  test('the alt text counts towards the 10,000 characters of body.text (SPEC §12.8)', async () => {
    const id = await upload('alice', 'red.png', 'image/png', red);
    const before = await counts();
    const long = await post('alice', [{ type: 'Text', text: 'x' }, image(id, 'a'.repeat(10_000))]);
    assert.equal(long.statusCode, 400);
    assert.deepEqual(
      long.json(),
      err('INVALID_INPUT', "The message body can't be longer than 10,000 characters."),
    );
    assert.deepEqual(await counts(), before);
    const fits = await post('alice', [image(id, 'a'.repeat(10_000))]);
    assert.equal(fits.statusCode, 201);
    assert.equal(fits.json().body.text, 'a'.repeat(10_000));
  });

  test('comments carry inline images; editing them away ends the visibility; a deleted file nulls the segment', async () => {
    const { id: postId } = (await post('bob', [{ type: 'Text', text: 'Show me' }])).json();
    const id = await upload('alice', 'red.png', 'image/png', red);
    const comments = `/services/data/v58.0/chatter/feed-elements/${postId}/capabilities/comments/items`;
    const comment = await call('alice', 'POST', comments, {
      body: { messageSegments: [image(id, 'Red box')] },
    });
    assert.equal(comment.statusCode, 201, comment.body);
    assert.deepEqual(comment.json().body, {
      isRichText: true,
      messageSegments: [segment(id, 'Red box')],
      text: 'Red box',
    });
    assert.equal((await call('bob', 'GET', `/services/data/v58.0/connect/files/${id}`)).statusCode, 200);
    // The comment edited to plain text: bob no longer sees the file.
    const edited = await call(
      'alice',
      'PATCH',
      `/services/data/v58.0/chatter/comments/${comment.json().id}`,
      {
        body: { messageSegments: [{ type: 'Text', text: 'never mind' }] },
      },
    );
    assert.equal(edited.statusCode, 200, edited.body);
    assert.deepEqual(edited.json().body, {
      isRichText: false,
      messageSegments: [{ text: 'never mind', type: 'Text' }],
      text: 'never mind',
    });
    assert.deepEqual(
      (await call('bob', 'GET', `/services/data/v58.0/connect/files/${id}`)).json(),
      NOT_FOUND,
    );
    // Edited back to the image, then the file deleted: the segment stays with its alt text only.
    const again = await call('alice', 'PATCH', `/services/data/v58.0/chatter/comments/${comment.json().id}`, {
      body: { messageSegments: [image(id)] },
    });
    assert.deepEqual(again.json().body.messageSegments, [segment(id, 'red')]);
    assert.equal((await call('alice', 'DELETE', `/services/data/v58.0/connect/files/${id}`)).statusCode, 204);
    const read = await call('bob', 'GET', `/services/data/v58.0/chatter/comments/${comment.json().id}`);
    assert.deepEqual(read.json().body, {
      isRichText: true,
      messageSegments: [
        {
          altText: 'red',
          contentSize: null,
          fileExtension: null,
          imageDetails: null,
          text: 'red',
          thumbnails: null,
          type: 'InlineImage',
          url: null,
        },
      ],
      text: 'red',
    });
  });

  test('the XML rendering of a post with an inline image is well-formed', async () => {
    const id = await upload('alice', 'red.png', 'image/png', red);
    const created = await post('alice', [{ type: 'Text', text: 'a < b & ' }, image(id, '"quoted" <alt>')]);
    assert.equal(created.statusCode, 201, created.body);
    const response = await h.request({
      method: 'GET',
      url: `/services/data/v58.0/chatter/feed-elements/${created.json().id}`,
      token: tokens.bob,
      headers: { accept: 'application/xml' },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'application/xml;charset=UTF-8');
    assert.equal(XMLValidator.validate(response.body), true);
    assert.match(response.body, /<type>InlineImage<\/type>/);
    assert.match(response.body, /<previewUrls>/);
  });
});
