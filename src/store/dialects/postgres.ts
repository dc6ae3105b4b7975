import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../schema.js';

// Times are stored as bigint epoch milliseconds; read them back as numbers (they fit in 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export async function createPostgresDb(url: string, schema: string): Promise<Kysely<Database>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Invalid PostgreSQL schema name: ${schema}`);
  const admin = new pg.Client({ connectionString: url });
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
    options: `-c search_path="${schema}"`,
    // Names the deployment's connections in pg_stat_activity (PostgreSQL keeps 63 bytes of it).
    application_name: `chatterbox/${schema}`.slice(0, 63),
  });
  // An idle pooled connection that the server ends (pg_terminate_backend, a restart, a reset by the
  // network) is reported on the pool. Without a listener Node treats that 'error' event as fatal and
  // the whole process exits; the pool has already dropped the client, and the next query opens a
  // new connection, so there is nothing else to do here.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
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
