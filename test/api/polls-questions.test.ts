import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../helpers/api-assert.js';
import { signIn } from '../helpers/feed-fixtures.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { rawDatabase, rowCount } from '../helpers/store.js';

describe('polls (SPEC §12.5; F2 §6)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  const v41 = '/services/data/v41.0';

  before(async () => {
    h = await createHarness();
    ({ tokens } = await signIn(h, ['admin', 'alice', 'bob']));
  });
  after(() => h.close());

  const send = (method: 'GET' | 'POST' | 'PATCH', token: string, url: string, payload?: unknown) =>
    h.request({ method, url, token, ...(payload === undefined ? {} : { payload: payload as object }) });
  const createPoll = (token: string, choices: string[]) =>
    send('POST', token, `${v41}/chatter/feed-elements`, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      body: { messageSegments: [{ type: 'Text', text: 'When should we meet?' }] },
      capabilities: { poll: { choices } },
    });
  const count = (table: 'feed_elements' | 'poll_choices' | 'poll_votes') => rowCount(h.services.store, table);
  const choiceIds = async (postId: string) =>
    (
      await rawDatabase(h.services.store)
        .selectFrom('poll_choices')
        .select('id')
        .where('feed_element_id', '=', postId)
        .orderBy('position')
        .execute()
    ).map((r) => r.id);
  const pollBody = (ids: string[], texts: string[], votes: number[], mine: string | null) => {
    const total = votes.reduce((a, b) => a + b, 0);
    return {
      choices: ids.map((id, i) => ({
        id,
        position: i + 1,
        text: texts[i],
        voteCount: votes[i],
        voteCountRatio: total === 0 ? 0 : (votes[i] as number) / total,
      })),
      myChoiceId: mine,
      totalVoteCount: total,
    };
  };

  test('a poll of 2–10 choices is a PollPost with its Poll Capability; 1 or 11 choices: 400, nothing written', async () => {
    const created = await createPoll(tokens.alice as string, ['Monday', 'Tuesday']);
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.headers['content-type'], JSON_TYPE);
    const id = created.json().id as string;
    assert.equal(created.json().type, 'PollPost');
    const ids = await choiceIds(id);
    assert.deepEqual(created.json().capabilities.poll, pollBody(ids, ['Monday', 'Tuesday'], [0, 0], null));
    const posts = await count('feed_elements');
    const choices = await count('poll_choices');
    for (const bad of [['Only'], Array.from({ length: 11 }, (_, i) => `c${i}`)]) {
      assertError(
        await createPoll(tokens.alice as string, bad),
        400,
        'INVALID_INPUT',
        'A poll must have between 2 and 10 choices.',
      );
    }
    assert.equal(await count('feed_elements'), posts);
    assert.equal(await count('poll_choices'), choices);
    const ten = await createPoll(
      tokens.alice as string,
      Array.from({ length: 10 }, (_, i) => `c${i}`),
    );
    assert.equal(ten.statusCode, 201);
  });

  test('vote and change a vote: one per user; another poll’s choice 400; a non-poll 404', async () => {
    const id = (await createPoll(tokens.alice as string, ['Red', 'Blue', 'Green'])).json().id as string;
    const other = (await createPoll(tokens.alice as string, ['Yes', 'No'])).json().id as string;
    const [red, blue, green] = (await choiceIds(id)) as [string, string, string];
    const url = `${v41}/chatter/feed-elements/${id}/capabilities/poll`;
    const texts = ['Red', 'Blue', 'Green'];
    const ok = async (response: Awaited<ReturnType<typeof send>>, body: unknown) => {
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), body);
    };
    await ok(
      await send('PATCH', tokens.bob as string, url, { myChoiceId: red }),
      pollBody([red, blue, green], texts, [1, 0, 0], red),
    );
    await ok(
      await send('PATCH', tokens.bob as string, url, { myChoiceId: blue }),
      pollBody([red, blue, green], texts, [0, 1, 0], blue),
    );
    await ok(
      await send('PATCH', tokens.alice as string, `${url}?myChoiceId=${blue}`),
      pollBody([red, blue, green], texts, [0, 2, 0], blue),
    );
    await ok(
      await send('GET', tokens.admin as string, url),
      pollBody([red, blue, green], texts, [0, 2, 0], null),
    );
    const [yes] = (await choiceIds(other)) as [string];
    const votes = await count('poll_votes');
    assertError(
      await send('PATCH', tokens.admin as string, url, { myChoiceId: yes }),
      400,
      'INVALID_INPUT',
      "Invalid myChoiceId: the choice isn't one of this poll's choices.",
    );
    assert.equal(await count('poll_votes'), votes);
    const text = await send('POST', tokens.bob as string, `${v41}/chatter/feed-elements`, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      text: 'no poll here',
    });
    assertError(
      await send(
        'GET',
        tokens.bob as string,
        `${v41}/chatter/feed-elements/${text.json().id}/capabilities/poll`,
      ),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
    assert.equal(text.json().capabilities.poll, null);
  });

  test('counts stay exact under concurrent votes and vote changes', async () => {
    const voters: string[] = [];
    for (let i = 0; i < 8; i++) {
      const user = await h.admin('POST', '/_chatterbox/users', {
        username: `voter${i}@acme.example`,
        password: 'demo-password-1',
        firstName: 'Voter',
        lastName: `${i}`,
        type: 'standard',
      });
      assert.equal(user.statusCode, 201, user.body);
      voters.push(await h.login(`voter${i}@acme.example`, 'demo-password-1'));
    }
    const id = (await createPoll(tokens.alice as string, ['A', 'B'])).json().id as string;
    const [a, b] = (await choiceIds(id)) as [string, string];
    const url = `${v41}/chatter/feed-elements/${id}/capabilities/poll`;
    const first = await Promise.all(voters.map((t) => send('PATCH', t, url, { myChoiceId: a })));
    assert.deepEqual(
      first.map((r) => r.statusCode),
      voters.map(() => 200),
    );
    // Half of them change their vote at once.
    const second = await Promise.all(voters.slice(0, 4).map((t) => send('PATCH', t, url, { myChoiceId: b })));
    assert.deepEqual(
      second.map((r) => r.statusCode),
      [200, 200, 200, 200],
    );
    const poll = (await send('GET', tokens.bob as string, url)).json();
    assert.deepEqual(poll, pollBody([a, b], ['A', 'B'], [4, 4], null));
    const stored = await rawDatabase(h.services.store)
      .selectFrom('poll_votes')
      .select(['choice_id'])
      .where('feed_element_id', '=', id)
      .execute();
    assert.equal(stored.length, 8);
    assert.equal(stored.filter((v) => v.choice_id === a).length, 4);
  });
});
