import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

const HOURLY_BODY = [
  {
    errorCode: 'REQUEST_LIMIT_EXCEEDED',
    message:
      'You have reached the Connect API\u2019s hourly request limit for this user and application. Please try again later.',
  },
];
const DAILY_BODY = [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }];
const ME = '/services/data/v36.0/chatter/users/me';
/** Counts towards the daily quota only: not a chatter or connect resource. */
const DIRECTORY = '/services/data/v36.0';
/** Counts towards both quotas. */
const CHATTER = '/services/data/v36.0/chatter';

/** Freezes the server clock at an instant, so windows and Retry-After are exact. */
function freezeClock(h: Harness, iso: string): void {
  const at = Date.parse(iso);
  h.services.clock.now = () => at;
}

describe('quotas (SPEC §7)', () => {
  let h: Harness;
  let alice: string;
  let bob: string;
  before(async () => {
    h = await createHarness();
  });
  beforeEach(async () => {
    await h.admin('POST', '/_chatterbox/reset');
    freezeClock(h, '2026-03-02T10:30:00.000Z');
    alice = await h.login('alice@acme.example');
    bob = await h.login('bob@acme.example');
  });
  after(() => h.close());

  test('GET users/me beyond the hourly limit is 503 REQUEST_LIMIT_EXCEEDED, with no Retry-After by default', async () => {
    await h.admin('PUT', '/_chatterbox/limits', { hourly: 2 });
    for (let i = 1; i <= 2; i++) {
      const ok = await h.request({ method: 'GET', url: ME, token: alice });
      assert.equal(ok.statusCode, 200);
    }
    const refused = await h.request({ method: 'GET', url: ME, token: alice });
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.headers['content-type'], JSON_TYPE);
    assert.equal(refused.headers['retry-after'], undefined);
    assert.equal(refused.headers['sforce-limit-info'], 'api-usage=3/15000');
    assert.deepEqual(refused.json(), HOURLY_BODY);
  });

  test('GET beyond the daily limit is 429 (or 403) with no Retry-After by default', async () => {
    await h.admin('PUT', '/_chatterbox/limits', { daily: 1 });
    await h.request({ method: 'GET', url: DIRECTORY, token: alice });
    for (const status of [429, 403] as const) {
      await h.admin('PUT', '/_chatterbox/limits', { dailyStatus: status });
      const refused = await h.request({ method: 'GET', url: ME, token: alice });
      assert.equal(refused.statusCode, status);
      assert.equal(refused.headers['content-type'], JSON_TYPE);
      assert.equal(refused.headers['retry-after'], undefined);
      assert.deepEqual(refused.json(), DAILY_BODY);
    }
  });

  test('with retryAfter on, the hourly 503 carries Retry-After: seconds to the next hour', async () => {
    await h.admin('PUT', '/_chatterbox/limits', { hourly: 2, retryAfter: true });
    for (let i = 1; i <= 2; i++) {
      const ok = await h.request({ method: 'GET', url: ME, token: alice });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.headers['sforce-limit-info'], `api-usage=${i}/15000`);
    }
    const refused = await h.request({ method: 'GET', url: ME, token: alice });
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.headers['content-type'], JSON_TYPE);
    assert.equal(refused.headers['retry-after'], '1800');
    // The daily quota counted it before the hourly one refused it.
    assert.equal(refused.headers['sforce-limit-info'], 'api-usage=3/15000');
    assert.deepEqual(refused.json(), HOURLY_BODY);
  });

  test('the hourly quota is per user and per connected app', async () => {
    await h.admin('PUT', '/_chatterbox/limits', { hourly: 1 });
    assert.equal((await h.request({ method: 'GET', url: ME, token: alice })).statusCode, 200);
    assert.equal((await h.request({ method: 'GET', url: ME, token: alice })).statusCode, 503);
    assert.equal((await h.request({ method: 'GET', url: ME, token: bob })).statusCode, 200);
    const app = (await h.admin('POST', '/_chatterbox/apps', { name: 'Other app' })).json();
    const tokens = await h.admin('POST', '/_chatterbox/tokens', {
      username: 'alice@acme.example',
      clientId: app.clientId,
    });
    const response = await h.request({ method: 'GET', url: ME, token: tokens.json().access_token });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().username, 'alice@acme.example');
  });

  test('the hourly window follows the server clock: the next hour opens a new window', async () => {
    await h.admin('PUT', '/_chatterbox/limits', { hourly: 1, retryAfter: true });
    assert.equal((await h.request({ method: 'GET', url: ME, token: alice })).statusCode, 200);
    freezeClock(h, '2026-03-02T10:59:59.999Z');
    const refused = await h.request({ method: 'GET', url: ME, token: alice });
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.headers['retry-after'], '1');
    freezeClock(h, '2026-03-02T11:00:00.000Z');
    assert.equal((await h.request({ method: 'GET', url: ME, token: alice })).statusCode, 200);
  });

  test('the directory counts towards the daily quota but not the hourly one', async () => {
    await h.admin('PUT', '/_chatterbox/limits', { hourly: 1 });
    for (let i = 0; i < 3; i++) {
      assert.equal((await h.request({ method: 'GET', url: DIRECTORY, token: alice })).statusCode, 200);
    }
    const me = await h.request({ method: 'GET', url: ME, token: alice });
    assert.equal(me.statusCode, 200);
    assert.equal(me.headers['sforce-limit-info'], 'api-usage=4/15000');
  });

  test('GET beyond the daily limit is 429 TotalRequests Limit exceeded, not counted again', async () => {
    await h.admin('PUT', '/_chatterbox/limits', { daily: 3, retryAfter: true });
    for (let i = 0; i < 3; i++) await h.request({ method: 'GET', url: DIRECTORY, token: alice });
    for (const token of [alice, bob]) {
      const refused = await h.request({ method: 'GET', url: ME, token });
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.headers['content-type'], JSON_TYPE);
      // Every request was in the 10:00 bucket, which leaves the window at 10:00 tomorrow.
      assert.equal(refused.headers['retry-after'], String(23.5 * 3600));
      assert.equal(refused.headers['sforce-limit-info'], 'api-usage=3/3');
      assert.deepEqual(refused.json(), DAILY_BODY);
    }
    // The two refused requests were not counted: one more slot is exactly one more request.
    await h.admin('PUT', '/_chatterbox/limits', { daily: 4 });
    const ok = await h.request({ method: 'GET', url: ME, token: alice });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['sforce-limit-info'], 'api-usage=4/4');
    assert.equal((await h.request({ method: 'GET', url: ME, token: alice })).statusCode, 429);
  });

  test('the daily quota is refused with 403 when dailyStatus is 403', async () => {
    await h.admin('PUT', '/_chatterbox/limits', { daily: 1, dailyStatus: 403, retryAfter: true });
    await h.request({ method: 'GET', url: DIRECTORY, token: alice });
    const refused = await h.request({ method: 'GET', url: ME, token: alice });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.headers['content-type'], JSON_TYPE);
    assert.equal(refused.headers['retry-after'], String(23.5 * 3600));
    assert.deepEqual(refused.json(), DAILY_BODY);
  });

  test('the daily quota is a rolling 24 hours of hourly buckets', async () => {
    await h.admin('PUT', '/_chatterbox/limits', { daily: 3, retryAfter: true });
    await h.request({ method: 'GET', url: DIRECTORY, token: alice });
    await h.request({ method: 'GET', url: DIRECTORY, token: alice });
    freezeClock(h, '2026-03-02T20:15:00.000Z');
    // Sessions time out after two idle hours: a fresh one at each step.
    alice = await h.login('alice@acme.example');
    await h.request({ method: 'GET', url: DIRECTORY, token: alice });
    const refused = await h.request({ method: 'GET', url: DIRECTORY, token: alice });
    assert.equal(refused.statusCode, 429);
    // Below the limit again when the 10:00 bucket (two requests) leaves, at 10:00 tomorrow.
    assert.equal(refused.headers['retry-after'], String(13.75 * 3600));
    freezeClock(h, '2026-03-03T09:59:59.000Z');
    alice = await h.login('alice@acme.example');
    assert.equal((await h.request({ method: 'GET', url: DIRECTORY, token: alice })).statusCode, 429);
    freezeClock(h, '2026-03-03T10:00:00.000Z');
    const ok = await h.request({ method: 'GET', url: DIRECTORY, token: alice });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['sforce-limit-info'], 'api-usage=2/3');
  });

  test('the versions list, OAuth, the control plane and unauthenticated requests are never counted', async () => {
    await h.request({ method: 'GET', url: '/services/data/' });
    await h.login('alice@acme.example');
    await h.admin('GET', '/_chatterbox/limits');
    await h.request({ method: 'GET', url: ME });
    await h.request({ method: 'GET', url: ME, token: 'not-a-token' });
    await h.request({ method: 'GET', url: '/services/data/v30.0/chatter/users/me', token: alice });
    await h.request({ method: 'GET', url: '/services/data/v36.0/no/such/path', token: alice });
    const me = await h.request({ method: 'GET', url: ME, token: alice });
    assert.equal(me.headers['sforce-limit-info'], 'api-usage=1/15000');
  });

  test('Sforce-Limit-Info is on authenticated errors too (405, 404), and not on 401', async () => {
    const put = await h.request({ method: 'PUT', url: ME, token: alice, payload: {} });
    assert.equal(put.statusCode, 405);
    assert.equal(put.headers['sforce-limit-info'], 'api-usage=1/15000');
    const missing = await h.request({
      method: 'GET',
      url: '/services/data/v36.0/chatter/users/005Cb0000000999AAA',
      token: alice,
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.headers['sforce-limit-info'], 'api-usage=2/15000');
    const unauthenticated = await h.request({ method: 'GET', url: ME });
    assert.equal(unauthenticated.statusCode, 401);
    assert.equal(unauthenticated.headers['sforce-limit-info'], undefined);
  });

  test('GET /limits shows the daily usage to admins and refuses others', async () => {
    await h.admin('PUT', '/_chatterbox/limits', { daily: 50 });
    await h.request({ method: 'GET', url: ME, token: alice });
    const admin = await h.login('admin@acme.example');
    const limits = await h.request({ method: 'GET', url: '/services/data/v36.0/limits', token: admin });
    assert.equal(limits.statusCode, 200);
    assert.equal(limits.headers['content-type'], JSON_TYPE);
    assert.equal(limits.headers['sforce-limit-info'], 'api-usage=2/50');
    assert.deepEqual(limits.json(), { DailyApiRequests: { Max: 50, Remaining: 48 } });
    const refused = await h.request({ method: 'GET', url: '/services/data/v36.0/limits', token: alice });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(refused.json(), [
      { errorCode: 'INSUFFICIENT_ACCESS', message: "You don't have permission to view the org's limits." },
    ]);
  });

  test('both quotas and Sforce-Limit-Info cost one store statement on a shared store, none in memory', async () => {
    // /chatter counts towards both quotas and reads nothing from the store itself.
    const chatter = () => h.request({ method: 'GET', url: CHATTER, token: alice });
    assert.equal((await chatter()).statusCode, 200);
    let response: Awaited<ReturnType<typeof chatter>> | undefined;
    const statements = await h.countQueries(async () => {
      response = await chatter();
    });
    assert.equal(response?.statusCode, 200);
    assert.equal(response?.headers['sforce-limit-info'], 'api-usage=2/15000');
    assert.equal(statements, h.services.usage.kind === 'store' ? 1 : 0);
  });

  test('hourly quota of N under 5N concurrent requests: exactly N succeed', async () => {
    const n = 6;
    await h.admin('PUT', '/_chatterbox/limits', { hourly: n });
    const responses = await Promise.all(
      Array.from({ length: 5 * n }, () => h.request({ method: 'GET', url: ME, token: alice })),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [...Array(n).fill(200), ...Array(4 * n).fill(503)]);
  });

  test('daily quota of N under 5N concurrent requests: exactly N succeed', async () => {
    const n = 6;
    await h.admin('PUT', '/_chatterbox/limits', { daily: n });
    const responses = await Promise.all(
      Array.from({ length: 5 * n }, (_, i) =>
        h.request({ method: 'GET', url: DIRECTORY, token: i % 2 ? alice : bob }),
      ),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [...Array(n).fill(200), ...Array(4 * n).fill(429)]);
  });
});
