import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { CircuitBreaker } from '../../dependencies/circuit-breaker.js';
import type { Database } from '../schema.js';
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
