import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { XML_TYPE } from '../helpers/api-assert.js';
import { v36 } from '../helpers/feed-fixtures.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

/**
 * A post whose hashtag holds a lone surrogate (text that encodeURIComponent refuses) once made
 * every feed holding it answer 500, to every reader, in JSON and XML. Such a post, however it got
 * into the store, must leave every feed readable.
 */
describe('a post with a lone surrogate in a hashtag leaves every feed readable', () => {
  let h: Harness;
  let alice: string;
  let bob: string;
  let groupId: string;
  let postId: string;

  before(async () => {
    h = await createHarness();
    alice = await h.login('alice@acme.example');
    bob = await h.login('bob@acme.example');
    const groups = await h.request({ method: 'GET', url: `${v36}/chatter/groups?q=All`, token: alice });
    groupId = groups.json().groups.find((g: { name: string }) => g.name === 'All Acme').id;
    const created = await h.request({
      method: 'POST',
      url: `${v36}/chatter/feed-elements`,
      token: alice,
      payload: {
        feedElementType: 'FeedItem',
        subjectId: groupId,
        body: { messageSegments: [{ type: 'Hashtag', tag: 'x\ud800' }] },
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    postId = created.json().id;
  });
  after(() => h.close());

  test('company, group and news feeds answer 200 in JSON and XML with the post in them', async () => {
    const parser = new XMLParser({ parseTagValue: false });
    for (const [feed, token] of [
      ['/chatter/feeds/company/feed-elements', alice],
      [`/chatter/feeds/record/${groupId}/feed-elements`, bob],
      ['/chatter/feeds/news/me/feed-elements', bob],
    ] as const) {
      const json = await h.request({ method: 'GET', url: `${v36}${feed}`, token });
      assert.equal(json.statusCode, 200, `${feed}: ${json.body}`);
      assert.equal(json.headers['content-type'], JSON_TYPE);
      const post = json.json().elements.find((e: { id: string }) => e.id === postId);
      assert.deepEqual(post.body.messageSegments, [
        {
          // JSON carries the lone surrogate escaped (\ud800), as JSON.stringify writes it.
          tag: 'x\ud800',
          text: '#x\ud800',
          topicUrl: `${v36}/connect/topics?exactMatch=true&q=%23x%EF%BF%BD`,
          type: 'Hashtag',
        },
      ]);

      const xml = await h.request({
        method: 'GET',
        url: `${v36}${feed}`,
        token,
        headers: { accept: 'application/xml' },
      });
      assert.equal(xml.statusCode, 200, `${feed} (XML): ${xml.body}`);
      assert.equal(xml.headers['content-type'], XML_TYPE);
      const elements = [parser.parse(xml.body).feedElementPage.elements].flat();
      const xmlPost = elements.find((e: { id: string }) => e.id === postId);
      assert.equal(
        xmlPost.body.messageSegments.topicUrl,
        `${v36}/connect/topics?exactMatch=true&q=%23x%EF%BF%BD`,
      );
    }
  });
});
