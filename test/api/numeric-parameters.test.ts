import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../helpers/api-assert.js';
import { ADMIN_TOKEN, createHarness, type Harness } from '../helpers/harness.js';
import { routeCases, sampleIds } from '../helpers/route-table.js';

/**
 * A number written as anything but a plain decimal (`1e309`, `Infinity`, `0x10`, ` 5`, `1.0`) is
 * refused with the catalogue's 400 naming the parameter, never taken as some other number and
 * never a 500 (issue 9, decision 0006): over every route whose parameters include one.
 */
const ODD_NUMBERS: [string, string][] = [
  ['1e309', '1e309'],
  ['Infinity', 'Infinity'],
  ['-Infinity', '-Infinity'],
  ['NaN', 'NaN'],
  ['0x10', '0x10'],
  ['0b1', '0b1'],
  ['%205', ' 5'],
  ['5%20', '5 '],
  ['1e1', '1e1'],
  ['1.0', '1.0'],
  ['%2B5', '+5'],
  ['', ''],
  [`${'9'.repeat(400)}`, `${'9'.repeat(200)}…`],
];

describe('numeric parameters are plain decimals (issue 9)', () => {
  let h: Harness;
  let token: string;
  let ids: Record<string, string>;
  before(async () => {
    h = await createHarness();
    token = await h.login('admin@acme.example');
    ids = await sampleIds(h.services.store);
  });
  after(() => h.close());

  test('GET with page, pageSize or another integer parameter not in decimal → 400 INVALID_INPUT', async () => {
    let checked = 0;
    for (const { route, pathOnly, query } of routeCases(ids)) {
      if (route.method !== 'GET' || route.gone) continue;
      const properties = (route.schema?.querystring as { properties?: Record<string, { type?: string }> })
        ?.properties;
      for (const [name, property] of Object.entries(properties ?? {})) {
        if (property.type !== 'integer') continue;
        for (const [raw, shown] of ODD_NUMBERS) {
          const separator = query === '' ? '?' : '&';
          const url = `/services/data/v${Math.max(36, route.since ?? 36)}.0${pathOnly}${query}${separator}${name}=${raw}`;
          const response = await h.request({ method: 'GET', url, token });
          assertError(
            response,
            400,
            'INVALID_INPUT',
            `Invalid ${name}: ${shown}. Specify a value of type integer.`,
            url,
          );
          checked++;
        }
      }
    }
    // users, groups, members, follows, likes, feeds…: every one of the integer-paged lists.
    assert.ok(checked >= 17 * ODD_NUMBERS.length, `only ${checked} cases`);
  });

  test('a decimal with leading zeros is that number; a too-large one names the range', async () => {
    const paged = await h.request({
      method: 'GET',
      url: '/services/data/v36.0/chatter/users?pageSize=005',
      token,
    });
    assert.equal(paged.statusCode, 200, paged.body);
    assert.equal(paged.json().currentPageUrl, '/services/data/v36.0/chatter/users?page=0&pageSize=5');
    const huge = await h.request({
      method: 'GET',
      url: '/services/data/v36.0/chatter/users?pageSize=99999999999999999999999',
      token,
    });
    assertError(huge, 400, 'INVALID_INPUT', 'Invalid pageSize: 1e+23. Specify a value between 1 and 250.');
  });

  test('a JSON number too large for a double (1e309 is Infinity) → 400 naming the field', async () => {
    const response = await h.app.inject({
      method: 'PUT',
      url: '/_chatterbox/limits',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      payload: '{"hourly":1e309}',
    });
    assertError(response, 400, 'INVALID_INPUT', 'Invalid hourly: Infinity. Specify a value of type integer.');
  });
});
