import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../helpers/api-assert.js';
import { signIn } from '../helpers/feed-fixtures.js';
import type { Person } from '../helpers/feed-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

/** SPEC §12.6. Only users/{me}/settings is served so far (streams and announcements are not). */
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

  const ok = (response: Awaited<ReturnType<Harness['request']>>, body: unknown) => {
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), body);
  };

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
