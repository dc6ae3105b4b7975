import type { TableSpec } from './snapshot-tables.js';

// The snapshot sections (decision 0030) of files and conversations, which SNAPSHOT_TABLES lists
// after those of the core tables; kept here so that neither file outgrows STYLE.md's size.
const org = { org_id: ['orgs'] } as const;

/** Files (migration 011, decision 0009): bytes travel as base64, one row per stored chunk. */
export const FILE_TABLES: readonly TableSpec[] = [
  {
    table: 'files',
    columns: {
      id: 'id',
      org_id: 'id',
      owner_id: 'id',
      version_id: 'id',
      status: ['uploading', 'ready'],
      name: 'text',
      title: 'text',
      description: 'text?',
      mime_type: 'text',
      content_size: 'int',
      checksum: 'text',
      is_image: 'flag',
      chunk_size: 'int',
      created_at: 'int',
      modified_at: 'int',
    },
    key: ['id'],
    refs: { ...org, owner_id: ['users'] },
  },
  {
    table: 'file_chunks',
    columns: { file_id: 'id', seq: 'int', data: 'bytes' },
    key: ['file_id', 'seq'],
    refs: { file_id: ['files'] },
    via: { column: 'file_id', table: 'files' },
  },
  {
    table: 'file_attachments',
    columns: {
      file_id: 'id',
      org_id: 'id',
      feed_element_id: 'id',
      comment_id: 'text',
      inline: 'flag',
      position: 'int',
    },
    key: ['feed_element_id', 'comment_id', 'inline', 'position'],
    refs: { ...org, file_id: ['files'], feed_element_id: ['feed_elements'], comment_id: ['comments', ''] },
    added: { inline: 0 },
  },
  {
    // A cache that travels with its file, so that an import over an org drops the old ones too.
    table: 'file_renditions',
    columns: { file_id: 'id', type: ['THUMB120BY90', 'THUMB240BY180', 'THUMB720BY480'], data: 'bytes' },
    key: ['file_id', 'type'],
    refs: { file_id: ['files'] },
    via: { column: 'file_id', table: 'files' },
  },
];

/** Conversations (migration 012, decision 0028). */
export const CONVERSATION_TABLES: readonly TableSpec[] = [
  ...(['feed_bookmarks', 'feed_mutes'] as const).map(
    (table): TableSpec => ({
      table,
      columns: { user_id: 'id', feed_element_id: 'id', created_at: 'int' },
      key: ['user_id', 'feed_element_id'],
      refs: { user_id: ['users'], feed_element_id: ['feed_elements'] },
      via: { column: 'user_id', table: 'users' },
    }),
  ),
  {
    table: 'feed_reads',
    columns: { feed_element_id: 'id', user_id: 'id', last_read_at: 'int' },
    key: ['feed_element_id', 'user_id'],
    refs: { feed_element_id: ['feed_elements'], user_id: ['users'] },
    via: { column: 'feed_element_id', table: 'feed_elements' },
  },
  {
    table: 'topics',
    columns: {
      id: 'id',
      org_id: 'id',
      name: 'text',
      description: 'text?',
      created_at: 'int',
      talking_about: 'int',
    },
    key: ['id'],
    refs: org,
  },
  {
    table: 'topic_assignments',
    columns: {
      topic_id: 'id',
      feed_element_id: 'id',
      org_id: 'id',
      created_at: 'int',
      modified_at: 'int',
      assigned_at: 'int',
    },
    key: ['topic_id', 'feed_element_id'],
    refs: { ...org, topic_id: ['topics'], feed_element_id: ['feed_elements'] },
  },
  {
    table: 'record_topic_assignments',
    columns: { record_id: 'id', topic_id: 'id', org_id: 'id', assigned_at: 'int' },
    key: ['record_id', 'topic_id'],
    refs: { ...org, record_id: ['records'], topic_id: ['topics'] },
  },
  {
    table: 'poll_choices',
    columns: { id: 'id', feed_element_id: 'id', position: 'int', text: 'text', vote_count: 'int' },
    key: ['id'],
    refs: { feed_element_id: ['feed_elements'] },
    via: { column: 'feed_element_id', table: 'feed_elements' },
  },
  {
    table: 'poll_votes',
    columns: { feed_element_id: 'id', user_id: 'id', choice_id: 'id' },
    key: ['feed_element_id', 'user_id'],
    refs: { feed_element_id: ['feed_elements'], user_id: ['users'], choice_id: ['poll_choices'] },
    via: { column: 'feed_element_id', table: 'feed_elements' },
  },
  {
    table: 'streams',
    columns: {
      id: 'id',
      org_id: 'id',
      owner_id: 'id',
      name: 'text',
      description: 'text?',
      created_at: 'int',
    },
    key: ['id'],
    refs: { ...org, owner_id: ['users'] },
  },
  {
    table: 'stream_subscriptions',
    columns: { stream_id: 'id', entity_id: 'id', created_at: 'int' },
    key: ['stream_id', 'entity_id'],
    refs: { stream_id: ['streams'], entity_id: ['users', 'groups', 'records', 'topics'] },
    via: { column: 'stream_id', table: 'streams' },
  },
  {
    table: 'announcements',
    columns: {
      id: 'id',
      org_id: 'id',
      group_id: 'id',
      feed_element_id: 'id',
      expiration_at: 'int',
      is_archived: 'flag',
      send_emails: 'flag',
      created_at: 'int',
    },
    key: ['id'],
    refs: { ...org, group_id: ['groups'], feed_element_id: ['feed_elements'] },
  },
  {
    table: 'user_settings',
    columns: {
      user_id: 'id',
      default_group_email_frequency: ['EachPost', 'DailyDigest', 'WeeklyDigest', 'Never'],
    },
    key: ['user_id'],
    refs: { user_id: ['users'] },
    via: { column: 'user_id', table: 'users' },
  },
  {
    table: 'group_member_settings',
    columns: {
      group_id: 'id',
      user_id: 'id',
      email_frequency: ['EachPost', 'DailyDigest', 'WeeklyDigest', 'Never', 'UseDefault'],
    },
    key: ['group_id', 'user_id'],
    refs: { group_id: ['groups'], user_id: ['users'] },
    via: { column: 'group_id', table: 'groups' },
  },
];

/** Photos of users and groups (migration 015): the three PNG sizes travel as base64. */
export const PHOTO_TABLES: readonly TableSpec[] = [
  {
    table: 'photos',
    columns: {
      id: 'id',
      org_id: 'id',
      subject_id: 'id',
      large: 'bytes',
      medium: 'bytes',
      small: 'bytes',
      created_at: 'int',
    },
    key: ['id'],
    refs: { ...org, subject_id: ['users', 'groups'] },
  },
];
