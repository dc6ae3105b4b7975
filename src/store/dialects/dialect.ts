import type { Kysely, LogEvent, SelectQueryBuilder, Transaction } from 'kysely';
import { reportDependencyLatency } from '../../dependencies/latency.js';
import type { Database } from '../schema.js';

export type Db = Kysely<Database> | Transaction<Database>;

/** A column of a bulk insert, with its SQL type (PostgreSQL casts one array per column to it). */
export interface BulkColumn {
  name: string;
  type: 'text' | 'bigint' | 'integer';
}

/** At most this many takes go in one quota statement (decision 0037: its shared-lock margin). */
export const MAX_TAKES_PER_CALL = 16;

/**
 * Quota takes of one org in one clock hour, counted in order by one statement (decisions 0013,
 * 0037): at most MAX_TAKES_PER_CALL. A take without `dailyLimit` skips the daily quota, one without
 * `hourly` the hourly one.
 */
export interface QuotaTakeBatch {
  lock: string;
  /** The org's 24 daily buckets, oldest first (the current hour last). */
  dailyKeys: string[];
  /** When a new daily bucket (of the current hour) expires. */
  dailyExpiresAt: number;
  /** When a new hourly bucket expires. */
  hourlyExpiresAt: number;
  takes: { dailyLimit?: number | undefined; hourly?: { key: string; limit: number } | undefined }[];
}

export interface QuotaTakeResult {
  /** `counts` (each daily key's, as this take saw them) when the daily quota refused. */
  daily?: { ok: boolean; used: number; counts?: number[] };
  hourly?: { ok: boolean; used: number };
}

/**
 * Everything the two databases do differently, named. The repositories and the store call these and
 * never ask which database they run on; a third dialect is one more implementation of this
 * interface (next to `sqlite.ts` and `postgres.ts`) plus the migrations it needs.
 */
export interface StoreDialect {
  /** The name the control plane reports (`GET /_control/health`). */
  readonly name: string;
  /** Whether other servers may use the same database at once (session caches then re-check often). */
  readonly sharedByServers: boolean;
  /** Inside a transaction: waits until no other server holds the section `name`, until commit. */
  lockSection(tx: Db, name: string): Promise<void>;
  /** Locks the rows the query reads until commit, where the database locks rows at all. */
  forUpdate<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /** Many rows in one statement (the caller sizes the batch to SQLite's parameter limit). */
  bulkInsert(
    db: Db,
    table: keyof Database & string,
    columns: readonly BulkColumn[],
    rows: readonly Record<string, unknown>[],
  ): Promise<void>;
  /** Refreshes the planner's statistics of the tables after a bulk load (nothing where none are kept). */
  analyze(db: Db, tables: readonly (keyof Database & string)[]): Promise<void>;
  /** Empties the tables in one transaction (the caller's, if it runs in one), keeping the schema. */
  truncate(db: Db, tables: readonly (keyof Database & string)[]): Promise<void>;
  /** The unique index (or constraint) a failed write violated, or undefined for other errors. */
  violatedUniqueIndex(error: unknown): string | undefined;
  /** Whether the table exists in the store's own schema. */
  hasTable(db: Db, name: string): Promise<boolean>;
  /** The schema Kysely's migration tables live in, where the database has schemas. */
  migrationTableSchema(db: Db): Promise<string | undefined>;
  /**
   * The quotas of several requests of one org in one round trip, each answered as if counted on
   * its own in that order, where the database offers it (decisions 0013, 0037); undefined where
   * the store counts them in a local transaction instead.
   */
  readonly takeQuotas: ((db: Db, batch: QuotaTakeBatch) => Promise<QuotaTakeResult[]>) | undefined;
}

const bulkTexts = new Map<string, string>();

/** A statement text built once per key (compiling a thousand-row INSERT costs more than running it). */
export function cachedText(key: string, build: () => string): string {
  let text = bulkTexts.get(key);
  if (text === undefined) {
    text = build();
    bulkTexts.set(key, text);
  }
  return text;
}

/** Kysely's log hook of both dialects: each statement's duration, for the store latency metric. */
export function reportStatementLatency(event: LogEvent): void {
  reportDependencyLatency('store', event.queryDurationMillis / 1000);
}
