import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../helpers/api-assert.js';
import { signIn } from '../helpers/feed-fixtures.js';
import {
  capabilitiesShape,
  capabilityKeysOf,
  feedItem,
  NOT_FOUND,
  nameOf,
  opts,
  type Person,
  storedPost,
  text,
  userSummary,
} from '../helpers/feed-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

/** The capability keys of each version, written out by hand from F2 §9 (SPEC §12.5). */
const KEYS_32 = [
  'associatedActions',
  'banner',
  'bookmarks',
  'bundle',
  'canvas',
  'caseComment',
  'chatterLikes',
  'comments',
  'content',
  'dashboardComponentSnapshot',
  'emailMessage',
  'enhancedLink',
  'link',
  'moderation',
  'poll',
  'questionAndAnswers',
  'recommendations',
  'recordSnapshot',
  'topics',
  'trackedChanges',
];
const KEYS_36 = [
  'associatedActions',
  'banner',
  'bookmarks',
  'bundle',
  'canvas',
  'caseComment',
  'chatterLikes',
  'comments',
  'dashboardComponentSnapshot',
  'edit',
  'emailMessage',
  'enhancedLink',
  'files',
  'link',
  'moderation',
  'mute',
  'origin',
  'poll',
  'questionAndAnswers',
  'recommendations',
  'recordSnapshot',
  'socialPost',
  'topics',
  'trackedChanges',
];
const KEYS_41 = [
  'associatedActions',
  'banner',
  'bookmarks',
  'bundle',
  'canvas',
  'caseComment',
  'chatterLikes',
  'comments',
  'dashboardComponentSnapshot',
  'directMessage',
  'edit',
  'emailMessage',
  'enhancedLink',
  'extensions',
  'feedEntityShare',
  'files',
  'interactions',
  'link',
  'mediaReferences',
  'moderation',
  'mute',
  'origin',
  'pin',
  'poll',
  'questionAndAnswers',
  'readBy',
  'recommendations',
  'recordSnapshot',
  'socialPost',
  'status',
  'topics',
  'trackedChanges',
  'upDownVote',
];
const KEYS_58 = [...KEYS_41, 'callCollaboration', 'close'].sort((a, b) => a.localeCompare(b));

