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
  joinRequestBody,
  loadDemo,
  NOT_FOUND,
  requestById,
  unusedId,
} from '../helpers/collab.js';
import { createHarness, type Harness } from '../helpers/harness.js';

describe('join requests (SPEC §5, §6)', () => {
  let h: Harness;
  let d: Demo;
  let call: ReturnType<typeof caller>;
  const tokens: Record<string, string> = {};
  const base = apiBase();

  before(async () => {
    h = await createHarness();
    d = await loadDemo(h);
    call = caller(h);
    for (const name of ['admin', 'alice', 'bob', 'carol'] as const)
      tokens[name] = await h.login(d.users[name].username);
  });
  after(() => h.close());

  async function create(
    who: string,
    name: string,
    visibility = 'PrivateAccess',
    prefix = base,
  ): Promise<GroupRecord> {
    const response = await call('POST', `${prefix}/chatter/groups`, tokens[who], { name, visibility });
    assert.equal(response.statusCode, 201, response.body);
    return groupById(h, d.orgId, response.json().id);
  }

  const requestsUrl = (group: GroupRecord, prefix = base) =>
    `${prefix}/chatter/groups/${group.id}/members/requests`;
  const requestUrl = (id: string) => `${base}/chatter/group-membership-requests/${id}`;
  const myRole = async (group: GroupRecord, token: string | undefined) =>
    (await call('GET', `${base}/chatter/groups/${group.id}`, token)).json().myRole;

  async function memberCount(group: GroupRecord, userId: string): Promise<number> {
    const row = await h.services.store.db
      .selectFrom('group_members')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('group_id', '=', group.id)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  test('POST /chatter/groups/{id}/members/requests: 201 Pending; again 201 with the same one; myRole says requested', async () => {
    const group = await create('alice', 'Velvet Rope');
    assert.equal(await myRole(group, tokens.bob), 'NotAMember');
    const first = await call('POST', requestsUrl(group), tokens.bob);
    const stored = await requestById(h, d.orgId, first.json().id);
    assert.equal(stored.status, 'Pending');
    assertJson(first, 201, joinRequestBody(base, stored, d.users.bob));
    assertJson(
      await call('POST', requestsUrl(group), tokens.bob),
      201,
      joinRequestBody(base, stored, d.users.bob),
    );
    assert.equal(await myRole(group, tokens.bob), 'NotAMemberPrivateRequested');
  });

  test('POST /chatter/groups/{id}/members/requests: 204 for a member, 403 for an external user, 404 when hidden', async () => {
    const group = await create('alice', 'Already In');
    assertNoContent(await call('POST', requestsUrl(group), tokens.alice));
    const community = apiBase('36.0', d.community.id);
    // External users see a community's public groups (and the private ones they belong to, SPEC §5).
    const partners = await create('alice', 'Partner Lounge', 'PublicAccess', community);
    assertError(
      await call('POST', requestsUrl(partners, community), tokens.carol),
      403,
      'INSUFFICIENT_ACCESS',
      "External users can't ask to join groups.",
    );
    const hidden = await create('alice', 'Partner Private', 'PrivateAccess', community);
    assertError(await call('POST', requestsUrl(hidden, community), tokens.carol), 404, ...NOT_FOUND);
    const unlisted = await create('alice', 'Quiet Corner', 'Unlisted');
    assertError(await call('POST', requestsUrl(unlisted), tokens.bob), 404, ...NOT_FOUND);
    assertError(
      await call('POST', `${base}/chatter/groups/${unusedId('0F9')}/members/requests`, tokens.bob),
      404,
      ...NOT_FOUND,
    );
    assertError(
      await call('POST', `${base}/chatter/groups/${d.users.bob.id}/members/requests`, tokens.bob),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${d.users.bob.id}`,
    );
    const count = await h.services.store.db
      .selectFrom('join_requests')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    assert.equal(Number(count?.n), 1, 'only the request of the first test exists');
  });

  test('GET /chatter/groups/{id}/members/requests: owner, manager and admin only; ?status= filters', async () => {
    const group = await create('alice', 'Queue');
    await call('POST', `${base}/chatter/groups/${group.id}/members`, tokens.alice, {
      userId: d.users.dan.id,
      role: 'GroupManager',
    });
    const bobs = await requestById(
      h,
      d.orgId,
      (await call('POST', requestsUrl(group), tokens.bob)).json().id,
    );
    h.services.clock.advance(1000);
    const admins = await requestById(
      h,
      d.orgId,
      (await call('POST', requestsUrl(group), tokens.admin)).json().id,
    );
    const both = {
      requests: [joinRequestBody(base, admins, d.users.admin), joinRequestBody(base, bobs, d.users.bob)],
      total: 2,
    };
    assertJson(await call('GET', requestsUrl(group), tokens.alice), 200, both);
    assertJson(await call('GET', `${requestsUrl(group)}?status=Pending`, tokens.alice), 200, both);
    assertJson(await call('GET', `${requestsUrl(group)}?status=Accepted`, tokens.alice), 200, {
      requests: [],
      total: 0,
    });
    assertError(
      await call('GET', requestsUrl(group), tokens.bob),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to view this group's membership requests.",
    );
    assertError(
      await call('GET', `${requestsUrl(group)}?status=Maybe`, tokens.alice),
      400,
      'INVALID_INPUT',
      'Invalid status: Maybe. Specify one of: Pending, Accepted, Declined.',
    );
    // An admin manages any internal group: they see the requests of groups they don't belong to.
    const adminView = await call('GET', requestsUrl(d.groups.allAcme), tokens.admin);
    assertJson(adminView, 200, { requests: [], total: 0 });
  });

  test('GET /chatter/group-membership-requests/{id}: the requester and the managers; others 403', async () => {
    const group = await create('alice', 'Readers');
    const request = await requestById(
      h,
      d.orgId,
      (await call('POST', requestsUrl(group), tokens.bob)).json().id,
    );
    assertJson(
      await call('GET', requestUrl(request.id), tokens.bob),
      200,
      joinRequestBody(base, request, d.users.bob),
    );
    assertJson(
      await call('GET', requestUrl(request.id), tokens.alice),
      200,
      joinRequestBody(base, request, d.users.bob),
    );
    assertJson(
      await call('GET', requestUrl(request.id), tokens.admin),
      200,
      joinRequestBody(base, request, d.users.bob),
    );
    await call('POST', `${base}/chatter/groups/${group.id}/members`, tokens.alice, {
      userId: d.users.dan.id,
    });
    const outsider = await outsiderToken();
    assertError(
      await call('GET', requestUrl(request.id), outsider),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to view this membership request.",
    );
    assertError(await call('GET', requestUrl(unusedId('0I5')), tokens.bob), 404, ...NOT_FOUND);
    assertError(
      await call('GET', requestUrl(group.id), tokens.bob),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${group.id}`,
    );
  });

  /** A fresh standard user: neither the requester nor a manager of the group. */
  async function outsiderToken(): Promise<string> {
    const response = await h.admin('POST', '/_chatterbox/users', {
      username: 'frank@acme.example',
      password: 'frank-password-1',
      firstName: 'Frank',
      lastName: 'Foster',
      type: 'standard',
    });
    assert.equal(response.statusCode, 201, response.body);
    return h.login('frank@acme.example', 'frank-password-1');
  }

  test('PATCH /chatter/group-membership-requests/{id} Accepted: the member is added; deciding again is 409', async () => {
    const group = await create('alice', 'Accepting');
    const id = (await call('POST', requestsUrl(group), tokens.bob)).json().id as string;
    h.services.clock.advance(5000);
    const response = await call('PATCH', requestUrl(id), tokens.alice, {
      status: 'Accepted',
      responseMessage: 'Welcome',
    });
    const stored = await requestById(h, d.orgId, id);
    assert.equal(stored.status, 'Accepted');
    assert.equal(stored.responseMessage, null, 'a message is only kept for a decline');
    assert.ok(stored.modifiedAt > stored.createdAt);
    assertJson(response, 200, joinRequestBody(base, stored, d.users.bob));
    assert.equal(await memberCount(group, d.users.bob.id), 1);
    assert.equal(await myRole(group, tokens.bob), 'StandardMember');
    for (const status of ['Accepted', 'Declined']) {
      assertError(
        await call('PATCH', requestUrl(id), tokens.alice, { status }),
        409,
        'INVALID_STATUS',
        'This membership request was already accepted or declined.',
      );
    }
    assert.deepEqual(await requestById(h, d.orgId, id), stored, 'the refused updates changed nothing');
  });

  test('PATCH … Declined keeps the response message; myRole is NotAMember; a new request is a new Pending one', async () => {
    const group = await create('alice', 'Declining');
    const id = (await call('POST', requestsUrl(group), tokens.bob)).json().id as string;
    const response = await call(
      'PATCH',
      `${requestUrl(id)}?status=Declined&responseMessage=${encodeURIComponent('Not <now>')}`,
      tokens.alice,
    );
    const stored = await requestById(h, d.orgId, id);
    assert.equal(stored.responseMessage, 'Not <now>');
    assertJson(response, 200, joinRequestBody(base, stored, d.users.bob));
    assert.equal(response.json().responseMessage, 'Not &lt;now&gt;');
    assert.equal(await myRole(group, tokens.bob), 'NotAMember');
    assert.equal(await memberCount(group, d.users.bob.id), 0);
    const again = await call('POST', requestsUrl(group), tokens.bob);
    const fresh = await requestById(h, d.orgId, again.json().id);
    assert.notEqual(fresh.id, id);
    assert.equal(fresh.status, 'Pending');
    assertJson(again, 201, joinRequestBody(base, fresh, d.users.bob));
    assert.equal(await myRole(group, tokens.bob), 'NotAMemberPrivateRequested');
  });

  test('PATCH /chatter/group-membership-requests/{id}: 403 for non-managers, 400 for bad input', async () => {
    const group = await create('alice', 'Gatekeeping');
    const id = (await call('POST', requestsUrl(group), tokens.bob)).json().id as string;
    assertError(
      await call('PATCH', requestUrl(id), tokens.bob, { status: 'Accepted' }),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to answer requests to join this group.",
    );
    assertError(
      await call('PATCH', requestUrl(id), tokens.alice, { status: 'Pending' }),
      400,
      'INVALID_INPUT',
      'Invalid status: Pending. Specify one of: Accepted, Declined.',
    );
    assertError(
      await call('PATCH', requestUrl(id), tokens.alice, { responseMessage: 'x' }),
      400,
      'INVALID_INPUT',
      'Missing required field: status.',
    );
    assertError(
      await call('PATCH', requestUrl(id), tokens.alice, {
        status: 'Declined',
        responseMessage: 'x'.repeat(757),
      }),
      400,
      'INVALID_INPUT',
      'Invalid responseMessage: specify at most 756 characters.',
    );
    assertError(
      await call('PATCH', requestUrl(unusedId('0I5')), tokens.alice, { status: 'Accepted' }),
      404,
      ...NOT_FOUND,
    );
    assert.equal((await requestById(h, d.orgId, id)).status, 'Pending');
  });

  test('PATCH by two deciders at once: exactly one wins (one 200, one 409, one membership)', async () => {
    for (const [round, decisions] of [
      [1, ['Accepted', 'Accepted']],
      [2, ['Accepted', 'Declined']],
      [3, ['Declined', 'Accepted']],
    ] as const) {
      const group = await create('alice', `Race ${round}`);
      await call('POST', `${base}/chatter/groups/${group.id}/members`, tokens.alice, {
        userId: d.users.admin.id,
        role: 'GroupManager',
      });
      const id = (await call('POST', requestsUrl(group), tokens.bob)).json().id as string;
      const responses = await Promise.all([
        call('PATCH', requestUrl(id), tokens.alice, { status: decisions[0] }),
        call('PATCH', requestUrl(id), tokens.admin, { status: decisions[1] }),
      ]);
      const statuses = responses.map((r) => r.statusCode).sort();
      assert.deepEqual(statuses, [200, 409], `round ${round}`);
      const winner = responses.find((r) => r.statusCode === 200)!;
      const loser = responses.find((r) => r.statusCode === 409)!;
      assertError(loser, 409, 'INVALID_STATUS', 'This membership request was already accepted or declined.');
      const stored = await requestById(h, d.orgId, id);
      assertJson(winner, 200, joinRequestBody(base, stored, d.users.bob));
      assert.equal(await memberCount(group, d.users.bob.id), stored.status === 'Accepted' ? 1 : 0);
    }
  });

  test('POST …/members/requests by one user twice at once: one pending request', async () => {
    const group = await create('alice', 'Double Knock');
    const responses = await Promise.all([
      call('POST', requestsUrl(group), tokens.bob),
      call('POST', requestsUrl(group), tokens.bob),
    ]);
    const stored = await h.services.store.joinRequests.listRequests(group.id, undefined);
    assert.equal(stored.length, 1);
    for (const response of responses)
      assertJson(response, 201, joinRequestBody(base, stored[0]!, d.users.bob));
  });
});
