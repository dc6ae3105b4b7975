import { type Kysely, sql } from 'kysely';

/**
 * Feed elements: what a Feed Item shows beyond its body (the link capability of a LinkPost and the
 * connected app that posted it), and the keyset indexes of the LastModifiedDateDesc sort (a comment
 * moves its post up), next to the CreatedDateDesc ones of 001.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('feed_elements').addColumn('link_url', 'text').execute();
  await db.schema.alterTable('feed_elements').addColumn('link_name', 'text').execute();
  await db.schema.alterTable('feed_elements').addColumn('client_name', 'text').execute();
  await db.schema
    .createIndex('feed_elements_subject_modified')
    .on('feed_elements')
    .columns(['subject_id', 'modified_at desc', 'id desc'])
    .execute();
  await db.schema
    .createIndex('feed_elements_author_modified')
    .on('feed_elements')
    .columns(['author_id', 'modified_at desc', 'id desc'])
    .execute();
  await db.schema
    .createIndex('feed_elements_org_modified')
    .on('feed_elements')
    .columns(['org_id', 'modified_at desc', 'id desc'])
    .execute();
  // Posts to someone else's profile (the To feed): partial, so a user's own status updates, however
  // many, are never walked to find the few posts others left on the profile.
  for (const [name, column] of [
    ['feed_elements_wall', 'created_at desc'],
    ['feed_elements_wall_modified', 'modified_at desc'],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('feed_elements')
      .columns(['subject_id', column, 'id desc'])
      .where(sql.ref('author_id'), '<>', sql.ref('subject_id'))
      .execute();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('feed_elements_wall_modified').execute();
  await db.schema.dropIndex('feed_elements_wall').execute();
  await db.schema.dropIndex('feed_elements_org_modified').execute();
  await db.schema.dropIndex('feed_elements_author_modified').execute();
  await db.schema.dropIndex('feed_elements_subject_modified').execute();
  await db.schema.alterTable('feed_elements').dropColumn('client_name').execute();
  await db.schema.alterTable('feed_elements').dropColumn('link_name').execute();
  await db.schema.alterTable('feed_elements').dropColumn('link_url').execute();
}
