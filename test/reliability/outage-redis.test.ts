import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { freshStoreArgs, startServe, stopAllServers } from '../helpers/cli.js';
import { testStore } from '../helpers/harness.js';
import {
  assertUnavailable,
  Client,
  DEPENDENCY_TIMEOUT_MS,
  FAIL_FAST_BOUND_MS,
  FIRST_503_BOUND_MS,
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
  let proxy: TcpProxy;
  let client: Client;

  before(async () => {
    proxy = await TcpProxy.start({ host: REDIS.hostname, port: Number(REDIS.port || 6379) });
    const server = await startServe([
      ...store.args,
      '--redis-url',
      `redis://127.0.0.1:${proxy.port}`,
      '--redis-prefix',
      `cbout:${randomBytes(4).toString('hex')}:`,
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
  });

  async function outage(name: string, breakIt: () => void): Promise<void> {
    try {
      await story(name, breakIt);
    } finally {
      await proxy.heal();
    }
  }

  async function story(name: string, breakIt: () => void): Promise<void> {
    const healthy = await timed(() => client.feed());
    assert.equal(healthy.status, 200, JSON.stringify(healthy.body));
    breakIt();

    const first = await timed(() => client.feed());
    assertUnavailable(first, FIRST_503_BOUND_MS, `${name}: the first request`);
    const next = await timed(() => client.feed());
    assertUnavailable(next, FAIL_FAST_BOUND_MS, `${name}: the next request (known down)`);

    // Logins need no Redis: they keep working.
    const login = await timed(() => client.login());
    assert.equal(login.status, 200, JSON.stringify(login.body));

    const health = await timed(() => client.health());
    assert.equal(health.status, 503);
    assert.deepEqual(health.body, {
      status: 'unavailable',
      version: (health.body as { version: string }).version,
      store: testStore,
      dependencies: { store: 'ok', redis: 'unavailable' },
    });
    assert.ok(health.ms <= FIRST_503_BOUND_MS, `${name}: health took ${health.ms} ms`);

    await proxy.heal();
    const healedIn = await timeToHeal(client);
    const healthAfter = await timed(() => client.health());
    assert.equal(healthAfter.status, 200);
    assert.deepEqual((healthAfter.body as { dependencies: unknown }).dependencies, {
      store: 'ok',
      redis: 'ok',
    });
    assert.equal(client.server.running(), true, `the server process exited:\n${client.server.output()}`);
    process.stdout.write(
      `# outage redis ${name}: first 503 in ${first.ms} ms, next in ${next.ms} ms, 200 again ${healedIn} ms after heal\n`,
    );
  }

  test('Redis restarts (every connection reset, new ones refused)', async () => {
    await outage('restart', () => {
      proxy.refuse();
      proxy.resetAll();
    });
  });

  test('Redis black-holed (connections accepted, nothing forwarded)', async () => {
    await outage('black hole', () => proxy.blackHole());
  });

  test('Redis partitioned (nothing gets through until the partition heals)', async () => {
    await outage('partition', () => proxy.partition());
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
