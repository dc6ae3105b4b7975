import type { Db } from './dialects/dialect.js';

/** A user's Chatter stream (SPEC §12.6, migration 012) and the entities it follows, oldest first. */
export interface StreamRecord {
  id: string;
  orgId: string;
  ownerId: string;
  name: string;
  description: string | null;
  createdAt: number;
  entityIds: string[];
}

export type StreamSort = 'Ascending' | 'Descending';

/** Streams and their subscriptions. A stream is read whole: its row and its entities in one query. */
export class StreamRepository {
  constructor(private readonly db: Db) {}

  async create(stream: StreamRecord): Promise<void> {
    await this.db
      .insertInto('streams')
      .values({
        id: stream.id,
        org_id: stream.orgId,
        owner_id: stream.ownerId,
        name: stream.name,
        description: stream.description,
        created_at: stream.createdAt,
      })
      .execute();
    await this.addSubscriptions(stream.id, stream.entityIds, stream.createdAt);
  }

  /** A stream of the org with its entities (one query), or undefined. */
  async find(orgId: string, id: string): Promise<StreamRecord | undefined> {
    return (await this.#read(orgId, [id]))[0];
  }

  /**
   * A page of an owner's streams by creation, with the total (the streams_owner index). An owner
   * has at most STREAMS_PER_USER streams, so the page is a bounded list, not a growing one.
   */
  async listOf(
    ownerId: string,
    options: { sort: StreamSort; offset: number; limit: number },
  ): Promise<{ streams: StreamRecord[]; total: number }> {
    const direction = options.sort === 'Ascending' ? 'asc' : 'desc';
    const [rows, count] = await Promise.all([
      this.db
        .selectFrom('streams')
        .select(['id', 'org_id'])
        .where('owner_id', '=', ownerId)
        .orderBy('created_at', direction)
        .orderBy('id', direction)
        .offset(options.offset)
        .limit(options.limit)
        .execute(),
      this.countOf(ownerId),
    ]);
    const first = rows[0];
    if (!first) return { streams: [], total: count };
    const streams = new Map(
      (
        await this.#read(
          first.org_id,
          rows.map((r) => r.id),
        )
      ).map((s) => [s.id, s]),
    );
    return { streams: rows.flatMap((r) => streams.get(r.id) ?? []), total: count };
  }

  async countOf(ownerId: string): Promise<number> {
    const row = await this.db
      .selectFrom('streams')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner_id', '=', ownerId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(id: string, changes: { name?: string | undefined; description?: string | null | undefined }) {
    const values = {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
    };
    if (Object.keys(values).length > 0)
      await this.db.updateTable('streams').set(values).where('id', '=', id).execute();
  }

  /**
   * Adds the entities the stream does not have yet (an entity already there is no change), after
   * those it has: `created_at` is their order, one apart, so it must pass the last one's even when
   * the clock has not (a stream of 25 made within the same milliseconds).
   */
  async addSubscriptions(streamId: string, entityIds: readonly string[], at: number): Promise<void> {
    if (entityIds.length === 0) return;
    const last = await this.db
      .selectFrom('stream_subscriptions')
      .select((eb) => eb.fn.max('created_at').as('last'))
      .where('stream_id', '=', streamId)
      .executeTakeFirst();
    const from = last?.last == null ? at : Math.max(at, Number(last.last) + 1);
    await this.db
      .insertInto('stream_subscriptions')
      .values(
        entityIds.map((entityId, i) => ({ stream_id: streamId, entity_id: entityId, created_at: from + i })),
      )
      .onConflict((oc) => oc.columns(['stream_id', 'entity_id']).doNothing())
      .execute();
  }

  async removeSubscriptions(streamId: string, entityIds: readonly string[]): Promise<void> {
    if (entityIds.length === 0) return;
    await this.db
      .deleteFrom('stream_subscriptions')
      .where('stream_id', '=', streamId)
      .where('entity_id', 'in', [...entityIds])
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('stream_subscriptions').where('stream_id', '=', id).execute();
    await this.db.deleteFrom('streams').where('id', '=', id).execute();
  }

  async #read(orgId: string, ids: readonly string[]): Promise<StreamRecord[]> {
    const rows = await this.db
      .selectFrom('streams as s')
      .leftJoin('stream_subscriptions as ss', 'ss.stream_id', 's.id')
      .select([
        's.id',
        's.org_id',
        's.owner_id',
        's.name',
        's.description',
        's.created_at',
        'ss.entity_id',
        'ss.created_at as subscribed_at',
      ])
      .where('s.org_id', '=', orgId)
      .where('s.id', 'in', [...ids])
      .orderBy('s.id')
      .orderBy('ss.created_at')
      .orderBy('ss.entity_id')
      .execute();
    const streams = new Map<string, StreamRecord>();
    for (const row of rows) {
      let stream = streams.get(row.id);
      if (!stream) {
        stream = {
          id: row.id,
          orgId: row.org_id,
          ownerId: row.owner_id,
          name: row.name,
          description: row.description,
          createdAt: Number(row.created_at),
          entityIds: [],
        };
        streams.set(row.id, stream);
      }
      if (row.entity_id !== null) stream.entityIds.push(row.entity_id);
    }
    return [...streams.values()];
  }
}
