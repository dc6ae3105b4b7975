import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../helpers/api-assert.js';
import { assertAuthFailures, revokedToken } from '../helpers/auth-failures.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { routeCases, sampleIds } from '../helpers/route-table.js';

/** STYLE #12: the shared auth-failure checks, run over every route of the route table. */
describe('auth failures on every route of the route table (SPEC §2, §4, §5)', () => {
  let h: Harness;
  let revoked: string;
  let ids: Record<string, string>;
  before(async () => {
    h = await createHarness();
    revoked = await revokedToken(h);
    // The internal scope everywhere a community goes: a community with guest access would let a
    // request without Authorization in as its guest (SPEC §5), checked on its own below.
    ids = { ...(await sampleIds(h.services.store)), community: 'internal' };
  });
  after(() => h.close());

  test('every route, at its root path and under /connect/communities/internal: 401 for every bad credential', async () => {
    // Removed resources answer 410 before authentication (SPEC §2: path stage), whoever asks.
    const cases = routeCases(ids).filter((c) => c.route.auth !== 'none' && !c.route.gone);
    assert.ok(cases.length >= 10, `${cases.length} routes`);
    for (const { route, path } of cases) {
      for (const version of ['v32.0', 'v66.0']) {
        // A resource newer than the version answers 404 at the path stage, before authentication.
        if (route.since !== undefined && Number.parseInt(version.slice(1), 10) < route.since) continue;
        const url = `/services/data/${version}${path}`;
        await assertAuthFailures(
          h,
          { method: route.method, url, payload: route.method === 'GET' ? undefined : {} },
          revoked,
        );
        if (route.method === 'GET') await assertAuthFailures(h, { method: 'HEAD', url }, revoked);
      }
    }
  });

  test('every path, with a method it does not support: 401 before 405', async () => {
    for (const { route, path } of routeCases(ids).filter((c) => !c.route.gone)) {
      // At a version that serves the resource (one newer than it answers 404 first).
      const url = `/services/data/v${Math.max(36, route.since ?? 36)}.0${path}`;
      await assertAuthFailures(h, { method: route.method === 'PUT' ? 'PATCH' : 'PUT', url }, revoked);
    }
  });

  test('under a community with guest access, no Authorization runs as its guest: refused routes are 401 guest', async () => {
    const partner = (
      await h.services.store.orgs.listCommunities((await h.services.store.orgs.firstOrg())?.id as string)
    )[0]?.id as string;
    for (const { route, path, community } of routeCases({ ...ids, community: partner })) {
      if (!community || route.gone || (route.method !== 'GET' && route.method !== 'DELETE')) continue;
      const response = await h.request({ method: route.method, url: `/services/data/v36.0${path}` });
      const context = `guest ${route.method} ${path}`;
      if (route.guests) {
        assert.notEqual(response.statusCode, 401, context);
        continue;
      }
      assertError(
        response,
        401,
        'INVALID_SESSION_ID',
        "This resource isn't accessible to guest users.",
        context,
      );
    }
  });
});
