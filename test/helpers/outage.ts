import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD } from '../../src/demo/demo-org.js';
import { formPost, type Server } from './cli.js';
import { JSON_TYPE } from './harness.js';

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
