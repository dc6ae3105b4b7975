import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { type Config, defaults } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { deleteKeys, escapeGlob } from '../../src/lib/redis-keys.js';
import { createRuntime, type Runtime } from '../../src/main.js';
import { dropPostgresSchema } from '../../src/store/dialects/postgres.js';
import { ADMIN_TOKEN, freezeClocks, JSON_TYPE, testConfig } from '../helpers/harness.js';

const REDIS_URL = process.env.CHATTERBOX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ME = '/services/data/v36.0/chatter/users/me';

interface Server {
  runtime: Runtime;
  app: FastifyInstance;
  admin(method: InjectOptions['method'], url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  get(url: string, token: string): Promise<LightMyRequestResponse>;
  token(username: string): Promise<string>;
}

async function startServer(config: Config): Promise<Server> {
  const runtime = await createRuntime(config);
  const app = await buildApp(runtime.services, { logger: false, reset: runtime.reset });
  await app.ready();
  const admin = (method: InjectOptions['method'], url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  return {
    runtime,
    app,
    admin,
    get: (url, token) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } }),
    token: async (username) => (await admin('POST', '/_chatterbox/tokens', { username })).json().access_token,
  };
}

/** Two servers on one store and one Redis (SPEC §10: they behave as one server). */
describe('servers sharing one store and one Redis (SPEC §10)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatterbox-shared-'));
  const config = testConfig({
    db: join(dir, 'shared.db'),
    workers: 2,
    redisUrl: REDIS_URL,
    redisPrefix: `cbtest:${randomBytes(4).toString('hex')}:`,
    // The default quota, so that the settings a reset goes back to are the defaults.
    hourlyLimit: defaults.hourlyLimit,
  });
  let a: Server;
  let b: Server;
  let alice: string;
  before(async () => {
    a = await startServer(config);
    b = await startServer(config);
    alice = await a.token('alice@acme.example');
  });
  after(async () => {
    for (const server of [a, b]) {
      await server?.app.close();
      await server?.runtime.close();
    }
    const redis = new Redis(REDIS_URL);
    await deleteKeys(redis, `${escapeGlob(config.redisPrefix)}*`);
    await redis.quit();
    if (config.databaseUrl) await dropPostgresSchema(config.databaseUrl, config.pgSchema);
    rmSync(dir, { recursive: true, force: true });
  });

  test('maintenance turned on at one server is on at the other when the PUT returns', async () => {
    await a.admin('PUT', '/_chatterbox/maintenance', { enabled: true, retryAfterSeconds: 42 });
    const down = await b.get(ME, alice);
    assert.equal(down.statusCode, 503);
    assert.equal(down.headers['content-type'], JSON_TYPE);
    assert.equal(down.headers['retry-after'], '42');
    assert.deepEqual(down.json(), [
      { errorCode: 'SERVER_UNAVAILABLE', message: 'The server is down for maintenance. Try again later.' },
    ]);
    await b.admin('PUT', '/_chatterbox/maintenance', { enabled: false });
    assert.equal((await a.get(ME, alice)).statusCode, 200);
  });

  test('quota settings and counters are shared: a quota of 2 is 2 requests in all', async (t) => {
    t.after(freezeClocks(a.runtime.services.clock, b.runtime.services.clock));
    const put = await a.admin('PUT', '/_chatterbox/limits', { hourly: 2, dailyStatus: 403 });
    assert.deepEqual(put.json(), {
      hourly: 2,
      daily: 15000,
      dailyStatus: 403,
      maxFileBytes: 104857600,
      retryAfter: false,
    });
    assert.deepEqual((await b.admin('GET', '/_chatterbox/limits')).json(), {
      hourly: 2,
      daily: 15000,
      dailyStatus: 403,
      maxFileBytes: 104857600,
      retryAfter: false,
    });
    await a.admin('DELETE', '/_chatterbox/limits/usage');
    assert.equal((await a.get(ME, alice)).statusCode, 200);
    assert.equal((await b.get(ME, alice)).statusCode, 200);
    const refused = await a.get(ME, alice);
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.headers['sforce-limit-info'], 'api-usage=3/15000');
    await b.admin('PUT', '/_chatterbox/limits', { hourly: 200, dailyStatus: 429 });
  });

  test('a fault added at one server fires at both, and `times` counts firings at both', async () => {
    const fault = (
      await a.admin('POST', '/_chatterbox/faults', { path: '/chatter/users/me', status: 503, times: 2 })
    ).json();
    assert.equal((await a.get(ME, alice)).statusCode, 503);
    assert.equal((await b.get(ME, alice)).statusCode, 503);
    assert.equal((await a.get(ME, alice)).statusCode, 200);
    assert.equal((await b.get(ME, alice)).statusCode, 200);
    assert.deepEqual((await b.admin('GET', '/_chatterbox/faults')).json(), {
      faults: [{ ...fault, fired: 2 }],
    });
    assert.equal((await b.admin('DELETE', `/_chatterbox/faults/${fault.id}`)).statusCode, 204);
    assert.deepEqual((await a.admin('GET', '/_chatterbox/faults')).json(), { faults: [] });
  });

  test('moving the clock at one server moves it at the other', async () => {
    const moved = (await a.admin('POST', '/_chatterbox/clock', { advanceSeconds: 600 })).json();
    const seen = (await b.admin('GET', '/_chatterbox/clock')).json();
    assert.equal(seen.offsetMs, moved.offsetMs);
    assert.equal(seen.offsetMs, 600_000);
  });

  test('a server started later takes over the running settings', async () => {
    await a.admin('PUT', '/_chatterbox/limits', { daily: 1234 });
    const c = await startServer(config);
    try {
      assert.deepEqual((await c.admin('GET', '/_chatterbox/limits')).json(), {
        hourly: 200,
        daily: 1234,
        dailyStatus: 429,
        maxFileBytes: 104857600,
        retryAfter: false,
      });
      assert.equal((await c.admin('GET', '/_chatterbox/clock')).json().offsetMs, 600_000);
    } finally {
      await c.app.close();
      await c.runtime.close();
    }
  });

  test('a reset at one server resets the other: settings, clock, journal, sessions', async () => {
    await b.admin('PUT', '/_chatterbox/maintenance', { enabled: false, retryAfterSeconds: 7 });
    assert.ok((await b.admin('GET', '/_chatterbox/requests')).json().requests.length > 0);
    const reset = await a.admin('POST', '/_chatterbox/reset');
    assert.equal(reset.statusCode, 200);
    assert.deepEqual((await b.admin('GET', '/_chatterbox/limits')).json(), {
      hourly: 200,
      daily: 15000,
      dailyStatus: 429,
      maxFileBytes: 104857600,
      retryAfter: false,
    });
    assert.deepEqual((await b.admin('GET', '/_chatterbox/maintenance')).json(), {
      enabled: false,
      retryAfterSeconds: 300,
    });
    assert.equal((await b.admin('GET', '/_chatterbox/clock')).json().offsetMs, 0);
    assert.deepEqual((await b.admin('GET', '/_chatterbox/requests')).json(), { requests: [] });
    const stale = await b.get(ME, alice);
    assert.equal(stale.statusCode, 401);
    const fresh = await b.token('alice@acme.example');
    assert.equal((await b.get(ME, fresh)).statusCode, 200);
  });
});
