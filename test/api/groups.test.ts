import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  apiBase,
  assertError,
  assertJson,
  assertNoContent,
  caller,
  type Demo,
  groupBody,
  groupById,
  groupDetailBody,
  loadDemo,
  membershipId,
  NOT_FOUND,
  unusedId,
} from '../helpers/collab.js';
import { createHarness, type Harness } from '../helpers/harness.js';

describe('groups (SPEC §5, §6)', () => {
  let h: Harness;
  let d: Demo;
  let call: ReturnType<typeof caller>;
  const tokens: Record<string, string> = {};
  const base = apiBase();

  before(async () => {
    h = await createHarness();
    d = await loadDemo(h);
    call = caller(h);
    for (const name of ['admin', 'alice', 'bob'] as const)
      tokens[name] = await h.login(d.users[name].username);
    tokens.carol = await h.login(d.users.carol.username);
  });
  after(() => h.close());

  /** Creates a group through the API as `who` and returns its record. */
  async function create(who: string, input: Record<string, unknown>, prefix = base) {
    const response = await call('POST', `${prefix}/chatter/groups`, tokens[who], input);
    assert.equal(response.statusCode, 201, response.body);
    return groupById(h, d.orgId, response.json().id);
  }

  test('GET /chatter/groups lists the scope’s groups the caller may see, by name', async () => {
    const { allAcme, leadership } = d.groups;
    const response = await call('GET', `${base}/chatter/groups`, tokens.alice);
    assertJson(response, 200, {
      currentPageUrl: `${base}/chatter/groups?page=0&pageSize=25`,
      groups: [
        groupBody(base, allAcme, {
          owner: d.users.admin,
          memberCount: 3,
          myRole: 'StandardMember',
          membershipId: await membershipId(h, allAcme.id, d.users.alice.id),
        }),
        groupBody(base, leadership, {
          owner: d.users.admin,
          memberCount: 1,
          myRole: 'NotAMember',
          membershipId: null,
        }),
      ],
      nextPageUrl: null,
      previousPageUrl: null,
    });
  });

  test('GET /chatter/groups pages with page and pageSize, and searches names with q', async () => {
    const { allAcme, leadership } = d.groups;
    const second = await call('GET', `${base}/chatter/groups?page=1&pageSize=1`, tokens.admin);
    assertJson(second, 200, {
      currentPageUrl: `${base}/chatter/groups?page=1&pageSize=1`,
      groups: [
        groupBody(base, leadership, {
          owner: d.users.admin,
          memberCount: 1,
          myRole: 'GroupOwner',
          membershipId: await membershipId(h, leadership.id, d.users.admin.id),
        }),
      ],
      nextPageUrl: null,
      previousPageUrl: `${base}/chatter/groups?page=0&pageSize=1`,
    });
    const first = await call('GET', `${base}/chatter/groups?pageSize=1`, tokens.bob);
    assert.equal(first.json().nextPageUrl, `${base}/chatter/groups?page=1&pageSize=1`);
    const search = await call('GET', `${base}/chatter/groups?q=ACM`, tokens.bob);
    assertJson(search, 200, {
      currentPageUrl: `${base}/chatter/groups?q=ACM&page=0&pageSize=25`,
      groups: [
        groupBody(base, allAcme, {
          owner: d.users.admin,
          memberCount: 3,
          myRole: 'StandardMember',
          membershipId: await membershipId(h, allAcme.id, d.users.bob.id),
        }),
      ],
      nextPageUrl: null,
      previousPageUrl: null,
    });
  });

  test('GET /chatter/groups refuses bad paging and search parameters with 400', async () => {
    assertError(
      await call('GET', `${base}/chatter/groups?pageSize=251`, tokens.bob),
      400,
      'INVALID_INPUT',
      'Invalid pageSize: 251. Specify a value between 1 and 250.',
    );
    assertError(
      await call('GET', `${base}/chatter/groups?pageSize=0`, tokens.bob),
      400,
      'INVALID_INPUT',
      'Invalid pageSize: 0. Specify a value between 1 and 250.',
    );
    assertError(
      await call('GET', `${base}/chatter/groups?page=x`, tokens.bob),
      400,
      'INVALID_INPUT',
      'Invalid page: x. Specify a value of type integer.',
    );
    assertError(
      await call('GET', `${base}/chatter/groups?q=a*`, tokens.bob),
      400,
      'INVALID_INPUT',
      'Invalid q: the search term must have at least 2 characters other than wildcards.',
    );
    assertError(
      await call('GET', `${base}/chatter/groups?archiveStatus=Old`, tokens.bob),
      400,
      'INVALID_INPUT',
      'Invalid archiveStatus: Old. Specify one of: All, Archived, NotArchived.',
    );
  });

  test('POST /chatter/groups creates a group owned by the caller (201 Group Detail)', async () => {
    const response = await call('POST', `${base}/chatter/groups`, tokens.bob, {
      name: 'Bob <Builders>',
      visibility: 'PrivateAccess',
      description: 'We "build" & ship',
      information: { title: 'Read me', text: "Rules: don't panic" },
      canHaveChatterGuests: true,
      isArchived: false,
      isAutoArchiveDisabled: true,
      isBroadcast: true,
    });
    const group = await groupById(h, d.orgId, response.json().id);
    assert.equal(group.communityId, null);
    assertJson(
      response,
      201,
      groupDetailBody(base, group, {
        owner: d.users.bob,
        memberCount: 1,
        myRole: 'GroupOwner',
        membershipId: await membershipId(h, group.id, d.users.bob.id),
        canReadContent: true,
      }),
    );
    assert.equal(response.json().name, 'Bob &lt;Builders&gt;');
    assert.deepEqual(response.json().information, { text: 'Rules: don&#39;t panic', title: 'Read me' });
  });

  test('POST /chatter/groups takes its input as parameters too, and names are raw without entity encoding', async () => {
    const response = await h.request({
      method: 'POST',
      url: `${base}/chatter/groups?name=${encodeURIComponent('Params & Co')}&visibility=PublicAccess&isArchived=true`,
      token: tokens.alice,
      headers: { 'x-chatter-entity-encoding': 'false' },
    });
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json().name, 'Params & Co');
    assert.equal(response.json().isArchived, true);
    // Archived groups leave the default list (archiveStatus NotArchived) and show with All/Archived.
    const names = async (query: string) =>
      (await call('GET', `${base}/chatter/groups${query}`, tokens.alice))
        .json()
        .groups.map((g: { name: string }) => g.name);
    assert.deepEqual(await names(''), ['All Acme', 'Bob &lt;Builders&gt;', 'Leadership']);
    assert.deepEqual(await names('?archiveStatus=Archived'), ['Params &amp; Co']);
    assert.deepEqual(await names('?archiveStatus=All'), [
      'All Acme',
      'Bob &lt;Builders&gt;',
      'Leadership',
      'Params &amp; Co',
    ]);
  });

  test('POST /chatter/groups validates Group Input (400) and refuses a taken name (409)', async () => {
    const post = (body: unknown, version = '36.0') =>
      call('POST', `${apiBase(version)}/chatter/groups`, tokens.alice, body);
    assertError(
      await post({ visibility: 'PublicAccess' }),
      400,
      'INVALID_INPUT',
      'Missing required field: name.',
    );
    assertError(await post({ name: 'X1' }), 400, 'INVALID_INPUT', 'Missing required field: visibility.');
    assertError(
      await post({ name: 'X1', visibility: 'Secret' }),
      400,
      'INVALID_INPUT',
      'Invalid visibility: Secret. Specify one of: PublicAccess, PrivateAccess, Unlisted.',
    );
    assertError(
      await post({ name: 'x'.repeat(41), visibility: 'PublicAccess' }),
      400,
      'INVALID_INPUT',
      'Invalid name: specify at most 40 characters.',
    );
    assertError(
      await post({ name: '   ', visibility: 'PublicAccess' }),
      400,
      'INVALID_INPUT',
      'Invalid name: specify a name.',
    );
    assertError(
      await post({ name: 'X1', visibility: 'PublicAccess', colour: 'red' }),
      400,
      'JSON_PARSER_ERROR',
      'Unrecognized field "colour"',
    );
    assertError(
      await post({ name: 'X1', visibility: 'PublicAccess', isArchived: 'maybe' }),
      400,
      'INVALID_INPUT',
      'Invalid isArchived: maybe. Specify a value of type boolean.',
    );
    assertError(
      await post({ name: 'X1', visibility: 'PublicAccess', isBroadcast: true }, '35.0'),
      400,
      'INVALID_INPUT',
      'Invalid isBroadcast: available in version 36.0 and later.',
    );
    assertError(
      await post({ name: 'all acme', visibility: 'PublicAccess' }),
      409,
      'DUPLICATE_VALUE',
      'A group with this name already exists.',
    );
    const count = await h.services.store.db
      .selectFrom('groups')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    assert.equal(Number(count?.n), 5, 'nothing was created by the refused requests');
  });

  test('POST /chatter/groups is 403 for external users and 401 for guests', async () => {
    assertError(
      await call('POST', `${apiBase('36.0', d.community.id)}/chatter/groups`, tokens.carol, {
        name: 'Carol Club',
        visibility: 'PublicAccess',
      }),
      403,
      'INSUFFICIENT_ACCESS',
      "External users can't create groups.",
    );
    assertError(
      await call('POST', `${apiBase('36.0', d.community.id)}/chatter/groups`, undefined, {
        name: 'Guest Club',
        visibility: 'PublicAccess',
      }),
      401,
      'INVALID_SESSION_ID',
      "This resource isn't accessible to guest users.",
    );
  });

  test('GET /chatter/groups/{id}: private summary for anyone, information only for members', async () => {
    const { leadership } = d.groups;
    await h.services.store.groups.update(
      leadership.id,
      { informationTitle: 'Agenda', informationText: 'Q3' },
      1,
    );
    const group = await groupById(h, d.orgId, leadership.id);
    const expectation = {
      owner: d.users.admin,
      memberCount: 1,
      myRole: 'NotAMember' as const,
      membershipId: null,
    };
    assertJson(
      await call('GET', `${base}/chatter/groups/${leadership.id}`, tokens.bob),
      200,
      groupDetailBody(base, group, { ...expectation, canReadContent: false }),
    );
    assertJson(
      await call('GET', `${base}/chatter/groups/${leadership.id}`, tokens.admin),
      200,
      groupDetailBody(base, group, {
        ...expectation,
        myRole: 'GroupOwner',
        membershipId: await membershipId(h, leadership.id, d.users.admin.id),
        canReadContent: true,
      }),
    );
    // A 15-character ID works too; URLs always carry the 18-character one.
    const short = await call('GET', `${base}/chatter/groups/${leadership.id.slice(0, 15)}`, tokens.bob);
    assert.equal(short.json().url, `${base}/chatter/groups/${leadership.id}`);
  });

  test('GET /chatter/groups/{id}: 400 for malformed and wrong-type IDs, 404 for unknown ones', async () => {
    assertError(
      await call('GET', `${base}/chatter/groups/0F9xyz`, tokens.bob),
      400,
      'INVALID_ID_FIELD',
      'Invalid identifier: 0F9xyz',
    );
    assertError(
      await call('GET', `${base}/chatter/groups/${d.users.bob.id}`, tokens.bob),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${d.users.bob.id}`,
    );
    assertError(
      await call('GET', `${base}/chatter/groups/${unusedId('0F9')}`, tokens.bob),
      404,
      ...NOT_FOUND,
    );
  });

  test('GET /chatter/groups/{id}: version-gated fields and lastFeedElementPostDate', async () => {
    const { allAcme } = d.groups;
    const postedAt = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    await h.services.store.db
      .updateTable('groups')
      .set({ last_post_at: postedAt })
      .where('id', '=', allAcme.id)
      .execute();
    const group = await groupById(h, d.orgId, allAcme.id);
    const v35 = apiBase('35.0');
    const response = await call('GET', `${v35}/chatter/groups/${allAcme.id}`, tokens.bob);
    assertJson(
      response,
      200,
      groupDetailBody(v35, group, {
        owner: d.users.admin,
        memberCount: 3,
        myRole: 'StandardMember',
        membershipId: await membershipId(h, allAcme.id, d.users.bob.id),
        canReadContent: true,
      }),
    );
    assert.equal(response.json().lastFeedElementPostDate, '2026-01-02T03:04:05.678Z');
    assert.equal('bannerPhoto' in response.json(), false);
    assert.equal('isBroadcast' in response.json(), false);
  });

  test('Unlisted groups: 404 for non-members, visible to members and admins', async () => {
    const secret = await create('alice', { name: 'Secret Santa', visibility: 'Unlisted' });
    assertError(await call('GET', `${base}/chatter/groups/${secret.id}`, tokens.bob), 404, ...NOT_FOUND);
    const bobList = (await call('GET', `${base}/chatter/groups?archiveStatus=All`, tokens.bob)).json();
    assert.equal(
      bobList.groups.some((g: { id: string }) => g.id === secret.id),
      false,
    );
    assertJson(
      await call('GET', `${base}/chatter/groups/${secret.id}`, tokens.admin),
      200,
      groupDetailBody(base, secret, {
        owner: d.users.alice,
        memberCount: 1,
        myRole: 'NotAMember',
        membershipId: null,
        canReadContent: true,
      }),
    );
    const aliceList = (await call('GET', `${base}/chatter/groups?q=santa`, tokens.alice)).json();
    assert.deepEqual(
      aliceList.groups.map((g: { id: string }) => g.id),
      [secret.id],
    );
  });

  test('PATCH /chatter/groups/{id}: owner, manager and admin may; members and others get 403', async () => {
    const group = await create('alice', { name: 'Patchers', visibility: 'PublicAccess' });
    const members = `${base}/chatter/groups/${group.id}/members`;
    assert.equal(
      (await call('POST', members, tokens.alice, { userId: d.users.bob.id, role: 'GroupManager' }))
        .statusCode,
      201,
    );
    const url = `${base}/chatter/groups/${group.id}`;
    assertError(
      await call('PATCH', url, tokens.carol, { description: 'x' }),
      403,
      'INSUFFICIENT_ACCESS',
      "External users can't access this resource.",
    );
    const bobPatch = await call('PATCH', url, tokens.bob, {
      description: 'By the manager',
      information: { title: 'T' },
    });
    const afterBob = await groupById(h, d.orgId, group.id);
    assert.equal(afterBob.description, 'By the manager');
    assertJson(
      bobPatch,
      200,
      groupDetailBody(base, afterBob, {
        owner: d.users.alice,
        memberCount: 2,
        myRole: 'GroupManager',
        membershipId: await membershipId(h, group.id, d.users.bob.id),
        canReadContent: true,
      }),
    );
    const adminPatch = await call('PATCH', url, tokens.admin, {
      visibility: 'PrivateAccess',
      description: null,
    });
    const afterAdmin = await groupById(h, d.orgId, group.id);
    assert.equal(afterAdmin.visibility, 'PrivateAccess');
    assert.equal(afterAdmin.description, null);
    assertJson(
      adminPatch,
      200,
      groupDetailBody(base, afterAdmin, {
        owner: d.users.alice,
        memberCount: 2,
        myRole: 'NotAMember',
        membershipId: null,
        canReadContent: true,
      }),
    );
    // A standard member may not.
    const joined = await create('admin', { name: 'Members Only', visibility: 'PublicAccess' });
    await call('POST', `${base}/chatter/groups/${joined.id}/members`, tokens.bob, { userId: 'me' });
    assertError(
      await call('PATCH', `${base}/chatter/groups/${joined.id}`, tokens.bob, { name: 'Mine now' }),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to edit this group.",
    );
    assertError(
      await call('PATCH', `${base}/chatter/groups/${joined.id}`, tokens.alice, { name: 'Mine now' }),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to edit this group.",
    );
    assert.equal((await groupById(h, d.orgId, joined.id)).name, 'Members Only');
  });

  test('PATCH /chatter/groups/{id}: validation, guests once allowed stay allowed, names stay unique', async () => {
    const group = await create('alice', {
      name: 'Guests Welcome',
      visibility: 'PublicAccess',
      canHaveChatterGuests: true,
    });
    const url = `${base}/chatter/groups/${group.id}`;
    assertError(
      await call('PATCH', url, tokens.alice, { canHaveChatterGuests: false }),
      400,
      'INVALID_INPUT',
      "Invalid canHaveChatterGuests: a group that allows customers can't stop allowing them.",
    );
    assertError(
      await call('PATCH', url, tokens.alice, { name: 'Leadership' }),
      409,
      'DUPLICATE_VALUE',
      'A group with this name already exists.',
    );
    assertError(
      await call('PATCH', url, tokens.alice, { information: { title: 'x'.repeat(31) } }),
      400,
      'INVALID_INPUT',
      'Invalid information.title: specify at most 30 characters.',
    );
    assertError(
      await call('PATCH', `${base}/chatter/groups/${unusedId('0F9')}`, tokens.alice, { name: 'Z' }),
      404,
      ...NOT_FOUND,
    );
    // Renaming to its own name in another case is fine.
    const renamed = await call('PATCH', url, tokens.alice, { name: 'GUESTS WELCOME' });
    assert.equal(renamed.statusCode, 200);
    assert.equal((await groupById(h, d.orgId, group.id)).name, 'GUESTS WELCOME');
  });

  test('PATCH /chatter/groups/{id} with owner hands the group over; the old owner stays as a manager', async () => {
    const group = await create('alice', { name: 'Handover', visibility: 'PublicAccess' });
    const url = `${base}/chatter/groups/${group.id}`;
    assertError(
      await call('PATCH', url, tokens.alice, { owner: d.users.bob.id }),
      400,
      'INVALID_INPUT',
      'Invalid owner: the new owner must be a member of the group.',
    );
    await call('POST', `${base}/chatter/groups/${group.id}/members`, tokens.bob, { userId: 'me' });
    await call('POST', `${base}/chatter/groups/${group.id}/members`, tokens.alice, {
      userId: d.users.admin.id,
      role: 'GroupManager',
    });
    assertError(
      await call('PATCH', url, tokens.alice, { owner: 'nobody' }),
      400,
      'INVALID_ID_FIELD',
      'Invalid identifier: nobody',
    );
    const response = await call('PATCH', url, tokens.alice, { owner: d.users.bob.id });
    const after = await groupById(h, d.orgId, group.id);
    assert.equal(after.ownerId, d.users.bob.id);
    assertJson(
      response,
      200,
      groupDetailBody(base, after, {
        owner: d.users.bob,
        memberCount: 3,
        myRole: 'GroupManager',
        membershipId: await membershipId(h, group.id, d.users.alice.id),
        canReadContent: true,
      }),
    );
    const roles = await h.services.store.memberships.rolesOf(d.users.bob.id, [group.id]);
    assert.equal(roles.get(group.id), 'GroupOwner');
    // A manager can't hand the group over; the owner can.
    assertError(
      await call('PATCH', url, tokens.alice, { owner: d.users.alice.id }),
      403,
      'INSUFFICIENT_ACCESS',
      "Only the group's owner can give the group a new owner.",
    );
  });

  test('DELETE /chatter/groups/{id}: 403 for members, 204 for the owner, then 404 everywhere', async () => {
    const group = await create('alice', { name: 'Short Lived', visibility: 'PublicAccess' });
    const url = `${base}/chatter/groups/${group.id}`;
    const join = await call('POST', `${url}/members`, tokens.bob, { userId: 'me' });
    const bobMembership = join.json().id as string;
    const follow = await call('POST', `${base}/chatter/users/me/following`, tokens.admin, {
      subjectId: group.id,
    });
    assert.equal(follow.statusCode, 201);
    assertError(
      await call('DELETE', url, tokens.bob),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to delete this group.",
    );
    assertNoContent(await call('DELETE', url, tokens.alice));
    assertError(await call('GET', url, tokens.alice), 404, ...NOT_FOUND);
    assertError(await call('GET', url, tokens.admin), 404, ...NOT_FOUND);
    assertError(await call('PATCH', url, tokens.alice, { name: 'Back' }), 404, ...NOT_FOUND);
    assertError(await call('DELETE', url, tokens.alice), 404, ...NOT_FOUND);
    assertError(await call('GET', `${url}/members`, tokens.alice), 404, ...NOT_FOUND);
    assertError(await call('POST', `${url}/members/requests`, tokens.admin), 404, ...NOT_FOUND);
    assertError(
      await call('GET', `${base}/chatter/group-memberships/${bobMembership}`, tokens.bob),
      404,
      ...NOT_FOUND,
    );
    assertError(
      await call('GET', `${base}/chatter/subscriptions/${follow.json().id}`, tokens.admin),
      404,
      ...NOT_FOUND,
    );
    const list = (await call('GET', `${base}/chatter/groups?archiveStatus=All`, tokens.alice)).json();
    assert.equal(
      list.groups.some((g: { id: string }) => g.id === group.id),
      false,
    );
    const mine = (await call('GET', `${base}/chatter/users/me/groups`, tokens.bob)).json();
    assert.equal(
      mine.groups.some((g: { id: string }) => g.id === group.id),
      false,
    );
    const batch = await call('GET', `${base}/chatter/groups/batch/${group.id}`, tokens.alice);
    assertJson(batch, 200, {
      hasErrors: true,
      results: [{ result: [{ errorCode: NOT_FOUND[0], message: NOT_FOUND[1] }], statusCode: 404 }],
    });
    // The name is free again.
    assert.equal(
      (
        await call('POST', `${base}/chatter/groups`, tokens.alice, {
          name: 'Short Lived',
          visibility: 'PublicAccess',
        })
      ).statusCode,
      201,
    );
  });

  test('GET /chatter/groups/batch/{ids}: one result per ID with its own status', async () => {
    const { allAcme, partnerHub } = d.groups;
    const secret = await create('alice', { name: 'Batch Secret', visibility: 'Unlisted' });
    const ids = [allAcme.id, 'bogus', d.users.bob.id, secret.id, partnerHub.id, unusedId('0F9')];
    const response = await call('GET', `${base}/chatter/groups/batch/${ids.join(',')}`, tokens.bob);
    const notFound = { result: [{ errorCode: NOT_FOUND[0], message: NOT_FOUND[1] }], statusCode: 404 };
    assertJson(response, 200, {
      hasErrors: true,
      results: [
        {
          result: groupBody(base, await groupById(h, d.orgId, allAcme.id), {
            owner: d.users.admin,
            memberCount: 3,
            myRole: 'StandardMember',
            membershipId: await membershipId(h, allAcme.id, d.users.bob.id),
          }),
          statusCode: 200,
        },
        {
          result: [{ errorCode: 'INVALID_ID_FIELD', message: 'Invalid identifier: bogus' }],
          statusCode: 400,
        },
        {
          result: [{ errorCode: 'INVALID_ID_FIELD', message: `Invalid identifier: ${d.users.bob.id}` }],
          statusCode: 400,
        },
        notFound,
        notFound,
        notFound,
      ],
    });
    assertError(
      await call('GET', `${base}/chatter/groups/batch/${allAcme.id},,${allAcme.id}`, tokens.bob),
      400,
      'INVALID_INPUT',
      'Invalid groupIds: specify between 1 and 500 comma-separated IDs.',
    );
  });

  test('GET /chatter/users/{id}/groups: the groups a user belongs to that the caller may see', async () => {
    const { allAcme, leadership } = d.groups;
    const created = await h.admin('POST', '/_chatterbox/users', {
      username: 'erin@acme.example',
      password: 'erin-password-1',
      firstName: 'Erin',
      lastName: 'Evans',
      type: 'standard',
    });
    assert.equal(created.statusCode, 201, created.body);
    const erin = (await h.services.store.users.findByUsername('erin@acme.example'))!;
    const secret = await create('alice', { name: 'Erin Unlisted', visibility: 'Unlisted' });
    for (const [group, token] of [
      [allAcme.id, tokens.admin],
      [leadership.id, tokens.admin],
      [secret.id, tokens.alice],
    ] as const) {
      assert.equal(
        (await call('POST', `${base}/chatter/groups/${group}/members`, token, { userId: erin.id }))
          .statusCode,
        201,
      );
    }
    const url = `${base}/chatter/users/${erin.id}/groups`;
    const response = await call('GET', `${url}?pageSize=1`, tokens.bob);
    assertJson(response, 200, {
      currentPageUrl: `${url}?page=0&pageSize=1`,
      groups: [
        groupBody(base, await groupById(h, d.orgId, allAcme.id), {
          owner: d.users.admin,
          memberCount: 4,
          myRole: 'StandardMember',
          membershipId: await membershipId(h, allAcme.id, d.users.bob.id),
        }),
      ],
      nextPageUrl: `${url}?page=1&pageSize=1`,
      previousPageUrl: null,
      total: 2,
    });
    const second = await call('GET', `${url}?page=1&pageSize=1`, tokens.bob);
    assertJson(second, 200, {
      currentPageUrl: `${url}?page=1&pageSize=1`,
      groups: [
        groupBody(base, await groupById(h, d.orgId, leadership.id), {
          owner: d.users.admin,
          memberCount: 2,
          myRole: 'NotAMember',
          membershipId: null,
        }),
      ],
      nextPageUrl: null,
      previousPageUrl: `${url}?page=0&pageSize=1`,
      total: 2,
    });
    // Alice belongs to the unlisted group, so she sees all three of Erin's groups.
    const alice = (await call('GET', `${url}?pageSize=100`, tokens.alice)).json();
    assert.deepEqual(
      alice.groups.map((g: { id: string }) => g.id),
      [allAcme.id, secret.id, leadership.id],
    );
    assert.equal(alice.total, 3);
    assertError(
      await call('GET', `${base}/chatter/users/${allAcme.id}/groups`, tokens.bob),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${allAcme.id}`,
    );
    assertError(
      await call('GET', `${base}/chatter/users/${unusedId('005')}/groups`, tokens.bob),
      404,
      ...NOT_FOUND,
    );
  });
});
