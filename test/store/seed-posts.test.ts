import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { seedPosts, seedStream } from '../../src/demo/seed-posts.js';
import { createHarness, type Harness, testStore } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

/** `chatterbox seed --posts N` (load tests and the benchmark) on the demo org. */
describe(`seedPosts on ${testStore}`, () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('adds N posts by the active internal users, newest a second apart, readable in the feeds', async () => {
    const { store } = h.services;
    const before = (await rawDatabase(store).selectFrom('feed_elements').select('id').execute()).length;
    const result = await seedPosts(store, h.services.clock, { posts: 1_500 });
    const rows = await rawDatabase(store)
      .selectFrom('feed_elements')
      .select(['id', 'created_at'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    assert.equal(rows.length, before + 1_500);
    assert.equal(result.posts, 1_500);
    assert.equal(rows[0]?.id, result.lastId);
    assert.equal(Number(rows[0]?.created_at) - Number(rows[1]?.created_at), 1_000);
    const token = await h.login('alice@acme.example');
    const page = await h.request({
      method: 'GET',
      url: '/services/data/v36.0/chatter/feeds/company/feed-elements?pageSize=3',
      token,
    });
    assert.equal(page.statusCode, 200);
    assert.deepEqual(
      page.json().elements.map((e: { id: string }) => e.id),
      rows.slice(0, 3).map((r) => r.id),
    );
  });

  test('--stream-for: the user’s stream of the groups and authors, whose feed holds the seeded posts', async () => {
    const { store, clock } = h.services;
    const result = await seedPosts(store, clock, { posts: 200 });
    const streamId = await seedStream(store, clock, {
      ownerUsername: 'alice@acme.example',
      orgId: result.orgId,
    });
    const stream = await store.streams.find(result.orgId, streamId);
    const alice = await store.users.findByUsername('alice@acme.example');
    assert.equal(stream?.ownerId, alice?.id);
    assert.ok((stream?.entityIds.length ?? 0) > 0 && (stream?.entityIds.length ?? 0) <= 25);
    // Every seeded post alice can read is by an author or to a group of the stream, but her own to
    // her own profile: the company feed without those.
    const token = await h.login('alice@acme.example');
    const read = async (url: string) => {
      const page = await h.request({ method: 'GET', url: `/services/data/v39.0/chatter/${url}`, token });
      assert.equal(page.statusCode, 200, page.body);
      return page.json().elements as { id: string; actor: { id: string }; parent: { id: string } }[];
    };
    const company = (await read('feeds/company/feed-elements?pageSize=50')).filter(
      (e) => !(e.actor.id === alice?.id && e.parent.id === alice?.id),
    );
    const page = await read(`feeds/streams/${streamId}/feed-elements?pageSize=25`);
    assert.deepEqual(
      page.map((e) => e.id),
      company.slice(0, 25).map((e) => e.id),
    );
    await assert.rejects(
      seedStream(store, clock, { ownerUsername: 'nobody@acme.example' }),
      /No user nobody@acme.example/,
    );
  });

  test('a tenth of the posts go to the first Account, a tenth carry #seed and its topic: their feeds page them', async () => {
    const { store } = h.services;
    const db = rawDatabase(store);
    const talking = async () =>
      Number(
        (
          await db
            .selectFrom('topics')
            .select('talking_about')
            .where('name_key', '=', 'seed')
            .executeTakeFirst()
        )?.talking_about ?? 0,
      );
    const before = await talking();
    const result = await seedPosts(store, h.services.clock, { posts: 300 });
    const account = await db
      .selectFrom('records')
      .select('id')
      .where('type', '=', 'Account')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const topic = await db
      .selectFrom('topics')
      .select('id')
      .where('name_key', '=', 'seed')
      .executeTakeFirstOrThrow();
    assert.deepEqual([result.recordId, result.topicId], [account.id, topic.id]);
    assert.equal(await talking(), before + 30, 'talkingAbout counts the 30 tagged posts');
    const newest = async (ids: { id: string }[]) => ids.slice(0, 25).map((r) => r.id);
    const onRecord = await db
      .selectFrom('feed_elements')
      .select('id')
      .where('subject_id', '=', account.id)
      .where('deleted_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const tagged = await db
      .selectFrom('topic_assignments')
      .select('feed_element_id as id')
      .where('topic_id', '=', topic.id)
      .orderBy('created_at', 'desc')
      .orderBy('feed_element_id', 'desc')
      .execute();
    assert.equal(
      tagged.filter((r) => r.id >= (result.firstId as string) && r.id <= (result.lastId as string)).length,
      30,
    );
    // The admin belongs to every group the posts went to, so no post is hidden from the pages.
    const token = await h.login('admin@acme.example');
    for (const [path, expected] of [
      [`record/${account.id}`, onRecord],
      [`topics/${topic.id}`, tagged],
    ] as const) {
      const page = await h.request({
        method: 'GET',
        url: `/services/data/v36.0/chatter/feeds/${path}/feed-elements?pageSize=25`,
        token,
      });
      assert.equal(page.statusCode, 200, page.body);
      assert.deepEqual(
        page.json().elements.map((e: { id: string }) => e.id),
        await newest([...expected]),
        path,
      );
    }
  });

  test('leaves PostgreSQL planner statistics fresh for the tables it loaded', {
    skip: testStore !== 'postgres' && 'SQLite keeps no statistics (decision 0007)',
  }, async () => {
    const { store } = h.services;
    await seedPosts(store, h.services.clock, { posts: 100 });
    // reltuples is what the planner believes a table holds: -1 (never analyzed) until ANALYZE ran.
    const stats = await sql<{ relname: string; reltuples: number }>`
      select relname, reltuples::float8 as reltuples from pg_class
      where relnamespace = current_schema()::regnamespace and relname in ('feed_elements', 'feed_mentions')
      order by relname`.execute(rawDatabase(store));
    const rowsOf = async (table: 'feed_elements' | 'feed_mentions') =>
      Number(
        (
          await rawDatabase(store)
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    assert.deepEqual(
      stats.rows.map((r) => [r.relname, Number(r.reltuples)]),
      [
        ['feed_elements', await rowsOf('feed_elements')],
        ['feed_mentions', await rowsOf('feed_mentions')],
      ],
    );
  });
});
