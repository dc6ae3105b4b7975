import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { parseId, to18 } from '../../src/ids/salesforce-id.js';
import { apiUsage, assertError, XML_TYPE } from '../helpers/api-assert.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { routeCases, sampleIds } from '../helpers/route-table.js';

const V = '/services/data/v36.0';

/** Every server-relative URL and every ID in a body, wherever it is nested. */
function walk(body: unknown, visit: (key: string, value: string) => void): void {
  const pending: unknown[] = [body];
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    if (value === null || typeof value !== 'object') continue;
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string') visit(key, item);
      else pending.push(item);
    }
  }
}

describe('wire conventions (SPEC §1)', () => {
  let h: Harness;
  let token: string;
  let ids: Record<string, string>;
  let aliceId: string;
  before(async () => {
    h = await createHarness();
    token = await h.login('alice@acme.example');
    ids = await sampleIds(h.services.store);
    aliceId = ids.user as string;
  });
  after(() => h.close());

  const getCases = () => routeCases(ids).filter((c) => c.route.method === 'GET');

  test('HEAD on every GET route of the table: the GET status and headers, no body', async () => {
    const cases = getCases();
    assert.ok(cases.length >= 8, `${cases.length} GET routes`);
    for (const { name, path } of cases) {
      const url = `${V}${path}`;
      const get = await h.request({ method: 'GET', url, token });
      const head = await h.request({ method: 'HEAD', url, token });
      assert.equal(head.statusCode, get.statusCode, name);
      assert.equal(head.body, '', name);
      const { 'sforce-limit-info': getUsage, date: _getDate, ...getHeaders } = get.headers;
      const { 'sforce-limit-info': headUsage, date: _headDate, ...headHeaders } = head.headers;
      assert.deepEqual(headHeaders, getHeaders, name);
      // The HEAD is one more request of the org's day (removed resources are refused uncounted).
      const usage = apiUsage(get);
      if (usage) assert.equal(headUsage, `api-usage=${usage.used + 1}/${usage.max}`, name);
      else assert.equal(headUsage, getUsage, name);
    }
  });

  test('every GET route of the table answers alike with and without a trailing slash', async () => {
    for (const { name, pathOnly, query } of getCases()) {
      const plain = await h.request({ method: 'GET', url: `${V}${pathOnly}${query}`, token });
      const slash = await h.request({ method: 'GET', url: `${V}${pathOnly}/${query}`, token });
      assert.equal(slash.statusCode, plain.statusCode, name);
      assert.equal(slash.headers['content-type'], plain.headers['content-type'], name);
      assert.deepEqual(slash.json(), plain.json(), name);
    }
    const patch = await h.request({
      method: 'PATCH',
      url: `${V}/chatter/users/me/`,
      token,
      payload: { aboutMe: 'slash' },
    });
    assert.equal(patch.statusCode, 200);
    assert.equal(patch.json().aboutMe, 'slash');
  });

  test('every GET body: URLs carry the requested version (and community prefix), IDs have 18 characters, dates milliseconds', async () => {
    let checked = 0;
    for (const version of ['32.0', '66.0']) {
      for (const { name, path, community } of getCases()) {
        const response = await h.request({ method: 'GET', url: `/services/data/v${version}${path}`, token });
        if (response.statusCode !== 200) continue;
        const base = `/services/data/v${version}${community ? `/connect/communities/${ids.community}` : ''}`;
        let urls = 0;
        walk(response.json(), (key, value) => {
          if (value.startsWith('/services/data/')) {
            urls++;
            assert.ok(
              value === base || value.startsWith(`${base}/`) || value.startsWith(`${base}?`),
              `${name}: ${key}=${value}`,
            );
          }
          if ((key === 'id' || key.endsWith('Id')) && /^[0-9A-Za-z]{15,18}$/.test(value)) {
            assert.equal(value.length, 18, `${name}: ${key}=${value}`);
            assert.ok(parseId(value), `${name}: ${key}=${value}`);
          }
          if (key.endsWith('Date') && !key.startsWith('relative')) {
            // sObject REST writes datetimes with +0000 instead of Z (SPEC §12.1).
            const zone = name.startsWith('GET /sobjects/') ? '\\+0000' : 'Z';
            const pattern = new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}${zone}$`);
            assert.match(value, pattern, `${name}: ${key}=${value}`);
          }
        });
        checked += urls;
      }
    }
    assert.ok(checked > 100, `${checked} URLs checked`);
  });

  test('GET users/me and users/<my ID> are the same user; me in a batch; URLs use the 18-character ID', async () => {
    const me = await h.request({ method: 'GET', url: `${V}/chatter/users/me`, token });
    const byId = await h.request({ method: 'GET', url: `${V}/chatter/users/${aliceId}`, token });
    assert.equal(me.statusCode, 200);
    assert.deepEqual(me.json(), byId.json());
    assert.equal(me.json().url, `${V}/chatter/users/${aliceId}`);
    const batch = await h.request({
      method: 'GET',
      url: `${V}/chatter/users/batch/me,${aliceId.slice(0, 15)}`,
      token,
    });
    const results = batch.json().results;
    assert.deepEqual(
      results.map((r: { statusCode: number; result: { id: string } }) => [r.statusCode, r.result.id]),
      [
        [200, aliceId],
        [200, aliceId],
      ],
    );
  });

  test('POST with _HttpMethod=PATCH is a PATCH; _HttpMethod=DELETE is a DELETE (405 here)', async () => {
    const patched = await h.request({
      method: 'POST',
      url: `${V}/chatter/users/me?_HttpMethod=PATCH`,
      token,
      payload: { aboutMe: 'via override' },
    });
    assert.equal(patched.statusCode, 200);
    assert.equal(patched.headers['content-type'], JSON_TYPE);
    assert.equal(patched.json().aboutMe, 'via override');
    const parameters = await h.request({
      method: 'POST',
      url: `${V}/chatter/users/me?_HttpMethod=patch&aboutMe=as%20parameters`,
      token,
    });
    assert.equal(parameters.statusCode, 200);
    assert.equal(parameters.json().aboutMe, 'as parameters');
    const deleted = await h.request({
      method: 'POST',
      url: `${V}/chatter/users/me?_HttpMethod=DELETE`,
      token,
    });
    assertError(
      deleted,
      405,
      'METHOD_NOT_ALLOWED',
      "HTTP Method 'DELETE' not allowed. Allowed are GET,HEAD,PATCH",
    );
    assert.equal(deleted.headers.allow, 'GET,HEAD,PATCH');
  });

  test('X-PrettyPrint: 1 indents JSON bodies, errors included', async () => {
    const plain = await h.request({ method: 'GET', url: `${V}/chatter/users/me`, token });
    const pretty = await h.request({
      method: 'GET',
      url: `${V}/chatter/users/me`,
      token,
      headers: { 'x-prettyprint': '1' },
    });
    assert.equal(pretty.headers['content-type'], JSON_TYPE);
    assert.equal(pretty.body, JSON.stringify(plain.json(), null, 2));
    assert.notEqual(pretty.body, plain.body);
    const error = await h.request({ method: 'GET', url: `${V}/nothing`, headers: { 'x-prettyprint': '1' } });
    assert.equal(
      error.body,
      JSON.stringify([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }], null, 2),
    );
    const versions = await h.request({
      method: 'GET',
      url: '/services/data/',
      headers: { 'x-prettyprint': '1' },
    });
    assert.equal(versions.body, JSON.stringify(versions.json(), null, 2));
  });

  test('format: no Accept, */* or JSON → JSON; Accept XML or .xml → the same body as XML; .json → JSON', async () => {
    const url = `${V}/chatter/users/me`;
    const json = (await h.request({ method: 'GET', url, token })).json();
    for (const headers of [
      {},
      { accept: '*/*' },
      { accept: 'application/json' },
      { accept: 'application/json, application/xml' },
    ]) {
      const response = await h.request({ method: 'GET', url, token, headers });
      assert.equal(response.headers['content-type'], JSON_TYPE, JSON.stringify(headers));
      assert.deepEqual(response.json(), json);
    }
    const suffixJson = await h.request({
      method: 'GET',
      url: `${url}.json`,
      token,
      headers: { accept: 'application/xml' },
    });
    assert.equal(suffixJson.headers['content-type'], JSON_TYPE);
    assert.deepEqual(suffixJson.json(), json);

    // XML carries every value as text; nulls become empty elements, an empty list no element at
    // all (docs/decisions/0004-ids-and-xml.md).
    const asText = (value: unknown): unknown => {
      if (value === null) return '';
      if (Array.isArray(value)) return value.map(asText);
      if (typeof value === 'object') {
        return Object.fromEntries(
          Object.entries(value as object)
            .filter(([, v]) => !(Array.isArray(v) && v.length === 0))
            .map(([k, v]) => [k, asText(v)]),
        );
      }
      return String(value);
    };
    const parser = new XMLParser({ parseTagValue: false });
    for (const [target, headers] of [
      [url, { accept: 'application/xml' }],
      [`${url}.xml`, {}],
      [`${url}.xml`, { accept: 'application/json' }],
    ] as const) {
      const response = await h.request({ method: 'GET', url: target, token, headers });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], XML_TYPE);
      assert.deepEqual(parser.parse(response.body).user, asText(json), target);
    }
    const versions = await h.request({
      method: 'GET',
      url: '/services/data/',
      headers: { accept: 'application/xml' },
    });
    assert.equal(versions.headers['content-type'], XML_TYPE);
    assert.deepEqual(parser.parse(versions.body).Versions.Version[0], {
      label: "Winter '15",
      url: '/services/data/v32.0',
      version: '32.0',
    });
  });
});

describe('Sforce-Limit-Info (SPEC §1, §7)', () => {
  let h: Harness;
  let alice: string;
  let other: string;
  before(async () => {
    h = await createHarness();
    alice = await h.login('alice@acme.example');
    // A second org, with its own user and connected app, through the control plane (SPEC §9).
    const org = await h.admin('POST', '/_chatterbox/orgs', { name: 'Globex' });
    assert.equal(org.statusCode, 201, org.body);
    const orgId = org.json().id;
    const user = await h.admin('POST', '/_chatterbox/users', {
      orgId,
      username: 'hank@globex.example',
      password: 'globex-password-1',
      firstName: 'Hank',
      lastName: 'Scorpio',
      type: 'standard',
    });
    assert.equal(user.statusCode, 201, user.body);
    const app = await h.admin('POST', '/_chatterbox/apps', { orgId, name: 'Globex App' });
    assert.equal(app.statusCode, 201, app.body);
    const tokens = await h.admin('POST', '/_chatterbox/tokens', {
      username: 'hank@globex.example',
      clientId: app.json().clientId,
    });
    assert.equal(tokens.statusCode, 201, tokens.body);
    other = tokens.json().access_token;
  });
  after(() => h.close());

  const usage = async (token: string, url = `${V}/chatter`) => {
    const response = await h.request({ method: 'GET', url, token });
    return apiUsage(response);
  };

  test('every authenticated response carries the org counter, errors included; each request counts once', async () => {
    const max = h.services.control.limits.daily;
    const start = (await usage(alice))?.used as number;
    const requests: [string, string, unknown, number][] = [
      ['GET', `${V}/chatter/users/me`, undefined, 200],
      ['HEAD', `${V}/chatter/users/me`, undefined, 200],
      ['GET', `${V}/chatter/users/${to18('005Cb00000000zz')}`, undefined, 404],
      ['GET', `${V}/chatter/users/not-an-id`, undefined, 400],
      ['PUT', `${V}/chatter/users/me`, undefined, 405],
      ['PATCH', `${V}/chatter/users/me`, '{bad', 400],
      ['GET', `${V}/limits`, undefined, 403],
      ['GET', `${V}/connect/communities/${'0DBCb0zzzzzzzzz'}/chatter`, undefined, 404],
    ];
    for (const [index, [method, url, payload, status]] of requests.entries()) {
      const response = await h.request({
        method: method as 'GET',
        url,
        token: alice,
        payload: payload as string,
        headers: payload ? { 'content-type': 'application/json' } : {},
      });
      assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
      assert.equal(
        response.headers['sforce-limit-info'],
        `api-usage=${start + index + 1}/${max}`,
        `${method} ${url}`,
      );
    }
    assert.equal((await usage(alice))?.used, start + requests.length + 1);
  });

  test('401 responses carry no counter and count nothing; /services/data/ is never counted', async () => {
    const start = (await usage(alice))?.used as number;
    for (const headers of [{}, { authorization: 'Bearer nope' }]) {
      const response = await h.request({ method: 'GET', url: `${V}/chatter`, headers });
      assert.equal(response.statusCode, 401);
      assert.equal(response.headers['sforce-limit-info'], undefined);
    }
    for (let i = 0; i < 3; i++) {
      const versions = await h.request({ method: 'GET', url: '/services/data/', token: alice });
      assert.equal(versions.statusCode, 200);
      assert.equal(versions.headers['sforce-limit-info'], undefined);
    }
    assert.equal((await usage(alice))?.used, start + 1);
  });

  test('two orgs are counted apart', async () => {
    const aliceStart = (await usage(alice))?.used as number;
    const otherStart = (await usage(other))?.used as number;
    for (let i = 0; i < 3; i++) await usage(other);
    assert.equal((await usage(other))?.used, otherStart + 4);
    assert.equal((await usage(alice))?.used, aliceStart + 1);
    const me = await h.request({ method: 'GET', url: `${V}/chatter/users/me`, token: other });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().username, 'hank@globex.example');
  });

  test('a new org starts at 1 on its first request', async () => {
    const org = await h.admin('POST', '/_chatterbox/orgs', { name: 'Initech' });
    const orgId = org.json().id;
    await h.admin('POST', '/_chatterbox/users', {
      orgId,
      username: 'peter@initech.example',
      password: 'initech-password-1',
      firstName: 'Peter',
      lastName: 'Gibbons',
      type: 'standard',
    });
    const app = await h.admin('POST', '/_chatterbox/apps', { orgId, name: 'Initech App' });
    const tokens = await h.admin('POST', '/_chatterbox/tokens', {
      username: 'peter@initech.example',
      clientId: app.json().clientId,
    });
    assert.deepEqual(await usage(tokens.json().access_token), {
      used: 1,
      max: h.services.control.limits.daily,
    });
  });
});
