import { type Selectable, sql } from 'kysely';
import { containsPattern, searchFold } from '../lib/search-fold.js';
import type { BulkColumn, Db, StoreDialect } from './dialects/dialect.js';
import type { TopicRecord } from './records.js';
import type { Database } from './schema.js';
import { StatementShapes } from './statement-shapes.js';

export type TopicSort = 'popularDesc' | 'alphaAsc';

/**
 * Topics and their assignment to posts (migration 012, decision 0028). `talking_about` counts the
 * live posts assigned a topic; every write that assigns, unassigns or deletes changes it in the
 * same transaction, with `+ 1`/`- 1` in the UPDATE (the row lock orders concurrent writers).
 */
export class TopicRepository {
  /** The statements a feed page reads with, compiled once per shape (statement-shapes.ts). */
  readonly #shapes: StatementShapes;

  constructor(
    private readonly db: Db,
    private readonly dialect: StoreDialect,
  ) {
    this.#shapes = new StatementShapes(db);
  }

  /** Creates a topic; undefined (nothing written) when the org has one of that name in any case. */
  async create(topic: Omit<TopicRecord, 'talkingAbout'>): Promise<TopicRecord | undefined> {
    return (await this.createMany([topic]))[0];
  }

  /**
   * Creates topics in one statement; returns those written. One whose name the org has in any case
   * (another writer's, meanwhile) is left out, not written. The caller keeps the batch within
   * SQLite's parameter limit.
   */
  async createMany(topics: readonly Omit<TopicRecord, 'talkingAbout'>[]): Promise<TopicRecord[]> {
    if (topics.length === 0) return [];
    const rows = await this.db
      .insertInto('topics')
      .values(
        topics.map((topic) => ({
          id: topic.id,
          org_id: topic.orgId,
          name: topic.name,
          name_key: searchFold(topic.name),
          description: topic.description,
          created_at: topic.createdAt,
          talking_about: 0,
        })),
      )
      .onConflict((oc) => oc.columns(['org_id', 'name_key']).doNothing())
      .returningAll()
      .execute();
    return rows.map(toTopic);
  }

