import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { otherOrgToken, v36 } from '../helpers/feed-fixtures.js';
import { groupFacts, NOT_FOUND, type Person, person } from '../helpers/feed-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

/**
 * A deleted post is 404 everywhere: by ID, in every feed, its comments and likes, batch and search
 * (SPEC §2: "record doesn't exist, was deleted, or is invisible"). Other orgs' records are 404 too.
 */
describe('deleted and foreign feed records (SPEC §2, §5)', () => {
  let h: Harness;
  let alice: string;
  let bob: string;
  let postId: string;
  let commentId: string;
  let postLikeId: string;
  let commentLikeId: string;

  before(async () => {
    h = await createHarness();
    alice = await h.login('alice@acme.example');
    bob = await h.login('bob@acme.example');
    const bobUser = await person(h, 'bob@acme.example');
    const allAcme = await groupFacts(h, 'All Acme', bobUser as Person);
    const created = await h.request({
      method: 'POST',
      url: `${v36}/chatter/feed-elements`,
      token: alice,
      payload: {
        feedElementType: 'FeedItem',
        subjectId: allAcme.id,
        body: {
          messageSegments: [
            { type: 'Text', text: 'doomed quokka ' },
            { type: 'Mention', id: bobUser.id },
          ],
        },
      },
    });
    postId = created.json().id;
    commentId = (
      await h.request({
        method: 'POST',
        url: `${v36}/chatter/feed-elements/${postId}/capabilities/comments/items`,
        token: bob,
        payload: { text: 'doomed comment' },
      })
    ).json().id;
    postLikeId = (
      await h.request({
        method: 'POST',
        url: `${v36}/chatter/feed-elements/${postId}/capabilities/chatter-likes/items`,
        token: bob,
      })
    ).json().id;
    commentLikeId = (
      await h.request({ method: 'POST', url: `${v36}/chatter/comments/${commentId}/likes`, token: alice })
    ).json().id;
  });
  after(() => h.close());

  const feeds = () => [
    '/chatter/feeds/news/me/feed-elements',
    '/chatter/feeds/to/me/feed-elements',
    '/chatter/feeds/groups/me/feed-elements',
    '/chatter/feeds/company/feed-elements',
    '/chatter/feeds/user-profile/me/feed-elements',
    '/chatter/feed-elements?q=quokka',
  ];
  const holds = async (url: string) => {
    const response = await h.request({ method: 'GET', url: `${v36}${url}`, token: bob });
    assert.equal(response.statusCode, 200, url);
    return (response.json().elements as { id: string }[]).some((e) => e.id === postId);
  };

  test('before deletion the post is in every feed of the mentioned member', async () => {
    for (const url of feeds().filter((u) => !u.includes('user-profile'))) assert.ok(await holds(url), url);
  });

  test('DELETE /chatter/feed-elements/{id} makes the post, its comments and likes 404 everywhere', async () => {
    const deleted = await h.request({
      method: 'DELETE',
      url: `${v36}/chatter/feed-elements/${postId}`,
      token: alice,
    });
    assert.equal(deleted.statusCode, 204);
    for (const url of feeds()) assert.equal(await holds(url), false, url);
    const allAcme = await groupFacts(h, 'All Acme', (await person(h, 'bob@acme.example')) as Person);
    assert.equal(await holds(`/chatter/feeds/record/${allAcme.id}/feed-elements`), false);
    for (const [method, url] of [
      ['GET', `/chatter/feed-elements/${postId}`],
      ['PATCH', `/chatter/feed-elements/${postId}`],
      ['DELETE', `/chatter/feed-elements/${postId}`],
      ['GET', `/chatter/feed-elements/${postId}/capabilities`],
      ['GET', `/chatter/feed-elements/${postId}/capabilities/comments/items`],
      ['POST', `/chatter/feed-elements/${postId}/capabilities/comments/items`],
      ['GET', `/chatter/feed-elements/${postId}/capabilities/chatter-likes/items`],
      ['POST', `/chatter/feed-elements/${postId}/capabilities/chatter-likes/items`],
      ['GET', `/chatter/comments/${commentId}`],
      ['PATCH', `/chatter/comments/${commentId}`],
      ['DELETE', `/chatter/comments/${commentId}`],
      ['GET', `/chatter/comments/${commentId}/likes`],
      ['POST', `/chatter/comments/${commentId}/likes`],
      ['GET', `/chatter/likes/${postLikeId}`],
      ['DELETE', `/chatter/likes/${postLikeId}`],
      ['GET', `/chatter/likes/${commentLikeId}`],
    ] as const) {
      const response = await h.request({
        method,
        url: `${v36}${url}`,
        token: alice,
        ...(method === 'PATCH' || (method === 'POST' && url.endsWith('comments/items'))
          ? { payload: { text: 'again' } }
          : {}),
      });
      assert.equal(response.statusCode, 404, `${method} ${url}`);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), NOT_FOUND);
    }
    const batch = await h.request({
      method: 'GET',
      url: `${v36}/chatter/feed-elements/batch/${postId}`,
      token: bob,
    });
    assert.deepEqual(batch.json(), { hasErrors: true, results: [{ result: NOT_FOUND, statusCode: 404 }] });
  });

  test("another org's posts, comments and likes are 404", async () => {
    const stranger = await otherOrgToken(h);
    const live = await h.request({
      method: 'POST',
      url: `${v36}/chatter/feed-elements`,
      token: alice,
      payload: { feedElementType: 'FeedItem', subjectId: 'me', text: 'acme only' },
    });
    const id = live.json().id as string;
    const comment = (
      await h.request({
        method: 'POST',
        url: `${v36}/chatter/feed-elements/${id}/capabilities/comments/items`,
        token: bob,
        payload: { text: 'c' },
      })
    ).json().id as string;
    const like = (
      await h.request({
        method: 'POST',
        url: `${v36}/chatter/feed-elements/${id}/capabilities/chatter-likes/items`,
        token: bob,
      })
    ).json().id as string;
    for (const [method, url] of [
      ['GET', `/chatter/feed-elements/${id}`],
      ['DELETE', `/chatter/feed-elements/${id}`],
      ['POST', `/chatter/feed-elements/${id}/capabilities/chatter-likes/items`],
      ['GET', `/chatter/comments/${comment}`],
      ['GET', `/chatter/likes/${like}`],
      ['DELETE', `/chatter/likes/${like}`],
      ['GET', `/chatter/feeds/record/${(await person(h, 'alice@acme.example')).id}/feed-elements`],
    ] as const) {
      const response = await h.request({ method, url: `${v36}${url}`, token: stranger.token });
      assert.equal(response.statusCode, 404, `${method} ${url}`);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), NOT_FOUND);
    }
    const posting = await h.request({
      method: 'POST',
      url: `${v36}/chatter/feed-elements`,
      token: stranger.token,
      payload: {
        feedElementType: 'FeedItem',
        subjectId: (await person(h, 'alice@acme.example')).id,
        text: 'hi',
      },
    });
    assert.equal(posting.statusCode, 404);
    assert.deepEqual(posting.json(), NOT_FOUND);
    const company = await h.request({
      method: 'GET',
      url: `${v36}/chatter/feeds/company/feed-elements`,
      token: stranger.token,
    });
    assert.deepEqual(company.json().elements, []);
  });
});
