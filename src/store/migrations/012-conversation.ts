import type { Kysely } from 'kysely';

/**
 * The state behind conversation features (SPEC §12.4–§12.6, decision 0028): edits, bookmarks,
 * mutes and reads of posts; topics and their assignments (with the talkingAbout counter kept in
 * the write transaction); polls and questions; streams; announcements; email settings.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  const posts = db.schema.alterTable('feed_elements');
  await posts.addColumn('last_edited_by', 'text').execute();
  await posts.addColumn('last_edited_at', 'bigint').execute();
  await posts.addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await posts.addColumn('question_title', 'text').execute();
  await posts.addColumn('best_answer_id', 'text').execute();
  await posts.addColumn('best_answer_by', 'text').execute();

  // Bookmarks and mutes: one row per (user, post); the feeds read them newest post first.
  for (const table of ['feed_bookmarks', 'feed_mutes']) {
    await db.schema
      .createTable(table)
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('feed_element_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['user_id', 'feed_element_id'])
      .execute();
    await db.schema
      .createIndex(`${table}_keyset`)
      .on(table)
      .columns(['user_id', 'created_at desc', 'feed_element_id desc'])
      .execute();
  }
  await db.schema
    .createTable('feed_reads')
    .addColumn('feed_element_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('last_read_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('feed_reads_pk', ['feed_element_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('feed_reads_keyset')
    .on('feed_reads')
    .columns(['feed_element_id', 'last_read_at desc', 'user_id desc'])
    .execute();

  // Topics: names unique per org by their folded key; talking_about counts live assigned posts.
  await db.schema
    .createTable('topics')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('talking_about', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('topics_org_name')
    .on('topics')
    .unique()
    .columns(['org_id', 'name_key'])
    .execute();
  await db.schema
    .createIndex('topics_org_popular')
    .on('topics')
    .columns(['org_id', 'talking_about desc', 'id'])
    .execute();
  await db.schema
    .createTable('topic_assignments')
    .addColumn('topic_id', 'text', (c) => c.notNull())
    .addColumn('feed_element_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    /** The post's own dates, so the topic feed walks this index (as feed_mentions does). */
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addColumn('assigned_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('topic_assignments_pk', ['topic_id', 'feed_element_id'])
    .execute();
  await db.schema
    .createIndex('topic_assignments_feed')
    .on('topic_assignments')
    .columns(['topic_id', 'created_at desc', 'feed_element_id desc'])
    .execute();
  await db.schema
    .createIndex('topic_assignments_post')
    .on('topic_assignments')
    .columns(['feed_element_id'])
    .execute();
  await db.schema
    .createIndex('topic_assignments_recent')
    .on('topic_assignments')
    .columns(['org_id', 'assigned_at'])
    .execute();

  // Polls: choices carry their vote counts (kept in the vote's transaction); one vote per user.
  await db.schema
    .createTable('poll_choices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('feed_element_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('vote_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('poll_choices_post')
    .on('poll_choices')
    .columns(['feed_element_id', 'position'])
    .execute();
  await db.schema
    .createTable('poll_votes')
    .addColumn('feed_element_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('choice_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('poll_votes_pk', ['feed_element_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('streams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('streams_owner')
    .on('streams')
    .columns(['owner_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createTable('stream_subscriptions')
    .addColumn('stream_id', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('stream_subscriptions_pk', ['stream_id', 'entity_id'])
    .execute();

  await db.schema
    .createTable('announcements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('feed_element_id', 'text', (c) => c.notNull())
    .addColumn('expiration_at', 'bigint', (c) => c.notNull())
    .addColumn('is_archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('send_emails', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('announcements_group')
    .on('announcements')
    .columns(['group_id', 'created_at desc', 'id desc'])
    .execute();

  await db.schema
    .createTable('user_settings')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('default_group_email_frequency', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('group_member_settings')
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('email_frequency', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_member_settings_pk', ['group_id', 'user_id'])
    .execute();
}

const TABLES = [
  'group_member_settings',
  'user_settings',
  'announcements',
  'stream_subscriptions',
  'streams',
  'poll_votes',
  'poll_choices',
  'topic_assignments',
  'topics',
  'feed_reads',
  'feed_mutes',
  'feed_bookmarks',
];
const COLUMNS = [
  'best_answer_by',
  'best_answer_id',
  'question_title',
  'revision',
  'last_edited_at',
  'last_edited_by',
];

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) await db.schema.dropTable(table).execute();
  for (const column of COLUMNS) await db.schema.alterTable('feed_elements').dropColumn(column).execute();
}
