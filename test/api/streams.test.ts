import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, assertJson } from '../helpers/api-assert.js';
import { GROUP_MOTIF } from '../helpers/common-shapes.js';
import { makeGroup, otherOrgToken, signIn } from '../helpers/feed-fixtures.js';
import { type Person, userSummary } from '../helpers/feed-shapes.js';
import { createHarness, type Harness } from '../helpers/harness.js';

const v41 = '/services/data/v41.0';
const v39 = '/services/data/v39.0';

/** Chatter streams and their feed (SPEC §12.6, §12.8; F2 §8). */
describe('chatter/streams (SPEC §12.6)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  let groupId: string;
  let privateGroupId: string;
  let hiddenGroupId: string;
  let accountId: string;
  let accountSummary: Record<string, unknown>;

  const call = async (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    who = 'alice',
    payload?: unknown,
  ) => h.request({ method, url, token: tokens[who], ...(payload ? { payload: payload as object } : {}) });
  const ok = assertJson;
  const userEntity = (p: Person, base = v41) => {
    const { id, motif, mySubscription, name, url } = userSummary(base, p);
    return { id, motif, mySubscription, name, url };
  };
  const groupEntity = (id: string, name: string, base = v41) => ({
    id,
    motif: GROUP_MOTIF,
    mySubscription: null,
    name,
    url: `${base}/chatter/groups/${id}`,
  });
  const streamShape = (
    s: { id: string; createdDate: string },
    name: string,
    description: string | null,
    subscriptions: unknown[],
    base = v41,
  ) => ({
    ...(base === v41 ? { community: null } : {}),
    createdDate: s.createdDate,
    description,
    id: s.id,
    name,
    subscriptions,
    url: `${base}/chatter/streams/${s.id}`,
  });

  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
    const ids = { admin: people.admin?.id as string, bob: people.bob?.id as string };
    groupId = await makeGroup(h, { name: 'Streamers', visibility: 'PublicAccess', owner: ids.bob });
    privateGroupId = await makeGroup(h, { name: 'Closed Room', visibility: 'PrivateAccess', owner: ids.bob });
    hiddenGroupId = await makeGroup(h, { name: 'Hush', visibility: 'Unlisted', owner: ids.bob });
    const account = await call('POST', `${v41}/sobjects/Account`, 'alice', { Name: 'Stream Co' });
    assert.equal(account.statusCode, 201, account.body);
    accountId = account.json().id;
    const summary = (await call('GET', `${v41}/chatter/records/${accountId}`)).json();
    accountSummary = {
      id: summary.id,
      motif: summary.motif,
      mySubscription: null,
      name: 'Stream Co',
      url: `${v41}/chatter/records/${accountId}`,
    };
  });
  after(() => h.close());

  test('POST, GET, PATCH, DELETE chatter/streams/{id}: the owner’s stream, both input forms', async () => {
    const created = await call('POST', `${v41}/chatter/streams`, 'alice', {
      name: 'Watch <list>',
      description: 'People & places',
      subscriptionsToAdd: { subscriptions: [{ entityId: people.bob?.id }, { entityId: groupId }] },
    });
    const s = created.json();
    assert.match(s.id, /^0Fq[A-Za-z0-9]{15}$/);
    const stored = await h.services.store.streams.find(people.alice?.orgId as string, s.id);
    assert.equal(s.createdDate, new Date(stored?.createdAt as number).toISOString());
    const bob = userEntity(people.bob as Person);
    const group = groupEntity(groupId, 'Streamers');
    ok(created, 201, streamShape(s, 'Watch &lt;list&gt;', 'People &amp; places', [bob, group]));
    ok(
      await call('GET', `${v41}/chatter/streams/${s.id}`),
      200,
      streamShape(s, 'Watch &lt;list&gt;', 'People &amp; places', [bob, group]),
    );
    ok(
      await call('GET', `${v39}/chatter/streams/${s.id}`),
      200,
      streamShape(
        s,
        'Watch &lt;list&gt;',
        'People &amp; places',
        [userEntity(people.bob as Person, v39), groupEntity(groupId, 'Streamers', v39)],
        v39,
      ),
    );
    // A list of {entityId}: the record is added; bob is in both lists (no change); the group goes.
    const patched = await call('PATCH', `${v41}/chatter/streams/${s.id}`, 'alice', {
      name: 'Renamed',
      subscriptionsToAdd: [{ entityId: accountId }, { entityId: people.bob?.id }],
      subscriptionsToRemove: [{ entityId: groupId }, { entityId: people.bob?.id }],
    });
    ok(patched, 200, streamShape(s, 'Renamed', 'People &amp; places', [bob, accountSummary]));
    // Adding what is there already changes nothing.
    ok(
      await call('PATCH', `${v41}/chatter/streams/${s.id}`, 'alice', {
        subscriptionsToAdd: [{ entityId: accountId }],
      }),
      200,
      streamShape(s, 'Renamed', 'People &amp; places', [bob, accountSummary]),
    );
    const gone = await call('DELETE', `${v41}/chatter/streams/${s.id}`);
    assert.equal(gone.statusCode, 204);
    assert.equal(gone.body, '');
    assertError(
      await call('GET', `${v41}/chatter/streams/${s.id}`),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
    assert.deepEqual(await h.services.store.streams.find(people.alice?.orgId as string, s.id), undefined);
  });

  test('GET chatter/streams: the caller’s streams, paged, sorted; nextPageUrl null at 39.0', async () => {
    const made = [];
    for (const name of ['One', 'Two', 'Three']) {
      made.push((await call('POST', `${v41}/chatter/streams`, 'bob', { name })).json());
      h.services.clock.offsetMs += 1000;
    }
    const [one, two, three] = made;
    ok(await call('GET', `${v41}/chatter/streams?pageSize=2`, 'bob'), 200, {
      currentPageUrl: `${v41}/chatter/streams?page=0&pageSize=2`,
      items: [streamShape(three, 'Three', null, []), streamShape(two, 'Two', null, [])],
      nextPageUrl: `${v41}/chatter/streams?page=1&pageSize=2`,
      total: 3,
    });
    ok(await call('GET', `${v41}/chatter/streams?pageSize=2&page=1`, 'bob'), 200, {
      currentPageUrl: `${v41}/chatter/streams?page=1&pageSize=2`,
      items: [streamShape(one, 'One', null, [])],
      nextPageUrl: null,
      total: 3,
    });
    ok(await call('GET', `${v39}/chatter/streams?pageSize=5&sort=Ascending`, 'bob'), 200, {
      currentPageUrl: `${v39}/chatter/streams?sort=Ascending&page=0&pageSize=5`,
      items: [one, two, three].map((s, i) =>
        streamShape(s, ['One', 'Two', 'Three'][i] as string, null, [], v39),
      ),
      nextPageUrl: null,
      total: 3,
    });
    ok(await call('GET', `${v41}/chatter/streams`, 'admin'), 200, {
      currentPageUrl: `${v41}/chatter/streams?page=0&pageSize=25`,
      items: [],
      nextPageUrl: null,
      total: 0,
    });
    assertError(
      await call('GET', `${v39}/chatter/streams?pageSize=2`, 'bob'),
      400,
      'INVALID_INPUT',
      'Invalid pageSize: 2. Specify a value between 5 and 100.',
    );
    for (const s of made)
      assert.equal((await call('DELETE', `${v41}/chatter/streams/${s.id}`, 'bob')).statusCode, 204);
  });

  test('bad input: 400 and nothing stored; unknown, another’s, invisible: 404; below 39.0: 404', async () => {
    const before = await h.services.store.streams.countOf(people.alice?.id as string);
    const many = Array.from({ length: 26 }, () => ({ entityId: people.bob?.id }));
    const refusals: [unknown, string, string][] = [
      [
        { name: 'x', subscriptionsToAdd: many },
        'INVALID_INPUT',
        "A stream can't have more than 25 subscriptions.",
      ],
      [{ description: 'no name' }, 'INVALID_INPUT', 'Invalid name: a stream needs a name.'],
      [{ name: 'x'.repeat(121) }, 'INVALID_INPUT', 'Invalid name: specify at most 120 characters.'],
      [
        { name: 'x', description: 'd'.repeat(1001) },
        'INVALID_INPUT',
        'Invalid description: specify at most 1000 characters.',
      ],
      [
        { name: 'x', subscriptionsToRemove: [] },
        'INVALID_INPUT',
        'Invalid subscriptionsToRemove: not supported when creating a stream.',
      ],
      [
        { name: 'x', subscriptionsToAdd: [{ entityId: 'nope' }] },
        'INVALID_ID_FIELD',
        'Invalid identifier: nope',
      ],
    ];
    for (const [payload, code, message] of refusals) {
      assertError(
        await call('POST', `${v41}/chatter/streams`, 'alice', payload),
        400,
        code,
        message,
        JSON.stringify(payload).slice(0, 80),
      );
    }
    // Entities the caller can't see: an unlisted group of others, a user of another org.
    const other = await otherOrgToken(h);
    for (const entityId of [hiddenGroupId, other.userId]) {
      assertError(
        await call('POST', `${v41}/chatter/streams`, 'alice', {
          name: 'x',
          subscriptionsToAdd: [{ entityId }],
        }),
        404,
        'NOT_FOUND',
        'The requested resource does not exist',
      );
    }
    assert.equal(await h.services.store.streams.countOf(people.alice?.id as string), before);
    // 25 distinct entities: bob and 24 records.
    const records: string[] = [];
    for (let i = 0; i < 24; i++) {
      records.push((await call('POST', `${v41}/sobjects/Account`, 'alice', { Name: `Full ${i}` })).json().id);
    }
    const mine = (
      await call('POST', `${v41}/chatter/streams`, 'alice', {
        name: 'Mine',
        subscriptionsToAdd: [people.bob?.id, ...records].map((entityId) => ({ entityId })),
      })
    ).json();
    assert.equal(mine.subscriptions.length, 25);
    for (const url of [
      `${v41}/chatter/streams/${mine.id}`,
      `${v41}/chatter/feeds/streams/${mine.id}`,
      `${v41}/chatter/feeds/streams/${mine.id}/feed-elements`,
    ]) {
      assertError(
        await call('GET', url, 'bob'),
        404,
        'NOT_FOUND',
        'The requested resource does not exist',
        url,
      );
    }
    assertError(
      await call('PATCH', `${v41}/chatter/streams/${mine.id}`, 'bob', { name: 'Mine now' }),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
    assertError(
      await call('DELETE', `${v41}/chatter/streams/${mine.id}`, 'bob'),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
    assertError(
      await call('GET', `/services/data/v38.0/chatter/streams/${mine.id}`),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
    assertError(
      await call('GET', `/services/data/v38.0/chatter/feeds/streams/${mine.id}/feed-elements`),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
    assertError(
      await call('GET', `${v41}/chatter/streams/${groupId}`),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${groupId}`,
    );
    assertError(
      await call('GET', `${v41}/chatter/feeds/streams/${groupId}`),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${groupId}`,
    );
    assertError(
      await call('PATCH', `${v41}/chatter/streams/${mine.id}`, 'alice', {
        name: 'Not applied',
        subscriptionsToAdd: [{ entityId: groupId }],
      }),
      400,
      'INVALID_INPUT',
      "A stream can't have more than 25 subscriptions.",
    );
    // One out, one in: still 25.
    const swapped = await call('PATCH', `${v41}/chatter/streams/${mine.id}`, 'alice', {
      subscriptionsToAdd: [{ entityId: groupId }],
      subscriptionsToRemove: { subscriptions: [{ entityId: people.bob?.id }] },
    });
    assert.equal(swapped.statusCode, 200, swapped.body);
    const now = (await call('GET', `${v41}/chatter/streams/${mine.id}`)).json();
    assert.equal(now.name, 'Mine');
    assert.deepEqual(
      now.subscriptions.map((e: { id: string }) => e.id),
      [...records, groupId],
    );
    assert.equal((await call('DELETE', `${v41}/chatter/streams/${mine.id}`)).statusCode, 204);
  });

  test('a user has at most 100 streams (the 101st: 400, not stored)', async () => {
    for (let i = 0; i < 100; i++) {
      assert.equal(
        (await call('POST', `${v41}/chatter/streams`, 'admin', { name: `S${i}` })).statusCode,
        201,
      );
    }
    assertError(
      await call('POST', `${v41}/chatter/streams`, 'admin', { name: 'S100' }),
      400,
      'INVALID_INPUT',
      "You can't have more than 100 streams.",
    );
    assert.equal(await h.services.store.streams.countOf(people.admin?.id as string), 100);
  });

  test('GET chatter/feeds/streams/{id}[/feed-elements]: posts on the entities, newest first, keyset pages', async () => {
    const post = async (who: string, subjectId: string, text: string) => {
      h.services.clock.offsetMs += 1000;
      const r = await call('POST', `${v41}/chatter/feed-elements`, who, {
        feedElementType: 'FeedItem',
        subjectId,
        body: { messageSegments: [{ type: 'Text', text }] },
      });
      assert.equal(r.statusCode, 201, r.body);
      return r.json().id as string;
    };
    const bobId = people.bob?.id as string;
    const inGroup = await post('bob', groupId, 'in the group');
    const byBob = await post('bob', bobId, 'bob on his own wall');
    const onRecord = await post('alice', accountId, 'on the record');
    const toBob = await post('admin', bobId, 'to bob');
    await post('admin', people.admin?.id as string, 'unrelated');
    await post('bob', privateGroupId, 'private, alice is no member');
    const s = (
      await call('POST', `${v41}/chatter/streams`, 'alice', {
        name: 'Feed',
        subscriptionsToAdd: [{ entityId: bobId }, { entityId: groupId }, { entityId: accountId }],
      })
    ).json();
    const feedUrl = `${v41}/chatter/feeds/streams/${s.id}`;
    ok(await call('GET', feedUrl), 200, {
      feedElementPostUrl: `${v41}/chatter/feed-elements`,
      feedElementsUrl: `${feedUrl}/feed-elements`,
      isModifiedUrl: null,
    });
    const expected = [toBob, onRecord, byBob, inGroup];
    const element = async (id: string) => (await call('GET', `${v41}/chatter/feed-elements/${id}`)).json();
    const first = await call('GET', `${feedUrl}/feed-elements?pageSize=3`);
    const token = first.json().nextPageToken;
    assert.match(token, /^\d{4}-\d\d-\d\dT[\d:.]+Z,0D5/);
    ok(first, 200, {
      currentPageToken: null,
      currentPageUrl: `${feedUrl}/feed-elements?pageSize=3`,
      elements: await Promise.all(expected.slice(0, 3).map(element)),
      isModifiedToken: null,
      isModifiedUrl: null,
      nextPageToken: token,
      nextPageUrl: `${feedUrl}/feed-elements?pageSize=3&page=${token}`,
      updatesToken: null,
      updatesUrl: null,
    });
    // The next page goes on with the group post (older demo posts of bob's follow it).
    const group = await element(inGroup);
    const after = `${group.createdDate},${inGroup}`;
    ok(await call('GET', `${feedUrl}/feed-elements?pageSize=1&page=${token}`), 200, {
      currentPageToken: token,
      currentPageUrl: `${feedUrl}/feed-elements?pageSize=1&page=${token}`,
      elements: [group],
      isModifiedToken: null,
      isModifiedUrl: null,
      nextPageToken: after,
      nextPageUrl: `${feedUrl}/feed-elements?pageSize=1&page=${after}`,
      updatesToken: null,
      updatesUrl: null,
    });
    // Only the caller's own stream, and only the internal scope (decision 0035).
    const community = (await h.services.store.orgs.listCommunities(people.alice?.orgId as string))[0]?.id;
    assertError(
      await call(
        'GET',
        `${v41}/connect/communities/${community}/chatter/feeds/streams/${s.id}/feed-elements`,
      ),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
    assertError(
      await call('GET', `${v41}/connect/communities/${community}/chatter/streams`),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
  });
});
