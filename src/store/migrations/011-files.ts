import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Files and their bytes live in the store (decision 0009), so every server of a deployment reads
 * them (SPEC §10) and no extra service is needed. A file is one `files` row and its bytes are
 * `file_chunks` rows of a fixed size (the last one shorter), numbered from 0: an upload writes them
 * as they arrive and a download reads them one by one, so neither holds the file in memory. A row
 * with `status` 'uploading' is an upload still under way (never shown); a failed upload removes
 * its rows. `file_attachments` ties files to the posts and comments that carry them.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('content_size', 'bigint', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('is_image', 'integer', (c) => c.notNull())
    .addColumn('chunk_size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('files_owner_created')
    .on('files')
    .columns(['owner_id', 'created_at desc', 'id desc'])
    .execute();
  await db.schema
    .createTable('file_chunks')
    .addColumn('file_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', postgres ? sql`bytea` : sql`blob`, (c) => c.notNull())
    .addPrimaryKeyConstraint('file_chunks_pk', ['file_id', 'seq'])
    .execute();
  await db.schema
    .createTable('file_attachments')
    .addColumn('file_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('feed_element_id', 'text', (c) => c.notNull())
    /** '' when the file is on the post itself. */
    .addColumn('comment_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('file_attachments_pk', ['feed_element_id', 'comment_id', 'position'])
    .execute();
  // How many files the post and its comments carry: a feed page looks for files only where there are.
  await db.schema
    .alterTable('feed_elements')
    .addColumn('attached_files', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('file_attachments_file')
    .on('file_attachments')
    .columns(['file_id', 'feed_element_id'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('feed_elements').dropColumn('attached_files').execute();
  await db.schema.dropTable('file_attachments').execute();
  await db.schema.dropTable('file_chunks').execute();
  await db.schema.dropTable('files').execute();
}
