import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jsforce1 from 'jsforce1';
import type { UserRecord } from '../../src/store/records.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, demoUser } from '../helpers/oauth.js';
import {
  exhaustHourly,
  HOURLY_MESSAGE,
  lastJournalId,
  lines,
  mentionPost,
  openHourly,
  requestsSince,
  revoke,
  textBody,
} from './flow.js';

/**
 * jsforce 1.11.1 (installed as `jsforce1`, beside jsforce 3), as an integrator still on 1.x drives
 * it: password login, Chatter reads and writes through `conn.chatter.resource()`, an error, a
 * session refresh (1.x logs in again with the password), and the hourly 503, which 1.x does not
 * retry. See docs/clients.md.
 */
const BOUNDED = { timeout: 30_000 };

describe('jsforce 1.11.1 against Chatterbox: a realistic Chatter flow', () => {
  let h: Harness;
  let base: string;
  let alice: UserRecord;
  let bob: UserRecord;
  // biome-ignore lint/suspicious/noExplicitAny: jsforce 1.x ships no types
  let conn: any;
  let groupId: string;
  let postId: string;

  before(async () => {
    h = await createHarness();
    base = await h.listen();
    alice = await demoUser(h, 'alice@acme.example');
    bob = await demoUser(h, 'bob@acme.example');
    conn = new jsforce1.Connection({
      oauth2: { loginUrl: base, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET },
      version: '50.0',
    });
  });
  after(async () => {
    // The clients keep their sockets alive; don't wait for them to time out.
    h.app.server.closeAllConnections();
    await h.close();
  });

  /** What the server answers directly: the body the client must hand back unchanged. */
  const direct = async (path: string) => {
    const response = await h.request({
      method: 'GET',
      url: `/services/data/v50.0${path}`,
      token: conn.accessToken,
      headers: { host: new URL(base).host },
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };

  test('conn.login(): the OAuth password flow', BOUNDED, async () => {
    const userInfo = await conn.login('alice@acme.example', DEMO_PASSWORD);
    assert.deepEqual(
      { id: userInfo.id, organizationId: userInfo.organizationId, url: userInfo.url },
      { id: alice.id, organizationId: alice.orgId, url: `${base}/id/${alice.orgId}/${alice.id}` },
    );
    assert.equal(conn.instanceUrl, base);
    assert.match(conn.accessToken, new RegExp(`^${alice.orgId.slice(0, 15)}![A-Za-z0-9._]+$`));
  });

  test('users/me and groups come back exactly as served', BOUNDED, async () => {
    const me = await conn.chatter.resource('/users/me').retrieve();
    assert.deepEqual(me, await direct('/chatter/users/me'));
    assert.equal(me.id, alice.id);
    const groups = await conn.chatter.resource('/groups').retrieve();
    assert.deepEqual(groups, await direct('/chatter/groups'));
    groupId = groups.groups.find((g: { name: string }) => g.name === 'All Acme').id;
    assert.ok(groupId);
  });

  test(
    'a post with a mention, a comment, a like and its removal, then the post deleted',
    BOUNDED,
    async () => {
      const post = await conn.chatter
        .resource('/feed-elements')
        .create(mentionPost('Hello from jsforce 1 ', bob.id, groupId));
      postId = post.id;
      assert.equal(post.parent.id, groupId);
      assert.deepEqual(
        post.body.messageSegments.map((s: { type: string; text: string }) => [s.type, s.text]),
        [
          ['Text', 'Hello from jsforce 1 '],
          ['Mention', '@Bob Baker'],
        ],
      );
      assert.deepEqual(post, await direct(`/chatter/feed-elements/${postId}`));
      const comment = await conn.chatter
        .resource(`/feed-elements/${postId}/capabilities/comments/items`)
        .create(textBody('A comment'));
      assert.equal(comment.body.text, 'A comment');
      assert.equal(comment.feedElement.id, postId);
      const like = await conn.chatter
        .resource(`/feed-elements/${postId}/capabilities/chatter-likes/items`)
        .create('');
      assert.equal(like.user.id, alice.id);
      const liked = await direct(`/chatter/feed-elements/${postId}`);
      assert.equal(liked.capabilities.chatterLikes.isLikedByCurrentUser, true);
      assert.equal(await conn.chatter.resource(`/likes/${like.id}`).del(), undefined);
      const unliked = await direct(`/chatter/feed-elements/${postId}`);
      assert.equal(unliked.capabilities.chatterLikes.isLikedByCurrentUser, false);
    },
  );

  test('the news feed pages through nextPageUrl', BOUNDED, async () => {
    const first = await conn.chatter.resource('/feeds/news/me/feed-elements', { pageSize: 2 }).retrieve();
    assert.equal(first.elements.length, 2);
    assert.equal(first.elements[0].id, postId);
    assert.ok(first.nextPageUrl);
    const second = await conn.chatter.resource(first.nextPageUrl).retrieve();
    assert.ok(second.elements.length > 0);
    const seen = [...first.elements, ...second.elements].map((e: { id: string }) => e.id);
    assert.equal(new Set(seen).size, seen.length);
  });

  test(
    'deleting the post, then reading it: NOT_FOUND with its errorCode as the error name',
    BOUNDED,
    async () => {
      assert.equal(await conn.chatter.resource(`/feed-elements/${postId}`).del(), undefined);
      await assert.rejects(
        Promise.resolve(conn.chatter.resource(`/feed-elements/${postId}`).retrieve()),
        (error: Error) => {
          assert.equal(error.name, 'NOT_FOUND');
          assert.deepEqual(
            { errorCode: (error as Error & { errorCode: string }).errorCode, message: error.message },
            { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
          );
          return true;
        },
      );
    },
  );

  test('a revoked session: jsforce 1 logs in again with the password and retries once', BOUNDED, async () => {
    const before = conn.accessToken;
    await revoke(h, before);
    const since = await lastJournalId(h);
    const me = await conn.chatter.resource('/users/me').retrieve();
    assert.equal(me.id, alice.id);
    assert.notEqual(conn.accessToken, before);
    assert.deepEqual(lines(await requestsSince(h, since)), [
      'GET /services/data/v50.0/chatter/users/me 401 INVALID_SESSION_ID',
      'POST /services/oauth2/token 200',
      'GET /services/data/v50.0/chatter/users/me 200',
    ]);
  });

  test('the hourly 503: thrown at once as REQUEST_LIMIT_EXCEEDED, never retried', BOUNDED, async () => {
    await exhaustHourly(h);
    const since = await lastJournalId(h);
    try {
      await assert.rejects(
        Promise.resolve(conn.chatter.resource('/groups', { pageSize: 5 }).retrieve()),
        (error: Error) => {
          assert.equal(error.name, 'REQUEST_LIMIT_EXCEEDED');
          assert.equal(error.message, HOURLY_MESSAGE);
          return true;
        },
      );
    } finally {
      await openHourly(h);
    }
    const rows = await requestsSince(h, since);
    assert.deepEqual(lines(rows), ['GET /services/data/v50.0/chatter/groups 503 REQUEST_LIMIT_EXCEEDED']);
    assert.equal(rows[0]?.retryOf, null);
  });
});
