import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import Fastify, { type FastifyRequest } from 'fastify';
import { requestFormat, rewriteUrl, sendBody, toXml, wantsPretty } from '../../src/http/negotiation.js';

/** Parses XML back the way a client would: entities decoded, every value kept as text. */
const parser = new XMLParser({ parseTagValue: false, trimValues: false, processEntities: true });

function parseBack(xml: string): unknown {
  assert.equal(XMLValidator.validate(xml), true, xml);
  return parser.parse(xml);
}

function fakeRequest(url: string, method: string, headers: Record<string, string> = {}) {
  const raw = { url, method, headers } as unknown as IncomingMessage;
  const rewritten = rewriteUrl(raw);
  const request = { raw, headers } as unknown as FastifyRequest;
  return { rewritten, method: raw.method, request };
}

describe('XML rendering (SPEC §1)', () => {
  test('toXml escapes < & > " \' in text, and the text parses back unchanged', () => {
    const text = `Tom & Jerry <b>"bold"</b> it's ]]> &amp; &#39; <![CDATA[x]]> <!-- c -->`;
    const xml = toXml('user', { aboutMe: text, name: 'plain' });
    assert.equal(
      xml,
      '<?xml version="1.0" encoding="UTF-8"?><user><aboutMe>Tom &amp; Jerry &lt;b&gt;&quot;bold&quot;&lt;/b&gt; ' +
        'it&apos;s ]]&gt; &amp;amp; &amp;#39; &lt;![CDATA[x]]&gt; &lt;!-- c --&gt;</aboutMe><name>plain</name></user>',
    );
    assert.deepEqual(parseBack(xml), { '?xml': '', user: { aboutMe: text, name: 'plain' } });
  });

  test('entity-encoded user text (the API default) survives as the JSON string', () => {
    const encoded = 'a &lt;b&gt; &amp; &#92; &#39;';
    assert.deepEqual(parseBack(toXml('user', { aboutMe: encoded })), {
      '?xml': '',
      user: { aboutMe: encoded },
    });
  });

  test('characters XML cannot carry become U+FFFD; the document stays well-formed', () => {
    const xml = toXml('user', { aboutMe: 'nul\u0000 bell\u0007 lone\ud800 fffe\ufffe tab\t ok 😀' });
    assert.deepEqual(parseBack(xml), {
      '?xml': '',
      user: { aboutMe: 'nul\ufffd bell\ufffd lone\ufffd fffe\ufffd tab\t ok 😀' },
    });
  });

  test('CR is written as &#13;, so \\r\\n and a lone \\r read back through an XML parser as sent', () => {
    const text = 'line one\r\nline two\rthree\nfour';
    const xml = toXml('user', { aboutMe: text });
    assert.equal(
      xml,
      '<?xml version="1.0" encoding="UTF-8"?><user><aboutMe>line one&#13;\nline two&#13;three\nfour</aboutMe></user>',
    );
    // fast-xml-parser decodes character references (&#13;) only with htmlEntities on.
    const referenceParser = new XMLParser({ parseTagValue: false, trimValues: false, htmlEntities: true });
    assert.equal(XMLValidator.validate(xml), true, xml);
    assert.deepEqual(referenceParser.parse(xml), { '?xml': '', user: { aboutMe: text } });
  });

  test('keys that are not XML names are spelled with _', () => {
    const xml = toXml('response', { 'bad key': 1, '1abc': 2, 'a<b': 3, '#text': 4, '@_attr': 5, ok: 6 });
    assert.deepEqual(parseBack(xml), {
      '?xml': '',
      response: { bad_key: '1', _1abc: '2', a_b: '3', _text: '4', __attr: '5', ok: '6' },
    });
  });

  test('lists repeat their element, a root list repeats Error/Version/item, null is an empty element', () => {
    assert.equal(
      toXml('userPage', { users: [{ id: 'a' }, { id: 'b' }], next: null, total: 2, ok: true }),
      '<?xml version="1.0" encoding="UTF-8"?><userPage><users><id>a</id></users><users><id>b</id></users>' +
        '<next></next><total>2</total><ok>true</ok></userPage>',
    );
    assert.equal(
      toXml('Errors', [{ errorCode: 'NOT_FOUND', message: 'x < y' }]),
      '<?xml version="1.0" encoding="UTF-8"?><Errors><Error><errorCode>NOT_FOUND</errorCode>' +
        '<message>x &lt; y</message></Error></Errors>',
    );
    assert.equal(
      toXml('Versions', [{ version: '32.0' }]),
      '<?xml version="1.0" encoding="UTF-8"?><Versions><Version><version>32.0</version></Version></Versions>',
    );
    assert.equal(
      toXml('results', [1, 2]),
      '<?xml version="1.0" encoding="UTF-8"?><results><item>1</item><item>2</item></results>',
    );
  });
});

