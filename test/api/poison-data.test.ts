import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { assertError, XML_TYPE } from '../helpers/api-assert.js';
import { v36 } from '../helpers/feed-fixtures.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

/**
 * Hostile text is stored as sent and every feed that holds it stays readable, to every reader, in
 * JSON and XML (issue 9): one post with every segment type carrying it, a comment, a group and an
 * author whose names carry it. Lone surrogates are refused at the edge (decision 0020); a post
 * that holds one anyway (written before that) leaves every feed readable too.
 */

/** Valid Unicode that has broken parsers, escapers, encoders and terminals. */
const HOSTILE = [
  '<script>alert(1)</script>',
  '&amp; &#39; &lt; ]]> <![CDATA[x]]> <!-- c -->',
  `"quoted" 'single' \\back\\slash`,
  'CR\r LF\n CRLF\r\n tab\t',
  'controls \u0001\u0008\u000b\u000c\u001f\u007f\u0085',
  'separators \u2028\u2029 bidi \u202e\u2066 zero-width \u200b\u200d bom \ufeff',
  'noncharacters \ufffe\uffff replacement \ufffd',
  'emoji 😀👩‍👩‍👧 flags 🇫🇷 combining e\u0301 Zalgo z\u0336\u0335\u0334',
  // `#[…]` glued to a word is not a hashtag (SPEC §12.8 makes `#[two words]` one after a space).
  'percent %s %00 %ZZ {{x}} \u0024{x}#[not a tag] @[not a mention]',
].join(' | ');

/** Characters XML 1.0 cannot carry become U+FFFD there (decision 0006); the rest read back as sent. */
function asXmlReads(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}

const RAW = { 'x-chatter-entity-encoding': 'false' };
const xmlParser = new XMLParser({ parseTagValue: false, trimValues: false, htmlEntities: true });

