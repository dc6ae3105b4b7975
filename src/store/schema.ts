import type { ColumnType } from 'kysely';

/**
 * Table shapes as Kysely sees them. Times are epoch milliseconds (bigint in PostgreSQL, read back as
 * numbers); flags are 0/1 integers so both dialects return the same values.
 */
export interface Database {
  id_sequences: { prefix: string; value: number };
  settings: { key: string; value: string };
  /** Keys that seal secrets at rest (migration 009); never emptied by reset. */
  sealing_keys: { name: string; key: string };
  usage_counters: { key: string; count: number; expires_at: number };
  orgs: { id: string; name: string; created_at: number };
  communities: {
    id: string;
    org_id: string;
    name: string;
    description: string | null;
    url_path_prefix: string;
    status: string;
    guest_access: number;
    allow_members_to_flag: number;
    guest_user_id: string | null;
    created_at: number;
  };
  users: {
    id: string;
    org_id: string;
    username: string;
    email: string;
    first_name: string;
    last_name: string;
    nickname: string;
    title: string | null;
    company_name: string | null;
    about_me: string | null;
    type: UserType;
    is_active: number;
    password_hash: string | null;
    /** searchFold of "first_name last_name" and of nickname (migration 008, decision 0020). */
    name_key: string;
    nickname_key: string;
    failed_logins: number;
    locked_until: number | null;
    created_at: number;
    modified_at: number;
    /** The current photo (migration 015); null: the default picture. */
    photo_id: ColumnType<string | null, string | null | undefined, string | null>;
  };
  community_members: { community_id: string; user_id: string; org_id: string };
  connected_apps: {
    id: string;
    org_id: string;
    name: string;
    client_id: string;
    client_secret: string;
    run_as_user_id: string | null;
    created_at: number;
  };
  refresh_tokens: {
    id: string;
    token_hash: string;
    org_id: string;
    user_id: string;
    app_id: string;
    issued_at: number;
    revoked_at: number | null;
  };
  sessions: {
    token_hash: string;
    org_id: string;
    user_id: string;
    app_id: string;
    refresh_token_id: string | null;
    issued_at: number;
    last_used_at: number;
    revoked_at: number | null;
  };
  groups: {
    id: string;
    org_id: string;
    community_id: string | null;
    name: string;
    /** searchFold(name): search and the unique index of names (migration 008, decision 0020). */
    name_key: string;
    description: string | null;
    information_title: string | null;
    information_text: string | null;
    visibility: 'PublicAccess' | 'PrivateAccess' | 'Unlisted';
    owner_id: string;
    can_have_guests: number;
    is_archived: number;
    is_auto_archive_disabled: number;
    is_broadcast: number;
    last_post_at: number | null;
    created_at: number;
    modified_at: number;
    deleted_at: number | null;
    /** The current photo (migration 015); null: the default picture. */
    photo_id: ColumnType<string | null, string | null | undefined, string | null>;
  };
  group_members: {
    id: string;
    org_id: string;
    group_id: string;
    user_id: string;
    role: 'GroupOwner' | 'GroupManager' | 'StandardMember';
    created_at: number;
  };
  join_requests: {
    id: string;
    org_id: string;
    group_id: string;
    user_id: string;
    status: 'Pending' | 'Accepted' | 'Declined';
    response_message: string | null;
    created_at: number;
    modified_at: number;
  };
  feed_elements: {
    id: string;
    org_id: string;
    community_id: string | null;
    author_id: string;
    subject_id: string;
    subject_kind: 'user' | 'group' | 'record';
    body: string;
    text: string;
    /** searchFold(text), what `q` is matched against (migration 008, decision 0020). */
    text_key: string;
    type: string;
    created_at: number;
    modified_at: number;
    comment_count: number;
    like_count: number;
    deleted_at: number | null;
    /** The link capability of a LinkPost (migration 003). */
    link_url: string | null;
    link_name: string | null;
    /** The connected app that posted it (clientInfo), null when not posted through an app. */
    client_name: string | null;
    /** Files on the post and its comments (migration 011): pages look for files only where there are. */
    attached_files: ColumnType<number, number | undefined, number>;
    /** The edit capability (migration 012): who edited last, when, and the revision (1 = unedited). */
    last_edited_by?: string | null;
    last_edited_at?: number | null;
    revision?: number;
    /** A QuestionPost's title and its best answer (a comment) with who chose it (migration 012). */
    question_title?: string | null;
    best_answer_id?: string | null;
    best_answer_by?: string | null;
  };
  feed_mentions: {
    feed_element_id: string;
    user_id: string;
    org_id: string;
    /** The post's created_at and modified_at, kept in step (migration 006: the keyset indexes). */
    created_at: number;
    modified_at: number;
  };
  comments: {
    id: string;
    org_id: string;
    feed_element_id: string;
    author_id: string;
    body: string;
    text: string;
    created_at: number;
    modified_at: number;
    like_count: number;
    deleted_at: number | null;
  };
  likes: {
    id: string;
    org_id: string;
    feed_element_id: string;
    /** '' for a like of the feed element itself (see migration 001). */
    comment_id: string;
    user_id: string;
    created_at: number;
  };
  /** The counts of a user's chatterActivity, kept on every write (migration 005, decision 0014). */
  user_activity: {
    user_id: string;
    post_count: number;
    comment_count: number;
    comment_received_count: number;
    like_received_count: number;
  };
  subscriptions: {
    id: string;
    org_id: string;
    community_id: string | null;
    subscriber_id: string;
    subject_id: string;
    subject_kind: 'user' | 'group' | 'record';
    created_at: number;
  };
  /** Objects an org declares (migration 010, decision 0008); `fields` is JSON. */
  custom_objects: {
    id: string;
    org_id: string;
    name: string;
    label: string;
    label_plural: string;
    key_prefix: string;
    fields: string;
    created_at: number;
  };
  /** Records of every sObject but User (migration 010, decision 0008); `fields` is JSON. */
  records: {
    id: string;
    org_id: string;
    type: string;
    /** The name its Record Summary shows (Name, the person's name, or CaseNumber). */
    name: string;
    owner_id: string;
    created_by_id: string;
    last_modified_by_id: string;
    created_at: number;
    modified_at: number;
    deleted_at: number | null;
    fields: string;
  };
  /** Files (migration 011, decision 0009): 'uploading' rows are uploads under way, never shown. */
  files: {
    id: string;
    org_id: string;
    owner_id: string;
    version_id: string;
    status: 'uploading' | 'ready';
    name: string;
    title: string;
    description: string | null;
    mime_type: string;
    content_size: number;
    checksum: string;
    is_image: number;
    chunk_size: number;
    created_at: number;
    modified_at: number;
  };
  /** A file's bytes in fixed-size chunks numbered from 0 (the last one may be shorter). */
  file_chunks: { file_id: string; seq: number; data: Uint8Array };
  /** A user's or group's photo (migration 015): the cropped square as PNG at three sizes. */
  photos: {
    id: string;
    org_id: string;
    subject_id: string;
    large: Uint8Array;
    medium: Uint8Array;
    small: Uint8Array;
    created_at: number;
  };
  /** The posts ('' comment_id) and comments that carry a file, in the order they list them. */
  file_attachments: {
    file_id: string;
    org_id: string;
    feed_element_id: string;
    comment_id: string;
    /** 1: the file of an InlineImage segment of the body (migration 016), not in capabilities.files. */
    inline: ColumnType<number, number | undefined, number>;
    position: number;
  };
  /** Thumbnails made once per file and rendition type (migration 016, decision 0033). */
  file_renditions: { file_id: string; type: string; data: Uint8Array };
  // ---- conversation features (migration 012, decision 0028) ----
  feed_bookmarks: { user_id: string; feed_element_id: string; created_at: number };
  feed_mutes: { user_id: string; feed_element_id: string; created_at: number };
  feed_reads: { feed_element_id: string; user_id: string; last_read_at: number };
  topics: {
    id: string;
    org_id: string;
    name: string;
    /** searchFold(name): names are unique per org compared this way. */
    name_key: string;
    description: string | null;
    created_at: number;
    /** Live posts assigned the topic, kept in the assigning transaction. */
    talking_about: number;
  };
  topic_assignments: {
    topic_id: string;
    feed_element_id: string;
    org_id: string;
    created_at: number;
    modified_at: number;
    assigned_at: number;
  };
  /** Topics assigned to records (migration 014); they count in no topic's talking_about. */
  record_topic_assignments: { record_id: string; topic_id: string; org_id: string; assigned_at: number };
  poll_choices: { id: string; feed_element_id: string; position: number; text: string; vote_count: number };
  poll_votes: { feed_element_id: string; user_id: string; choice_id: string };
  streams: {
    id: string;
    org_id: string;
    owner_id: string;
    name: string;
    description: string | null;
    created_at: number;
  };
  stream_subscriptions: { stream_id: string; entity_id: string; created_at: number };
  announcements: {
    id: string;
    org_id: string;
    group_id: string;
    feed_element_id: string;
    expiration_at: number;
    is_archived: number;
    send_emails: number;
    created_at: number;
  };
  user_settings: { user_id: string; default_group_email_frequency: string };
  group_member_settings: { group_id: string; user_id: string; email_frequency: string };
}

export type UserType = 'standard' | 'admin' | 'external' | 'guest';
