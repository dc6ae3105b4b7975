import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../helpers/api-assert.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

const V = '/services/data/v58.0';
const ACCOUNT_MOTIF = {
  color: '7F8DE1',
  largeIconUrl: '/img/icon/accounts64.png',
  mediumIconUrl: '/img/icon/accounts32.png',
  smallIconUrl: '/img/icon/accounts16.png',
  svgIconUrl: null,
};

describe('Chatter on records (SPEC §12.1, F2 §1.1–1.5)', () => {
  let h: Harness;
  let alice: string;
  let bob: string;
  let carol: string;
  let aliceId: string;
  let bobId: string;
  let communityId: string;
  before(async () => {
    h = await createHarness();
    alice = await h.login('alice@acme.example');
    bob = await h.login('bob@acme.example');
    carol = await h.login('carol@partner.example');
    const user = async (u: string) =>
      (await h.services.store.users.findByUsername(u)) as { id: string; orgId: string };
    aliceId = (await user('alice@acme.example')).id;
    bobId = (await user('bob@acme.example')).id;
    communityId = (await h.services.store.orgs.listCommunities((await user('alice@acme.example')).orgId))[0]
      ?.id as string;
  });
  after(() => h.close());

  const call = (method: 'GET' | 'POST' | 'DELETE', path: string, token = alice, payload?: unknown) =>
    h.request({
      method,
      url: `${V}${path}`,
      token,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const summary = (id: string, name: string, mySubscription: string | null = null) => ({
    entityLabel: { label: 'Account', labelPlural: 'Accounts' },
    id,
    motif: ACCOUNT_MOTIF,
    mySubscription: mySubscription && {
      id: mySubscription,
      url: `${V}/chatter/subscriptions/${mySubscription}`,
    },
    name,
    type: 'Account',
    url: `${V}/chatter/records/${id}`,
  });
  async function account(name: string): Promise<string> {
    const response = await call('POST', '/sobjects/Account', alice, { Name: name });
    assert.equal(response.statusCode, 201);
    return response.json().id;
  }
  async function postTo(subjectId: string, text: string, token = bob) {
    const response = await call('POST', '/chatter/feed-elements', token, {
      feedElementType: 'FeedItem',
      subjectId,
      body: { messageSegments: [{ type: 'Text', text }] },
    });
    assert.equal(response.statusCode, 201, response.body);
    return response.json();
  }

  test('GET chatter/records/{id}: Record Summary; users and groups answer their own summaries; unknown 404', async () => {
    const id = await account('Burlington Textiles');
    const response = await call('GET', `/chatter/records/${id}`);
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), summary(id, 'Burlington Textiles'));
    const below40 = await h.request({
      method: 'GET',
      url: `/services/data/v39.0/chatter/records/${id}`,
      token: alice,
    });
    const { entityLabel, ...rest } = summary(id, 'Burlington Textiles');
    void entityLabel;
    assert.deepEqual(below40.json(), { ...rest, url: `/services/data/v39.0/chatter/records/${id}` });
    const user = await call('GET', `/chatter/records/${bobId}`);
    assert.equal(user.statusCode, 200);
    assert.deepEqual(user.json(), (await postTo(bobId, 'On my profile.')).actor);
    assertError(
      await call('GET', '/chatter/records/001Cb0000000zzzAAA'),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
    assertError(
      await call('GET', '/chatter/records/0D5Cb0000000001AAA'),
      400,
      'INVALID_ID_FIELD',
      'Invalid identifier: 0D5Cb0000000001AAA',
    );
    assert.equal((await call('DELETE', `/sobjects/Account/${id}`)).statusCode, 204);
    assertError(
      await call('GET', `/chatter/records/${id}`),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
  });

  test('posting to a record: parent is its Record Summary, header "Record — Actor", visibility InternalUsers; its feed pages', async () => {
    const id = await account('Feed Co');
    const first = await postTo(id, 'First on the record.');
    const second = await postTo(id, 'Second on the record.', alice);
    assert.deepEqual(first.parent, summary(id, 'Feed Co'));
    assert.equal(first.visibility, 'InternalUsers');
    assert.deepEqual(first.header, {
      isRichText: null,
      messageSegments: [
        {
          motif: ACCOUNT_MOTIF,
          reference: { id, url: `${V}/chatter/records/${id}` },
          text: 'Feed Co',
          type: 'EntityLink',
        },
        { text: ' \u2014 ', type: 'Text' },
        {
          motif: first.actor.motif,
          reference: { id: bobId, url: `${V}/chatter/users/${bobId}` },
          text: 'Bob Baker',
          type: 'EntityLink',
        },
      ],
      text: 'Feed Co \u2014 Bob Baker',
    });
    const feed = await call('GET', `/chatter/feeds/record/${id}/feed-elements?pageSize=1`);
    assert.equal(feed.statusCode, 200);
    assert.equal(feed.headers['content-type'], JSON_TYPE);
    const page = feed.json();
    assert.deepEqual(
      page.elements.map((e: { id: string }) => e.id),
      [second.id],
    );
    assert.ok(page.nextPageToken);
    const next = (
      await call(
        'GET',
        `/chatter/feeds/record/${id}/feed-elements?pageSize=1&page=${encodeURIComponent(page.nextPageToken)}`,
      )
    ).json();
    assert.deepEqual(
      next.elements.map((e: { id: string }) => e.id),
      [first.id],
    );
    assert.equal(next.nextPageToken, null);
    const direct = (await call('GET', `/chatter/feed-elements/${first.id}`)).json();
    assert.deepEqual(next.elements[0], direct);
    const resource = await call('GET', `/chatter/feeds/record/${id}`);
    assert.equal(resource.statusCode, 200);
    assertError(
      await call('GET', '/chatter/feeds/record/001Cb0000000zzzAAA/feed-elements'),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
  });

  test('following a record: Subscription with the Record Summary; filterType=001; followers; news feed holds its posts', async () => {
    const id = await account('Followed Inc');
    const follow = await call('POST', '/chatter/users/me/following', alice, { subjectId: id });
    assert.equal(follow.statusCode, 201, follow.body);
    const subscription = follow.json();
    assert.deepEqual(subscription.subject, summary(id, 'Followed Inc', subscription.id));
    assert.equal(subscription.subscriber.id, aliceId);
    assert.equal(subscription.url, `${V}/chatter/subscriptions/${subscription.id}`);
    const again = await call('POST', '/chatter/users/me/following', alice, { subjectId: id });
    assert.equal(again.statusCode, 409);

    // alice follows the demo's Globex Corporation too (SPEC §11): followed first.
    const following = (await call('GET', '/chatter/users/me/following?filterType=001')).json();
    assert.deepEqual(following.following.at(-1), subscription);
    assert.deepEqual(
      following.following.map((s: { subject: { name: string } }) => s.subject.name),
      ['Globex Corporation', 'Followed Inc'],
    );
    assert.equal(following.total, 2);
    const users = (await call('GET', '/chatter/users/me/following?filterType=005')).json();
    assert.equal(
      users.following.some((s: { subject: { id: string } }) => s.subject.id === id),
      false,
    );

    const followers = await call('GET', `/chatter/records/${id}/followers`);
    assert.equal(followers.statusCode, 200);
    assert.equal(followers.headers['content-type'], JSON_TYPE);
    assert.deepEqual(followers.json(), {
      currentPageUrl: `${V}/chatter/records/${id}/followers?page=0&pageSize=25`,
      followers: [subscription],
      nextPageUrl: null,
      previousPageUrl: null,
      total: 1,
    });

    const post = await postTo(id, 'News for followers.');
    const news = (await call('GET', '/chatter/feeds/news/me/feed-elements')).json();
    assert.equal(news.elements[0].id, post.id);
    assert.deepEqual(news.elements[0].parent, summary(id, 'Followed Inc', subscription.id));
  });

  test("GET chatter/records/{id}/followers with a user or group ID: that user's or group's followers; a hidden group 404", async () => {
    const groupId = async (path: string, token: string) =>
      (await h.request({ method: 'GET', url: path, token })).json().groups[0].id as string;
    const allAcme = await groupId(`${V}/chatter/groups?q=All%20Acme`, alice);
    const follow = await call('POST', '/chatter/users/me/following', bob, { subjectId: allAcme });
    assert.equal(follow.statusCode, 201, follow.body);
    const subscription = (await call('GET', `/chatter/subscriptions/${follow.json().id}`)).json();
    const ofGroup = await call('GET', `/chatter/records/${allAcme}/followers?pageSize=5`);
    assert.equal(ofGroup.statusCode, 200);
    assert.equal(ofGroup.headers['content-type'], JSON_TYPE);
    assert.deepEqual(ofGroup.json(), {
      currentPageUrl: `${V}/chatter/records/${allAcme}/followers?page=0&pageSize=5`,
      followers: [subscription],
      nextPageUrl: null,
      previousPageUrl: null,
      total: 1,
    });

    const ofUser = await call('GET', `/chatter/records/${bobId}/followers`);
    assert.equal(ofUser.statusCode, 200);
    assert.equal(ofUser.headers['content-type'], JSON_TYPE);
    const asUser = (await call('GET', `/chatter/users/${bobId}/followers`)).json();
    assert.deepEqual(ofUser.json(), {
      ...asUser,
      currentPageUrl: `${V}/chatter/records/${bobId}/followers?page=0&pageSize=25`,
    });

    // Partner Hub lives in the Partner Community: on the internal scope it is not there at all.
    const hub = await groupId(`${V}/connect/communities/${communityId}/chatter/groups?q=Partner`, carol);
    for (const path of [`/chatter/records/${hub}`, `/chatter/records/${hub}/followers`]) {
      assertError(await call('GET', path), 404, 'NOT_FOUND', 'The requested resource does not exist', path);
    }
    assertError(
      await call('GET', '/chatter/records/0D5000000000000/followers'),
      400,
      'INVALID_ID_FIELD',
      'Invalid identifier: 0D5000000000000',
    );
  });

  test("GET chatter/records/{id}/followers with a topic ID: the topic's Follower Page; unknown, deleted or in a community 404", async () => {
    const admin = await h.login('admin@acme.example');
    const made = await call('POST', '/connect/topics', alice, { name: 'Followable' });
    assert.equal(made.statusCode, 201, made.body);
    const topicId = made.json().id as string;
    const followers = await call('GET', `/chatter/records/${topicId.slice(0, 15)}/followers?pageSize=5`);
    assert.equal(followers.statusCode, 200, followers.body);
    assert.equal(followers.headers['content-type'], JSON_TYPE);
    // Nobody follows a topic here: users/me/following takes no topic ID (yet).
    assert.deepEqual(followers.json(), {
      currentPageUrl: `${V}/chatter/records/${topicId}/followers?page=0&pageSize=5`,
      followers: [],
      nextPageUrl: null,
      previousPageUrl: null,
      total: 0,
    });
    const missing = '/chatter/records/0TO000000000000/followers';
    assertError(await call('GET', missing), 404, 'NOT_FOUND', 'The requested resource does not exist');
    assertError(
      await call('GET', `/chatter/records/${topicId}/followers`, carol),
      403,
      'INSUFFICIENT_ACCESS',
      "External users can't access this resource.",
    );
    for (const token of [carol, alice]) {
      const url = `${V}/connect/communities/${communityId}/chatter/records/${topicId}/followers`;
      const response = await h.request({ method: 'GET', url, token });
      assertError(response, 404, 'NOT_FOUND', 'The requested resource does not exist');
    }
    assert.equal((await call('DELETE', `/connect/topics/${topicId}`, admin)).statusCode, 204);
    assertError(
      await call('GET', `/chatter/records/${topicId}/followers`),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
  });

  test('deleting a record deletes its feed and its subscriptions', async () => {
    const id = await account('Short-lived');
    const follow = (await call('POST', '/chatter/users/me/following', alice, { subjectId: id })).json();
    const post = await postTo(id, 'Soon gone.');
    assert.equal((await call('DELETE', `/sobjects/Account/${id}`)).statusCode, 204);
    assertError(
      await call('GET', `/chatter/feed-elements/${post.id}`),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
    assertError(
      await call('GET', `/chatter/subscriptions/${follow.id}`),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
    assertError(
      await call('GET', `/chatter/feeds/record/${id}/feed-elements`),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
    const news = (await call('GET', '/chatter/feeds/news/me/feed-elements')).json();
    assert.equal(
      news.elements.some((e: { id: string }) => e.id === post.id),
      false,
    );
  });

  test('external users: 403 on the internal scope, 404 for records in their community; guests 401', async () => {
    const id = await account('Private to Acme');
    assertError(
      await call('GET', `/chatter/records/${id}`, carol),
      403,
      'INSUFFICIENT_ACCESS',
      "External users can't access this resource.",
    );
    const community = `/services/data/v58.0/connect/communities/${communityId}`;
    for (const path of [
      `/chatter/records/${id}`,
      `/chatter/feeds/record/${id}/feed-elements`,
      `/chatter/records/${id}/followers`,
    ]) {
      assertError(
        await h.request({ method: 'GET', url: `${community}${path}`, token: carol }),
        404,
        'NOT_FOUND',
        'The requested resource does not exist',
        path,
      );
    }
    const posted = await h.request({
      method: 'POST',
      url: `${community}/chatter/feed-elements`,
      token: carol,
      payload: {
        feedElementType: 'FeedItem',
        subjectId: id,
        body: { messageSegments: [{ type: 'Text', text: 'x' }] },
      },
    });
    assertError(posted, 404, 'NOT_FOUND', 'The requested resource does not exist');
    const guest = await h.request({ method: 'GET', url: `${community}/chatter/records/${id}` });
    assert.equal(guest.statusCode, 401);
  });
});
