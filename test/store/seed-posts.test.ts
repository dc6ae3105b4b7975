import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { seedPosts } from '../../src/demo/seed-posts.js';
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
