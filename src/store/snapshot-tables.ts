import type { Database } from './schema.js';
import { CONVERSATION_TABLES, FILE_TABLES, PHOTO_TABLES } from './snapshot-tables-more.js';

/**
 * What a snapshot (decision 0030) holds of each table: one section per table, named as the table,
 * in an order where every row's references come before it. A column's type says what a snapshot may
 * put there; `refs` names the sections whose IDs it may name. Columns the store derives (the search
 * folds) are not in a snapshot: they are computed again on import. Sessions, refresh tokens, usage
 * counters and settings are not an org's data and stay out.
 */
export type ColumnType =
  | 'id'
  | 'id?'
  | 'text'
  | 'text?'
  | 'int'
  | 'int?'
  | 'flag'
  /** A JSON array of stored message segments (feed bodies and comments). */
  | 'segments'
  /** Bytes (file chunks): canonical base64 text in a snapshot, checked and decoded on import. */
  | 'bytes'
  | readonly string[];

export type SnapshotTable = keyof Database & string;

export interface TableSpec {
  table: SnapshotTable;
  /** Column → type, in the order a snapshot row lists them. */
  columns: Record<string, ColumnType>;
  /** The primary key: the order of the rows. */
  key: readonly string[];
  /** Column → the sections whose row IDs it may hold ('' also allows the empty string). */
  refs?: Record<string, readonly string[]>;
  /**
   * Columns added after version 1 was first written, with the value a row of an older snapshot gets
   * when it lacks them (what the migration that added them gave existing rows).
   */
  added?: Record<string, string | number | null>;
  /** Like `refs`, for sections that come later (checked once every section is read). */
  laterRefs?: Record<string, readonly string[]>;
  /**
   * For a table without `org_id`: the column naming a row of `table` (a table with `org_id`) that
   * the row belongs to, through which export and replace find the org's rows.
   */
  via?: { column: string; table: SnapshotTable };
}

const org = { org_id: ['orgs'] } as const;

