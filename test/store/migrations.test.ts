import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { migrate } from '../../src/store/open-store.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore } from '../helpers/store.js';

/** Every table of 001-foundation (SPEC §10: the schema for all resources exists from the start). */
const FOUNDATION_TABLES = [
  'id_sequences',
  'settings',
  'usage_counters',
  'orgs',
  'users',
  'communities',
  'community_members',
  'connected_apps',
  'refresh_tokens',
  'sessions',
  'groups',
  'group_members',
  'join_requests',
  'feed_elements',
  'feed_mentions',
  'comments',
  'likes',
  'subscriptions',
] as const;

describe(`migrations on ${testStore}`, () => {
  test('migrate() from an empty database creates every table, empty', async () => {
    const t = await openTestStore({ migrated: false });
    try {
      const applied = await migrate(t.store);
      assert.equal(applied[0], '001-foundation');
      assert.deepEqual([...applied].sort(), applied, 'migrations run in name order');
      for (const table of FOUNDATION_TABLES) {
        const row = await t.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(row.n), 0, table);
      }
      assert.equal(await t.store.isEmpty(), true);
    } finally {
      await t.close();
    }
  });

  test('migrate() again applies nothing and keeps the data', async () => {
    const t = await openTestStore();
    try {
      await t.store.putSetting('kept', 'yes');
      assert.deepEqual(await migrate(t.store), []);
      assert.deepEqual(await migrate(t.store), []);
      assert.equal(await t.store.getSetting('kept'), 'yes');
    } finally {
      await t.close();
    }
  });

  test('migrate() in a fresh schema beside an already migrated one creates its own tables', async () => {
    // On PostgreSQL, deployments share a database through --pg-schema (SPEC §10): the migrator must
    // not mistake another schema's migration tables for its own.
    const first = await openTestStore();
    const second = await openTestStore({ migrated: false });
    try {
      assert.equal((await migrate(second.store))[0], '001-foundation');
      await second.store.putSetting('mine', 'second');
      assert.equal(await first.store.getSetting('mine'), undefined);
      assert.equal(await second.store.getSetting('mine'), 'second');
    } finally {
      await second.close();
      await first.close();
    }
  });

  test('migrate() from two servers at once on one empty schema applies each migration once', {
    skip: testStore !== 'postgres' && 'two servers share a database on PostgreSQL',
  }, async () => {
    const t = await openTestStore({ migrated: false });
    try {
      const peer = await t.openPeer();
      const [a, b] = await Promise.all([migrate(t.store), migrate(peer)]);
      assert.equal([...a, ...b].filter((name) => name === '001-foundation').length, 1);
      const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(t.store.db);
      assert.equal(rows.rows.filter((r) => r.name === '001-foundation').length, 1);
    } finally {
      await t.close();
    }
  });
});
