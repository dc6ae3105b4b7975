import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { activityFromRows } from '../helpers/activity-oracle.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

/**
 * chatterActivity is kept as counters (decision 0014). A long, seeded pseudo-random run of posts,
 * comments, likes, unlikes and deletions by several demo users, through the API (some of it inside
 * batches), checks after every step that each user's counters, as the store reads them and as
 * User Detail shows them, equal the counts made from the rows (the oracle).
 */

const STEPS = 160;
const api = '/services/data/v36.0';

type Actor = 'admin' | 'alice' | 'bob' | 'carol';
interface Post {
  id: string;
  authorId: string;
  /** `chatter` or `connect/communities/{id}/chatter`: the scope the post lives in. */
  base: string;
  live: boolean;
}
interface Comment {
  id: string;
  post: Post;
  authorId: string;
  live: boolean;
}
interface Like {
  id: string;
  post: Post;
  comment: Comment | null;
  userId: string;
  live: boolean;
}

/** mulberry32: a small seeded generator, so that a failing run can be replayed step by step. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('chatterActivity counters through the API (decision 0014)', () => {
  let h: Harness;
  const tokens = {} as Record<Actor, string>;
  const ids = {} as Record<Actor, string>;
  let orgId: string;
  let internalBase: string;
  let communityBase: string;
  let allUserIds: string[];
  const posts: Post[] = [];
  const comments: Comment[] = [];
  const likes: Like[] = [];

  before(async () => {
    h = await createHarness();
    const store = h.services.store;
    for (const [actor, username] of [
      ['admin', 'admin@acme.example'],
      ['alice', 'alice@acme.example'],
      ['bob', 'bob@acme.example'],
      ['carol', 'carol@partner.example'],
    ] as const) {
      tokens[actor] = await h.login(username);
      const user = await store.users.findByUsername(username);
      if (!user) throw new Error(`no ${username}`);
      ids[actor] = user.id;
      orgId = user.orgId;
    }
    const [community] = await store.orgs.listCommunities(orgId);
    if (!community) throw new Error('no demo community');
    internalBase = 'chatter';
    communityBase = `connect/communities/${community.id}/chatter`;
    allUserIds = (
      await rawDatabase(store).selectFrom('users').select('id').where('org_id', '=', orgId).execute()
    ).map((r) => r.id);
    // The demo feed (a post with a comment and a like, among others) is part of the run.
    for (const row of await rawDatabase(store).selectFrom('feed_elements').selectAll().execute()) {
      posts.push({
        id: row.id,
        authorId: row.author_id,
        base: row.community_id === null ? internalBase : communityBase,
        live: true,
      });
    }
    const postOf = (id: string) => posts.find((p) => p.id === id) as Post;
    for (const row of await rawDatabase(store).selectFrom('comments').selectAll().execute()) {
      comments.push({ id: row.id, post: postOf(row.feed_element_id), authorId: row.author_id, live: true });
    }
    for (const row of await rawDatabase(store).selectFrom('likes').selectAll().execute()) {
      likes.push({
        id: row.id,
        post: postOf(row.feed_element_id),
        comment: comments.find((c) => c.id === row.comment_id) ?? null,
        userId: row.user_id,
        live: true,
      });
    }
  });
  after(() => h.close());

  /** The counters as the store reads them and as User Detail shows them, against the oracle. */
  async function assertCountersMatchRows(step: string): Promise<void> {
    const oracle = await activityFromRows(h.services.store, allUserIds);
    assert.equal(oracle.size, allUserIds.length);
    const stored = await h.services.store.users.findManyWithStats(orgId, allUserIds);
    for (const { user, stats } of stored) {
      const { postCount, commentCount, commentReceivedCount, likeReceivedCount } = stats;
      assert.deepEqual(
        { postCount, commentCount, commentReceivedCount, likeReceivedCount },
        oracle.get(user.id),
        `${step}: counters of ${user.username}`,
      );
    }
    assert.equal(stored.length, allUserIds.length);
    const seen: string[] = [];
    // User Detail, as admin sees it in the internal scope and in the community (carol is only there).
    for (const base of [internalBase, communityBase]) {
      const response = await h.request({
        method: 'GET',
        url: `${api}/${base}/users/batch/${allUserIds.join(',')}`,
        token: tokens.admin,
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      const results = response.json().results as { statusCode: number; result: Record<string, unknown> }[];
      const shown = allUserIds.flatMap((id, i) =>
        results[i]?.statusCode === 200 ? [{ id, chatterActivity: results[i]?.result.chatterActivity }] : [],
      );
      assert.deepEqual(
        shown,
        shown.map(({ id }) => ({ id, chatterActivity: oracle.get(id) })),
        `${step}: chatterActivity in User Detail (${base})`,
      );
      seen.push(...shown.map((s) => s.id));
    }
    for (const actor of Object.keys(ids) as Actor[]) {
      assert.ok(seen.includes(ids[actor]), `${step}: User Detail of ${actor} was checked`);
    }
  }

  test(`${STEPS} pseudo-random writes by four users keep every user's counters equal to the rows`, async () => {
    const next = random(20240611);
    const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(next() * items.length)];
    const actorOf = (userId: string) => (Object.keys(ids) as Actor[]).find((a) => ids[a] === userId);
    const actorsIn = (base: string): Actor[] =>
      base === internalBase ? ['admin', 'alice', 'bob'] : ['admin', 'alice', 'carol'];
    const allAcme = await rawDatabase(h.services.store)
      .selectFrom('groups')
      .select('id')
      .where('name', '=', 'All Acme')
      .executeTakeFirstOrThrow();

    /** Sends a write directly, or (one time in four) as the one subrequest of a batch. */
    const send = async (
      actor: Actor,
      method: 'POST' | 'DELETE',
      path: string,
      payload?: Record<string, unknown>,
    ): Promise<{ statusCode: number; body: Record<string, unknown> | null }> => {
      // Batch is an internal-scope resource: external users (carol) get 403 there.
      if (next() < 0.25 && actor !== 'carol') {
        const response = await h.request({
          method: 'POST',
          url: `${api}/connect/batch`,
          token: tokens[actor],
          payload: {
            batchRequests: [{ method, url: `/v36.0/${path}`, ...(payload ? { richInput: payload } : {}) }],
          },
        });
        assert.equal(response.statusCode, 200, response.body);
        const [result] = response.json().results as { statusCode: number; result: Record<string, unknown> }[];
        return { statusCode: result?.statusCode ?? 0, body: result?.result ?? null };
      }
      const response: LightMyRequestResponse = await h.request({
        method,
        url: `${api}/${path}`,
        token: tokens[actor],
        ...(payload ? { payload } : {}),
      });
      return { statusCode: response.statusCode, body: response.body === '' ? null : response.json() };
    };
    const expectStatus = (
      result: { statusCode: number; body: unknown },
      expected: number | number[],
      step: string,
    ) => {
      const allowed = Array.isArray(expected) ? expected : [expected];
      assert.ok(
        allowed.includes(result.statusCode),
        `${step}: ${result.statusCode} ${JSON.stringify(result.body)}`,
      );
    };

    await assertCountersMatchRows('the demo org');
    const counts: Record<string, number> = {};
    for (let i = 1; i <= STEPS; i++) {
      const livePosts = posts.filter((p) => p.live);
      const liveComments = comments.filter((c) => c.live && c.post.live);
      const liveLikes = likes.filter((l) => l.live && l.post.live && (l.comment === null || l.comment.live));
      const roll = next();
      let step = `step ${i}`;
      if (roll < 0.18 || livePosts.length === 0) {
        const base = next() < 0.75 ? internalBase : communityBase;
        const actor = pick(actorsIn(base)) as Actor;
        const others = actorsIn(base).filter((a) => a !== actor && a !== 'carol');
        const subjects = [
          'me',
          ...others.map((a) => ids[a]),
          ...(base === internalBase && actor !== 'admin' ? [allAcme.id] : []),
        ];
        const subjectId = pick(subjects) as string;
        step += `: ${actor} posts to ${subjectId} in ${base}`;
        const result = await send(actor, 'POST', `${base}/feed-elements`, {
          feedElementType: 'FeedItem',
          subjectId,
          body: { messageSegments: [{ type: 'Text', text: `post ${i}` }] },
        });
        expectStatus(result, 201, step);
        posts.push({ id: result.body?.id as string, authorId: ids[actor], base, live: true });
        counts.post = (counts.post ?? 0) + 1;
      } else if (roll < 0.42) {
        const post = pick(livePosts) as Post;
        const actor = pick(actorsIn(post.base)) as Actor;
        step += `: ${actor} comments on ${post.id}`;
        const result = await send(
          actor,
          'POST',
          `${post.base}/feed-elements/${post.id}/capabilities/comments/items`,
          {
            body: { messageSegments: [{ type: 'Text', text: `comment ${i}` }] },
          },
        );
        expectStatus(result, 201, step);
        comments.push({ id: result.body?.id as string, post, authorId: ids[actor], live: true });
        counts.comment = (counts.comment ?? 0) + 1;
      } else if (roll < 0.57) {
        const post = pick(livePosts) as Post;
        const actor = pick(actorsIn(post.base)) as Actor;
        const already = liveLikes.some(
          (l) => l.post === post && l.comment === null && l.userId === ids[actor],
        );
        step += `: ${actor} likes ${post.id}${already ? ' again' : ''}`;
        const result = await send(
          actor,
          'POST',
          `${post.base}/feed-elements/${post.id}/capabilities/chatter-likes/items`,
        );
        expectStatus(result, already ? 409 : 201, step);
        if (!already)
          likes.push({ id: result.body?.id as string, post, comment: null, userId: ids[actor], live: true });
        counts[already ? 'duplicate like' : 'like post'] =
          (counts[already ? 'duplicate like' : 'like post'] ?? 0) + 1;
      } else if (roll < 0.72 && liveComments.length > 0) {
        const comment = pick(liveComments) as Comment;
        const actor = pick(actorsIn(comment.post.base)) as Actor;
        const already = liveLikes.some((l) => l.comment === comment && l.userId === ids[actor]);
        step += `: ${actor} likes comment ${comment.id}${already ? ' again' : ''}`;
        const result = await send(actor, 'POST', `${comment.post.base}/comments/${comment.id}/likes`);
        expectStatus(result, already ? 409 : 201, step);
        if (!already) {
          likes.push({
            id: result.body?.id as string,
            post: comment.post,
            comment,
            userId: ids[actor],
            live: true,
          });
        }
        counts[already ? 'duplicate like' : 'like comment'] =
          (counts[already ? 'duplicate like' : 'like comment'] ?? 0) + 1;
      } else if (roll < 0.82 && liveLikes.length > 0) {
        const like = pick(liveLikes) as Like;
        const actor = actorOf(like.userId) as Actor;
        step += `: ${actor} unlikes ${like.comment ? `comment ${like.comment.id}` : like.post.id}`;
        expectStatus(await send(actor, 'DELETE', `${like.post.base}/likes/${like.id}`), 204, step);
        like.live = false;
        counts.unlike = (counts.unlike ?? 0) + 1;
      } else if (roll < 0.91 && liveComments.length > 0) {
        const comment = pick(liveComments) as Comment;
        // The comment's author, the post's author or an admin (SPEC §5).
        const actor = pick(
          [actorOf(comment.authorId), actorOf(comment.post.authorId), 'admin'].filter(
            (a): a is Actor => a !== undefined,
          ),
        ) as Actor;
        step += `: ${actor} deletes comment ${comment.id}`;
        expectStatus(await send(actor, 'DELETE', `${comment.post.base}/comments/${comment.id}`), 204, step);
        comment.live = false;
        counts['delete comment'] = (counts['delete comment'] ?? 0) + 1;
      } else if (roll < 0.97) {
        const post = pick(livePosts) as Post;
        const actor = pick(
          [actorOf(post.authorId), 'admin'].filter((a): a is Actor => a !== undefined),
        ) as Actor;
        step += `: ${actor} deletes post ${post.id}`;
        expectStatus(await send(actor, 'DELETE', `${post.base}/feed-elements/${post.id}`), 204, step);
        post.live = false;
        counts['delete post'] = (counts['delete post'] ?? 0) + 1;
      } else {
        // Writes to what is gone change nothing: 404, and the counters stay.
        const gone = posts.filter((p) => !p.live);
        const post = pick(gone.length > 0 ? gone : livePosts) as Post;
        const deadComment = pick(comments.filter((c) => !c.live || !c.post.live));
        const actor = pick(actorsIn(post.base)) as Actor;
        const attempts: [string, 'POST' | 'DELETE', string, Record<string, unknown>?][] = [];
        if (!post.live) {
          attempts.push(
            [
              'comment on',
              'POST',
              `${post.base}/feed-elements/${post.id}/capabilities/comments/items`,
              { text: 'late' },
            ],
            ['like', 'POST', `${post.base}/feed-elements/${post.id}/capabilities/chatter-likes/items`],
            ['delete', 'DELETE', `${post.base}/feed-elements/${post.id}`],
          );
        }
        if (deadComment) {
          attempts.push(
            ['like comment', 'POST', `${deadComment.post.base}/comments/${deadComment.id}/likes`],
            ['delete comment', 'DELETE', `${deadComment.post.base}/comments/${deadComment.id}`],
          );
        }
        const attempt = pick(attempts);
        if (!attempt) continue;
        const [what, method, path, payload] = attempt;
        step += `: ${actor} tries to ${what} ${path}`;
        expectStatus(await send(actor, method, path, payload), 404, step);
        counts['write to what is gone'] = (counts['write to what is gone'] ?? 0) + 1;
      }
      await assertCountersMatchRows(step);
    }
    // The run went through every kind of write, not just the easy ones.
    for (const kind of [
      'post',
      'comment',
      'like post',
      'like comment',
      'duplicate like',
      'unlike',
      'delete comment',
      'delete post',
      'write to what is gone',
    ]) {
      assert.ok((counts[kind] ?? 0) > 0, `no ${kind} in ${JSON.stringify(counts)}`);
    }
    // And it left a store with something in every counter to check.
    const final = await activityFromRows(h.services.store, [ids.admin, ids.alice, ids.bob, ids.carol]);
    for (const activity of final.values()) {
      assert.ok(
        Object.values(activity).some((n) => n > 0),
        JSON.stringify(activity),
      );
    }
  });

  test('comments, likes and deletions racing on the same posts keep the counters exact', async () => {
    // On PostgreSQL these run at once on several connections, so writes land on posts being
    // deleted (decision 0014: each write locks comment, then post, then counters in user order);
    // SQLite runs them one at a time. Either way, no 500 and the counters end equal to the rows.
    const internal: Actor[] = ['admin', 'alice', 'bob'];
    const call = (actor: Actor, method: 'POST' | 'DELETE', path: string, payload?: Record<string, unknown>) =>
      h.request({
        method,
        url: `${api}/chatter/${path}`,
        token: tokens[actor],
        ...(payload ? { payload } : {}),
      });
    for (let round = 1; round <= 3; round++) {
      const targets: { author: Actor; postId: string; commenter: Actor; commentId: string }[] = [];
      for (const [author, commenter] of [
        ['alice', 'bob'],
        ['bob', 'alice'],
        ['admin', 'alice'],
        ['alice', 'admin'],
      ] as const) {
        const created = await call(author, 'POST', 'feed-elements', {
          feedElementType: 'FeedItem',
          subjectId: 'me',
          text: `race ${round}`,
        });
        assert.equal(created.statusCode, 201);
        const postId = created.json().id as string;
        const commented = await call(
          commenter,
          'POST',
          `feed-elements/${postId}/capabilities/comments/items`,
          {
            text: 'first',
          },
        );
        assert.equal(commented.statusCode, 201);
        targets.push({ author, postId, commenter, commentId: commented.json().id });
      }
      const writes: { expected: number[]; response: Promise<LightMyRequestResponse> }[] = [];
      const add = (expected: number[], response: Promise<LightMyRequestResponse>) =>
        writes.push({ expected, response });
      for (const [i, target] of targets.entries()) {
        for (const actor of internal) {
          add(
            [201, 404],
            call(actor, 'POST', `feed-elements/${target.postId}/capabilities/comments/items`, {
              text: 'racing',
            }),
          );
          add(
            [201, 404],
            call(actor, 'POST', `feed-elements/${target.postId}/capabilities/chatter-likes/items`),
          );
          add([201, 404], call(actor, 'POST', `comments/${target.commentId}/likes`));
          if (actor === 'bob') {
            // Half the rounds delete the comment first, half the post: both orders race the rest.
            const deleteComment = () => call(target.commenter, 'DELETE', `comments/${target.commentId}`);
            const deletePost = () => call(target.author, 'DELETE', `feed-elements/${target.postId}`);
            if ((round + i) % 2 === 0) add([204, 404], deleteComment());
            add([204], deletePost());
            if ((round + i) % 2 === 1) add([204, 404], deleteComment());
          }
        }
      }
      const responses = await Promise.all(writes.map((w) => w.response));
      for (const [i, response] of responses.entries()) {
        const expected = writes[i]?.expected as number[];
        assert.ok(
          expected.includes(response.statusCode),
          `round ${round}: ${response.statusCode} ${response.body}`,
        );
      }
      await assertCountersMatchRows(`race round ${round}`);
    }
  });

  test('POST /_chatterbox/reset puts the counters back to the demo org', async () => {
    const reset = await h.admin('POST', '/_chatterbox/reset');
    assert.equal(reset.statusCode, 200);
    allUserIds = (
      await rawDatabase(h.services.store)
        .selectFrom('users')
        .select('id')
        .where('org_id', '=', orgId)
        .execute()
    ).map((r) => r.id);
    tokens.admin = await h.login('admin@acme.example');
    await assertCountersMatchRows('after reset');
    const alice = await h.services.store.users.findByUsername('alice@acme.example');
    const found = await h.services.store.users.findWithStats(orgId, alice?.id as string);
    // The demo feed: alice's two posts, bob's comment on one and admin's like of it; her comment on
    // bob's Globex Renewal post and her follow of Globex Corporation (SPEC §11).
    assert.deepEqual(found?.stats, {
      followersCount: 0,
      followingPeople: 0,
      followingRecords: 1,
      groupCount: 2,
      postCount: 2,
      commentCount: 1,
      commentReceivedCount: 1,
      likeReceivedCount: 1,
    });
  });
});
