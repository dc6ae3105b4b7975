import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../helpers/api-assert.js';
import { makeGroup, signIn } from '../helpers/feed-fixtures.js';
import type { Person } from '../helpers/feed-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

/**
 * `filter=AllQuestions|SolvedQuestions|UnansweredQuestions|UnsolvedQuestions` on record feeds
 * (SPEC §12.5; F2 §1.4; decision 0034): the right questions, newest first, keyset-paged.
 */
describe('question filters of record feeds', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  const v41 = '/services/data/v41.0';
  /** Subject → its posts: a text post and four questions (see before()). */
  const subjects: Record<string, { id: string; posts: Record<string, string> }> = {};

  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
    const groupId = await makeGroup(h, {
      name: 'Questions',
      visibility: 'PublicAccess',
      owner: (people.alice as Person).id,
      members: [{ id: (people.bob as Person).id, role: 'StandardMember' }],
    });
    const account = await send('POST', tokens.alice as string, `${v41}/sobjects/Account`, { Name: 'Acme' });
    assert.equal(account.statusCode, 201, account.body);
    for (const [name, id] of [
      ['group', groupId],
      ['record', account.json().id as string],
    ] as const) {
      subjects[name] = { id, posts: await arrange(id) };
    }
  });
  after(() => h.close());

  const send = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', token: string, url: string, payload?: unknown) =>
    h.request({ method, url, token, ...(payload === undefined ? {} : { payload: payload as object }) });
  const created = async (response: Awaited<ReturnType<typeof send>>) => {
    assert.equal(response.statusCode, 201, response.body);
    return response.json().id as string;
  };
  const post = (subjectId: string, capabilities?: unknown) =>
    send('POST', tokens.alice as string, `${v41}/chatter/feed-elements`, {
      feedElementType: 'FeedItem',
      subjectId,
      text: 'a post',
      ...(capabilities === undefined ? {} : { capabilities }),
    }).then(created);
  const ask = (subjectId: string, title: string) =>
    post(subjectId, { questionAndAnswers: { questionTitle: title } });
  const answer = (postId: string) =>
    send('POST', tokens.bob as string, `${v41}/chatter/feed-elements/${postId}/capabilities/comments/items`, {
      text: 'an answer',
    }).then(created);
  const choose = async (postId: string, commentId: string) => {
    const url = `${v41}/chatter/feed-elements/${postId}/capabilities/question-and-answers`;
    const response = await send('PATCH', tokens.alice as string, url, { bestAnswerId: commentId });
    assert.equal(response.statusCode, 200, response.body);
  };

  /**
   * A text post and four questions, oldest first: unanswered; answered, unsolved; solved; and one
   * whose best answer was deleted (answered, unsolved again).
   */
  async function arrange(subjectId: string): Promise<Record<string, string>> {
    const text = await post(subjectId);
    const unanswered = await ask(subjectId, 'Nobody knows?');
    const open = await ask(subjectId, 'Still open?');
    await answer(open);
    const solved = await ask(subjectId, 'Solved?');
    await choose(solved, await answer(solved));
    const reopened = await ask(subjectId, 'Reopened?');
    await answer(reopened);
    const best = await answer(reopened);
    await choose(reopened, best);
    const deleted = await send('DELETE', tokens.bob as string, `${v41}/chatter/comments/${best}`);
    assert.equal(deleted.statusCode, 204);
    return { text, unanswered, open, solved, reopened };
  }

  /** The page, whole: each element as GET feed-elements/{id} shows it, and the page's URLs. */
  const expectPage = async (
    url: string,
    query: string,
    ids: string[],
    next: { token: string; query: string } | null,
    current: string | null = null,
  ) => {
    const response = await send('GET', tokens.alice as string, `${url}?${query}`);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const elements = [];
    for (const id of ids) {
      elements.push((await send('GET', tokens.alice as string, `${v41}/chatter/feed-elements/${id}`)).json());
    }
    const body = response.json();
    assert.deepEqual(body, {
      currentPageToken: current,
      currentPageUrl: `${url}?${query}`,
      elements,
      isModifiedToken: null,
      isModifiedUrl: null,
      nextPageToken: next?.token ?? null,
      nextPageUrl: next ? `${url}?${next.query}` : null,
      updatesToken: body.updatesToken,
      updatesUrl: `${url}?updatedSince=${body.updatesToken}`,
    });
    assert.match(body.updatesToken, /^2:\d+$/);
    return body;
  };

  for (const name of ['group', 'record']) {
    test(`GET feeds/record/{${name}}/feed-elements?filter=…: the questions each filter keeps`, async () => {
      const { id, posts } = subjects[name] as { id: string; posts: Record<string, string> };
      const p = posts as Record<'text' | 'unanswered' | 'open' | 'solved' | 'reopened', string>;
      const url = `${v41}/chatter/feeds/record/${id}/feed-elements`;
      for (const [filter, ids] of [
        ['AllQuestions', [p.reopened, p.solved, p.open, p.unanswered]],
        ['SolvedQuestions', [p.solved]],
        ['UnsolvedQuestions', [p.reopened, p.open, p.unanswered]],
        ['UnansweredQuestions', [p.unanswered]],
      ] as const) {
        await expectPage(url, `filter=${filter}`, [...ids], null);
      }
      // Unfiltered, the text post is there too.
      const all = await send('GET', tokens.alice as string, url);
      assert.deepEqual(
        all.json().elements.map((e: { id: string }) => e.id),
        [p.reopened, p.solved, p.open, p.unanswered, p.text],
      );
    });
  }

  test('the filter pages with keyset tokens and is echoed in the page URLs', async () => {
    const { id, posts } = subjects.group as { id: string; posts: Record<string, string> };
    const url = `${v41}/chatter/feeds/record/${id}/feed-elements`;
    const first = await send('GET', tokens.alice as string, `${url}?filter=UnsolvedQuestions&pageSize=2`);
    const token = first.json().nextPageToken as string;
    assert.ok(token);
    await expectPage(url, 'filter=UnsolvedQuestions&pageSize=2', [posts.reopened, posts.open] as string[], {
      token,
      query: `filter=UnsolvedQuestions&pageSize=2&page=${token}`,
    });
    await expectPage(
      url,
      `filter=UnsolvedQuestions&pageSize=2&page=${token}`,
      [posts.unanswered] as string[],
      null,
      token,
    );
  });

  test('a filtered page costs the same statements for 2 and 4 questions, best answers and all', async (t) => {
    const { id } = subjects.group as { id: string };
    const url = `${v41}/chatter/feeds/record/${id}/feed-elements?filter=AllQuestions`;
    const statements = async (pageSize: number) => {
      let least = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 3; run++) {
        const before = h.services.store.queries.count;
        const response = await send('GET', tokens.alice as string, `${url}&pageSize=${pageSize}`);
        assert.equal(response.statusCode, 200);
        assert.equal(response.json().elements.length, pageSize);
        least = Math.min(least, h.services.store.queries.count - before);
      }
      return least;
    };
    // The newest question has no best answer, the second has one: both pages load best answers.
    const two = await statements(2);
    assert.equal(await statements(4), two);
    t.diagnostic(`${two} statements for a filtered page of 2 or 4 questions`);
  });

  test('a filter the API does not serve is 400 INVALID_INPUT; so is a filter on another feed', async () => {
    const url = `${v41}/chatter/feeds/record/${subjects.group?.id}/feed-elements`;
    for (const bad of ['Bogus', 'CommunityScoped', 'allquestions']) {
      assertError(
        await send('GET', tokens.alice as string, `${url}?filter=${bad}`),
        400,
        'INVALID_INPUT',
        `Invalid filter: ${bad}. Specify one of: AllQuestions, SolvedQuestions, UnansweredQuestions, UnsolvedQuestions.`,
      );
    }
    for (const other of [
      '/chatter/feeds/news/me/feed-elements?filter=AllQuestions',
      '/chatter/feeds/company/feed-elements?filter=AllQuestions',
      '/chatter/feeds/user-profile/me/feed-elements?filter=SolvedQuestions',
      '/chatter/feed-elements?q=post&filter=AllQuestions',
    ]) {
      assertError(
        await send('GET', tokens.alice as string, `${v41}${other}`),
        400,
        'INVALID_INPUT',
        "Invalid filter: this feed doesn't support filter.",
        other,
      );
    }
  });
});