export const SNAPSHOT_TABLES: readonly TableSpec[] = [
  { table: 'orgs', columns: { id: 'id', name: 'text', created_at: 'int' }, key: ['id'] },
  {
    table: 'users',
    columns: {
      id: 'id',
      org_id: 'id',
      username: 'text',
      email: 'text',
      first_name: 'text',
      last_name: 'text',
      nickname: 'text',
      title: 'text?',
      company_name: 'text?',
      about_me: 'text?',
      type: ['standard', 'admin', 'external', 'guest'],
      is_active: 'flag',
      password_hash: 'text?',
      failed_logins: 'int',
      locked_until: 'int?',
      created_at: 'int',
      modified_at: 'int',
      photo_id: 'id?',
    },
    key: ['id'],
    refs: org,
    laterRefs: { photo_id: ['photos'] },
    added: { photo_id: null },
  },
  {
    table: 'communities',
    columns: {
      id: 'id',
      org_id: 'id',
      name: 'text',
      description: 'text?',
      url_path_prefix: 'text',
      status: 'text',
      guest_access: 'flag',
      allow_members_to_flag: 'flag',
      guest_user_id: 'id?',
      created_at: 'int',
    },
    key: ['id'],
    refs: { ...org, guest_user_id: ['users'] },
  },
  {
    table: 'community_members',
    columns: { community_id: 'id', user_id: 'id', org_id: 'id' },
    key: ['community_id', 'user_id'],
    refs: { ...org, community_id: ['communities'], user_id: ['users'] },
  },
  {
    table: 'connected_apps',
    columns: {
      id: 'id',
      org_id: 'id',
      name: 'text',
      client_id: 'text',
      /** In the clear in a snapshot; sealed again with the importing store's key. */
      client_secret: 'text',
      run_as_user_id: 'id?',
      created_at: 'int',
    },
    key: ['id'],
    refs: { ...org, run_as_user_id: ['users'] },
  },
  {
    table: 'user_activity',
    columns: {
      user_id: 'id',
      post_count: 'int',
      comment_count: 'int',
      comment_received_count: 'int',
      like_received_count: 'int',
    },
    key: ['user_id'],
    refs: { user_id: ['users'] },
    via: { column: 'user_id', table: 'users' },
  },
  {
    table: 'custom_objects',
    columns: {
      id: 'id',
      org_id: 'id',
      name: 'text',
      label: 'text',
      label_plural: 'text',
      key_prefix: 'text',
      /** JSON text of the declared fields (decision 0008). */
      fields: 'text',
      created_at: 'int',
    },
    key: ['id'],
    refs: org,
  },
  {
    table: 'records',
    columns: {
      id: 'id',
      org_id: 'id',
      type: 'text',
      name: 'text',
      owner_id: 'id',
      created_by_id: 'id',
      last_modified_by_id: 'id',
      created_at: 'int',
      modified_at: 'int',
      deleted_at: 'int?',
      /** JSON text of the object's own fields (decision 0008). */
      fields: 'text',
    },
    key: ['id'],
    refs: { ...org, owner_id: ['users'], created_by_id: ['users'], last_modified_by_id: ['users'] },
  },
  {
    table: 'groups',
    columns: {
      id: 'id',
      org_id: 'id',
      community_id: 'id?',
      name: 'text',
      description: 'text?',
      information_title: 'text?',
      information_text: 'text?',
      visibility: ['PublicAccess', 'PrivateAccess', 'Unlisted'],
      owner_id: 'id',
      can_have_guests: 'flag',
      is_archived: 'flag',
      is_auto_archive_disabled: 'flag',
      is_broadcast: 'flag',
      last_post_at: 'int?',
      created_at: 'int',
      modified_at: 'int',
      deleted_at: 'int?',
      photo_id: 'id?',
    },
    key: ['id'],
    refs: { ...org, community_id: ['communities'], owner_id: ['users'] },
    laterRefs: { photo_id: ['photos'] },
    added: { photo_id: null },
  },
  {
    table: 'group_members',
    columns: {
      id: 'id',
      org_id: 'id',
      group_id: 'id',
      user_id: 'id',
      role: ['GroupOwner', 'GroupManager', 'StandardMember'],
      created_at: 'int',
    },
    key: ['id'],
    refs: { ...org, group_id: ['groups'], user_id: ['users'] },
  },
  {
    table: 'join_requests',
    columns: {
      id: 'id',
      org_id: 'id',
      group_id: 'id',
      user_id: 'id',
      status: ['Pending', 'Accepted', 'Declined'],
      response_message: 'text?',
      created_at: 'int',
      modified_at: 'int',
    },
    key: ['id'],
    refs: { ...org, group_id: ['groups'], user_id: ['users'] },
  },
  {
    table: 'subscriptions',
    columns: {
      id: 'id',
      org_id: 'id',
      community_id: 'id?',
      subscriber_id: 'id',
      subject_id: 'id',
      subject_kind: ['user', 'group', 'record'],
      created_at: 'int',
    },
    key: ['id'],
    refs: {
      ...org,
      community_id: ['communities'],
      subscriber_id: ['users'],
      subject_id: ['users', 'groups', 'records'],
    },
  },
  {
    table: 'feed_elements',
    columns: {
      id: 'id',
      org_id: 'id',
      community_id: 'id?',
      author_id: 'id',
      subject_id: 'id',
      subject_kind: ['user', 'group', 'record'],
      body: 'segments',
      text: 'text',
      type: ['TextPost', 'LinkPost', 'ContentPost', 'PollPost', 'QuestionPost', 'AdvancedTextPost'],
      created_at: 'int',
      modified_at: 'int',
      comment_count: 'int',
      like_count: 'int',
      deleted_at: 'int?',
      link_url: 'text?',
      link_name: 'text?',
      client_name: 'text?',
      attached_files: 'int',
      last_edited_by: 'id?',
      last_edited_at: 'int?',
      revision: 'int',
      question_title: 'text?',
      /** A comment (a later section: see laterRefs). */
      best_answer_id: 'id?',
      best_answer_by: 'id?',
    },
    key: ['id'],
    refs: {
      ...org,
      community_id: ['communities'],
      author_id: ['users'],
      subject_id: ['users', 'groups', 'records'],
      last_edited_by: ['users'],
      best_answer_by: ['users'],
    },
    laterRefs: { best_answer_id: ['comments'] },
    added: {
      attached_files: 0,
      last_edited_by: null,
      last_edited_at: null,
      revision: 1,
      question_title: null,
      best_answer_id: null,
      best_answer_by: null,
    },
  },
  {
    table: 'feed_mentions',
    columns: { feed_element_id: 'id', user_id: 'id', org_id: 'id', created_at: 'int', modified_at: 'int' },
    key: ['feed_element_id', 'user_id'],
    refs: { ...org, feed_element_id: ['feed_elements'], user_id: ['users'] },
  },
  {
    table: 'comments',
    columns: {
      id: 'id',
      org_id: 'id',
      feed_element_id: 'id',
      author_id: 'id',
      body: 'segments',
      text: 'text',
      created_at: 'int',
      modified_at: 'int',
      like_count: 'int',
      deleted_at: 'int?',
    },
    key: ['id'],
    refs: { ...org, feed_element_id: ['feed_elements'], author_id: ['users'] },
  },
  {
    table: 'likes',
    columns: {
      id: 'id',
      org_id: 'id',
      feed_element_id: 'id',
      /** '' for a like of the feed element itself. */
      comment_id: 'text',
      user_id: 'id',
      created_at: 'int',
    },
    key: ['id'],
    refs: { ...org, feed_element_id: ['feed_elements'], comment_id: ['comments', ''], user_id: ['users'] },
  },
  ...FILE_TABLES,
  ...CONVERSATION_TABLES,
  ...PHOTO_TABLES,
];

/** ID sequences are the store's, not an org's: a snapshot carries them so new IDs never collide. */
export const SEQUENCES_SECTION = 'id_sequences';
