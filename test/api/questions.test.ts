import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { to18 } from '../../src/ids/salesforce-id.js';
import { assertError, assertJson } from '../helpers/api-assert.js';
import { signIn } from '../helpers/feed-fixtures.js';
import {
  commentShape,
  feedItem,
  nameOf,
  opts,
  type Person,
  storedComment,
  storedPost,
  text,
  userSummary,
} from '../helpers/feed-shapes.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

/** A well-formed comment ID that no comment has. */
const MISSING_COMMENT = to18('0D7000000000001');

describe('questions and best answers (SPEC §12.5, §12.8; F2 §6, §9)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  const v = (version: string) => `/services/data/v${version}`;
  const v41 = v('41.0');

  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
  });
  after(() => h.close());

  const send = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', token: string, url: string, payload?: unknown) =>
    h.request({ method, url, token, ...(payload === undefined ? {} : { payload: payload as object }) });
  const ok = assertJson;
  const ask = (token: string, capabilities: unknown, words: string | null = 'Details follow.') =>
    send('POST', token, `${v41}/chatter/feed-elements`, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      ...(words === null ? {} : { body: { messageSegments: [{ type: 'Text', text: words }] } }),
      capabilities,
    });
  const question = async (token: string, title: string) => {
    const response = await ask(token, { questionAndAnswers: { questionTitle: title } });
    assert.equal(response.statusCode, 201, response.body);
    return response.json().id as string;
  };
  const answer = async (token: string, postId: string, words: string) => {
    const response = await send(
      'POST',
      token,
      `${v41}/chatter/feed-elements/${postId}/capabilities/comments/items`,
      { body: { messageSegments: [{ type: 'Text', text: words }] } },
    );
    assert.equal(response.statusCode, 201, response.body);
    return response.json().id as string;
  };
  const qa = (postId: string, version = '41.0') =>
    `${v(version)}/chatter/feed-elements/${postId}/capabilities/question-and-answers`;
  const postCount = async () =>
    Number(
      (
        await rawDatabase(h.services.store)
          .selectFrom('feed_elements')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** The Comment of an answer on alice's profile question, as `viewer` sees it. */
  const answerShape = async (version: string, id: string, postId: string, author: Person, words: string) =>
    commentShape(opts(version), {
      id,
      feedElementId: postId,
      parent: { id: (people.alice as Person).id, kind: 'users' },
      user: author,
      plain: words,
      segments: [text(opts(version), words)],
      createdAt: Number((await storedComment(h, id)).created_at),
      isDeleteRestricted: false,
    });
  /** The Question and Answers Capability at a version (F2 §9: escalatedCase 33, candidateAnswers 41). */
  const capability = (
    version: string,
    f: { title: string; best?: unknown; by?: Person | null; canSelect: boolean },
  ) => {
    const o = opts(version);
    return {
      bestAnswer: f.best ?? null,
      bestAnswerSelectedBy: f.by ? userSummary(o, f.by) : null,
      canCurrentUserSelectOrRemoveBestAnswer: f.canSelect,
      ...(o.major >= 41 ? { candidateAnswers: null } : {}),
      ...(o.major >= 33 ? { escalatedCase: null } : {}),
      questionTitle: f.title,
    };
  };

  test('POST a question: 201 QuestionPost whose capability has the title at every version', async () => {
    const alice = people.alice as Person;
    const created = await ask(tokens.alice as string, {
      questionAndAnswers: { questionTitle: '  Where are the <API> docs?  ' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id as string;
    const createdAt = Number((await storedPost(h, id)).created_at);
    for (const version of ['32.0', '33.0', '41.0', '58.0']) {
      const o = opts(version);
      const response = await send('GET', tokens.alice as string, `${v(version)}/chatter/feed-elements/${id}`);
      ok(
        response,
        200,
        feedItem(o, {
          id,
          actor: alice,
          parent: userSummary(o, alice),
          header: nameOf(alice),
          plain: 'Details follow.',
          segments: [text(o, 'Details follow.')],
          createdAt,
          isDeleteRestricted: false,
          clientName: 'Chatterbox Demo',
          type: 'QuestionPost',
          state: {
            overrides: {
              questionAndAnswers: capability(version, {
                title: 'Where are the &lt;API&gt; docs?',
                canSelect: true,
              }),
            },
          },
        }),
      );
      ok(
        await send('GET', tokens.bob as string, qa(id, version)),
        200,
        capability(version, { title: 'Where are the &lt;API&gt; docs?', canSelect: false }),
      );
    }
    const created41 = { ...created.json(), relativeCreatedDate: 'Just now' };
    assert.equal(created41.type, 'QuestionPost');
    // A question needs no body: its title says it.
    const bare = await ask(tokens.bob as string, { questionAndAnswers: { questionTitle: 'Lunch?' } }, null);
    assert.equal(bare.statusCode, 201, bare.body);
    assert.equal(bare.json().body.text, '');
    assert.equal(bare.json().capabilities.questionAndAnswers.questionTitle, 'Lunch?');
  });

  test('a bad question is 400 and writes nothing: blank or long title, a poll too, a bestAnswerId', async () => {
    const before = await postCount();
    const title = 'Invalid capabilities.questionAndAnswers.questionTitle';
    for (const [capabilities, message] of [
      [{ questionAndAnswers: { questionTitle: '   ' } }, `${title}: specify a title.`],
      [
        { questionAndAnswers: { questionTitle: 'x'.repeat(256) } },
        `${title}: specify at most 255 characters.`,
      ],
      [
        { questionAndAnswers: { questionTitle: 'Which?' }, poll: { choices: ['A', 'B'] } },
        "A feed element can't be both a poll and a question.",
      ],
    ] as const) {
      assertError(await ask(tokens.alice as string, capabilities), 400, 'INVALID_INPUT', message);
    }
    assertError(
      await ask(tokens.alice as string, { questionAndAnswers: {} }),
      400,
      'INVALID_INPUT',
      'Missing required field: questionTitle.',
    );
    // bestAnswerId is not taken on POST (F2 §6): an unknown field, as the real parser says.
    assertError(
      await ask(tokens.alice as string, {
        questionAndAnswers: { questionTitle: 'Why?', bestAnswerId: MISSING_COMMENT },
      }),
      400,
      'JSON_PARSER_ERROR',
      'Unrecognized field "bestAnswerId"',
    );
    const long = await ask(tokens.alice as string, {
      questionAndAnswers: { questionTitle: 'y'.repeat(255) },
    });
    assert.equal(long.statusCode, 201);
    assert.equal(await postCount(), before + 1);
  });

  test('PATCH bestAnswerId: the asker or an admin chooses an answer; others 403; removal; GET agrees', async () => {
    const [alice, bob, admin] = [people.alice, people.bob, people.admin] as [Person, Person, Person];
    const id = await question(tokens.alice as string, 'Which port?');
    const first = await answer(tokens.bob as string, id, 'Port 8080.');
    const second = await answer(tokens.admin as string, id, 'Port 443.');
    const firstShape = await answerShape('41.0', first, id, bob, 'Port 8080.');
    const secondShape = await answerShape('41.0', second, id, admin, 'Port 443.');

    assertError(
      await send('PATCH', tokens.bob as string, qa(id), { bestAnswerId: first }),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to select or remove the best answer to this question.",
    );
    assert.equal((await storedPost(h, id)).best_answer_id, null);

    ok(
      await send('PATCH', tokens.alice as string, qa(id), { bestAnswerId: first }),
      200,
      capability('41.0', { title: 'Which port?', best: firstShape, by: alice, canSelect: true }),
    );
    // The admin changes it, by parameter; the asker's view names the admin.
    ok(
      await send('PATCH', tokens.admin as string, `${qa(id)}?bestAnswerId=${second}`),
      200,
      capability('41.0', { title: 'Which port?', best: secondShape, by: admin, canSelect: true }),
    );
    ok(
      await send('GET', tokens.bob as string, qa(id)),
      200,
      capability('41.0', {
        title: 'Which port?',
        best: { ...secondShape, isDeleteRestricted: true },
        by: admin,
        canSelect: false,
      }),
    );
    const item = await send('GET', tokens.alice as string, `${v41}/chatter/feed-elements/${id}`);
    assert.deepEqual(
      item.json().capabilities.questionAndAnswers,
      capability('41.0', { title: 'Which port?', best: secondShape, by: admin, canSelect: true }),
    );
    // Removal: null, or an empty parameter.
    ok(
      await send('PATCH', tokens.alice as string, qa(id), { bestAnswerId: null }),
      200,
      capability('41.0', { title: 'Which port?', canSelect: true }),
    );
    assert.deepEqual(
      [(await storedPost(h, id)).best_answer_id, (await storedPost(h, id)).best_answer_by],
      [null, null],
    );
    await send('PATCH', tokens.alice as string, qa(id), { bestAnswerId: first });
    ok(
      await send('PATCH', tokens.admin as string, `${qa(id)}?bestAnswerId=`),
      200,
      capability('41.0', { title: 'Which port?', canSelect: true }),
    );
  });

  test('a comment of another post, a deleted comment or a bad ID is 400 and changes nothing', async () => {
    const id = await question(tokens.alice as string, 'Which colour?');
    const mine = await answer(tokens.bob as string, id, 'Blue.');
    const other = await question(tokens.alice as string, 'Which shape?');
    const elsewhere = await answer(tokens.bob as string, other, 'Round.');
    await send('PATCH', tokens.alice as string, qa(id), { bestAnswerId: mine });
    const gone = await answer(tokens.bob as string, id, 'Green.');
    assert.equal(
      (await send('DELETE', tokens.bob as string, `${v41}/chatter/comments/${gone}`)).statusCode,
      204,
    );
    for (const bad of [elsewhere, gone, MISSING_COMMENT]) {
      assertError(
        await send('PATCH', tokens.alice as string, qa(id), { bestAnswerId: bad }),
        400,
        'INVALID_INPUT',
        "Invalid bestAnswerId: the comment isn't an answer to this question.",
      );
    }
    assertError(
      await send('PATCH', tokens.alice as string, qa(id), { bestAnswerId: id }),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${id}`,
    );
    const stored = await storedPost(h, id);
    assert.deepEqual([stored.best_answer_id, stored.best_answer_by], [mine, (people.alice as Person).id]);
  });

  test('deleting the best-answer comment clears it: the question is unsolved again', async () => {
    const id = await question(tokens.alice as string, 'Who knows?');
    const kept = await answer(tokens.bob as string, id, 'Not me.');
    const best = await answer(tokens.bob as string, id, 'Me.');
    await send('PATCH', tokens.alice as string, qa(id), { bestAnswerId: kept });
    // Deleting another answer leaves the choice alone.
    await send('PATCH', tokens.alice as string, qa(id), { bestAnswerId: best });
    assert.equal(
      (await send('DELETE', tokens.bob as string, `${v41}/chatter/comments/${kept}`)).statusCode,
      204,
    );
    assert.equal((await storedPost(h, id)).best_answer_id, best);
    assert.equal(
      (await send('DELETE', tokens.bob as string, `${v41}/chatter/comments/${best}`)).statusCode,
      204,
    );
    const stored = await storedPost(h, id);
    assert.deepEqual([stored.best_answer_id, stored.best_answer_by], [null, null]);
    ok(
      await send('GET', tokens.alice as string, qa(id)),
      200,
      capability('41.0', { title: 'Who knows?', canSelect: true }),
    );
  });

  test('PATCH feed-elements/{id} retitles a question (F2 §6), with or without a new body', async () => {
    const id = await question(tokens.alice as string, 'Old title');
    const url = `${v41}/chatter/feed-elements/${id}`;
    const retitle = (token: string, payload: object) => send('PATCH', token, url, payload);
    assertError(
      await retitle(tokens.bob as string, {
        capabilities: { questionAndAnswers: { questionTitle: 'Mine' } },
      }),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to edit this feed element.",
    );
    assertError(
      await retitle(tokens.alice as string, { capabilities: { questionAndAnswers: { questionTitle: ' ' } } }),
      400,
      'INVALID_INPUT',
      'Invalid capabilities.questionAndAnswers.questionTitle: specify a title.',
    );
    const titled = await retitle(tokens.alice as string, {
      capabilities: { questionAndAnswers: { questionTitle: 'New title' } },
    });
    assert.equal(titled.statusCode, 200, titled.body);
    ok(titled, 200, (await send('GET', tokens.alice as string, url)).json());
    assert.deepEqual(
      [titled.json().capabilities.questionAndAnswers.questionTitle, titled.json().body.text],
      ['New title', 'Details follow.'],
    );
    assert.equal(titled.json().capabilities.edit.latestRevision, 2);
    const both = await retitle(tokens.admin as string, {
      body: { messageSegments: [{ type: 'Text', text: 'More details.' }] },
      capabilities: { questionAndAnswers: { questionTitle: 'Newer title' } },
    });
    assert.deepEqual(
      [both.json().capabilities.questionAndAnswers.questionTitle, both.json().body.text],
      ['Newer title', 'More details.'],
    );
    const plain = await send('POST', tokens.alice as string, `${v41}/chatter/feed-elements`, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      text: 'not a question',
    });
    const plainId = plain.json().id as string;
    assertError(
      await send('PATCH', tokens.alice as string, `${v41}/chatter/feed-elements/${plainId}`, {
        capabilities: { questionAndAnswers: { questionTitle: 'Now?' } },
      }),
      400,
      'INVALID_INPUT',
      "Invalid capabilities.questionAndAnswers: this feed element isn't a question.",
    );
    const stored = await storedPost(h, plainId);
    assert.deepEqual([stored.type, stored.question_title, stored.revision], ['TextPost', null, 1]);
  });

  test('a post that is no question: 404 on GET and PATCH, its capability null', async () => {
    const created = await send('POST', tokens.alice as string, `${v41}/chatter/feed-elements`, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      text: 'just saying',
    });
    const id = created.json().id as string;
    assert.equal(created.json().capabilities.questionAndAnswers, null);
    const comment = await answer(tokens.bob as string, id, 'ok');
    for (const [method, payload] of [
      ['GET', undefined],
      ['PATCH', { bestAnswerId: comment }],
    ] as const) {
      assertError(
        await send(method, tokens.alice as string, qa(id), payload),
        404,
        'NOT_FOUND',
        'The requested resource does not exist',
      );
    }
    assert.equal((await storedPost(h, id)).best_answer_id, null);
  });
});
