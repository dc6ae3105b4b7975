import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { v36 } from '../helpers/feed-fixtures.js';
import {
  commentShape,
  feedItem,
  groupFacts,
  groupParent,
  hashtag,
  likeShape,
  mention,
  opts,
  type Person,
  person,
  storedComment,
  storedPost,
  text,
  userSummary,
} from '../helpers/feed-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

/** SPEC §11: the demo feed, as bob's news feed and Partner Hub's feed show it. */
describe('demo feed (SPEC §11)', () => {
  let h: Harness;
  let bobToken: string;
  let people: Record<string, Person>;
  const o = opts('36.0');

  before(async () => {
    h = await createHarness();
    bobToken = await h.login('bob@acme.example');
    people = {};
    for (const u of [
      'admin@acme.example',
      'alice@acme.example',
      'bob@acme.example',
      'carol@partner.example',
    ]) {
      people[u.split('@')[0] as string] = await person(h, u);
    }
  });
  after(() => h.close());

  const posts = async () =>
    rawDatabase(h.services.store).selectFrom('feed_elements').selectAll().orderBy('id').execute();

  test('the demo org has four posts, one comment and one like, with deterministic IDs', async () => {
    const rows = await posts();
    const { admin, alice, bob, carol } = people as Record<string, Person>;
    assert.deepEqual(
      rows.map((r) => [r.id.slice(0, 15), r.author_id, r.subject_kind, r.comment_count, r.like_count]),
      [
        ['0D5Cb0000000001', alice?.id, 'group', 1, 1],
        ['0D5Cb0000000002', bob?.id, 'group', 0, 0],
        ['0D5Cb0000000003', alice?.id, 'user', 0, 0],
        ['0D5Cb0000000004', carol?.id, 'group', 0, 0],
        // bob on the Globex Renewal opportunity, with alice's comment (SPEC §11, §12.1).
        ['0D5Cb0000000005', bob?.id, 'record', 1, 0],
      ],
    );
    const comments = await rawDatabase(h.services.store)
      .selectFrom('comments')
      .select(['id', 'author_id'])
      .execute();
    assert.deepEqual(comments, [
      { id: '0D7Cb0000000001KAA', author_id: bob?.id },
      { id: '0D7Cb0000000002KAA', author_id: alice?.id },
    ]);
    const likes = await rawDatabase(h.services.store)
      .selectFrom('likes')
      .select(['id', 'user_id', 'comment_id'])
      .execute();
    assert.deepEqual(likes, [{ id: '0I0Cb0000000001KAA', user_id: admin?.id, comment_id: '' }]);
    // Dates are set back from the clock at seeding: 3h, 2h, 1h and 30 minutes before it.
    const [p1, p2, p3, p4] = rows.map((r) => Number(r.created_at));
    assert.equal((p2 as number) - (p1 as number), 60 * 60_000);
    assert.equal((p3 as number) - (p2 as number), 60 * 60_000);
    assert.equal((p4 as number) - (p3 as number), 30 * 60_000);
  });

  test('GET /chatter/feeds/news/me/feed-elements shows bob the demo posts he follows, mentioned and commented', async () => {
    const { admin, alice, bob } = people as Record<string, Person>;
    const response = await h.request({
      method: 'GET',
      url: `${v36}/chatter/feeds/news/me/feed-elements`,
      token: bobToken,
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const [p1, p2, p3, , p5] = await posts();
    // The demo's record post (bob's own, on Globex Renewal) is the newest; its shape is checked in
    // record-feeds.test.ts, here it is the post as its own resource answers it.
    const recordPost = (
      await h.request({ method: 'GET', url: `${v36}/chatter/feed-elements/${p5?.id}`, token: bobToken })
    ).json();
    const allAcme = groupParent(o, await groupFacts(h, 'All Acme', bob as Person));
    const comment = await storedComment(
      h,
      (await rawDatabase(h.services.store).selectFrom('comments').select('id').executeTakeFirstOrThrow()).id,
    );
    const like = await rawDatabase(h.services.store)
      .selectFrom('likes')
      .selectAll()
      .executeTakeFirstOrThrow();
    const welcome = "Welcome to All Acme! Share what you're working on this week. ";
    assert.deepEqual(response.json(), {
      currentPageToken: null,
      currentPageUrl: `${v36}/chatter/feeds/news/${bob?.id}/feed-elements`,
      elements: [
        recordPost,
        feedItem(o, {
          id: p3?.id as string,
          actor: alice as Person,
          parent: userSummary(o, alice as Person),
          header: 'Alice Anders',
          plain: 'Thanks @Bob Baker for reviewing the launch plan.',
          segments: [
            text(o, 'Thanks '),
            mention(o, bob as Person),
            text(o, ' for reviewing the launch plan.'),
          ],
          createdAt: Number(p3?.created_at),
          relative: '1h ago',
          isDeleteRestricted: true,
        }),
        feedItem(o, {
          id: p2?.id as string,
          actor: bob as Person,
          parent: allAcme,
          header: 'Bob Baker to All Acme',
          plain: 'The Q3 roadmap review is on Thursday at 10:00.',
          segments: [text(o, 'The Q3 roadmap review is on Thursday at 10:00.')],
          createdAt: Number(p2?.created_at),
          relative: '2h ago',
          isDeleteRestricted: false,
        }),
        feedItem(o, {
          id: p1?.id as string,
          actor: alice as Person,
          parent: allAcme,
          header: 'Alice Anders to All Acme',
          plain: `${welcome}#welcome`,
          segments: [text(o, welcome), hashtag(o, 'welcome')],
          createdAt: Number(p1?.created_at),
          modifiedAt: Number(comment.created_at),
          relative: '3h ago',
          isDeleteRestricted: true,
          comments: {
            items: [
              commentShape(o, {
                id: comment.id,
                feedElementId: p1?.id as string,
                parent: { id: p1?.subject_id as string, kind: 'groups' },
                user: bob as Person,
                plain: 'Glad to be here!',
                segments: [text(o, 'Glad to be here!')],
                createdAt: Number(comment.created_at),
                relative: '2h ago',
                isDeleteRestricted: false,
              }),
            ],
            total: 1,
          },
          likes: {
            items: [
              likeShape(o, {
                id: like.id,
                user: admin as Person,
                item: { id: p1?.id as string, kind: 'post' },
              }),
            ],
            total: 1,
            myLikeId: null,
            message: 'Ada Admin likes this.',
          },
        }),
      ],
      isModifiedToken: null,
      isModifiedUrl: null,
      nextPageToken: null,
      nextPageUrl: null,
      updatesToken: `2:${Number(p5?.created_at)}`,
      updatesUrl: `${v36}/chatter/feeds/news/${bob?.id}/feed-elements?updatedSince=2:${Number(p5?.created_at)}`,
    });
  });

  test("GET …/connect/communities/{id}/chatter/feeds/record/{Partner Hub}/feed-elements shows carol's post", async () => {
    const { alice, carol } = people as Record<string, Person>;
    const p4 = (await posts())[3];
    const community = p4?.community_id as string;
    const token = await h.login('carol@partner.example');
    const hub = await groupFacts(h, 'Partner Hub', carol as Person);
    const base = `${v36}/connect/communities/${community}`;
    const co = opts('36.0', { base });
    const response = await h.request({
      method: 'GET',
      url: `${base}/chatter/feeds/record/${hub.id}/feed-elements`,
      token,
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.equal((await storedPost(h, p4?.id as string)).subject_id, hub.id);
    const text0 = 'Hello from Partner Co! Looking forward to working together.';
    assert.deepEqual(response.json(), {
      currentPageToken: null,
      currentPageUrl: `${base}/chatter/feeds/record/${hub.id}/feed-elements`,
      elements: [
        feedItem(co, {
          id: p4?.id as string,
          actor: carol as Person,
          parent: groupParent(co, hub),
          header: 'Carol Chen to Partner Hub',
          plain: text0,
          segments: [text(co, text0)],
          createdAt: Number(p4?.created_at),
          relative: '30m ago',
          isDeleteRestricted: false,
          communityId: community,
          // Carol is external: she may not assign topics (SPEC §12.8).
          state: { internal: false },
        }),
      ],
      isModifiedToken: null,
      isModifiedUrl: null,
      nextPageToken: null,
      nextPageUrl: null,
      updatesToken: `2:${Number(p4?.created_at)}`,
      updatesUrl: `${base}/chatter/feeds/record/${hub.id}/feed-elements?updatedSince=2:${Number(p4?.created_at)}`,
    });
    assert.equal(hub.owner.id, alice?.id);
  });

  test('POST /_chatterbox/reset seeds the same demo feed again', async () => {
    const before = (await posts()).map((r) => [r.id, r.text]);
    const reset = await h.admin('POST', '/_chatterbox/reset');
    assert.equal(reset.statusCode, 200);
    assert.deepEqual(
      (await posts()).map((r) => [r.id, r.text]),
      before,
    );
  });
});
