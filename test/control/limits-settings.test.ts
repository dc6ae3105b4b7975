import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/main.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { ADMIN_TOKEN_WRONG } from '../helpers/oauth.js';

const ME = '/services/data/v36.0/chatter/users/me';

describe('quota settings, reset and the control-plane description (SPEC §9, §10)', () => {
  let h: Harness;
  let alice: string;
  before(async () => {
    h = await createHarness({ hourlyLimit: 40, dailyLimit: 900 });
    alice = await h.login('alice@acme.example');
  });
  after(() => h.close());

  test('GET /_chatterbox/limits answers the settings as configured at start', async () => {
    const response = await h.admin('GET', '/_chatterbox/limits');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), {
      hourly: 40,
      daily: 900,
      dailyStatus: 429,
      maxFileBytes: 104857600,
      retryAfter: false,
    });
  });

  test('PUT /_chatterbox/limits merges the fields given and answers the whole', async () => {
    const first = await h.admin('PUT', '/_chatterbox/limits', { hourly: 10 });
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['content-type'], JSON_TYPE);
    assert.deepEqual(first.json(), {
      hourly: 10,
      daily: 900,
      dailyStatus: 429,
      maxFileBytes: 104857600,
      retryAfter: false,
    });
    const second = await h.admin('PUT', '/_chatterbox/limits', { daily: 7, dailyStatus: 403 });
    assert.deepEqual(second.json(), {
      hourly: 10,
      daily: 7,
      dailyStatus: 403,
      maxFileBytes: 104857600,
      retryAfter: false,
    });
    const me = await h.request({ method: 'GET', url: ME, token: alice });
    assert.equal(me.headers['sforce-limit-info'], 'api-usage=1/7');
  });

  test('PUT /_chatterbox/limits refuses bad values and changes nothing', async () => {
    const cases: [unknown, unknown][] = [
      [
        { dailyStatus: 500 },
        [{ errorCode: 'INVALID_INPUT', message: 'Invalid dailyStatus: 500. Specify one of: 429, 403.' }],
      ],
      [
        { hourly: -1 },
        [{ errorCode: 'INVALID_INPUT', message: 'Invalid hourly: -1. Specify a value of at least 0.' }],
      ],
      [
        { daily: 1.5 },
        [{ errorCode: 'INVALID_INPUT', message: 'Invalid daily: 1.5. Specify a value of type integer.' }],
      ],
      [
        { maxFileBytes: -1 },
        [{ errorCode: 'INVALID_INPUT', message: 'Invalid maxFileBytes: -1. Specify a value of at least 0.' }],
      ],
      [{ weekly: 1 }, [{ errorCode: 'JSON_PARSER_ERROR', message: 'Unrecognized field "weekly"' }]],
    ];
    for (const [payload, body] of cases) {
      const response = await h.admin('PUT', '/_chatterbox/limits', payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), body);
    }
    assert.deepEqual((await h.admin('GET', '/_chatterbox/limits')).json(), {
      hourly: 10,
      daily: 7,
      dailyStatus: 403,
      maxFileBytes: 104857600,
      retryAfter: false,
    });
  });

  test('DELETE /_chatterbox/limits/usage clears the counters', async () => {
    const cleared = await h.admin('DELETE', '/_chatterbox/limits/usage');
    assert.equal(cleared.statusCode, 204);
    assert.equal(cleared.body, '');
    const me = await h.request({ method: 'GET', url: ME, token: alice });
    assert.equal(me.headers['sforce-limit-info'], 'api-usage=1/7');
  });

  test('POST /_chatterbox/reset clears counters, faults, maintenance, journal and settings', async () => {
    await h.admin('POST', '/_chatterbox/faults', { path: '/chatter/**', status: 503 });
    await h.admin('PUT', '/_chatterbox/maintenance', { enabled: true, retryAfterSeconds: 9 });
    const reset = await h.admin('POST', '/_chatterbox/reset');
    assert.equal(reset.statusCode, 200);
    assert.deepEqual(reset.json(), { status: 'ok' });
    assert.deepEqual((await h.admin('GET', '/_chatterbox/limits')).json(), {
      hourly: 40,
      daily: 900,
      dailyStatus: 429,
      maxFileBytes: 104857600,
      retryAfter: false,
    });
    assert.deepEqual((await h.admin('GET', '/_chatterbox/faults')).json(), { faults: [] });
    assert.deepEqual((await h.admin('GET', '/_chatterbox/maintenance')).json(), {
      enabled: false,
      retryAfterSeconds: 300,
    });
    assert.deepEqual((await h.admin('GET', '/_chatterbox/requests')).json(), { requests: [] });
    const token = await h.login('alice@acme.example');
    const me = await h.request({ method: 'GET', url: ME, token });
    assert.equal(me.statusCode, 200);
    assert.equal(me.headers['sforce-limit-info'], 'api-usage=1/900');
  });

  test('the quota and journal settings need the admin token', async () => {
    for (const [method, url] of [
      ['GET', '/_chatterbox/limits'],
      ['PUT', '/_chatterbox/limits'],
      ['DELETE', '/_chatterbox/limits/usage'],
      ['GET', '/_chatterbox/maintenance'],
      ['GET', '/_chatterbox/faults'],
      ['POST', '/_chatterbox/faults'],
      ['DELETE', '/_chatterbox/faults'],
      ['GET', '/_chatterbox/requests'],
    ] as const) {
      const response = await h.request({ method, url, token: alice });
      assert.equal(response.statusCode, 401, `${method} ${url}`);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), ADMIN_TOKEN_WRONG);
    }
  });

  test('GET /_chatterbox/openapi.json describes the control plane and the batch resource', async () => {
    const response = await h.admin('GET', '/_chatterbox/openapi.json');
    assert.equal(response.statusCode, 200);
    const { paths } = response.json();
    const described = (path: string, method: string) => {
      const operation = paths[path]?.[method];
      return operation && { summary: operation.summary, tags: operation.tags };
    };
    assert.deepEqual(described('/_chatterbox/limits', 'get'), {
      summary: 'Quota settings',
      tags: ['control'],
    });
    assert.deepEqual(described('/_chatterbox/limits', 'put'), {
      summary: 'Change quota settings (merges the fields given)',
      tags: ['control'],
    });
    assert.deepEqual(described('/_chatterbox/limits/usage', 'delete'), {
      summary: 'Clear the quota counters',
      tags: ['control'],
    });
    assert.deepEqual(described('/_chatterbox/maintenance', 'put'), {
      summary: 'Turn maintenance mode on or off (every /services path answers 503)',
      tags: ['control'],
    });
    assert.deepEqual(described('/_chatterbox/faults', 'post'), {
      summary: 'Inject a failure and/or a delay on matching requests',
      tags: ['control'],
    });
    assert.deepEqual(described('/_chatterbox/faults/{id}', 'delete'), {
      summary: 'Remove a fault',
      tags: ['control'],
    });
    assert.deepEqual(described('/_chatterbox/requests', 'get'), {
      summary: 'The most recent API requests, newest first',
      tags: ['control'],
    });
    assert.deepEqual(described('/services/data/{version}/connect/batch', 'post'), {
      summary: 'Batch: run up to 25 subrequests',
      tags: ['connect'],
    });
    assert.deepEqual(
      paths['/_chatterbox/maintenance'].put.requestBody.content['application/json'].schema.required,
      ['enabled'],
    );
    assert.deepEqual(
      paths['/_chatterbox/faults'].post.requestBody.content['application/json'].schema.required,
      ['path'],
    );
  });

  test('flags and env vars set the quotas and the journal size (SPEC §10)', () => {
    const fromFlags = loadConfig(
      {
        hourlyLimit: '5',
        dailyLimit: '6',
        dailyLimitStatus: '403',
        journalSize: '7',
        redisUrl: 'redis://r:1',
        redisPrefix: 'x:',
      },
      {},
    );
    assert.deepEqual(
      [
        fromFlags.hourlyLimit,
        fromFlags.dailyLimit,
        fromFlags.dailyLimitStatus,
        fromFlags.journalSize,
        fromFlags.redisUrl,
        fromFlags.redisPrefix,
      ],
      [5, 6, 403, 7, 'redis://r:1', 'x:'],
    );
    const fromEnv = loadConfig(
      {},
      {
        CHATTERBOX_HOURLY_LIMIT: '8',
        CHATTERBOX_DAILY_LIMIT: '9',
        CHATTERBOX_DAILY_LIMIT_STATUS: '429',
        CHATTERBOX_JOURNAL_SIZE: '10',
        CHATTERBOX_REDIS_URL: 'redis://e:2',
      },
    );
    assert.deepEqual(
      [
        fromEnv.hourlyLimit,
        fromEnv.dailyLimit,
        fromEnv.dailyLimitStatus,
        fromEnv.journalSize,
        fromEnv.redisUrl,
        fromEnv.redisPrefix,
      ],
      [8, 9, 429, 10, 'redis://e:2', 'chatterbox:'],
    );
    assert.throws(
      () => loadConfig({ dailyLimitStatus: '500' }, {}),
      /--daily-limit-status must be 429 or 403/,
    );
    assert.throws(() => loadConfig({ journalSize: '-1' }, {}), /--journal-size must be a whole number/);
  });

  test('--quota-retry-after (or CHATTERBOX_QUOTA_RETRY_AFTER) turns Retry-After on quota refusals on', async () => {
    assert.equal(loadConfig({}, {}).quotaRetryAfter, false);
    assert.equal(loadConfig({ quotaRetryAfter: true }, {}).quotaRetryAfter, true);
    assert.equal(loadConfig({}, { CHATTERBOX_QUOTA_RETRY_AFTER: 'true' }).quotaRetryAfter, true);
    assert.equal(loadConfig({}, { CHATTERBOX_QUOTA_RETRY_AFTER: '0' }).quotaRetryAfter, false);
    const on = await createHarness({ quotaRetryAfter: true, hourlyLimit: 1 });
    try {
      assert.deepEqual((await on.admin('GET', '/_chatterbox/limits')).json(), {
        hourly: 1,
        daily: 15000,
        dailyStatus: 429,
        maxFileBytes: 104857600,
        retryAfter: true,
      });
      const token = await on.login('alice@acme.example');
      assert.equal((await on.request({ method: 'GET', url: ME, token })).statusCode, 200);
      const refused = await on.request({ method: 'GET', url: ME, token });
      assert.equal(refused.statusCode, 503);
      assert.match(refused.headers['retry-after'] as string, /^[1-9]\d*$/);
      assert.ok(Number(refused.headers['retry-after']) <= 3600);
      // The control endpoint turns it off again, and a reset restores the configured setting.
      const off = await on.admin('PUT', '/_chatterbox/limits', { retryAfter: false });
      assert.equal(off.json().retryAfter, false);
      assert.equal((await on.request({ method: 'GET', url: ME, token })).headers['retry-after'], undefined);
      await on.admin('POST', '/_chatterbox/reset');
      assert.equal((await on.admin('GET', '/_chatterbox/limits')).json().retryAfter, true);
    } finally {
      await on.close();
    }
  });
});
