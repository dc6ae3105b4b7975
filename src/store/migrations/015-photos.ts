import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * User and group photos (SPEC §12.2): each set photo is one `photos` row (its ID is the Photo's
 * `photoVersionId`, key prefix 729) holding the cropped square at the three sizes a Photo's URLs
 * name, as PNG bytes, in the store like file chunks (decision 0009), so every server of a
 * deployment serves them. `users.photo_id` and `groups.photo_id` name the current photo (null: the
 * default picture); a replaced or removed photo's row is deleted in the same transaction.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;
  await db.schema
    .createTable('photos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    /** The user or group the photo is of. */
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('large', bytes, (c) => c.notNull())
    .addColumn('medium', bytes, (c) => c.notNull())
    .addColumn('small', bytes, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('photos_subject').on('photos').column('subject_id').execute();
  await db.schema.alterTable('users').addColumn('photo_id', 'text').execute();
  await db.schema.alterTable('groups').addColumn('photo_id', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('groups').dropColumn('photo_id').execute();
  await db.schema.alterTable('users').dropColumn('photo_id').execute();
  await db.schema.dropTable('photos').execute();
}
