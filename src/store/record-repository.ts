import type { Selectable } from 'kysely';
import type { Db } from './dialects/dialect.js';
import type { CustomObjectRecord, SObjectRow, StoredFieldValue } from './records.js';
import type { Database } from './schema.js';
import { StatementShapes } from './statement-shapes.js';

/**
 * Records of sObjects and the custom objects an org declares (decision 0008): typed columns for
 * what every record has, one JSON column for the object's own fields. No rule lives here: which
 * fields exist, their types and who may write them are the domain's (src/domain/sobject-*.ts).
 */
export class RecordRepository {
  /** The statements a feed page reads with, compiled once per shape (statement-shapes.ts). */
  readonly #shapes: StatementShapes;

  constructor(private readonly db: Db) {
    this.#shapes = new StatementShapes(db);
  }

  async create(row: SObjectRow): Promise<void> {
    await this.db
      .insertInto('records')
      .values({
        id: row.id,
        org_id: row.orgId,
        type: row.type,
        name: row.name,
        owner_id: row.ownerId,
        created_by_id: row.createdById,
        last_modified_by_id: row.lastModifiedById,
        created_at: row.createdAt,
        modified_at: row.modifiedAt,
        deleted_at: row.deletedAt,
        fields: JSON.stringify(row.fields),
      })
      .execute();
  }

  /** The record with this ID in the org, deleted or not. */
  async find(orgId: string, id: string): Promise<SObjectRow | undefined> {
    const row = await this.db
      .selectFrom('records')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRow(row);
  }

  /** The org's first live record of a type, by ID (what `chatterbox seed` posts on). */
  async firstLive(orgId: string, type: string): Promise<SObjectRow | undefined> {
    const row = await this.db
      .selectFrom('records')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('type', '=', type)
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    return row && toRow(row);
  }

  /** The org's live records among these IDs, in one query (a page's Record Summaries). */
  async findLive(orgId: string, ids: readonly string[]): Promise<SObjectRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('records')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', 'in', [...new Set(ids)])
      .where('deleted_at', 'is', null)
      .execute();
    return rows.map(toRow);
  }

  /**
   * findLive with each record's subscription by `subscriberId` (or null), in the same query (a
   * page's Record Summaries and their mySubscription).
   */
  async findLiveFollowed(
    orgId: string,
    ids: readonly string[],
    subscriberId: string,
  ): Promise<{ row: SObjectRow; subscriptionId: string | null }[]> {
    if (ids.length === 0) return [];
    const rows = await this.#shapes.rows(
      'live-followed',
      { orgId, ids: [...new Set(ids)], subscriberId },
      (a) =>
        this.db
          .selectFrom('records as r')
          .selectAll('r')
          .select((eb) =>
            eb
              .selectFrom('subscriptions as s')
              .select('s.id')
              .whereRef('s.subject_id', '=', 'r.id')
              .where('s.subscriber_id', '=', a.subscriberId)
              .as('my_subscription_id'),
          )
          .where('r.org_id', '=', a.orgId)
          .where('r.id', 'in', a.ids)
          .where('r.deleted_at', 'is', null),
    );
    return rows.map((r) => ({ row: toRow(r), subscriptionId: r.my_subscription_id ?? null }));
  }

  /** Replaces a live record's name, owner and fields; false when there is no such live record. */
  async update(
    id: string,
    change: Pick<SObjectRow, 'name' | 'ownerId' | 'fields' | 'modifiedAt' | 'lastModifiedById'>,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('records')
      .set({
        name: change.name,
        owner_id: change.ownerId,
        fields: JSON.stringify(change.fields),
        modified_at: change.modifiedAt,
        last_modified_by_id: change.lastModifiedById,
      })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Marks a live record deleted (later reads answer ENTITY_IS_DELETED); false when it wasn't live. */
  async markDeleted(id: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('records')
      .set({ deleted_at: at })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async createObject(object: CustomObjectRecord): Promise<void> {
    await this.db
      .insertInto('custom_objects')
      .values({
        id: object.id,
        org_id: object.orgId,
        name: object.name,
        label: object.label,
        label_plural: object.labelPlural,
        key_prefix: object.keyPrefix,
        fields: JSON.stringify(object.fields),
        created_at: object.createdAt,
      })
      .execute();
  }

  /** The org's custom objects, oldest first (so in the order of their key prefixes). */
  async listObjects(orgId: string): Promise<CustomObjectRecord[]> {
    const rows = await this.db
      .selectFrom('custom_objects')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('created_at')
      .orderBy('key_prefix')
      .execute();
    return rows.map(toObject);
  }
}

function toRow(row: Selectable<Database['records']>): SObjectRow {
  return {
    id: row.id,
    orgId: row.org_id,
    type: row.type,
    name: row.name,
    ownerId: row.owner_id,
    createdById: row.created_by_id,
    lastModifiedById: row.last_modified_by_id,
    createdAt: Number(row.created_at),
    modifiedAt: Number(row.modified_at),
    deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
    fields: JSON.parse(row.fields) as Record<string, StoredFieldValue>,
  };
}

function toObject(row: Selectable<Database['custom_objects']>): CustomObjectRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    label: row.label,
    labelPlural: row.label_plural,
    keyPrefix: row.key_prefix,
    fields: JSON.parse(row.fields) as CustomObjectRecord['fields'],
    createdAt: Number(row.created_at),
  };
}
