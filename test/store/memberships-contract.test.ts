import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import type { GroupRole, JoinRequestRecord, MembershipRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { newGroup as newGroupOf, newOrg, newUser, T0 } from './fixtures.js';

describe(`store contract on ${testStore}: memberships and join requests`, () => {
  let t: TestStore;
  let store: Store;
  let org: string;
  let ann: string;
  let ben: string;
  let cat: string;
  let groupA: string;
  let groupB: string;
  before(async () => {
    t = await openTestStore();
    store = t.store;
    org = (await newOrg(store, 'Members org')).id;
    ann = (await newUser(store, org, { username: 'ann@members.example', lastName: 'Adams' })).id;
    ben = (await newUser(store, org, { username: 'ben@members.example', lastName: 'baker' })).id;
    cat = (await newUser(store, org, { username: 'cat@members.example', lastName: 'Cole' })).id;
    groupA = await newGroup('A');
    groupB = await newGroup('B');
  });
  after(() => t.close());

  const newGroup = (name: string) => newGroupOf(store, org, ann, name);

  async function member(groupId: string, userId: string, role: GroupRole): Promise<MembershipRecord> {
    const record = {
      id: await store.newId(KeyPrefix.groupMember),
      orgId: org,
      groupId,
      userId,
      role,
      createdAt: T0,
    };
    await store.memberships.addMember(record);
    return record;
  }

  test('memberships: added, found, listed by name, counted, their roles changed, removed', async () => {
    const owner = await member(groupA, ann, 'GroupOwner');
    const standard = await member(groupA, ben, 'StandardMember');
    const inB = await member(groupB, ben, 'GroupManager');
    assert.deepEqual(await store.memberships.findMembership(org, owner.id), owner);
    assert.equal(await store.memberships.findMembership('00Dxx0000000000AAA', owner.id), undefined);

    const sort = (ms: MembershipRecord[]) => [...ms].sort((a, b) => (a.id < b.id ? -1 : 1));
    assert.deepEqual(
      sort(await store.memberships.membershipsAmong([ann, ben, cat], [groupA, groupB])),
      sort([owner, standard, inB]),
    );
    assert.deepEqual(await store.memberships.membershipsAmong([], [groupA]), []);
    assert.deepEqual(
      await store.memberships.membershipsOf(ben, [groupA, groupB]),
      new Map([
        [groupA, standard],
        [groupB, inB],
      ]),
    );
    assert.deepEqual(await store.memberships.rolesOf(ben, [groupB]), new Map([[groupB, 'GroupManager']]));
    assert.deepEqual(await store.memberships.rolesOf(cat, [groupA, groupB]), new Map());
    // A page of groups' state for one viewer, in one query: membership, pending request, count.
    assert.deepEqual(
      await store.memberships.viewerGroupStates(ben, [groupA, groupB]),
      new Map([
        [groupA, { membership: standard, requested: false, memberCount: 2 }],
        [groupB, { membership: inB, requested: false, memberCount: 1 }],
      ]),
    );
    assert.deepEqual(
      await store.memberships.viewerGroupStates(null, [groupA]),
      new Map([[groupA, { membership: null, requested: false, memberCount: 2 }]]),
    );
    assert.deepEqual(await store.memberships.viewerGroupStates(ben, []), new Map());

    // By last name, case-insensitively: Adams, baker.
    assert.deepEqual(await store.memberships.listMembers(groupA, { offset: 0, limit: 10 }), {
      members: [owner, standard],
      total: 2,
    });
    assert.deepEqual(await store.memberships.listMembers(groupA, { offset: 1, limit: 1 }), {
      members: [standard],
      total: 2,
    });

    assert.equal(await store.memberships.addMemberIfAbsent({ ...standard, id: 'other-id' }), false);
    const catInA = {
      id: await store.newId(KeyPrefix.groupMember),
      orgId: org,
      groupId: groupA,
      userId: cat,
      role: 'StandardMember' as const,
      createdAt: T0,
    };
    assert.equal(await store.memberships.addMemberIfAbsent(catInA), true);

    await store.memberships.setMemberRole(standard.id, 'GroupManager');
    await store.memberships.setMemberRoleOf(groupA, cat, 'GroupManager');
    assert.deepEqual(await store.memberships.rolesOf(ben, [groupA]), new Map([[groupA, 'GroupManager']]));
    assert.deepEqual(await store.memberships.rolesOf(cat, [groupA]), new Map([[groupA, 'GroupManager']]));

    await store.memberships.removeMember(catInA.id);
    assert.equal(await store.memberships.findMembership(org, catInA.id), undefined);
    assert.equal((await store.memberships.viewerGroupStates(ann, [groupA])).get(groupA)?.memberCount, 2);
  });

  test('join requests: one pending per user and group, listed, decided once, met by membership', async () => {
    const request = async (groupId: string, userId: string, at: number): Promise<JoinRequestRecord> => ({
      id: await store.newId(KeyPrefix.joinRequest),
      orgId: org,
      groupId,
      userId,
      status: 'Pending',
      responseMessage: null,
      createdAt: at,
      modifiedAt: at,
    });
    const first = await request(groupB, cat, T0);
    assert.deepEqual(await store.joinRequests.createPendingRequest(first), { request: first, created: true });
    const again = await request(groupB, cat, T0 + 1);
    assert.deepEqual(await store.joinRequests.createPendingRequest(again), {
      request: first,
      created: false,
    });
    assert.deepEqual(await store.joinRequests.findPendingRequest(groupB, cat), first);
    assert.deepEqual(await store.joinRequests.findRequest(org, first.id), first);
    assert.equal(await store.joinRequests.findRequest(org, again.id), undefined);
    const requested = async (groupIds: string[]) =>
      [...(await store.memberships.viewerGroupStates(cat, groupIds))].flatMap(([id, s]) =>
        s.requested ? [id] : [],
      );
    assert.deepEqual(await requested([groupA, groupB]), [groupB]);

    const decision = { status: 'Declined' as const, responseMessage: 'Not now', at: T0 + 5 };
    assert.equal(await store.joinRequests.decideRequest(first.id, decision), true);
    assert.equal(
      await store.joinRequests.decideRequest(first.id, { ...decision, status: 'Accepted' }),
      false,
    );
    const declined = {
      ...first,
      status: 'Declined' as const,
      responseMessage: 'Not now',
      modifiedAt: T0 + 5,
    };
    assert.deepEqual(await store.joinRequests.findRequest(org, first.id), declined);
    assert.equal(await store.joinRequests.findPendingRequest(groupB, cat), undefined);

    const second = await request(groupB, cat, T0 + 10);
    assert.equal((await store.joinRequests.createPendingRequest(second)).created, true);
    // Newest first; by status.
    assert.deepEqual(await store.joinRequests.listRequests(groupB, undefined), [second, declined]);
    assert.deepEqual(await store.joinRequests.listRequests(groupB, 'Declined'), [declined]);

    await store.joinRequests.acceptPendingRequestOf(groupB, cat, T0 + 20);
    assert.deepEqual(await store.joinRequests.findRequest(org, second.id), {
      ...second,
      status: 'Accepted',
      modifiedAt: T0 + 20,
    });
    assert.deepEqual(await requested([groupB]), []);
  });
});
