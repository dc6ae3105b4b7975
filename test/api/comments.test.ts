import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn, v36 } from '../helpers/feed-fixtures.js';
import {
  commentShape,
  err,
  groupFacts,
  mention,
  NOT_FOUND,
  opts,
  type Person,
  storedComment,
  storedPost,
  text,
} from '../helpers/feed-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

/** Comments (SPEC §5, §6): anyone who can see a post comments; author, post author or admin delete. */
describe('comments (SPEC §5, §6)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;

  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
  });
  after(() => h.close());

  const newPost = async (who: string, subjectId = 'me') => {
    const response = await h.request({
      method: 'POST',
      url: `${v36}/chatter/feed-elements`,
      token: tokens[who],
      payload: { feedElementType: 'FeedItem', subjectId, text: `a post by ${who}` },
    });
    assert.equal(response.statusCode, 201);
    return response.json().id as string;
  };
  const comment = (who: string, postId: string, payload: unknown = { text: 'nice' }, version = '36.0') =>
    h.request({
      method: 'POST',
      url: `/services/data/v${version}/chatter/feed-elements/${postId}/capabilities/comments/items`,
      token: tokens[who],
      payload: payload as Record<string, unknown>,
    });
  const expected = async (
    id: string,
    viewer: string,
    extra: Partial<Parameters<typeof commentShape>[1]> = {},
  ) => {
    const row = await storedComment(h, id);
    const post = await storedPost(h, row.feed_element_id);
    const author = Object.values(people).find((p) => p.id === row.author_id) as Person;
    const o = opts('36.0');
    return commentShape(o, {
      id,
      feedElementId: row.feed_element_id,
      parent: { id: post.subject_id, kind: post.subject_kind === 'group' ? 'groups' : 'users' },
      user: author,
      plain: row.text,
      segments: [text(o, row.text)],
      createdAt: Number(row.created_at),
      isDeleteRestricted: !(
        viewer === 'admin' ||
        people[viewer]?.id === row.author_id ||
        people[viewer]?.id === post.author_id
      ),
      ...extra,
    });
  };

  test('POST …/capabilities/comments/items adds a Comment, counts it and moves the post up', async () => {
    const { alice } = people as Record<string, Person>;
    const postId = await newPost('bob');
    const response = await comment('alice', postId, {
      body: {
        messageSegments: [
          { type: 'Text', text: 'Thanks ' },
          { type: 'Mention', id: alice?.id },
        ],
      },
    });
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const id = response.json().id as string;
    const o = opts('36.0');
    assert.deepEqual(
      response.json(),
      await expected(id, 'alice', { segments: [text(o, 'Thanks '), mention(o, alice as Person)] }),
    );
    const row = await storedPost(h, postId);
    assert.equal(row.comment_count, 1);
    assert.equal(Number(row.modified_at), Number((await storedComment(h, id)).created_at));
    // The parameter form.
    const byParam = await h.request({
      method: 'POST',
      url: `${v36}/chatter/feed-elements/${postId}/capabilities/comments/items?text=by%20param`,
      token: tokens.admin,
    });
    assert.equal(byParam.statusCode, 201);
    assert.deepEqual(byParam.json(), await expected(byParam.json().id, 'admin'));
    assert.equal((await storedPost(h, postId)).comment_count, 2);
  });

  test('POST …/comments/items: bad input 400, wrong-type ID 400, private post 403, nothing stored', async () => {
    const postId = await newPost('admin', (await groupFacts(h, 'Leadership', people.admin as Person)).id);
    const open = await newPost('alice');
    const count = async () => (await storedPost(h, open)).comment_count;
    for (const [who, target, payload, status, body] of [
      ['bob', open, {}, 400, err('INVALID_INPUT', 'Missing required field: body.')],
      [
        'bob',
        open,
        { text: 'x'.repeat(10_001) },
        400,
        err('INVALID_INPUT', "The message body can't be longer than 10,000 characters."),
      ],
      [
        'bob',
        open,
        { text: 'x', capabilities: { link: {} } },
        400,
        err('JSON_PARSER_ERROR', 'Unrecognized field "link"'),
      ],
      [
        'bob',
        people.bob?.id,
        { text: 'x' },
        400,
        err('INVALID_ID_FIELD', `Invalid identifier: ${people.bob?.id}`),
      ],
      [
        'bob',
        postId,
        { text: 'x' },
        403,
        err('INSUFFICIENT_ACCESS', "You don't have permission to view this feed element."),
      ],
    ] as const) {
      const response = await comment(who, target as string, payload);
      assert.equal(response.statusCode, status, JSON.stringify(payload).slice(0, 60));
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), body);
    }
    assert.equal(await count(), 0);
  });

  test('GET /chatter/comments/{id}; a feed element ID there is 400 Invalid identifier as supplied', async () => {
    const postId = await newPost('alice');
    const id = (await comment('bob', postId)).json().id as string;
    const response = await h.request({
      method: 'GET',
      url: `${v36}/chatter/comments/${id.slice(0, 15)}`,
      token: tokens.alice,
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), await expected(id, 'alice'));
    for (const raw of [postId, postId.slice(0, 15), 'abc']) {
      const wrong = await h.request({
        method: 'GET',
        url: `${v36}/chatter/comments/${raw}`,
        token: tokens.alice,
      });
      assert.equal(wrong.statusCode, 400);
      assert.equal(wrong.headers['content-type'], JSON_TYPE);
      assert.deepEqual(wrong.json(), err('INVALID_ID_FIELD', `Invalid identifier: ${raw}`));
    }
  });

  test('GET …/comments/items pages newest first, oldest first within a page (v36 and v44 shapes)', async () => {
    const postId = await newPost('alice');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await comment('bob', postId, { text: `comment ${i}` })).json().id);
    const url36 = `${v36}/chatter/feed-elements/${postId}/capabilities/comments/items`;
    const tokenOf = async (id: string, newer = false) =>
      `${new Date(Number((await storedComment(h, id)).created_at)).toISOString()},${id}${newer ? ',newer' : ''}`;

    const first = await h.request({ method: 'GET', url: `${url36}?pageSize=2`, token: tokens.alice });
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['content-type'], JSON_TYPE);
    const next36 = await tokenOf(ids[3] as string);
    assert.deepEqual(first.json(), {
      currentPageUrl: `${url36}?pageSize=2`,
      items: [await expected(ids[3] as string, 'alice'), await expected(ids[4] as string, 'alice')],
      nextPageUrl: `${url36}?page=${next36}&pageSize=2`,
      total: 5,
    });

    const url44 = url36.replace('v36.0', 'v44.0');
    const o44 = opts('44.0');
    const pageOf = async (url: string) => {
      const response = await h.request({ method: 'GET', url, token: tokens.alice });
      assert.equal(response.statusCode, 200, url);
      return response.json();
    };
    const second = await pageOf(`${url44}?pageSize=2&page=${next36}`);
    const next44 = await tokenOf(ids[1] as string);
    const previous44 = await tokenOf(ids[2] as string, true);
    assert.deepEqual(
      { ...second, items: (second.items as { id: string }[]).map((c) => c.id) },
      {
        currentPageToken: next36,
        currentPageUrl: `${url44}?page=${next36}&pageSize=2`,
        items: [ids[1], ids[2]],
        nextPageToken: next44,
        nextPageUrl: `${url44}?page=${next44}&pageSize=2`,
        previousPageToken: previous44,
        previousPageUrl: `${url44}?page=${previous44}&pageSize=2`,
        total: 5,
      },
    );
    assert.equal(second.items[0].url, `${o44.base}/chatter/comments/${ids[1]}`);
    const last = await pageOf(second.nextPageUrl);
    assert.deepEqual(
      (last.items as { id: string }[]).map((c) => c.id),
      [ids[0]],
    );
    assert.equal(last.nextPageToken, null);
    assert.equal(last.nextPageUrl, null);
    // Back through the previous pages to the newest.
    const back = await pageOf(last.previousPageUrl);
    assert.deepEqual(
      (back.items as { id: string }[]).map((c) => c.id),
      [ids[1], ids[2]],
    );
    const newest = await pageOf(back.previousPageUrl);
    assert.deepEqual(
      (newest.items as { id: string }[]).map((c) => c.id),
      [ids[3], ids[4]],
    );
    assert.equal(newest.previousPageToken, null);
    assert.equal(newest.previousPageUrl, null);
    const bad = await h.request({ method: 'GET', url: `${url36}?page=${postId}`, token: tokens.alice });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(
      bad.json(),
      err('INVALID_INPUT', `Invalid page: ${postId}. Specify a page token from an earlier response.`),
    );
  });

  test('PATCH /chatter/comments/{id}: the author or an admin; others 403', async () => {
    const postId = await newPost('alice');
    const id = (await comment('bob', postId)).json().id as string;
    const patch = (who: string, words: string) =>
      h.request({
        method: 'PATCH',
        url: `${v36}/chatter/comments/${id}`,
        token: tokens[who],
        payload: { body: { messageSegments: [{ type: 'Text', text: words }] } },
      });
    const refused = await patch('alice', 'not mine');
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.headers['content-type'], JSON_TYPE);
    assert.deepEqual(
      refused.json(),
      err('INSUFFICIENT_ACCESS', "You don't have permission to edit this comment."),
    );
    for (const who of ['bob', 'admin']) {
      const response = await patch(who, `edited by ${who}`);
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), await expected(id, who));
      assert.equal(response.json().body.text, `edited by ${who}`);
    }
  });

  test('DELETE /chatter/comments/{id}: comment author, post author, admin 204; others 403', async () => {
    const postId = await newPost('alice');
    const ids: string[] = [];
    for (const who of ['bob', 'bob', 'bob']) ids.push((await comment(who, postId)).json().id);
    const other = (await comment('admin', postId)).json().id as string;
    const del = (who: string, id: string) =>
      h.request({ method: 'DELETE', url: `${v36}/chatter/comments/${id}`, token: tokens[who] });
    const refused = await del('bob', other);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.headers['content-type'], JSON_TYPE);
    assert.deepEqual(
      refused.json(),
      err('INSUFFICIENT_ACCESS', "You don't have permission to delete this comment."),
    );
    for (const [who, id] of [
      ['bob', ids[0]],
      ['alice', ids[1]],
      ['admin', ids[2]],
    ] as const) {
      const response = await del(who, id as string);
      assert.equal(response.statusCode, 204, who);
      assert.equal(response.body, '');
      const gone = await h.request({
        method: 'GET',
        url: `${v36}/chatter/comments/${id}`,
        token: tokens.alice,
      });
      assert.equal(gone.statusCode, 404);
      assert.deepEqual(gone.json(), NOT_FOUND);
    }
    assert.equal((await storedPost(h, postId)).comment_count, 1);
    const page = await h.request({
      method: 'GET',
      url: `${v36}/chatter/feed-elements/${postId}/capabilities/comments/items`,
      token: tokens.bob,
    });
    assert.deepEqual(
      (page.json().items as { id: string }[]).map((c) => c.id),
      [other],
    );
    assert.equal(page.json().total, 1);
  });

  test('guests read the comments of public community groups and may not comment', async () => {
    const hub = await groupFacts(h, 'Partner Hub', people.alice as Person);
    const base = `${v36}/connect/communities/${hub.communityId}`;
    const carol = await h.login('carol@partner.example');
    const postId = (
      await rawDatabase(h.services.store)
        .selectFrom('feed_elements')
        .select('id')
        .where('subject_id', '=', hub.id)
        .executeTakeFirstOrThrow()
    ).id;
    const added = await h.request({
      method: 'POST',
      url: `${base}/chatter/feed-elements/${postId}/capabilities/comments/items`,
      token: carol,
      payload: { text: 'from carol' },
    });
    assert.equal(added.statusCode, 201);
    const read = await h.request({
      method: 'GET',
      url: `${base}/chatter/feed-elements/${postId}/capabilities/comments/items`,
    });
    assert.equal(read.statusCode, 200);
    assert.equal(read.headers['content-type'], JSON_TYPE);
    assert.deepEqual(
      (read.json().items as { id: string }[]).map((c) => c.id),
      [added.json().id],
    );
    const refused = await h.request({
      method: 'POST',
      url: `${base}/chatter/feed-elements/${postId}/capabilities/comments/items`,
      payload: { text: 'guest' },
    });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.headers['content-type'], JSON_TYPE);
    assert.deepEqual(
      refused.json(),
      err('INVALID_SESSION_ID', "This resource isn't accessible to guest users."),
    );
  });
});
