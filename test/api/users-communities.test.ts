import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CommunityRecord, UserRecord } from '../../src/store/records.js';
import { photoShape, USER_MOTIF, userPhotoUrl } from '../helpers/common-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { demoUser } from '../helpers/oauth.js';

const EXTERNAL_REFUSED = [
  { errorCode: 'INSUFFICIENT_ACCESS', message: "External users can't access this resource." },
];
const GUEST_REFUSED = [
  { errorCode: 'INVALID_SESSION_ID', message: "This resource isn't accessible to guest users." },
];
const SESSION_EXPIRED = [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }];
const NOT_FOUND = [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }];

/** What an external or guest viewer sees of someone else: the summary, every detail-only field null. */
function summaryOnly(detail: Record<string, unknown>) {
  return {
    ...detail,
    aboutMe: null,
    address: null,
    bannerPhoto: null,
    chatterActivity: null,
    chatterInfluence: null,
    email: null,
    followersCount: null,
    followingCounts: null,
    groupCount: null,
    hasChatter: null,
    managerId: null,
    managerName: null,
    phoneNumbers: null,
    thanksReceived: null,
    username: null,
  };
}

function assertJson(response: { statusCode: number; headers: Record<string, unknown> }, status: number) {
  assert.equal(response.statusCode, status);
  assert.equal(response.headers['content-type'], JSON_TYPE);
}

