import { type KyselyPlugin, Migrator } from 'kysely';
import { createPostgresDb } from './dialects/postgres.js';
import { createSqliteDb } from './dialects/sqlite.js';
import * as m001 from './migrations/001-foundation.js';
import { Store } from './store.js';

export interface StoreOptions {
  /** SQLite file path or ':memory:'; ignored when databaseUrl is set. */
  sqlitePath: string;
  databaseUrl?: string | undefined;
  pgSchema: string;
  idInstance: string;
  /** Kysely plugins on every query (tests count store round trips with one). */
  plugins?: KyselyPlugin[];
}

const migrations = { '001-foundation': m001 };

export async function openStore(options: StoreOptions): Promise<Store> {
  const plugins = options.plugins ?? [];
  if (options.databaseUrl) {
    const db = await createPostgresDb(options.databaseUrl, options.pgSchema);
    return new Store(
      plugins.reduce((d, p) => d.withPlugin(p), db),
      'postgres',
      options.idInstance,
    );
  }
  const db = createSqliteDb(options.sqlitePath);
  return new Store(
    plugins.reduce((d, p) => d.withPlugin(p), db),
    'sqlite',
    options.idInstance,
  );
}

/** Brings the schema up to date; safe when several servers start at once (the migrator locks). */
export async function migrate(store: Store): Promise<string[]> {
  if (store.db.isTransaction) throw new Error('migrate() needs the root store');
  const migrator = new Migrator({
    db: store.db as never,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
