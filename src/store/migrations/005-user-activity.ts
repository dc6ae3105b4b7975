import { type Kysely, sql } from 'kysely';

/**
 * The four counts of a user's chatterActivity, kept as counters (docs/decisions/0014): counting a
 * user's rows on every User Detail cost O(the user's activity), and likes received O(every like of
 * the store). The feed repository keeps them exact on every write; this backfills them from the
 * rows, with the same meaning as the counts had: deleted posts and comments, and everything on a
 * deleted post, no longer count.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_activity')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('post_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('comment_received_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('like_received_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // One pass over each table, grouped by user, rather than one count per user.
  await sql`
    insert into user_activity (user_id, post_count, comment_count, comment_received_count, like_received_count)
    select u.id, coalesce(p.n, 0), coalesce(c.n, 0), coalesce(r.n, 0), coalesce(pl.n, 0) + coalesce(cl.n, 0)
    from users u
    left join (
      select author_id as user_id, count(*) as n from feed_elements
      where deleted_at is null group by author_id
    ) p on p.user_id = u.id
    left join (
      select c.author_id as user_id, count(*) as n from comments c
      join feed_elements fe on fe.id = c.feed_element_id
      where c.deleted_at is null and fe.deleted_at is null group by c.author_id
    ) c on c.user_id = u.id
    left join (
      select fe.author_id as user_id, count(*) as n from comments c
      join feed_elements fe on fe.id = c.feed_element_id
      where c.deleted_at is null and fe.deleted_at is null group by fe.author_id
    ) r on r.user_id = u.id
    left join (
      select fe.author_id as user_id, count(*) as n from likes l
      join feed_elements fe on fe.id = l.feed_element_id
      where l.comment_id = '' and fe.deleted_at is null group by fe.author_id
    ) pl on pl.user_id = u.id
    left join (
      select c.author_id as user_id, count(*) as n from likes l
      join comments c on c.id = l.comment_id
      join feed_elements fe on fe.id = c.feed_element_id
      where l.comment_id <> '' and c.deleted_at is null and fe.deleted_at is null group by c.author_id
    ) cl on cl.user_id = u.id
  `.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('user_activity').execute();
}
