import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { to18 } from '../../src/ids/salesforce-id.js';
import { assertError, assertJson } from '../helpers/api-assert.js';
import { makeGroup, signIn } from '../helpers/feed-fixtures.js';
import type { Person } from '../helpers/feed-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

/** SPEC §12.6: settings and memberships by ID (streams.test.ts and announcements.test.ts hold the rest). */
describe('user settings (SPEC §12.6, F2 §8)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  const url = '/services/data/v41.0/chatter/users/me/settings';

  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['alice', 'bob']));
  });
  after(() => h.close());

  const ok = (response: LightMyRequestResponse, body: unknown) => assertJson(response, 200, body);

  test('GET users/me/settings: EachPost until changed; PATCH (body or parameter) changes only the caller’s', async () => {
    ok(await h.request({ method: 'GET', url, token: tokens.alice }), {
      defaultGroupEmailFrequency: 'EachPost',
    });
    ok(
      await h.request({
        method: 'PATCH',
        url,
        token: tokens.alice,
        payload: { defaultGroupEmailFrequency: 'Never' },
      }),
      {
        defaultGroupEmailFrequency: 'Never',
      },
    );
    ok(await h.request({ method: 'GET', url, token: tokens.alice }), { defaultGroupEmailFrequency: 'Never' });
    ok(await h.request({ method: 'GET', url, token: tokens.bob }), {
      defaultGroupEmailFrequency: 'EachPost',
    });
    ok(
      await h.request({
        method: 'PATCH',
        url: `${url}?defaultGroupEmailFrequency=DailyDigest`,
        token: tokens.alice,
      }),
      {
        defaultGroupEmailFrequency: 'DailyDigest',
      },
    );
    const own = `/services/data/v41.0/chatter/users/${people.alice?.id}/settings`;
    ok(await h.request({ method: 'GET', url: own, token: tokens.alice }), {
      defaultGroupEmailFrequency: 'DailyDigest',
    });
  });

  test('another user’s settings: 403; a frequency not in the list: 400, nothing changes', async () => {
    assertError(
      await h.request({
        method: 'GET',
        url: `/services/data/v41.0/chatter/users/${people.alice?.id}/settings`,
        token: tokens.bob,
      }),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to view another user's settings.",
    );
    assertError(
      await h.request({
        method: 'PATCH',
        url,
        token: tokens.bob,
        payload: { defaultGroupEmailFrequency: 'Hourly' },
      }),
      400,
      'INVALID_INPUT',
      'Invalid defaultGroupEmailFrequency: Hourly. Specify one of: EachPost, DailyDigest, WeeklyDigest, Never.',
    );
    ok(await h.request({ method: 'GET', url, token: tokens.bob }), {
      defaultGroupEmailFrequency: 'EachPost',
    });
  });
});

