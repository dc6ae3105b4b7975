import { type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import { containsPattern } from '../lib/search-fold.js';
import type { Db } from './dialects/dialect.js';
import { toFeedElement } from './post-repository.js';
import type { FeedBranch, FeedElementRecord, FeedPageQuery, QuestionFilter } from './records.js';
import type { Database } from './schema.js';
import { StatementShapes } from './statement-shapes.js';

type FeedRow = Selectable<Database['feed_elements']>;

/** Feed pages, and what a viewer's feeds draw from. Deleted posts are never returned. */
export class FeedRepository {
  /** The page statement and the feed sources', compiled once per shape (statement-shapes.ts). */
  readonly #shapes: StatementShapes;

  constructor(private readonly db: Db) {
    this.#shapes = new StatementShapes(db);
  }

  /**
   * One page of a feed, newest first. Each branch reads its own keyset index and stops after
   * `limit` rows, so a page costs the same whatever the number of stored posts; the branches are
   * merged in one statement.
   */
  async page(query: FeedPageQuery): Promise<FeedElementRecord[]> {
    // A branch's kind, the sort and a question filter pick the SQL; every other value is a
    // parameter. A text search is built each time (its value is rewritten into a pattern).
    const rows = await this.#shapes.rows('page', query, (q) => this.#pageQuery(q), PAGE_LITERALS);
    return rows.map(toFeedElement);
  }

  #pageQuery(query: FeedPageQuery): SelectQueryBuilder<Database, never, FeedRow> | undefined {
    const column = query.sort === 'modified' ? 'modified_at' : 'created_at';
    const branches = query.branches.map((branch) => this.#branch(branch, query, column));
    const [first, ...rest] = branches;
    if (!first) return undefined;
    if (rest.length === 0) return first.limit(query.limit);
    // The branches merge only their keys, and the page's rows are read after: a union of whole
    // rows compared every column of every branch's rows to remove duplicates (SQLite: 1.15 ms of
    // the news page, 0.6 ms this way), while a post's key is equal in every branch that finds it.
    const keys = (branch: (typeof branches)[number], i: number) =>
      this.db
        .selectFrom(
          branch
            .clearSelect()
            .select(['fe.id', `fe.${column}`] as const)
            .limit(query.limit)
            .as(`b${i}`),
        )
        .selectAll();
    let union = keys(first, 0);
    rest.forEach((branch, i) => {
      union = union.union(keys(branch, i + 1));
    });
    const page = union.orderBy(column, 'desc').orderBy('id', 'desc').limit(query.limit).as('p');
    return this.db
      .selectFrom(page)
      .innerJoin('feed_elements as fe', 'fe.id', 'p.id')
      .selectAll('fe')
      .orderBy(`p.${column}`, 'desc')
      .orderBy('p.id', 'desc');
  }

  #branch(branch: FeedBranch, query: FeedPageQuery, column: 'created_at' | 'modified_at') {
    let q: SelectQueryBuilder<Database & { fe: Database['feed_elements'] }, 'fe', FeedRow> =
      this.#source(branch);
    if (branch.kind === 'subject') q = q.where('fe.subject_id', '=', branch.id);
    // Written as the partial index feed_elements_wall is (migration 003), so the planner uses it.
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
    if (query.excludeMutedBy !== undefined) {
      const userId = query.excludeMutedBy;
      q = q.where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('feed_mutes as mu')
              .select('mu.feed_element_id')
              .where('mu.user_id', '=', userId)
              .whereRef('mu.feed_element_id', '=', 'fe.id'),
          ),
        ),
      );
    }
    if (query.questions) q = q.where(questionsOnly(query.questions));
    if (query.textContains) {
      // The folded key, not lower(): alike on both stores for all of Unicode (decision 0020).
      q = q.where('fe.text_key', 'like', sql<string>`${containsPattern(query.textContains)} escape '\\'`);
    }
    // The mentions branch sorts and seeks on the mention's copy of the post's dates (migration
    // 005), so that it walks its own index; the values are the post's, so the pages are the same.
    // A topic's branch walks its assignments' copy of the post's created_at (migration 012).
    const own = branch.kind === 'topic' && column === 'created_at' ? 'ta' : null;
    const alias = branch.kind === 'mentions' ? 'fm' : own;
    const at = sql.ref<number>(alias ? `${alias}.${column}` : `fe.${column}`);
    const id = sql.ref<string>(alias ? `${alias}.feed_element_id` : 'fe.id');
    if (query.since !== undefined) q = q.where(at, '>', query.since);
    const before = query.before;
    if (before) q = q.where(sql<boolean>`(${at}, ${id}) < (${before.at}, ${before.id})`);
    return q.orderBy(at, 'desc').orderBy(id, 'desc');
  }

  /** Where a branch's rows come from: the posts, or an index of them joined to the posts. */
  #source(branch: FeedBranch) {
    const posts = this.db.selectFrom('feed_elements as fe').selectAll('fe');
    switch (branch.kind) {
      case 'mentions':
        return this.db
          .selectFrom('feed_mentions as fm')
          .innerJoin('feed_elements as fe', 'fe.id', 'fm.feed_element_id')
          .selectAll('fe')
          .where('fm.user_id', '=', branch.userId) as never;
      case 'topic':
        return this.db
          .selectFrom('topic_assignments as ta')
          .innerJoin('feed_elements as fe', 'fe.id', 'ta.feed_element_id')
          .selectAll('fe')
          .where('ta.topic_id', '=', branch.topicId) as never;
      case 'bookmarks':
      case 'muted':
        return posts.where((eb) =>
          eb(
            'fe.id',
            'in',
            eb
              .selectFrom(branch.kind === 'bookmarks' ? 'feed_bookmarks' : 'feed_mutes')
              .select('feed_element_id')
              .where('user_id', '=', branch.userId),
          ),
        ) as never;
      default:
        return posts as never;
    }
  }

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
  async feedSources(userId: string): Promise<{
    followedUsers: string[];
    followedGroups: string[];
    followedRecords: string[];
    memberGroups: string[];
  }> {
    const rows = await this.#shapes.rows('sources', userId, (userId) =>
      this.db
        .selectFrom('subscriptions')
        .select(['subject_id as id', sql<string>`subject_kind`.as('kind')])
        .where('subscriber_id', '=', userId)
        .unionAll(
          this.db
            .selectFrom('group_members')
            .select(['group_id as id', sql<string>`'member'`.as('kind')])
            .where('user_id', '=', userId),
        ),
    );
    const of = (kind: string) => rows.filter((r) => r.kind === kind).map((r) => r.id);
    return {
      followedUsers: of('user'),
      followedGroups: of('group'),
      followedRecords: of('record'),
      memberGroups: of('member'),
    };
  }
}

/** The fields of a page query whose values are part of its SQL, not parameters. */
const PAGE_LITERALS = ['kind', 'sort', 'questions'] as const;

/**
 * The questions a filter keeps (F2 §1.4): solved = a best answer, unsolved = none, unanswered = no
 * comment. The type is written as the partial index feed_elements_questions is (migration 017),
 * a literal, so that SQLite's planner can prove the index covers the query.
 */
function questionsOnly(filter: QuestionFilter) {
  const question = sql<boolean>`fe.type = 'QuestionPost'`;
  switch (filter) {
    case 'AllQuestions':
      return question;
    case 'SolvedQuestions':
      return sql<boolean>`${question} and fe.best_answer_id is not null`;
    case 'UnsolvedQuestions':
      return sql<boolean>`${question} and fe.best_answer_id is null`;
    case 'UnansweredQuestions':
      return sql<boolean>`${question} and fe.comment_count = 0`;
  }
}
