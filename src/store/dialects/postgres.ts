import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { CircuitBreaker } from '../../dependencies/circuit-breaker.js';
import type { Database } from '../schema.js';
import {
  cachedText,
  type Db,
  type QuotaTakeBatch,
  type QuotaTakeResult,
  reportStatementLatency,
  type StoreDialect,
} from './dialect.js';
import { GuardedPool, poolTimeouts, sessionOptions } from './postgres-pool.js';

// Times are stored as bigint epoch milliseconds; read them back as numbers (they fit in 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export interface PostgresOptions {
  /** The bound on connecting and on each statement (0 = none); see poolTimeouts. */
  timeoutMs: number;
  /** Fails calls fast while PostgreSQL is known down (decision 0021). */
  breaker?: CircuitBreaker | undefined;
}

export async function createPostgresDb(
  url: string,
  schema: string,
  options: PostgresOptions = { timeoutMs: 0 },
): Promise<Kysely<Database>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Invalid PostgreSQL schema name: ${schema}`);
  const admin = new pg.Client({ connectionString: url, ...poolTimeouts(options.timeoutMs) });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    // Two servers creating the same schema at once: the loser sees a unique violation.
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await admin.end();
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    options: sessionOptions(schema, options.timeoutMs),
    ...poolTimeouts(options.timeoutMs),
    // Names the deployment's connections in pg_stat_activity (PostgreSQL keeps 63 bytes of it).
    application_name: `chatterbox/${schema}`.slice(0, 63),
  });
  // An idle pooled connection that the server ends (pg_terminate_backend, a restart, a reset by the
  // network) is reported on the pool. Without a listener Node treats that 'error' event as fatal and
  // the whole process exits; the pool has already dropped the client, and the next query opens a
  // new connection, so there is nothing else to do here.
  pool.on('error', () => {});
  // The same for a connection that breaks while a request holds it (between the statements of a
  // transaction): the pool listens only to its idle clients, and the unheard 'error' of a
  // checked-out one ended the process too (the outage suite's reset). The statement in flight
  // fails on its own; the broken client is destroyed when released (GuardedPool).
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: options.breaker ? new GuardedPool(pool, options.breaker) : pool }),
    log: reportStatementLatency,
  });
  await sql`select 1`.execute(db);
  return db;
}

export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await admin.end();
  }
}

/** PostgreSQL's side of the store's dialect differences (see StoreDialect). */
export const postgresDialect: StoreDialect = {
  name: 'postgres',
  sharedByServers: true,
  async lockSection(tx, name) {
    await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(tx);
  },
  forUpdate: (query) => query.forUpdate(),
  // The rows as one array per column, unnested: as many parameters as columns, whatever the rows.
  async bulkInsert(db, table, columns, rows) {
    const text = cachedText(
      `postgres:${table}:${columns.map((c) => c.name).join(',')}`,
      () =>
        `insert into ${table} (${columns.map((c) => c.name).join(', ')}) select * from unnest(${columns
          .map((c, i) => `$${i + 1}::${c.type}[]`)
          .join(', ')})`,
    );
    await db.executeQuery(
      CompiledQuery.raw(
        text,
        columns.map((c) => rows.map((row) => row[c.name])),
      ),
    );
  },
  /**
   * ANALYZE, so the planner knows the tables' new sizes. Until autovacuum got to it (a minute or
   * more), the planner took a subject with 40 000 posts for one with 250 and sorted them all for
   * each feed page: 45 ms at 100 000 posts, 1.8 s at a million, instead of 0.6 ms. The tables are
   * named: a bare ANALYZE would visit every schema of the database.
   */
  async analyze(db, tables) {
    await sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
  },
  async truncate(db, tables) {
    await sql`truncate table ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
  },
  // pg reports SQLSTATE 23505 with the index in `constraint`.
  violatedUniqueIndex(error) {
    const e = error as { code?: unknown; constraint?: unknown } | null;
    if (e === null || typeof e !== 'object' || e.code !== '23505') return undefined;
    return typeof e.constraint === 'string' ? e.constraint : '';
  },
  async hasTable(db, name) {
    const { rows } = await sql<{ found: string | null }>`select to_regclass(${name})::text as found`.execute(
      db,
    );
    return rows[0]?.found != null;
  },
  // Kysely looks for its own tables in every schema it can see; name ours, or a deployment (or test)
  // in another schema of the same database hides them from this one (SPEC §10).
  async migrationTableSchema(db) {
    return (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
  },
  /**
   * One call of `chatterbox_take_quotas` (migration 019, decision 0037) for up to 16 takes of one
   * org: the daily count sums `dailyKeys` once and admits the takes in turn while below each one's
   * limit — far below the limits under the org's advisory lock in shared mode, near them in
   * exclusive mode; each take the daily count did not refuse then has its hourly count, in turn.
   * A refused daily take also gets the count of each daily key as it saw them (the current
   * bucket plus the takes admitted before it). When the sum came near the limit between the
   * function's two reads it writes nothing and asks for the exclusive mode: a second call, only then.
   */
  async takeQuotas(db, batch) {
    let row = await callTakeQuotas(db, batch, false);
    if (row?.retry) row = await callTakeQuotas(db, batch, true);
    if (!row) throw new Error('chatterbox_take_quotas returned no row');
    const { daily_ok, daily_used, daily_counts, daily_sum, hourly_ok, hourly_used } = row;
    return batch.takes.map((_, i) => {
      const result: QuotaTakeResult = {};
      const dailyOk = daily_ok[i];
      if (dailyOk != null) {
        const used = Number(daily_used[i]);
        result.daily = { ok: dailyOk, used };
        if (!dailyOk && daily_counts) {
          const counts = daily_counts.map(Number);
          counts[counts.length - 1] = (counts.at(-1) ?? 0) + used - Number(daily_sum);
          result.daily.counts = counts;
        }
      }
      const hourlyOk = hourly_ok[i];
      if (hourlyOk != null) result.hourly = { ok: hourlyOk, used: Number(hourly_used[i]) };
      return result;
    });
  },
};

type Bigint = number | string | null;

async function callTakeQuotas(db: Db, batch: QuotaTakeBatch, exclusive: boolean) {
  const { lock, dailyKeys, dailyExpiresAt, hourlyExpiresAt, takes } = batch;
  const { rows } = await sql<{
    daily_ok: (boolean | null)[];
    daily_used: Bigint[];
    daily_counts: Bigint[] | null;
    daily_sum: Bigint;
    hourly_ok: (boolean | null)[];
    hourly_used: Bigint[];
    retry: boolean;
  }>`select * from chatterbox_take_quotas(${lock}, ${dailyKeys}::text[], ${dailyExpiresAt}::bigint,
    ${takes.map((t) => t.dailyLimit ?? null)}::bigint[], ${takes.map((t) => t.hourly?.key ?? null)}::text[],
    ${takes.map((t) => t.hourly?.limit ?? null)}::bigint[], ${hourlyExpiresAt}::bigint, ${exclusive})`.execute(
    db,
  );
  return rows[0];
}
