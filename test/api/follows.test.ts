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
  loadDemo,
  membershipId,
  NOT_FOUND,
  subscriptionBody,
  unusedId,
  userSummary,
} from '../helpers/collab.js';
import { createHarness, type Harness } from '../helpers/harness.js';

describe('follows (SPEC §6)', () => {
  let h: Harness;
  let d: Demo;
  let call: ReturnType<typeof caller>;
  const tokens: Record<string, string> = {};
  const base = apiBase();
  const community = () => apiBase('36.0', d.community.id);

  before(async () => {
    h = await createHarness();
    d = await loadDemo(h);
    call = caller(h);
    for (const name of ['admin', 'alice', 'bob', 'carol'] as const)
      tokens[name] = await h.login(d.users[name].username);
  });
  after(() => h.close());

  const followingUrl = (who: string, prefix = base) => `${prefix}/chatter/users/${who}/following`;

  test('POST /chatter/users/me/following a person: 201 Subscription; again 409', async () => {
    const response = await call('POST', followingUrl('me'), tokens.alice, { subjectId: d.users.bob.id });
    const id = response.json().id as string;
    assert.match(id, /^0E8/);
    assertJson(
      response,
      201,
      subscriptionBody(base, id, d.users.alice, userSummary(base, d.users.bob, { mySubscription: id })),
    );
    assertError(
      await call('POST', followingUrl(d.users.alice.id), tokens.alice, {
        subjectId: d.users.bob.id.slice(0, 15),
      }),
      409,
      'DUPLICATE_VALUE',
      "You're already following this.",
    );
    // The followed person's summary now carries the subscription, for the follower only.
    assert.deepEqual(
      (await call('GET', `${base}/chatter/users/${d.users.bob.id}`, tokens.alice)).json().mySubscription,
      {
        id,
        url: `${base}/chatter/subscriptions/${id}`,
      },
    );
    assert.equal(
      (await call('GET', `${base}/chatter/users/${d.users.bob.id}`, tokens.admin)).json().mySubscription,
      null,
    );
  });

  test('POST /chatter/users/me/following a group: a subscription to its feed, not a membership', async () => {
    const { allAcme, leadership } = d.groups;
    const response = await call('POST', `${followingUrl('me')}?subjectId=${allAcme.id}`, tokens.bob);
    const id = response.json().id as string;
    const group = await groupById(h, d.orgId, allAcme.id);
    assertJson(
      response,
      201,
      subscriptionBody(
        base,
        id,
        d.users.bob,
        groupBody(base, group, {
          owner: d.users.admin,
          memberCount: 3,
          myRole: 'StandardMember',
          membershipId: await membershipId(h, allAcme.id, d.users.bob.id),
        }),
      ),
    );
    // Following a private group whose feed you can't read is refused; the group stays memberless for you.
    assertError(
      await call('POST', followingUrl('me'), tokens.bob, { subjectId: leadership.id }),
      403,
      'INSUFFICIENT_ACCESS',
      "You can't follow a group whose feed you can't see.",
    );
    assert.equal(
      (await call('GET', `${base}/chatter/groups/${leadership.id}`, tokens.bob)).json().myRole,
      'NotAMember',
    );
    const unlisted = await call('POST', `${base}/chatter/groups`, tokens.alice, {
      name: 'Hush',
      visibility: 'Unlisted',
    });
    assertError(
      await call('POST', followingUrl('me'), tokens.bob, { subjectId: unlisted.json().id }),
      404,
      ...NOT_FOUND,
    );
  });

  test('POST /chatter/users/{id}/following: bad subjects are 400, unknown ones 404, someone else’s list 403', async () => {
    const post = (body: unknown, who = 'me', token = tokens.bob) =>
      call('POST', followingUrl(who), token, body);
    assertError(
      await post({ subjectId: unusedId('0D5') }),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${unusedId('0D5')}`,
    );
    assertError(
      await post({ subjectId: 'not-an-id' }),
      400,
      'INVALID_ID_FIELD',
      'Invalid identifier: not-an-id',
    );
    assertError(
      await post({ subjectId: 'me' }),
      400,
      'INVALID_INPUT',
      "Invalid subjectId: you can't follow yourself.",
    );
    assertError(
      await post({ subjectId: d.users.bob.id }),
      400,
      'INVALID_INPUT',
      "Invalid subjectId: you can't follow yourself.",
    );
    assertError(await post({}), 400, 'INVALID_INPUT', 'Missing required field: subjectId.');
    assertError(await post({ subjectId: unusedId('005') }), 404, ...NOT_FOUND);
    assertError(
      await post({ subjectId: 'x' }, unusedId('005')),
      400,
      'INVALID_ID_FIELD',
      'Invalid identifier: x',
    );
    assertError(await post({ subjectId: unusedId('0F9') }), 404, ...NOT_FOUND);
    assertError(
      await post({ subjectId: d.users.dan.id }, d.users.alice.id),
      403,
      'INSUFFICIENT_ACCESS',
      'You can only follow people and groups for yourself.',
    );
    assertError(
      await post({ subjectId: d.users.dan.id }, d.groups.allAcme.id),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${d.groups.allAcme.id}`,
    );
  });

  test('GET /chatter/users/{id}/following: Following Page with total, filterType by key prefix', async () => {
    const dan = await call('POST', followingUrl('me'), tokens.bob, { subjectId: d.users.dan.id });
    const danId = dan.json().id as string;
    const groupSub = await h.services.store.follows.subscriptionIds(d.users.bob.id, [d.groups.allAcme.id]);
    const groupSubId = groupSub.get(d.groups.allAcme.id)!;
    const url = followingUrl(d.users.bob.id);
    const group = groupBody(base, await groupById(h, d.orgId, d.groups.allAcme.id), {
      owner: d.users.admin,
      memberCount: 3,
      myRole: 'StandardMember',
      membershipId: await membershipId(h, d.groups.allAcme.id, d.users.bob.id),
    });
    const danSub = subscriptionBody(
      base,
      danId,
      d.users.bob,
      userSummary(base, d.users.dan, { mySubscription: danId }),
    );
    assertJson(await call('GET', followingUrl('me'), tokens.bob), 200, {
      currentPageUrl: `${url}?page=0&pageSize=25`,
      following: [subscriptionBody(base, groupSubId, d.users.bob, group), danSub],
      nextPageUrl: null,
      previousPageUrl: null,
      total: 2,
    });
    assertJson(await call('GET', `${url}?filterType=005&pageSize=1`, tokens.bob), 200, {
      currentPageUrl: `${url}?filterType=005&page=0&pageSize=1`,
      following: [danSub],
      nextPageUrl: null,
      previousPageUrl: null,
      total: 1,
    });
    const groupsOnly = (await call('GET', `${url}?filterType=0F9`, tokens.bob)).json();
    assert.deepEqual(
      groupsOnly.following.map((s: { id: string }) => s.id),
      [groupSubId],
    );
    assert.equal((await call('GET', `${url}?filterType=001`, tokens.bob)).json().total, 0);
    assertError(
      await call('GET', `${url}?filterType=0F`, tokens.bob),
      400,
      'INVALID_INPUT',
      'Invalid filterType: 0F. Specify a 3-character key prefix, such as 005 or 0F9.',
    );
    assertError(await call('GET', followingUrl(unusedId('005')), tokens.bob), 404, ...NOT_FOUND);
  });

  test('GET /chatter/users/{id}/followers: Follower Page with total', async () => {
    const url = `${base}/chatter/users/${d.users.dan.id}/followers`;
    const admin = await call('POST', followingUrl('me'), tokens.admin, { subjectId: d.users.dan.id });
    const adminSub = admin.json().id as string;
    const bobSub = (await h.services.store.follows.subscriptionIds(d.users.bob.id, [d.users.dan.id])).get(
      d.users.dan.id,
    )!;
    // Alice follows bob since the first test: his summary carries her subscription.
    const aliceFollowsBob = (
      await h.services.store.follows.subscriptionIds(d.users.alice.id, [d.users.bob.id])
    ).get(d.users.bob.id)!;
    assertJson(await call('GET', url, tokens.alice), 200, {
      currentPageUrl: `${url}?page=0&pageSize=25`,
      followers: [
        subscriptionBody(base, bobSub, d.users.bob, userSummary(base, d.users.dan), {
          subscriberSubscriptionId: aliceFollowsBob,
        }),
        subscriptionBody(base, adminSub, d.users.admin, userSummary(base, d.users.dan)),
      ],
      nextPageUrl: null,
      previousPageUrl: null,
      total: 2,
    });
    const second = await call('GET', `${url}?page=1&pageSize=1`, tokens.alice);
    assert.equal(second.json().followers[0].id, adminSub);
    assert.equal(second.json().previousPageUrl, `${url}?page=0&pageSize=1`);
    assertError(
      await call('GET', `${url}?pageSize=1001`, tokens.alice),
      400,
      'INVALID_INPUT',
      'Invalid pageSize: 1001. Specify a value between 1 and 1000.',
    );
  });

  test('GET|DELETE /chatter/subscriptions/{id}: read by anyone in scope, deleted by the subscriber or an admin', async () => {
    const response = await call('POST', followingUrl('me'), tokens.alice, { subjectId: d.users.admin.id });
    const id = response.json().id as string;
    const url = `${base}/chatter/subscriptions/${id}`;
    assertJson(
      await call('GET', url, tokens.bob),
      200,
      subscriptionBody(base, id, d.users.alice, userSummary(base, d.users.admin)),
    );
    assertError(
      await call('DELETE', url, tokens.bob),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to delete this subscription.",
    );
    assertNoContent(await call('DELETE', url, tokens.alice));
    assertError(await call('GET', url, tokens.alice), 404, ...NOT_FOUND);
    assertError(await call('DELETE', url, tokens.alice), 404, ...NOT_FOUND);
    // Following again works after an unfollow, and an admin may remove anyone's subscription.
    const again = await call('POST', followingUrl('me'), tokens.alice, { subjectId: d.users.admin.id });
    assert.equal(again.statusCode, 201);
    assertNoContent(await call('DELETE', `${base}/chatter/subscriptions/${again.json().id}`, tokens.admin));
    assertError(
      await call('GET', `${base}/chatter/subscriptions/${d.users.bob.id}`, tokens.alice),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${d.users.bob.id}`,
    );
    assertError(
      await call('GET', `${base}/chatter/subscriptions/${unusedId('0E8')}`, tokens.alice),
      404,
      ...NOT_FOUND,
    );
  });

  test('Follows in a community: the community in the body, and lists show only what the scope contains', async () => {
    const prefix = community();
    const response = await call('POST', followingUrl('me', prefix), tokens.carol, {
      subjectId: d.users.alice.id,
    });
    const id = response.json().id as string;
    assertJson(
      response,
      201,
      subscriptionBody(
        prefix,
        id,
        d.users.carol,
        userSummary(prefix, d.users.alice, { mySubscription: id }),
        { communityId: d.community.id },
      ),
    );
    // Alice follows carol in the community; bob (internal) she already follows from the internal scope.
    const back = await call('POST', followingUrl('me', prefix), tokens.alice, {
      subjectId: d.users.carol.id,
    });
    const backId = back.json().id as string;
    const inCommunity = (await call('GET', followingUrl('me', prefix), tokens.alice)).json();
    assert.deepEqual(
      inCommunity.following.map((s: { id: string }) => s.id),
      [backId],
    );
    assert.equal(inCommunity.total, 1);
    // Internally she also follows the demo's Globex Corporation account (SPEC §11).
    const internal = (await call('GET', followingUrl('me'), tokens.alice)).json();
    assert.equal(internal.total, 3);
    // Bob isn't in the community: not someone to follow there, and his subscriptions aren't visible there.
    assertError(
      await call('POST', followingUrl('me', prefix), tokens.carol, { subjectId: d.users.bob.id }),
      404,
      ...NOT_FOUND,
    );
    const bobsSub = (await h.services.store.follows.subscriptionIds(d.users.alice.id, [d.users.bob.id])).get(
      d.users.bob.id,
    )!;
    assertError(
      await call('GET', `${prefix}/chatter/subscriptions/${bobsSub}`, tokens.carol),
      404,
      ...NOT_FOUND,
    );
    // Carol's subscription read from the internal scope by an internal user carries its community.
    assertJson(
      await call('GET', `${base}/chatter/subscriptions/${id}`, tokens.alice),
      200,
      subscriptionBody(base, id, d.users.carol, userSummary(base, d.users.alice), {
        communityId: d.community.id,
        subscriberSubscriptionId: backId,
      }),
    );
    // Guests can't follow or list follows.
    assertError(
      await call('GET', followingUrl(d.users.alice.id, prefix)),
      401,
      'INVALID_SESSION_ID',
      "This resource isn't accessible to guest users.",
    );
  });
});