describe('capabilities of a feed element (SPEC §12.5)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  const v = (version: string) => `/services/data/v${version}`;
  const v41 = v('41.0');

  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
  });
  after(() => h.close());

  const call = (method: 'GET' | 'PATCH', token: string, url: string, payload?: unknown) =>
    h.request({ method, url, token, ...(payload === undefined ? {} : { payload: payload as object }) });
  const postText = async (token: string, words: string) => {
    const response = await call('GET', token, `${v41}/chatter/feeds/news/me`);
    assert.equal(response.statusCode, 200);
    const created = await h.request({
      method: 'POST',
      url: `${v41}/chatter/feed-elements`,
      token,
      payload: { feedElementType: 'FeedItem', subjectId: 'me', text: words },
    });
    assert.equal(created.statusCode, 201, created.body);
    return created.json().id as string;
  };
  const ok = (
    response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
    body: unknown,
  ) => {
    assert.equal(response.statusCode, 200, JSON.stringify(response.json()));
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), body);
  };
  const feedIds = async (token: string, feed: string) => {
    const response = await call('GET', token, `${v41}/chatter/feeds/${feed}/feed-elements`);
    assert.equal(response.statusCode, 200, response.body);
    return (response.json().elements as { id: string }[]).map((e) => e.id);
  };

  test('version matrix: the same post at 32.0, 36.0, 41.0 and 58.0 carries exactly its version’s keys', async () => {
    const alice = people.alice as Person;
    const id = await postText(tokens.alice as string, 'matrix');
    const createdAt = Number((await storedPost(h, id)).created_at);
    for (const [version, keys] of [
      ['32.0', KEYS_32],
      ['36.0', KEYS_36],
      ['41.0', KEYS_41],
      ['58.0', KEYS_58],
    ] as const) {
      const response = await call('GET', tokens.alice as string, `${v(version)}/chatter/feed-elements/${id}`);
      const o = opts(version);
      ok(
        response,
        feedItem(o, {
          id,
          actor: alice,
          parent: userSummary(o, alice),
          header: nameOf(alice),
          plain: 'matrix',
          segments: [text(o, 'matrix')],
          createdAt,
          isDeleteRestricted: false,
          clientName: 'Chatterbox Demo',
        }),
      );
      assert.deepEqual(Object.keys(response.json().capabilities), keys, version);
      const caps = await call(
        'GET',
        tokens.alice as string,
        `${v(version)}/chatter/feed-elements/${id}/capabilities`,
      );
      ok(caps, response.json().capabilities);
    }
  });

  test('version matrix: a question’s questionAndAnswers has escalatedCase from 33 and candidateAnswers from 41', async () => {
    const created = await h.request({
      method: 'POST',
      url: `${v('32.0')}/chatter/feed-elements`,
      token: tokens.alice as string,
      payload: {
        feedElementType: 'FeedItem',
        subjectId: 'me',
        text: 'details',
        capabilities: { questionAndAnswers: { questionTitle: 'Matrix?' } },
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id as string;
    for (const [version, keys, extra] of [
      ['32.0', KEYS_32, {}],
      ['33.0', capabilityKeysOf(33), { escalatedCase: null }],
      ['36.0', KEYS_36, { escalatedCase: null }],
      ['41.0', KEYS_41, { candidateAnswers: null, escalatedCase: null }],
      ['58.0', KEYS_58, { candidateAnswers: null, escalatedCase: null }],
    ] as const) {
      const expected = {
        bestAnswer: null,
        bestAnswerSelectedBy: null,
        canCurrentUserSelectOrRemoveBestAnswer: false,
        ...extra,
        questionTitle: 'Matrix?',
      };
      const item = await call('GET', tokens.bob as string, `${v(version)}/chatter/feed-elements/${id}`);
      assert.equal(item.json().type, 'QuestionPost');
      assert.deepEqual(Object.keys(item.json().capabilities), keys, version);
      assert.deepEqual(item.json().capabilities.questionAndAnswers, expected, version);
      ok(
        await call(
          'GET',
          tokens.bob as string,
          `${v(version)}/chatter/feed-elements/${id}/capabilities/question-and-answers`,
        ),
        expected,
      );
    }
  });

  test('bookmarks: PATCH (body or parameter) sets real state; feeds/bookmarks/me lists it; bad value 400', async () => {
    const id = await postText(tokens.bob as string, 'worth keeping');
    const url = `${v41}/chatter/feed-elements/${id}/capabilities/bookmarks`;
    ok(await call('GET', tokens.alice as string, url), { isBookmarkedByCurrentUser: false });
    ok(await call('PATCH', tokens.alice as string, url, { isBookmarkedByCurrentUser: true }), {
      isBookmarkedByCurrentUser: true,
    });
    ok(await call('GET', tokens.alice as string, url), { isBookmarkedByCurrentUser: true });
    // Bob's own view is his own.
    ok(await call('GET', tokens.bob as string, url), { isBookmarkedByCurrentUser: false });
    assert.deepEqual(await feedIds(tokens.alice as string, 'bookmarks/me'), [id]);
    assert.deepEqual(await feedIds(tokens.bob as string, 'bookmarks/me'), []);
    const feed = await call('GET', tokens.alice as string, `${v41}/chatter/feeds/bookmarks/me`);
    ok(feed, {
      feedElementPostUrl: `${v41}/chatter/feed-elements`,
      feedElementsUrl: `${v41}/chatter/feeds/bookmarks/${people.alice?.id}/feed-elements`,
      isModifiedUrl: null,
    });
    const item = await call('GET', tokens.alice as string, `${v41}/chatter/feed-elements/${id}`);
    assert.deepEqual(item.json().capabilities.bookmarks, { isBookmarkedByCurrentUser: true });
    assertError(
      await call('PATCH', tokens.alice as string, url, { isBookmarkedByCurrentUser: 'yes' }),
      400,
      'INVALID_INPUT',
      'Invalid isBookmarkedByCurrentUser: specify true or false.',
    );
    assert.deepEqual(await feedIds(tokens.alice as string, 'bookmarks/me'), [id]);
    ok(await call('PATCH', tokens.alice as string, `${url}?isBookmarkedByCurrentUser=false`), {
      isBookmarkedByCurrentUser: false,
    });
    assert.deepEqual(await feedIds(tokens.alice as string, 'bookmarks/me'), []);
    assertError(
      await call(
        'GET',
        tokens.alice as string,
        `${v41}/chatter/feeds/bookmarks/${people.bob?.id}/feed-elements`,
      ),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to view another user's bookmarks feed.",
    );
  });

  test('mute: a muted post leaves the caller’s news feed and appears in feeds/mute/me', async () => {
    const id = await postText(tokens.alice as string, 'too noisy');
    const url = `${v41}/chatter/feed-elements/${id}/capabilities/mute`;
    ok(await call('GET', tokens.alice as string, url), { isMutedByMe: false });
    assert.ok((await feedIds(tokens.alice as string, 'news/me')).includes(id));
    ok(await call('PATCH', tokens.alice as string, url, { isMutedByMe: true }), { isMutedByMe: true });
    assert.ok(!(await feedIds(tokens.alice as string, 'news/me')).includes(id));
    assert.deepEqual(await feedIds(tokens.alice as string, 'mute/me'), [id]);
    // Still on her profile feed and readable: muting only quiets the news feed.
    assert.ok((await feedIds(tokens.alice as string, 'user-profile/me')).includes(id));
    ok(await call('PATCH', tokens.alice as string, url, { isMutedByMe: false }), { isMutedByMe: false });
    assert.ok((await feedIds(tokens.alice as string, 'news/me')).includes(id));
    assert.deepEqual(await feedIds(tokens.alice as string, 'mute/me'), []);
  });

  test('edit: PATCH of the body records lastEditedBy/lastEditedDate; latestRevision 1, then +1 per edit', async () => {
    const alice = people.alice as Person;
    const admin = people.admin as Person;
    const id = await postText(tokens.alice as string, 'draft');
    const o = opts('41.0');
    const editUrl = `${v41}/chatter/feed-elements/${id}/capabilities/edit`;
    ok(await call('GET', tokens.alice as string, editUrl), capabilitiesShape(o, { id }, {}).edit);
    const edit = async (token: string, words: string) => {
      const response = await call('PATCH', token, `${v41}/chatter/feed-elements/${id}`, {
        body: { messageSegments: [{ type: 'Text', text: words }] },
      });
      assert.equal(response.statusCode, 200, response.body);
      return response;
    };
    await edit(tokens.alice as string, 'final');
    let row = await storedPost(h, id);
    ok(
      await call('GET', tokens.alice as string, editUrl),
      capabilitiesShape(
        o,
        { id, state: { edit: { by: alice, at: Number(row.last_edited_at), revision: 2 } } },
        {},
      ).edit,
    );
    const byAdmin = await edit(tokens.admin as string, 'moderated');
    row = await storedPost(h, id);
    assert.deepEqual(byAdmin.json().capabilities.edit, {
      isEditRestricted: false,
      isEditableByMeUrl: `${editUrl}/is-editable-by-me`,
      lastEditedBy: userSummary(o, admin),
      lastEditedDate: new Date(Number(row.last_edited_at)).toISOString(),
      latestRevision: 3,
      relativeLastEditedDate: 'Just now',
    });
    // Bob may not edit: the capability says so, and is-editable-by-me too.
    const asBob = await call('GET', tokens.bob as string, editUrl);
    assert.equal(asBob.json().isEditRestricted, true);
    ok(await call('GET', tokens.bob as string, `${editUrl}/is-editable-by-me`), {
      areAttachmentsEditableByMe: false,
      feedEntityUrl: `${v41}/chatter/feed-elements/${id}`,
      isEditableByMe: false,
    });
    ok(await call('GET', tokens.alice as string, `${editUrl}/is-editable-by-me`), {
      areAttachmentsEditableByMe: true,
      feedEntityUrl: `${v41}/chatter/feed-elements/${id}`,
      isEditableByMe: true,
    });
    const refused = await call('PATCH', tokens.bob as string, `${v41}/chatter/feed-elements/${id}`, {
      body: { messageSegments: [{ type: 'Text', text: 'hijack' }] },
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(Number((await storedPost(h, id)).revision), 3);
  });

  test('readBy: PATCH marks read (now, a past date, or now for a future one); read-by/items pages readers', async () => {
    const alice = people.alice as Person;
    const bob = people.bob as Person;
    const id = await postText(tokens.admin as string, 'please read');
    const url = `${v41}/chatter/feed-elements/${id}/capabilities/read-by`;
    const page = {
      currentPageToken: null,
      currentPageUrl: `${url}/items?pageSize=3`,
      items: [],
      nextPageToken: null,
      nextPageUrl: null,
      previousPageToken: null,
      previousPageUrl: null,
      total: 0,
    };
    ok(await call('GET', tokens.alice as string, url), { isReadByMe: false, lastReadDateByMe: null, page });
    const thaw = h.freezeClock();
    const now = h.services.clock.now();
    ok(await call('PATCH', tokens.alice as string, url, { isReadByMe: 'true' }), {
      isReadByMe: true,
      lastReadDateByMe: new Date(now).toISOString(),
      page,
    });
    const past = now - 60_000;
    ok(
      await call('PATCH', tokens.bob as string, url, {
        isReadByMe: true,
        lastReadDateByMe: new Date(past).toISOString(),
      }),
      { isReadByMe: true, lastReadDateByMe: new Date(past).toISOString(), page },
    );
    ok(
      await call('PATCH', tokens.admin as string, url, {
        isReadByMe: true,
        lastReadDateByMe: new Date(now + 86_400_000).toISOString(),
      }),
      { isReadByMe: true, lastReadDateByMe: new Date(now).toISOString(), page },
    );
    thaw();
    assertError(
      await call('PATCH', tokens.admin as string, url, { isReadByMe: true, lastReadDateByMe: 'soon' }),
      400,
      'INVALID_INPUT',
      'Invalid lastReadDateByMe: soon. Specify an ISO 8601 date.',
    );
    // Unread again: gone from the readers.
    ok(await call('PATCH', tokens.admin as string, `${url}?isReadByMe=false`), {
      isReadByMe: false,
      lastReadDateByMe: null,
      page,
    });
    const items = `${url}/items`;
    const first = await call('GET', tokens.bob as string, `${items}?pageSize=1`);
    const token = `${new Date(now).toISOString()},${alice.id}`;
    const o = opts('41.0');
    ok(first, {
      currentPageToken: null,
      currentPageUrl: `${items}?pageSize=1`,
      items: [{ lastReadDate: new Date(now).toISOString(), user: userSummary(o, alice) }],
      nextPageToken: token,
      nextPageUrl: `${items}?page=${encodeURIComponent(token)}&pageSize=1`,
      previousPageToken: null,
      previousPageUrl: null,
      total: 2,
    });
    const second = await call(
      'GET',
      tokens.bob as string,
      `${items}?page=${encodeURIComponent(token)}&pageSize=1`,
    );
    ok(second, {
      currentPageToken: token,
      currentPageUrl: `${items}?page=${encodeURIComponent(token)}&pageSize=1`,
      items: [{ lastReadDate: new Date(past).toISOString(), user: userSummary(o, bob) }],
      nextPageToken: null,
      nextPageUrl: null,
      previousPageToken: null,
      previousPageUrl: null,
      total: 2,
    });
    assertError(
      await call('GET', tokens.bob as string, `${items}?page=nonsense`),
      400,
      'INVALID_INPUT',
      'Invalid page: nonsense. Specify a page token from an earlier response.',
    );
  });

  test('unknown posts are 404 on every capability resource, and nothing is written', async () => {
    const missing = '0D5Cb0000009999KAA';
    for (const [method, path, payload] of [
      ['GET', 'bookmarks', undefined],
      ['PATCH', 'bookmarks', { isBookmarkedByCurrentUser: true }],
      ['PATCH', 'mute', { isMutedByMe: true }],
      ['GET', 'edit/is-editable-by-me', undefined],
      ['PATCH', 'read-by', { isReadByMe: true }],
      ['GET', 'read-by/items', undefined],
      ['GET', 'question-and-answers', undefined],
      ['PATCH', 'question-and-answers', { bestAnswerId: null }],
    ] as const) {
      const response = await call(
        method,
        tokens.alice as string,
        `${v41}/chatter/feed-elements/${missing}/capabilities/${path}`,
        payload,
      );
      assert.equal(response.statusCode, 404, path);
      assert.deepEqual(response.json(), NOT_FOUND, path);
    }
    const db = rawDatabase(h.services.store);
    for (const table of ['feed_bookmarks', 'feed_mutes', 'feed_reads'] as const) {
      const rows = await db
        .selectFrom(table)
        .select('feed_element_id')
        .where('feed_element_id', '=', missing)
        .execute();
      assert.deepEqual(rows, [], table);
    }
  });
});
