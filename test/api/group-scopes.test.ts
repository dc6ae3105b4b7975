import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GroupRecord } from '../../src/store/records.js';
import {
  apiBase,
  assertError,
  assertJson,
  caller,
  type Demo,
  GUEST_MESSAGE,
  groupBody,
  groupById,
  groupDetailBody,
  joinRequestBody,
  loadDemo,
  memberBody,
  membershipId,
  NOT_FOUND,
  requestById,
} from '../helpers/collab.js';
import { createHarness, type Harness } from '../helpers/harness.js';

describe('groups in communities, for external users and guests (SPEC §5)', () => {
  let h: Harness;
  let d: Demo;
  let call: ReturnType<typeof caller>;
  let partners: string;
  let privateHub: GroupRecord;
  let unlistedHub: GroupRecord;
  const tokens: Record<string, string> = {};
  const base = apiBase();
  const EXTERNAL = "External users can't access this resource.";

  before(async () => {
    h = await createHarness();
    d = await loadDemo(h);
    call = caller(h);
    partners = apiBase('36.0', d.community.id);
    for (const name of ['admin', 'alice', 'bob', 'carol'] as const)
      tokens[name] = await h.login(d.users[name].username);
    const create = async (name: string, visibility: string) => {
      const response = await call('POST', `${partners}/chatter/groups`, tokens.alice, { name, visibility });
      assert.equal(response.statusCode, 201, response.body);
      return groupById(h, d.orgId, response.json().id);
    };
    privateHub = await create('Partner Council', 'PrivateAccess');
    unlistedHub = await create('Partner Backroom', 'Unlisted');
  });
  after(() => h.close());

  test('GET /connect/communities/{id}/chatter/groups: the community’s groups, URLs under the prefix', async () => {
    const { partnerHub } = d.groups;
    assertJson(await call('GET', `${partners}/chatter/groups`, tokens.carol), 200, {
      currentPageUrl: `${partners}/chatter/groups?page=0&pageSize=25`,
      groups: [
        groupBody(partners, partnerHub, {
          owner: d.users.alice,
          memberCount: 2,
          myRole: 'StandardMember',
          membershipId: await membershipId(h, partnerHub.id, d.users.carol.id),
        }),
      ],
      nextPageUrl: null,
      previousPageUrl: null,
    });
    const alice = (await call('GET', `${partners}/chatter/groups`, tokens.alice)).json();
    assert.deepEqual(
      alice.groups.map((g: { id: string }) => g.id),
      [unlistedHub.id, privateHub.id, partnerHub.id],
    );
    assert.deepEqual(alice.groups[1].community, {
      id: d.community.id,
      url: `/services/data/v36.0/connect/communities/${d.community.id}`,
    });
  });

  test('Partner Hub lives in the Partner Community: 404 on the internal scope, 200 in the community', async () => {
    const { partnerHub } = d.groups;
    assertError(
      await call('GET', `${base}/chatter/groups/${partnerHub.id}`, tokens.alice),
      404,
      ...NOT_FOUND,
    );
    assertError(
      await call('GET', `${base}/chatter/groups/${privateHub.id}`, tokens.admin),
      404,
      ...NOT_FOUND,
    );
    const internalList = (await call('GET', `${base}/chatter/groups?archiveStatus=All`, tokens.admin)).json();
    assert.deepEqual(
      internalList.groups.map((g: { name: string }) => g.name),
      ['All Acme', 'Leadership'],
    );
    assertJson(
      await call('GET', `${partners}/chatter/groups/${partnerHub.id}`, tokens.carol),
      200,
      groupDetailBody(partners, partnerHub, {
        owner: d.users.alice,
        memberCount: 2,
        myRole: 'StandardMember',
        membershipId: await membershipId(h, partnerHub.id, d.users.carol.id),
        canReadContent: true,
      }),
    );
    // The internal groups are not in the community.
    assertError(
      await call('GET', `${partners}/chatter/groups/${d.groups.allAcme.id}`, tokens.alice),
      404,
      ...NOT_FOUND,
    );
  });

  test('External carol is 403 on the internal scope, with or without /connect/communities/internal', async () => {
    const { partnerHub } = d.groups;
    for (const prefix of [base, apiBase('36.0', 'internal')]) {
      assertError(
        await call('GET', `${prefix}/chatter/groups`, tokens.carol),
        403,
        'INSUFFICIENT_ACCESS',
        EXTERNAL,
      );
      assertError(
        await call('GET', `${prefix}/chatter/groups/${partnerHub.id}`, tokens.carol),
        403,
        'INSUFFICIENT_ACCESS',
        EXTERNAL,
      );
      assertError(
        await call('GET', `${prefix}/chatter/users/me/following`, tokens.carol),
        403,
        'INSUFFICIENT_ACCESS',
        EXTERNAL,
      );
    }
  });

  test('External carol sees public groups and the private ones she belongs to, nothing unlisted', async () => {
    assertError(
      await call('GET', `${partners}/chatter/groups/${privateHub.id}`, tokens.carol),
      404,
      ...NOT_FOUND,
    );
    assertError(
      await call('GET', `${partners}/chatter/groups/${unlistedHub.id}`, tokens.carol),
      404,
      ...NOT_FOUND,
    );
    const add = await call('POST', `${partners}/chatter/groups/${privateHub.id}/members`, tokens.alice, {
      userId: d.users.carol.id,
    });
    const carolMembership = await membershipId(h, privateHub.id, d.users.carol.id);
    assertJson(add, 201, memberBody(partners, carolMembership, 'StandardMember', d.users.carol));
    assertJson(
      await call('GET', `${partners}/chatter/groups/${privateHub.id}`, tokens.carol),
      200,
      groupDetailBody(partners, privateHub, {
        owner: d.users.alice,
        memberCount: 2,
        myRole: 'StandardMember',
        membershipId: carolMembership,
        canReadContent: true,
      }),
    );
    // Bob is no member of the community: he can't be added to its groups.
    assertError(
      await call('POST', `${partners}/chatter/groups/${privateHub.id}/members`, tokens.alice, {
        userId: d.users.bob.id,
      }),
      404,
      ...NOT_FOUND,
    );
  });

  test('/connect/communities/internal/… is the internal scope, with URLs echoing the prefix', async () => {
    const internal = apiBase('36.0', 'internal');
    const { leadership } = d.groups;
    assertJson(
      await call('GET', `${internal}/chatter/groups/${leadership.id}`, tokens.bob),
      200,
      groupDetailBody(internal, leadership, {
        owner: d.users.admin,
        memberCount: 1,
        myRole: 'NotAMember',
        membershipId: null,
        canReadContent: false,
      }),
    );
    const request = await call(
      'POST',
      `${internal}/chatter/groups/${leadership.id}/members/requests`,
      tokens.bob,
    );
    assertJson(
      request,
      201,
      joinRequestBody(internal, await requestById(h, d.orgId, request.json().id), d.users.bob),
    );
  });

  test('The community’s guest reads its public groups; private ones are 401, unlisted ones 404', async () => {
    const { partnerHub } = d.groups;
    assertJson(await call('GET', `${partners}/chatter/groups`), 200, {
      currentPageUrl: `${partners}/chatter/groups?page=0&pageSize=25`,
      groups: [
        groupBody(partners, partnerHub, {
          owner: d.users.alice,
          memberCount: 2,
          myRole: 'NotAMember',
          membershipId: null,
        }),
      ],
      nextPageUrl: null,
      previousPageUrl: null,
    });
    assertJson(
      await call('GET', `${partners}/chatter/groups/${partnerHub.id}`),
      200,
      groupDetailBody(partners, partnerHub, {
        owner: d.users.alice,
        memberCount: 2,
        myRole: 'NotAMember',
        membershipId: null,
        canReadContent: true,
      }),
    );
    assertError(
      await call('GET', `${partners}/chatter/groups/${privateHub.id}`),
      401,
      'INVALID_SESSION_ID',
      GUEST_MESSAGE,
    );
    assertError(await call('GET', `${partners}/chatter/groups/${unlistedHub.id}`), 404, ...NOT_FOUND);
    assertError(await call('GET', `${partners}/chatter/groups/${d.groups.allAcme.id}`), 404, ...NOT_FOUND);
    const batch = await call(
      'GET',
      `${partners}/chatter/groups/batch/${partnerHub.id},${privateHub.id},${unlistedHub.id}`,
    );
    assertJson(batch, 200, {
      hasErrors: true,
      results: [
        {
          result: groupBody(partners, partnerHub, {
            owner: d.users.alice,
            memberCount: 2,
            myRole: 'NotAMember',
            membershipId: null,
          }),
          statusCode: 200,
        },
        { result: [{ errorCode: 'INVALID_SESSION_ID', message: GUEST_MESSAGE }], statusCode: 401 },
        { result: [{ errorCode: NOT_FOUND[0], message: NOT_FOUND[1] }], statusCode: 404 },
      ],
    });
  });

  test('The guest gets nothing else of these resources: every other call is 401 with the guest message', async () => {
    const { partnerHub } = d.groups;
    const hub = `${partners}/chatter/groups/${partnerHub.id}`;
    const membership = await membershipId(h, partnerHub.id, d.users.carol.id);
    const calls: [Parameters<typeof call>[0], string, unknown?][] = [
      ['POST', `${partners}/chatter/groups`, { name: 'Guest Group', visibility: 'PublicAccess' }],
      ['PATCH', hub, { name: 'Hijacked' }],
      ['DELETE', hub],
      ['GET', `${hub}/members`],
      ['POST', `${hub}/members`, { userId: d.guest.id }],
      ['GET', `${hub}/members/requests`],
      ['POST', `${hub}/members/requests`],
      ['GET', `${partners}/chatter/group-memberships/${membership}`],
      ['PATCH', `${partners}/chatter/group-memberships/${membership}`, { role: 'GroupManager' }],
      ['DELETE', `${partners}/chatter/group-memberships/${membership}`],
      ['GET', `${partners}/chatter/users/${d.users.alice.id}/groups`],
      ['GET', `${partners}/chatter/users/${d.users.alice.id}/followers`],
      ['POST', `${partners}/chatter/users/me/following`, { subjectId: d.users.alice.id }],
    ];
    for (const [method, url, payload] of calls) {
      assertError(await call(method, url, undefined, payload), 401, 'INVALID_SESSION_ID', GUEST_MESSAGE);
    }
    assert.equal((await groupById(h, d.orgId, partnerHub.id)).name, 'Partner Hub', 'nothing changed');
    // Without a community prefix there is no guest: 401 Session expired.
    assertError(
      await call('GET', `${base}/chatter/groups`),
      401,
      'INVALID_SESSION_ID',
      'Session expired or invalid',
    );
  });
});
