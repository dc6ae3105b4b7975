import { Migrator, sql } from 'kysely';
import { createPostgresDb } from './dialects/postgres.js';
import { createSqliteDb } from './dialects/sqlite.js';
import * as m001 from './migrations/001-foundation.js';
import * as m002 from './migrations/002-feed.js';
import { Store } from './store.js';

export interface StoreOptions {
  /** SQLite file path or ':memory:'; ignored when databaseUrl is set. */
  sqlitePath: string;
  databaseUrl?: string | undefined;
  pgSchema: string;
  idInstance: string;
}

const migrations = { '001-foundation': m001, '002-feed': m002 };

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const db = await createPostgresDb(options.databaseUrl, options.pgSchema);
    return new Store(db, 'postgres', options.idInstance);
  }
  return new Store(createSqliteDb(options.sqlitePath), 'sqlite', options.idInstance);
}

/** Brings the schema up to date; safe when several servers start at once (the migrator locks). */
export async function migrate(store: Store): Promise<string[]> {
  if (store.db.isTransaction) throw new Error('migrate() needs the root store');
  // Kysely looks for its own tables in every schema unless told which one: another deployment's
  // (or test's) schema on the same server would then make it skip creating them in ours.
  const schema =
    store.kind === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: store.db as never,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
