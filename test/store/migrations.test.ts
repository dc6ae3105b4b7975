import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Kysely, Migrator, sql } from 'kysely';
import * as m001 from '../../src/store/migrations/001-foundation.js';
import * as m002 from '../../src/store/migrations/002-collab-groups.js';
import * as m003 from '../../src/store/migrations/003-feed.js';
import * as m004 from '../../src/store/migrations/004-quota-function.js';
import * as m005 from '../../src/store/migrations/005-user-activity.js';
import * as m006 from '../../src/store/migrations/006-mention-keyset.js';
import * as m007 from '../../src/store/migrations/007-group-name-unique.js';
import * as m008 from '../../src/store/migrations/008-search-fold.js';
import { migrate, migrateToLatest, RENAMED_MIGRATIONS } from '../../src/store/open-store.js';
import { GroupNameTaken, type GroupRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, rawDatabase } from '../helpers/store.js';

/** The migrations under the names they had before the renumbering, in the order they then ran. */
const OLD_NAMES = {
  '001-foundation': m001,
  '002-collab-groups': m002,
  '002-feed': m003,
  '003-quota-function': m004,
  '004-user-activity': m005,
  '005-mention-keyset': m006,
  '006-group-name-unique': m007,
};

const NEW_NAMES = [
  '001-foundation',
  '002-collab-groups',
  '003-feed',
  '004-quota-function',
  '005-user-activity',
  '006-mention-keyset',
  '007-group-name-unique',
  '008-search-fold',
  '009-sealed-app-secrets',
  '010-records',
  '011-files',
  '012-conversation',
  '013-quota-without-org-lock',
  '014-record-topics',
  '015-photos',
  '016-inline-images-renditions',
  '017-question-index',
  '018-change-notifications',
  '019-coalesced-quota-takes',
];

