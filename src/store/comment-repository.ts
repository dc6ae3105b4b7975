import { type Selectable, sql } from 'kysely';
import type { Db } from './dialects/dialect.js';
import type { CommentRecord, DeletedComment, NewComment, StoredSegment, TouchedPost } from './records.js';
import type { Database } from './schema.js';
import { StatementShapes } from './statement-shapes.js';

/**
 * Comments on posts. Deleted comments are never returned. Each write locks the rows it depends on
 * in one order, comment before post, and returns the post as the lock left it, so the activity
 * the caller counts from it (src/domain/activity.ts) stays exact when writes to one post race.
 */
export class CommentRepository {
  /** The statements a feed page reads with, compiled once per shape (statement-shapes.ts). */
  readonly #shapes: StatementShapes;

  constructor(private readonly db: Db) {
    this.#shapes = new StatementShapes(db);
  }

  /**
   * Adds a comment and counts it on its post, which moves up in LastModifiedDateDesc order.
   * Returns the post as the write's row lock left it (undefined when there is no such post).
   */
  async insertComment(comment: NewComment): Promise<TouchedPost | undefined> {
    await this.db
      .insertInto('comments')
      .values({
        id: comment.id,
        org_id: comment.orgId,
        feed_element_id: comment.feedElementId,
        author_id: comment.authorId,
        body: JSON.stringify(comment.segments),
        text: comment.text,
        created_at: comment.createdAt,
        modified_at: comment.modifiedAt,
        like_count: 0,
        deleted_at: null,
      })
      .execute();
    const post = await this.db
      .updateTable('feed_elements')
      .set((eb) => ({ comment_count: eb('comment_count', '+', 1), modified_at: comment.createdAt }))
      .where('id', '=', comment.feedElementId)
      .returning(['author_id', 'deleted_at'])
      .executeTakeFirst();
    // The post's mentions carry its modified_at for their keyset index (migration 006).
    await this.db
      .updateTable('feed_mentions')
      .set({ modified_at: comment.createdAt })
      .where('feed_element_id', '=', comment.feedElementId)
      .execute();
    return post && { authorId: post.author_id, deleted: post.deleted_at !== null };
  }

  async updateCommentBody(
    orgId: string,
    id: string,
    change: { segments: StoredSegment[]; text: string; modifiedAt: number },
  ): Promise<void> {
    await this.db
      .updateTable('comments')
      .set({ body: JSON.stringify(change.segments), text: change.text, modified_at: change.modifiedAt })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  /**
   * Marks a comment deleted and uncounts it on its post; returns it and its post as the write left
   * them (undefined when it was deleted already).
   */
  async deleteComment(
    orgId: string,
    comment: { id: string; feedElementId: string },
    at: number,
  ): Promise<DeletedComment | undefined> {
    const deleted = await this.db
      .updateTable('comments')
      .set({ deleted_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', comment.id)
      .where('deleted_at', 'is', null)
      .returning(['author_id', 'like_count'])
      .executeTakeFirst();
    if (!deleted) return undefined;
    const post = await this.db
      .updateTable('feed_elements')
      .set((eb) => ({
        comment_count: eb('comment_count', '-', 1),
        // A deleted best answer is no answer: the question is unsolved again (decision 0034).
        best_answer_id: sql<
          string | null
        >`case when best_answer_id = ${comment.id} then null else best_answer_id end`,
        best_answer_by: sql<
          string | null
        >`case when best_answer_id = ${comment.id} then null else best_answer_by end`,
      }))
      .where('id', '=', comment.feedElementId)
      .returning(['author_id', 'deleted_at'])
      .executeTakeFirst();
    return {
      authorId: deleted.author_id,
      likeCount: Number(deleted.like_count),
      post: post && { authorId: post.author_id, deleted: post.deleted_at !== null },
    };
  }

  async findComments(orgId: string, ids: readonly string[]): Promise<CommentRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('comments')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', 'in', [...new Set(ids)])
      .where('deleted_at', 'is', null)
      .execute();
    return rows.map(toComment);
  }

  /** The latest `count` comments of each post, for a whole page of posts in one query. */
  async recentComments(feedElementIds: readonly string[], count: number): Promise<CommentRecord[]> {
    if (feedElementIds.length === 0 || count <= 0) return [];
    const rows = await this.#shapes.rows(
      'recent',
      { ids: [...new Set(feedElementIds)], count },
      ({ ids, count }) => this.#recentComments(ids, count),
    );
    return rows.map(toComment);
  }

  #recentComments(feedElementIds: string[], count: number) {
    const ranked = this.db
      .selectFrom('comments')
      .selectAll()
      .select((eb) =>
        eb.fn
          .agg<number>('row_number')
          .over((ob) => ob.partitionBy('feed_element_id').orderBy('created_at', 'desc').orderBy('id', 'desc'))
          .as('rn'),
      )
      .where('feed_element_id', 'in', feedElementIds)
      .where('deleted_at', 'is', null);
    return this.db
      .selectFrom(ranked.as('c'))
      .selectAll()
      .where('rn', '<=', count)
      .orderBy('created_at')
      .orderBy('id');
  }

  /**
   * A page of a post's comments in keyset order: `older` = the `limit` comments just before the
   * cursor (or the latest ones without a cursor), `newer` = the `limit` just after it. Returned
   * oldest first.
   */
  async commentPage(
    feedElementId: string,
    cursor: { at: number; id: string; direction: 'older' | 'newer' } | undefined,
    limit: number,
  ): Promise<CommentRecord[]> {
    const newer = cursor?.direction === 'newer';
    let q = this.db
      .selectFrom('comments')
      .selectAll()
      .where('feed_element_id', '=', feedElementId)
      .where('deleted_at', 'is', null);
    if (cursor) {
      q = q.where((eb) =>
        eb(eb.refTuple('created_at', 'id'), newer ? '>' : '<', eb.tuple(cursor.at, cursor.id)),
      );
    }
    const rows = await q
      .orderBy('created_at', newer ? 'asc' : 'desc')
      .orderBy('id', newer ? 'asc' : 'desc')
      .limit(limit)
      .execute();
    const comments = rows.map(toComment);
    return newer ? comments : comments.reverse();
  }
}

function toComment(row: Selectable<Database['comments']>): CommentRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    feedElementId: row.feed_element_id,
    authorId: row.author_id,
    segments: JSON.parse(row.body) as StoredSegment[],
    text: row.text,
    createdAt: Number(row.created_at),
    modifiedAt: Number(row.modified_at),
    likeCount: Number(row.like_count),
  };
}
