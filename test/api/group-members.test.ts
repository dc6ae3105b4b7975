import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GroupRecord } from '../../src/store/records.js';
import {
  apiBase,
  assertError,
  assertJson,
  assertNoContent,
  caller,
  type Demo,
  groupById,
  loadDemo,
  memberBody,
  membershipId,
  NOT_FOUND,
  unusedId,
} from '../helpers/collab.js';
import { createHarness, type Harness } from '../helpers/harness.js';

describe('group members (SPEC §2, §5, §6)', () => {
  let h: Harness;
  let d: Demo;
  let call: ReturnType<typeof caller>;
  const tokens: Record<string, string> = {};
  const base = apiBase();
  const ONLY_SELF_PRIVATE = "You can't add members to a private group; create a membership request instead.";

  before(async () => {
    h = await createHarness();
    d = await loadDemo(h);
    call = caller(h);
    for (const name of ['admin', 'alice', 'bob', 'carol'] as const)
      tokens[name] = await h.login(d.users[name].username);
  });
  after(() => h.close());

  async function create(who: string, name: string, visibility: string): Promise<GroupRecord> {
    const response = await call('POST', `${base}/chatter/groups`, tokens[who], { name, visibility });
    assert.equal(response.statusCode, 201, response.body);
    return groupById(h, d.orgId, response.json().id);
  }

  test('GET /chatter/groups/{id}/members: the page of members by name, with myMembership and the total', async () => {
    const { allAcme } = d.groups;
    const url = `${base}/chatter/groups/${allAcme.id}/members`;
    const ids = {
      admin: await membershipId(h, allAcme.id, d.users.admin.id),
      alice: await membershipId(h, allAcme.id, d.users.alice.id),
      bob: await membershipId(h, allAcme.id, d.users.bob.id),
    };
    assertJson(await call('GET', url, tokens.bob), 200, {
      currentPageUrl: `${url}?page=0&pageSize=25`,
      members: [
        memberBody(base, ids.admin, 'GroupOwner', d.users.admin),
        memberBody(base, ids.alice, 'StandardMember', d.users.alice),
        memberBody(base, ids.bob, 'StandardMember', d.users.bob),
      ],
      myMembership: { id: ids.bob, url: `${base}/chatter/group-memberships/${ids.bob}` },
      nextPageUrl: null,
      previousPageUrl: null,
      totalMemberCount: 3,
    });
    assertJson(await call('GET', `${url}?page=1&pageSize=2`, tokens.bob), 200, {
      currentPageUrl: `${url}?page=1&pageSize=2`,
      members: [memberBody(base, ids.bob, 'StandardMember', d.users.bob)],
      myMembership: { id: ids.bob, url: `${base}/chatter/group-memberships/${ids.bob}` },
      nextPageUrl: null,
      previousPageUrl: `${url}?page=0&pageSize=2`,
      totalMemberCount: 3,
    });
    assertError(
      await call('GET', `${url}?pageSize=1001`, tokens.bob),
      400,
      'INVALID_INPUT',
      'Invalid pageSize: 1001. Specify a value between 1 and 1000.',
    );
  });

  test("GET /chatter/groups/{id}/members: a private group's members are hidden from non-members (403)", async () => {
    const { leadership } = d.groups;
    const url = `${base}/chatter/groups/${leadership.id}/members`;
    assertError(
      await call('GET', url, tokens.bob),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to view this group's members.",
    );
    const adminMembership = await membershipId(h, leadership.id, d.users.admin.id);
    assertJson(await call('GET', url, tokens.admin), 200, {
      currentPageUrl: `${url}?page=0&pageSize=25`,
      members: [memberBody(base, adminMembership, 'GroupOwner', d.users.admin)],
      myMembership: { id: adminMembership, url: `${base}/chatter/group-memberships/${adminMembership}` },
      nextPageUrl: null,
      previousPageUrl: null,
      totalMemberCount: 1,
    });
    assertError(
      await call('GET', `${base}/chatter/groups/${unusedId('0F9')}/members`, tokens.bob),
      404,
      ...NOT_FOUND,
    );
  });

  test('POST /chatter/groups/{id}/members: joining a public group yourself (201), twice is 409', async () => {
    const group = await create('alice', 'Open House', 'PublicAccess');
    const url = `${base}/chatter/groups/${group.id}/members`;
    const response = await call('POST', url, tokens.bob, { userId: 'me' });
    const id = await membershipId(h, group.id, d.users.bob.id);
    assertJson(response, 201, memberBody(base, id, 'StandardMember', d.users.bob));
    assertError(
      await call('POST', url, tokens.bob, { userId: d.users.bob.id }),
      409,
      'DUPLICATE_VALUE',
      'This user is already a member of the group.',
    );
    assertError(
      await call('POST', url, tokens.alice, { userId: d.users.bob.id }),
      409,
      'DUPLICATE_VALUE',
      'This user is already a member of the group.',
    );
    // External users never reach the internal scope.
    assertError(
      await call('POST', url, tokens.carol, { userId: 'me' }),
      403,
      'INSUFFICIENT_ACCESS',
      "External users can't access this resource.",
    );
    // Joining doesn't let you make yourself a manager.
    const other = await create('alice', 'Open House 2', 'PublicAccess');
    assertError(
      await call('POST', `${base}/chatter/groups/${other.id}/members`, tokens.bob, {
        userId: 'me',
        role: 'GroupManager',
      }),
      403,
      'INSUFFICIENT_ACCESS',
      "Only the group's owner and managers can make someone a manager.",
    );
  });

  test('POST /chatter/groups/{id}/members: adding yourself to a private group is INSUFFICIENT_ACCESS_OR_READONLY', async () => {
    const { leadership } = d.groups;
    assertError(
      await call('POST', `${base}/chatter/groups/${leadership.id}/members`, tokens.bob, {
        userId: d.users.bob.id,
      }),
      403,
      'INSUFFICIENT_ACCESS_OR_READONLY',
      ONLY_SELF_PRIVATE,
    );
    assertError(
      await call('POST', `${base}/chatter/groups/${leadership.id}/members?userId=me`, tokens.alice),
      403,
      'INSUFFICIENT_ACCESS_OR_READONLY',
      ONLY_SELF_PRIVATE,
    );
  });

  test('POST /chatter/groups/{id}/members: adding someone else without managing the group is INSUFFICIENT_ACCESS', async () => {
    const { allAcme, leadership } = d.groups;
    assertError(
      await call('POST', `${base}/chatter/groups/${allAcme.id}/members`, tokens.bob, {
        userId: d.users.dan.id,
      }),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to add members to this group.",
    );
    assertError(
      await call('POST', `${base}/chatter/groups/${leadership.id}/members`, tokens.bob, {
        userId: d.users.alice.id,
      }),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to add members to this group.",
    );
  });

  test('POST /chatter/groups/{id}/members: owner, manager and admin add anyone, to private groups too', async () => {
    const group = await create('alice', 'Private Circle', 'PrivateAccess');
    const url = `${base}/chatter/groups/${group.id}/members`;
    const asManager = await call('POST', url, tokens.alice, { userId: d.users.bob.id, role: 'GroupManager' });
    assertJson(
      asManager,
      201,
      memberBody(base, await membershipId(h, group.id, d.users.bob.id), 'GroupManager', d.users.bob),
    );
    // The manager adds someone; the admin, who is no member, adds someone too.
    const byManager = await call('POST', url, tokens.bob, { userId: d.users.dan.id });
    assertJson(
      byManager,
      201,
      memberBody(base, await membershipId(h, group.id, d.users.dan.id), 'StandardMember', d.users.dan),
    );
    const byAdmin = await call('POST', url, tokens.admin, {
      userId: d.users.admin.id,
      role: 'StandardMember',
    });
    assertJson(
      byAdmin,
      201,
      memberBody(base, await membershipId(h, group.id, d.users.admin.id), 'StandardMember', d.users.admin),
    );
    assert.equal((await call('GET', url, tokens.bob)).json().totalMemberCount, 4);
  });

  test('POST /chatter/groups/{id}/members: bad input is 400, people outside the scope are 404', async () => {
    const { allAcme } = d.groups;
    const url = `${base}/chatter/groups/${allAcme.id}/members`;
    assertError(
      await call('POST', url, tokens.admin, { role: 'StandardMember' }),
      400,
      'INVALID_INPUT',
      'Missing required field: userId.',
    );
    assertError(
      await call('POST', url, tokens.admin, { userId: d.users.dan.id, role: 'GroupOwner' }),
      400,
      'INVALID_INPUT',
      'Invalid role: GroupOwner. Specify one of: StandardMember, GroupManager.',
    );
    assertError(
      await call('POST', url, tokens.admin, { userId: allAcme.id }),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${allAcme.id}`,
    );
    assertError(await call('POST', url, tokens.admin, { userId: unusedId('005') }), 404, ...NOT_FOUND);
    // An external user is not someone the internal scope contains.
    assertError(await call('POST', url, tokens.admin, { userId: d.users.carol.id }), 404, ...NOT_FOUND);
    assertError(
      await call('POST', `${base}/chatter/groups/${unusedId('0F9')}/members`, tokens.admin, {
        userId: d.users.dan.id,
      }),
      404,
      ...NOT_FOUND,
    );
    // A malformed ID is 400 before anything is looked up (SPEC §2 order of checks).
    assertError(
      await call('POST', `${base}/chatter/groups/${unusedId('0F9')}/members`, tokens.bob, { userId: 'x' }),
      400,
      'INVALID_ID_FIELD',
      'Invalid identifier: x',
    );
    assert.equal((await call('GET', url, tokens.admin)).json().totalMemberCount, 3, 'nothing was added');
  });

  test('POST /chatter/groups/{id}/members: a direct add answers a pending request', async () => {
    const group = await create('alice', 'Waiting Room', 'PrivateAccess');
    const request = await call('POST', `${base}/chatter/groups/${group.id}/members/requests`, tokens.bob);
    assert.equal(request.statusCode, 201);
    assert.equal(
      (
        await call('POST', `${base}/chatter/groups/${group.id}/members`, tokens.alice, {
          userId: d.users.bob.id,
        })
      ).statusCode,
      201,
    );
    const stored = await h.services.store.joinRequests.findRequest(d.orgId, request.json().id);
    assert.equal(stored?.status, 'Accepted');
  });

  test('GET /chatter/group-memberships/{id}: the Group Member; 403 on a private group for non-members', async () => {
    const { allAcme, leadership } = d.groups;
    const aliceInAll = await membershipId(h, allAcme.id, d.users.alice.id);
    assertJson(
      await call('GET', `${base}/chatter/group-memberships/${aliceInAll}`, tokens.bob),
      200,
      memberBody(base, aliceInAll, 'StandardMember', d.users.alice),
    );
    const adminInLeadership = await membershipId(h, leadership.id, d.users.admin.id);
    assertError(
      await call('GET', `${base}/chatter/group-memberships/${adminInLeadership}`, tokens.bob),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to view this group's members.",
    );
    assertError(
      await call('GET', `${base}/chatter/group-memberships/${allAcme.id}`, tokens.bob),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${allAcme.id}`,
    );
    assertError(
      await call('GET', `${base}/chatter/group-memberships/${unusedId('0FB')}`, tokens.bob),
      404,
      ...NOT_FOUND,
    );
  });

  test("PATCH /chatter/group-memberships/{id}: role changes by owner, manager, admin; never the owner's", async () => {
    const group = await create('alice', 'Role Play', 'PublicAccess');
    const members = `${base}/chatter/groups/${group.id}/members`;
    await call('POST', members, tokens.bob, { userId: 'me' });
    await call('POST', members, tokens.alice, { userId: d.users.dan.id });
    const bobs = await membershipId(h, group.id, d.users.bob.id);
    const dans = await membershipId(h, group.id, d.users.dan.id);
    const alices = await membershipId(h, group.id, d.users.alice.id);
    const url = (id: string) => `${base}/chatter/group-memberships/${id}`;
    assertError(
      await call('PATCH', url(dans), tokens.bob, { role: 'GroupManager' }),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to change the roles of this group's members.",
    );
    assertJson(
      await call('PATCH', url(bobs), tokens.alice, { role: 'GroupManager' }),
      200,
      memberBody(base, bobs, 'GroupManager', d.users.bob),
    );
    assertJson(
      await call('PATCH', url(dans), tokens.bob, { role: 'GroupManager' }),
      200,
      memberBody(base, dans, 'GroupManager', d.users.dan),
    );
    assertJson(
      await call('PATCH', `${url(dans)}?role=StandardMember`, tokens.admin),
      200,
      memberBody(base, dans, 'StandardMember', d.users.dan),
    );
    assertError(
      await call('PATCH', url(alices), tokens.bob, { role: 'StandardMember' }),
      403,
      'INSUFFICIENT_ACCESS',
      "The owner's role can't be changed; give the group a new owner first.",
    );
    assertError(
      await call('PATCH', url(dans), tokens.alice, { role: 'GroupOwner' }),
      400,
      'INVALID_INPUT',
      'Invalid role: GroupOwner. Specify one of: StandardMember, GroupManager.',
    );
    assertError(
      await call('PATCH', url(dans), tokens.alice, {}),
      400,
      'INVALID_INPUT',
      'Missing required field: role.',
    );
    const roles = await h.services.store.memberships.rolesOf(d.users.dan.id, [group.id]);
    assert.equal(roles.get(group.id), 'StandardMember');
  });

  test('DELETE /chatter/group-memberships/{id}: leaving, removal by a manager; the owner cannot leave', async () => {
    const group = await create('alice', 'Exit Door', 'PublicAccess');
    const members = `${base}/chatter/groups/${group.id}/members`;
    await call('POST', members, tokens.bob, { userId: 'me' });
    await call('POST', members, tokens.alice, { userId: d.users.dan.id });
    await call('POST', members, tokens.alice, { userId: d.users.admin.id, role: 'GroupManager' });
    const url = (id: string) => `${base}/chatter/group-memberships/${id}`;
    const bobs = await membershipId(h, group.id, d.users.bob.id);
    const dans = await membershipId(h, group.id, d.users.dan.id);
    const alices = await membershipId(h, group.id, d.users.alice.id);
    assertError(
      await call('DELETE', url(dans), tokens.bob),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to remove members from this group.",
    );
    assertNoContent(await call('DELETE', url(bobs), tokens.bob));
    assertError(await call('GET', url(bobs), tokens.alice), 404, ...NOT_FOUND);
    assertNoContent(await call('DELETE', url(dans), tokens.admin));
    assertError(
      await call('DELETE', url(alices), tokens.alice),
      403,
      'INSUFFICIENT_ACCESS',
      "The group's owner can't leave the group; give the group a new owner first.",
    );
    assertError(
      await call('DELETE', url(alices), tokens.admin),
      403,
      'INSUFFICIENT_ACCESS',
      "The group's owner can't be removed; give the group a new owner first.",
    );
    const page = (await call('GET', members, tokens.alice)).json();
    assert.equal(page.totalMemberCount, 2);
    // Having left, bob sees the group as a non-member.
    const seen = (await call('GET', `${base}/chatter/groups/${group.id}`, tokens.bob)).json();
    assert.equal(seen.myRole, 'NotAMember');
    assert.equal(seen.mySubscription, null);
  });
});
