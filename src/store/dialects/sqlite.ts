import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  Kysely,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
  sql,
} from 'kysely';
import type { Database } from '../schema.js';
import { cachedText, type Db, reportStatementLatency, type StoreDialect } from './dialect.js';

/** The page cache of each SQLite connection, in KiB. */
const SQLITE_CACHE_KIB = 2000;

/**
 * A SQLite database as a Kysely handle (openStore wraps it in a Store), and the connection behind
 * it, for the store's change feed (sqlite-changes.ts).
 */
export function openSqlite(path: string): { db: Kysely<Database>; connection: SQLite.Database } {
  if (path !== ':memory:' && path !== '') createPrivately(path);
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Several processes may share one file (--workers): wait for a writer instead of failing.
  sqlite.pragma('busy_timeout = 5000');
  // SQLite's own default page cache, 2 MB: better-sqlite3 builds SQLite with 16 MB, which a store
  // that grows under load (posts) filled, all of it resident (issue 14, target 5); the pages it no
  // longer holds are read from the OS's file cache.
  sqlite.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  const db = new Kysely<Database>({
    dialect: new MigrationLockingSqliteDialect({ database: withStatementCache(sqlite) }),
    log: reportStatementLatency,
  });
  return { db, connection: sqlite };
}

/**
 * A new database file is readable by its owner only (0600; it holds password and token hashes and
 * the app secrets): created here before SQLite opens it, since SQLite would create it 0644. SQLite
 * gives the -wal and -shm files the mode of the database file. A directory made for it is 0700.
 * An existing file keeps the mode its operator gave it.
 */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
}

const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely prepares every query anew, and preparing (parsing and planning) cost more than running
 * the small queries a request makes (bench/profile.ts: a fifth of the CPU of GET users/me). The
 * statements are kept by SQL text; one still being iterated (busy) is not shared.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (sql) => {
      const cached = cache.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(sql);
      if (!cached) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * SQLite whose migration lock is a real one. Kysely's SQLite adapter takes none (one connection is
 * enough within one process), so servers starting together on one file (SPEC §10) ran the same
 * migration twice ("table … already exists"). BEGIN IMMEDIATE takes the file's write lock for the
 * whole run; the others wait for it (busy_timeout), then find the migrations done.
 */
class MigrationLockingSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];

  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }

  override createAdapter(): DialectAdapter {
    return new MigrationLockingSqliteAdapter();
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/**
 * Transactions take the file's write lock when they begin (BEGIN IMMEDIATE), not at their first
 * write. With a plain BEGIN, a transaction that read first kept a snapshot; when another process
 * sharing the file (--workers) committed meanwhile, its first write failed with
 * SQLITE_BUSY_SNAPSHOT, which no wait can cure: a 500. Now the second writer waits for the first
 * (busy_timeout) and then reads what it committed. Within one process nothing changes: Kysely
 * runs one SQLite statement or transaction at a time.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class MigrationLockingSqliteAdapter extends SqliteAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`begin immediate`.execute(db);
  }

  override async releaseMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`commit`.execute(db);
  }
}

/** SQLite's side of the store's dialect differences (see StoreDialect). */
export const sqliteDialect: StoreDialect = {
  name: 'sqlite',
  // Other processes share the file only with --workers, which the caller knows.
  sharedByServers: false,
  // A write first takes the database's write lock until commit, so the section is serial.
  async lockSection(tx, name) {
    await tx
      .insertInto('settings')
      .values({ key: `lock:${name}`, value: '1' })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: '1' }))
      .execute();
  },
  // One writer at a time: a transaction's reads are already ordered against other writers' writes.
  forUpdate: (query) => query,
  // `insert into t (…) values (?, …), …`, the text built once per table and size.
  async bulkInsert(db, table, columns, rows) {
    const names = columns.map((c) => c.name);
    const text = cachedText(`sqlite:${table}:${rows.length}`, () => {
      const tuple = `(${names.map(() => '?').join(', ')})`;
      return `insert into ${table} (${names.join(', ')}) values ${Array(rows.length).fill(tuple).join(', ')}`;
    });
    const parameters: unknown[] = [];
    for (const row of rows) for (const name of names) parameters.push(row[name]);
    await db.executeQuery(CompiledQuery.raw(text, parameters));
  },
  // SQLite keeps no statistics, and the queries are written so that it needs none (decision 0007).
  analyze: async () => {},
  async truncate(db, tables) {
    const run = async (tx: Db) => {
      for (const table of tables) await tx.deleteFrom(table).execute();
    };
    if (db.isTransaction) await run(db);
    else await (db as Kysely<Database>).transaction().execute(run);
  },
  /**
   * better-sqlite3 reports SQLITE_CONSTRAINT_UNIQUE with the index in the message, which names an
   * index (`index 'x'`) when its key holds expressions and the columns (`t.a, t.b`) otherwise.
   */
  violatedUniqueIndex(error) {
    const e = error as { code?: unknown; message?: unknown } | null;
    if (e === null || typeof e !== 'object') return undefined;
    if (e.code !== 'SQLITE_CONSTRAINT_UNIQUE' && e.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined;
    const named = typeof e.message === 'string' ? /index '([^']+)'/.exec(e.message) : null;
    return named?.[1] ?? '';
  },
  async hasTable(db, name) {
    const { rows } =
      await sql`select name from sqlite_master where type = 'table' and name = ${name}`.execute(db);
    return rows.length > 0;
  },
  migrationTableSchema: async () => undefined,
  // Counted in a local transaction that starts by writing the org's lock row (limits/store-usage.ts).
  takeQuotas: undefined,
};
