import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nforce from 'nforce';
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
 * nforce 1.13.0 as its users drive it: `mode: 'single'` with `autoRefresh`, Chatter through
 * `getUrl`/`postUrl`/`deleteUrl`. nforce sends `Content-Type: application/json` on every request,
 * body or not (the empty-body rule of SPEC §2), and surfaces the status as `statusCode`.
 */
const BOUNDED = { timeout: 30_000 };
const V = '/services/data/v50.0';

interface NforceError extends Error {
  statusCode: number;
  errorCode: string;
  body: unknown;
}

describe('nforce 1.13.0 against Chatterbox: a realistic Chatter flow', () => {
  let h: Harness;
  let base: string;
  let alice: UserRecord;
  let bob: UserRecord;
  // biome-ignore lint/suspicious/noExplicitAny: nforce ships no types
  let org: any;
  const refreshed: { access_token: string }[] = [];
  let groupId: string;
  let postId: string;

  const connect = () =>
    nforce.createConnection({
      clientId: DEMO_CLIENT_ID,
      clientSecret: DEMO_CLIENT_SECRET,
      redirectUri: `${base}/callback`,
      loginUri: `${base}/services/oauth2/token`,
      apiVersion: 'v50.0',
      mode: 'single',
      autoRefresh: true,
      onRefresh: (oauth: { access_token: string }, _old: unknown, done: (error?: Error) => void) => {
        refreshed.push(oauth);
        done();
      },
    });

  before(async () => {
    h = await createHarness();
    base = await h.listen();
    alice = await demoUser(h, 'alice@acme.example');
    bob = await demoUser(h, 'bob@acme.example');
    org = connect();
  });
  after(async () => {
    // The clients keep their sockets alive; don't wait for them to time out.
    h.app.server.closeAllConnections();
    await h.close();
  });

  const direct = async (path: string) => {
    const response = await h.request({
      method: 'GET',
      url: `${V}${path}`,
      token: org.oauth.access_token,
      headers: { host: new URL(base).host },
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };
  const rejection = async (promise: Promise<unknown>): Promise<NforceError> => {
    try {
      await promise;
    } catch (error) {
      return error as NforceError;
    }
    throw new Error('expected the call to fail');
  };

  test(
    'org.authenticate(): the password flow; the token response is kept on the connection',
    BOUNDED,
    async () => {
      const oauth = await org.authenticate({ username: 'alice@acme.example', password: DEMO_PASSWORD });
      assert.equal(oauth.instance_url, base);
      assert.equal(oauth.id, `${base}/id/${alice.orgId}/${alice.id}`);
      assert.match(oauth.access_token, new RegExp(`^${alice.orgId.slice(0, 15)}![A-Za-z0-9._]+$`));
      assert.equal(org.oauth.access_token, oauth.access_token);
      const identity = await org.getIdentity();
      assert.deepEqual([identity.user_id, identity.username], [alice.id, 'alice@acme.example']);
    },
  );

  test('users/me and groups come back exactly as served', BOUNDED, async () => {
    const me = await org.getUrl(`${V}/chatter/users/me`);
    assert.deepEqual(me, await direct('/chatter/users/me'));
    const groups = await org.getUrl(`${V}/chatter/groups`);
    assert.deepEqual(groups, await direct('/chatter/groups'));
    groupId = groups.groups.find((g: { name: string }) => g.name === 'All Acme').id;
  });

  test('a post with a mention, a comment, a like (no body) and its removal', BOUNDED, async () => {
    const post = await org.postUrl({
      url: `${V}/chatter/feed-elements`,
      body: mentionPost('Hello from nforce ', bob.id, groupId),
    });
    postId = post.id;
    assert.deepEqual(post, await direct(`/chatter/feed-elements/${postId}`));
    assert.equal(post.body.messageSegments[1].record.id, bob.id);
    const comment = await org.postUrl({
      url: `${V}/chatter/feed-elements/${postId}/capabilities/comments/items`,
      body: textBody('A comment from nforce'),
    });
    assert.equal(comment.body.text, 'A comment from nforce');
    const since = await lastJournalId(h);
    const like = await org.postUrl(`${V}/chatter/feed-elements/${postId}/capabilities/chatter-likes/items`);
    assert.equal(like.user.id, alice.id);
    // 204: nforce resolves the (empty) body as it came.
    assert.equal(await org.deleteUrl(`${V}/chatter/likes/${like.id}`), '');
    assert.deepEqual(lines(await requestsSince(h, since)), [
      `POST ${V}/chatter/feed-elements/${postId}/capabilities/chatter-likes/items 201`,
      `DELETE ${V}/chatter/likes/${like.id} 204`,
    ]);
  });

  test('the news feed pages through nextPageUrl', BOUNDED, async () => {
    const first = await org.getUrl(`${V}/chatter/feeds/news/me/feed-elements?pageSize=2`);
    assert.deepEqual(first.elements.map((e: { id: string }) => e.id)[0], postId);
    const second = await org.getUrl(first.nextPageUrl);
    assert.ok(second.elements.length > 0);
    assert.equal(second.currentPageUrl, first.nextPageUrl);
  });

  test(
    'delete the post; reading it is an error with statusCode 404 and errorCode NOT_FOUND',
    BOUNDED,
    async () => {
      assert.equal(await org.deleteUrl(`${V}/chatter/feed-elements/${postId}`), '');
      const error = await rejection(org.getUrl(`${V}/chatter/feed-elements/${postId}`));
      assert.deepEqual(
        {
          statusCode: error.statusCode,
          errorCode: error.errorCode,
          message: error.message,
          body: error.body,
        },
        {
          statusCode: 404,
          errorCode: 'NOT_FOUND',
          message: 'The requested resource does not exist',
          body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
        },
      );
    },
  );

  test('autoRefresh after a revoked session: logs in again with the password, once', BOUNDED, async () => {
    const old = org.oauth.access_token;
    await revoke(h, old);
    const since = await lastJournalId(h);
    const me = await org.getUrl(`${V}/chatter/users/me`);
    assert.equal(me.id, alice.id);
    assert.notEqual(org.oauth.access_token, old);
    assert.equal(refreshed.at(-1)?.access_token, org.oauth.access_token);
    assert.deepEqual(lines(await requestsSince(h, since)), [
      `GET ${V}/chatter/users/me 401 INVALID_SESSION_ID`,
      'POST /services/oauth2/token 200',
      `GET ${V}/chatter/users/me 200`,
    ]);
  });

  test(
    'autoRefresh with a refresh token: the refresh_token grant, its scope, the retried call',
    BOUNDED,
    async () => {
      const issued = (await h.admin('POST', '/_chatterbox/tokens', { username: 'bob@acme.example' })).json();
      const bobOrg = connect();
      // The control plane answered an in-process request: its instance_url names no listening port.
      bobOrg.oauth = { ...issued, instance_url: base };
      await revoke(h, issued.access_token);
      const since = await lastJournalId(h);
      const me = await bobOrg.getUrl(`${V}/chatter/users/me`);
      assert.equal(me.id, bob.id);
      assert.notEqual(bobOrg.oauth.access_token, issued.access_token);
      // onRefresh gets the old oauth merged with the response (scope included, as the real one)…
      const merged = refreshed.at(-1) as unknown as Record<string, string>;
      assert.deepEqual(
        [merged.access_token, merged.refresh_token, merged.scope],
        [bobOrg.oauth.access_token, issued.refresh_token, 'api refresh_token'],
      );
      // …but in single mode nforce keeps the bare response, which (as the real one) has no
      // refresh_token: the next expiry can't refresh unless onRefresh stores it back (docs/clients.md).
      assert.equal(bobOrg.oauth.refresh_token, undefined);
      assert.deepEqual(lines(await requestsSince(h, since)), [
        `GET ${V}/chatter/users/me 401 INVALID_SESSION_ID`,
        'POST /services/oauth2/token 200',
        `GET ${V}/chatter/users/me 200`,
      ]);
    },
  );

  test(
    'the hourly 503: statusCode 503, errorCode REQUEST_LIMIT_EXCEEDED, never retried',
    BOUNDED,
    async () => {
      await exhaustHourly(h);
      const since = await lastJournalId(h);
      let error: NforceError;
      try {
        error = await rejection(org.getUrl(`${V}/chatter/groups?pageSize=5`));
      } finally {
        await openHourly(h);
      }
      assert.deepEqual(
        [error.statusCode, error.errorCode, error.message],
        [503, 'REQUEST_LIMIT_EXCEEDED', HOURLY_MESSAGE],
      );
      assert.deepEqual(lines(await requestsSince(h, since)), [
        `GET ${V}/chatter/groups 503 REQUEST_LIMIT_EXCEEDED`,
      ]);
    },
  );
});
