import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Group names are unique per scope (domain/groups.ts): within an org and community (the internal
 * scope is community_id null), in any case, among live groups. The code checks it before writing,
 * but concurrent transactions on PostgreSQL can all pass that check; this index makes the store
 * refuse every write but the first. Its key is the rule of GroupRepository.nameTaken,
 * spelt in SQL both stores take: `lower()` is each store's own (SQLite folds ASCII letters only),
 * and the pre-check uses the same function, so the two never disagree (decision 0015).
 */
const GROUP_NAME_INDEX = 'groups_scope_name_unique';

/** The length limit of a group name (CollaborationGroup.Name), as of this migration. */
const NAME_MAX = 40;

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  // Servers of the previous version may still be writing (PostgreSQL runs this in a transaction):
  // hold their group writes until the index exists, or one could add a duplicate after the rename
  // and fail the index build. On SQLite the migration lock (BEGIN IMMEDIATE) already holds them.
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`lock table groups in share row exclusive mode`.execute(db);
  }
  await renameDuplicates(db);
  await db.schema
    .createIndex(GROUP_NAME_INDEX)
    .on('groups')
    .unique()
    .columns(['org_id'])
    .expression(sql`coalesce(community_id, '')`)
    .expression(sql`lower(name)`)
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex(GROUP_NAME_INDEX).execute();
}

interface NameRow {
  id: string;
  org_id: string;
  scope: string;
  name: string;
  name_key: string;
}

/**
 * A store written before the index may hold duplicates (the race above). The oldest group of each
 * set keeps its name; each later one (by created_at, then id) gets the first free " (n)" from 2,
 * its name shortened if needed to stay within the limit. Nothing is deleted or merged: owners see
 * the new names and can rename; modified_at stays (a migration has no server clock).
 */
// biome-ignore lint/suspicious/noExplicitAny: see up()
async function renameDuplicates(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<NameRow>`
    select g.id, g.org_id, coalesce(g.community_id, '') as scope, g.name, lower(g.name) as name_key
    from groups g
    where g.deleted_at is null and exists (
      select 1 from groups o
      where o.deleted_at is null and o.id <> g.id and o.org_id = g.org_id
        and coalesce(o.community_id, '') = coalesce(g.community_id, '') and lower(o.name) = lower(g.name)
    )
    order by g.org_id, scope, name_key, g.created_at, g.id
  `.execute(db);
  let previous: NameRow | undefined;
  for (const row of rows) {
    const sameSet =
      previous !== undefined &&
      previous.org_id === row.org_id &&
      previous.scope === row.scope &&
      previous.name_key === row.name_key;
    previous = row;
    if (!sameSet) continue;
    for (let n = 2; ; n++) {
      const candidate = withSuffix(row.name, ` (${n})`);
      // Free in the store's own case folding: the one the index will use.
      const taken = await sql`
        select 1 from groups
        where deleted_at is null and org_id = ${row.org_id}
          and coalesce(community_id, '') = ${row.scope} and lower(name) = lower(${candidate})
      `.execute(db);
      if (taken.rows.length > 0) continue;
      await sql`update groups set name = ${candidate} where id = ${row.id}`.execute(db);
      break;
    }
  }
}

/** name + suffix, the name cut (by code point, trailing spaces dropped) to keep within NAME_MAX. */
function withSuffix(name: string, suffix: string): string {
  const points = [...name];
  if (points.length + suffix.length <= NAME_MAX) return name + suffix;
  return (
    points
      .slice(0, NAME_MAX - suffix.length)
      .join('')
      .trimEnd() + suffix
  );
}
