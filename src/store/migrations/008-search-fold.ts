import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { searchFold } from '../../lib/search-fold.js';
import { withSuffix } from './007-group-name-unique.js';

/**
 * Case-insensitive search and group-name uniqueness the same on both stores, for all of Unicode
 * (decision 0020): each searched text gets a folded copy (lib/search-fold.ts), written with it by
 * the repositories, and compared instead of `lower()` (SQLite's folds ASCII letters only).
 * `users.name_key` ("first last") and `users.nickname_key`, `groups.name_key`,
 * `feed_elements.text_key`. The unique index of group names (007) moves to `name_key`.
 *
 * The keys are computed here by the same function the write path uses; a later change of that
 * function needs a migration that computes them again.
 */
const OLD_INDEX = 'groups_scope_name_unique';
const NAME_KEY_INDEX = 'groups_scope_name_key_unique';
const BATCH = 500;

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  // As in 007: servers of the previous version may still be writing; hold their group writes
  // until the new index exists. On SQLite the migration lock (BEGIN IMMEDIATE) already holds them.
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`lock table groups in share row exclusive mode`.execute(db);
  }
  for (const [table, column] of [
    ['users', 'name_key'],
    ['users', 'nickname_key'],
    ['groups', 'name_key'],
    ['feed_elements', 'text_key'],
  ] as const) {
    await db.schema
      .alterTable(table)
      .addColumn(column, 'text', (c) => c.notNull().defaultTo(''))
      .execute();
  }
  await fill(db, 'users', ['first_name', 'last_name', 'nickname'], (row) => ({
    name_key: searchFold(`${row.first_name} ${row.last_name}`),
    nickname_key: searchFold(row.nickname as string),
  }));
  await fill(db, 'groups', ['name'], (row) => ({ name_key: searchFold(row.name as string) }));
  await fill(db, 'feed_elements', ['text'], (row) => ({ text_key: searchFold(row.text as string) }));
  await renameFoldedDuplicates(db);
  await db.schema.dropIndex(OLD_INDEX).ifExists().execute();
  await db.schema
    .createIndex(NAME_KEY_INDEX)
    .on('groups')
    .unique()
    .columns(['org_id'])
    .expression(sql`coalesce(community_id, '')`)
    .expression(sql`name_key`)
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex(NAME_KEY_INDEX).execute();
  await db.schema
    .createIndex(OLD_INDEX)
    .on('groups')
    .unique()
    .columns(['org_id'])
    .expression(sql`coalesce(community_id, '')`)
    .expression(sql`lower(name)`)
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  await db.schema.alterTable('feed_elements').dropColumn('text_key').execute();
  await db.schema.alterTable('groups').dropColumn('name_key').execute();
  await db.schema.alterTable('users').dropColumn('nickname_key').execute();
  await db.schema.alterTable('users').dropColumn('name_key').execute();
}

/** Computes the keys of every row, a batch at a time (one UPDATE … CASE per batch and key). */
async function fill(
  db: AnyDb,
  table: string,
  sources: string[],
  keys: (row: Record<string, unknown>) => Record<string, string>,
): Promise<void> {
  for (let after = ''; ; ) {
    const rows = (await db
      .selectFrom(table)
      .select(['id', ...sources])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute()) as Record<string, unknown>[];
    if (rows.length === 0) return;
    const computed = rows.map((row) => ({ id: row.id as string, keys: keys(row) }));
    const columns = Object.keys(computed[0]?.keys ?? {});
    const assignments = columns.map(
      (column) =>
        sql`${sql.ref(column)} = case id ${sql.join(
          computed.map((r) => sql`when ${r.id} then ${r.keys[column]}`),
          sql` `,
        )} end`,
    );
    await sql`update ${sql.table(table)} set ${sql.join(assignments)} where id in (${sql.join(
      computed.map((r) => r.id),
    )})`.execute(db);
    after = computed[computed.length - 1]?.id as string;
  }
}

interface GroupRow {
  id: string;
  org_id: string;
  scope: string;
  name: string;
  name_key: string;
}

/**
 * Names that 007's `lower()` told apart but the fold does not ("Équipe" and "équipe" on SQLite,
 * "Straße" and "STRASSE" on both): as 007 did, the oldest of each set keeps its name, each later
 * one gets the first " (n)" from 2 that is free under the fold. Nothing is deleted or merged.
 */
async function renameFoldedDuplicates(db: AnyDb): Promise<void> {
  const { rows } = await sql<GroupRow>`
    select id, org_id, coalesce(community_id, '') as scope, name, name_key from groups
    where deleted_at is null
    order by org_id, scope, created_at, id
  `.execute(db);
  const taken = new Set(rows.map((r) => `${r.org_id}\u0000${r.scope}\u0000${r.name_key}`));
  const kept = new Set<string>();
  for (const row of rows) {
    const scope = `${row.org_id}\u0000${row.scope}\u0000`;
    if (!kept.has(scope + row.name_key)) {
      kept.add(scope + row.name_key);
      continue;
    }
    for (let n = 2; ; n++) {
      const candidate = withSuffix(row.name, ` (${n})`);
      const key = searchFold(candidate);
      if (taken.has(scope + key)) continue;
      taken.add(scope + key);
      kept.add(scope + key);
      await sql`update groups set name = ${candidate}, name_key = ${key} where id = ${row.id}`.execute(db);
      break;
    }
  }
}
