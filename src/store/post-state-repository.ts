import { sql } from 'kysely';
import type { Db } from './dialects/dialect.js';
import type { PostReadRecord, ViewerPostState } from './records.js';
import { StatementShapes } from './statement-shapes.js';

type Mark = 'feed_bookmarks' | 'feed_mutes';

/**
 * What users did to posts besides commenting and liking (SPEC §12.5): bookmarks, mutes, reads, and
 * the edit history a post carries (decision 0028). Each read takes a whole page of posts at once.
 */
export class PostStateRepository {
  /** The statements a feed page reads with, compiled once per shape (statement-shapes.ts). */
  readonly #shapes: StatementShapes;

  constructor(private readonly db: Db) {
    this.#shapes = new StatementShapes(db);
  }

  /** Sets or clears a bookmark (`feed_bookmarks`) or a mute (`feed_mutes`); idempotent. */
  async mark(table: Mark, userId: string, feedElementId: string, on: boolean, at: number): Promise<void> {
    if (on) {
      await this.db
        .insertInto(table)
        .values({ user_id: userId, feed_element_id: feedElementId, created_at: at })
        .onConflict((oc) => oc.columns(['user_id', 'feed_element_id']).doNothing())
        .execute();
    } else {
      await this.db
        .deleteFrom(table)
        .where('user_id', '=', userId)
        .where('feed_element_id', '=', feedElementId)
        .execute();
    }
  }

  /** Records (or moves) when a user read a post. */
  async markRead(feedElementId: string, userId: string, at: number): Promise<void> {
    await this.db
      .insertInto('feed_reads')
      .values({ feed_element_id: feedElementId, user_id: userId, last_read_at: at })
      .onConflict((oc) => oc.columns(['feed_element_id', 'user_id']).doUpdateSet({ last_read_at: at }))
      .execute();
  }

  async unmarkRead(feedElementId: string, userId: string): Promise<void> {
    await this.db
      .deleteFrom('feed_reads')
      .where('feed_element_id', '=', feedElementId)
      .where('user_id', '=', userId)
      .execute();
  }

  /** Who read a post, latest first, after the keyset cursor; `limit` rows at most. */
  async readers(
    feedElementId: string,
    limit: number,
    before?: { at: number; id: string },
  ): Promise<PostReadRecord[]> {
    let q = this.db
      .selectFrom('feed_reads')
      .select(['user_id', 'last_read_at'])
      .where('feed_element_id', '=', feedElementId);
    if (before) q = q.where(sql<boolean>`(last_read_at, user_id) < (${before.at}, ${before.id})`);
    const rows = await q.orderBy('last_read_at', 'desc').orderBy('user_id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ userId: r.user_id, lastReadAt: Number(r.last_read_at) }));
  }

  async readerCount(feedElementId: string): Promise<number> {
    const row = await this.db
      .selectFrom('feed_reads')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('feed_element_id', '=', feedElementId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The viewer's bookmarks, mutes and reads among these posts, in one query. */
  async viewerState(userId: string, feedElementIds: readonly string[]): Promise<ViewerPostState> {
    const state: ViewerPostState = { bookmarked: new Set(), muted: new Set(), readAt: new Map() };
    if (feedElementIds.length === 0) return state;
    const rows = await this.#shapes.rows(
      'viewer-state',
      { userId, ids: [...new Set(feedElementIds)] },
      ({ userId, ids }) =>
        this.db
          .selectFrom('feed_bookmarks')
          .select(['feed_element_id as id', sql<string>`'b'`.as('kind'), 'created_at as at'])
          .where('user_id', '=', userId)
          .where('feed_element_id', 'in', ids)
          .unionAll(
            this.db
              .selectFrom('feed_mutes')
              .select(['feed_element_id as id', sql<string>`'m'`.as('kind'), 'created_at as at'])
              .where('user_id', '=', userId)
              .where('feed_element_id', 'in', ids),
          )
          .unionAll(
            this.db
              .selectFrom('feed_reads')
              .select(['feed_element_id as id', sql<string>`'r'`.as('kind'), 'last_read_at as at'])
              .where('user_id', '=', userId)
              .where('feed_element_id', 'in', ids),
          ),
    );
    for (const row of rows) {
      if (row.kind === 'b') state.bookmarked.add(row.id);
      else if (row.kind === 'm') state.muted.add(row.id);
      else state.readAt.set(row.id, Number(row.at));
    }
    return state;
  }

  /**
   * A question's best answer and who chose it, or (null) none (SPEC §12.5, decision 0034). A chosen
   * comment must be a live comment of this post, checked in the same statement: false when not.
   */
  async setBestAnswer(feedElementId: string, commentId: string | null, by: string | null): Promise<boolean> {
    let q = this.db
      .updateTable('feed_elements')
      .set({ best_answer_id: commentId, best_answer_by: by })
      .where('id', '=', feedElementId);
    if (commentId !== null) {
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('comments')
            .select('comments.id')
            .where('comments.id', '=', commentId)
            .where('comments.feed_element_id', '=', feedElementId)
            .where('comments.deleted_at', 'is', null),
        ),
      );
    }
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** A question's new title (F2 §6). */
  async retitle(feedElementId: string, title: string): Promise<void> {
    await this.db
      .updateTable('feed_elements')
      .set({ question_title: title })
      .where('id', '=', feedElementId)
      .execute();
  }

  /** Counts an edit: who and when, and one more revision. */
  async recordEdit(feedElementId: string, userId: string, at: number): Promise<void> {
    await this.db
      .updateTable('feed_elements')
      .set((eb) => ({
        last_edited_by: userId,
        last_edited_at: at,
        revision: eb(eb.fn.coalesce('revision', sql<number>`1`), '+', 1),
      }))
      .where('id', '=', feedElementId)
      .execute();
  }
}