describe('users in the Partner Community: external, guest and internal viewers (SPEC §5)', () => {
  let h: Harness;
  let partner: CommunityRecord;
  let base: string;
  let alice: UserRecord;
  let bob: UserRecord;
  let carol: UserRecord;
  let admin: UserRecord;
  let aliceToken: string;
  let carolToken: string;
  /** A user's detail as an internal member (alice) sees it in the community: the full detail. */
  const fullDetail = async (id: string) =>
    (await h.request({ method: 'GET', url: `${base}/chatter/users/${id}`, token: aliceToken })).json();

  before(async () => {
    h = await createHarness();
    const org = await h.services.store.orgs.firstOrg();
    [partner] = (await h.services.store.orgs.listCommunities(org!.id)) as [CommunityRecord];
    base = `/services/data/v36.0/connect/communities/${partner.id}`;
    alice = await demoUser(h, 'alice@acme.example');
    bob = await demoUser(h, 'bob@acme.example');
    carol = await demoUser(h, 'carol@partner.example');
    admin = await demoUser(h, 'admin@acme.example');
    aliceToken = await h.login('alice@acme.example');
    carolToken = await h.login('carol@partner.example');
    // Something detail-only to hide: alice's aboutMe.
    const patched = await h.request({
      method: 'PATCH',
      url: '/services/data/v36.0/chatter/users/me',
      token: aliceToken,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ aboutMe: 'Only for insiders' }),
    });
    assert.equal(patched.statusCode, 200);
  });
  after(() => h.close());

  test('GET /chatter/users/me as an external user on the internal scope is 403', async () => {
    for (const url of [
      '/services/data/v36.0/chatter/users/me',
      `/services/data/v36.0/chatter/users/${alice.id}`,
      '/services/data/v36.0/chatter/users',
      `/services/data/v36.0/chatter/users/batch/${alice.id}`,
      '/services/data/v36.0/connect/communities/internal/chatter/users/me',
    ]) {
      const response = await h.request({ method: 'GET', url, token: carolToken });
      assertJson(response, 403);
      assert.deepEqual(response.json(), EXTERNAL_REFUSED, url);
    }
    const patch = await h.request({
      method: 'PATCH',
      url: '/services/data/v36.0/chatter/users/me',
      token: carolToken,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ aboutMe: 'x' }),
    });
    assertJson(patch, 403);
    assert.deepEqual(patch.json(), EXTERNAL_REFUSED);
  });

  test('GET …/connect/communities/{id}/chatter/users/me as the external member answers her whole detail', async () => {
    const response = await h.request({ method: 'GET', url: `${base}/chatter/users/me`, token: carolToken });
    assertJson(response, 200);
    const body = response.json();
    assert.deepEqual(body, await fullDetail(carol.id));
    assert.equal(body.url, `${base}/chatter/users/${carol.id}`);
    assert.equal(body.userType, 'Portal');
    assert.equal(body.isInThisCommunity, true);
    assert.equal(body.username, 'carol@partner.example');
  });

  test('GET …/communities/{id}/chatter/users/{id} as the external member: others show summary fields only', async () => {
    const detail = await fullDetail(alice.id);
    assert.equal(detail.aboutMe, 'Only for insiders');
    const response = await h.request({
      method: 'GET',
      url: `${base}/chatter/users/${alice.id}`,
      token: carolToken,
    });
    assertJson(response, 200);
    assert.deepEqual(response.json(), {
      additionalLabel: null,
      communityNickname: 'alice',
      companyName: 'Acme',
      displayName: 'Alice Anders',
      firstName: 'Alice',
      id: alice.id,
      isActive: true,
      isInThisCommunity: true,
      lastName: 'Anders',
      motif: USER_MOTIF,
      mySubscription: null,
      name: 'Alice Anders',
      photo: photoShape(alice.id, userPhotoUrl(base, alice.id)),
      reputation: null,
      title: null,
      type: 'User',
      url: `${base}/chatter/users/${alice.id}`,
      userType: 'Internal',
      aboutMe: null,
      address: null,
      bannerPhoto: null,
      chatterActivity: null,
      chatterInfluence: null,
      email: null,
      followersCount: null,
      followingCounts: null,
      groupCount: null,
      hasChatter: null,
      managerId: null,
      managerName: null,
      phoneNumbers: null,
      thanksReceived: null,
      username: null,
    });
    assert.deepEqual(response.json(), summaryOnly(detail));
  });

  test('GET …/communities/{id}/chatter/users/{id} of a non-member is 404 for the external member', async () => {
    const response = await h.request({
      method: 'GET',
      url: `${base}/chatter/users/${bob.id}`,
      token: carolToken,
    });
    assertJson(response, 404);
    assert.deepEqual(response.json(), NOT_FOUND);
  });

  test('GET …/communities/{id}/chatter/users lists the community members only', async () => {
    const response = await h.request({ method: 'GET', url: `${base}/chatter/users`, token: carolToken });
    assertJson(response, 200);
    assert.deepEqual(response.json(), {
      currentPageToken: 0,
      currentPageUrl: `${base}/chatter/users?page=0&pageSize=25`,
      nextPageToken: null,
      nextPageUrl: null,
      previousPageToken: null,
      previousPageUrl: null,
      // Ada Admin, Alice Anders, Carol Chen: not Bob (not a member), not the guest user.
      users: [
        summaryOnly(await fullDetail(admin.id)),
        summaryOnly(await fullDetail(alice.id)),
        await fullDetail(carol.id),
      ],
    });
  });

  test('GET …/communities/{id}/chatter/users/batch answers members and 404 for the others', async () => {
    const response = await h.request({
      method: 'GET',
      url: `${base}/chatter/users/batch/${alice.id},${bob.id}`,
      token: carolToken,
    });
    assertJson(response, 200);
    assert.deepEqual(response.json(), {
      hasErrors: true,
      results: [
        { result: summaryOnly(await fullDetail(alice.id)), statusCode: 200 },
        { result: NOT_FOUND, statusCode: 404 },
      ],
    });
  });

  test('PATCH …/communities/{id}/chatter/users/{id} of someone else is 403 for the external member', async () => {
    const response = await h.request({
      method: 'PATCH',
      url: `${base}/chatter/users/${alice.id}`,
      token: carolToken,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ aboutMe: 'hijacked' }),
    });
    assertJson(response, 403);
    assert.deepEqual(response.json(), [
      { errorCode: 'INSUFFICIENT_ACCESS', message: "You don't have permission to edit this user's profile." },
    ]);
    assert.equal((await h.services.store.users.findAnyOrg(alice.id))?.aboutMe, 'Only for insiders');
  });

  test('GET …/communities/{id}/chatter/users/{id} as a guest (no Authorization) answers summary fields', async () => {
    for (const community of [partner.id, partner.id.slice(0, 15), partner.id.toLowerCase()]) {
      const url = `/services/data/v36.0/connect/communities/${community}/chatter/users/${alice.id}`;
      const response = await h.request({ method: 'GET', url });
      assertJson(response, 200);
      assert.deepEqual(response.json(), summaryOnly(await fullDetail(alice.id)), community);
    }
    const list = await h.request({ method: 'GET', url: `${base}/chatter/users` });
    assertJson(list, 200);
    assert.deepEqual(list.json().users, [
      summaryOnly(await fullDetail(admin.id)),
      summaryOnly(await fullDetail(alice.id)),
      summaryOnly(await fullDetail(carol.id)),
    ]);
  });

  test('GET …/communities/{id}/chatter/users/me as a guest is 401 with the guest message', async () => {
    const response = await h.request({ method: 'GET', url: `${base}/chatter/users/me` });
    assertJson(response, 401);
    assert.deepEqual(response.json(), GUEST_REFUSED);
    const patch = await h.request({
      method: 'PATCH',
      url: `${base}/chatter/users/${alice.id}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ aboutMe: 'guest was here' }),
    });
    assertJson(patch, 401);
    assert.deepEqual(patch.json(), GUEST_REFUSED);
    assert.equal((await h.services.store.users.findAnyOrg(alice.id))?.aboutMe, 'Only for insiders');
  });

  test('GET users without Authorization anywhere but a guest-enabled community is 401 Session expired', async () => {
    for (const url of [
      `/services/data/v36.0/chatter/users/${alice.id}`,
      `/services/data/v36.0/connect/communities/internal/chatter/users/${alice.id}`,
      `/services/data/v36.0/connect/communities/0DBCb0000000999/chatter/users/${alice.id}`,
    ]) {
      const response = await h.request({ method: 'GET', url });
      assertJson(response, 401);
      assert.deepEqual(response.json(), SESSION_EXPIRED, url);
    }
  });

  test('GET …/communities/{id}/chatter/users/{id} as an internal member shows the whole detail, with the prefix', async () => {
    const response = await h.request({
      method: 'GET',
      url: `${base}/chatter/users/${carol.id}`,
      token: aliceToken,
    });
    assertJson(response, 200);
    const internal = await h.request({
      method: 'GET',
      url: `/services/data/v36.0/chatter/users/${carol.id}`,
      token: aliceToken,
    });
    // The same user: the community prefix in every URL, and carol is in this community.
    const expected = JSON.parse(
      JSON.stringify(internal.json()).replace(
        /\/services\/data\/v36\.0\/(chatter|connect)\//g,
        `${base}/$1/`,
      ),
    );
    assert.equal(internal.json().isInThisCommunity, false);
    assert.deepEqual(response.json(), { ...expected, isInThisCommunity: true });
  });

  test('GET …/communities/{id}/chatter/users/{id} as an internal non-member is 403', async () => {
    const bobToken = await h.login('bob@acme.example');
    const response = await h.request({ method: 'GET', url: `${base}/chatter/users/me`, token: bobToken });
    assertJson(response, 403);
    assert.deepEqual(response.json(), [
      { errorCode: 'INSUFFICIENT_ACCESS', message: "You aren't a member of this community." },
    ]);
  });
});
