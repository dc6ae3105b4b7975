import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { assertCatalogueError, XML_TYPE } from '../helpers/api-assert.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { routeCases, sampleIds } from '../helpers/route-table.js';

/**
 * No input may produce a 500 (SPEC §2): odd paths, headers, methods, credentials, query strings
 * and bodies, alone and combined, over every route of the table. Every error under /services/data
 * is a catalogue array of one in the negotiated content type.
 */

type Request = InjectOptions & { token?: string };

/** A fixed pseudo-random sequence, so that a failure can be replayed. */
function generator(seed: number) {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % n;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[next(items.length)] as T };
}

const ODD_SEGMENTS = [
  '',
  '..',
  '.',
  '%2e%2e',
  '%00',
  'a%00b',
  '%E0%A4%A',
  '%',
  '%ZZ',
  '%2F',
  '%C3%A9',
  '%F0%9F%98%80',
  'é',
  '😀',
  'me',
  'ME',
  'x'.repeat(300),
  'a'.repeat(20_000),
  '005',
  '0F9Cb0000000001',
  '005Cb0000000003IAA'.toLowerCase(),
  '005Cb0000000003IAB',
  '1e309',
  '-1',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '<script>',
  '%3Cx%3E',
  "'",
  '"',
  ';',
  ',',
  ',,,',
  'me,',
  '.xml',
  '.json',
  'x.xml',
  'x.json',
  '~',
  '*',
];

const ODD_QUERIES = [
  '',
  '?',
  '?&&==&',
  '?page=',
  '?page=-1',
  '?page=1e3',
  '?page=0x10',
  '?page=99999999999999999999999',
  '?pageSize=0',
  '?pageSize=1&pageSize=2',
  '?pageSize[]=1',
  '?page[a]=1',
  '?q=',
  '?q=%',
  '?q=%25%25%25',
  '?q=__',
  '?q=a%00b',
  '?q=%E2%80%A8%E2%80%A9',
  `?q=${'x'.repeat(5000)}`,
  '?q=*',
  '?q=**a**',
  '?_HttpMethod=DELETE',
  '?_HttpMethod=',
  '?__proto__[x]=1',
  '?constructor=1',
  '?aboutMe=%00',
  '?aboutMe=x',
];

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'] as const;

const ODD_AUTH: (string | undefined)[] = [
  undefined,
  '',
  'Bearer',
  'Bearer ',
  'Bearer  two  spaces',
  'Bearer a b c',
  'OAuth',
  'Basic YWxpY2U6eA==',
  'bearer x',
  `Bearer ${'x'.repeat(10_000)}`,
  'Bearer \u00e9',
  'Bearer 00D!',
  'Token abc',
];

const ODD_HEADERS: Record<string, string>[] = [
  {},
  { accept: 'application/xml' },
  { accept: 'text/xml;q=0.1, application/json;q=0.9' },
  { accept: ';;;,,,q=abc' },
  { accept: 'text/html' },
  { accept: '*/*' },
  { 'x-prettyprint': '1' },
  { 'x-prettyprint': 'yes' },
  { 'x-chatter-entity-encoding': 'false' },
  { 'x-chatter-entity-encoding': 'maybe' },
  { 'content-type': 'application/json' },
  { 'content-type': 'application/json; charset=utf-16' },
  { 'content-type': 'APPLICATION/JSON' },
  { 'content-type': 'text/plain' },
  { 'content-type': ';;;' },
  { 'content-type': 'application/x-www-form-urlencoded' },
  { 'content-type': 'multipart/form-data; boundary=x' },
  { 'content-encoding': 'gzip', 'content-type': 'application/json' },
  { 'x-forwarded-host': '<evil>' },
];

