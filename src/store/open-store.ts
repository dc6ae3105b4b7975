import { Migrator, sql } from 'kysely';
import { createSqliteDb } from './dialects/sqlite.js';
import * as m001 from './migrations/001-foundation.js';
import * as m002groups from './migrations/002-collab-groups.js';
import * as m002 from './migrations/002-feed.js';
import * as m003 from './migrations/003-quota-function.js';
import * as m004 from './migrations/004-user-activity.js';
import * as m005 from './migrations/005-mention-keyset.js';
import * as m006 from './migrations/006-group-name-unique.js';
import * as m008 from './migrations/008-search-fold.js';
import { Store } from './store.js';

export interface StoreOptions {
  /** SQLite file path or ':memory:'; ignored when databaseUrl is set. */
  sqlitePath: string;
  databaseUrl?: string | undefined;
  pgSchema: string;
  idInstance: string;
}

const migrations = {
  '001-foundation': m001,
  '002-collab-groups': m002groups,
  '002-feed': m002,
  '003-quota-function': m003,
  '004-user-activity': m004,
  '005-mention-keyset': m005,
  '006-group-name-unique': m006,
  '008-search-fold': m008,
};

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    // Loaded only for PostgreSQL: the default SQLite server starts faster and smaller without pg.
    const { createPostgresDb } = await import('./dialects/postgres.js');
    const db = await createPostgresDb(options.databaseUrl, options.pgSchema);
    return new Store(db, 'postgres', options.idInstance);
  }
  return new Store(createSqliteDb(options.sqlitePath), 'sqlite', options.idInstance);
}

/** Brings the schema up to date; safe when several servers start at once (the migrator locks). */
export async function migrate(store: Store): Promise<string[]> {
  if (store.db.isTransaction) throw new Error('migrate() needs the root store');
  // Kysely looks for its own tables in every schema it can see; on PostgreSQL, name ours, or a
  // deployment (or test) in another schema of the same database hides them from this one (SPEC §10).
  const migrationTableSchema =
    store.kind === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: store.db as never,
    provider: { getMigrations: async () => migrations },
    // Branches number their migrations as they start, and land in another order; each migration
    // stands alone, so a store that has a later one may still take an earlier one it lacks.
    allowUnorderedMigrations: true,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    // Kysely lists the tables of every schema to find its own; a schema dropped meanwhile by
    // another deployment or test on the same database fails that listing (invalid_schema_name).
    // Nothing was migrated then: try again.
    if (error && (error as { code?: string }).code === '3F000' && attempt < 5) continue;
    if (error) throw error;
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }
}
