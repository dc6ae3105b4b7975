import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn, v36 } from '../helpers/feed-fixtures.js';
import {
  err,
  groupFacts,
  likeShape,
  NOT_FOUND,
  opts,
  type Person,
  plainBody,
  storedComment,
  storedPost,
} from '../helpers/feed-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** The sequence number inside a generated ID (SPEC §3: prefix, instance, '0', 9 base-62 digits). */
const sequenceOf = (id: string) => [...id.slice(6, 15)].reduce((n, c) => n * 62 + BASE62.indexOf(c), 0);

/** Likes (SPEC §5, §6): one per user and item; counts kept in the same transaction. */
describe('likes (SPEC §5, §6)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  const o = opts('36.0');

  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
  });
  after(() => h.close());

  const newPost = async (who: string, subjectId = 'me') =>
    (
      await h.request({
        method: 'POST',
        url: `${v36}/chatter/feed-elements`,
        token: tokens[who],
        payload: { feedElementType: 'FeedItem', subjectId, text: 'likeable' },
      })
    ).json().id as string;
  /** jsforce's `create('')`: POST with content-length 0 and no content type. */
  const likePost = (who: string, postId: string, version = '36.0') =>
    h.request({
      method: 'POST',
      url: `/services/data/v${version}/chatter/feed-elements/${postId}/capabilities/chatter-likes/items`,
      token: tokens[who],
      headers: { 'content-length': '0' },
    });

  test('POST …/chatter-likes/items with no body is 201 Like; a second like is 409 and uses no ID', async () => {
    const { alice } = people as Record<string, Person>;
    const postId = await newPost('bob');
    const response = await likePost('alice', postId);
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const like = response.json();
    assert.deepEqual(
      like,
      likeShape(o, { id: like.id, user: alice as Person, item: { id: postId, kind: 'post' } }),
    );
    assert.equal((await storedPost(h, postId)).like_count, 1);

    const duplicate = await likePost('alice', postId);
    assert.equal(duplicate.statusCode, 409);
    assert.equal(duplicate.headers['content-type'], JSON_TYPE);
    assert.deepEqual(duplicate.json(), err('DUPLICATE_VALUE', 'You already like this item.'));
    assert.equal((await storedPost(h, postId)).like_count, 1);
    // The refused like rolled its ID back: the next like takes the very next one.
    const next = await likePost('bob', postId);
    assert.equal(next.statusCode, 201);
    assert.equal(sequenceOf(next.json().id), sequenceOf(like.id) + 1);

    // A JSON body is accepted too (and ignored).
    const withBody = await h.request({
      method: 'POST',
      url: `${v36}/chatter/feed-elements/${postId}/capabilities/chatter-likes/items`,
      token: tokens.admin,
      payload: {},
    });
    assert.equal(withBody.statusCode, 201);
    assert.equal((await storedPost(h, postId)).like_count, 3);
  });

  test('a liked post shows isLikedByCurrentUser, myLike, likesMessage and the latest likes', async () => {
    const { admin, alice, bob } = people as Record<string, Person>;
    const postId = await newPost('admin');
    const likes: Record<string, string> = {};
    for (const who of ['alice', 'bob', 'admin']) likes[who] = (await likePost(who, postId)).json().id;
    const capability = async (who: string) => {
      const response = await h.request({
        method: 'GET',
        url: `${v36}/chatter/feed-elements/${postId}/capabilities/chatter-likes`,
        token: tokens[who],
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      return response.json();
    };
    const items = [
      likeShape(o, { id: likes.admin as string, user: admin as Person, item: { id: postId, kind: 'post' } }),
      likeShape(o, { id: likes.bob as string, user: bob as Person, item: { id: postId, kind: 'post' } }),
      likeShape(o, { id: likes.alice as string, user: alice as Person, item: { id: postId, kind: 'post' } }),
    ];
    const itemsUrl = `${v36}/chatter/feed-elements/${postId}/capabilities/chatter-likes/items`;
    assert.deepEqual(await capability('bob'), {
      isLikedByCurrentUser: true,
      likesMessage: plainBody(o, 'You, Ada Admin, and 1 other like this.'),
      myLike: { id: likes.bob, url: `${v36}/chatter/likes/${likes.bob}` },
      page: { currentPageUrl: itemsUrl, items, nextPageUrl: null, previousPageUrl: null, total: 3 },
    });
    const unlikedByAdmin = await h.request({
      method: 'DELETE',
      url: `${v36}/chatter/likes/${likes.admin}`,
      token: tokens.admin,
    });
    assert.equal(unlikedByAdmin.statusCode, 204);
    const aliceView = await capability('alice');
    assert.deepEqual(aliceView.likesMessage, plainBody(o, 'You and Bob Baker like this.'));
    const unliked = await h.request({
      method: 'DELETE',
      url: `${v36}/chatter/likes/${likes.alice}`,
      token: tokens.alice,
    });
    assert.equal(unliked.statusCode, 204);
    const adminView = await capability('admin');
    assert.equal(adminView.isLikedByCurrentUser, false);
    assert.equal(adminView.myLike, null);
    assert.deepEqual(adminView.likesMessage, plainBody(o, 'Bob Baker likes this.'));
    assert.equal((await storedPost(h, postId)).like_count, 1);
  });

  test('GET …/chatter-likes/items is a Like Page (tokens from 37.0)', async () => {
    const { alice, bob } = people as Record<string, Person>;
    const postId = await newPost('admin');
    const a = (await likePost('alice', postId)).json().id as string;
    const b = (await likePost('bob', postId)).json().id as string;
    const url = (v: string) =>
      `/services/data/v${v}/chatter/feed-elements/${postId}/capabilities/chatter-likes/items`;
    const page36 = await h.request({ method: 'GET', url: `${url('36.0')}?pageSize=1`, token: tokens.alice });
    assert.equal(page36.statusCode, 200);
    assert.equal(page36.headers['content-type'], JSON_TYPE);
    assert.deepEqual(page36.json(), {
      currentPageUrl: `${url('36.0')}?page=0&pageSize=1`,
      items: [likeShape(o, { id: b, user: bob as Person, item: { id: postId, kind: 'post' } })],
      nextPageUrl: `${url('36.0')}?page=1&pageSize=1`,
      previousPageUrl: null,
      total: 2,
    });
    const page37 = await h.request({
      method: 'GET',
      url: `${url('37.0')}?page=1&pageSize=1`,
      token: tokens.alice,
    });
    assert.deepEqual(page37.json(), {
      currentPageToken: 1,
      currentPageUrl: `${url('37.0')}?page=1&pageSize=1`,
      items: [likeShape(opts('37.0'), { id: a, user: alice as Person, item: { id: postId, kind: 'post' } })],
      nextPageToken: null,
      nextPageUrl: null,
      previousPageToken: 0,
      previousPageUrl: `${url('37.0')}?page=0&pageSize=1`,
      total: 2,
    });
    const tooBig = await h.request({
      method: 'GET',
      url: `${url('36.0')}?pageSize=101`,
      token: tokens.alice,
    });
    assert.equal(tooBig.statusCode, 400);
    assert.deepEqual(
      tooBig.json(),
      err('INVALID_INPUT', 'Invalid pageSize: 101. Specify a value between 1 and 100.'),
    );
  });

  test('GET|DELETE /chatter/likes/{id}: the liker unlikes; others 403; wrong type 400', async () => {
    const { alice } = people as Record<string, Person>;
    const postId = await newPost('bob');
    const id = (await likePost('alice', postId)).json().id as string;
    const read = await h.request({ method: 'GET', url: `${v36}/chatter/likes/${id}`, token: tokens.bob });
    assert.equal(read.statusCode, 200);
    assert.equal(read.headers['content-type'], JSON_TYPE);
    assert.deepEqual(
      read.json(),
      likeShape(o, { id, user: alice as Person, item: { id: postId, kind: 'post' } }),
    );
    const refused = await h.request({
      method: 'DELETE',
      url: `${v36}/chatter/likes/${id}`,
      token: tokens.bob,
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.headers['content-type'], JSON_TYPE);
    assert.deepEqual(
      refused.json(),
      err('INSUFFICIENT_ACCESS', "You don't have permission to delete this like."),
    );
    const wrong = await h.request({
      method: 'GET',
      url: `${v36}/chatter/likes/${postId}`,
      token: tokens.bob,
    });
    assert.equal(wrong.statusCode, 400);
    assert.deepEqual(wrong.json(), err('INVALID_ID_FIELD', `Invalid identifier: ${postId}`));
    const removed = await h.request({
      method: 'DELETE',
      url: `${v36}/chatter/likes/${id}`,
      token: tokens.alice,
    });
    assert.equal(removed.statusCode, 204);
    assert.equal(removed.body, '');
    assert.equal((await storedPost(h, postId)).like_count, 0);
    for (const method of ['GET', 'DELETE'] as const) {
      const gone = await h.request({ method, url: `${v36}/chatter/likes/${id}`, token: tokens.alice });
      assert.equal(gone.statusCode, 404);
      assert.deepEqual(gone.json(), NOT_FOUND);
    }
    // Liking again works after unliking.
    assert.equal((await likePost('alice', postId)).statusCode, 201);
  });

  test('GET|POST /chatter/comments/{id}/likes, and the comment shows its likes', async () => {
    const { alice, bob } = people as Record<string, Person>;
    const postId = await newPost('admin');
    const commentId = (
      await h.request({
        method: 'POST',
        url: `${v36}/chatter/feed-elements/${postId}/capabilities/comments/items`,
        token: tokens.bob,
        payload: { text: 'like me' },
      })
    ).json().id as string;
    const like = await h.request({
      method: 'POST',
      url: `${v36}/chatter/comments/${commentId}/likes`,
      token: tokens.alice,
      headers: { 'content-length': '0' },
    });
    assert.equal(like.statusCode, 201);
    assert.equal(like.headers['content-type'], JSON_TYPE);
    const likeId = like.json().id as string;
    const item = { id: commentId, kind: 'comment' as const };
    assert.deepEqual(like.json(), likeShape(o, { id: likeId, user: alice as Person, item }));
    assert.equal((await storedComment(h, commentId)).like_count, 1);
    const duplicate = await h.request({
      method: 'POST',
      url: `${v36}/chatter/comments/${commentId}/likes`,
      token: tokens.alice,
    });
    assert.equal(duplicate.statusCode, 409);
    assert.deepEqual(duplicate.json(), err('DUPLICATE_VALUE', 'You already like this item.'));
    const page = await h.request({
      method: 'GET',
      url: `${v36}/chatter/comments/${commentId}/likes`,
      token: tokens.bob,
    });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['content-type'], JSON_TYPE);
    const likesUrl = `${v36}/chatter/comments/${commentId}/likes`;
    assert.deepEqual(page.json(), {
      currentPageUrl: `${likesUrl}?page=0&pageSize=25`,
      items: [likeShape(o, { id: likeId, user: alice as Person, item })],
      nextPageUrl: null,
      previousPageUrl: null,
      total: 1,
    });
    const comment = (
      await h.request({ method: 'GET', url: `${v36}/chatter/comments/${commentId}`, token: tokens.alice })
    ).json();
    assert.deepEqual(
      { likes: comment.likes, likesMessage: comment.likesMessage, myLike: comment.myLike },
      {
        likes: {
          currentPageUrl: likesUrl,
          items: [likeShape(o, { id: likeId, user: alice as Person, item })],
          nextPageUrl: null,
          previousPageUrl: null,
          total: 1,
        },
        likesMessage: plainBody(o, 'You like this.'),
        myLike: { id: likeId, url: `${v36}/chatter/likes/${likeId}` },
      },
    );
    // Liking the comment is not liking the post.
    assert.equal((await storedPost(h, postId)).like_count, 0);
    const byBob = (
      await h.request({ method: 'GET', url: `${v36}/chatter/comments/${commentId}`, token: tokens.bob })
    ).json();
    assert.equal(byBob.myLike, null);
    assert.deepEqual(byBob.likesMessage, plainBody(o, 'Alice Anders likes this.'));
    assert.equal(bob?.id, byBob.user.id);
  });

  test('likes of a private group post: members only', async () => {
    const leadership = await groupFacts(h, 'Leadership', people.admin as Person);
    const postId = await newPost('admin', leadership.id);
    const refused = await likePost('bob', postId);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.headers['content-type'], JSON_TYPE);
    assert.deepEqual(
      refused.json(),
      err('INSUFFICIENT_ACCESS', "You don't have permission to view this feed element."),
    );
    const list = await h.request({
      method: 'GET',
      url: `${v36}/chatter/feed-elements/${postId}/capabilities/chatter-likes/items`,
      token: tokens.bob,
    });
    assert.equal(list.statusCode, 403);
    assert.equal((await storedPost(h, postId)).like_count, 0);
    assert.equal((await likePost('admin', postId)).statusCode, 201);
  });
});