  async find(orgId: string, ids: readonly string[]): Promise<TopicRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('topics')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return rows.map(toTopic);
  }

  async findByName(orgId: string, name: string): Promise<TopicRecord | undefined> {
    const row = await this.db
      .selectFrom('topics')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('name_key', '=', searchFold(name))
      .executeTakeFirst();
    return row ? toTopic(row) : undefined;
  }

  /** The org's topics of these names (compared folded), in one query; names with none are left out. */
  async findByNames(orgId: string, names: readonly string[]): Promise<TopicRecord[]> {
    if (names.length === 0) return [];
    const rows = await this.db
      .selectFrom('topics')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('name_key', 'in', [...new Set(names.map(searchFold))])
      .execute();
    return rows.map(toTopic);
  }

  /** A keyset page of an org's topics, by name or by talkingAbout; `q` matches names (folded). */
  async list(
    orgId: string,
    options: {
      q?: string | undefined;
      exactMatch: boolean;
      sort: TopicSort;
      limit: number;
      after?: { key: string | number; id: string } | undefined;
    },
  ): Promise<TopicRecord[]> {
    let q = this.db.selectFrom('topics').selectAll().where('org_id', '=', orgId);
    if (options.q !== undefined) {
      q = options.exactMatch
        ? q.where('name_key', '=', searchFold(options.q))
        : q.where('name_key', 'like', sql<string>`${containsPattern(options.q)} escape '\\'`);
    }
    const after = options.after;
    if (options.sort === 'alphaAsc') {
      if (after) q = q.where(sql<boolean>`(name_key, id) > (${String(after.key)}, ${after.id})`);
      q = q.orderBy('name_key').orderBy('id');
    } else {
      if (after) {
        const n = Number(after.key);
        q = q.where((eb) =>
          eb.or([
            eb('talking_about', '<', n),
            eb.and([eb('talking_about', '=', n), eb('id', '>', after.id)]),
          ]),
        );
      }
      q = q.orderBy('talking_about', 'desc').orderBy('id');
    }
    return (await q.limit(options.limit).execute()).map(toTopic);
  }

  /** Topics assigned most in [since, ∞), then by name; ties of count broken by name. */
  async trending(orgId: string, since: number, limit: number): Promise<TopicRecord[]> {
    const rows = await this.db
      .selectFrom('topic_assignments as ta')
      .innerJoin('topics as t', 't.id', 'ta.topic_id')
      .innerJoin('feed_elements as fe', 'fe.id', 'ta.feed_element_id')
      .selectAll('t')
      .select((eb) => eb.fn.countAll<number>().as('recent'))
      .where('ta.org_id', '=', orgId)
      .where('ta.assigned_at', '>=', since)
      .where('fe.deleted_at', 'is', null)
      .groupBy([
        't.id',
        't.org_id',
        't.name',
        't.name_key',
        't.description',
        't.created_at',
        't.talking_about',
      ])
      .orderBy('recent', 'desc')
      .orderBy('t.name_key')
      .orderBy('t.id')
      .limit(limit)
      .execute();
    return rows.map(toTopic);
  }

  async update(orgId: string, id: string, change: { name?: string; description?: string | null }) {
    await this.db
      .updateTable('topics')
      .set({
        ...(change.name !== undefined ? { name: change.name, name_key: searchFold(change.name) } : {}),
        ...(change.description !== undefined ? { description: change.description } : {}),
      })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  /** Deletes a topic and its assignments (to posts and to records) at once. */
  async delete(orgId: string, id: string): Promise<void> {
    await this.db.deleteFrom('topic_assignments').where('topic_id', '=', id).execute();
    await this.db.deleteFrom('record_topic_assignments').where('topic_id', '=', id).execute();
    await this.db.deleteFrom('topics').where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  /** Assigns a topic to a post; counts it when it is new. Returns whether it was new. */
  async assign(
    topicId: string,
    post: { id: string; orgId: string; createdAt: number; modifiedAt: number },
    at: number,
  ): Promise<boolean> {
    const inserted = await this.db
      .insertInto('topic_assignments')
      .values({
        topic_id: topicId,
        feed_element_id: post.id,
        org_id: post.orgId,
        created_at: post.createdAt,
        modified_at: post.modifiedAt,
        assigned_at: at,
      })
      .onConflict((oc) => oc.columns(['topic_id', 'feed_element_id']).doNothing())
      .returning('topic_id')
      .executeTakeFirst();
    if (!inserted) return false;
    await this.#count([topicId], 1);
    return true;
  }

  /**
   * Assigns a topic to many new posts in one statement and counts them in one more (bulk loads:
   * `chatterbox seed`); the caller sizes the batch to SQLite's parameter limit.
   */
  async assignMany(
    topicId: string,
    posts: readonly { id: string; orgId: string; createdAt: number; modifiedAt: number }[],
    at: number,
  ): Promise<void> {
    if (posts.length === 0) return;
    await this.dialect.bulkInsert(
      this.db,
      'topic_assignments',
      ASSIGNMENT_COLUMNS,
      posts.map((post) => ({
        topic_id: topicId,
        feed_element_id: post.id,
        org_id: post.orgId,
        created_at: post.createdAt,
        modified_at: post.modifiedAt,
        assigned_at: at,
      })),
    );
    await this.db
      .updateTable('topics')
      .set((eb) => ({ talking_about: eb('talking_about', '+', posts.length) }))
      .where('id', '=', topicId)
      .execute();
  }

  async unassign(topicId: string, feedElementId: string): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom('topic_assignments')
      .where('topic_id', '=', topicId)
      .where('feed_element_id', '=', feedElementId)
      .returning('topic_id')
      .executeTakeFirst();
    if (!deleted) return false;
    await this.#count([topicId], -1);
    return true;
  }

  /** A post was deleted: its topics count it no more (its assignments stay, unseen). */
  async postDeleted(feedElementId: string): Promise<void> {
    const rows = await this.db
      .selectFrom('topic_assignments')
      .select('topic_id')
      .where('feed_element_id', '=', feedElementId)
      .execute();
    await this.#count(
      rows.map((r) => r.topic_id),
      -1,
    );
  }

  /** The topics of these posts, each post's in the order they were assigned. */
  async topicsOf(
    feedElementIds: readonly string[],
  ): Promise<{ feedElementId: string; topic: TopicRecord }[]> {
    if (feedElementIds.length === 0) return [];
    const rows = await this.#shapes.rows('topics-of', [...new Set(feedElementIds)], (ids) =>
      this.db
        .selectFrom('topic_assignments as ta')
        .innerJoin('topics as t', 't.id', 'ta.topic_id')
        .selectAll('t')
        .select('ta.feed_element_id')
        .where('ta.feed_element_id', 'in', ids)
        .orderBy('ta.assigned_at')
        .orderBy('t.name_key'),
    );
    return rows.map((r) => ({ feedElementId: r.feed_element_id, topic: toTopic(r) }));
  }

  /** The topics of a record, in the order they were assigned (migration 014). */
  async topicsOfRecord(recordId: string): Promise<TopicRecord[]> {
    const rows = await this.db
      .selectFrom('record_topic_assignments as ra')
      .innerJoin('topics as t', 't.id', 'ra.topic_id')
      .selectAll('t')
      .where('ra.record_id', '=', recordId)
      .orderBy('ra.assigned_at')
      .orderBy('t.name_key')
      .execute();
    return rows.map(toTopic);
  }

  /** Assigns a topic to a record; `talking_about` counts posts only, so it stays. Whether it was new. */
  async assignToRecord(topicId: string, record: { id: string; orgId: string }, at: number): Promise<boolean> {
    const inserted = await this.db
      .insertInto('record_topic_assignments')
      .values({ record_id: record.id, topic_id: topicId, org_id: record.orgId, assigned_at: at })
      .onConflict((oc) => oc.columns(['record_id', 'topic_id']).doNothing())
      .returning('topic_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async unassignFromRecord(topicId: string, recordId: string): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom('record_topic_assignments')
      .where('record_id', '=', recordId)
      .where('topic_id', '=', topicId)
      .returning('topic_id')
      .executeTakeFirst();
    return deleted !== undefined;
  }

  /**
   * The record's topics become exactly these: the others unassigned, the new ones assigned `at`,
   * those kept left as they were (so they keep their place in the record's list).
   */
  async replaceRecordTopics(
    record: { id: string; orgId: string },
    topicIds: readonly string[],
    at: number,
  ): Promise<void> {
    let removal = this.db.deleteFrom('record_topic_assignments').where('record_id', '=', record.id);
    if (topicIds.length > 0) removal = removal.where('topic_id', 'not in', [...topicIds]);
    await removal.execute();
    if (topicIds.length === 0) return;
    await this.db
      .insertInto('record_topic_assignments')
      .values(
        topicIds.map((topicId) => ({
          record_id: record.id,
          topic_id: topicId,
          org_id: record.orgId,
          assigned_at: at,
        })),
      )
      .onConflict((oc) => oc.columns(['record_id', 'topic_id']).doNothing())
      .execute();
  }

  /** A record was deleted: its topic assignments go with it. */
  async recordDeleted(recordId: string): Promise<void> {
    await this.db.deleteFrom('record_topic_assignments').where('record_id', '=', recordId).execute();
  }

  async #count(topicIds: readonly string[], delta: 1 | -1): Promise<void> {
    if (topicIds.length === 0) return;
    await this.db
      .updateTable('topics')
      .set((eb) => ({ talking_about: eb('talking_about', '+', delta) }))
      .where('id', 'in', [...new Set(topicIds)])
      .execute();
  }
}

/** The columns of a bulk insert of assignments, with their SQL types. */
const ASSIGNMENT_COLUMNS: readonly (BulkColumn & { name: keyof Database['topic_assignments'] })[] = [
  { name: 'topic_id', type: 'text' },
  { name: 'feed_element_id', type: 'text' },
  { name: 'org_id', type: 'text' },
  { name: 'created_at', type: 'bigint' },
  { name: 'modified_at', type: 'bigint' },
  { name: 'assigned_at', type: 'bigint' },
];

function toTopic(row: Selectable<Database['topics']>): TopicRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    createdAt: Number(row.created_at),
    talkingAbout: Number(row.talking_about),
  };
}
