import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import type { CommentRecord, LikeRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { newOrg, newUser, statusUpdate, T0 } from './fixtures.js';

describe(`store contract on ${testStore}: comments and likes`, () => {
  let t: TestStore;
  let store: Store;
  let org: string;
  let ann: string;
  let ben: string;
  let post: string;
  let other: string;
  /** c[0]…c[4] on `post`, created at T0+1, +2, +3, +3 (a tie the ID breaks), +5. */
  const c: CommentRecord[] = [];
  before(async () => {
    t = await openTestStore();
    store = t.store;
    org = (await newOrg(store, 'Comments org')).id;
    ann = (await newUser(store, org, { username: 'ann@comments.example' })).id;
    ben = (await newUser(store, org, { username: 'ben@comments.example' })).id;
    post = await store.newId(KeyPrefix.feedElement);
    other = await store.newId(KeyPrefix.feedElement);
    await store.posts.insertElement(statusUpdate(post, org, ann), []);
    await store.posts.insertElement(statusUpdate(other, org, ben), []);
    for (const [i, at] of [1, 2, 3, 3, 5].entries()) {
      const comment = {
        id: await store.newId(KeyPrefix.comment),
        orgId: org,
        feedElementId: post,
        authorId: i % 2 === 0 ? ann : ben,
        segments: [{ type: 'Text' as const, text: `comment ${i}` }],
        text: `comment ${i}`,
        createdAt: T0 + at,
        modifiedAt: T0 + at,
      };
      await store.comments.insertComment(comment);
      c.push({ ...comment, likeCount: 0 });
    }
  });
  after(() => t.close());

  test('findComments returns the live comments of the org among the IDs, each once', async () => {
    const found = await store.comments.findComments(org, [c[1]?.id, c[3]?.id, c[1]?.id] as string[]);
    assert.deepEqual(
      found.sort((a, b) => a.id.localeCompare(b.id)),
      [c[1], c[3]],
    );
    assert.deepEqual(await store.comments.findComments(org, []), []);
    const elsewhere = (await newOrg(store, 'Elsewhere')).id;
    assert.deepEqual(await store.comments.findComments(elsewhere, [c[1]?.id as string]), []);
  });

  test('commentPage walks the keyset both ways across page boundaries, oldest first', async () => {
    const cursor = (x: CommentRecord | undefined, direction: 'older' | 'newer') => ({
      at: x?.createdAt as number,
      id: x?.id as string,
      direction,
    });
    assert.deepEqual(await store.comments.commentPage(post, undefined, 2), [c[3], c[4]]);
    assert.deepEqual(await store.comments.commentPage(post, cursor(c[3], 'older'), 2), [c[1], c[2]]);
    assert.deepEqual(await store.comments.commentPage(post, cursor(c[1], 'older'), 2), [c[0]]);
    assert.deepEqual(await store.comments.commentPage(post, cursor(c[0], 'older'), 2), []);
    assert.deepEqual(await store.comments.commentPage(post, cursor(c[0], 'newer'), 2), [c[1], c[2]]);
    assert.deepEqual(await store.comments.commentPage(post, cursor(c[2], 'newer'), 2), [c[3], c[4]]);
    assert.deepEqual(await store.comments.commentPage(post, cursor(c[4], 'newer'), 2), []);
    assert.deepEqual(await store.comments.commentPage(other, undefined, 2), []);
  });

  test('updateCommentBody changes the body, text and modified time only', async () => {
    const change = {
      segments: [{ type: 'Text' as const, text: 'edited' }],
      text: 'edited',
      modifiedAt: T0 + 50,
    };
    await store.comments.updateCommentBody(org, c[0]?.id as string, change);
    c[0] = { ...(c[0] as CommentRecord), ...change };
    assert.deepEqual(await store.comments.findComments(org, [c[0].id]), [c[0]]);
    assert.deepEqual(await store.comments.findComments(org, [c[1]?.id as string]), [c[1]]);
  });

  describe('likes', () => {
    /** Likes of `post` at T0+10…T0+13 (ann, ben, then two by new users), and ben's like of c[0]. */
    const likes: LikeRecord[] = [];
    let commentLike: LikeRecord;
    before(async () => {
      const cat = (await newUser(store, org, { username: 'cat@comments.example' })).id;
      const dan = (await newUser(store, org, { username: 'dan@comments.example' })).id;
      for (const [i, userId] of [ann, ben, cat, dan].entries()) {
        const like: LikeRecord = {
          id: await store.newId(KeyPrefix.like),
          orgId: org,
          feedElementId: post,
          commentId: null,
          userId,
          createdAt: T0 + 10 + i,
        };
        await store.likes.insertLike(like);
        likes.push(like);
      }
      commentLike = {
        id: await store.newId(KeyPrefix.like),
        orgId: org,
        feedElementId: post,
        commentId: c[0]?.id as string,
        userId: ben,
        createdAt: T0 + 20,
      };
      await store.likes.insertLike(commentLike);
    });

    test('findLike finds a like of the org by ID', async () => {
      assert.deepEqual(await store.likes.findLike(org, likes[1]?.id as string), likes[1]);
      assert.deepEqual(await store.likes.findLike(org, commentLike.id), commentLike);
      assert.equal(await store.likes.findLike(org, 'nonesuch'), undefined);
    });

    test('likePage pages a post’s or a comment’s likes newest first', async () => {
      assert.deepEqual(await store.likes.likePage(post, null, 0, 3), [likes[3], likes[2], likes[1]]);
      assert.deepEqual(await store.likes.likePage(post, null, 3, 3), [likes[0]]);
      assert.deepEqual(await store.likes.likePage(post, c[0]?.id as string, 0, 3), [commentLike]);
      assert.deepEqual(await store.likes.likePage(post, c[1]?.id as string, 0, 3), []);
    });

    test('likesFor: the latest likes of each item, plus the viewer’s own, newest first', async () => {
      assert.deepEqual(await store.likes.likesFor([post, other], [c[0]?.id as string], 1, ann), [
        commentLike,
        likes[3],
        likes[0],
      ]);
      assert.deepEqual(await store.likes.likesFor([post], [], 2, null), [likes[3], likes[2]]);
      assert.deepEqual(await store.likes.likesFor([], [c[0]?.id as string], 2, ann), []);
    });
  });
});
