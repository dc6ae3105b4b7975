import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { deleteKeys, escapeGlob } from '../../src/lib/redis-keys.js';
import { freshStoreArgs, startServe, stopAllServers } from '../helpers/cli.js';
import { testStore } from '../helpers/harness.js';
import {
  assertUnavailable,
  Client,
  DEPENDENCY_TIMEOUT_MS,
  FIRST_503_BOUND_MS,
  outageStories,
  timed,
  timeToHeal,
} from '../helpers/outage.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const REDIS = new URL(process.env.CHATTERBOX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');

/**
 * Redis (the shared quota counters) behind a proxy the test breaks (issue 9, item 4; decision
 * 0021): every quota-counted call answers 503 SERVER_UNAVAILABLE within a bound instead of
 * hanging, health names Redis, what does not need Redis (logins) keeps working, the process never
 * exits, and the server heals by itself once Redis is back. On both stores.
 */
describe('Redis outages', () => {
  const store = freshStoreArgs();
  // A prefix of its own, emptied after: the server's quota counters would otherwise live a day.
  const prefix = `cbout:${randomBytes(4).toString('hex')}:`;
  let proxy: TcpProxy;
  let client: Client;

  before(async () => {
    proxy = await TcpProxy.start({ host: REDIS.hostname, port: Number(REDIS.port || 6379) });
    const server = await startServe([
      ...store.args,
      '--redis-url',
      `redis://127.0.0.1:${proxy.port}`,
      '--redis-prefix',
      prefix,
      '--demo',
      '--port',
      '0',
      '--log-level',
      // warn, not silent: the banner (the listening URL the helper waits for) is logged at info or
      // above, and a silent server would never say where it listens.
      'warn',
      '--dependency-timeout-ms',
      String(DEPENDENCY_TIMEOUT_MS),
    ]);
    client = new Client(server);
    await client.signIn();
  });
  after(async () => {
    await stopAllServers();
    proxy?.close();
    await store.cleanup();
    const redis = new Redis(REDIS.toString());
    await deleteKeys(redis, `${escapeGlob(prefix)}*`);
    await redis.quit();
  });

  outageStories(() => ({ proxy, client }), {
    dependency: 'Redis',
    tag: 'redis',
    // Logins need no Redis: they keep working.
    checkLogin(login) {
      assert.equal(login.status, 200, JSON.stringify(login.body));
    },
    health: () => ({
      down: { store: testStore, dependencies: { store: 'ok', redis: 'unavailable' } },
      healed: { store: 'ok', redis: 'ok' },
    }),
  });

  test('every Redis connection reset while Redis stays up: no 500, no exit, 200 again at once', async () => {
    const during = Promise.all(Array.from({ length: 8 }, () => timed(() => client.feed())));
    proxy.resetAll();
    for (const response of await during) {
      if (response.status !== 200) assertUnavailable(response, FIRST_503_BOUND_MS, 'a request cut off');
    }
    const healedIn = await timeToHeal(client, 3_000);
    assert.equal(client.server.running(), true, `the server process exited:\n${client.server.output()}`);
    process.stdout.write(`# outage redis reset: 200 again in ${healedIn} ms\n`);
  });
});
