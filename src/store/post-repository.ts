import type { Selectable } from 'kysely';
import { searchFold } from '../lib/search-fold.js';
import type { BulkColumn, Db, StoreDialect } from './dialects/dialect.js';
import type {
  DeletedPost,
  FeedElementRecord,
  FeedItemType,
  NewFeedElement,
  PostEditState,
  StoredSegment,
} from './records.js';
import type { Database } from './schema.js';

/**
 * Posts (feed elements) and their mentions. Deleted posts are never returned. The writes only move
 * data: what they change in chatterActivity is decided by src/domain/activity.ts from what they
 * return, in the caller's transaction.
 */
export class PostRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: StoreDialect,
  ) {}

  async insertElement(element: NewFeedElement, mentionedUserIds: readonly string[]): Promise<void> {
    await this.db.insertInto('feed_elements').values(toFeedRow(element)).execute();
    await this.#insertMentions(element, mentionedUserIds);
  }

  /**
   * Many posts in one statement (bulk loading; the caller sizes the batch to the dialect's
   * parameter limit). The statement text is built once per size and the values passed as they are:
   * compiling a thousand-row INSERT through the query builder costs more than running it.
   */
  async insertElements(elements: readonly NewFeedElement[]): Promise<void> {
    if (elements.length === 0) return;
    await this.dialect.bulkInsert(this.db, 'feed_elements', FEED_COLUMNS, elements.map(toFeedRow));
  }

  async updateElementBody(
    orgId: string,
    id: string,
    change: { segments: StoredSegment[]; text: string; modifiedAt: number },
    mentionedUserIds: readonly string[],
  ): Promise<void> {
    await this.db
      .updateTable('feed_elements')
      .set({
        body: JSON.stringify(change.segments),
        text: change.text,
        text_key: searchFold(change.text),
        modified_at: change.modifiedAt,
      })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
    const element = await this.db
      .selectFrom('feed_elements')
      .select(['created_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    await this.db.deleteFrom('feed_mentions').where('feed_element_id', '=', id).execute();
    if (!element) return;
    await this.#insertMentions(
      { id, orgId, createdAt: Number(element.created_at), modifiedAt: change.modifiedAt },
      mentionedUserIds,
    );
  }

  /**
   * Marks a post deleted and returns what its author and commenters had counted for it (undefined
   * when it was deleted already). Costs O(the post's comments), whatever the size of the store.
   */
  /** The live posts to a subject (a record being deleted takes its feed with it, SPEC §12.1). */
  async elementIdsOfSubject(orgId: string, subjectId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('feed_elements')
      .select('id')
      .where('org_id', '=', orgId)
      .where('subject_id', '=', subjectId)
      .where('deleted_at', 'is', null)
      .execute();
    return rows.map((r) => r.id);
  }

  async deleteElement(orgId: string, id: string, at: number): Promise<DeletedPost | undefined> {
    const post = await this.db
      .updateTable('feed_elements')
      .set({ deleted_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returning(['author_id', 'like_count'])
      .executeTakeFirst();
    if (!post) return undefined;
    // Read after the post's row lock: a comment or like still in flight finds the post deleted.
    const commenters = await this.db
      .selectFrom('comments')
      .select((eb) => [
        'author_id',
        eb.fn.countAll<number>().as('comments'),
        eb.fn.sum<number>('like_count').as('likes'),
      ])
      .where('feed_element_id', '=', id)
      .where('deleted_at', 'is', null)
      .groupBy('author_id')
      .execute();
    return {
      authorId: post.author_id,
      likeCount: Number(post.like_count),
      commenters: commenters.map((row) => ({
        authorId: row.author_id,
        comments: Number(row.comments),
        likes: Number(row.likes),
      })),
    };
  }

  async findElements(orgId: string, ids: readonly string[]): Promise<FeedElementRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('feed_elements')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', 'in', [...new Set(ids)])
      .where('deleted_at', 'is', null)
      .execute();
    return rows.map(toFeedElement);
  }

  async touchGroupLastPost(groupId: string, at: number): Promise<void> {
    await this.db.updateTable('groups').set({ last_post_at: at }).where('id', '=', groupId).execute();
  }

  async #insertMentions(
    post: { id: string; orgId: string; createdAt: number; modifiedAt: number },
    userIds: readonly string[],
  ): Promise<void> {
    const unique = [...new Set(userIds)];
    if (unique.length === 0) return;
    await this.db
      .insertInto('feed_mentions')
      .values(
        unique.map((userId) => ({
          feed_element_id: post.id,
          user_id: userId,
          org_id: post.orgId,
          created_at: post.createdAt,
          modified_at: post.modifiedAt,
        })),
      )
      .execute();
  }
}

