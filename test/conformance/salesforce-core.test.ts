import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { UserRecord } from '../../src/store/records.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, demoUser } from '../helpers/oauth.js';
import {
  exhaustHourly,
  lastJournalId,
  lines,
  mentionPost,
  openHourly,
  reopenAfterFirst503,
  requestsSince,
  revoke,
  textBody,
} from './flow.js';
import { isolatedSalesforceHome, Node22Worker } from './node22.js';

/**
 * @salesforce/core 9.4.0 (under Node 22, in a worker process: see node22.ts) as the Salesforce CLI
 * and its plugins use it: AuthInfo from an access token (which reads Username from
 * sobjects/User/{id}) and from a refresh token, then Connection.request for Chatter. Its HTTP
 * layer (@jsforce/jsforce-node) retries GETs on 503 with backoff and refreshes on 401.
 */
const BOUNDED = { timeout: 60_000 };
const V = '/services/data/v66.0';
const WORKER = fileURLToPath(new URL('./workers/salesforce-core.mjs', import.meta.url));

describe('@salesforce/core 9.4.0 against Chatterbox: AuthInfo, Connection and a Chatter flow', () => {
  let h: Harness;
  let base: string;
  let alice: UserRecord;
  let bob: UserRecord;
  let aliceToken: string;
  let worker: Node22Worker;
  let sandbox: ReturnType<typeof isolatedSalesforceHome>;
  let groupId: string;
  let postId: string;

  before(async () => {
    h = await createHarness();
    base = await h.listen();
    alice = await demoUser(h, 'alice@acme.example');
    bob = await demoUser(h, 'bob@acme.example');
    aliceToken = await h.login('alice@acme.example');
    sandbox = isolatedSalesforceHome();
    worker = new Node22Worker(WORKER, sandbox.env);
  });
  after(async () => {
    worker.close();
    sandbox.cleanup();
    h.app.server.closeAllConnections();
    await h.close();
  });

  const direct = async (path: string) => {
    const response = await h.request({
      method: 'GET',
      url: `${V}${path}`,
      token: aliceToken,
      headers: { host: new URL(base).host },
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };
  const call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    worker.call<T>('request', { method, url: `${V}${path}`, body });

  test(
    'AuthInfo from an access token: userinfo, then Username from sobjects/User/{id}',
    BOUNDED,
    async () => {
      const since = await lastJournalId(h);
      const login = await worker.call('loginAccessToken', { instanceUrl: base, accessToken: aliceToken });
      assert.deepEqual(login, { username: 'alice@acme.example', orgId: alice.orgId, instanceUrl: base });
      const seen = lines(await requestsSince(h, since));
      assert.deepEqual(seen.slice(0, 2), [
        'GET /services/oauth2/userinfo 200',
        `GET /services/data/v51.0/sobjects/User/${alice.id} 200`,
      ]);
    },
  );

  test('Connection.request: users/me and groups exactly as served', BOUNDED, async () => {
    assert.deepEqual(await call('GET', '/chatter/users/me'), await direct('/chatter/users/me'));
    const groups = await call<{ groups: { id: string; name: string }[] }>('GET', '/chatter/groups');
    assert.deepEqual(groups, await direct('/chatter/groups'));
    groupId = groups.groups.find((g) => g.name === 'All Acme')?.id as string;
  });

  test('a post with a mention, a comment, a like (POST, empty body) and its removal', BOUNDED, async () => {
    const post = await call<{ id: string }>(
      'POST',
      '/chatter/feed-elements',
      mentionPost('From core ', bob.id, groupId),
    );
    postId = post.id;
    assert.deepEqual(post, await direct(`/chatter/feed-elements/${postId}`));
    const comment = await call<{ body: { text: string } }>(
      'POST',
      `/chatter/feed-elements/${postId}/capabilities/comments/items`,
      textBody('A comment from core'),
    );
    assert.equal(comment.body.text, 'A comment from core');
    // An empty string: Connection.request sends a POST without any body never (docs/clients.md).
    const like = await call<{ id: string; user: { id: string } }>(
      'POST',
      `/chatter/feed-elements/${postId}/capabilities/chatter-likes/items`,
      '',
    );
    assert.equal(like.user.id, alice.id);
    assert.equal(await call('DELETE', `/chatter/likes/${like.id}`), null);
    const unliked = await direct(`/chatter/feed-elements/${postId}`);
    assert.equal(unliked.capabilities.chatterLikes.isLikedByCurrentUser, false);
  });

  test('the news feed pages through nextPageUrl', BOUNDED, async () => {
    const first = await call<{ elements: { id: string }[]; nextPageUrl: string }>(
      'GET',
      '/chatter/feeds/news/me/feed-elements?pageSize=2',
    );
    assert.equal(first.elements[0]?.id, postId);
    const second = await worker.call<{ currentPageUrl: string; elements: unknown[] }>('request', {
      url: first.nextPageUrl,
    });
    assert.equal(second.currentPageUrl, first.nextPageUrl);
    assert.ok(second.elements.length > 0);
  });

  test(
    'delete the post; reading it fails with errorCode NOT_FOUND (name and errorCode)',
    BOUNDED,
    async () => {
      assert.equal(await call('DELETE', `/chatter/feed-elements/${postId}`), null);
      const error = await worker.failure('request', { url: `${V}/chatter/feed-elements/${postId}` });
      assert.deepEqual(error, {
        name: 'NOT_FOUND',
        message: 'The requested resource does not exist',
        errorCode: 'NOT_FOUND',
        data: { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
      });
    },
  );

  test(
    'the hourly 503: a GET is retried after a backoff, and the journal marks the retry',
    BOUNDED,
    async () => {
      await exhaustHourly(h);
      const since = await lastJournalId(h);
      const pending = call<{ groups: unknown[] }>('GET', '/chatter/groups?pageSize=5');
      try {
        await reopenAfterFirst503(h, since);
      } finally {
        await openHourly(h);
      }
      const groups = await pending;
      assert.ok(groups.groups.length > 0);
      const rows = await requestsSince(h, since);
      assert.deepEqual(lines(rows), [
        `GET ${V}/chatter/groups 503 REQUEST_LIMIT_EXCEEDED`,
        `GET ${V}/chatter/groups 200`,
      ]);
      assert.equal(rows[1]?.retryOf, rows[0]?.id);
    },
  );

  test('the hourly 503 on a POST: not retried, errorCode REQUEST_LIMIT_EXCEEDED', BOUNDED, async () => {
    await exhaustHourly(h);
    const since = await lastJournalId(h);
    let error: Awaited<ReturnType<Node22Worker['failure']>>;
    try {
      error = await worker.failure('request', {
        method: 'POST',
        url: `${V}/chatter/feed-elements`,
        body: mentionPost('refused ', bob.id, groupId),
      });
    } finally {
      await openHourly(h);
    }
    assert.deepEqual([error.name, error.errorCode], ['REQUEST_LIMIT_EXCEEDED', 'REQUEST_LIMIT_EXCEEDED']);
    assert.deepEqual(lines(await requestsSince(h, since)), [
      `POST ${V}/chatter/feed-elements 503 REQUEST_LIMIT_EXCEEDED`,
    ]);
  });

  test(
    'AuthInfo from a refresh token; a revoked session is refreshed and the call retried',
    BOUNDED,
    async () => {
      const issued = (await h.admin('POST', '/_chatterbox/tokens', { username: 'bob@acme.example' })).json();
      const login = await worker.call('loginRefreshToken', {
        loginUrl: base,
        refreshToken: issued.refresh_token,
        clientId: DEMO_CLIENT_ID,
        clientSecret: DEMO_CLIENT_SECRET,
      });
      assert.deepEqual(login, { username: 'bob@acme.example', orgId: bob.orgId, instanceUrl: base });
      const token = await worker.call<string>('accessToken');
      assert.match(token, new RegExp(`^${bob.orgId.slice(0, 15)}![A-Za-z0-9._]+$`));
      await revoke(h, token);
      const since = await lastJournalId(h);
      const me = await call<{ id: string }>('GET', '/chatter/users/me');
      assert.equal(me.id, bob.id);
      assert.notEqual(await worker.call('accessToken'), token);
      assert.deepEqual(lines(await requestsSince(h, since)), [
        `GET ${V}/chatter/users/me 401 INVALID_SESSION_ID`,
        'POST /services/oauth2/token 200',
        // After a refresh, core looks the org up with SOQL (not served here, SPEC §12.1: 404) and
        // carries on without it.
        'GET /services/data/v51.0/query 404 NOT_FOUND',
        `GET ${V}/query 404 NOT_FOUND`,
        `GET ${V}/chatter/users/me 200`,
      ]);
    },
  );
});
