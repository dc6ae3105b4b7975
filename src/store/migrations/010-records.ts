import type { Kysely } from 'kysely';

/**
 * Records of sObjects (SPEC §12.1, decision 0008): one `records` table for every object, standard
 * or custom, with typed columns for what every record has and the store reads by (org, type,
 * owner, name of its Record Summary, times, soft deletion) and one JSON text column for the
 * object's own fields; `custom_objects` holds the objects an org declares (their fields as JSON).
 * A new object or field is data, never a migration.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('custom_objects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('label_plural', 'text', (c) => c.notNull())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('custom_objects_org_name', ['org_id', 'name'])
    .addUniqueConstraint('custom_objects_org_prefix', ['org_id', 'key_prefix'])
    .execute();
  await db.schema
    .createTable('records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_by_id', 'text', (c) => c.notNull())
    .addColumn('last_modified_by_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .addColumn('fields', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('records_org_type').on('records').columns(['org_id', 'type', 'id']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('records').execute();
  await db.schema.dropTable('custom_objects').execute();
}
