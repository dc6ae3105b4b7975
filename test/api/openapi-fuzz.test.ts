import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { normalizePath } from '../../src/http/request-path.js';
import { type Answer, assertCatalogueError, XML_TYPE } from '../helpers/api-assert.js';
import {
  describeRequest,
  type FuzzContext,
  type FuzzRequest,
  operationsOf,
  requestArbitrary,
} from '../helpers/fuzz-requests.js';
import { ADMIN_TOKEN, createHarness, type Harness, JSON_TYPE, testStore } from '../helpers/harness.js';
import { sampleIds } from '../helpers/route-table.js';
import { storeFingerprint } from '../helpers/store-fingerprint.js';

/**
 * Property-based fuzzing over every route and method of the server's own OpenAPI document
 * (issue 9): whatever the request, no 500; every error in the catalogue's shape (the OAuth shape
 * on the OAuth endpoints); and a refused write leaves every record as it was.
 *
 * FUZZ_SEED and FUZZ_RUNS choose the run (printed on failure, so a case replays); FUZZ_PATH
 * replays one counterexample. `npm test` runs FUZZ_RUNS=2000 per store; `npm run fuzz` a long run.
 */
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const numRuns = Number(process.env.FUZZ_RUNS ?? 2000);
const path = process.env.FUZZ_PATH;

const REPLAY = `FUZZ_SEED=${seed} FUZZ_RUNS=${numRuns} CHATTERBOX_TEST_STORE=${testStore} node --import tsx --test test/api/openapi-fuzz.test.ts`;

const READS = new Set(['GET', 'HEAD']);

/** The journal's live stream (server-sent events): it answers until the client hangs up. */
const EVENT_STREAM = '/_chatterbox/requests/stream';
const EVENT_STREAM_TYPE = 'text/event-stream; charset=utf-8';

/** The path as the server reads it (decision 0019), to know which surface answered. */
/**
 * The routes whose success is the bytes of an image or a file rather than JSON or XML: profile
 * photos and file renditions are PNGs, a file's content has the file's own type (SPEC §12.2).
 */
const BINARY_ROUTES = [
  { path: /^\/profilephoto\/[^/]+\/[^/]+$/, type: /^image\/png$/ },
  { path: /\/connect\/files\/[^/]+\/rendition$/, type: /^image\/png$/ },
  { path: /\/connect\/files\/[^/]+\/content$/, type: /^[\w.+-]+\/[\w.+-]+/ },
];

function pathOf(request: FuzzRequest): string {
  return normalizePath(request.url.split('?')[0] as string);
}