/** Group Chatter Settings (SPEC §12.6, F2 §8): the context user's own, per group they belong to. */
describe('GET|PATCH chatter/groups/{id}/my-settings', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  let groupId: string;
  let unlistedId: string;
  const at = (id: string) => `/services/data/v41.0/chatter/groups/${id}/my-settings`;

  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
    groupId = await makeGroup(h, {
      name: 'Digesters',
      visibility: 'PublicAccess',
      owner: people.alice?.id as string,
      members: [{ id: people.bob?.id as string, role: 'StandardMember' }],
    });
    unlistedId = await makeGroup(h, {
      name: 'Unseen',
      visibility: 'Unlisted',
      owner: people.alice?.id as string,
    });
  });
  after(() => h.close());

  const ok = (response: LightMyRequestResponse, body: unknown) => assertJson(response, 200, body);

  test('UseDefault until set; PATCH changes only the caller’s setting for that group', async () => {
    ok(await h.request({ method: 'GET', url: at(groupId), token: tokens.bob }), {
      emailFrequency: 'UseDefault',
    });
    ok(
      await h.request({
        method: 'PATCH',
        url: at(groupId),
        token: tokens.bob,
        payload: { emailFrequency: 'WeeklyDigest' },
      }),
      { emailFrequency: 'WeeklyDigest' },
    );
    ok(await h.request({ method: 'GET', url: at(groupId), token: tokens.bob }), {
      emailFrequency: 'WeeklyDigest',
    });
    ok(await h.request({ method: 'GET', url: at(groupId), token: tokens.alice }), {
      emailFrequency: 'UseDefault',
    });
  });

  test('not a member: 403; a group the caller can’t see: 404; a bad value: 400; nothing changes', async () => {
    for (const method of ['GET', 'PATCH'] as const) {
      assertError(
        await h.request({
          method,
          url: at(groupId),
          token: tokens.admin,
          payload: { emailFrequency: 'Never' },
        }),
        403,
        'INSUFFICIENT_ACCESS',
        'Only members of a group have settings for it.',
      );
      assertError(
        await h.request({
          method,
          url: at(unlistedId),
          token: tokens.bob,
          payload: { emailFrequency: 'Never' },
        }),
        404,
        'NOT_FOUND',
        'The requested resource does not exist',
      );
    }
    assertError(
      await h.request({
        method: 'PATCH',
        url: at(groupId),
        token: tokens.alice,
        payload: { emailFrequency: 'Hourly' },
      }),
      400,
      'INVALID_INPUT',
      'Invalid emailFrequency: Hourly. Specify one of: EachPost, DailyDigest, WeeklyDigest, Never, UseDefault.',
    );
    assertError(
      await h.request({ method: 'GET', url: at(people.bob?.id as string), token: tokens.bob }),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${people.bob?.id}`,
    );
    ok(await h.request({ method: 'GET', url: at(groupId), token: tokens.alice }), {
      emailFrequency: 'UseDefault',
    });
    assert.equal(
      await h.services.store.settings.groupMemberFrequency(groupId, people.admin?.id as string),
      undefined,
    );
  });
});

/** Group memberships by ID (SPEC §12.6): Batch Results, each item as its own GET answers. */
describe('GET chatter/group-memberships/batch/{ids}', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  let open: string;
  let closed: string;
  const v = '/services/data/v41.0';

  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['alice', 'bob']));
    const groupId = await makeGroup(h, {
      name: 'Batchers',
      visibility: 'PublicAccess',
      owner: people.alice?.id as string,
      members: [{ id: people.bob?.id as string, role: 'StandardMember' }],
    });
    const privateId = await makeGroup(h, {
      name: 'Shut',
      visibility: 'PrivateAccess',
      owner: people.alice?.id as string,
    });
    const store = h.services.store;
    open = (await store.memberships.membershipsOf(people.bob?.id as string, [groupId])).get(groupId)
      ?.id as string;
    closed = (await store.memberships.membershipsOf(people.alice?.id as string, [privateId])).get(privateId)
      ?.id as string;
  });
  after(() => h.close());

  test('one result per ID, in order: 200 with the Group Member, 403, 404, 400', async () => {
    const single = async (id: string) => {
      const r = await h.request({
        method: 'GET',
        url: `${v}/chatter/group-memberships/${id}`,
        token: tokens.bob,
      });
      return { result: r.json(), statusCode: r.statusCode };
    };
    const unknown = to18('0FBCb0zzzzzzzzz');
    const ids = [open, closed, 'nope', people.bob?.id as string, unknown, open];
    const response = await h.request({
      method: 'GET',
      url: `${v}/chatter/group-memberships/batch/${ids.join(',')}`,
      token: tokens.bob,
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const first = await single(open);
    assert.equal(first.statusCode, 200);
    assert.deepEqual(response.json(), {
      hasErrors: true,
      results: [
        first,
        {
          result: [
            {
              errorCode: 'INSUFFICIENT_ACCESS',
              message: "You don't have permission to view this group's members.",
            },
          ],
          statusCode: 403,
        },
        { result: [{ errorCode: 'INVALID_ID_FIELD', message: 'Invalid identifier: nope' }], statusCode: 400 },
        {
          result: [{ errorCode: 'INVALID_ID_FIELD', message: `Invalid identifier: ${people.bob?.id}` }],
          statusCode: 400,
        },
        {
          result: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
          statusCode: 404,
        },
        first,
      ],
    });
    assert.deepEqual(await single(closed), response.json().results[1]);
    const missing = await h.request({
      method: 'GET',
      url: `${v}/chatter/group-memberships/batch/${open.slice(0, 15)}`,
      token: tokens.alice,
    });
    assert.equal(missing.statusCode, 200);
    assert.deepEqual(missing.json(), {
      hasErrors: false,
      results: [
        {
          result: (
            await h.request({
              method: 'GET',
              url: `${v}/chatter/group-memberships/${open}`,
              token: tokens.alice,
            })
          ).json(),
          statusCode: 200,
        },
      ],
    });
  });

  test('more than 500 IDs, or an empty one: 400 for the whole request', async () => {
    const url = (ids: string[]) => `${v}/chatter/group-memberships/batch/${ids.join(',')}`;
    const message = 'Invalid membershipIds: specify between 1 and 500 comma-separated IDs.';
    assertError(
      await h.request({ method: 'GET', url: url(Array(501).fill(open)), token: tokens.bob }),
      400,
      'INVALID_INPUT',
      message,
    );
    assertError(
      await h.request({ method: 'GET', url: url([open, '']), token: tokens.bob }),
      400,
      'INVALID_INPUT',
      message,
    );
  });
});
