import type { Kysely } from 'kysely';

// Written with the schema builder only, so the same migration runs on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('id_sequences')
    .addColumn('prefix', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('usage_counters')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('orgs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('nickname', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('company_name', 'text')
    .addColumn('about_me', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('users_org_name')
    .on('users')
    .columns(['org_id', 'last_name', 'first_name'])
    .execute();
  await db.schema
    .createTable('communities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('url_path_prefix', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('guest_access', 'integer', (c) => c.notNull())
    .addColumn('allow_members_to_flag', 'integer', (c) => c.notNull())
    .addColumn('guest_user_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('community_members')
    .addColumn('community_id', 'text', (c) => c.notNull().references('communities.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('community_members_pk', ['community_id', 'user_id'])
    .execute();
  await db.schema.createIndex('community_members_user').on('community_members').column('user_id').execute();
  await db.schema
    .createTable('connected_apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('client_secret', 'text', (c) => c.notNull())
    .addColumn('run_as_user_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('refresh_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('app_id', 'text', (c) => c.notNull().references('connected_apps.id'))
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('app_id', 'text', (c) => c.notNull().references('connected_apps.id'))
    .addColumn('refresh_token_id', 'text')
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('sessions_refresh').on('sessions').column('refresh_token_id').execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  // Collaboration (groups, feeds, follows). Created here so that user counts are real from the start.
  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('community_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('information_title', 'text')
    .addColumn('information_text', 'text')
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('can_have_guests', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_auto_archive_disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_broadcast', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_post_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('groups_org_name').on('groups').columns(['org_id', 'name']).execute();
  await db.schema
    .createTable('group_members')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('group_members_group_user', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('group_members_user').on('group_members').column('user_id').execute();
  await db.schema
    .createTable('join_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('response_message', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('join_requests_group')
    .on('join_requests')
    .columns(['group_id', 'status'])
    .execute();
  await db.schema
    .createIndex('join_requests_user')
    .on('join_requests')
    .columns(['user_id', 'group_id'])
    .execute();
  await db.schema
    .createTable('feed_elements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('community_id', 'text')
    .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deleted_at', 'bigint')
    .execute();
  // Keyset pagination indexes: (scope column, created_at desc, id desc).
  await db.schema
    .createIndex('feed_elements_subject')
    .on('feed_elements')
    .columns(['subject_id', 'created_at desc', 'id desc'])
    .execute();
  await db.schema
    .createIndex('feed_elements_author')
    .on('feed_elements')
    .columns(['author_id', 'created_at desc', 'id desc'])
    .execute();
  await db.schema
    .createIndex('feed_elements_org')
    .on('feed_elements')
    .columns(['org_id', 'created_at desc', 'id desc'])
    .execute();
  await db.schema
    .createTable('feed_mentions')
    .addColumn('feed_element_id', 'text', (c) => c.notNull().references('feed_elements.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('feed_mentions_pk', ['feed_element_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('feed_mentions_user')
    .on('feed_mentions')
    .columns(['user_id', 'feed_element_id'])
    .execute();
  await db.schema
    .createTable('comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('feed_element_id', 'text', (c) => c.notNull().references('feed_elements.id'))
    .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('comments_feed_element')
    .on('comments')
    .columns(['feed_element_id', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('comments_author').on('comments').column('author_id').execute();
  await db.schema
    .createTable('likes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('feed_element_id', 'text', (c) => c.notNull().references('feed_elements.id'))
    .addColumn('comment_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // One like per user and item: a like of the post itself has comment_id '' rather than NULL, so
  // the unique index also holds on SQLite and PostgreSQL (NULLs never collide in a unique index).
  await db.schema
    .createIndex('likes_item_user')
    .on('likes')
    .columns(['feed_element_id', 'comment_id', 'user_id'])
    .unique()
    .execute();
  await db.schema.createIndex('likes_user').on('likes').column('user_id').execute();
  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('community_id', 'text')
    .addColumn('subscriber_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('subscriptions_subscriber_subject', ['subscriber_id', 'subject_id'])
    .execute();
  await db.schema.createIndex('subscriptions_subject').on('subscriptions').column('subject_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'subscriptions',
    'likes',
    'comments',
    'feed_mentions',
    'feed_elements',
    'join_requests',
    'group_members',
    'groups',
    'sessions',
    'refresh_tokens',
    'connected_apps',
    'community_members',
    'communities',
    'users',
    'orgs',
    'usage_counters',
    'settings',
    'id_sequences',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