describe('poison data: hostile text is stored as sent, and every feed holding it stays readable', () => {
  let h: Harness;
  let alice: string;
  let bob: string;
  let mallory: { id: string; token: string };
  let groupId: string;
  let postId: string;
  let poisonId: string;

  before(async () => {
    h = await createHarness();
    alice = await h.login('alice@acme.example');
    bob = await h.login('bob@acme.example');
    const user = await h.admin('POST', '/_chatterbox/users', {
      username: 'mallory@acme.example',
      password: 'demo-password-1',
      firstName: HOSTILE.slice(0, 40),
      lastName: HOSTILE.slice(40, 80),
      type: 'standard',
    });
    assert.equal(user.statusCode, 201, user.body);
    mallory = { id: user.json().id, token: await h.login('mallory@acme.example') };
    const group = await h.request({
      method: 'POST',
      url: `${v36}/chatter/groups`,
      token: mallory.token,
      payload: { name: HOSTILE.slice(0, 40), description: HOSTILE, visibility: 'PublicAccess' },
    });
    assert.equal(group.statusCode, 201, group.body);
    groupId = group.json().id;
    for (const token of [alice, bob]) {
      const joined = await h.request({
        method: 'POST',
        url: `${v36}/chatter/groups/${groupId}/members`,
        token,
        payload: { userId: 'me' },
      });
      assert.equal(joined.statusCode, 201, joined.body);
    }
  });
  after(() => h.close());

  test('a post with every segment type carrying hostile text is stored and read back as sent', async () => {
    const segments = [
      { type: 'Text', text: `${HOSTILE} ` },
      { type: 'Mention', id: mallory.id },
      { type: 'Hashtag', tag: HOSTILE.slice(0, 60) },
      { type: 'Link', url: `https://example.com/${HOSTILE.replace(/\s/g, '')}` },
    ];
    const created = await h.request({
      method: 'POST',
      url: `${v36}/chatter/feed-elements`,
      token: mallory.token,
      headers: RAW,
      payload: { feedElementType: 'FeedItem', subjectId: groupId, body: { messageSegments: segments } },
    });
    assert.equal(created.statusCode, 201, created.body);
    postId = created.json().id;
    const comment = await h.request({
      method: 'POST',
      url: `${v36}/chatter/feed-elements/${postId}/capabilities/comments/items`,
      token: bob,
      headers: RAW,
      payload: { body: { messageSegments: [{ type: 'Text', text: HOSTILE }] } },
    });
    assert.equal(comment.statusCode, 201, comment.body);

    const read = await h.request({
      method: 'GET',
      url: `${v36}/chatter/feed-elements/${postId}`,
      token: alice,
      headers: RAW,
    });
    assert.equal(read.statusCode, 200);
    const body = read.json().body;
    const texts = body.messageSegments.map(
      (s: { type: string; text?: string; tag?: string; url?: string }) =>
        s.type === 'Hashtag' ? s.tag : s.type === 'Link' ? s.url : s.type === 'Text' ? s.text : s.type,
    );
    assert.deepEqual(texts, [
      `${HOSTILE} `,
      'Mention',
      HOSTILE.slice(0, 60).replace(/^#/, '').trim(),
      `https://example.com/${HOSTILE.replace(/\s/g, '')}`,
    ]);
    assert.equal(read.json().capabilities.comments.page.items[0].body.text, HOSTILE);
  });

  test('every feed holding the post answers 200 in JSON and XML, with the text as sent', async () => {
    const feeds: [string, string][] = [
      ['/chatter/feeds/company/feed-elements', alice],
      [`/chatter/feeds/record/${groupId}/feed-elements`, bob],
      ['/chatter/feeds/news/me/feed-elements', bob],
      ['/chatter/feeds/news/me/feed-elements', alice],
      ['/chatter/feeds/news/me/feed-elements', mallory.token],
      [`/chatter/feeds/user-profile/${mallory.id}/feed-elements`, alice],
      ['/chatter/feeds/to/me/feed-elements', mallory.token],
      [`/chatter/feed-elements/${postId}`, bob],
      [`/chatter/feed-elements/batch/${postId}`, bob],
      [`/chatter/groups/${groupId}`, bob],
      [`/chatter/users/${mallory.id}`, bob],
    ];
    for (const [feed, token] of feeds) {
      const json = await h.request({ method: 'GET', url: `${v36}${feed}`, token, headers: RAW });
      assert.equal(json.statusCode, 200, `${feed}: ${json.body.slice(0, 300)}`);
      assert.equal(json.headers['content-type'], JSON_TYPE);
      assert.ok(json.body.includes(JSON.stringify(HOSTILE.slice(0, 40)).slice(1, -1)), feed);

      for (const headers of [{ accept: 'application/xml' }, { accept: 'application/xml', ...RAW }]) {
        const xml = await h.request({ method: 'GET', url: `${v36}${feed}`, token, headers });
        assert.equal(xml.statusCode, 200, `${feed} (XML): ${xml.body.slice(0, 300)}`);
        assert.equal(xml.headers['content-type'], XML_TYPE);
        assert.equal(XMLValidator.validate(xml.body), true, feed);
      }
      const xml = await h.request({
        method: 'GET',
        url: `${v36}${feed}`,
        token,
        headers: { accept: 'application/xml', ...RAW },
      });
      // The name as an XML reader gets it back: every character XML can carry, as sent.
      const parsed = JSON.stringify(xmlParser.parse(xml.body));
      assert.ok(parsed.includes(JSON.stringify(asXmlReads(HOSTILE.slice(0, 40))).slice(1, -1)), feed);
    }
  });

  test('a lone surrogate anywhere in input text → 400 INVALID_INPUT naming the field; nothing is stored', async () => {
    const before = await h.request({
      method: 'GET',
      url: `${v36}/chatter/feeds/company/feed-elements`,
      token: alice,
    });
    const cases: [string, string, unknown, string][] = [
      [
        'POST',
        '/chatter/feed-elements',
        {
          feedElementType: 'FeedItem',
          subjectId: groupId,
          body: { messageSegments: [{ type: 'Hashtag', tag: 'x\ud800' }] },
        },
        "Invalid body.messageSegments.0.tag: the value contains a lone surrogate (U+D800), which isn't a Unicode character.",
      ],
      [
        'POST',
        '/chatter/feed-elements',
        {
          feedElementType: 'FeedItem',
          subjectId: groupId,
          body: { messageSegments: [{ type: 'Text', text: 'a\udfffb' }] },
        },
        "Invalid body.messageSegments.0.text: the value contains a lone surrogate (U+DFFF), which isn't a Unicode character.",
      ],
      [
        'POST',
        `/chatter/feed-elements/${postId}/capabilities/comments/items`,
        { body: { messageSegments: [{ type: 'Text', text: '\udbff' }] } },
        "Invalid body.messageSegments.0.text: the value contains a lone surrogate (U+DBFF), which isn't a Unicode character.",
      ],
      [
        'PATCH',
        '/chatter/users/me',
        { aboutMe: 'ok 😀 then \ud83d alone' },
        "Invalid aboutMe: the value contains a lone surrogate (U+D83D), which isn't a Unicode character.",
      ],
      [
        'POST',
        '/chatter/groups',
        { name: 'G\udc00', visibility: 'PublicAccess' },
        "Invalid name: the value contains a lone surrogate (U+DC00), which isn't a Unicode character.",
      ],
    ];
    for (const [method, path, payload, message] of cases) {
      const response = await h.request({
        method: method as 'POST',
        url: `${v36}${path}`,
        token: alice,
        payload: payload as object,
      });
      assertError(response, 400, 'INVALID_INPUT', message, `${method} ${path}`);
    }
    const query = await h.request({ method: 'GET', url: `${v36}/chatter/users?q=%ED%A0%80`, token: alice });
    assert.equal(query.statusCode, 200, 'WTF-8 in a URL decodes to U+FFFD, a character');
    const afterwards = await h.request({
      method: 'GET',
      url: `${v36}/chatter/feeds/company/feed-elements`,
      token: alice,
    });
    assert.equal(afterwards.body, before.body, 'nothing was stored');
    const me = await h.request({ method: 'GET', url: `${v36}/chatter/users/me`, token: alice });
    assert.equal(me.json().aboutMe, null);
  });

  test('a post that holds a lone surrogate anyway (stored before the edge refused it) leaves every feed readable', async () => {
    const created = await h.request({
      method: 'POST',
      url: `${v36}/chatter/feed-elements`,
      token: alice,
      payload: {
        feedElementType: 'FeedItem',
        subjectId: groupId,
        body: { messageSegments: [{ type: 'Hashtag', tag: 'poison' }] },
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    poisonId = created.json().id;
    // As an older version stored it: the segments keep the surrogate (JSON escapes it as \ud800).
    const db = rawDatabase(h.services.store);
    const row = await db
      .selectFrom('feed_elements')
      .select('body')
      .where('id', '=', poisonId)
      .executeTakeFirstOrThrow();
    const poisoned = row.body.replace('"poison"', JSON.stringify('x\ud800'));
    assert.notEqual(poisoned, row.body);
    await db.updateTable('feed_elements').set({ body: poisoned }).where('id', '=', poisonId).execute();

    const parser = new XMLParser({ parseTagValue: false });
    for (const [feed, token] of [
      ['/chatter/feeds/company/feed-elements', alice],
      [`/chatter/feeds/record/${groupId}/feed-elements`, bob],
      ['/chatter/feeds/news/me/feed-elements', bob],
    ] as const) {
      const json = await h.request({ method: 'GET', url: `${v36}${feed}`, token });
      assert.equal(json.statusCode, 200, `${feed}: ${json.body.slice(0, 300)}`);
      assert.equal(json.headers['content-type'], JSON_TYPE);
      const post = json.json().elements.find((e: { id: string }) => e.id === poisonId);
      assert.deepEqual(post.body.messageSegments, [
        {
          // JSON carries the lone surrogate escaped (\ud800), as JSON.stringify writes it; a tag
          // that isn't one word is written in brackets.
          tag: 'x\ud800',
          text: '#[x\ud800]',
          topicUrl: `${v36}/connect/topics?exactMatch=true&q=%23%5Bx%EF%BF%BD%5D`,
          type: 'Hashtag',
        },
      ]);

      const xml = await h.request({
        method: 'GET',
        url: `${v36}${feed}`,
        token,
        headers: { accept: 'application/xml' },
      });
      assert.equal(xml.statusCode, 200, `${feed} (XML): ${xml.body.slice(0, 300)}`);
      assert.equal(xml.headers['content-type'], XML_TYPE);
      const elements = [parser.parse(xml.body).feedElementPage.elements].flat();
      const xmlPost = elements.find((e: { id: string }) => e.id === poisonId);
      assert.equal(
        xmlPost.body.messageSegments.topicUrl,
        `${v36}/connect/topics?exactMatch=true&q=%23%5Bx%EF%BF%BD%5D`,
      );
    }
  });
});
