import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import type { SubjectKind } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { newGroup, newOrg, newUser, T0 } from './fixtures.js';

/** What a viewer's feeds draw from: the groups of a scope, and what a user follows or belongs to. */
describe(`store contract on ${testStore}: feed sources`, () => {
  let t: TestStore;
  let store: Store;
  let org: string;
  let ann: string;
  let ben: string;
  let cat: string;
  let open: string;
  let closed: string;
  let gone: string;
  before(async () => {
    t = await openTestStore();
    store = t.store;
    org = (await newOrg(store, 'Feeds org')).id;
    ann = (await newUser(store, org, { username: 'ann@feeds.example' })).id;
    ben = (await newUser(store, org, { username: 'ben@feeds.example' })).id;
    cat = (await newUser(store, org, { username: 'cat@feeds.example' })).id;
    open = await newGroup(store, org, ben, 'Open', 'PublicAccess');
    closed = await newGroup(store, org, ben, 'Closed');
    gone = await newGroup(store, org, ben, 'Gone', 'PublicAccess');
    await store.groups.softDelete(gone, T0 + 1);
  });
  after(() => t.close());

  const sorted = (ids: string[]) => [...ids].sort();

  test('groupIdsInScope lists every group of the scope, deleted ones included, and no other org', async () => {
    assert.deepEqual(sorted(await store.feeds.groupIdsInScope(org, null)), sorted([open, closed, gone]));
    const other = (await newOrg(store, 'Other feeds org')).id;
    assert.deepEqual(await store.feeds.groupIdsInScope(other, null), []);
    assert.deepEqual(await store.feeds.groupIdsInScope(org, '0DBCb0000000001'), []);
  });

  test('feedSources: followed users, groups and records, and member groups, apart', async () => {
    assert.deepEqual(await store.feeds.feedSources(ann), {
      followedUsers: [],
      followedGroups: [],
      followedRecords: [],
      memberGroups: [],
    });
    const follow = async (subjectId: string, subjectKind: SubjectKind) =>
      store.follows.create({
        id: await store.newId(KeyPrefix.subscription),
        orgId: org,
        communityId: null,
        subscriberId: ann,
        subjectId,
        subjectKind,
        createdAt: T0,
      });
    await follow(ben, 'user');
    await follow(cat, 'user');
    await follow(open, 'group');
    // Subscriptions name a record by ID alone (an Account here); the domain checks it exists.
    const account = await store.newId('001');
    await follow(account, 'record');
    await store.memberships.addMember({
      id: await store.newId(KeyPrefix.groupMember),
      orgId: org,
      groupId: closed,
      userId: ann,
      role: 'StandardMember',
      createdAt: T0,
    });
    const sources = await store.feeds.feedSources(ann);
    assert.deepEqual(
      {
        followedUsers: sorted(sources.followedUsers),
        followedGroups: sources.followedGroups,
        followedRecords: sources.followedRecords,
        memberGroups: sources.memberGroups,
      },
      {
        followedUsers: sorted([ben, cat]),
        followedGroups: [open],
        followedRecords: [account],
        memberGroups: [closed],
      },
    );
    // Another user's sources are their own.
    assert.deepEqual(await store.feeds.feedSources(cat), {
      followedUsers: [],
      followedGroups: [],
      followedRecords: [],
      memberGroups: [],
    });
  });
});
