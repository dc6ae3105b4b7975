import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatId18 } from '../../src/ids/id-generator.js';
import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import type { SubjectKind, SubscriptionFilter, SubscriptionRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { newGroup, newOrg, newUser, T0 } from './fixtures.js';

/** The internal scope: every non-guest user, public groups, and private groups to no one. */
const INTERNAL: SubscriptionFilter = {
  users: { communityId: null },
  groups: { communityId: null, open: ['PublicAccess'], membersOnly: ['PrivateAccess'], viewerId: null },
};

describe(`store contract on ${testStore}: follows`, () => {
  let t: TestStore;
  let store: Store;
  let org: string;
  let ann: string;
  let ben: string;
  let cat: string;
  let guest: string;
  let open: string;
  let closed: string;
  const follows: Record<string, SubscriptionRecord> = {};
  before(async () => {
    t = await openTestStore();
    store = t.store;
    org = (await newOrg(store, 'Follows org')).id;
    ann = (await newUser(store, org, { username: 'ann@follows.example' })).id;
    ben = (await newUser(store, org, { username: 'ben@follows.example' })).id;
    cat = (await newUser(store, org, { username: 'cat@follows.example' })).id;
    guest = (await newUser(store, org, { username: 'guest@follows.example', type: 'guest' })).id;
    open = await newGroup(store, org, ben, 'Open', 'PublicAccess');
    closed = await newGroup(store, org, ben, 'Closed', 'PrivateAccess');
    const follow = async (
      name: string,
      subscriberId: string,
      subjectId: string,
      kind: SubjectKind,
      at: number,
    ) => {
      const record: SubscriptionRecord = {
        id: await store.newId(KeyPrefix.subscription),
        orgId: org,
        communityId: null,
        subscriberId,
        subjectId,
        subjectKind: kind,
        createdAt: T0 + at,
      };
      assert.equal(await store.follows.create(record), true);
      follows[name] = record;
    };
    await follow('annBen', ann, ben, 'user', 1);
    await follow('annCat', ann, cat, 'user', 2);
    await follow('annOpen', ann, open, 'group', 3);
    await follow('annClosed', ann, closed, 'group', 4);
    await follow('annGuest', ann, guest, 'user', 5);
    await follow('catBen', cat, ben, 'user', 6);
    await follow('guestBen', guest, ben, 'user', 7);
  });
  after(() => t.close());

  test('create refuses a second follow of the same subject and keeps the first', async () => {
    const again = {
      ...(follows.annBen as SubscriptionRecord),
      id: await store.newId(KeyPrefix.subscription),
    };
    assert.equal(await store.follows.create(again), false);
    assert.deepEqual(await store.follows.find(org, again.id), undefined);
    assert.deepEqual(await store.follows.find(org, follows.annBen?.id as string), follows.annBen);
  });

  test('subscriptionIds maps each followed subject to its subscription, once per subject', async () => {
    assert.deepEqual(
      await store.follows.subscriptionIds(ann, [ben, cat, ben, open]),
      new Map([
        [ben, follows.annBen?.id],
        [cat, follows.annCat?.id],
        [open, follows.annOpen?.id],
      ]),
    );
    assert.deepEqual(await store.follows.subscriptionIds(ben, [ann, cat]), new Map());
    assert.deepEqual(await store.follows.subscriptionIds(ann, []), new Map());
  });

  test('listFollowing pages oldest first over the subjects the filter shows, with the total', async () => {
    const kinds: SubjectKind[] = ['user', 'group'];
    assert.deepEqual(
      await store.follows.listFollowing(ann, { filter: INTERNAL, kinds, offset: 0, limit: 2 }),
      {
        subscriptions: [follows.annBen, follows.annCat],
        total: 3,
      },
    );
    assert.deepEqual(
      await store.follows.listFollowing(ann, { filter: INTERNAL, kinds, offset: 2, limit: 2 }),
      {
        subscriptions: [follows.annOpen],
        total: 3,
      },
    );
    assert.deepEqual(
      await store.follows.listFollowing(ann, { filter: INTERNAL, kinds: ['group'], offset: 0, limit: 10 }),
      { subscriptions: [follows.annOpen], total: 1 },
    );
    assert.deepEqual(
      await store.follows.listFollowing(ann, { filter: INTERNAL, kinds: [], offset: 0, limit: 10 }),
      {
        subscriptions: [],
        total: 0,
      },
    );
  });

  test('listFollowing shows a members-only group to its members', async () => {
    await store.memberships.addMember({
      id: await store.newId(KeyPrefix.groupMember),
      orgId: org,
      groupId: closed,
      userId: ann,
      role: 'StandardMember',
      createdAt: T0,
    });
    const filter = { ...INTERNAL, groups: { ...INTERNAL.groups, viewerId: ann } };
    assert.deepEqual(
      await store.follows.listFollowing(ann, { filter, kinds: ['group'], offset: 0, limit: 10 }),
      { subscriptions: [follows.annOpen, follows.annClosed], total: 2 },
    );
  });

  test('listFollowers pages oldest first over the subscribers the filter shows', async () => {
    assert.deepEqual(await store.follows.listFollowers(ben, { filter: INTERNAL, offset: 0, limit: 1 }), {
      subscriptions: [follows.annBen],
      total: 2,
    });
    assert.deepEqual(await store.follows.listFollowers(ben, { filter: INTERNAL, offset: 1, limit: 1 }), {
      subscriptions: [follows.catBen],
      total: 2,
    });
    assert.deepEqual(await store.follows.listFollowers(ben, { filter: INTERNAL, offset: 2, limit: 1 }), {
      subscriptions: [],
      total: 2,
    });
  });

  test('delete removes one subscription', async () => {
    await store.follows.delete(follows.annCat?.id as string);
    assert.equal(await store.follows.find(org, follows.annCat?.id as string), undefined);
    assert.deepEqual(
      await store.follows.subscriptionIds(ann, [ben, cat]),
      new Map([[ben, follows.annBen?.id]]),
    );
    assert.deepEqual(await store.follows.listFollowers(cat, { filter: INTERNAL, offset: 0, limit: 10 }), {
      subscriptions: [],
      total: 0,
    });
  });
});

describe(`store contract on ${testStore}: IDs, statistics and usage counters`, () => {
  let t: TestStore;
  let store: Store;
  before(async () => {
    t = await openTestStore();
    store = t.store;
  });
  after(() => t.close());

  test('reserveIds takes consecutive IDs from the sequence newId continues', async () => {
    assert.equal(await store.newId(KeyPrefix.comment), formatId18(KeyPrefix.comment, 'Cb', 1));
    const range = await store.reserveIds(KeyPrefix.comment, 3);
    assert.equal(range.count, 3);
    assert.deepEqual(
      [range.id(0), range.id(1), range.id(2)],
      [2, 3, 4].map((n) => formatId18(KeyPrefix.comment, 'Cb', n)),
    );
    assert.equal(await store.newId(KeyPrefix.comment), formatId18(KeyPrefix.comment, 'Cb', 5));
  });

  test('refreshPlannerStatistics leaves the data as it was', async () => {
    const org = await newOrg(store, 'Statistics org');
    await store.refreshPlannerStatistics();
    assert.deepEqual(await store.orgs.findOrg(org.id), org);
  });

  test('usage counters: increment, incrementBelow, counts, deleteExpired, clear', async () => {
    const { usage } = store;
    assert.equal(await usage.increment('a', T0 + 10), 1);
    assert.equal(await usage.increment('a', T0 + 10), 2);
    assert.equal(await usage.incrementBelow('a', 2, T0 + 10), undefined);
    assert.equal(await usage.incrementBelow('a', 3, T0 + 10), 3);
    assert.equal(await usage.incrementBelow('b', 1, T0 + 20), 1);
    assert.equal(await usage.incrementBelow('b', 1, T0 + 20), undefined);
    assert.deepEqual(
      await usage.counts(['a', 'b', 'none']),
      new Map([
        ['a', 3],
        ['b', 1],
      ]),
    );
    assert.deepEqual(await usage.counts([]), new Map());
    await usage.deleteExpired(T0 + 10);
    assert.deepEqual(await usage.counts(['a', 'b']), new Map([['b', 1]]));
    await store.transaction((tx) => tx.usage.lock('lock'));
    assert.deepEqual(
      await usage.counts(['b', 'lock']),
      new Map([
        ['b', 1],
        ['lock', 0],
      ]),
    );
    await usage.clear();
    assert.deepEqual(await usage.counts(['b', 'lock']), new Map());
  });

  test('takeQuotasAtOnce is offered exactly where the dialect takes quotas in one statement', () => {
    assert.equal(store.usage.takeQuotasAtOnce !== undefined, store.dialect.takeQuotas !== undefined);
    assert.equal(store.usage.takeQuotasAtOnce !== undefined, testStore === 'postgres');
  });
});