describe('property-based fuzz over the OpenAPI document (issue 9)', () => {
  let h: Harness;
  let ctx: FuzzContext;
  let requests = 0;
  let elapsedMs = 0;
  let fpMs = 0;
  const statuses = new Map<number, number>();
  /** The store's fingerprint as of the last write that may have changed it (undefined: stale). */
  let fingerprint: string | undefined;
  let restoreOps: () => Promise<void>;

  before(async () => {
    h = await createHarness();
    const victim = await h.admin('POST', '/_chatterbox/users', {
      username: 'victim@acme.example',
      password: 'demo-password-1',
      firstName: 'Vic',
      lastName: 'Tim',
      type: 'standard',
    });
    assert.equal(victim.statusCode, 201, victim.body);
    const org = await h.services.store.orgs.firstOrg();
    ctx = {
      ids: { ...(await sampleIds(h.services.store)), org: org?.id as string },
      tokens: {
        alice: await h.login('alice@acme.example'),
        admin: await h.login('admin@acme.example'),
        carol: await h.login('carol@partner.example'),
      },
      adminToken: ADMIN_TOKEN,
      victimUserId: victim.json().id,
    };
    // The operator's settings as they were, put back after any control-plane write: a fault, a
    // maintenance window or a moved clock would otherwise answer every later case.
    const limits = (await h.admin('GET', '/_chatterbox/limits')).json();
    const clock = (await h.admin('GET', '/_chatterbox/clock')).json();
    restoreOps = async () => {
      await h.admin('DELETE', '/_chatterbox/faults');
      await h.admin('PUT', '/_chatterbox/maintenance', { enabled: false });
      await h.admin('PUT', '/_chatterbox/limits', limits);
      await h.admin('POST', '/_chatterbox/clock', { now: clock.now });
    };
  });
  after(() => h.close());

  /**
   * Sends one request. The journal's stream never ends by itself, so its answer is read as a
   * stream: an error body or a HEAD's to its end, an event stream up to its first event, then the
   * client hangs up as a browser would (inject would otherwise wait for ever).
   */
  async function send(request: FuzzRequest): Promise<Answer> {
    const options = {
      method: request.method as 'GET',
      url: request.url,
      headers: request.headers,
      ...(request.payload === undefined ? {} : { payload: request.payload }),
    };
    if (pathOf(request) !== EVENT_STREAM) return h.app.inject(options);
    const hangUp = new AbortController();
    const response = await h.app.inject({ ...options, payloadAsStream: true, signal: hangUp.signal });
    const live = response.headers['content-type'] === EVENT_STREAM_TYPE;
    // A stream that sends nothing fails the case instead of holding the run.
    const guard = setTimeout(() => hangUp.abort(new Error('the stream sent no event in 10 s')), 10_000);
    let body = '';
    try {
      for await (const chunk of response.stream()) {
        body += String(chunk);
        if (live && body.includes('\n\n')) break;
      }
    } finally {
      clearTimeout(guard);
      hangUp.abort();
    }
    return {
      statusCode: response.statusCode,
      headers: response.headers,
      body,
      json: () => JSON.parse(body),
    };
  }

  function assertAnswer(request: FuzzRequest, response: Answer): void {
    const context = `${describeRequest(request)}\n→ ${response.statusCode} ${response.body.slice(0, 300)}`;
    assert.ok(response.statusCode < 500, `no input produces a 500 (SPEC §2): ${context}`);
    const type = response.headers['content-type'];
    if (response.statusCode < 400) {
      if (response.statusCode === 204 || request.method === 'HEAD' || response.body === '') return;
      if (type === EVENT_STREAM_TYPE) {
        // The stream's first words: how long a client waits before it reconnects.
        assert.equal(pathOf(request), EVENT_STREAM, context);
        assert.equal(response.body.split('\n\n')[0], 'retry: 2000', context);
        return;
      }
      const binary = BINARY_ROUTES.find((route) => route.path.test(pathOf(request)));
      if (binary) assert.match(String(type), binary.type, context);
      else assert.ok(type === JSON_TYPE || type === XML_TYPE, context);
      return;
    }
    if (request.method === 'HEAD') {
      assert.equal(response.body, '', context);
      return;
    }
    if (pathOf(request).startsWith('/services/oauth2/')) {
      // SPEC §4: the OAuth endpoints answer {error, error_description}.
      const body = response.json();
      assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description'], context);
      assert.equal(typeof body.error, 'string', context);
      assert.equal(typeof body.error_description, 'string', context);
      return;
    }
    assertCatalogueError(response, context);
  }

  test(`${numRuns} requests drawn from openapi.json: no 500, catalogue errors, refused writes change nothing`, async () => {
    const document = (await h.admin('GET', '/_chatterbox/openapi.json')).json();
    // The reset would end the run's tokens; everything else is fair game.
    const operations = operationsOf(document, (op) => op.path === '/_chatterbox/reset');
    assert.ok(operations.length > 150, `${operations.length} operations`);
    const started = performance.now();
    const property = fc.asyncProperty(requestArbitrary(operations, ctx), async (request) => {
      const write = !READS.has(request.method);
      const f0 = performance.now();
      if (write && fingerprint === undefined) fingerprint = await storeFingerprint(h.services.store);
      fpMs += performance.now() - f0;
      const began = performance.now();
      const response = await send(request);
      elapsedMs += performance.now() - began;
      requests++;
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      assertAnswer(request, response);
      if (!write) return;
      if (response.statusCode >= 400) {
        const f1 = performance.now();
        const afterwards = await storeFingerprint(h.services.store);
        fpMs += performance.now() - f1;
        assert.equal(
          afterwards,
          fingerprint,
          `a refused write changed the store: ${describeRequest(request)} → ${response.statusCode} ${response.body.slice(0, 300)}`,
        );
        return;
      }
      fingerprint = undefined;
      if (pathOf(request).startsWith('/_chatterbox')) await restoreOps();
    });
    try {
      await fc.assert(property, { seed, numRuns, includeErrorInReport: true, ...(path ? { path } : {}) });
    } catch (error) {
      (error as Error).message = `${(error as Error).message}\nReplay: ${REPLAY}`;
      throw error;
    }
    const seconds = (performance.now() - started) / 1000;
    const summary = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}×${n}`)
      .join(' ');
    // A diagnostic for the report: cases per second, and what the server answered.
    console.log(
      `fuzz ${testStore}: seed ${seed}, ${requests} requests in ${seconds.toFixed(1)} s (${(requests / seconds).toFixed(0)}/s; ${(requests / (elapsedMs / 1000)).toFixed(0)}/s in the server; fingerprints ${fpMs.toFixed(0)} ms): ${summary}`,
    );
    assert.ok(requests >= numRuns);
  });

  test('after all that, the server answers normally and nothing was polluted', async () => {
    const me = await h.request({
      method: 'GET',
      url: '/services/data/v36.0/chatter/users/me',
      token: ctx.tokens.alice,
    });
    assert.equal(me.statusCode, 200);
    assert.equal(me.headers['content-type'], JSON_TYPE);
    assert.equal(me.json().username, 'alice@acme.example');
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  });
});
