import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { FeedViews } from '../../src/domain/feed-views.js';
import { FeedService } from '../../src/domain/feeds.js';
import { follow, makeGroup, signIn, v36 } from '../helpers/feed-fixtures.js';
import { err, groupFacts, NOT_FOUND, type Person, person, storedPost } from '../helpers/feed-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

/** Feeds (SPEC §6): which posts each feed holds, paging, sorting and who may read it. */
describe('feeds (SPEC §6)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  let groups: Record<string, string>;

  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  // Every test starts from the demo org (SPEC §9 reset), then arranges what it needs.
  beforeEach(async () => {
    await h.admin('POST', '/_chatterbox/reset');
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
    people.carol = await person(h, 'carol@partner.example');
    groups = {};
    for (const name of ['All Acme', 'Leadership', 'Partner Hub']) {
      groups[name] = (await groupFacts(h, name, people.admin as Person)).id;
    }
  });

  const id = (p: Person | undefined) => (p as Person).id;
  const get = (url: string, token = tokens.bob, headers: Record<string, string> = {}) =>
    h.request({ method: 'GET', url: `${v36}${url}`, token, headers });
  const post = async (who: string, subjectId: string, words: string, segments?: unknown[]) => {
    const response = await h.request({
      method: 'POST',
      url: `${v36}/chatter/feed-elements`,
      token: tokens[who],
      payload: {
        feedElementType: 'FeedItem',
        subjectId,
        body: { messageSegments: segments ?? [{ type: 'Text', text: words }] },
      },
    });
    assert.equal(response.statusCode, 201, response.body);
    return response.json().id as string;
  };
  const comment = async (who: string, postId: string, text: string) => {
    const response = await h.request({
      method: 'POST',
      url: `${v36}/chatter/feed-elements/${postId}/capabilities/comments/items`,
      token: tokens[who],
      payload: { body: { messageSegments: [{ type: 'Text', text }] } },
    });
    assert.equal(response.statusCode, 201, response.body);
  };
  const demo = async () =>
    (
      await rawDatabase(h.services.store).selectFrom('feed_elements').select('id').orderBy('id').execute()
    ).map((r) => r.id);
  const ids = async (url: string, token = tokens.bob) => {
    const response = await get(url, token);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    return (response.json().elements as { id: string }[]).map((e) => e.id);
  };

  test('GET /chatter/feeds lists the feeds of the context user', async () => {
    const response = await get('/chatter/feeds');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const me = id(people.bob);
    const feed = (type: string, feedType: string, label: string) => ({
      feedElementsUrl: `${v36}/chatter/feeds/${type}/feed-elements`,
      feedType,
      feedUrl: `${v36}/chatter/feeds/${type}`,
      label,
    });
    assert.deepEqual(response.json(), {
      favorites: [],
      feeds: [
        feed(`news/${me}`, 'News', 'What I Follow'),
        feed(`to/${me}`, 'To', 'To Me'),
        feed(`groups/${me}`, 'Groups', 'My Groups'),
        feed(`user-profile/${me}`, 'UserProfile', 'My Profile'),
        feed('company', 'Company', 'Company'),
      ],
    });
  });

  test('GET /chatter/feeds/news/me is the Feed with the real user ID; others are refused', async () => {
    const me = id(people.bob);
    for (const [url, path] of [
      ['/chatter/feeds/news/me', `news/${me}`],
      [`/chatter/feeds/news/${me.slice(0, 15)}`, `news/${me}`],
      ['/chatter/feeds/company', 'company'],
      [`/chatter/feeds/record/${groups['All Acme']}`, `record/${groups['All Acme']}`],
      ['/chatter/feeds/user-profile/me', `user-profile/${me}`],
    ] as const) {
      const response = await get(url);
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), {
        feedElementPostUrl: `${v36}/chatter/feed-elements`,
        feedElementsUrl: `${v36}/chatter/feeds/${path}/feed-elements`,
        isModifiedUrl: null,
      });
    }
    for (const [url, status, body] of [
      [
        `/chatter/feeds/news/${id(people.alice)}`,
        403,
        err('INSUFFICIENT_ACCESS', "You don't have permission to view another user's news feed."),
      ],
      [
        `/chatter/feeds/to/${id(people.alice)}/feed-elements`,
        403,
        err('INSUFFICIENT_ACCESS', "You don't have permission to view another user's to feed."),
      ],
      [
        `/chatter/feeds/news/${groups['All Acme']}`,
        400,
        err('INVALID_ID_FIELD', `Invalid identifier: ${groups['All Acme']}`),
      ],
      ['/chatter/feeds/bogus/me', 404, NOT_FOUND],
      ['/chatter/feeds/bogus/me/feed-elements', 404, NOT_FOUND],
      [
        `/chatter/feeds/record/${groups.Leadership}/feed-elements`,
        403,
        err('INSUFFICIENT_ACCESS', "You don't have permission to view this group's feed."),
      ],
    ] as const) {
      const response = await get(url);
      assert.equal(response.statusCode, status, url);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), body);
    }
  });

  test('news feed: own posts, people and groups followed or joined, mentions; never unreadable groups', async () => {
    const [p1, p2, p3, , p5] = await demo();
    const { admin, alice, bob } = people as Record<string, Person>;
    const open = await makeGroup(h, { name: 'Open Forum', visibility: 'PublicAccess', owner: id(admin) });
    const notFollowed = await post('admin', 'me', 'admin on his profile');
    const inOpen = await post('admin', open, 'in a group bob does not follow');
    assert.deepEqual(await ids('/chatter/feeds/news/me/feed-elements'), [p5, p3, p2, p1]);

    await follow(h, id(bob), id(admin));
    await follow(h, id(bob), open);
    const byFollowed = await post('admin', 'me', 'admin again');
    const secret = await post('admin', groups.Leadership as string, 'leadership only');
    const mentionInOpen = await post('alice', 'me', '', [
      { type: 'Text', text: 'hey ' },
      { type: 'Mention', id: id(bob) },
    ]);
    const mentionInSecret = await post('admin', groups.Leadership as string, '', [
      { type: 'Mention', id: id(bob) },
    ]);
    const own = await post('bob', id(alice), 'bob on alice');
    const news = await ids('/chatter/feeds/news/me/feed-elements');
    assert.deepEqual(news, [own, mentionInOpen, byFollowed, inOpen, notFollowed, p5, p3, p2, p1]);
    assert.ok(!news.includes(secret) && !news.includes(mentionInSecret));
    // The admin reads Leadership, so his own news has them.
    const adminNews = await ids('/chatter/feeds/news/me/feed-elements', tokens.admin);
    assert.ok(adminNews.includes(secret) && adminNews.includes(mentionInSecret));
  });

  test('news feed read through the org index (many sources) holds the same posts', async () => {
    const { admin, bob } = people as Record<string, Person>;
    await follow(h, id(bob), id(admin));
    for (let i = 0; i < 5; i++)
      await post(i % 2 ? 'admin' : 'alice', i % 3 ? 'me' : (groups['All Acme'] as string), `post ${i}`);
    const hidden = await post('admin', groups.Leadership as string, 'hidden');
    const viewer = {
      user: bob as never,
      orgId: bob?.orgId as string,
      appId: null,
      isGuest: false,
      tokenHash: null,
    };
    const params = { sort: 'CreatedDateDesc' as const, pageSize: 3, recentCommentCount: 0 };
    const { store, clock, users } = h.services;
    const views = new FeedViews(store, clock, users);
    const narrow = new FeedService(store, users, views, { maxBranches: 0 });
    const wide = new FeedService(store, users, views, { maxBranches: 50 });
    for (const sort of ['CreatedDateDesc', 'LastModifiedDateDesc'] as const) {
      let token: string | undefined;
      const a: string[] = [];
      const b: string[] = [];
      do {
        const one = await narrow.elements(viewer, { community: null }, 'news', 'me', {
          ...params,
          sort,
          page: token,
        });
        const two = await wide.elements(viewer, { community: null }, 'news', 'me', {
          ...params,
          sort,
          page: token,
        });
        assert.equal(one.page.nextPageToken, two.page.nextPageToken);
        a.push(...one.page.elements.map((e) => e.element.id));
        b.push(...two.page.elements.map((e) => e.element.id));
        token = one.page.nextPageToken ?? undefined;
      } while (token);
      assert.deepEqual(a, b);
      // The demo's four (bob's record post too), posts to All Acme (2) and by admin, whom bob
      // follows (1); not Leadership.
      assert.equal(a.length, 7);
      assert.ok(!a.includes(hidden));
    }
  });

  test('feed pages: keyset page tokens, nextPageUrl until null, bad tokens 400', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push(await post('bob', 'me', `page ${i}`));
    const all = [...made].reverse();
    const me = id(people.bob);
    const url = `${v36}/chatter/feeds/user-profile/${me}/feed-elements`;
    const seen: string[] = [];
    let next: string | null = `/chatter/feeds/user-profile/me/feed-elements?pageSize=2`;
    let current: string | null = null;
    while (next) {
      const response = await get(next.replace(v36, ''));
      assert.equal(response.statusCode, 200);
      const page = response.json();
      const pageIds = (page.elements as { id: string }[]).map((e) => e.id);
      seen.push(...pageIds);
      const last = pageIds.at(-1) as string;
      const lastRow = await storedPost(h, last);
      const more = seen.length < all.length + 2; // + the demo posts bob wrote to All Acme and Globex Renewal
      const token = `${new Date(Number(lastRow.created_at)).toISOString()},${last}`;
      assert.deepEqual(
        { ...page, elements: pageIds },
        {
          currentPageToken: current,
          currentPageUrl: `${url}?pageSize=2${current ? `&page=${current}` : ''}`,
          elements: pageIds,
          isModifiedToken: null,
          isModifiedUrl: null,
          nextPageToken: more ? token : null,
          nextPageUrl: more ? `${url}?pageSize=2&page=${token}` : null,
          updatesToken: null,
          updatesUrl: null,
        },
      );
      current = more ? token : null;
      next = page.nextPageUrl;
    }
    assert.deepEqual(seen.slice(0, 5), all);
    assert.equal(seen.length, 7);
    const pageToken = `${new Date(Number((await storedPost(h, made[0] as string)).created_at)).toISOString()},${made[0]}`;
    for (const [query, message] of [
      ['pageSize=500', 'Invalid pageSize: 500. Specify a value between 1 and 100.'],
      ['pageSize=0', 'Invalid pageSize: 0. Specify a value between 1 and 100.'],
      ['pageSize=ten', 'Invalid pageSize: ten. Specify a value of type integer.'],
      ['recentCommentCount=26', 'Invalid recentCommentCount: 26. Specify a value between 0 and 25.'],
      ['sort=Newest', 'Invalid sort: Newest. Specify one of: CreatedDateDesc, LastModifiedDateDesc.'],
      ['page=2', 'Invalid page: 2. Specify a page token from an earlier response.'],
      [
        `page=${pageToken.replace('0D5', '0D7')}`,
        `Invalid page: ${pageToken.replace('0D5', '0D7')}. Specify a page token from an earlier response.`,
      ],
      [
        `page=${pageToken.replace('.', ':')}`,
        `Invalid page: ${pageToken.replace('.', ':')}. Specify a page token from an earlier response.`,
      ],
      [
        'updatedSince=yesterday',
        'Invalid updatedSince: yesterday. Specify a token from an earlier response.',
      ],
    ] as const) {
      const response = await get(`/chatter/feeds/news/me/feed-elements?${query}`);
      assert.equal(response.statusCode, 400, query);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), err('INVALID_INPUT', message));
    }
    const notHere = await get('/chatter/feeds/to/me/feed-elements?updatedSince=2:0');
    assert.equal(notHere.statusCode, 400);
    assert.deepEqual(
      notHere.json(),
      err('INVALID_INPUT', "Invalid updatedSince: this feed doesn't support updatedSince."),
    );
  });

  test('sort=LastModifiedDateDesc: a comment moves its post up; CreatedDateDesc does not', async () => {
    const [p1, p2, p3, , p5] = await demo();
    await comment('alice', p2 as string, 'agreed');
    assert.deepEqual(await ids('/chatter/feeds/news/me/feed-elements'), [p5, p3, p2, p1]);
    // The demo's record post (p5) was modified by alice's comment 10 minutes before seeding.
    assert.deepEqual(await ids('/chatter/feeds/news/me/feed-elements?sort=LastModifiedDateDesc'), [
      p2,
      p5,
      p3,
      p1,
    ]);
    const page = await get('/chatter/feeds/news/me/feed-elements?sort=LastModifiedDateDesc&pageSize=1');
    const modified = Number((await storedPost(h, p2 as string)).modified_at);
    const token = `${new Date(modified).toISOString()},${p2}`;
    assert.equal(page.json().nextPageToken, token);
    assert.deepEqual(
      await ids(`/chatter/feeds/news/me/feed-elements?sort=LastModifiedDateDesc&pageSize=5&page=${token}`),
      [p5, p3, p1],
    );
  });

  test('the To feed by LastModifiedDateDesc: a comment moves a post mentioning the user up, and pages follow', async () => {
    const [, , p3] = await demo();
    const { bob } = people as Record<string, Person>;
    const mention = [{ type: 'Mention', id: id(bob) }];
    const older = await post('admin', 'me', '', mention);
    await h.admin('POST', '/_chatterbox/clock', { advanceSeconds: 1 });
    const newer = await post('alice', 'me', '', mention);
    await h.admin('POST', '/_chatterbox/clock', { advanceSeconds: 1 });
    await comment('alice', older, 'see above');
    assert.deepEqual(await ids('/chatter/feeds/to/me/feed-elements'), [newer, older, p3]);
    const url = '/chatter/feeds/to/me/feed-elements?sort=LastModifiedDateDesc';
    assert.deepEqual(await ids(url), [older, newer, p3]);
    const first = await get(`${url}&pageSize=1`);
    const modified = Number((await storedPost(h, older)).modified_at);
    const token = `${new Date(modified).toISOString()},${older}`;
    assert.equal(first.json().nextPageToken, token);
    assert.deepEqual(await ids(`${url}&pageSize=5&page=${token}`), [newer, p3]);
  });

  test('Feed Items and their group parents list their keys alphabetically, as the real service does', async () => {
    const alphabetical = (keys: string[]) => [...keys].sort((a, b) => a.localeCompare(b));
    // 36.0 has canShare, 41.0 isSharable instead: the versioned keys land in their place too.
    for (const version of ['36.0', '41.0']) {
      const response = await h.request({
        method: 'GET',
        url: `/services/data/v${version}/chatter/feeds/news/me/feed-elements`,
        token: tokens.bob,
      });
      assert.equal(response.statusCode, 200);
      const elements = response.json().elements as { parent: { type: string } }[];
      assert.ok(elements.some((e) => e.parent.type === 'CollaborationGroup'));
      for (const element of elements) {
        assert.deepEqual(Object.keys(element), alphabetical(Object.keys(element)));
        assert.deepEqual(Object.keys(element.parent), alphabetical(Object.keys(element.parent)));
      }
    }
  });

  test('recentCommentCount: the latest comments, oldest first, with a token to the older ones', async () => {
    const target = await post('bob', 'me', 'discuss');
    const commentIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await h.request({
        method: 'POST',
        url: `${v36}/chatter/feed-elements/${target}/capabilities/comments/items`,
        token: tokens.alice,
        payload: { text: `c${i}` },
      });
      commentIds.push(response.json().id);
    }
    const pageOf = async (query: string) => {
      const response = await get(`/chatter/feed-elements/${target}${query}`);
      assert.equal(response.statusCode, 200);
      return response.json().capabilities.comments.page;
    };
    const itemsUrl = `${v36}/chatter/feed-elements/${target}/capabilities/comments/items`;
    const c1 = await rawDatabase(h.services.store)
      .selectFrom('comments')
      .selectAll()
      .where('id', '=', commentIds[1] as string)
      .executeTakeFirstOrThrow();
    const olderToken = `${new Date(Number(c1.created_at)).toISOString()},${c1.id}`;
    const three = await pageOf('');
    assert.deepEqual(
      (three.items as { id: string }[]).map((c) => c.id),
      commentIds.slice(1),
    );
    assert.deepEqual(
      { ...three, items: [] },
      { currentPageUrl: itemsUrl, items: [], nextPageUrl: `${itemsUrl}?page=${olderToken}`, total: 4 },
    );
    const one = await pageOf('?recentCommentCount=1');
    assert.deepEqual(
      (one.items as { id: string }[]).map((c) => c.id),
      [commentIds[3]],
    );
    const none = await pageOf('?recentCommentCount=0');
    assert.deepEqual(none, { currentPageUrl: itemsUrl, items: [], nextPageUrl: null, total: 4 });
    const feed = await get('/chatter/feeds/user-profile/me/feed-elements?recentCommentCount=2&pageSize=1');
    assert.deepEqual(
      (feed.json().elements[0].capabilities.comments.page.items as { id: string }[]).map((c) => c.id),
      commentIds.slice(2),
    );
  });

  test('updatedSince: the updatesUrl of a page returns only what came after it', async () => {
    const first = await get('/chatter/feeds/news/me/feed-elements');
    const { updatesToken, updatesUrl } = first.json();
    const newest = Number((await storedPost(h, first.json().elements[0].id)).created_at);
    assert.equal(updatesToken, `2:${newest}`);
    assert.equal(
      updatesUrl,
      `${v36}/chatter/feeds/news/${id(people.bob)}/feed-elements?updatedSince=2:${newest}`,
    );
    const fresh = await post('bob', 'me', 'fresh');
    const updates = await get((updatesUrl as string).replace(v36, ''));
    assert.equal(updates.statusCode, 200);
    assert.deepEqual(
      (updates.json().elements as { id: string }[]).map((e) => e.id),
      [fresh],
    );
    const created = Number((await storedPost(h, fresh)).created_at);
    assert.equal(updates.json().updatesToken, `2:${created}`);
    const none = await get(`/chatter/feeds/news/me/feed-elements?updatedSince=2:${created}`);
    assert.deepEqual(none.json().elements, []);
    assert.equal(none.json().updatesToken, `2:${created}`);
  });

  test('record feeds: a group (public, private, unlisted) and a user profile', async () => {
    const [p1, p2, p3] = await demo();
    const { admin, alice } = people as Record<string, Person>;
    assert.deepEqual(await ids(`/chatter/feeds/record/${groups['All Acme']}/feed-elements`), [p2, p1]);
    assert.deepEqual(await ids(`/chatter/feeds/record/${id(alice)}/feed-elements`), [p3]);
    const secret = await post('admin', groups.Leadership as string, 'board');
    assert.deepEqual(await ids(`/chatter/feeds/record/${groups.Leadership}/feed-elements`, tokens.admin), [
      secret,
    ]);
    const hidden = await makeGroup(h, { name: 'Skunkworks', visibility: 'Unlisted', owner: id(admin) });
    for (const [url, status, body] of [
      [
        `/chatter/feeds/record/${groups.Leadership}/feed-elements`,
        403,
        err('INSUFFICIENT_ACCESS', "You don't have permission to view this group's feed."),
      ],
      [`/chatter/feeds/record/${hidden}/feed-elements`, 404, NOT_FOUND],
      [`/chatter/feeds/record/${hidden}`, 404, NOT_FOUND],
      [`/chatter/feeds/record/${groups['Partner Hub']}/feed-elements`, 404, NOT_FOUND],
      [
        `/chatter/feeds/record/${p1}/feed-elements`,
        400,
        err('INVALID_ID_FIELD', `Invalid identifier: ${p1}`),
      ],
    ] as const) {
      const response = await get(url);
      assert.equal(response.statusCode, status, url);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), body);
    }
  });

  test('user-profile, groups, to and company feeds', async () => {
    const [p1, p2, p3, , p5] = await demo();
    const { alice, bob } = people as Record<string, Person>;
    const secret = await post('admin', groups.Leadership as string, 'board');
    const aliceOnBob = await post('alice', id(bob), 'hi bob');
    const bobOnOwn = await post('bob', 'me', 'my status');
    const adminMentionsBob = await post('admin', 'me', '', [{ type: 'Mention', id: id(bob) }]);
    // user-profile: posts by the user and posts to the user.
    assert.deepEqual(await ids('/chatter/feeds/user-profile/me/feed-elements'), [
      bobOnOwn,
      aliceOnBob,
      p5,
      p2,
    ]);
    assert.deepEqual(await ids(`/chatter/feeds/user-profile/${id(alice)}/feed-elements`), [
      aliceOnBob,
      p3,
      p1,
    ]);
    // groups: posts in the groups the user belongs to.
    assert.deepEqual(await ids('/chatter/feeds/groups/me/feed-elements'), [p2, p1]);
    assert.deepEqual(await ids('/chatter/feeds/groups/me/feed-elements', tokens.admin), [secret, p2, p1]);
    // to: mentions of the user and posts to the user's profile by others.
    assert.deepEqual(await ids('/chatter/feeds/to/me/feed-elements'), [adminMentionsBob, aliceOnBob, p3]);
    // company: everything of the scope the viewer may read.
    assert.deepEqual(await ids('/chatter/feeds/company/feed-elements'), [
      adminMentionsBob,
      bobOnOwn,
      aliceOnBob,
      p5,
      p3,
      p2,
      p1,
    ]);
    assert.deepEqual(await ids('/chatter/feeds/company/feed-elements', tokens.admin), [
      adminMentionsBob,
      bobOnOwn,
      aliceOnBob,
      secret,
      p5,
      p3,
      p2,
      p1,
    ]);
  });

  test('community feeds: scoped to the community; guests read public group feeds only', async () => {
    const p4 = (await demo())[3];
    const community = (await storedPost(h, p4 as string)).community_id as string;
    const base = `/connect/communities/${community}`;
    const carol = await h.login('carol@partner.example');
    assert.deepEqual(await ids(`${base}/chatter/feeds/company/feed-elements`, carol), [p4]);
    assert.deepEqual(await ids(`${base}/chatter/feeds/news/me/feed-elements`, carol), [p4]);
    assert.deepEqual(await ids(`${base}/chatter/feeds/record/${groups['Partner Hub']}/feed-elements`, ''), [
      p4,
    ]);
    const internal = await get('/chatter/feeds/company/feed-elements', carol);
    assert.equal(internal.statusCode, 403);
    assert.deepEqual(
      internal.json(),
      err('INSUFFICIENT_ACCESS', "External users can't access this resource."),
    );
    for (const url of [
      `${base}/chatter/feeds/news/me/feed-elements`,
      `${base}/chatter/feeds/company/feed-elements`,
      `${base}/chatter/feeds/record/${id(people.alice)}/feed-elements`,
    ]) {
      const guest = await get(url, '');
      assert.equal(guest.statusCode, 401, url);
      assert.equal(guest.headers['content-type'], JSON_TYPE);
      assert.deepEqual(
        guest.json(),
        err('INVALID_SESSION_ID', "This resource isn't accessible to guest users."),
      );
    }
    // The internal company feed never shows community posts.
    assert.ok(!(await ids('/chatter/feeds/company/feed-elements', tokens.admin)).includes(p4 as string));
  });
});