describe('format and method negotiation (SPEC §1)', () => {
  test('a .xml or .json suffix picks the format and leaves the path', () => {
    const xml = fakeRequest('/services/data/v36.0/chatter/users/me.xml?x=1', 'GET', {
      accept: 'application/json',
    });
    assert.equal(xml.rewritten, '/services/data/v36.0/chatter/users/me?x=1');
    assert.equal(requestFormat(xml.request), 'xml');
    const json = fakeRequest('/services/data/v36.0/chatter/users/me.json/', 'GET', {
      accept: 'application/xml',
    });
    assert.equal(json.rewritten, '/services/data/v36.0/chatter/users/me/');
    assert.equal(requestFormat(json.request), 'json');
    const outside = fakeRequest('/_chatterbox/file.xml', 'GET');
    assert.equal(outside.rewritten, '/_chatterbox/file.xml', 'only API paths take a suffix');
  });

  test('Accept: none, */*, JSON or unknown types → JSON; XML (first) → XML', () => {
    const format = (accept?: string) =>
      requestFormat(
        fakeRequest('/services/data/v36.0/chatter', 'GET', accept === undefined ? {} : { accept }).request,
      );
    assert.equal(format(), 'json');
    assert.equal(format('*/*'), 'json');
    assert.equal(format('application/json'), 'json');
    assert.equal(format('text/html'), 'json');
    assert.equal(format('application/xml'), 'xml');
    assert.equal(format('text/xml'), 'xml');
    assert.equal(format('application/xml, application/json'), 'xml');
    assert.equal(format('application/json, application/xml'), 'json');
  });

  test('POST ?_HttpMethod=PATCH|DELETE becomes that method (any case); other methods are left alone', () => {
    assert.equal(fakeRequest('/services/data/v36.0/x?_HttpMethod=PATCH', 'POST').method, 'PATCH');
    assert.equal(fakeRequest('/services/data/v36.0/x?a=1&_HttpMethod=delete', 'POST').method, 'DELETE');
    assert.equal(fakeRequest('/services/data/v36.0/x?_HttpMethod=PATCH', 'GET').method, 'GET');
    assert.equal(fakeRequest('/services/data/v36.0/x?_HttpMethod=BOGUS', 'POST').method, 'POST');
  });

  test('X-PrettyPrint: 1 asks for indented JSON', () => {
    const pretty = (value?: string) =>
      wantsPretty({ headers: value === undefined ? {} : { 'x-prettyprint': value } } as FastifyRequest);
    assert.equal(pretty('1'), true);
    assert.equal(pretty('true'), true);
    assert.equal(pretty('0'), false);
    assert.equal(pretty(), false);
  });
});

describe('JSON bodies (SPEC §1)', () => {
  test('a small and a large body, with a non-ASCII character, arrive whole with their UTF-8 length', async () => {
    const app = Fastify();
    const bodies: Record<string, unknown> = {
      small: { text: 'a — b' },
      large: { items: Array.from({ length: 1000 }, (_, i) => ({ i, text: `item ${i} — ünïcödé 😀` })) },
    };
    app.get('/:size', (request, reply) =>
      sendBody(reply, 200, bodies[(request.params as { size: string }).size], {
        format: 'json',
        pretty: false,
        xmlRoot: 'x',
      }),
    );
    try {
      for (const size of ['small', 'large']) {
        const response = await app.inject({ method: 'GET', url: `/${size}` });
        const json = JSON.stringify(bodies[size]);
        assert.equal(response.statusCode, 200);
        assert.equal(response.headers['content-type'], 'application/json;charset=UTF-8');
        assert.equal(response.headers['content-length'], String(Buffer.byteLength(json)));
        assert.equal(response.body, json);
      }
    } finally {
      await app.close();
    }
  });
});
