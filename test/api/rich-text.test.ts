import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { signIn } from '../helpers/feed-fixtures.js';
import { err, type Person, userSummary } from '../helpers/feed-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

const TAGS: Record<string, string> = {
  Bold: 'b',
  Italic: 'i',
  Underline: 'u',
  Strikethrough: 's',
  UnorderedList: 'ul',
  OrderedList: 'ol',
  ListItem: 'li',
  Paragraph: 'p',
  Code: 'code',
  Hyperlink: 'a',
};

/** Rich text and the limits of a body (SPEC §12.3, §12.8; F2 §7). */
describe('rich text (SPEC §12.3)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['alice', 'bob']));
  });
  after(() => h.close());

  const post = (version: string, messageSegments: unknown[], accept?: string) =>
    h.request({
      method: 'POST',
      url: `/services/data/v${version}/chatter/feed-elements`,
      token: tokens.alice,
      headers: accept ? { accept } : {},
      payload: { feedElementType: 'FeedItem', subjectId: 'me', body: { messageSegments } },
    });
  const begin = (markupType: string, extra: Record<string, unknown> = {}) => ({
    type: 'MarkupBegin',
    markupType,
    ...extra,
  });
  const end = (markupType: string) => ({ type: 'MarkupEnd', markupType });
  const textSeg = (text: string) => ({ type: 'Text', text });
  const countPosts = async () =>
    Number(
      (
        await rawDatabase(h.services.store)
          .selectFrom('feed_elements')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('every markup type round-trips with its htmlTag; isRichText true; Code keeps its text and markers', async () => {
    const input = [
      ...['Bold', 'Italic', 'Underline', 'Strikethrough', 'Paragraph'].flatMap((m) => [
        begin(m),
        textSeg(m),
        end(m),
      ]),
      begin('UnorderedList'),
      begin('ListItem'),
      textSeg('one'),
      end('ListItem'),
      end('UnorderedList'),
      begin('OrderedList'),
      begin('ListItem'),
      textSeg('two'),
      end('ListItem'),
      end('OrderedList'),
      begin('Hyperlink', { url: 'https://example.com/a', altText: 'Example' }),
      textSeg('link'),
      end('Hyperlink'),
      begin('Code'),
      textSeg('if (a < b) #notag https://x.example'),
      end('Code'),
    ];
    const response = await post('58.0', input);
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const out = (s: (typeof input)[number]) => {
      if (s.type === 'Text')
        return { text: (s as { text: string }).text.replace(/</g, '&lt;'), type: 'Text' };
      const m = (s as { markupType: string }).markupType;
      const code = m === 'Code';
      if (s.type === 'MarkupEnd')
        return { htmlTag: TAGS[m], markupType: m, text: code ? '\n[End code block]' : '', type: 'MarkupEnd' };
      const link = s as { url?: string; altText?: string };
      return {
        altText: link.altText ?? null,
        htmlTag: TAGS[m],
        markupType: m,
        text: code ? '[Start code block]\n' : '',
        type: 'MarkupBegin',
        url: link.url ?? null,
      };
    };
    const text =
      'BoldItalicUnderlineStrikethroughParagraphonetwolink[Start code block]\nif (a &lt; b) #notag https://x.example\n[End code block]';
    assert.deepEqual(response.json().body, {
      isRichText: true,
      messageSegments: input.map(out),
      text,
    });
    // Below 45: no altText or url on MarkupBegin.
    const v44 = await h.request({
      method: 'GET',
      url: `/services/data/v44.0/chatter/feed-elements/${response.json().id}`,
      token: tokens.bob,
    });
    assert.deepEqual(v44.json().body.messageSegments[0], {
      htmlTag: 'b',
      markupType: 'Bold',
      text: '',
      type: 'MarkupBegin',
    });
  });

  test('the XML rendering of a rich post is well-formed', async () => {
    const response = await post(
      '58.0',
      [
        begin('Code'),
        textSeg('<tag attr="x"> & ]]> \u0001'),
        end('Code'),
        begin('Bold'),
        textSeg('b'),
        end('Bold'),
      ],
      'application/xml',
    );
    assert.equal(response.statusCode, 201);
    assert.equal(XMLValidator.validate(response.body), true);
    assert.match(response.body, /<htmlTag>code<\/htmlTag>/);
  });

  test('unbalanced or wrongly nested markup, markup inside Code, bad Hyperlink: 400 and nothing stored', async () => {
    const before = await countPosts();
    const invalid = err('INVALID_INPUT', 'The message body contains invalid markup.');
    for (const segments of [
      [begin('Bold'), textSeg('x')],
      [textSeg('x'), end('Bold')],
      [begin('Bold'), begin('Italic'), textSeg('x'), end('Bold'), end('Italic')],
      [begin('Code'), begin('Bold'), textSeg('x'), end('Bold'), end('Code')],
      [begin('Code'), { type: 'Mention', id: people.bob?.id }, end('Code')],
    ]) {
      const response = await post('58.0', segments);
      assert.equal(response.statusCode, 400, JSON.stringify(segments));
      assert.deepEqual(response.json(), invalid);
    }
    const noUrl = await post('58.0', [
      begin('Hyperlink', { url: 'ftp://x' }),
      textSeg('x'),
      end('Hyperlink'),
    ]);
    assert.equal(noUrl.statusCode, 400);
    assert.deepEqual(
      noUrl.json(),
      err('INVALID_INPUT', 'Invalid messageSegments[0].url: specify an http or https URL.'),
    );
    const unknown = await post('58.0', [begin('Blink'), textSeg('x'), end('Blink')]);
    assert.equal(unknown.statusCode, 400);
    assert.deepEqual(
      unknown.json(),
      err(
        'INVALID_INPUT',
        'Invalid messageSegments[0].markupType: Blink. Specify one of: Bold, Italic, Underline, Strikethrough, UnorderedList, OrderedList, ListItem, Paragraph, Code, Hyperlink.',
      ),
    );
    assert.equal(await countPosts(), before);
  });

  test('10,000 characters of body.text (markup excluded) and 25 mentions (repeats counted) are the limits', async () => {
    const before = await countPosts();
    const full = await post('58.0', [begin('Code'), textSeg('x'.repeat(10_000)), end('Code')]);
    assert.equal(full.statusCode, 201);
    const over = await post('58.0', [begin('Bold'), textSeg('x'.repeat(10_001)), end('Bold')]);
    assert.equal(over.statusCode, 400);
    assert.deepEqual(
      over.json(),
      err('INVALID_INPUT', "The message body can't be longer than 10,000 characters."),
    );
    const bob = { type: 'Mention', id: people.bob?.id };
    const twentyFive = await post(
      '58.0',
      Array.from({ length: 25 }, () => bob),
    );
    assert.equal(twentyFive.statusCode, 201);
    assert.deepEqual(
      twentyFive.json().body.messageSegments[0].record,
      userSummary({ base: '/services/data/v58.0' }, people.bob as Person),
    );
    const twentySix = await post(
      '58.0',
      Array.from({ length: 26 }, () => bob),
    );
    assert.equal(twentySix.statusCode, 400);
    assert.deepEqual(
      twentySix.json(),
      err('INVALID_INPUT', "You can't mention more than 25 people or groups in a post or comment."),
    );
    assert.equal(await countPosts(), before + 2);
  });
});
