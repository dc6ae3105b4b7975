import { type Kysely, sql } from 'kysely';

/**
 * The dates of a mentioned post, copied onto its mentions, with keyset indexes: the mentions
 * branch of the news and To feeds then walks a user's mentions newest first and stops after a
 * page, instead of sorting every mention of the user (or, on SQLite, walking the org's posts).
 * A post's created_at never changes; its modified_at is copied again whenever it changes.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('feed_mentions')
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('feed_mentions')
    .addColumn('modified_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`
    update feed_mentions set
      created_at = (select fe.created_at from feed_elements fe where fe.id = feed_mentions.feed_element_id),
      modified_at = (select fe.modified_at from feed_elements fe where fe.id = feed_mentions.feed_element_id)
  `.execute(db);
  await db.schema
    .createIndex('feed_mentions_user_created')
    .on('feed_mentions')
    .columns(['user_id', 'created_at desc', 'feed_element_id desc'])
    .execute();
  await db.schema
    .createIndex('feed_mentions_user_modified')
    .on('feed_mentions')
    .columns(['user_id', 'modified_at desc', 'feed_element_id desc'])
    .execute();
  // Its prefix is the first of the new ones (user_id), which serve its lookups as well.
  await db.schema.dropIndex('feed_mentions_user').execute();
}
