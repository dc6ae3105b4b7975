import { CompiledQuery, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import { containsPattern, searchFold } from '../lib/search-fold.js';
import type { GroupRole } from './group-repository.js';
import type { Database } from './schema.js';
import type { Db, StoreKind } from './store.js';
import { ActivityChanges } from './user-activity.js';

/**
 * A message segment as stored (docs/decisions/0001-feed-body-storage.md): the input segments
 * after validation. What a viewer sees is built from these at read time.
 */
export type StoredSegment =
  | { type: 'Text'; text: string }
  | { type: 'Mention'; id: string }
  | { type: 'Hashtag'; tag: string }
  | { type: 'Link'; url: string };

export type SubjectKind = 'user' | 'group';
export type FeedItemType = 'TextPost' | 'LinkPost';

export interface FeedElementRecord {
  id: string;
  orgId: string;
  /** The scope of the post: its group's community, or where a profile post was made; null = internal. */
  communityId: string | null;
  authorId: string;
  subjectId: string;
  subjectKind: SubjectKind;
  segments: StoredSegment[];
  /** Plain text of the body: what search matches and what `body.text` shows. */
  text: string;
  type: FeedItemType;
  linkUrl: string | null;
  linkName: string | null;
  clientName: string | null;
  createdAt: number;
  modifiedAt: number;
  commentCount: number;
  likeCount: number;
}

export type NewFeedElement = Omit<FeedElementRecord, 'commentCount' | 'likeCount'>;

export interface CommentRecord {
  id: string;
  orgId: string;
  feedElementId: string;
  authorId: string;
  segments: StoredSegment[];
  text: string;
  createdAt: number;
  modifiedAt: number;
  likeCount: number;
}

export type NewComment = Omit<CommentRecord, 'likeCount'>;

export interface LikeRecord {
  id: string;
  orgId: string;
  feedElementId: string;
  /** null for a like of the feed element itself. */
  commentId: string | null;
  userId: string;
  createdAt: number;
}

export type FeedSort = 'created' | 'modified';

/**
 * One source of a feed, read through its own keyset index: posts to a subject (user or group),
 * posts by an author, posts mentioning a user, or the whole scope (the org index).
 */
export type FeedBranch =
  /** Posts to a user or group; `byOthers`: only those not by the subject itself (the To feed). */
  | { kind: 'subject'; id: string; byOthers?: boolean }
  | { kind: 'author'; id: string }
  | { kind: 'mentions'; userId: string }
  | { kind: 'scope' }
  /** Several sources through the org index at once, for viewers with very many sources. */
  | { kind: 'any'; subjects: string[]; authors: string[]; mentionsOf: string | null };

export interface FeedPageQuery {
  orgId: string;
  communityId: string | null;
  branches: FeedBranch[];
  /** Posts to these groups are left out (groups the viewer may not read). */
  hiddenGroups: readonly string[];
  /** Case-insensitive substring of the plain text (search). */
  textContains?: string | undefined;
  sort: FeedSort;
  /** Keyset cursor: only elements strictly after (older than) this one in the sort order. */
  before?: { at: number; id: string } | undefined;
  /** Only elements created (or, sorting by modification, modified) after this time. */
  since?: number | undefined;
  limit: number;
}

type FeedRow = Selectable<Database['feed_elements']>;
type CommentRow = Selectable<Database['comments']>;
type LikeRow = Selectable<Database['likes']>;

/**
 * Posts, their mentions, comments and likes. Deleted posts and comments are never returned.
 *
 * Every write here also keeps the chatterActivity counters of the users it affects (decision
 * 0014), so the caller runs it in a transaction. To stay exact when writes to one post race, each
 * write locks the rows it depends on in one order, comment before post, and decides what to count
 * from the post (and comment) as the lock left them: a comment or like that lands on a post being
 * deleted either is seen by the deletion or sees the deletion, never neither.
 */
export class FeedRepository {
  constructor(
    private readonly db: Db,
    private readonly kind: StoreKind,
  ) {}

  // ---- feed elements ------------------------------------------------------------------------

  async insertElement(element: NewFeedElement, mentionedUserIds: readonly string[]): Promise<void> {
    await this.db.insertInto('feed_elements').values(toFeedRow(element)).execute();
    await this.#insertMentions(element, mentionedUserIds);
    await new ActivityChanges().add(element.authorId, 'post_count', 1).write(this.db);
  }

  /**
   * Many posts in one statement (bulk loading; the caller sizes the batch to the dialect's
   * parameter limit). The statement text is built once per size and the values passed as they are:
   * compiling a thousand-row INSERT through the query builder costs more than running it.
   */
  async insertElements(elements: readonly NewFeedElement[]): Promise<void> {
    if (elements.length === 0) return;
    const rows = elements.map(toFeedRow);
    if (this.kind === 'postgres') {
      // One array per column: 17 parameters whatever the number of rows.
      const columns = FEED_COLUMNS.map((column) => rows.map((row) => row[column]));
      await this.db.executeQuery(CompiledQuery.raw(PG_BULK_INSERT, columns));
    } else {
      const parameters: unknown[] = [];
      for (const row of rows) for (const column of FEED_COLUMNS) parameters.push(row[column]);
      await this.db.executeQuery(CompiledQuery.raw(sqliteBulkInsert(elements.length), parameters));
    }
    // The authors' post counts: one statement for the whole batch, not one per post.
    const changes = new ActivityChanges();
    for (const element of elements) changes.add(element.authorId, 'post_count', 1);
    await changes.write(this.db);
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
   * Marks a post deleted. Its author no longer counts it, nor its comments and the likes of the
   * post; each commenter no longer counts the comments, nor the likes they received on them.
   * Costs O(the post's comments), whatever the size of the store.
   */
  async deleteElement(orgId: string, id: string, at: number): Promise<void> {
    const post = await this.db
      .updateTable('feed_elements')
      .set({ deleted_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returning(['author_id', 'like_count'])
      .executeTakeFirst();
    if (!post) return;
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
    const changes = new ActivityChanges()
      .add(post.author_id, 'post_count', -1)
      .add(post.author_id, 'like_received_count', -Number(post.like_count));
    for (const row of commenters) {
      changes
        .add(row.author_id, 'comment_count', -Number(row.comments))
        .add(row.author_id, 'like_received_count', -Number(row.likes))
        .add(post.author_id, 'comment_received_count', -Number(row.comments));
    }
    await changes.write(this.db);
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

  /**
   * One page of a feed, newest first. Each branch reads its own keyset index and stops after
   * `limit` rows, so a page costs the same whatever the number of stored posts; the branches are
   * merged in one statement.
   */
  async page(query: FeedPageQuery): Promise<FeedElementRecord[]> {
    const column = query.sort === 'modified' ? 'modified_at' : 'created_at';
    const branches = query.branches.map((branch) => this.#branch(branch, query, column));
    const [first, ...rest] = branches;
    if (!first) return [];
    if (rest.length === 0) return (await first.limit(query.limit).execute()).map(toFeedElement);
    let union = this.db.selectFrom(first.limit(query.limit).as('b0')).selectAll();
    rest.forEach((branch, i) => {
      union = union.union(this.db.selectFrom(branch.limit(query.limit).as(`b${i + 1}`)).selectAll());
    });
    const rows = await union.orderBy(column, 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map(toFeedElement);
  }

  #branch(branch: FeedBranch, query: FeedPageQuery, column: 'created_at' | 'modified_at') {
    let q: SelectQueryBuilder<Database & { fe: Database['feed_elements'] }, 'fe', FeedRow> =
      branch.kind === 'mentions'
        ? this.db
            .selectFrom('feed_mentions as fm')
            .innerJoin('feed_elements as fe', 'fe.id', 'fm.feed_element_id')
            .selectAll('fe')
            .where('fm.user_id', '=', branch.userId)
        : (this.db.selectFrom('feed_elements as fe').selectAll('fe') as never);
    if (branch.kind === 'subject') q = q.where('fe.subject_id', '=', branch.id);
    // Written as the partial index feed_elements_wall is (migration 002), so the planner uses it.
    if (branch.kind === 'subject' && branch.byOthers) q = q.whereRef('fe.author_id', '<>', 'fe.subject_id');
    if (branch.kind === 'author') q = q.where('fe.author_id', '=', branch.id);
    if (branch.kind === 'any') {
      q = q.where((eb) => {
        const any = [];
        if (branch.subjects.length > 0) any.push(eb('fe.subject_id', 'in', branch.subjects));
        if (branch.authors.length > 0) any.push(eb('fe.author_id', 'in', branch.authors));
        if (branch.mentionsOf) {
          any.push(
            eb(
              'fe.id',
              'in',
              eb
                .selectFrom('feed_mentions')
                .select('feed_mentions.feed_element_id')
                .where('feed_mentions.user_id', '=', branch.mentionsOf),
            ),
          );
        }
        return any.length > 0 ? eb.or(any) : eb.val(false);
      });
    }
    // The org is named only where nothing else narrows the branch. A subject's, an author's or a
    // mention's ID belongs to one org already (IDs are unique in a store), and naming the org too
    // lets SQLite, which keeps no statistics, walk the org index (equally fit for the ORDER BY)
    // instead of the branch's own: a page of a small group's feed then read every post of the org.
    if (branch.kind === 'scope' || branch.kind === 'any') q = q.where('fe.org_id', '=', query.orgId);
    q = q
      .where('fe.community_id', query.communityId === null ? 'is' : '=', query.communityId)
      .where('fe.deleted_at', 'is', null);
    if (query.hiddenGroups.length > 0) {
      const hidden = [...query.hiddenGroups];
      q = q.where((eb) => eb.or([eb('fe.subject_kind', '=', 'user'), eb('fe.subject_id', 'not in', hidden)]));
    }
    if (query.textContains) {
      q = q.where('fe.text_key', 'like', sql<string>`${containsPattern(query.textContains)} escape '\\'`);
    }
    // The mentions branch sorts and seeks on the mention's copy of the post's dates (migration
    // 005), so that it walks its own index; the values are the post's, so the pages are the same.
    const at = sql.ref<number>(branch.kind === 'mentions' ? `fm.${column}` : `fe.${column}`);
    const id = sql.ref<string>(branch.kind === 'mentions' ? 'fm.feed_element_id' : 'fe.id');
    if (query.since !== undefined) q = q.where(at, '>', query.since);
    const before = query.before;
    if (before) q = q.where(sql<boolean>`(${at}, ${id}) < (${before.at}, ${before.id})`);
    return q.orderBy(at, 'desc').orderBy(id, 'desc');
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

  // ---- what a viewer's feeds draw from ----------------------------------------------------

  /** Every group of a scope, deleted ones included (their posts must stay hidden). */
  async groupIdsInScope(orgId: string, communityId: string | null): Promise<string[]> {
    const rows = await this.db
      .selectFrom('groups')
      .select('id')
      .where('org_id', '=', orgId)
      .where('community_id', communityId === null ? 'is' : '=', communityId)
      .execute();
    return rows.map((r) => r.id);
  }

  /** What a user follows (users and groups) and the groups the user belongs to, in one query. */
  async feedSources(
    userId: string,
  ): Promise<{ followedUsers: string[]; followedGroups: string[]; memberGroups: string[] }> {
    const rows = await this.db
      .selectFrom('subscriptions')
      .select(['subject_id as id', sql<string>`subject_kind`.as('kind')])
      .where('subscriber_id', '=', userId)
      .unionAll(
        this.db
          .selectFrom('group_members')
          .select(['group_id as id', sql<string>`'member'`.as('kind')])
          .where('user_id', '=', userId),
      )
      .execute();
    const of = (kind: string) => rows.filter((r) => r.kind === kind).map((r) => r.id);
    return { followedUsers: of('user'), followedGroups: of('group'), memberGroups: of('member') };
  }

  /** Roles of several users in several groups (one query). */
  async memberRoles(
    userIds: readonly string[],
    groupIds: readonly string[],
  ): Promise<{ userId: string; groupId: string; role: GroupRole }[]> {
    if (userIds.length === 0 || groupIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('group_members')
      .select(['user_id', 'group_id', 'role'])
      .where('user_id', 'in', [...new Set(userIds)])
      .where('group_id', 'in', [...new Set(groupIds)])
      .execute();
    return rows.map((r) => ({ userId: r.user_id, groupId: r.group_id, role: r.role }));
  }

  // ---- comments -----------------------------------------------------------------------------

  /**
   * Adds a comment and counts it on its post, which moves up in LastModifiedDateDesc order, and in
   * the activity of its author and of the post's author (unless the post was deleted meanwhile).
   */
  async insertComment(comment: NewComment): Promise<void> {
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
    // The post's mentions carry its modified_at for their keyset index (migration 005).
    await this.db
      .updateTable('feed_mentions')
      .set({ modified_at: comment.createdAt })
      .where('feed_element_id', '=', comment.feedElementId)
      .execute();
    if (post && post.deleted_at === null) {
      await new ActivityChanges()
        .add(comment.authorId, 'comment_count', 1)
        .add(post.author_id, 'comment_received_count', 1)
        .write(this.db);
    }
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
   * Marks a comment deleted and uncounts it: on its post, and (unless the post is deleted, which
   * took it back already) in the activity of its author, with the likes it received, and of the
   * post's author.
   */
  async deleteComment(orgId: string, comment: { id: string; feedElementId: string }, at: number) {
    const deleted = await this.db
      .updateTable('comments')
      .set({ deleted_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', comment.id)
      .where('deleted_at', 'is', null)
      .returning(['author_id', 'like_count'])
      .executeTakeFirst();
    if (!deleted) return;
    const post = await this.db
      .updateTable('feed_elements')
      .set((eb) => ({ comment_count: eb('comment_count', '-', 1) }))
      .where('id', '=', comment.feedElementId)
      .returning(['author_id', 'deleted_at'])
      .executeTakeFirst();
    if (post && post.deleted_at === null) {
      await new ActivityChanges()
        .add(deleted.author_id, 'comment_count', -1)
        .add(deleted.author_id, 'like_received_count', -Number(deleted.like_count))
        .add(post.author_id, 'comment_received_count', -1)
        .write(this.db);
    }
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
    const ranked = this.db
      .selectFrom('comments')
      .selectAll()
      .select((eb) =>
        eb.fn
          .agg<number>('row_number')
          .over((ob) => ob.partitionBy('feed_element_id').orderBy('created_at', 'desc').orderBy('id', 'desc'))
          .as('rn'),
      )
      .where('feed_element_id', 'in', [...new Set(feedElementIds)])
      .where('deleted_at', 'is', null);
    const rows = await this.db
      .selectFrom(ranked.as('c'))
      .selectAll()
      .where('rn', '<=', count)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toComment);
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

  // ---- likes --------------------------------------------------------------------------------

  /** Adds a like and counts it; false (and nothing changed) when the user already likes the item. */
  async insertLike(like: LikeRecord): Promise<boolean> {
    const inserted = await this.db
      .insertInto('likes')
      .values({
        id: like.id,
        org_id: like.orgId,
        feed_element_id: like.feedElementId,
        comment_id: like.commentId ?? '',
        user_id: like.userId,
        created_at: like.createdAt,
      })
      .onConflict((oc) => oc.columns(['feed_element_id', 'comment_id', 'user_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return false;
    await this.#countLike(like, 1);
    return true;
  }

  async deleteLike(like: LikeRecord): Promise<void> {
    const deleted = await this.db
      .deleteFrom('likes')
      .where('org_id', '=', like.orgId)
      .where('id', '=', like.id)
      .returning('id')
      .executeTakeFirst();
    if (deleted) await this.#countLike(like, -1);
  }

  /**
   * Counts a like (or an unlike) on its item, and in the activity of the item's author while the
   * item and its post stand: deleting them takes back the likes counted up to then.
   */
  async #countLike(like: LikeRecord, delta: 1 | -1): Promise<void> {
    if (like.commentId) {
      const comment = await this.db
        .updateTable('comments')
        .set((eb) => ({ like_count: eb('like_count', '+', delta) }))
        .where('id', '=', like.commentId)
        .returning(['author_id', 'deleted_at'])
        .executeTakeFirst();
      if (!comment || comment.deleted_at !== null) return;
      let post = this.db
        .selectFrom('feed_elements')
        .select('deleted_at')
        .where('id', '=', like.feedElementId);
      // The post's row lock orders this against a deletion of the post (SQLite: one writer at a time).
      if (this.kind === 'postgres') post = post.forUpdate();
      const row = await post.executeTakeFirst();
      if (!row || row.deleted_at !== null) return;
      await new ActivityChanges().add(comment.author_id, 'like_received_count', delta).write(this.db);
      return;
    }
    const post = await this.db
      .updateTable('feed_elements')
      .set((eb) => ({ like_count: eb('like_count', '+', delta) }))
      .where('id', '=', like.feedElementId)
      .returning(['author_id', 'deleted_at'])
      .executeTakeFirst();
    if (post && post.deleted_at === null) {
      await new ActivityChanges().add(post.author_id, 'like_received_count', delta).write(this.db);
    }
  }

  async findLike(orgId: string, id: string): Promise<LikeRecord | undefined> {
    const row = await this.db
      .selectFrom('likes')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toLike(row);
  }

  /**
   * For a page of posts and their shown comments, in one query: the latest `count` likes of each
   * item, plus the given user's own like of each (isLikedByCurrentUser, myLike).
   */
  async likesFor(
    feedElementIds: readonly string[],
    commentIds: readonly string[],
    count: number,
    userId: string | null,
  ): Promise<LikeRecord[]> {
    if (feedElementIds.length === 0) return [];
    const ranked = this.db
      .selectFrom('likes')
      .selectAll()
      .select((eb) =>
        eb.fn
          .agg<number>('row_number')
          .over((ob) =>
            ob
              .partitionBy(['feed_element_id', 'comment_id'])
              .orderBy('created_at', 'desc')
              .orderBy('id', 'desc'),
          )
          .as('rn'),
      )
      .where('feed_element_id', 'in', [...new Set(feedElementIds)])
      .where((eb) =>
        commentIds.length > 0
          ? eb.or([eb('comment_id', '=', ''), eb('comment_id', 'in', [...new Set(commentIds)])])
          : eb('comment_id', '=', ''),
      );
    const rows = await this.db
      .selectFrom(ranked.as('l'))
      .selectAll()
      .where((eb) => eb.or([eb('rn', '<=', count), eb('user_id', '=', userId ?? '')]))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toLike);
  }

  /** A page of the likes of a post (commentId null) or of a comment, newest first. */
  async likePage(
    feedElementId: string,
    commentId: string | null,
    offset: number,
    limit: number,
  ): Promise<LikeRecord[]> {
    const rows = await this.db
      .selectFrom('likes')
      .selectAll()
      .where('feed_element_id', '=', feedElementId)
      .where('comment_id', '=', commentId ?? '')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset(offset)
      .limit(limit)
      .execute();
    return rows.map(toLike);
  }
}

const FEED_COLUMNS = [
  'id',
  'org_id',
  'community_id',
  'author_id',
  'subject_id',
  'subject_kind',
  'body',
  'text',
  'text_key',
  'type',
  'created_at',
  'modified_at',
  'comment_count',
  'like_count',
  'deleted_at',
  'link_url',
  'link_name',
  'client_name',
] as const satisfies readonly (keyof Database['feed_elements'])[];

const COLUMN_TYPES: Record<(typeof FEED_COLUMNS)[number], string> = {
  id: 'text',
  org_id: 'text',
  community_id: 'text',
  author_id: 'text',
  subject_id: 'text',
  subject_kind: 'text',
  body: 'text',
  text: 'text',
  text_key: 'text',
  type: 'text',
  created_at: 'bigint',
  modified_at: 'bigint',
  comment_count: 'integer',
  like_count: 'integer',
  deleted_at: 'bigint',
  link_url: 'text',
  link_name: 'text',
  client_name: 'text',
};

/** PostgreSQL: the rows as one array per column, unnested into a multi-row INSERT. */
const PG_BULK_INSERT = `insert into feed_elements (${FEED_COLUMNS.join(', ')}) select * from unnest(${FEED_COLUMNS.map(
  (column, i) => `$${i + 1}::${COLUMN_TYPES[column]}[]`,
).join(', ')})`;

const sqliteTexts = new Map<number, string>();

/** SQLite: `insert into feed_elements (…) values (?, …), …`, the text built once per size. */
function sqliteBulkInsert(rows: number): string {
  const cached = sqliteTexts.get(rows);
  if (cached) return cached;
  const tuple = `(${FEED_COLUMNS.map(() => '?').join(', ')})`;
  const text = `insert into feed_elements (${FEED_COLUMNS.join(', ')}) values ${Array(rows).fill(tuple).join(', ')}`;
  sqliteTexts.set(rows, text);
  return text;
}

function toFeedRow(element: NewFeedElement): Database['feed_elements'] {
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
  };
}

function toFeedElement(row: FeedRow): FeedElementRecord {
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
  };
}

function toComment(row: CommentRow): CommentRecord {
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

function toLike(row: LikeRow): LikeRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    feedElementId: row.feed_element_id,
    commentId: row.comment_id === '' ? null : row.comment_id,
    userId: row.user_id,
    createdAt: Number(row.created_at),
  };
}
