import { type Kysely, sql } from 'kysely';

/**
 * At most one pending join request per user and group (SPEC §5: a second request while one is
 * pending answers the pending one). A partial unique index makes that hold under concurrency: the
 * insert of a second pending request does nothing, and the caller reads the one that won.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('join_requests_one_pending')
    .on('join_requests')
    .columns(['group_id', 'user_id'])
    .unique()
    .where(sql.ref('status'), '=', sql.lit('Pending'))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('join_requests_one_pending').execute();
}
