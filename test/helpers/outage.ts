import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD } from '../../src/demo/demo-org.js';
import { formPost, type Server } from './cli.js';
import { JSON_TYPE } from './harness.js';
import type { TcpProxy } from './tcp-proxy.js';

/** The bound on each dependency call the outage suites give the server (--dependency-timeout-ms). */
export const DEPENDENCY_TIMEOUT_MS = 1_000;
/**
 * A request during an outage must be answered within this: the dependency timeout, the client-side
 * query timeout's extra second, and room for a loaded machine.
 */
export const FIRST_503_BOUND_MS = DEPENDENCY_TIMEOUT_MS + 1_000 + 1_500;
/** Once the dependency is known down, a request fails fast. */
export const FAIL_FAST_BOUND_MS = 750;
/** After the dependency returns, the server answers 200 again within this, without a restart. */
export const HEAL_BOUND_MS = 8_000;

export const UNAVAILABLE_BODY = [
  { errorCode: 'SERVER_UNAVAILABLE', message: 'The server is down for maintenance. Try again later.' },
];
export const OAUTH_UNAVAILABLE_BODY = {
  error: 'temporarily_unavailable',
  error_description: 'The server is down for maintenance.',
};

export interface Timed {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  body: unknown;
  ms: number;
}

export async function timed(request: () => Promise<Response>): Promise<Timed> {
  const started = performance.now();
  const response = await request();
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    retryAfter: response.headers.get('retry-after'),
    body: text ? JSON.parse(text) : null,
    ms: Math.round(performance.now() - started),
  };
}

/** The calls an outage test makes to one `chatterbox serve`. */
export class Client {
  token = '';

  constructor(readonly server: Server) {}

  login(): Promise<Response> {
    return formPost(`${this.server.url}/services/oauth2/token`, {
      grant_type: 'password',
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
      username: 'alice@acme.example',
      password: DEMO_PASSWORD,
    });
  }

  async signIn(): Promise<void> {
    const response = await this.login();
    assert.equal(response.status, 200, await response.clone().text());
    this.token = ((await response.json()) as { access_token: string }).access_token;
  }

  /** A read that needs the store and, with Redis, the quota counters. */
  feed(): Promise<Response> {
    return fetch(`${this.server.url}/services/data/v36.0/chatter/feeds/news/me/feed-elements`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
  }

  health(): Promise<Response> {
    return fetch(`${this.server.url}/_chatterbox/health`);
  }
}

/** A 503 SERVER_UNAVAILABLE, exactly, within `boundMs`. */
export function assertUnavailable(response: Timed, boundMs: number, what: string): void {
  assert.equal(response.status, 503, `${what}: ${JSON.stringify(response.body)}`);
  assert.equal(response.contentType, JSON_TYPE, `${what}: ${JSON.stringify(response.body)}`);
  assert.deepEqual(response.body, UNAVAILABLE_BODY);
  assert.match(response.retryAfter ?? '', /^[1-9]\d*$/);
  assert.ok(response.ms <= boundMs, `${what} took ${response.ms} ms, more than ${boundMs} ms`);
}

/** Polls until the server answers 200 again; returns how long that took. */
export async function timeToHeal(client: Client, boundMs = HEAL_BOUND_MS): Promise<number> {
  const started = performance.now();
  for (;;) {
    const response = await timed(() => client.feed());
    if (response.status === 200) return Math.round(performance.now() - started);
    // While healing, a request is refused properly or succeeds: never a 500, never a hang.
    assertUnavailable(response, FIRST_503_BOUND_MS, 'a request while healing');
    assert.ok(performance.now() - started < boundMs, `not healed after ${boundMs} ms`);
    await sleep(100);
  }
}

/** What one dependency's outage suite expects beyond the shared story. */
export interface OutageExpectations {
  /** The dependency as test names say it ("PostgreSQL", "Redis"). */
  dependency: string;
  /** The tag of the figures the suite prints (`# outage <tag> …`). */
  tag: string;
  /** How a login answers while the dependency is down. */
  checkLogin(login: Timed, name: string): void;
  /** `health` while the dependency is down, and its `dependencies` once healed. */
  health(): { down: Record<string, unknown>; healed: Record<string, string> };
}

/**
 * The three ways of losing a dependency (restart, black hole, partition), each told as one story:
 * 503 within the bound, fail fast once known down, logins as `expect` says, health naming the
 * dependency, and 200 again by itself once it is back, with the process still running (decision
 * 0021). `setup` gives the proxy and client that the suite's `before` made.
 */
export function outageStories(
  setup: () => { proxy: TcpProxy; client: Client },
  expect: OutageExpectations,
): void {
  async function story(name: string, breakIt: (proxy: TcpProxy) => void): Promise<void> {
    const { proxy, client } = setup();
    const healthy = await timed(() => client.feed());
    assert.equal(healthy.status, 200, JSON.stringify(healthy.body));
    breakIt(proxy);

    const first = await timed(() => client.feed());
    assertUnavailable(first, FIRST_503_BOUND_MS, `${name}: the first request`);
    const next = await timed(() => client.feed());
    assertUnavailable(next, FAIL_FAST_BOUND_MS, `${name}: the next request (known down)`);

    expect.checkLogin(await timed(() => client.login()), name);

    const health = await timed(() => client.health());
    assert.equal(health.status, 503);
    assert.deepEqual(health.body, {
      status: 'unavailable',
      version: (health.body as { version: string }).version,
      ...expect.health().down,
    });
    assert.ok(health.ms <= FIRST_503_BOUND_MS, `${name}: health took ${health.ms} ms`);

    await proxy.heal();
    const healedIn = await timeToHeal(client);
    const healthAfter = await timed(() => client.health());
    assert.equal(healthAfter.status, 200);
    assert.deepEqual((healthAfter.body as { dependencies: unknown }).dependencies, expect.health().healed);
    assert.equal(client.server.running(), true, `the server process exited:\n${client.server.output()}`);
    process.stdout.write(
      `# outage ${expect.tag} ${name}: first 503 in ${first.ms} ms, next in ${next.ms} ms, 200 again ${healedIn} ms after heal\n`,
    );
  }

  async function outage(name: string, breakIt: (proxy: TcpProxy) => void): Promise<void> {
    try {
      await story(name, breakIt);
    } finally {
      await setup().proxy.heal();
    }
  }

  test(`${expect.dependency} restarts (every connection reset, new ones refused)`, async () => {
    await outage('restart', (proxy) => {
      proxy.refuse();
      proxy.resetAll();
    });
  });

  test(`${expect.dependency} black-holed (connections accepted, nothing forwarded)`, async () => {
    await outage('black hole', (proxy) => proxy.blackHole());
  });

  test(`${expect.dependency} partitioned (nothing gets through until the partition heals)`, async () => {
    await outage('partition', (proxy) => proxy.partition());
  });
}