/** The columns of a bulk insert of posts, with their SQL types. */
const FEED_COLUMNS: readonly (BulkColumn & { name: keyof Database['feed_elements'] })[] = [
  { name: 'id', type: 'text' },
  { name: 'org_id', type: 'text' },
  { name: 'community_id', type: 'text' },
  { name: 'author_id', type: 'text' },
  { name: 'subject_id', type: 'text' },
  { name: 'subject_kind', type: 'text' },
  { name: 'body', type: 'text' },
  { name: 'text', type: 'text' },
  { name: 'text_key', type: 'text' },
  { name: 'type', type: 'text' },
  { name: 'created_at', type: 'bigint' },
  { name: 'modified_at', type: 'bigint' },
  { name: 'comment_count', type: 'integer' },
  { name: 'like_count', type: 'integer' },
  { name: 'deleted_at', type: 'bigint' },
  { name: 'link_url', type: 'text' },
  { name: 'link_name', type: 'text' },
  { name: 'client_name', type: 'text' },
];

function toFeedRow(element: NewFeedElement): Omit<Database['feed_elements'], 'attached_files'> {
  return {
    id: element.id,
    org_id: element.orgId,
    community_id: element.communityId,
    author_id: element.authorId,
    subject_id: element.subjectId,
    subject_kind: element.subjectKind,
    body: JSON.stringify(element.segments),
    text: element.text,
    text_key: searchFold(element.text),
    type: element.type,
    created_at: element.createdAt,
    modified_at: element.modifiedAt,
    comment_count: 0,
    like_count: 0,
    deleted_at: null,
    link_url: element.linkUrl,
    link_name: element.linkName,
    client_name: element.clientName,
    ...(element.questionTitle === undefined ? {} : { question_title: element.questionTitle }),
  };
}

export function toFeedElement(row: Selectable<Database['feed_elements']>): FeedElementRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    communityId: row.community_id,
    authorId: row.author_id,
    subjectId: row.subject_id,
    subjectKind: row.subject_kind,
    segments: JSON.parse(row.body) as StoredSegment[],
    text: row.text,
    type: row.type as FeedItemType,
    linkUrl: row.link_url,
    linkName: row.link_name,
    clientName: row.client_name,
    createdAt: Number(row.created_at),
    modifiedAt: Number(row.modified_at),
    commentCount: Number(row.comment_count),
    likeCount: Number(row.like_count),
    attachedFiles: Number(row.attached_files),
    ...conversationOf(row),
  };
}

/** The edit and question columns (migration 012), only when they say something. */
function conversationOf(row: Selectable<Database['feed_elements']>): { conversation?: PostEditState } {
  const revision = Number(row.revision ?? 1);
  if (revision === 1 && (row.question_title ?? null) === null) return {};
  return {
    conversation: {
      lastEditedBy: row.last_edited_by ?? null,
      lastEditedAt: row.last_edited_at == null ? null : Number(row.last_edited_at),
      revision,
      questionTitle: row.question_title ?? null,
      bestAnswerId: row.best_answer_id ?? null,
      bestAnswerBy: row.best_answer_by ?? null,
    },
  };
}
