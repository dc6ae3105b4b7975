import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { to18 } from '../../src/ids/salesforce-id.js';
import { apiUsage, assertError, XML_TYPE } from '../helpers/api-assert.js';
import { captureLogs, createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

/** Small enough to exceed in a test, large enough for the OAuth login form (~150 bytes). */
const BODY_LIMIT = 1024;
const V = '/services/data/v36.0';
const ME = `${V}/chatter/users/me`;
const JSON_BODY = { 'content-type': 'application/json' };
const NOT_FOUND = 'The requested resource does not exist';
const SESSION = 'Session expired or invalid';
/** A well-formed user ID that no record has. */
const MISSING_USER = to18('005Cb00000000zz');
const NO_ENTITY = 'The HTTP entity body is required, but this request has no entity body.';

describe('the error model (SPEC §2)', () => {
  let h: Harness;
  let token: string;
  let aliceId: string;
  const logs = captureLogs();
  before(async () => {
    h = await createHarness({ maxBodyBytes: BODY_LIMIT }, { logStream: logs.stream });
    token = await h.login('alice@acme.example');
    aliceId = (await h.services.store.users.findByUsername('alice@acme.example'))?.id as string;
  });
  after(() => h.close());

  describe('errors Fastify and libraries raise are catalogue errors', () => {
    test('GET an unknown path → 404 NOT_FOUND, before authentication, uncounted', async () => {
      for (const [url, auth] of [
        [`${V}/no/such/resource`, undefined],
        [`${V}/no/such/resource`, token],
        [`${V}/chatter/users/me/nothing`, token],
        ['/services/nothing', undefined],
        ['/nothing/at/all', undefined],
      ] as const) {
        const response = await h.request({ method: 'GET', url, token: auth });
        assertError(response, 404, 'NOT_FOUND', NOT_FOUND, url);
        assert.equal(response.headers['sforce-limit-info'], undefined, url);
      }
    });

    test('PATCH users/me with malformed JSON → 400 JSON_PARSER_ERROR with line and column', async () => {
      const cases: [string, string][] = [
        ['{"aboutMe" "x"}', "Expected ':' after property name at [line:1, column:12]"],
        ['{\n  "aboutMe": x\n}', "Unexpected token 'x' at [line:2, column:14]"],
        ['{"aboutMe":"x",}', 'Expected double-quoted property name at [line:1, column:16]'],
        ['{"aboutMe":"x"', "Expected ',' or '}' after property value at [line:1, column:15]"],
        ['{"aboutMe":"x"} {}', 'Unexpected non-whitespace character after JSON at [line:1, column:17]'],
      ];
      for (const [payload, message] of cases) {
        const response = await h.request({ method: 'PATCH', url: ME, token, payload, headers: JSON_BODY });
        assertError(response, 400, 'JSON_PARSER_ERROR', message, payload);
      }
    });

    test('PATCH users/me with a JSON Content-Type and no content → 400 entity body required', async () => {
      for (const payload of ['', '   \n']) {
        const response = await h.request({ method: 'PATCH', url: ME, token, payload, headers: JSON_BODY });
        assertError(response, 400, 'JSON_PARSER_ERROR', NO_ENTITY, JSON.stringify(payload));
      }
    });

    test('PATCH users/me over the body limit → 413 naming the configured limit, sized or chunked', async () => {
      const payload = JSON.stringify({ aboutMe: 'x'.repeat(BODY_LIMIT) });
      const message = `The request body exceeds the limit of ${BODY_LIMIT} bytes.`;
      const sized = await h.request({ method: 'PATCH', url: ME, token, payload, headers: JSON_BODY });
      assertError(sized, 413, 'REQUEST_ENTITY_TOO_LARGE', message, 'with Content-Length');
      const chunked = await h.request({
        method: 'PATCH',
        url: ME,
        token,
        payload: Readable.from([payload.slice(0, 600), payload.slice(600)]),
        headers: JSON_BODY,
      });
      assertError(chunked, 413, 'REQUEST_ENTITY_TOO_LARGE', message, 'chunked');
      const form = await h.request({
        method: 'PATCH',
        url: ME,
        token,
        payload: `aboutMe=${'x'.repeat(BODY_LIMIT)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assertError(form, 413, 'REQUEST_ENTITY_TOO_LARGE', message, 'form');
    });

    test('PATCH users/me in a content type the resource does not take → 415', async () => {
      for (const contentType of [
        'text/plain',
        'text/plain; charset=utf-8',
        'application/xml',
        'multipart/form-data',
      ]) {
        const response = await h.request({
          method: 'PATCH',
          url: ME,
          token,
          payload: 'aboutMe',
          headers: { 'content-type': contentType },
        });
        const media = contentType.split(';')[0] as string;
        assertError(
          response,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `Content type '${media}' is not supported by this resource.`,
          contentType,
        );
      }
    });

    test('a schema violation → 400 INVALID_INPUT naming the parameter or field', async () => {
      const cases: [string, string, unknown, string][] = [
        [
          'GET',
          `${V}/chatter/users?pageSize=500`,
          undefined,
          'Invalid pageSize: 500. Specify a value between 1 and 250.',
        ],
        [
          'GET',
          `${V}/chatter/users?pageSize=0`,
          undefined,
          'Invalid pageSize: 0. Specify a value between 1 and 250.',
        ],
        [
          'GET',
          `${V}/chatter/users?page=abc`,
          undefined,
          'Invalid page: abc. Specify a value of type integer.',
        ],
        ['PATCH', ME, { aboutMe: {} }, 'Invalid aboutMe: {}. Specify a value of type null or string.'],
        ['PATCH', ME, { aboutMe: 'x'.repeat(1001) }, 'Invalid aboutMe: specify at most 1000 characters.'],
        ['PATCH', ME, [], 'Invalid body: []. Specify a value of type object.'],
      ];
      for (const [method, url, payload, message] of cases) {
        const response = await h.request({ method: method as 'GET', url, token, payload: payload as object });
        assertError(response, 400, 'INVALID_INPUT', message, `${method} ${url}`);
      }
    });

    test('a body field the resource does not have → 400 JSON_PARSER_ERROR Unrecognized field, first', async () => {
      for (const payload of [{ x: 1 }, { aboutMe: 'fine', x: 1 }, { x: 1, aboutMe: { not: 'a string' } }]) {
        const response = await h.request({ method: 'PATCH', url: ME, token, payload });
        assertError(response, 400, 'JSON_PARSER_ERROR', 'Unrecognized field "x"', JSON.stringify(payload));
      }
    });

    test('PATCH users/me with neither a body nor parameters → 400 INVALID_INPUT naming the missing field', async () => {
      const response = await h.request({ method: 'PATCH', url: ME, token });
      assertError(response, 400, 'INVALID_INPUT', 'Missing required field: aboutMe.');
      const withOtherParameter = await h.request({ method: 'PATCH', url: `${ME}?pageSize=1`, token });
      assertError(withOtherParameter, 400, 'JSON_PARSER_ERROR', 'Unrecognized field "pageSize"');
    });

    test('a method the resource does not support → 405 with Allow and the exact message', async () => {
      for (const method of ['PUT', 'DELETE', 'POST', 'OPTIONS', 'TRACE'] as const) {
        const response = await h.request({ method, url: ME, token });
        assertError(
          response,
          405,
          'METHOD_NOT_ALLOWED',
          `HTTP Method '${method}' not allowed. Allowed are GET,HEAD,PATCH`,
          method,
        );
        assert.equal(response.headers.allow, 'GET,HEAD,PATCH');
      }
      const directory = await h.request({ method: 'PUT', url: `${V}/chatter`, token });
      assertError(
        directory,
        405,
        'METHOD_NOT_ALLOWED',
        "HTTP Method 'PUT' not allowed. Allowed are GET,HEAD",
      );
      assert.equal(directory.headers.allow, 'GET,HEAD');
      const versions = await h.request({ method: 'POST', url: '/services/data' });
      assertError(
        versions,
        405,
        'METHOD_NOT_ALLOWED',
        "HTTP Method 'POST' not allowed. Allowed are GET,HEAD",
      );
      assert.equal(versions.headers.allow, 'GET,HEAD');
    });

    test('a path the router cannot decode → 404 NOT_FOUND (410 on a retired version)', async () => {
      const broken = await h.request({ method: 'GET', url: `${V}/chatter/users/%E0%A4%A`, token });
      assertError(broken, 404, 'NOT_FOUND', NOT_FOUND);
      const retired = await h.request({ method: 'GET', url: '/services/data/v25.0/chatter/%ZZ' });
      assertError(retired, 410, 'GONE', 'API version 25.0 is retired. Use version 32.0 or later.');
      const overlong = await h.request({
        method: 'GET',
        url: `${V}/chatter/users/${'a'.repeat(20_000)}`,
        token,
      });
      assertError(overlong, 404, 'NOT_FOUND', NOT_FOUND);
    });

    test('U+0000 in a parameter or a body field → 400 INVALID_INPUT naming it', async () => {
      const query = await h.request({ method: 'GET', url: `${V}/chatter/users?q=ab%00cd`, token });
      assertError(
        query,
        400,
        'INVALID_INPUT',
        "Invalid q: the value contains a NUL character (U+0000), which isn't allowed.",
      );
      const body = await h.request({ method: 'PATCH', url: ME, token, payload: { aboutMe: 'a\u0000b' } });
      assertError(
        body,
        400,
        'INVALID_INPUT',
        "Invalid aboutMe: the value contains a NUL character (U+0000), which isn't allowed.",
      );
      const me = await h.request({ method: 'GET', url: ME, token });
      assert.equal(me.json().aboutMe, null, 'nothing was stored');
    });
  });

  describe('UNKNOWN_EXCEPTION', () => {
    // The Group Page reads the store on every request (users/me may be served from memory on
    // PostgreSQL, decision 0031).
    const GROUPS = `${V}/chatter/groups`;

    test('a store failure → 500 with an ErrorId that is logged with the stack; the next request is served', async () => {
      const before = await h.request({ method: 'GET', url: GROUPS, token });
      assert.equal(before.statusCode, 200);
      const groups = h.services.store.groups;
      const original = groups.search;
      groups.search = async () => {
        throw new Error('simulated store failure');
      };
      let response: Awaited<ReturnType<Harness['request']>>;
      try {
        response = await h.request({ method: 'GET', url: GROUPS, token });
        const other = await h.request({ method: 'GET', url: `${V}/chatter`, token });
        assert.equal(other.statusCode, 200, 'other resources keep working');
      } finally {
        groups.search = original;
      }
      assert.equal(response.statusCode, 500);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      const body = response.json();
      assert.equal(body.length, 1);
      assert.equal(body[0].errorCode, 'UNKNOWN_EXCEPTION');
      const match =
        /^An unexpected error occurred\. Please include this ErrorId if you contact support: (\d+-\d+ \(-?\d+\))$/.exec(
          body[0].message,
        );
      assert.ok(match, body[0].message);
      assert.ok(apiUsage(response), 'counted like any authenticated response');
      const errorId = match[1];
      const logged = logs.lines.find((line) => line.errorId === errorId);
      assert.ok(logged, `ErrorId ${errorId} logged`);
      assert.equal(logged.level, 50);
      const err = logged.err as { message: string; stack: string };
      assert.equal(err.message, 'simulated store failure');
      assert.match(err.stack, /^Error: simulated store failure\n\s+at /);

      const next = await h.request({ method: 'GET', url: GROUPS, token });
      assert.equal(next.statusCode, 200);
      assert.deepEqual(next.json(), before.json());
    });

    test('two failures get two different ErrorIds', async () => {
      const groups = h.services.store.groups;
      const original = groups.search;
      groups.search = async () => {
        throw new TypeError('another failure');
      };
      try {
        const first = (await h.request({ method: 'GET', url: GROUPS, token })).json()[0].message;
        const second = (await h.request({ method: 'GET', url: GROUPS, token })).json()[0].message;
        assert.notEqual(first, second);
      } finally {
        groups.search = original;
      }
    });
  });

  describe('XML errors (SPEC §1)', () => {
    const parser = new XMLParser({ parseTagValue: false });
    const xmlError = (errorCode: string, message: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><Errors><Error><errorCode>${errorCode}</errorCode>` +
      `<message>${message}</message></Error></Errors>`;

    test('Accept: application/xml or a .xml suffix → <Errors><Error>…', async () => {
      const cases: [string, string, Record<string, string>, boolean, number, string, string][] = [
        [
          'GET',
          `${V}/chatter/users/${MISSING_USER}`,
          { accept: 'application/xml' },
          true,
          404,
          'NOT_FOUND',
          NOT_FOUND,
        ],
        ['GET', `${V}/chatter/users/${MISSING_USER}.xml`, {}, true, 404, 'NOT_FOUND', NOT_FOUND],
        ['GET', `${V}/no/such/path.xml`, {}, false, 404, 'NOT_FOUND', NOT_FOUND],
        ['GET', `${ME}.xml`, {}, false, 401, 'INVALID_SESSION_ID', SESSION],
        ['GET', ME, { accept: 'text/xml' }, false, 401, 'INVALID_SESSION_ID', SESSION],
        [
          'PUT',
          `${ME}.xml`,
          {},
          true,
          405,
          'METHOD_NOT_ALLOWED',
          'HTTP Method &apos;PUT&apos; not allowed. Allowed are GET,HEAD,PATCH',
        ],
        [
          'GET',
          `${V}/chatter/users/bad&<id>.xml`,
          {},
          true,
          400,
          'INVALID_ID_FIELD',
          'Invalid identifier: bad&amp;&lt;id&gt;',
        ],
        [
          'GET',
          '/services/data/v30.0/chatter.xml',
          {},
          false,
          410,
          'GONE',
          'API version 30.0 is retired. Use version 32.0 or later.',
        ],
      ];
      for (const [method, url, headers, auth, status, errorCode, message] of cases) {
        const response = await h.request({
          method: method as 'GET',
          url,
          headers,
          token: auth ? token : undefined,
        });
        assert.equal(response.statusCode, status, url);
        assert.equal(response.headers['content-type'], XML_TYPE, url);
        assert.equal(response.body, xmlError(errorCode, message), url);
      }
      const parsed = parser.parse(
        (
          await h.request({
            method: 'GET',
            url: `${V}/chatter/users/bad&<id>`,
            token,
            headers: { accept: 'application/xml' },
          })
        ).body,
      );
      assert.deepEqual(parsed.Errors, {
        Error: { errorCode: 'INVALID_ID_FIELD', message: 'Invalid identifier: bad&<id>' },
      });
    });

    test('a .json suffix wins over Accept: application/xml', async () => {
      const response = await h.request({
        method: 'GET',
        url: `${V}/chatter/users/${MISSING_USER}.json`,
        token,
        headers: { accept: 'application/xml' },
      });
      assertError(response, 404, 'NOT_FOUND', NOT_FOUND);
    });
  });

  describe('the order of checks: one right answer for a request that is wrong in several ways', () => {
    test('retired version + no token → 410; unknown version + bad token → 404', async () => {
      const retired = await h.request({ method: 'PUT', url: '/services/data/v31.0/chatter/users/me' });
      assertError(retired, 410, 'GONE', 'API version 31.0 is retired. Use version 32.0 or later.');
      const unknown = await h.request({
        method: 'GET',
        url: '/services/data/v67.0/chatter/users/me',
        headers: { authorization: 'Bearer nope' },
      });
      assertError(unknown, 404, 'NOT_FOUND', NOT_FOUND);
    });

    test('unknown path + no token → 404', async () => {
      assertError(
        await h.request({ method: 'GET', url: `${V}/chatter/nothing` }),
        404,
        'NOT_FOUND',
        NOT_FOUND,
      );
    });

    test('no token + wrong method → 401; bad token + wrong method + bad JSON → 401', async () => {
      assertError(await h.request({ method: 'PUT', url: ME }), 401, 'INVALID_SESSION_ID', SESSION);
      const response = await h.request({
        method: 'DELETE',
        url: ME,
        payload: '{bad',
        headers: { ...JSON_BODY, authorization: 'Bearer nope' },
      });
      assertError(response, 401, 'INVALID_SESSION_ID', SESSION);
    });

    test('no token + a body over the limit or of the wrong type → 401', async () => {
      const big = await h.request({
        method: 'PATCH',
        url: ME,
        payload: 'x'.repeat(BODY_LIMIT * 2),
        headers: JSON_BODY,
      });
      assertError(big, 401, 'INVALID_SESSION_ID', SESSION);
      const plain = await h.request({
        method: 'PATCH',
        url: ME,
        payload: 'x',
        headers: { 'content-type': 'text/plain' },
      });
      assertError(plain, 401, 'INVALID_SESSION_ID', SESSION);
    });

    test('wrong method + bad JSON, or + a body over the limit → 405', async () => {
      for (const payload of ['{bad', 'x'.repeat(BODY_LIMIT * 2)]) {
        const response = await h.request({ method: 'PUT', url: ME, token, payload, headers: JSON_BODY });
        assertError(
          response,
          405,
          'METHOD_NOT_ALLOWED',
          "HTTP Method 'PUT' not allowed. Allowed are GET,HEAD,PATCH",
        );
      }
    });

    test('body over the limit in a wrong content type → 413; wrong content type + bad ID → 415', async () => {
      const big = await h.request({
        method: 'PATCH',
        url: ME,
        token,
        payload: 'x'.repeat(BODY_LIMIT * 2),
        headers: { 'content-type': 'text/plain' },
      });
      assertError(
        big,
        413,
        'REQUEST_ENTITY_TOO_LARGE',
        `The request body exceeds the limit of ${BODY_LIMIT} bytes.`,
      );
      const plain = await h.request({
        method: 'PATCH',
        url: `${V}/chatter/users/not-an-id`,
        token,
        payload: 'x',
        headers: { 'content-type': 'text/plain' },
      });
      assertError(
        plain,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        "Content type 'text/plain' is not supported by this resource.",
      );
    });

    test('bad JSON + bad ID → 400 JSON_PARSER_ERROR; unknown field + bad ID → JSON_PARSER_ERROR', async () => {
      const badJson = await h.request({
        method: 'PATCH',
        url: `${V}/chatter/users/not-an-id`,
        token,
        payload: '{bad',
        headers: JSON_BODY,
      });
      assertError(badJson, 400, 'JSON_PARSER_ERROR', "Expected property name or '}' at [line:1, column:2]");
      const unknownField = await h.request({
        method: 'PATCH',
        url: `${V}/chatter/users/not-an-id`,
        token,
        payload: { x: 1 },
      });
      assertError(unknownField, 400, 'JSON_PARSER_ERROR', 'Unrecognized field "x"');
    });

    test('bad ID + a record that would be refused → 400 before 403 and 404', async () => {
      const bob = (await h.services.store.users.findByUsername('bob@acme.example'))?.id as string;
      const refused = await h.request({
        method: 'PATCH',
        url: `${V}/chatter/users/${bob}`,
        token,
        payload: { aboutMe: 'x' },
      });
      assertError(
        refused,
        403,
        'INSUFFICIENT_ACCESS',
        "You don't have permission to edit this user's profile.",
      );
      const badId = await h.request({
        method: 'PATCH',
        url: `${V}/chatter/users/${bob}X`,
        token,
        payload: { aboutMe: 'x' },
      });
      assertError(badId, 400, 'INVALID_ID_FIELD', `Invalid identifier: ${bob}X`);
      const missing = await h.request({
        method: 'PATCH',
        url: `${V}/chatter/users/${MISSING_USER}`,
        token,
        payload: { aboutMe: {} },
      });
      assertError(
        missing,
        400,
        'INVALID_INPUT',
        'Invalid aboutMe: {}. Specify a value of type null or string.',
      );
    });

    test('bad path ID + a caller the resource refuses (external, guest, non-member) → 400 first', async () => {
      const store = h.services.store;
      const orgId = (await store.orgs.firstOrg())?.id as string;
      const partner = (await store.orgs.listCommunities(orgId))[0]?.id as string;
      const carol = await h.login('carol@partner.example');
      const bob = await h.login('bob@acme.example');
      const inPartner = `${V}/connect/communities/${partner}/chatter`;
      const cases: [string, string | undefined, number, string, string][] = [
        // An external user on the internal scope is refused (403) only once the ID is right.
        [`${V}/chatter/users/not-an-id`, carol, 400, 'INVALID_ID_FIELD', 'Invalid identifier: not-an-id'],
        [
          `${V}/chatter/users/${aliceId}`,
          carol,
          403,
          'INSUFFICIENT_ACCESS',
          "External users can't access this resource.",
        ],
        // The community's guest (no Authorization) on a resource guests can't use.
        [
          `${inPartner}/users/not-an-id/following`,
          undefined,
          400,
          'INVALID_ID_FIELD',
          'Invalid identifier: not-an-id',
        ],
        [
          `${inPartner}/users/${aliceId}/following`,
          undefined,
          401,
          'INVALID_SESSION_ID',
          "This resource isn't accessible to guest users.",
        ],
        // A user who is not a member of the community.
        [
          `${inPartner}/users/${MISSING_USER}X`,
          bob,
          400,
          'INVALID_ID_FIELD',
          `Invalid identifier: ${MISSING_USER}X`,
        ],
        [
          `${inPartner}/users/${aliceId}`,
          bob,
          403,
          'INSUFFICIENT_ACCESS',
          "You aren't a member of this community.",
        ],
      ];
      for (const [url, auth, status, errorCode, message] of cases) {
        assertError(await h.request({ method: 'GET', url, token: auth }), status, errorCode, message, url);
      }
    });

    test('a well-formed ID of a record that does not exist, after authentication → 404, counted', async () => {
      const response = await h.request({ method: 'GET', url: `${V}/chatter/users/${MISSING_USER}`, token });
      assertError(response, 404, 'NOT_FOUND', NOT_FOUND);
      assert.ok(apiUsage(response));
    });
  });
});
