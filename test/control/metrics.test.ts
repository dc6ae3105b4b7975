import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { deleteKeys, escapeGlob } from '../../src/lib/redis-keys.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { ADMIN_TOKEN_WRONG } from '../helpers/oauth.js';

const ME = '/services/data/v36.0/chatter/users/me';
const ME_ROUTE = '/services/data/:version/chatter/users/:userId';

describe('GET /_chatterbox/metrics (issue 15)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('without the admin token → 401 INVALID_SESSION_ID, as the rest of the control plane', async () => {
    const response = await h.request({ url: '/_chatterbox/metrics', token: 'not-the-admin-token' });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.equal(response.body, JSON.stringify(ADMIN_TOKEN_WRONG));
  });

  test('requests by route pattern, status and errorCode; latency; quota refusals; process figures', async (t) => {
    t.after(h.freezeClock());
    const token = await h.login('alice@acme.example');
    await h.admin('PUT', '/_chatterbox/limits', { hourly: 1 });
    assert.equal((await h.request({ url: ME, token })).statusCode, 200);
    assert.equal((await h.request({ url: ME, token })).statusCode, 503);
    assert.equal((await h.request({ url: '/no/such/path' })).statusCode, 404);

    const response = await h.admin('GET', '/_chatterbox/metrics');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    const lines = response.body.split('\n');
    const counts = lines.filter((line) =>
      /^chatterbox_(http_requests_total|quota_refusals_total)\{/.test(line),
    );
    assert.deepEqual(counts, [
      // The refused scrape of the test before.
      'chatterbox_http_requests_total{method="GET",route="/_chatterbox/metrics",status="401",error_code="INVALID_SESSION_ID"} 1',
      'chatterbox_http_requests_total{method="POST",route="/services/oauth2/token",status="200",error_code=""} 1',
      'chatterbox_http_requests_total{method="PUT",route="/_chatterbox/limits",status="200",error_code=""} 1',
      `chatterbox_http_requests_total{method="GET",route="${ME_ROUTE}",status="200",error_code=""} 1`,
      `chatterbox_http_requests_total{method="GET",route="${ME_ROUTE}",status="503",error_code="REQUEST_LIMIT_EXCEEDED"} 1`,
      'chatterbox_http_requests_total{method="GET",route="unmatched",status="404",error_code="NOT_FOUND"} 1',
      'chatterbox_quota_refusals_total{status="503"} 1',
    ]);
    assert.ok(lines.includes('# TYPE chatterbox_http_request_duration_seconds histogram'));
    assert.ok(
      lines.includes(`chatterbox_http_request_duration_seconds_count{method="GET",route="${ME_ROUTE}"} 2`),
    );
    assert.ok(
      lines.includes(
        `chatterbox_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="${ME_ROUTE}"} 2`,
      ),
    );
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
    ]) {
      const line = lines.find((l) => l.startsWith(`${name} `));
      assert.match(line ?? '', /^\S+ \d+(\.\d+)?(e[-+]\d+)?$/, name);
    }
    // This process logs to the harness's stream, not through the stdout destination: none dropped.
    assert.deepEqual(
      lines.filter((l) => l.includes('chatterbox_log_lines_dropped_total')),
      [
        '# HELP chatterbox_log_lines_dropped_total Log lines dropped because stdout was not read as fast as they were written',
        '# TYPE chatterbox_log_lines_dropped_total counter',
        'chatterbox_log_lines_dropped_total 0',
      ],
    );
  });

  test('store and Redis latency: one histogram observation per statement and per command', async () => {
    const redisUrl = process.env.CHATTERBOX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    // A prefix of its own, emptied after: a process ID comes again, and with it another run's keys.
    const redisPrefix = `cbmetrics:${randomBytes(4).toString('hex')}:`;
    const withRedis = await createHarness({ redisUrl, redisPrefix });
    try {
      const token = await withRedis.login('alice@acme.example');
      const count = async (dependency: string) => {
        const body = (await withRedis.admin('GET', '/_chatterbox/metrics')).body;
        const line = body
          .split('\n')
          .find((l) =>
            l.startsWith(`chatterbox_dependency_duration_seconds_count{dependency="${dependency}"} `),
          );
        return Number(line?.split(' ')[1] ?? 0);
      };
      const before = { store: await count('store'), redis: await count('redis') };
      const statements = await withRedis.countQueries(async () => {
        assert.equal((await withRedis.request({ url: ME, token })).statusCode, 200);
      });
      // users/me takes both quotas in one Redis script; the store answers the rest.
      assert.equal(await count('store'), before.store + statements);
      assert.equal(await count('redis'), before.redis + 1);
      const body = (await withRedis.admin('GET', '/_chatterbox/metrics')).body;
      assert.ok(body.includes('# TYPE chatterbox_dependency_duration_seconds histogram'));
      assert.match(
        body,
        /chatterbox_dependency_duration_seconds_bucket\{le="0.001",dependency="store"\} \d+/,
      );
    } finally {
      await withRedis.close();
      const redis = new Redis(redisUrl);
      await deleteKeys(redis, `${escapeGlob(redisPrefix)}*`);
      await redis.quit();
    }
  });
});
