import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Json, useJsforceSession } from '../helpers/jsforce-session.js';
import { rawDatabase } from '../helpers/store.js';

/**
 * jsforce 3.10.16 as a real client over HTTP (reference/jsforce-notes.md §1): post, comment, like,
 * unlike through the like's `url`, delete, and paging a feed by `nextPageUrl` until it is null.
 */
describe('jsforce 3.10.16 against a listening server: feed', () => {
  const s = useJsforceSession('36.0');

  test('post, comment, like, unlike and delete through s.conn.chatter.resource', async () => {
    const post = (await s.conn.chatter.resource('/feed-elements').create({
      body: { messageSegments: [{ type: 'Text', text: 'posted by jsforce' }] },
      feedElementType: 'FeedItem',
      subjectId: 'me',
    })) as Json;
    assert.match(post.id, /^0D5\w{15}$/);
    assert.deepEqual(post, await s.direct(post.url));
    assert.equal(post.body.text, 'posted by jsforce');

    const comment = (await s.conn.chatter
      .resource(post.capabilities.comments.page.currentPageUrl)
      .create({ body: { messageSegments: [{ type: 'Text', text: 'commented by jsforce' }] } })) as Json;
    assert.match(comment.id, /^0D7\w{15}$/);
    assert.deepEqual(comment, await s.direct(comment.url));

    // jsforce's like idiom: create('') sends no body, no content type.
    const like = (await s.conn.chatter
      .resource(post.capabilities.chatterLikes.page.currentPageUrl)
      .create('')) as Json;
    assert.match(like.id, /^0I0\w{15}$/);
    assert.deepEqual(like, await s.direct(like.url));
    const liked = (await s.conn.chatter.resource(post.url)) as Json;
    assert.equal(liked.capabilities.chatterLikes.isLikedByCurrentUser, true);
    assert.deepEqual(liked.capabilities.chatterLikes.myLike, { id: like.id, url: like.url });

    // A second like: 409 surfaces as DUPLICATE_VALUE.
    await assert.rejects(
      async () => s.conn.chatter.resource(post.capabilities.chatterLikes.page.currentPageUrl).create(''),
      {
        name: 'DUPLICATE_VALUE',
        errorCode: 'DUPLICATE_VALUE',
        message: 'You already like this item.',
      },
    );

    // Unlike by DELETEing the like's url (jsforce's own test does this).
    assert.equal(await s.conn.chatter.resource(like.url).delete(), undefined);
    const unliked = (await s.conn.chatter.resource(post.url)) as Json;
    assert.equal(unliked.capabilities.chatterLikes.isLikedByCurrentUser, false);
    assert.equal(unliked.capabilities.chatterLikes.page.total, 0);

    // Comment likes through the comment's likes page URL.
    const commentLike = (await s.conn.chatter.resource(comment.likes.currentPageUrl).create('')) as Json;
    assert.equal(commentLike.likedItem.id, comment.id);

    assert.equal(await s.conn.chatter.resource(comment.url).del(), undefined);
    assert.equal(await s.conn.chatter.resource(post.url).destroy(), undefined);
    await assert.rejects(async () => s.conn.chatter.resource(post.url).retrieve(), {
      name: 'NOT_FOUND',
      errorCode: 'NOT_FOUND',
      message: 'The requested resource does not exist',
    });
  });

  test("update() is POST in jsforce 3: the feed element's 405; chatter.request PATCH edits", async () => {
    const post = (await s.conn.chatter.resource('/feed-elements').create({
      body: { messageSegments: [{ type: 'Text', text: 'before' }] },
      feedElementType: 'FeedItem',
      subjectId: 'me',
    })) as Json;
    await assert.rejects(
      async () =>
        s.conn.chatter
          .resource(post.url)
          .update({ body: { messageSegments: [{ type: 'Text', text: 'after' }] } }),
      {
        name: 'METHOD_NOT_ALLOWED',
        errorCode: 'METHOD_NOT_ALLOWED',
        message: "HTTP Method 'POST' not allowed. Allowed are DELETE,GET,HEAD,PATCH",
      },
    );
    const edited = (await s.conn.chatter.request({
      method: 'PATCH',
      url: post.url,
      body: JSON.stringify({ body: { messageSegments: [{ type: 'Text', text: 'after' }] } }),
      headers: { 'Content-Type': 'application/json' },
    })) as Json;
    assert.equal(edited.body.text, 'after');
    assert.deepEqual(edited, await s.direct(post.url));
  });

  test('paging a feed by following nextPageUrl until it is null', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const post = (await s.conn.chatter.resource('/feed-elements').create({
        body: { messageSegments: [{ type: 'Text', text: `page me ${i}` }] },
        feedElementType: 'FeedItem',
        subjectId: 'me',
      })) as Json;
      made.push(post.id);
    }
    const seen: string[] = [];
    let page = (await s.conn.chatter.resource('/feeds/user-profile/me/feed-elements', {
      pageSize: 2,
    })) as Json;
    let pages = 1;
    for (;;) {
      seen.push(...(page.elements as Json[]).map((e) => e.id as string));
      if (page.nextPageUrl === null) break;
      page = (await s.conn.chatter.resource(page.nextPageUrl)) as Json;
      pages++;
    }
    // Everything alice wrote or received, newest first, each once.
    const expected = (
      await rawDatabase(s.h.services.store)
        .selectFrom('feed_elements')
        .select('id')
        .where('deleted_at', 'is', null)
        .where((eb) =>
          eb.or([
            eb('author_id', '=', s.conn.userInfo?.id as string),
            eb('subject_id', '=', s.conn.userInfo?.id as string),
          ]),
        )
        .where('community_id', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute()
    ).map((r) => r.id);
    assert.deepEqual(seen, expected);
    assert.deepEqual(seen.slice(0, 5), [...made].reverse());
    assert.equal(pages, Math.ceil(expected.length / 2));
  });
});
