import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { SUBREQUEST_HEADER } from '../../src/batch/subrequest.js';
import { createHarness, type Harness, JSON_TYPE, testStore } from '../helpers/harness.js';

const BATCH = '/services/data/v36.0/connect/batch';
const ME = '/services/data/v36.0/chatter/users/me';
const NOT_FOUND = [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }];
const HALTED = [
  {
    errorCode: 'BATCH_PROCESSING_HALTED',
    message: 'Batch processing halted because an earlier subrequest failed.',
  },
];
const invalid = (message: string) => [{ errorCode: 'INVALID_INPUT', message }];

describe('batch (SPEC §8)', () => {
  let h: Harness;
  let alice: string;
  let aliceId: string;
  let bobId: string;
  let communityId: string;
  before(async () => {
    h = await createHarness();
  });
  beforeEach(async () => {
    await h.admin('POST', '/_chatterbox/reset');
    alice = await h.login('alice@acme.example');
    aliceId = (await h.services.store.users.findByUsername('alice@acme.example'))?.id as string;
    bobId = (await h.services.store.users.findByUsername('bob@acme.example'))?.id as string;
    const alicesOrg = (await h.services.store.users.findByUsername('alice@acme.example'))?.orgId as string;
    communityId = (await h.services.store.orgs.listCommunities(alicesOrg))[0]?.id as string;
  });
  after(() => h.close());

  const batch = (payload: unknown, token = alice, url = BATCH, headers: Record<string, string> = {}) =>
    h.request({ method: 'POST', url, token, headers, payload: payload as Record<string, unknown> });
  /** A batch of one GET users/me. */
  const ONE_GET = { batchRequests: [{ method: 'GET', url: '/v36.0/chatter/users/me' }] };
  const direct = async (method: 'GET' | 'PATCH' | 'PUT', url: string, payload?: unknown) => {
    const response = await h.request({
      method,
      url,
      token: alice,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    return { statusCode: response.statusCode, result: response.json() };
  };

  test('POST connect/batch answers each subrequest exactly as the direct call, whatever the method case and URL form', async () => {
    const response = await batch({
      batchRequests: [
        { method: 'GET', url: '/services/data/v36.0/chatter/users/me' },
        { method: 'Get', url: `/v36.0/chatter/users/${bobId}` },
        { method: 'HttpGet', url: 'v36.0/chatter/users?q=an&pageSize=2' },
        { method: 'get', url: `/services/data/v33.0/connect/communities/${communityId}/chatter/users/me` },
        { method: 'HEAD', url: '/v36.0/chatter' },
        { method: 'Head', url: '/v36.0/chatter/users/005Cb0000000999AAA' },
      ],
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), {
      hasErrors: true,
      results: [
        await direct('GET', ME),
        await direct('GET', `/services/data/v36.0/chatter/users/${bobId}`),
        await direct('GET', '/services/data/v36.0/chatter/users?q=an&pageSize=2'),
        await direct('GET', `/services/data/v33.0/connect/communities/${communityId}/chatter/users/me`),
        { statusCode: 200, result: null },
        { statusCode: 404, result: null },
      ],
    });
  });

  test('POST composite/batch: PATCH with richInput commits, errors are the direct errors, 204/HEAD give null', async () => {
    const response = await batch(
      {
        batchRequests: [
          { method: 'Patch', url: '/v36.0/chatter/users/me', richInput: { aboutMe: 'Batched <b>bio</b>' } },
          { method: 'GET', url: '/v36.0/chatter/users/005Cb0000000999AAA' },
          { method: 'GET', url: '/v36.0/chatter/users/not-an-id' },
          { method: 'Put', url: '/v36.0/chatter/users/me', richInput: { aboutMe: 'x' } },
          { method: 'Post', url: '/v36.0/chatter/users/me', richInput: '' },
          { method: 'GET', url: '/v36.0/no/such/resource' },
        ],
      },
      alice,
      '/services/data/v36.0/composite/batch',
    );
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const me = await direct('GET', ME);
    assert.equal(me.result.aboutMe, 'Batched &lt;b&gt;bio&lt;/b&gt;');
    assert.deepEqual(response.json(), {
      hasErrors: true,
      results: [
        me,
        { statusCode: 404, result: NOT_FOUND },
        await direct('GET', '/services/data/v36.0/chatter/users/not-an-id'),
        await direct('PUT', ME, { aboutMe: 'x' }),
        {
          statusCode: 405,
          result: [
            {
              errorCode: 'METHOD_NOT_ALLOWED',
              message: "HTTP Method 'POST' not allowed. Allowed are GET,HEAD,PATCH",
            },
          ],
        },
        { statusCode: 404, result: NOT_FOUND },
      ],
    });
  });

  test('a read after a write in the same batch sees it, however many reads came from memory before', async () => {
    const sequence = [
      { method: 'GET', url: ME },
      { method: 'GET', url: ME },
      { method: 'PATCH', url: ME, richInput: { aboutMe: 'first' } },
      { method: 'GET', url: ME },
      { method: 'GET', url: ME },
      { method: 'PATCH', url: ME, richInput: { aboutMe: 'second' } },
      { method: 'GET', url: ME },
    ] as const;
    const response = await batch({ batchRequests: sequence });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const body = response.json();
    // The same calls made directly, from the same start.
    await h.admin('POST', '/_chatterbox/reset');
    alice = await h.login('alice@acme.example');
    const results = [];
    for (const { method, url, ...rest } of sequence) {
      results.push(await direct(method, url, 'richInput' in rest ? rest.richInput : undefined));
    }
    assert.deepEqual(
      results.map((r) => r.result.aboutMe),
      [null, null, 'first', 'first', 'first', 'second', 'second'],
    );
    assert.deepEqual(body, { hasErrors: false, results });
  });

  test('on PostgreSQL, subrequests that run no statement share one wait for the change feed', {
    skip: testStore !== 'postgres',
  }, async () => {
    const changes = h.services.changes as NonNullable<typeof h.services.changes>;
    const mark = changes.mark.bind(changes);
    let marks = 0;
    changes.mark = () => {
      marks++;
      return mark();
    };
    const marksFor = async (count: number) => {
      marks = 0;
      const response = await batch({
        batchRequests: Array.from({ length: count }, () => ({ method: 'GET', url: ME })),
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), {
        hasErrors: false,
        results: Array(count).fill(await direct('GET', ME)),
      });
      return marks;
    };
    try {
      // The batch's own, the first subrequest's, and the second's (the first reserved the hourly
      // quota, a statement): the rest read only memory and take the second's.
      assert.equal(await marksFor(25), await marksFor(3));
      assert.ok((await marksFor(3)) < 25);
    } finally {
      changes.mark = mark;
    }
  });

  test('haltOnError: every subrequest after the first failure is 412, earlier ones stay committed', async () => {
    for (const haltOnError of [true, 'true']) {
      const response = await batch({
        haltOnError,
        batchRequests: [
          { method: 'PATCH', url: '/v36.0/chatter/users/me', richInput: { aboutMe: `kept ${haltOnError}` } },
          { method: 'GET', url: '/v36.0/chatter/users/005Cb0000000999AAA' },
          { method: 'PATCH', url: '/v36.0/chatter/users/me', richInput: { aboutMe: 'never' } },
          { method: 'GET', url: '/v36.0/chatter/users/me' },
        ],
      });
      assert.equal(response.statusCode, 200);
      const me = await direct('GET', ME);
      assert.equal(me.result.aboutMe, `kept ${haltOnError}`);
      assert.deepEqual(response.json(), {
        hasErrors: true,
        results: [
          me,
          { statusCode: 404, result: NOT_FOUND },
          { statusCode: 412, result: HALTED },
          { statusCode: 412, result: HALTED },
        ],
      });
    }
    const off = await batch({
      haltOnError: 'false',
      batchRequests: [
        { method: 'GET', url: '/v36.0/chatter/users/005Cb0000000999AAA' },
        { method: 'GET', url: '/v36.0/chatter' },
      ],
    });
    assert.deepEqual(off.json(), {
      hasErrors: true,
      results: [{ statusCode: 404, result: NOT_FOUND }, await direct('GET', '/services/data/v36.0/chatter')],
    });
  });

  test('X-Chatter-Entity-Encoding: false is passed on to the subrequests', async () => {
    await direct('PATCH', ME, { aboutMe: 'a <b> & "c"' });
    const response = await batch(ONE_GET, alice, BATCH, { 'x-chatter-entity-encoding': 'false' });
    assert.equal(response.json().results[0].result.aboutMe, 'a <b> & "c"');
  });

  test('a malformed batch is one 400 and nothing in it runs', async () => {
    const patch = { method: 'PATCH', url: '/v36.0/chatter/users/me', richInput: { aboutMe: 'must not run' } };
    const cases: [unknown, unknown][] = [
      [
        { batchRequests: [] },
        invalid('Invalid batchRequests: 0 subrequests. Specify between 1 and 25 subrequests.'),
      ],
      [
        { batchRequests: Array.from({ length: 26 }, () => patch) },
        invalid('Invalid batchRequests: 26 subrequests. Specify between 1 and 25 subrequests.'),
      ],
      [
        { batchRequests: [patch, { method: 'FETCH', url: '/v36.0/chatter' }] },
        invalid(
          'Invalid method in batchRequests[1]: FETCH. Specify one of: GET, POST, PATCH, PUT, DELETE, HEAD.',
        ),
      ],
      ...[
        '/chatter/users/me',
        'https://example.com/services/data/v36.0/chatter',
        '/services/data/v36.0/../../_chatterbox/reset',
        '/v36.0/chatter/users/%2e%2e/me',
        '/v36.0/chatter users',
      ].map((url): [unknown, unknown] => [
        { batchRequests: [patch, { method: 'GET', url }] },
        invalid(
          `Invalid url in batchRequests[1]: ${url}. Specify /services/data/vNN.N/…, /vNN.N/… or vNN.N/….`,
        ),
      ]),
      [
        { batchRequests: [patch, { method: 'GET', url: '/v37.0/chatter' }] },
        invalid(
          "Invalid url in batchRequests[1]: /v37.0/chatter. The version of a subrequest can't be later than the batch's (36.0).",
        ),
      ],
      ...['/v36.0/connect/batch', '/services/data/v35.0/composite/batch/', 'v36.0/connect/batch.json'].map(
        (url): [unknown, unknown] => [
          { batchRequests: [patch, { method: 'POST', url, richInput: { batchRequests: [] } }] },
          invalid(`Invalid url in batchRequests[1]: ${url}. A batch can't contain a batch.`),
        ],
      ),
      [
        { batchRequests: [patch], haltOnError: 'yes' },
        invalid('Invalid haltOnError: yes. Specify true or false.'),
      ],
      [{ batchRequests: [patch], haltOnError: 1 }, invalid('Invalid haltOnError: 1. Specify true or false.')],
      [{}, invalid('Missing required field: batchRequests.')],
      [{ batchRequests: [{ url: '/v36.0/chatter' }] }, invalid('Missing required field: method.')],
      [
        { batchRequests: [patch], extra: 1 },
        [{ errorCode: 'JSON_PARSER_ERROR', message: 'Unrecognized field "extra"' }],
      ],
    ];
    for (const [payload, body] of cases) {
      const response = await batch(payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), body, JSON.stringify(payload));
    }
    const badJson = await h.request({
      method: 'POST',
      url: BATCH,
      token: alice,
      headers: { 'content-type': 'application/json' },
      payload: '{"batchRequests": [',
    });
    assert.equal(badJson.statusCode, 400);
    assert.equal(badJson.headers['content-type'], JSON_TYPE);
    assert.deepEqual(badJson.json(), [
      { errorCode: 'JSON_PARSER_ERROR', message: 'Unexpected end of JSON input at [line:1, column:20]' },
    ]);
    // Nested deeper than Jackson's limit (1000): once a 500 (a stack overflow re-serialising it).
    for (const depth of [997, 10_000]) {
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const deep = await h.request({
        method: 'POST',
        url: BATCH,
        token: alice,
        headers: { 'content-type': 'application/json' },
        payload: `{"batchRequests":[{"method":"PATCH","url":"v36.0/chatter/users/me","richInput":{"aboutMe":${nested}}}]}`,
      });
      assert.equal(deep.statusCode, 400, deep.body.slice(0, 300));
      assert.equal(deep.headers['content-type'], JSON_TYPE);
      assert.deepEqual(deep.json(), [
        {
          errorCode: 'JSON_PARSER_ERROR',
          message:
            'Document nesting depth (1001) exceeds the maximum allowed (1000) at [line:1, column:1087]',
        },
      ]);
    }
    assert.equal((await direct('GET', ME)).result.aboutMe, null);
  });

  test('a batch nested 1000 deep, the limit, is parsed and its subrequest answers as directly', async () => {
    const nested = `${'['.repeat(995)}${']'.repeat(995)}`;
    const response = await h.request({
      method: 'POST',
      url: BATCH,
      token: alice,
      headers: { 'content-type': 'application/json' },
      payload: `{"batchRequests":[{"method":"PATCH","url":"v36.0/chatter/users/me","richInput":{"aboutMe":${nested}}}]}`,
    });
    assert.equal(response.statusCode, 200);
    const [result] = response.json().results;
    assert.equal(result.statusCode, 400);
    assert.deepEqual(result.result, [
      {
        errorCode: 'INVALID_INPUT',
        message: `Invalid aboutMe: ${'['.repeat(200)}…. Specify a value of type null or string.`,
      },
    ]);
  });

  test('the body holds, byte for byte, the text each subrequest answers when sent alone', async () => {
    const missing = '/v36.0/chatter/users/005Cb0000000999AAA';
    const response = await batch({
      haltOnError: true,
      batchRequests: [
        { method: 'GET', url: '/v36.0/chatter/users/me' },
        { method: 'GET', url: `/v36.0/chatter/users?q=an&pageSize=2` },
        { method: 'GET', url: missing },
        { method: 'GET', url: '/v36.0/chatter' },
      ],
    });
    const alone = async (url: string) =>
      (await h.request({ url: `/services/data${url}`, token: alice })).body;
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.equal(
      response.body,
      `{"hasErrors":true,"results":[{"statusCode":200,"result":${await alone('/v36.0/chatter/users/me')}},` +
        `{"statusCode":200,"result":${await alone('/v36.0/chatter/users?q=an&pageSize=2')}},` +
        `{"statusCode":404,"result":${await alone(missing)}},` +
        `{"statusCode":412,"result":${JSON.stringify(HALTED)}}]}`,
    );
    // Pretty printed, the whole body is indented, the subrequests' answers included.
    const pretty = await batch(ONE_GET, alice, BATCH, { 'x-prettyprint': '1' });
    assert.equal(pretty.statusCode, 200);
    assert.equal(pretty.headers['content-type'], JSON_TYPE);
    const me = JSON.parse(await alone('/v36.0/chatter/users/me'));
    assert.equal(
      pretty.body,
      JSON.stringify({ hasErrors: false, results: [{ statusCode: 200, result: me }] }, null, 2),
    );
  });

  test('a batch counts once towards the daily quota, its subrequests each towards the hourly one', async (t) => {
    t.after(h.freezeClock());
    await h.admin('PUT', '/_chatterbox/limits', { hourly: 3 });
    const gets = { batchRequests: [1, 2, 3].map(() => ({ method: 'GET', url: '/v36.0/chatter' })) };
    const first = await batch(gets);
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['sforce-limit-info'], 'api-usage=1/15000');
    assert.equal(first.json().hasErrors, false);
    const hourly = [
      {
        errorCode: 'REQUEST_LIMIT_EXCEEDED',
        message:
          'You have reached the Connect API\u2019s hourly request limit for this user and application. Please try again later.',
      },
    ];
    // The three subrequests used up the hourly quota; the batch itself did not count there.
    const second = await batch({
      batchRequests: [
        { method: 'GET', url: '/v36.0/chatter' },
        { method: 'GET', url: '/v36.0' },
      ],
    });
    assert.equal(second.statusCode, 200);
    assert.equal(second.headers['sforce-limit-info'], 'api-usage=2/15000');
    assert.deepEqual(second.json(), {
      hasErrors: true,
      results: [{ statusCode: 503, result: hourly }, await direct('GET', '/services/data/v36.0')],
    });
    const me = await h.request({ method: 'GET', url: ME, token: alice });
    assert.equal(me.statusCode, 503);
    assert.equal(me.headers['sforce-limit-info'], 'api-usage=4/15000');
  });

  test('near the hourly limit each subrequest is counted on its own: those within it run, the rest are 503', async (t) => {
    t.after(h.freezeClock());
    await h.admin('PUT', '/_chatterbox/limits', { hourly: 5 });
    for (let i = 0; i < 3; i++)
      assert.equal((await h.request({ method: 'GET', url: ME, token: alice })).statusCode, 200);
    const response = await batch({
      batchRequests: [1, 2, 3, 4].map(() => ({ method: 'GET', url: '/v36.0/chatter' })),
    });
    const chatter = await direct('GET', '/services/data/v36.0/chatter');
    assert.equal(chatter.statusCode, 503);
    const refused = chatter.result;
    await h.admin('PUT', '/_chatterbox/limits', { hourly: 200 });
    const ok = await direct('GET', '/services/data/v36.0/chatter');
    assert.deepEqual(response.json(), {
      hasErrors: true,
      results: [ok, ok, { statusCode: 503, result: refused }, { statusCode: 503, result: refused }],
    });
  });

  test('what a halted batch reserved and did not use is given back to the hourly quota', async (t) => {
    t.after(h.freezeClock());
    await h.admin('PUT', '/_chatterbox/limits', { hourly: 5 });
    const response = await batch({
      haltOnError: true,
      batchRequests: [
        { method: 'GET', url: '/v36.0/chatter/users/005Cb0000000999AAA' },
        ...[1, 2, 3].map(() => ({ method: 'GET', url: '/v36.0/chatter' })),
      ],
    });
    assert.deepEqual(response.json(), {
      hasErrors: true,
      results: [
        { statusCode: 404, result: NOT_FOUND },
        { statusCode: 412, result: HALTED },
        { statusCode: 412, result: HALTED },
        { statusCode: 412, result: HALTED },
      ],
    });
    // One subrequest counted: four direct calls remain within the hour, the fifth is refused.
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await h.request({ method: 'GET', url: ME, token: alice })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 200, 503]);
  });

  test('a client cannot pose as a subrequest to dodge the daily quota', async () => {
    for (const value of ['1', 'true', 'x'.repeat(32)]) {
      await h.request({ method: 'GET', url: ME, token: alice, headers: { [SUBREQUEST_HEADER]: value } });
    }
    const me = await h.request({ method: 'GET', url: ME, token: alice });
    assert.equal(me.headers['sforce-limit-info'], 'api-usage=4/15000');
  });

  test('POST connect/batch without a token is 401; in XML the envelope is XML', async () => {
    const anonymous = await h.request({ method: 'POST', url: BATCH, payload: { batchRequests: [] } });
    assert.equal(anonymous.statusCode, 401);
    assert.deepEqual(anonymous.json(), [
      { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' },
    ]);
    const xml = await h.request({
      method: 'POST',
      url: BATCH,
      token: alice,
      headers: { accept: 'application/xml' },
      payload: {
        batchRequests: [
          { method: 'HEAD', url: '/v36.0/chatter' },
          { method: 'GET', url: '/v36.0/nothing' },
        ],
      },
    });
    assert.equal(xml.statusCode, 200);
    assert.equal(xml.headers['content-type'], 'application/xml;charset=UTF-8');
    assert.equal(
      xml.body,
      '<?xml version="1.0" encoding="UTF-8"?><batchResults><hasErrors>true</hasErrors>' +
        '<results><statusCode>200</statusCode><result></result></results>' +
        '<results><statusCode>404</statusCode><result><errorCode>NOT_FOUND</errorCode>' +
        '<message>The requested resource does not exist</message></result></results></batchResults>',
    );
  });

  test("subrequests see the same user: another user's profile edit is refused as directly", async () => {
    const response = await batch({
      batchRequests: [
        { method: 'PATCH', url: `/v36.0/chatter/users/${bobId}`, richInput: { aboutMe: 'hijack' } },
      ],
    });
    const expected = await direct('PATCH', `/services/data/v36.0/chatter/users/${bobId}`, {
      aboutMe: 'hijack',
    });
    assert.equal(expected.statusCode, 403);
    assert.deepEqual(response.json(), { hasErrors: true, results: [expected] });
    assert.notEqual(aliceId, bobId);
  });
});
