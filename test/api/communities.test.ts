import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Provisioning } from '../../src/control/provisioning.js';
import type { CommunityRecord } from '../../src/store/records.js';
import {
  assertError,
  assertJson,
  caller,
  communityBody,
  type Demo,
  GUEST_MESSAGE,
  loadDemo,
  NOT_FOUND,
  unusedId,
} from '../helpers/collab.js';
import { createHarness, type Harness } from '../helpers/harness.js';

describe('communities (SPEC §5, §6)', () => {
  let h: Harness;
  let d: Demo;
  let call: ReturnType<typeof caller>;
  let second: CommunityRecord;
  const tokens: Record<string, string> = {};
  const list = (version = '36.0') => `/services/data/v${version}/connect/communities`;

  before(async () => {
    h = await createHarness();
    d = await loadDemo(h);
    call = caller(h);
    for (const name of ['admin', 'alice', 'bob', 'carol'] as const)
      tokens[name] = await h.login(d.users[name].username);
    // A second community nobody belongs to (no control-plane resource creates communities).
    second = await new Provisioning(h.services.store, h.services.clock).createCommunity({
      orgId: d.orgId,
      name: 'Customer <Care>',
      description: 'Where customers get help.',
      urlPathPrefix: 'care',
      guestAccess: false,
    });
  });
  after(() => h.close());

  test('GET /connect/communities: the communities the caller belongs to', async () => {
    const partner = { communities: [communityBody('36.0', d.community)], total: 1 };
    assertJson(await call('GET', list(), tokens.alice), 200, partner);
    assertJson(await call('GET', list(), tokens.bob), 200, { communities: [], total: 0 });
    // External users may ask on the internal path (the one Chatter resource they may call there).
    assertJson(await call('GET', list('41.0'), tokens.carol), 200, {
      communities: [communityBody('41.0', d.community)],
      total: 1,
    });
  });

  test('GET /connect/communities: admins see all of the org’s; ?status= filters', async () => {
    const response = await call('GET', list(), tokens.admin);
    assertJson(response, 200, {
      communities: [
        { ...communityBody('36.0', second), name: 'Customer &lt;Care&gt;' },
        communityBody('36.0', d.community),
      ],
      total: 2,
    });
    assertJson(await call('GET', `${list()}?status=Live`, tokens.alice), 200, {
      communities: [communityBody('36.0', d.community)],
      total: 1,
    });
    assertJson(await call('GET', `${list()}?status=Inactive`, tokens.admin), 200, {
      communities: [],
      total: 0,
    });
    assertError(
      await call('GET', `${list()}?status=Closed`, tokens.admin),
      400,
      'INVALID_INPUT',
      'Invalid status: Closed. Specify one of: Live, Inactive, UnderConstruction.',
    );
  });

  test('GET /connect/communities/{id}: a member, an admin, an external member', async () => {
    const url = `${list()}/${d.community.id}`;
    for (const who of ['alice', 'admin', 'carol']) {
      assertJson(await call('GET', url, tokens[who]), 200, communityBody('36.0', d.community));
    }
    // 15-character IDs work too; the body carries the 18-character one.
    assertJson(
      await call('GET', `${list()}/${d.community.id.slice(0, 15)}`, tokens.alice),
      200,
      communityBody('36.0', d.community),
    );
    assertJson(await call('GET', `${list()}/${second.id}`, tokens.admin), 200, {
      ...communityBody('36.0', second),
      name: 'Customer &lt;Care&gt;',
    });
  });

  test('GET /connect/communities/{id}: 403 for non-members, 400 for bad IDs, 404 for unknown ones and internal', async () => {
    assertError(
      await call('GET', `${list()}/${d.community.id}`, tokens.bob),
      403,
      'INSUFFICIENT_ACCESS',
      "You aren't a member of this community.",
    );
    assertError(
      await call('GET', `${list()}/${second.id}`, tokens.carol),
      403,
      'INSUFFICIENT_ACCESS',
      "External users can't access this resource.",
    );
    assertError(
      await call('GET', `${list()}/0DBnope`, tokens.alice),
      400,
      'INVALID_ID_FIELD',
      'Invalid identifier: 0DBnope',
    );
    assertError(
      await call('GET', `${list()}/${d.groups.allAcme.id}`, tokens.alice),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${d.groups.allAcme.id}`,
    );
    assertError(await call('GET', `${list()}/${unusedId('0DB')}`, tokens.alice), 404, ...NOT_FOUND);
    assertError(await call('GET', `${list()}/internal`, tokens.alice), 404, ...NOT_FOUND);
    assertError(await call('GET', `${list()}/internal`, tokens.carol), 404, ...NOT_FOUND);
  });

  test('GET /connect/communities[/{id}] without a token: 401, the guest message on a guest community', async () => {
    assertError(await call('GET', list()), 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    assertError(await call('GET', `${list()}/${d.community.id}`), 401, 'INVALID_SESSION_ID', GUEST_MESSAGE);
    assertError(
      await call('GET', `${list()}/${second.id}`),
      401,
      'INVALID_SESSION_ID',
      'Session expired or invalid',
    );
    const post = await call('POST', list(), tokens.admin);
    assertError(post, 405, 'METHOD_NOT_ALLOWED', "HTTP Method 'POST' not allowed. Allowed are GET,HEAD");
    assert.equal(post.headers.allow, 'GET,HEAD');
  });
});
