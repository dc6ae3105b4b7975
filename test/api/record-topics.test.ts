import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../helpers/api-assert.js';
import { signIn } from '../helpers/feed-fixtures.js';
import { opts, storedTopic, topicShape } from '../helpers/feed-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { rowCount } from '../helpers/store.js';

const NOT_FOUND = 'The requested resource does not exist';

describe('connect/records/{recordId}/topics (SPEC §12.4, F2 §4)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let carol: string;
  let communityId: string;
  const v41 = '/services/data/v41.0';
  const o = opts('41.0');

  before(async () => {
    h = await createHarness();
    ({ tokens } = await signIn(h, ['admin', 'alice', 'bob']));
    carol = await h.login('carol@partner.example');
    const org = await h.services.store.orgs.firstOrg();
    communityId = (await h.services.store.orgs.listCommunities(org?.id as string))[0]?.id as string;
  });
  after(() => h.close());

  const send = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    token = tokens.alice as string,
    payload?: unknown,
  ) => h.request({ method, url, token, ...(payload === undefined ? {} : { payload: payload as object }) });
  const json = (response: Awaited<ReturnType<typeof send>>, status: number, body: unknown) => {
    assert.equal(response.statusCode, status, response.body);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), body);
  };
  const topicsOf = (recordId: string) => `${v41}/connect/records/${recordId}/topics`;
  const collection = (recordId: string, topics: unknown[]) => ({
    currentPageUrl: topicsOf(recordId),
    nextPageUrl: null,
    topics,
  });
  async function account(name: string): Promise<string> {
    const response = await send('POST', `${v41}/sobjects/Account`, tokens.alice, { Name: name });
    assert.equal(response.statusCode, 201, response.body);
    return response.json().id;
  }
  /** GET, POST and DELETE of the topics of a record that does not exist (or no longer): 404. */
  async function assertNoRecord(recordId: string, topicId: string): Promise<void> {
    for (const [method, url, payload] of [
      ['GET', topicsOf(recordId)],
      ['POST', topicsOf(recordId), { topicId }],
      ['DELETE', `${topicsOf(recordId)}?topicId=${topicId}`],
    ] as const) {
      assertError(await send(method, url, tokens.alice, payload), 404, 'NOT_FOUND', NOT_FOUND, method);
    }
  }
  type Refusal = [body: unknown, status: number, code: string, message: string];
  /** Each body sent to the record's topics gets its error. */
  async function assertRefused(method: 'POST' | 'PUT', recordId: string, cases: Refusal[]): Promise<void> {
    for (const [body, status, code, message] of cases) {
      const response = await send(method, topicsOf(recordId), tokens.alice, body);
      assertError(response, status, code, message, JSON.stringify(body));
    }
  }
  const rows = (table: 'record_topic_assignments' | 'topics') => rowCount(h.services.store, table);
  /** bob posts on the record, with a hashtag. */
  async function postOn(recordId: string, text: string): Promise<void> {
    const post = await send('POST', `${v41}/chatter/feed-elements`, tokens.bob, {
      feedElementType: 'FeedItem',
      subjectId: recordId,
      text,
    });
    assert.equal(post.statusCode, 201, post.body);
  }

  test('GET is the Topic Collection; POST by name creates the topic, by ID reuses it (201); DELETE 204', async () => {
    const id = await account('Topical Inc');
    json(await send('GET', topicsOf(id)), 200, collection(id, []));

    const created = await send('POST', topicsOf(id), tokens.bob, { topicName: 'Renewals' });
    const renewals = await storedTopic(h, 'Renewals');
    json(created, 201, topicShape(o, renewals));
    assert.equal(renewals.talkingAbout, 0, 'talkingAbout counts posts, not records');

    const other = await send('POST', `${v41}/connect/topics`, tokens.alice, { name: 'Pricing' });
    assert.equal(other.statusCode, 201);
    const pricing = await storedTopic(h, 'Pricing');
    json(
      await send('POST', topicsOf(id), tokens.alice, { topicId: pricing.id }),
      201,
      topicShape(o, pricing),
    );
    // Assigned again, by its name in another case: the same topic, still once.
    json(
      await send('POST', topicsOf(id), tokens.alice, { topicName: 'RENEWALS' }),
      201,
      topicShape(o, renewals),
    );
    json(
      await send('GET', topicsOf(id.slice(0, 15)), tokens.bob),
      200,
      collection(id, [topicShape(o, renewals), topicShape(o, pricing)]),
    );

    // A post with the hashtag counts; the record's assignment still does not.
    await postOn(id, 'Signed #Renewals');
    assert.equal((await storedTopic(h, 'Renewals')).talkingAbout, 1);

    const removed = await send('DELETE', `${topicsOf(id)}?topicId=${pricing.id}`);
    assert.equal(removed.statusCode, 204);
    assert.equal(removed.body, '');
    json(
      await send('GET', topicsOf(id)),
      200,
      collection(id, [topicShape(o, { ...renewals, talkingAbout: 1 })]),
    );
    assertError(await send('DELETE', `${topicsOf(id)}?topicId=${pricing.id}`), 404, 'NOT_FOUND', NOT_FOUND);
  });

  test('bad input is 400 and changes nothing; unknown topic, record or deleted record 404; a 101st topic 400', async () => {
    const id = await account('Strict Ltd');
    const strict = (await send('POST', `${v41}/connect/topics`, tokens.alice, { name: 'Strictness' })).json();
    const before = [await rows('topics'), await rows('record_topic_assignments')];
    const cases: Refusal[] = [
      [{}, 400, 'INVALID_INPUT', 'Specify topicId or topicName.'],
      [{ topicName: '  ' }, 400, 'INVALID_INPUT', 'Missing required field: name.'],
      [{ topicName: 'x'.repeat(151) }, 400, 'INVALID_INPUT', 'Invalid name: specify at most 150 characters.'],
      [{ topicId: 'nonsense' }, 400, 'INVALID_ID_FIELD', 'Invalid identifier: nonsense'],
      [{ topicId: '0TO000000000000' }, 404, 'NOT_FOUND', NOT_FOUND],
    ];
    await assertRefused('POST', id, cases);
    const alice = (await h.services.store.users.findByUsername('alice@acme.example'))?.id as string;
    for (const url of [topicsOf(alice), topicsOf('001xyz')]) {
      const raw = url.split('/').at(-2);
      assertError(await send('GET', url), 400, 'INVALID_ID_FIELD', `Invalid identifier: ${raw}`, url);
      assertError(
        await send('POST', url, tokens.alice, { topicName: 'X' }),
        400,
        'INVALID_ID_FIELD',
        `Invalid identifier: ${raw}`,
      );
    }
    assertError(await send('DELETE', topicsOf(id)), 400, 'INVALID_INPUT', 'Missing required field: topicId.');
    assertError(await send('DELETE', `${topicsOf(id)}?topicId=0TO000000000000`), 404, 'NOT_FOUND', NOT_FOUND);
    await assertNoRecord('001000000000000', strict.id);
    assert.deepEqual([await rows('topics'), await rows('record_topic_assignments')], before);

    for (let i = 0; i < 100; i++) {
      const added = await send('POST', topicsOf(id), tokens.bob, { topicName: `Facet ${i}` });
      assert.equal(added.statusCode, 201, added.body);
    }
    const full = [await rows('topics'), await rows('record_topic_assignments')];
    assertError(
      await send('POST', topicsOf(id), tokens.bob, { topicName: 'Facet 100' }),
      400,
      'INVALID_INPUT',
      "You can't assign more than 100 topics to a record.",
    );
    assert.deepEqual([await rows('topics'), await rows('record_topic_assignments')], full);
    // One already assigned is no 101st.
    assert.equal((await send('POST', topicsOf(id), tokens.bob, { topicName: 'Facet 7' })).statusCode, 201);
    assert.equal((await send('GET', topicsOf(id))).json().topics.length, 100);
  });

  test('POST ?topicId= (or ?topicName=) with no body assigns as the body does; a body wins over them', async () => {
    const id = await account('Parametric Inc');
    const made = await send('POST', `${v41}/connect/topics`, tokens.alice, { name: 'Quarterly' });
    assert.equal(made.statusCode, 201, made.body);
    const quarterly = await storedTopic(h, 'Quarterly');
    json(await send('POST', `${topicsOf(id)}?topicId=${quarterly.id}`), 201, topicShape(o, quarterly));
    json(
      await send('POST', `${topicsOf(id)}?topicName=Annual`, tokens.bob),
      201,
      topicShape(o, await storedTopic(h, 'Annual')),
    );
    const before = [await rows('topics'), await rows('record_topic_assignments')];
    assertError(
      await send('POST', `${topicsOf(id)}?topicId=nonsense`),
      400,
      'INVALID_ID_FIELD',
      'Invalid identifier: nonsense',
    );
    assertError(await send('POST', `${topicsOf(id)}?topicId=0TO000000000000`), 404, 'NOT_FOUND', NOT_FOUND);
    assertError(await send('POST', topicsOf(id)), 400, 'INVALID_INPUT', 'Specify topicId or topicName.');
    assertError(
      await send('POST', `${topicsOf(id)}?topic=x`),
      400,
      'JSON_PARSER_ERROR',
      'Unrecognized field "topic"',
    );
    assert.deepEqual([await rows('topics'), await rows('record_topic_assignments')], before);
    // With a body, the parameters are not read (chatter-facts-2 §2.2).
    json(
      await send('POST', `${topicsOf(id)}?topicId=0TO000000000000`, tokens.alice, { topicId: quarterly.id }),
      201,
      topicShape(o, quarterly),
    );
    json(
      await send('GET', topicsOf(id)),
      200,
      collection(id, [topicShape(o, quarterly), topicShape(o, await storedTopic(h, 'Annual'))]),
    );
  });

  test("PUT {topicNames} makes the record's topics exactly these (200 Topic Collection); kept ones keep their place", async () => {
    const id = await account('Replaced Ltd');
    for (const topicName of ['Alpha', 'Beta']) {
      assert.equal((await send('POST', topicsOf(id), tokens.alice, { topicName })).statusCode, 201);
    }
    await postOn(id, 'About #Beta');
    const [alpha, beta] = [await storedTopic(h, 'Alpha'), await storedTopic(h, 'Beta')];
    const replaced = await send('PUT', topicsOf(id), tokens.bob, {
      topicNames: ['gamma', ' beta ', 'GAMMA'],
    });
    const gamma = await storedTopic(h, 'Gamma');
    assert.equal(gamma.name, 'gamma', 'a new topic takes the first spelling given');
    json(replaced, 200, collection(id, [topicShape(o, beta), topicShape(o, gamma)]));
    json(await send('GET', topicsOf(id)), 200, collection(id, [topicShape(o, beta), topicShape(o, gamma)]));
    assert.deepEqual(await storedTopic(h, 'Alpha'), alpha, 'an unassigned topic stays, as it was');
    assert.equal(beta.talkingAbout, 1, 'talkingAbout counts posts, not records');

    const others = await rows('record_topic_assignments');
    json(
      await send('PUT', topicsOf(id.slice(0, 15)), tokens.alice, { topicNames: [] }),
      200,
      collection(id, []),
    );
    assert.equal(await rows('record_topic_assignments'), others - 2);
    json(await send('GET', topicsOf(id)), 200, collection(id, []));

    // 100 names (repeats in another case count once) is the most a record holds.
    const hundred = Array.from({ length: 100 }, (_, i) => `Shelf ${i}`);
    const full = await send('PUT', topicsOf(id), tokens.alice, { topicNames: [...hundred, 'SHELF 0'] });
    assert.equal(full.statusCode, 200, full.body);
    assert.equal(full.headers['content-type'], JSON_TYPE);
    assert.equal(full.json().topics.length, 100);
    assert.equal(await rows('record_topic_assignments'), others + 98);
  });

  test('PUT costs as many statements for 100 names, new or existing, as for one', async () => {
    const id = await account('Counted Co');
    /** The least of three runs (a shared store re-checks sessions now and then), each with its own names. */
    const statements = async (count: number, fresh: boolean) => {
      let least = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 3; run++) {
        const topicNames = Array.from({ length: count }, (_, i) => `Counted ${count} ${run} ${i}`);
        if (!fresh)
          assert.equal((await send('PUT', topicsOf(id), tokens.alice, { topicNames })).statusCode, 200);
        const before = h.services.store.queries.count;
        const response = await send('PUT', topicsOf(id), tokens.alice, { topicNames });
        assert.equal(response.statusCode, 200, response.body);
        least = Math.min(least, h.services.store.queries.count - before);
      }
      return least;
    };
    assert.equal(await statements(100, true), await statements(1, true), 'new names');
    assert.equal(await statements(100, false), await statements(1, false), 'existing names');
  });

  test('PUT: bad input is 400 and changes nothing; a 101st name 400; unknown or deleted record 404; not a record 400', async () => {
    const id = await account('Guarded Ltd');
    assert.equal((await send('POST', topicsOf(id), tokens.alice, { topicName: 'Guard' })).statusCode, 201);
    const guard = await storedTopic(h, 'Guard');
    const before = [await rows('topics'), await rows('record_topic_assignments')];
    const cases: Refusal[] = [
      [{}, 400, 'INVALID_INPUT', 'Missing required field: topicNames.'],
      [
        { topicNames: { name: 'Guard' } },
        400,
        'INVALID_INPUT',
        'Invalid topicNames: {"name":"Guard"}. Specify a value of type array.',
      ],
      [
        { topicNames: [{ n: 7 }] },
        400,
        'INVALID_INPUT',
        'Invalid topicNames.0: {"n":7}. Specify a value of type string.',
      ],
      [{ topicNames: [], topicName: 'X' }, 400, 'JSON_PARSER_ERROR', 'Unrecognized field "topicName"'],
      [{ topicNames: ['Fine', '  '] }, 400, 'INVALID_INPUT', 'Missing required field: name.'],
      [
        { topicNames: ['Fine', 'x'.repeat(151)] },
        400,
        'INVALID_INPUT',
        'Invalid name: specify at most 150 characters.',
      ],
      [
        { topicNames: Array.from({ length: 101 }, (_, i) => `Crate ${i}`) },
        400,
        'INVALID_INPUT',
        "You can't assign more than 100 topics to a record.",
      ],
    ];
    await assertRefused('PUT', id, cases);
    // PUT came with v35 (F2 §4); below it, as for any resource not yet there, 404 (SPEC §12.8).
    const v34 = topicsOf(id).replace(v41, '/services/data/v34.0');
    assertError(await send('PUT', v34, tokens.alice, { topicNames: ['X'] }), 404, 'NOT_FOUND', NOT_FOUND);
    const alice = (await h.services.store.users.findByUsername('alice@acme.example'))?.id as string;
    assertError(
      await send('PUT', topicsOf(alice), tokens.alice, { topicNames: ['X'] }),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${alice}`,
    );
    for (const gone of ['001000000000000', id]) {
      if (gone === id) assert.equal((await send('DELETE', `${v41}/sobjects/Account/${id}`)).statusCode, 204);
      assertError(
        await send('PUT', topicsOf(gone), tokens.alice, { topicNames: ['X'] }),
        404,
        'NOT_FOUND',
        NOT_FOUND,
      );
    }
    assert.deepEqual(await rows('topics'), before[0]);
    assert.deepEqual(await storedTopic(h, 'Guard'), guard);

    const kept = await account('Guarded Too');
    for (const [token, status, code, message] of [
      [carol, 403, 'INSUFFICIENT_ACCESS', "External users can't access this resource."],
      [undefined, 401, 'INVALID_SESSION_ID', 'Session expired or invalid'],
    ] as const) {
      const response = await h.request({
        method: 'PUT',
        url: topicsOf(kept),
        ...(token ? { token } : {}),
        payload: { topicNames: ['X'] },
      });
      assertError(response, status, code, message);
    }
    assert.equal(await rows('topics'), before[0]);
  });

  test('deleting the record removes its assignments and uncounts its posts; deleting a topic removes it from records', async () => {
    const id = await account('Doomed Co');
    assert.equal((await send('POST', topicsOf(id), tokens.alice, { topicName: 'Sunset' })).statusCode, 201);
    await postOn(id, 'Winding down #Sunset');
    assert.equal((await storedTopic(h, 'Sunset')).talkingAbout, 1);
    const assignments = await rows('record_topic_assignments');
    assert.equal((await send('DELETE', `${v41}/sobjects/Account/${id}`)).statusCode, 204);
    assert.equal(await rows('record_topic_assignments'), assignments - 1);
    assert.equal((await storedTopic(h, 'Sunset')).talkingAbout, 0);
    const sunset = await storedTopic(h, 'Sunset');
    await assertNoRecord(id, sunset.id);

    const kept = await account('Kept Co');
    assert.equal((await send('POST', topicsOf(kept), tokens.alice, { topicId: sunset.id })).statusCode, 201);
    assert.equal((await send('DELETE', `${v41}/connect/topics/${sunset.id}`, tokens.admin)).statusCode, 204);
    json(await send('GET', topicsOf(kept)), 200, collection(kept, []));
    assert.equal(await rows('record_topic_assignments'), assignments - 1);
  });

  test('external users: 403 on the internal scope; not served under a community (404); no session 401; reset empties the table', async () => {
    const id = await account('Inside Only');
    assert.equal((await send('POST', topicsOf(id), tokens.alice, { topicName: 'Inside' })).statusCode, 201);
    for (const [method, payload] of [['GET'], ['POST', { topicName: 'X' }]] as const) {
      assertError(
        await send(method, topicsOf(id), carol, payload),
        403,
        'INSUFFICIENT_ACCESS',
        "External users can't access this resource.",
      );
      // Records live in the internal scope only (SPEC §12.1); like connect/topics, no community path.
      const url = `${v41}/connect/communities/${communityId}/connect/records/${id}/topics`;
      assertError(await send(method, url, carol, payload), 404, 'NOT_FOUND', NOT_FOUND);
      const anonymous = await h.request({ method, url: topicsOf(id), ...(payload ? { payload } : {}) });
      assertError(anonymous, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    }
    assert.ok((await rows('record_topic_assignments')) > 0);
    assert.equal((await h.admin('POST', '/_chatterbox/reset')).statusCode, 200);
    assert.equal(await rows('record_topic_assignments'), 0);
  });
});
