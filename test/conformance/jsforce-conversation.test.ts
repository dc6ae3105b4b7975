import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Json, useJsforceSession } from '../helpers/jsforce-session.js';

/**
 * jsforce 3.10.16 as a real client over HTTP (reference/jsforce-notes.md §1) through the
 * conversation features (SPEC §12.4, §12.5): a poll voted and re-voted, a topic flow from a hashtag
 * to the topic's feed and back out by an edit, and a question's best answer.
 */
describe('jsforce 3.10.16 against a listening server: polls, topics, questions', () => {
  const s = useJsforceSession('41.0');

  const patch = async (url: string, body: unknown) =>
    (await s.conn.chatter.request({
      method: 'PATCH',
      url,
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' },
    })) as Json;
  const post = async (text: string, capabilities?: unknown) =>
    (await s.conn.chatter.resource('/feed-elements').create({
      body: { messageSegments: [{ type: 'Text', text }] },
      feedElementType: 'FeedItem',
      subjectId: 'me',
      ...(capabilities === undefined ? {} : { capabilities }),
    })) as Json;

  test('a poll: create, vote, change the vote; another poll’s choice is INVALID_INPUT', async () => {
    const poll = await post('Which day?', { poll: { choices: ['Monday', 'Tuesday'] } });
    assert.equal(poll.type, 'PollPost');
    assert.deepEqual(poll, await s.direct(poll.url));
    const [monday, tuesday] = poll.capabilities.poll.choices as Json[];
    const url = `${poll.url}/capabilities/poll`;
    const voted = await patch(url, { myChoiceId: monday?.id });
    assert.deepEqual(voted, await s.direct(url));
    assert.deepEqual(
      [voted.myChoiceId, voted.totalVoteCount, voted.choices[0].voteCount],
      [monday?.id, 1, 1],
    );
    const changed = await patch(url, { myChoiceId: tuesday?.id });
    assert.deepEqual(
      [
        changed.myChoiceId,
        changed.totalVoteCount,
        changed.choices[0].voteCount,
        changed.choices[1].voteCount,
      ],
      [tuesday?.id, 1, 0, 1],
    );
    assert.deepEqual(changed, (await s.conn.chatter.resource(url)) as Json);
    const other = await post('Which colour?', { poll: { choices: ['Red', 'Blue'] } });
    await assert.rejects(async () => patch(url, { myChoiceId: other.capabilities.poll.choices[0].id }), {
      name: 'INVALID_INPUT',
      errorCode: 'INVALID_INPUT',
      message: "Invalid myChoiceId: the choice isn't one of this poll's choices.",
    });
  });

  test('a topic: a #[hashtag] assigns it, its feed lists the post, an edit takes it out', async () => {
    const tagged = await post('Shipping #[jsforce flow] today');
    const segment = (tagged.body.messageSegments as Json[])[1] as Json;
    assert.deepEqual(
      [segment.type, segment.tag, segment.text],
      ['Hashtag', 'jsforce flow', '#[jsforce flow]'],
    );
    const caps = `${tagged.url}/capabilities/topics`;
    const assigned = (await s.conn.chatter.resource(caps)) as Json;
    assert.deepEqual(assigned, await s.direct(caps));
    const topic = assigned.items[0] as Json;
    assert.deepEqual([topic.name, topic.talkingAbout], ['jsforce flow', 1]);
    assert.deepEqual((await s.conn.chatter.resource(topic.url)) as Json, await s.direct(topic.url));

    // A second topic by name through the capability's POST.
    const extra = (await s.conn.chatter.resource(caps).create({ topicName: 'Conformance' })) as Json;
    assert.deepEqual([extra.name, extra.talkingAbout], ['Conformance', 1]);

    const feed = (await s.conn.chatter.resource(`/feeds/topics/${topic.id}/feed-elements`)) as Json;
    assert.deepEqual(
      (feed.elements as Json[]).map((e) => e.id),
      [tagged.id],
    );

    // Editing the hashtag out unassigns its topic; the topic added by name stays.
    const edited = await patch(tagged.url, {
      body: { messageSegments: [{ type: 'Text', text: 'Shipped' }] },
    });
    assert.deepEqual(
      (edited.capabilities.topics.items as Json[]).map((t) => t.name),
      ['Conformance'],
    );
    assert.equal(((await s.conn.chatter.resource(topic.url)) as Json).talkingAbout, 0);
    const emptied = (await s.conn.chatter.resource(`/feeds/topics/${topic.id}/feed-elements`)) as Json;
    assert.deepEqual(emptied.elements, []);

    // DELETE …/capabilities/topics?topicId= removes the other one.
    assert.equal(await s.conn.chatter.resource(`${caps}?topicId=${extra.id}`).delete(), undefined);
    assert.deepEqual(((await s.conn.chatter.resource(caps)) as Json).items, []);
  });

  test('a question: answers are comments; the asker chooses the best answer, then removes it', async () => {
    const question = await post('Where do I start?', {
      questionAndAnswers: { questionTitle: 'Getting started' },
    });
    assert.equal(question.type, 'QuestionPost');
    const answer = (await s.conn.chatter
      .resource(question.capabilities.comments.page.currentPageUrl)
      .create({ body: { messageSegments: [{ type: 'Text', text: 'Read the README.' }] } })) as Json;
    const url = `${question.url}/capabilities/question-and-answers`;
    const chosen = await patch(url, { bestAnswerId: answer.id });
    assert.deepEqual(chosen, await s.direct(url));
    assert.deepEqual(chosen.bestAnswer, await s.direct(answer.url));
    assert.equal(chosen.bestAnswerSelectedBy.id, s.conn.userInfo?.id);
    const filtered = (await s.conn.chatter.resource('/feeds/record/me/feed-elements', {
      filter: 'SolvedQuestions',
    })) as Json;
    assert.deepEqual(
      (filtered.elements as Json[]).map((e) => e.id),
      [question.id],
    );
    const removed = await patch(url, { bestAnswerId: null });
    assert.deepEqual([removed.bestAnswer, removed.bestAnswerSelectedBy], [null, null]);
  });
});