/** Runs the migrations named in `names` under their old names, as a server before the renumbering did. */
async function migrateWithOldNames(store: Store, names: (keyof typeof OLD_NAMES)[]): Promise<void> {
  const migrationTableSchema = await store.dialect.migrationTableSchema(rawDatabase(store));
  const migrator = new Migrator({
    db: rawDatabase(store) as Kysely<unknown>,
    provider: {
      getMigrations: async () => Object.fromEntries(names.map((name) => [name, OLD_NAMES[name]])),
    },
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const results = await migrateToLatest(migrator);
  assert.deepEqual(
    results.map((r) => r.migrationName),
    names,
  );
}

const migrationNames = async (store: Store) =>
  (
    await sql<{ name: string }>`select name from kysely_migration order by name`.execute(rawDatabase(store))
  ).rows.map((r) => r.name);

/** The store's tables, columns, indexes and functions, as text to compare two stores by. */
async function schemaOf(store: Store): Promise<unknown> {
  if (testStore === 'sqlite') {
    return (
      await sql`select type, name, tbl_name, sql from sqlite_master where name not like 'kysely_%' order by type, name`.execute(
        rawDatabase(store),
      )
    ).rows;
  }
  const queries = [
    sql`select table_name, column_name, data_type, column_default, is_nullable from information_schema.columns
        where table_schema = current_schema() and table_name not like 'kysely_%' order by table_name, column_name`,
    sql`select indexname, replace(indexdef, current_schema() || '.', '') as def from pg_indexes
        where schemaname = current_schema() and indexname not like 'kysely_%' order by indexname`,
    sql`select p.proname, pg_get_function_identity_arguments(p.oid) as args, p.prosrc from pg_proc p
        join pg_namespace n on n.oid = p.pronamespace where n.nspname = current_schema() order by p.proname`,
  ];
  return Promise.all(queries.map(async (q) => (await q.execute(rawDatabase(store))).rows));
}

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
        const row = await rawDatabase(t.store)
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
      const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(
        rawDatabase(t.store),
      );
      assert.equal(rows.rows.filter((r) => r.name === '001-foundation').length, 1);
    } finally {
      await t.close();
    }
  });

  test('migrate() applies a migration a store lacks even when it has later ones (branches land out of order)', async () => {
    const t = await openTestStore();
    try {
      // A store that ran 005 to 007 before 004 reached it.
      await m004.down(rawDatabase(t.store) as never);
      await sql`delete from kysely_migration where name = '004-quota-function'`.execute(rawDatabase(t.store));
      assert.deepEqual(await migrate(t.store), ['004-quota-function']);
      assert.deepEqual(await migrate(t.store), []);
    } finally {
      await t.close();
    }
  });

  test('007-group-name-unique renames the duplicate group names a store holds, then refuses new ones', async () => {
    const t = await openTestStore();
    try {
      // A store from before 006: no unique index, so races could leave duplicates behind.
      const db = rawDatabase(t.store);
      await m008.down(db as never);
      await m007.down(db as never);
      await sql`delete from kysely_migration where name in ('007-group-name-unique', '008-search-fold')`.execute(
        db,
      );
      await sql`insert into orgs (id, name, created_at) values ('org-a', 'A', 0), ('org-b', 'B', 0)`.execute(
        db,
      );
      for (const [id, org] of [
        ['usr-a', 'org-a'],
        ['usr-b', 'org-b'],
      ]) {
        await sql`
          insert into users (id, org_id, username, email, first_name, last_name, nickname, type, is_active,
            created_at, modified_at)
          values (${id}, ${org}, ${id}, ${id}, 'F', 'L', ${id}, 'standard', 1, 0, 0)
        `.execute(db);
      }
      const x40 = 'x'.repeat(40);
      // [id, org, community, name, created_at, deleted_at]
      const groups: [string, string, string | null, string, number, number | null][] = [
        ['g01', 'org-a', null, 'Team', 1, null],
        ['g02', 'org-a', null, 'team', 2, null],
        ['g03', 'org-a', null, 'TEAM', 2, null],
        ['g04', 'org-a', null, 'Team (2)', 0, null],
        ['g05', 'org-a', null, 'Team', 0, 9],
        ['g06', 'org-a', 'cmty-c', 'Team', 3, null],
        ['g07', 'org-a', 'cmty-c', 'team', 4, null],
        ['g08', 'org-b', null, 'Team', 5, null],
        ['g09', 'org-a', null, x40, 1, null],
        ['g10', 'org-a', null, x40, 2, null],
        ['g11', 'org-a', null, 'Équipe', 2, null],
        ['g12', 'org-a', null, 'Équipe', 1, null],
      ];
      for (const [id, org, community, name, createdAt, deletedAt] of groups) {
        await sql`
          insert into groups (id, org_id, community_id, name, visibility, owner_id, created_at, modified_at,
            deleted_at)
          values (${id}, ${org}, ${community}, ${name}, 'PublicAccess', ${org === 'org-a' ? 'usr-a' : 'usr-b'},
            ${createdAt}, ${createdAt}, ${deletedAt})
        `.execute(db);
      }

      assert.deepEqual(await migrate(t.store), ['007-group-name-unique', '008-search-fold']);
      const names = await db.selectFrom('groups').select(['id', 'name']).orderBy('id').execute();
      assert.deepEqual(Object.fromEntries(names.map((g) => [g.id, g.name])), {
        g01: 'Team', // the oldest of its set keeps the name
        g02: 'team (3)', // " (2)" is taken by g04
        g03: 'TEAM (4)', // as old as g02: the ID orders them
        g04: 'Team (2)',
        g05: 'Team', // deleted: not a duplicate
        g06: 'Team', // another scope (a community) has names of its own
        g07: 'team (2)',
        g08: 'Team', // another org
        g09: x40,
        g10: `${'x'.repeat(36)} (2)`, // cut to stay within 40 characters
        g11: 'Équipe (2)',
        g12: 'Équipe',
      });

      // The index now refuses what the pre-check would, in any case; deleted groups stay free.
      await assert.rejects(t.store.groups.create(legacyGroup('g13', 'tEaM')), GroupNameTaken);
      await assert.rejects(t.store.groups.update('g02', { name: 'TEAM (2)' }, 10), GroupNameTaken);
      await t.store.groups.softDelete('g01', 10);
      await t.store.groups.create(legacyGroup('g14', 'tEaM'));
      assert.deepEqual(await migrate(t.store), []);
    } finally {
      await t.close();
    }
  });
  test('008-search-fold fills the folded keys and renames names only the fold finds alike', async () => {
    const t = await openTestStore();
    try {
      // A store from before 008: names told apart by lower() alone, on SQLite ASCII only.
      const db = rawDatabase(t.store);
      await m008.down(db as never);
      await sql`delete from kysely_migration where name = '008-search-fold'`.execute(db);
      await sql`insert into orgs (id, name, created_at) values ('org-a', 'A', 0)`.execute(db);
      await sql`
        insert into users (id, org_id, username, email, first_name, last_name, nickname, type, is_active,
          created_at, modified_at)
        values ('usr-a', 'org-a', 'a', 'a', 'Jürgen', 'STRAßE', 'Ｊｕｅｒｇｅｎ', 'standard', 1, 0, 0)
      `.execute(db);
      // [id, name, created_at]: pairs that lower() tells apart on both stores, the fold does not.
      const groups: [string, string, number][] = [
        ['g1', 'Straße', 1],
        ['g2', 'STRASSE', 2],
        ['g3', 'ﬁle', 3],
        ['g4', 'file', 4],
        ['g5', 'ΟΔΟΣ', 5],
        ['g6', 'οδος', 6],
        ['g7', 'Other', 7],
      ];
      for (const [id, name, createdAt] of groups) {
        await sql`
          insert into groups (id, org_id, community_id, name, visibility, owner_id, created_at, modified_at)
          values (${id}, 'org-a', null, ${name}, 'PublicAccess', 'usr-a', ${createdAt}, ${createdAt})
        `.execute(db);
      }
      await sql`
        insert into feed_elements (id, org_id, author_id, subject_id, subject_kind, body, text, type,
          created_at, modified_at)
        values ('fe1', 'org-a', 'usr-a', 'usr-a', 'user', '[]', 'Grüße aus KÖLN', 'TextPost', 0, 0)
      `.execute(db);

      assert.deepEqual(await migrate(t.store), ['008-search-fold']);
      const names = await db.selectFrom('groups').select(['id', 'name', 'name_key']).orderBy('id').execute();
      assert.deepEqual(names, [
        { id: 'g1', name: 'Straße', name_key: 'strasse' },
        { id: 'g2', name: 'STRASSE (2)', name_key: 'strasse (2)' },
        { id: 'g3', name: 'ﬁle', name_key: 'file' },
        { id: 'g4', name: 'file (2)', name_key: 'file (2)' },
        { id: 'g5', name: 'ΟΔΟΣ', name_key: 'οδοσ' },
        { id: 'g6', name: 'οδος (2)', name_key: 'οδοσ (2)' },
        { id: 'g7', name: 'Other', name_key: 'other' },
      ]);
      const user = await db
        .selectFrom('users')
        .select(['name_key', 'nickname_key'])
        .executeTakeFirstOrThrow();
      assert.deepEqual(user, { name_key: 'jürgen strasse', nickname_key: 'juergen' });
      const post = await db.selectFrom('feed_elements').select('text_key').executeTakeFirstOrThrow();
      assert.equal(post.text_key, 'grüsse aus köln');

      // The index is on the key now: a name alike under the fold is refused, whatever its case.
      await assert.rejects(t.store.groups.create(legacyGroup('g8', 'STRAẞE')), GroupNameTaken);
      await assert.rejects(t.store.groups.update('g7', { name: 'FILE' }, 10), GroupNameTaken);
      assert.equal(await t.store.groups.nameTaken('org-a', null, 'Οδοσ'), true);
      assert.deepEqual(await migrate(t.store), []);
    } finally {
      await t.close();
    }
  });

  test('the renamed migrations map onto the names a store ran: nothing runs twice, the schema ends identical', async () => {
    assert.deepEqual(Object.keys(OLD_NAMES).slice(2), Object.keys(RENAMED_MIGRATIONS));
    const fresh = await openTestStore();
    const old = await openTestStore({ migrated: false });
    try {
      assert.deepEqual(await migrationNames(fresh.store), NEW_NAMES);
      await migrateWithOldNames(old.store, Object.keys(OLD_NAMES) as (keyof typeof OLD_NAMES)[]);
      await old.store.putSetting('kept', 'yes');
      // Only the migration that came after the renumbering runs; none of the renamed ones again.
      assert.deepEqual(await migrate(old.store), NEW_NAMES.slice(NEW_NAMES.indexOf('008-search-fold')));
      assert.deepEqual(await migrationNames(old.store), NEW_NAMES);
      assert.deepEqual(await schemaOf(old.store), await schemaOf(fresh.store));
      assert.equal(await old.store.getSetting('kept'), 'yes');
      assert.deepEqual(await migrate(old.store), []);
    } finally {
      await old.close();
      await fresh.close();
    }
  });

  test('a store that ran only some migrations under their old names takes the rest under the new ones', async () => {
    const fresh = await openTestStore();
    const old = await openTestStore({ migrated: false });
    try {
      await migrateWithOldNames(old.store, [
        '001-foundation',
        '002-collab-groups',
        '002-feed',
        '003-quota-function',
      ]);
      assert.deepEqual(await migrate(old.store), NEW_NAMES.slice(NEW_NAMES.indexOf('005-user-activity')));
      assert.deepEqual(await migrationNames(old.store), NEW_NAMES);
      assert.deepEqual(await schemaOf(old.store), await schemaOf(fresh.store));
    } finally {
      await old.close();
      await fresh.close();
    }
  });
});

/** A public group of org-a owned by usr-a, as the migration tests' hand-made rows have them. */
function legacyGroup(id: string, name: string): Omit<GroupRecord, 'photoId'> {
  return {
    id,
    orgId: 'org-a',
    communityId: null,
    name,
    description: null,
    informationTitle: null,
    informationText: null,
    visibility: 'PublicAccess',
    ownerId: 'usr-a',
    canHaveChatterGuests: false,
    isArchived: false,
    isAutoArchiveDisabled: false,
    isBroadcast: false,
    lastPostAt: null,
    createdAt: 10,
    modifiedAt: 10,
  };
}
