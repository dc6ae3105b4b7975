import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { follow, makeGroup, otherOrgToken, signIn, v36 } from '../helpers/feed-fixtures.js';
import {
  capabilitiesShape,
  err,
  type FeedItemFacts,
  feedItem,
  groupFacts,
  groupParent,
  hashtag,
  link,
  mention,
  NOT_FOUND,
  nameOf,
  opts,
  type Person,
  storedPost,
  storedTopic,
  subscriptionOf,
  text,
  topicShape,
  userSummary,
} from '../helpers/feed-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

describe('feed elements (SPEC §5, §6)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  const o = opts('36.0');

  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
  });
  after(() => h.close());

  const post = (token: string, payload: unknown, url = `${v36}/chatter/feed-elements`) =>
    h.request({ method: 'POST', url, token, payload: payload as Record<string, unknown> });
  const count = async () =>
    Number(
      (
        await rawDatabase(h.services.store)
          .selectFrom('feed_elements')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** A text post by `token`, to the poster's profile unless `subjectId` says otherwise; its ID. */
  const postText = async (token: string, words: string, subjectId = 'me') => {
    const response = await post(token, { feedElementType: 'FeedItem', subjectId, text: words });
    assert.equal(response.statusCode, 201, response.body);
    return response.json().id as string;
  };
  const getElement = (token: string | undefined, id: string) =>
    h.request({ method: 'GET', url: `${v36}/chatter/feed-elements/${id}`, token });
  /**
   * The Feed Item of a post as stored: by `actor` to their own profile, in the demo app, of the
   * single text segment `plain`, unless `extra` says otherwise.
   */
  const postShape = async (id: string, actor: Person, plain: string, extra: Partial<FeedItemFacts> = {}) =>
    feedItem(o, {
      id,
      actor,
      parent: userSummary(o, actor),
      header: nameOf(actor),
      plain,
      segments: [text(o, plain)],
      createdAt: Number((await storedPost(h, id)).created_at),
      isDeleteRestricted: false,
      clientName: 'Chatterbox Demo',
      ...extra,
    });

  test('POST /chatter/feed-elements to your own profile resolves mentions, hashtags and links', async () => {
    const { alice, bob } = people as Record<string, Person>;
    const response = await post(tokens.alice as string, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      body: {
        messageSegments: [
          { type: 'Text', text: 'Ship it ' },
          { type: 'Mention', id: bob?.id.slice(0, 15) },
          { type: 'Text', text: ' — see https://example.com/plan. #launch' },
          { type: 'Hashtag', tag: 'q3' },
          { type: 'Link', url: 'https://acme.example/x' },
        ],
      },
    });
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const id = response.json().id as string;
    const row = await storedPost(h, id);
    const plain = 'Ship it @Bob Baker — see https://example.com/plan. #launch#q3https://acme.example/x';
    assert.deepEqual(
      response.json(),
      await postShape(id, alice as Person, plain, {
        segments: [
          text(o, 'Ship it '),
          mention(o, bob as Person),
          text(o, ' — see '),
          link(o, 'https://example.com/plan'),
          text(o, '. '),
          hashtag(o, 'launch'),
          hashtag(o, 'q3'),
          link(o, 'https://acme.example/x'),
        ],
        // Each hashtag created its topic and assigned it (SPEC §12.8).
        state: {
          overrides: {
            topics: {
              canAssignTopics: true,
              items: [
                topicShape(o, await storedTopic(h, 'launch')),
                topicShape(o, await storedTopic(h, 'q3')),
              ],
            },
          },
        },
      }),
    );
    // Stored raw (decision 0001), the mention kept for the news and To feeds.
    assert.equal(row.text, plain);
    assert.deepEqual(JSON.parse(row.body)[1], { type: 'Mention', id: bob?.id });
    const mentions = await rawDatabase(h.services.store)
      .selectFrom('feed_mentions')
      .selectAll()
      .where('feed_element_id', '=', id)
      .execute();
    // With the post's dates, for the mentions' keyset indexes (migration 006).
    assert.deepEqual(
      mentions.map((m) => ({ ...m, created_at: Number(m.created_at), modified_at: Number(m.modified_at) })),
      [
        {
          feed_element_id: id,
          user_id: bob?.id,
          org_id: alice?.orgId,
          created_at: Number(row.created_at),
          modified_at: Number(row.modified_at),
        },
      ],
    );
  });

  test('POST /chatter/feed-elements?text= (parameter form) to a group updates its last post date', async () => {
    const { alice } = people as Record<string, Person>;
    const before = await groupFacts(h, 'All Acme', alice as Person);
    const response = await h.request({
      method: 'POST',
      url: `${v36}/chatter/feed-elements?feedElementType=FeedItem&subjectId=${before.id}&text=${encodeURIComponent("It's <live>")}`,
      token: tokens.alice,
    });
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const id = response.json().id as string;
    const row = await storedPost(h, id);
    const group = await groupFacts(h, 'All Acme', alice as Person);
    assert.equal(group.lastPostAt, Number(row.created_at));
    assert.deepEqual(
      response.json(),
      await postShape(id, alice as Person, "It's <live>", {
        parent: groupParent(o, group),
        header: 'Alice Anders to All Acme',
      }),
    );
    assert.equal(response.json().body.text, 'It&#39;s &lt;live&gt;');
  });

  test("POST /chatter/feed-elements to another user's profile, entity encoding off", async () => {
    const { alice, bob } = people as Record<string, Person>;
    const subscription = await follow(h, alice?.id as string, bob?.id as string);
    const response = await h.request({
      method: 'POST',
      url: `${v36}/chatter/feed-elements`,
      token: tokens.alice,
      headers: { 'x-chatter-entity-encoding': 'false' },
      payload: {
        feedElementType: 'FeedItem',
        subjectId: bob?.id,
        body: { messageSegments: [{ type: 'Text', text: 'A & B <3' }] },
      },
    });
    assert.equal(response.statusCode, 201);
    const id = response.json().id as string;
    const raw = opts('36.0', { raw: true });
    assert.deepEqual(
      response.json(),
      feedItem(raw, {
        id,
        actor: alice as Person,
        parent: userSummary(raw, bob as Person, { mySubscription: subscription }),
        header: 'Alice Anders to Bob Baker',
        plain: 'A & B <3',
        segments: [text(raw, 'A & B <3')],
        createdAt: Number((await storedPost(h, id)).created_at),
        isDeleteRestricted: false,
        clientName: 'Chatterbox Demo',
      }),
    );
  });

  test('POST /chatter/feed-elements with capabilities.link is a LinkPost', async () => {
    const { bob } = people as Record<string, Person>;
    const response = await post(tokens.bob as string, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      body: { messageSegments: [{ type: 'Text', text: 'Read this' }] },
      capabilities: { link: { url: 'https://acme.example/doc', urlName: 'The "doc"' } },
    });
    assert.equal(response.statusCode, 201);
    const id = response.json().id as string;
    assert.deepEqual(
      response.json(),
      await postShape(id, bob as Person, 'Read this', {
        link: { url: 'https://acme.example/doc', urlName: 'The "doc"' },
      }),
    );
  });

  test('POST /chatter/feed-elements to a group: non-member 403, unlisted 404, private 403', async () => {
    const { admin } = people as Record<string, Person>;
    const open = await makeGroup(h, {
      name: 'Open Forum',
      visibility: 'PublicAccess',
      owner: admin?.id as string,
    });
    const hidden = await makeGroup(h, {
      name: 'Skunkworks',
      visibility: 'Unlisted',
      owner: admin?.id as string,
    });
    const leadership = (await groupFacts(h, 'Leadership', admin as Person)).id;
    const before = await count();
    for (const [subjectId, status, body] of [
      [open, 403, err('INSUFFICIENT_ACCESS', "You don't have permission to post to this group.")],
      [leadership, 403, err('INSUFFICIENT_ACCESS', "You don't have permission to post to this group.")],
      [hidden, 404, NOT_FOUND],
    ] as const) {
      const response = await post(tokens.bob as string, {
        feedElementType: 'FeedItem',
        subjectId,
        text: 'hi',
      });
      assert.equal(response.statusCode, status, subjectId);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), body);
    }
    // The admin may post to any group of the internal scope (SPEC §5).
    await postText(tokens.admin as string, 'hi', open);
    assert.equal(await count(), before + 1);
  });

  test('POST /chatter/feed-elements with bad input is 400 and changes nothing', async () => {
    const { bob } = people as Record<string, Person>;
    const feedElementId = (
      await storedPost(
        h,
        (
          await rawDatabase(h.services.store)
            .selectFrom('feed_elements')
            .select('id')
            .executeTakeFirstOrThrow()
        ).id,
      )
    ).id;
    const before = await count();
    const cases: [unknown, unknown][] = [
      [{ subjectId: 'me', text: 'x' }, err('INVALID_INPUT', 'Missing required field: feedElementType.')],
      [
        { feedElementType: 'Bundle', subjectId: 'me', text: 'x' },
        err('INVALID_INPUT', 'Invalid feedElementType: Bundle. Specify one of: FeedItem.'),
      ],
      [
        { feedElementType: 'FeedItem', text: 'x' },
        err('INVALID_INPUT', 'Missing required field: subjectId.'),
      ],
      [
        { feedElementType: 'FeedItem', subjectId: feedElementId, text: 'x' },
        err('INVALID_ID_FIELD', `Invalid identifier: ${feedElementId}`),
      ],
      [
        { feedElementType: 'FeedItem', subjectId: 'nope', text: 'x' },
        err('INVALID_ID_FIELD', 'Invalid identifier: nope'),
      ],
      [
        { feedElementType: 'FeedItem', subjectId: 'me' },
        err('INVALID_INPUT', 'Missing required field: body.'),
      ],
      [
        {
          feedElementType: 'FeedItem',
          subjectId: 'me',
          body: { messageSegments: [{ type: 'Text', text: '   ' }] },
        },
        err(
          'INVALID_INPUT',
          'Invalid body: the message has no text. Specify at least one non-empty segment.',
        ),
      ],
      [
        {
          feedElementType: 'FeedItem',
          subjectId: 'me',
          body: { messageSegments: [{ type: 'Poll', text: 'x' }] },
        },
        err(
          'INVALID_INPUT',
          'Invalid messageSegments[0].type: Poll. Specify one of: Text, Mention, Hashtag, Link, MarkupBegin, MarkupEnd, InlineImage.',
        ),
      ],
      [
        {
          feedElementType: 'FeedItem',
          subjectId: 'me',
          body: { messageSegments: [{ type: 'Mention', id: '005xx' }] },
        },
        err('INVALID_ID_FIELD', 'Invalid identifier: 005xx'),
      ],
      [
        { feedElementType: 'FeedItem', subjectId: 'me', body: 'hello' },
        err('INVALID_INPUT', 'Invalid body: specify messageSegments, an array of message segments.'),
      ],
      [
        { feedElementType: 'FeedItem', subjectId: 'me', text: 'x'.repeat(10_001) },
        err('INVALID_INPUT', "The message body can't be longer than 10,000 characters."),
      ],
      [
        { feedElementType: 'FeedItem', subjectId: 'me', text: 'x', visibility: 'InternalUsers' },
        err('INVALID_INPUT', 'Invalid visibility: InternalUsers. Specify one of: AllUsers.'),
      ],
      [
        { feedElementType: 'FeedItem', subjectId: 'me', text: 'x', poll: {} },
        err('JSON_PARSER_ERROR', 'Unrecognized field "poll"'),
      ],
    ];
    for (const [payload, body] of cases) {
      const response = await post(tokens.bob as string, payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload).slice(0, 80));
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), body);
    }
    // 10 000 characters exactly are fine.
    const longest = await post(tokens.bob as string, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      text: 'y'.repeat(10_000),
    });
    assert.equal(longest.statusCode, 201);
    // A mention of a user that does not exist is 404 (SPEC §3), and nothing is stored.
    const unknown = await post(tokens.bob as string, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      body: { messageSegments: [{ type: 'Mention', id: `${bob?.id.slice(0, 6)}000000099` }] },
    });
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(unknown.json(), NOT_FOUND);
    assert.equal(await count(), before + 1);
  });

  test('GET /chatter/feed-elements/{id}: 15- or 18-character ID; wrong type 400; other org 404', async () => {
    const { alice } = people as Record<string, Person>;
    const id = await postText(tokens.alice as string, 'hello');
    for (const raw of [id, id.slice(0, 15), id.toLowerCase()]) {
      const response = await getElement(tokens.bob, raw);
      assert.equal(response.statusCode, 200, raw);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(
        response.json(),
        await postShape(id, alice as Person, 'hello', { isDeleteRestricted: true }),
      );
    }
    const wrongType = await getElement(tokens.bob, alice?.id as string);
    assert.equal(wrongType.statusCode, 400);
    assert.deepEqual(wrongType.json(), err('INVALID_ID_FIELD', `Invalid identifier: ${alice?.id}`));
    const other = await otherOrgToken(h);
    const fromOtherOrg = await getElement(other.token, id);
    assert.equal(fromOtherOrg.statusCode, 404);
    assert.equal(fromOtherOrg.headers['content-type'], JSON_TYPE);
    assert.deepEqual(fromOtherOrg.json(), NOT_FOUND);
  });

  test('GET /chatter/feed-elements/{id} of a private group post: member 200, non-member 403', async () => {
    const { admin } = people as Record<string, Person>;
    const leadership = await groupFacts(h, 'Leadership', admin as Person);
    const id = await postText(tokens.admin as string, 'secret', leadership.id);
    const member = await getElement(tokens.admin, id);
    assert.equal(member.statusCode, 200);
    assert.deepEqual(
      member.json(),
      await postShape(id, admin as Person, 'secret', {
        parent: groupParent(o, await groupFacts(h, 'Leadership', admin as Person)),
        header: 'Ada Admin to Leadership',
      }),
    );
    const outsider = await getElement(tokens.bob, id);
    assert.equal(outsider.statusCode, 403);
    assert.equal(outsider.headers['content-type'], JSON_TYPE);
    assert.deepEqual(
      outsider.json(),
      err('INSUFFICIENT_ACCESS', "You don't have permission to view this feed element."),
    );
  });

  test('PATCH /chatter/feed-elements/{id}: author or admin edit the body; others 403', async () => {
    const { alice, bob } = people as Record<string, Person>;
    const id = await postText(tokens.alice as string, 'first');
    const refused = await h.request({
      method: 'PATCH',
      url: `${v36}/chatter/feed-elements/${id}`,
      token: tokens.bob,
      payload: { body: { messageSegments: [{ type: 'Text', text: 'hijack' }] } },
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.headers['content-type'], JSON_TYPE);
    assert.deepEqual(
      refused.json(),
      err('INSUFFICIENT_ACCESS', "You don't have permission to edit this feed element."),
    );
    for (const [who, words] of [
      ['alice', 'second'],
      ['admin', 'moderated'],
    ] as const) {
      const response = await h.request({
        method: 'PATCH',
        url: `${v36}/chatter/feed-elements/${id}`,
        token: tokens[who],
        payload: {
          body: {
            messageSegments: [
              { type: 'Text', text: `${words} ` },
              { type: 'Mention', id: bob?.id },
            ],
          },
        },
      });
      assert.equal(response.statusCode, 200, who);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      const row = await storedPost(h, id);
      assert.deepEqual(
        response.json(),
        await postShape(id, alice as Person, `${words} @Bob Baker`, {
          segments: [
            text(o, `${words} `),
            mention(
              o,
              bob as Person,
              true,
              userSummary(o, bob as Person, {
                mySubscription: await subscriptionOf(h, (people[who] as Person).id, bob?.id as string),
              }),
            ),
          ],
          modifiedAt: Number(row.modified_at),
          // Each edit is a revision, by whoever made it (SPEC §12.5, §12.8).
          state: {
            edit: {
              by: people[who] as Person,
              at: Number(row.last_edited_at),
              revision: who === 'alice' ? 2 : 3,
            },
          },
        }),
      );
    }
    const mentions = await rawDatabase(h.services.store)
      .selectFrom('feed_mentions')
      .select('user_id')
      .where('feed_element_id', '=', id)
      .execute();
    assert.deepEqual(mentions, [{ user_id: bob?.id }]);
  });

  test('DELETE /chatter/feed-elements/{id}: author, group owner or manager, admin 204; others 403', async () => {
    const { admin, alice, bob } = people as Record<string, Person>;
    const team = await makeGroup(h, {
      name: 'Delete Team',
      visibility: 'PublicAccess',
      owner: alice?.id as string,
      members: [
        { id: bob?.id as string, role: 'GroupManager' },
        { id: admin?.id as string, role: 'StandardMember' },
      ],
    });
    const del = (token: string, id: string) =>
      h.request({ method: 'DELETE', url: `${v36}/chatter/feed-elements/${id}`, token });

    const byAdminOnProfile = await postText(tokens.admin as string, 'to delete');
    const refused = await del(tokens.bob as string, byAdminOnProfile);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.headers['content-type'], JSON_TYPE);
    assert.deepEqual(
      refused.json(),
      err('INSUFFICIENT_ACCESS', "You don't have permission to delete this feed element."),
    );

    for (const [author, deleter] of [
      ['admin', 'admin'], // the author
      ['admin', 'alice'], // the group's owner
      ['alice', 'bob'], // a manager
      ['bob', 'admin'], // an admin
    ] as const) {
      const id = await postText(tokens[author] as string, 'to delete', team);
      const response = await del(tokens[deleter] as string, id);
      assert.equal(response.statusCode, 204, `${deleter} deletes ${author}'s post`);
      assert.equal(response.body, '');
      const again = await getElement(tokens[author], id);
      assert.equal(again.statusCode, 404);
      assert.deepEqual(again.json(), NOT_FOUND);
    }
  });

  test('GET /chatter/feed-elements/{id}/capabilities', async () => {
    const created = await post(tokens.bob as string, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      text: 'caps',
    });
    const id = created.json().id as string;
    const response = await h.request({
      method: 'GET',
      url: `${v36}/chatter/feed-elements/${id}/capabilities`,
      token: tokens.alice,
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    // The author's view differs only in what is the viewer's: here, who may edit.
    const own = created.json().capabilities;
    assert.deepEqual(response.json(), { ...own, edit: { ...own.edit, isEditRestricted: true } });
    // Every capability key of 36.0 (SPEC §12.5); Alice may not edit Bob's post.
    assert.deepEqual(
      response.json(),
      capabilitiesShape(
        o,
        { id, state: { canEdit: false } },
        {
          chatterLikes: {
            isLikedByCurrentUser: false,
            likesMessage: null,
            myLike: null,
            page: {
              currentPageUrl: `${v36}/chatter/feed-elements/${id}/capabilities/chatter-likes/items`,
              items: [],
              nextPageUrl: null,
              previousPageUrl: null,
              total: 0,
            },
          },
          comments: {
            page: {
              currentPageUrl: `${v36}/chatter/feed-elements/${id}/capabilities/comments/items`,
              items: [],
              nextPageUrl: null,
              total: 0,
            },
          },
        },
      ),
    );
  });

  test('GET /chatter/feed-elements?q= finds text the viewer may read; q of one character is 400', async () => {
    const { admin, bob } = people as Record<string, Person>;
    const leadership = await groupFacts(h, 'Leadership', admin as Person);
    await postText(tokens.admin as string, 'Zebra budget', leadership.id);
    const id = await postText(tokens.bob as string, 'zebra crossing');
    const response = await h.request({
      method: 'GET',
      url: `${v36}/chatter/feed-elements?q=ZEBRA`,
      token: tokens.bob,
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), {
      currentPageToken: null,
      currentPageUrl: `${v36}/chatter/feed-elements?q=ZEBRA`,
      elements: [await postShape(id, bob as Person, 'zebra crossing')],
      isModifiedToken: null,
      isModifiedUrl: null,
      nextPageToken: null,
      nextPageUrl: null,
      updatesToken: null,
      updatesUrl: null,
    });
    const admins = await h.request({
      method: 'GET',
      url: `${v36}/chatter/feed-elements?q=zebra`,
      token: tokens.admin,
    });
    assert.equal(admins.json().elements.length, 2);
    for (const [url, message] of [
      [
        `${v36}/chatter/feed-elements?q=z*`,
        'Invalid q: the search term must have at least 2 characters other than wildcards.',
      ],
      [`${v36}/chatter/feed-elements`, 'Missing required field: q.'],
    ] as const) {
      const bad = await h.request({ method: 'GET', url, token: tokens.bob });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.headers['content-type'], JSON_TYPE);
      assert.deepEqual(bad.json(), err('INVALID_INPUT', message));
    }
  });

  test('GET /chatter/feed-elements/batch/{ids} answers each ID with its own status', async () => {
    const { admin, bob } = people as Record<string, Person>;
    const mine = await postText(tokens.bob as string, 'batch me');
    const gone = await postText(tokens.bob as string, 'gone');
    await h.request({ method: 'DELETE', url: `${v36}/chatter/feed-elements/${gone}`, token: tokens.bob });
    const leadership = await groupFacts(h, 'Leadership', admin as Person);
    const secret = await postText(tokens.admin as string, 's', leadership.id);
    const response = await h.request({
      method: 'GET',
      url: `${v36}/chatter/feed-elements/batch/${mine},${gone},${bob?.id},${secret},bad`,
      token: tokens.bob,
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), {
      hasErrors: true,
      results: [
        { result: await postShape(mine, bob as Person, 'batch me'), statusCode: 200 },
        { result: NOT_FOUND, statusCode: 404 },
        { result: err('INVALID_ID_FIELD', `Invalid identifier: ${bob?.id}`), statusCode: 400 },
        {
          result: err('INSUFFICIENT_ACCESS', "You don't have permission to view this feed element."),
          statusCode: 403,
        },
        { result: err('INVALID_ID_FIELD', 'Invalid identifier: bad'), statusCode: 400 },
      ],
    });
  });

  test('POST /chatter/feed-elements/{id} is 405 (jsforce 3 update() sends POST)', async () => {
    const id = await postText(tokens.bob as string, 'x');
    const response = await post(
      tokens.bob as string,
      { body: { messageSegments: [] } },
      `${v36}/chatter/feed-elements/${id}`,
    );
    assert.equal(response.statusCode, 405);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.equal(response.headers.allow, 'DELETE,GET,HEAD,PATCH');
    assert.deepEqual(
      response.json(),
      err('METHOD_NOT_ALLOWED', "HTTP Method 'POST' not allowed. Allowed are DELETE,GET,HEAD,PATCH"),
    );
  });
});
