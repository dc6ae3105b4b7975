import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../helpers/api-assert.js';
import { v36 } from '../helpers/feed-fixtures.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

/**
 * Search ignores case for all of Unicode, on both stores alike (SPEC §10; issue 9; decision 0020):
 * SQLite's lower() folds ASCII letters only, so `q=über` once found nothing there and two posts on
 * PostgreSQL. Each store now matches a folded copy of the text that the write path keeps.
 */
describe('case-insensitive search for all of Unicode', () => {
  let h: Harness;
  let alice: string;
  const posts: Record<string, string> = {};

  before(async () => {
    h = await createHarness();
    alice = await h.login('alice@acme.example');
    for (const [key, text] of [
      ['upper', 'ÜBER alles'],
      ['lower', 'das ist über cool'],
      ['decomposed', 'u\u0308ber decomposed'],
      ['sharp', 'Grüße aus der Straße'],
      ['greek', 'ΟΔΟΣ'],
      ['ligature', 'ﬁle server'],
      ['other', 'nothing to see'],
    ]) {
      const created = await h.request({
        method: 'POST',
        url: `${v36}/chatter/feed-elements`,
        token: alice,
        payload: { feedElementType: 'FeedItem', subjectId: 'me', text },
      });
      assert.equal(created.statusCode, 201, created.body);
      posts[key as string] = created.json().id;
    }
  });
  after(() => h.close());

  async function search(q: string): Promise<string[]> {
    const response = await h.request({
      method: 'GET',
      url: `${v36}/chatter/feed-elements?q=${encodeURIComponent(q)}`,
      token: alice,
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const ids = response.json().elements.map((e: { id: string }) => e.id) as string[];
    return Object.entries(posts)
      .filter(([, id]) => ids.includes(id))
      .map(([key]) => key)
      .sort();
  }

  test('GET feed-elements?q= finds posts in any case, composed or not, of any script', async () => {
    assert.deepEqual(await search('über'), ['decomposed', 'lower', 'upper']);
    assert.deepEqual(await search('ÜBER'), ['decomposed', 'lower', 'upper']);
    assert.deepEqual(await search('u\u0308ber'), ['decomposed', 'lower', 'upper']);
    assert.deepEqual(await search('STRASSE'), ['sharp']);
    assert.deepEqual(await search('grüsse'), ['sharp']);
    assert.deepEqual(await search('οδος'), ['greek']);
    assert.deepEqual(await search('FILE'), ['ligature']);
    assert.deepEqual(await search('%_'), []);
  });

  test('GET groups?q= and users?q= match names the same way', async () => {
    const group = await h.request({
      method: 'POST',
      url: `${v36}/chatter/groups`,
      token: alice,
      payload: { name: 'Ärzte Straße', visibility: 'PublicAccess' },
    });
    assert.equal(group.statusCode, 201, group.body);
    for (const q of ['ärzte', 'ÄRZTE', 'strasse', 'a\u0308rzte']) {
      const found = await h.request({
        method: 'GET',
        url: `${v36}/chatter/groups?q=${encodeURIComponent(q)}`,
        token: alice,
      });
      assert.equal(found.statusCode, 200, found.body);
      assert.deepEqual(
        found.json().groups.map((g: { id: string }) => g.id),
        [group.json().id],
        q,
      );
    }
    const user = await h.admin('POST', '/_chatterbox/users', {
      username: 'juergen@acme.example',
      password: 'demo-password-1',
      firstName: 'Jürgen',
      lastName: 'Groß',
      type: 'standard',
    });
    assert.equal(user.statusCode, 201, user.body);
    for (const q of ['jürgen', 'JÜRGEN GROSS', 'groß', 'GROSS']) {
      const found = await h.request({
        method: 'GET',
        url: `${v36}/chatter/users?q=${encodeURIComponent(q)}`,
        token: alice,
      });
      assert.equal(found.statusCode, 200, found.body);
      assert.deepEqual(
        found.json().users.map((u: { id: string }) => u.id),
        [user.json().id],
        q,
      );
    }
  });

  test('a search term over 1000 characters → 400 INVALID_INPUT on every search (once a 500 on SQLite)', async () => {
    // NFKC may make one character many (U+FDFA is 18): the limit keeps LIKE patterns within SQLite's.
    for (const resource of ['feed-elements', 'groups', 'users']) {
      for (const q of ['x'.repeat(60_000), '\ufdfa'.repeat(1001)]) {
        const response = await h.request({
          method: 'GET',
          url: `${v36}/chatter/${resource}?q=${encodeURIComponent(q)}`,
          token: alice,
        });
        assertError(
          response,
          400,
          'INVALID_INPUT',
          'Invalid q: the search term must have at most 1000 characters.',
          resource,
        );
      }
    }
    const longest = await h.request({
      method: 'GET',
      url: `${v36}/chatter/feed-elements?q=${encodeURIComponent('\ufdfa'.repeat(1000))}`,
      token: alice,
    });
    assert.equal(longest.statusCode, 200, longest.body.slice(0, 300));
  });
});