function oddBodies(): (string | undefined)[] {
  return [
    undefined,
    '',
    ' ',
    '{',
    '}',
    '[]',
    'null',
    'true',
    '0',
    '"string"',
    '{"aboutMe":null}',
    '{"aboutMe":"x"}',
    '{"aboutMe":1e309}',
    '{"aboutMe":-0}',
    '{"aboutMe":123456789012345678901234567890}',
    '{"aboutMe":"\\ud800"}',
    '{"aboutMe":"\\u0000"}',
    '{"aboutMe":"<b>&amp;</b>\\\\"}',
    '{"aboutMe":{"nested":{"deeper":[1,2,3]}}}',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    `{"aboutMe":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
    `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
    `[${'1,'.repeat(100_000)}1]`,
    `{"aboutMe":"${'x'.repeat(200_000)}"}`,
    `{${Array.from({ length: 5000 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
    '\ufeff{"aboutMe":"bom"}',
    'aboutMe=x&aboutMe=y',
    'aboutMe=%E0%A4%A',
    '<aboutMe>x</aboutMe>',
    '\u0000\u0001\u0002',
  ];
}

describe('fuzz: no input produces a 500 (SPEC §2)', () => {
  let h: Harness;
  let token: string;
  let ids: Record<string, string>;
  let count = 0;
  before(async () => {
    h = await createHarness();
    token = await h.login('alice@acme.example');
    ids = await sampleIds(h.services.store);
  });
  after(() => h.close());

  async function check(request: Request): Promise<void> {
    count++;
    const response = await h.request(request);
    const context = `${request.method} ${String(request.url).slice(0, 200)} ${JSON.stringify(request.headers ?? {}).slice(0, 200)} body=${String(request.payload ?? '').slice(0, 80)}`;
    assert.ok(
      response.statusCode < 500,
      `${context} → ${response.statusCode} ${response.body.slice(0, 300)}`,
    );
    const url = String(request.url);
    if (url.startsWith('/services/oauth2/')) return;
    if (response.statusCode >= 400) {
      if (request.method === 'HEAD') {
        assert.equal(response.body, '', context);
        return;
      }
      assertCatalogueError(response, context);
      return;
    }
    if (response.statusCode === 204 || request.method === 'HEAD') return;
    // `/` (however spelled, `/..` included) is the one redirect: to the console.
    if (new URL(url, 'http://localhost').pathname === '/') {
      assert.deepEqual(
        [response.statusCode, response.headers.location],
        [302, '/_chatterbox/console/'],
        context,
      );
      return;
    }
    assert.ok([JSON_TYPE, XML_TYPE].includes(String(response.headers['content-type'])), context);
  }

  test('odd paths under every route of the table', async () => {
    const { pick, next } = generator(1);
    for (const { path } of routeCases(ids)) {
      const segments = path.split('/');
      for (let round = 0; round < 12; round++) {
        const mutated = [...segments];
        mutated[1 + next(mutated.length - 1)] = pick(ODD_SEGMENTS);
        if (next(3) === 0) mutated.push(pick(ODD_SEGMENTS));
        const version = pick(['v36.0', 'v32.0', 'v66.0', 'v31.0', 'v99.0', 'v36', 'v36.0.xml']);
        await check({
          method: pick(['GET', 'GET', 'HEAD', 'PATCH', 'DELETE']),
          url: `/services/data/${version}${mutated.join('/')}`,
          token,
        });
      }
    }
    for (const segment of ODD_SEGMENTS) {
      await check({ method: 'GET', url: `/services/data/${segment}`, token });
      await check({ method: 'GET', url: `/services/${segment}/data`, token });
      await check({ method: 'GET', url: `/${segment}` });
    }
  });

  test('odd methods, credentials, headers and query strings on every route of the table', async () => {
    const { pick } = generator(2);
    for (const { path } of routeCases(ids)) {
      for (let round = 0; round < 15; round++) {
        const auth = pick(ODD_AUTH);
        const headers: Record<string, string> = { ...pick(ODD_HEADERS), ...pick(ODD_HEADERS) };
        if (auth !== undefined) headers.authorization = auth;
        const withToken = auth === undefined && round % 2 === 0;
        await check({
          method: pick(METHODS),
          url: `/services/data/v36.0${path}${pick(ODD_QUERIES)}`,
          headers,
          token: withToken ? token : undefined,
        });
      }
    }
  });

  test('odd bodies in every content type on every route that takes a body', async () => {
    const { pick } = generator(3);
    const bodies = oddBodies();
    for (const { route, path } of routeCases(ids)) {
      if (route.method === 'GET') continue;
      for (const payload of bodies) {
        const contentType = pick([
          'application/json',
          'application/json',
          'application/x-www-form-urlencoded',
          'text/plain',
          undefined,
        ]);
        await check({
          method: route.method,
          url: `/services/data/v36.0${path}`,
          token,
          payload,
          headers: contentType === undefined ? {} : { 'content-type': contentType },
        });
      }
    }
  });

  test('the OAuth endpoints and the control plane answer odd input without a 500', async () => {
    const { pick } = generator(4);
    for (let round = 0; round < 60; round++) {
      await check({
        method: pick(['POST', 'GET', 'PUT']),
        url: pick([
          '/services/oauth2/token',
          '/services/oauth2/revoke',
          '/services/oauth2/userinfo',
          `/services/oauth2/${pick(ODD_SEGMENTS)}`,
        ]),
        payload: pick(oddBodies()),
        headers: {
          ...pick(ODD_HEADERS),
          ...(round % 3 === 0 ? { authorization: pick(ODD_AUTH) ?? '' } : {}),
        },
      });
      await check({
        method: pick(['POST', 'GET', 'PATCH', 'DELETE']),
        url: pick([
          '/_chatterbox/users',
          '/_chatterbox/orgs',
          `/_chatterbox/users/${pick(ODD_SEGMENTS)}`,
          '/_chatterbox/tokens',
          '/_chatterbox/clock',
        ]),
        payload: pick(oddBodies()),
        headers: { ...pick(ODD_HEADERS), authorization: 'Bearer test-admin-token' },
      });
    }
  });

  test('after all that, the server answers normally', async () => {
    assert.ok(count > 500, `${count} requests`);
    const me = await h.request({ method: 'GET', url: '/services/data/v36.0/chatter/users/me', token });
    assert.equal(me.statusCode, 200);
    assert.equal(me.headers['content-type'], JSON_TYPE);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  });
});
