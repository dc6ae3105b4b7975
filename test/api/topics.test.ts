import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../helpers/api-assert.js';
import { signIn } from '../helpers/feed-fixtures.js';
import { opts, storedPost, storedTopic, topicShape } from '../helpers/feed-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

describe('topics (SPEC §12.4, §12.8; F2 §4)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  const v41 = '/services/data/v41.0';
  const o = opts('41.0');
  const topics = `${v41}/connect/topics`;

  before(async () => {
    h = await createHarness();
    ({ tokens } = await signIn(h, ['admin', 'alice', 'bob']));
  });
  after(() => h.close());

  const send = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', token: string, url: string, payload?: unknown) =>
    h.request({ method, url, token, ...(payload === undefined ? {} : { payload: payload as object }) });
  const json = (response: Awaited<ReturnType<typeof send>>, status: number, body: unknown) => {
    assert.equal(response.statusCode, status, response.body);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), body);
  };
  const topicCount = async () =>
    Number(
      (
        await rawDatabase(h.services.store)
          .selectFrom('topics')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const postText = async (token: string, words: string) => {
    const response = await send('POST', token, `${v41}/chatter/feed-elements`, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      text: words,
    });
    assert.equal(response.statusCode, 201, response.body);
    return response.json().id as string;
  };

  test('POST connect/topics: 201 the Topic; a taken name in any case 409; over 150 characters 400', async () => {
    const created = await send('POST', tokens.alice as string, topics, {
      name: 'Roadmap',
      description: 'Where we go',
    });
    json(created, 201, topicShape(o, await storedTopic(h, 'Roadmap')));
    assert.equal(created.json().description, 'Where we go');
    const count = await topicCount();
    assertError(
      await send('POST', tokens.bob as string, topics, { name: 'ROADMAP' }),
      409,
      'DUPLICATE_VALUE',
      'A topic with this name already exists.',
    );
    assertError(
      await send('POST', tokens.bob as string, topics, { name: 'x'.repeat(151) }),
      400,
      'INVALID_INPUT',
      'Invalid name: specify at most 150 characters.',
    );
    assertError(
      await send('POST', tokens.bob as string, topics, {}),
      400,
      'INVALID_INPUT',
      'Missing required field: name.',
    );
    assert.equal(await topicCount(), count);
    const longest = await send('POST', tokens.bob as string, topics, { name: 'y'.repeat(150) });
    assert.equal(longest.statusCode, 201);
  });

  test('GET connect/topics: q, exactMatch, sort=alphaAsc with keyset pages', async () => {
    for (const name of ['Apple pie', 'Apple tart']) {
      assert.equal((await send('POST', tokens.alice as string, topics, { name })).statusCode, 201);
    }
    const pie = topicShape(o, await storedTopic(h, 'Apple pie'));
    const tart = topicShape(o, await storedTopic(h, 'Apple tart'));
    const first = await send('GET', tokens.bob as string, `${topics}?q=apple&sort=alphaAsc&pageSize=1`);
    const next = first.json().nextPageUrl as string;
    const token = new URL(next, 'http://x').searchParams.get('page') as string;
    json(first, 200, {
      currentPageUrl: `${topics}?q=apple&sort=alphaAsc&pageSize=1`,
      nextPageUrl: `${topics}?q=apple&sort=alphaAsc&page=${encodeURIComponent(token)}&pageSize=1`,
      topics: [pie],
    });
    json(await send('GET', tokens.bob as string, next), 200, {
      currentPageUrl: next,
      nextPageUrl: null,
      topics: [tart],
    });
    json(await send('GET', tokens.bob as string, `${topics}?q=APPLE%20TART&exactMatch=true`), 200, {
      currentPageUrl: `${topics}?q=APPLE%20TART&exactMatch=true&pageSize=25`,
      nextPageUrl: null,
      topics: [tart],
    });
    assertError(
      await send('GET', tokens.bob as string, `${topics}?q=a`),
      400,
      'INVALID_INPUT',
      'Invalid q: the search term must have at least 2 characters other than wildcards.',
    );
    assertError(
      await send('GET', tokens.bob as string, `${topics}?page=nonsense`),
      400,
      'INVALID_INPUT',
      'Invalid page: nonsense. Specify a page token from an earlier response.',
    );
  });

  test('connect/topics/{id}: GET; PATCH and DELETE by admins only (403 others); deleted is gone at once', async () => {
    const created = await send('POST', tokens.alice as string, topics, { name: 'Budget' });
    const id = created.json().id as string;
    json(await send('GET', tokens.bob as string, `${topics}/${id}`), 200, created.json());
    assertError(
      await send('PATCH', tokens.alice as string, `${topics}/${id}`, { name: 'BUDGET' }),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to edit this topic.",
    );
    assertError(
      await send('DELETE', tokens.alice as string, `${topics}/${id}`),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to delete this topic.",
    );
    assertError(
      await send('PATCH', tokens.admin as string, `${topics}/${id}`, { name: 'Roadmap' }),
      409,
      'DUPLICATE_VALUE',
      'A topic with this name already exists.',
    );
    const renamed = await send('PATCH', tokens.admin as string, `${topics}/${id}`, {
      name: 'BUDGET',
      description: 'Money',
    });
    json(renamed, 200, topicShape(o, await storedTopic(h, 'BUDGET')));
    assert.equal(renamed.json().name, 'BUDGET');
    const gone = await send('DELETE', tokens.admin as string, `${topics}/${id}`);
    assert.equal(gone.statusCode, 204);
    assert.equal(gone.body, '');
    assertError(
      await send('GET', tokens.bob as string, `${topics}/${id}`),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
  });

  test('hashtags create and assign topics; capabilities/topics GET, POST, DELETE; an 11th topic is 400', async () => {
    const id = await postText(tokens.alice as string, 'Kick-off #Launch and #launch again #q4');
    const caps = `${v41}/chatter/feed-elements/${id}/capabilities/topics`;
    const launch = await storedTopic(h, 'launch');
    assert.equal(launch.name, 'Launch');
    json(await send('GET', tokens.bob as string, caps), 200, {
      canAssignTopics: true,
      items: [topicShape(o, launch), topicShape(o, await storedTopic(h, 'q4'))],
    });
    const added = await send('POST', tokens.bob as string, caps, { topicName: 'Extra' });
    json(added, 201, topicShape(o, await storedTopic(h, 'Extra')));
    assert.equal(added.json().talkingAbout, 1);
    const byId = await send('POST', tokens.bob as string, caps, { topicId: launch.id });
    assert.equal(byId.statusCode, 201);
    assert.equal(byId.json().talkingAbout, 1);
    for (let i = 0; i < 7; i++) {
      assert.equal(
        (await send('POST', tokens.bob as string, caps, { topicName: `Fill ${i}` })).statusCode,
        201,
      );
    }
    const before = await topicCount();
    assertError(
      await send('POST', tokens.bob as string, caps, { topicName: 'Eleventh' }),
      400,
      'INVALID_INPUT',
      "You can't assign more than 10 topics to a feed element.",
    );
    assert.equal(await topicCount(), before);
    assert.equal((await send('GET', tokens.bob as string, caps)).json().items.length, 10);
    const removed = await send('DELETE', tokens.bob as string, `${caps}?topicId=${launch.id}`);
    assert.equal(removed.statusCode, 204);
    assert.equal((await storedTopic(h, 'launch')).talkingAbout, 0);
    assertError(
      await send('DELETE', tokens.bob as string, `${caps}?topicId=${launch.id}`),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
  });

  test('#[two words] inside a Text segment is a Hashtag segment and assigns the topic of that name', async () => {
    const response = await send('POST', tokens.alice as string, `${v41}/chatter/feed-elements`, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      body: {
        messageSegments: [{ type: 'Text', text: 'Plan for #[Release Train] and #[ spring  fair ] now' }],
      },
    });
    assert.equal(response.statusCode, 201, response.body);
    const train = await storedTopic(h, 'release train');
    const fair = await storedTopic(h, 'spring  fair');
    assert.deepEqual(
      [train.name, train.talkingAbout, fair.name, fair.talkingAbout],
      ['Release Train', 1, 'spring  fair', 1],
    );
    const topicUrl = (q: string) => `${v41}/connect/topics?exactMatch=true&q=${encodeURIComponent(q)}`;
    assert.deepEqual(response.json().body, {
      isRichText: false,
      messageSegments: [
        { text: 'Plan for ', type: 'Text' },
        {
          tag: 'Release Train',
          text: '#[Release Train]',
          topicUrl: topicUrl('#[Release Train]'),
          type: 'Hashtag',
        },
        { text: ' and ', type: 'Text' },
        {
          tag: 'spring  fair',
          text: '#[spring  fair]',
          topicUrl: topicUrl('#[spring  fair]'),
          type: 'Hashtag',
        },
        { text: ' now', type: 'Text' },
      ],
      text: 'Plan for #[Release Train] and #[spring  fair] now',
    });
    assert.deepEqual(response.json().capabilities.topics, {
      canAssignTopics: true,
      items: [topicShape(o, train), topicShape(o, fair)],
    });
  });

  test('a hashtag longer than a topic name stays text; a Hashtag segment that long is 400', async () => {
    const long = 'x'.repeat(151);
    const words = `Long #${long} and #[${long} y] but #[ok tag]`;
    const response = await send('POST', tokens.alice as string, `${v41}/chatter/feed-elements`, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      text: words,
    });
    assert.equal(response.statusCode, 201, response.body);
    assert.deepEqual(
      response.json().body.messageSegments.map((m: { type: string; text: string }) => [m.type, m.text]),
      [
        ['Text', `Long #${long} and #[${long} y] but `],
        ['Hashtag', '#[ok tag]'],
      ],
    );
    const before = await topicCount();
    assertError(
      await send('POST', tokens.alice as string, `${v41}/chatter/feed-elements`, {
        feedElementType: 'FeedItem',
        subjectId: 'me',
        body: { messageSegments: [{ type: 'Hashtag', tag: long }] },
      }),
      400,
      'INVALID_INPUT',
      'Invalid messageSegments[0].tag: specify at most 150 characters.',
    );
    assert.equal(await topicCount(), before);
  });

  test('PATCH of a body: hashtags taken out unassign their topics, new ones assign theirs; talkingAbout exact', async () => {
    const id = await postText(tokens.alice as string, 'Edit me #alpha #[beta gamma]');
    const other = await postText(tokens.bob as string, 'Also #alpha');
    const url = `${v41}/chatter/feed-elements/${id}`;
    const edit = (words: string) =>
      send('PATCH', tokens.alice as string, url, {
        body: { messageSegments: [{ type: 'Text', text: words }] },
      });
    const caps = async () => (await send('GET', tokens.alice as string, `${url}/capabilities/topics`)).json();
    const counts = async (...names: string[]) =>
      Promise.all(names.map(async (n) => (await storedTopic(h, n)).talkingAbout));
    assert.deepEqual(await counts('alpha', 'beta gamma'), [2, 1]);

    const edited = await edit('Edited #[Beta Gamma] #delta');
    assert.equal(edited.statusCode, 200, edited.body);
    assert.deepEqual(await counts('alpha', 'beta gamma', 'delta'), [1, 1, 1]);
    const [beta, delta] = [await storedTopic(h, 'beta gamma'), await storedTopic(h, 'delta')];
    assert.deepEqual(edited.json().capabilities.topics, {
      canAssignTopics: true,
      items: [topicShape(o, beta), topicShape(o, delta)],
    });
    assert.deepEqual(await caps(), {
      canAssignTopics: true,
      items: [topicShape(o, beta), topicShape(o, delta)],
    });
    // The other post keeps #alpha.
    assert.deepEqual(
      (
        await send('GET', tokens.bob as string, `${v41}/chatter/feed-elements/${other}/capabilities/topics`)
      ).json().items,
      [topicShape(o, await storedTopic(h, 'alpha'))],
    );

    // A body past 10 topics is 400 and changes nothing.
    const many = Array.from({ length: 11 }, (_, i) => `#many${i}`).join(' ');
    const before = await topicCount();
    assertError(
      await edit(`Too ${many}`),
      400,
      'INVALID_INPUT',
      "You can't assign more than 10 topics to a feed element.",
    );
    assert.equal(await topicCount(), before);
    assert.deepEqual(await caps(), {
      canAssignTopics: true,
      items: [topicShape(o, beta), topicShape(o, delta)],
    });
    assert.equal((await storedPost(h, id)).text, 'Edited #[Beta Gamma] #delta');

    assert.equal((await edit('No tags now')).statusCode, 200);
    assert.deepEqual(await counts('alpha', 'beta gamma', 'delta'), [1, 0, 0]);
    assert.deepEqual(await caps(), { canAssignTopics: true, items: [] });
  });

  test('feeds/topics/{id}: the topic’s posts newest first, keyset pages; deleting a post uncounts it', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await postText(tokens.bob as string, `note ${i} #paging`));
    const topic = await storedTopic(h, 'paging');
    assert.equal(topic.talkingAbout, 3);
    const feed = `${v41}/chatter/feeds/topics/${topic.id}`;
    json(await send('GET', tokens.alice as string, feed), 200, {
      feedElementPostUrl: `${v41}/chatter/feed-elements`,
      feedElementsUrl: `${feed}/feed-elements`,
      isModifiedUrl: null,
    });
    const seen: string[] = [];
    let url: string | null = `${feed}/feed-elements?pageSize=2`;
    while (url) {
      const page = await send('GET', tokens.alice as string, url);
      assert.equal(page.statusCode, 200, page.body);
      seen.push(...(page.json().elements as { id: string }[]).map((e) => e.id));
      url = page.json().nextPageUrl;
    }
    assert.deepEqual(seen, [...ids].reverse());
    assert.equal(
      (await send('DELETE', tokens.bob as string, `${v41}/chatter/feed-elements/${ids[0]}`)).statusCode,
      204,
    );
    assert.equal((await storedTopic(h, 'paging')).talkingAbout, 2);
    assertError(
      await send(
        'GET',
        tokens.alice as string,
        `${v41}/chatter/feeds/topics/0TOCb0000009999OAA/feed-elements`,
      ),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
  });

  test('talkingAbout stays exact under concurrent posts', async () => {
    const posts = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        postText(i % 2 ? (tokens.alice as string) : (tokens.bob as string), `#rush ${i}`),
      ),
    );
    assert.equal(new Set(posts).size, 12);
    const rush = await storedTopic(h, 'rush');
    assert.equal(rush.talkingAbout, 12);
    const assigned = await rawDatabase(h.services.store)
      .selectFrom('topic_assignments')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('topic_id', '=', rush.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(assigned.n), 12);
  });

  test('trending: most posts assigned in the last 7 days by the server clock, then name', async () => {
    const trending = `${topics}/trending?maxResults=2`;
    const body = (await send('GET', tokens.alice as string, trending)).json();
    assert.deepEqual(body, {
      currentPageUrl: trending,
      nextPageUrl: null,
      topics: [topicShape(o, await storedTopic(h, 'rush')), topicShape(o, await storedTopic(h, 'paging'))],
    });
    h.services.clock.offsetMs = 8 * 24 * 3600 * 1000;
    try {
      // Eight days on, sessions of then have expired: a fresh one.
      const token = await h.login('alice@acme.example');
      json(await send('GET', token, trending), 200, {
        currentPageUrl: trending,
        nextPageUrl: null,
        topics: [],
      });
    } finally {
      h.services.clock.offsetMs = 0;
    }
  });

  test('reset drops topics, their assignments and the other conversation state (SPEC §12.7)', async () => {
    const id = await postText(tokens.alice as string, 'before reset #gone');
    const mark = await send(
      'PATCH',
      tokens.alice as string,
      `${v41}/chatter/feed-elements/${id}/capabilities/bookmarks`,
      {
        isBookmarkedByCurrentUser: true,
      },
    );
    assert.equal(mark.statusCode, 200);
    const reset = await h.admin('POST', '/_chatterbox/reset');
    assert.equal(reset.statusCode, 200, reset.body);
    const db = rawDatabase(h.services.store);
    for (const table of [
      'topics',
      'topic_assignments',
      'feed_bookmarks',
      'poll_choices',
      'user_settings',
    ] as const) {
      const row = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(row.n), 0, table);
    }
  });
});
