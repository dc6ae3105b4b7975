import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Files, second part (decision 0033):
 * 1. `file_attachments.inline`: 1 for the files of a body's InlineImage segments, which make the
 *    file visible to the post's readers like an attached file but are not in `capabilities.files`.
 *    It joins the primary key (an attached file and an inline image may share a position), so the
 *    table is built again: SQLite cannot change a primary key in place.
 * 2. `file_renditions`: each thumbnail made once per file and size, read by every server after.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('file_attachments_016')
    .addColumn('file_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('feed_element_id', 'text', (c) => c.notNull())
    .addColumn('comment_id', 'text', (c) => c.notNull())
    .addColumn('inline', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('file_attachments_016_pk', [
      'feed_element_id',
      'comment_id',
      'inline',
      'position',
    ])
    .execute();
  await sql`insert into file_attachments_016 (file_id, org_id, feed_element_id, comment_id, inline, position)
    select file_id, org_id, feed_element_id, comment_id, 0, position from file_attachments`.execute(db);
  await db.schema.dropTable('file_attachments').execute();
  await db.schema.alterTable('file_attachments_016').renameTo('file_attachments').execute();
  await db.schema
    .createIndex('file_attachments_by_file')
    .on('file_attachments')
    .columns(['file_id', 'feed_element_id'])
    .execute();
  await db.schema
    .createTable('file_renditions')
    .addColumn('file_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', postgres ? sql`bytea` : sql`blob`, (c) => c.notNull())
    .addPrimaryKeyConstraint('file_renditions_pk', ['file_id', 'type'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('file_renditions').execute();
  await sql`delete from file_attachments where inline = 1`.execute(db);
  await db.schema.dropIndex('file_attachments_by_file').execute();
  await db.schema.alterTable('file_attachments').dropColumn('inline').execute();
}
