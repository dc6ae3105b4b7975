import type SQLite from 'better-sqlite3';
import { type Kysely, type MigrationResult, Migrator } from 'kysely';
import type { CircuitBreaker } from '../dependencies/circuit-breaker.js';
import type { ChangeFeed } from './change-feed.js';
import { openSqlite, sqliteDialect } from './dialects/sqlite.js';
import { SqliteChangeFeed } from './dialects/sqlite-changes.js';
import * as m001 from './migrations/001-foundation.js';
import * as m002 from './migrations/002-collab-groups.js';
import * as m003 from './migrations/003-feed.js';
import * as m004 from './migrations/004-quota-function.js';
import * as m005 from './migrations/005-user-activity.js';
import * as m006 from './migrations/006-mention-keyset.js';
import * as m007 from './migrations/007-group-name-unique.js';
import * as m008 from './migrations/008-search-fold.js';
import * as m009 from './migrations/009-sealed-app-secrets.js';
import * as m010 from './migrations/010-records.js';
import * as m011 from './migrations/011-files.js';
import * as m012 from './migrations/012-conversation.js';
import * as m013 from './migrations/013-quota-without-org-lock.js';
import * as m014 from './migrations/014-record-topics.js';
import * as m015 from './migrations/015-photos.js';
import * as m016 from './migrations/016-inline-images-renditions.js';
import * as m017 from './migrations/017-question-index.js';
import * as m018 from './migrations/018-change-notifications.js';
import * as m019 from './migrations/019-coalesced-quota-takes.js';
import { rawDatabase } from './raw-database.js';
import type { Database } from './schema.js';
import { Store } from './store.js';

export interface StoreOptions {
  /** SQLite file path or ':memory:'; ignored when databaseUrl is set. */
  sqlitePath: string;
  databaseUrl?: string | undefined;
  pgSchema: string;
  idInstance: string;
  /** PostgreSQL: the bound on connecting and on each statement, in ms (0 = none). */
  timeoutMs?: number | undefined;
  /** PostgreSQL: fails calls fast while the server is known down. */
  breaker?: CircuitBreaker | undefined;
}

/** Applied in the order of their names (Kysely sorts them); see docs/decisions/README.md. */
const migrations = {
  '001-foundation': m001,
  '002-collab-groups': m002,
  '003-feed': m003,
  '004-quota-function': m004,
  '005-user-activity': m005,
  '006-mention-keyset': m006,
  '007-group-name-unique': m007,
  '008-search-fold': m008,
  '009-sealed-app-secrets': m009,
  '010-records': m010,
  '011-files': m011,
  '012-conversation': m012,
  '013-quota-without-org-lock': m013,
  '014-record-topics': m014,
  '015-photos': m015,
  '016-inline-images-renditions': m016,
  '017-question-index': m017,
  '018-change-notifications': m018,
  '019-coalesced-quota-takes': m019,
};

/**
 * The names the migrations had before they were renumbered (two were numbered 002). A store that
 * ran them under these names has them renamed in Kysely's table before migrating, so nothing runs
 * twice. The old order was the same: `002-collab-groups` sorts before `002-feed`.
 */
export const RENAMED_MIGRATIONS: Readonly<Record<string, keyof typeof migrations>> = {
  '002-feed': '003-feed',
  '003-quota-function': '004-quota-function',
  '004-user-activity': '005-user-activity',
  '005-mention-keyset': '006-mention-keyset',
  '006-group-name-unique': '007-group-name-unique',
};

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    // Loaded only for PostgreSQL: the default SQLite server starts faster and smaller without pg.
    const { createPostgresDb, postgresDialect } = await import('./dialects/postgres.js');
    const db = await createPostgresDb(options.databaseUrl, options.pgSchema, {
      timeoutMs: options.timeoutMs ?? 0,
      breaker: options.breaker,
    });
    return new Store(db, postgresDialect, options.idInstance);
  }
  const { db, connection } = openSqlite(options.sqlitePath);
  const store = new Store(db, sqliteDialect, options.idInstance);
  sqliteConnections.set(store, connection);
  return store;
}

/** The connection of each SQLite store openStore opened, for its change feed. */
const sqliteConnections = new WeakMap<Store, SQLite.Database>();

/**
 * The store's changes as it announces them to every server sharing it (decision 0031):
 * PostgreSQL's notifications (migration 018), or on SQLite this connection's own triggers and
 * `PRAGMA data_version` (decision 0039). Call after migrate(), with the store it opened.
 */
export async function openChangeFeed(options: StoreOptions, store: Store): Promise<ChangeFeed> {
  if (!options.databaseUrl) {
    const sqlite = sqliteConnections.get(store);
    if (!sqlite) throw new Error('openChangeFeed: not a store openStore opened');
    return new SqliteChangeFeed(sqlite);
  }
  const { PostgresChangeFeed } = await import('./dialects/postgres-changes.js');
  const feed = new PostgresChangeFeed(
    options.databaseUrl,
    options.pgSchema,
    options.timeoutMs ?? 0,
    options.breaker,
  );
  await feed.start();
  return feed;
}

/** Brings the schema up to date; safe when several servers start at once (the migrator locks). */
export async function migrate(store: Store): Promise<string[]> {
  const db = rawDatabase(store);
  if (db.isTransaction) throw new Error('migrate() needs the root store');
  const migrationTableSchema = await store.dialect.migrationTableSchema(db);
  await renameMigrations(db as Kysely<Database>, store);
  const migrator = new Migrator({
    db: db as never,
    provider: { getMigrations: async () => migrations },
    // Branches number their migrations as they start, and land in another order; each migration
    // stands alone, so a store that has a later one may still take an earlier one it lacks.
    allowUnorderedMigrations: true,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const results = await migrateToLatest(migrator);
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * `migrator.migrateToLatest()`, tried again when another schema vanished under it: Kysely lists
 * the tables and columns of every schema to find its own, and a schema dropped meanwhile by another
 * deployment or test on the same database fails that listing, as invalid_schema_name, or, when the
 * listing already holds the dropped table, as undefined_table or undefined_column (seen in CI:
 * `column "last_post_at" of relation "groups" does not exist`, from its pg_get_serial_sequence).
 * Each migration runs in its own transaction, so a migration that fails so itself changed nothing,
 * and one that always fails still fails after the last try.
 */
const VANISHED_UNDER_LISTING = new Set(['3F000', '42P01', '42703']);

export async function migrateToLatest(migrator: Migrator): Promise<MigrationResult[]> {
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    const code = (error as { code?: string } | undefined)?.code;
    if (code !== undefined && VANISHED_UNDER_LISTING.has(code) && attempt < 5) continue;
    if (error) throw error;
    return results ?? [];
  }
}

/**
 * Renames the migrations a store ran under their old names (RENAMED_MIGRATIONS). Idempotent, so
 * servers starting together may all do it; each does it before its migrator reads the table.
 */
async function renameMigrations(db: Kysely<Database>, store: Store): Promise<void> {
  if (!(await store.dialect.hasTable(db, 'kysely_migration'))) return;
  const untyped = db as unknown as Kysely<{ kysely_migration: { name: string } }>;
  await untyped.transaction().execute(async (tx) => {
    for (const [from, to] of Object.entries(RENAMED_MIGRATIONS)) {
      await tx.updateTable('kysely_migration').set({ name: to }).where('name', '=', from).execute();
    }
  });
}
