import type { Kysely } from 'kysely';

/**
 * Topics assigned to records (`connect/records/{recordId}/topics`, SPEC §12.4, F2 §4): a table of
 * their own, not rows of topic_assignments, which hold posts only: the topic feed walks that
 * table's index and `talkingAbout` counts posts, never records.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('record_topic_assignments')
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('topic_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('record_topic_assignments_pk', ['record_id', 'topic_id'])
    .execute();
  // Deleting a topic removes its assignments to records too.
  await db.schema
    .createIndex('record_topic_assignments_topic')
    .on('record_topic_assignments')
    .column('topic_id')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('record_topic_assignments').execute();
}
