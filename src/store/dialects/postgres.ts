import {
  type DatabaseIntrospector,
  Kysely,
  PostgresDialect,
  PostgresIntrospector,
  sql,
  type TableMetadata,
} from 'kysely';
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
  const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path="${schema}"` });
  const db = new Kysely<Database>({ dialect: new SchemaDialect({ pool }, schema) });
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

/**
 * PostgreSQL with introspection limited to our schema. Kysely's Migrator introspects to find its
 * own tables, and the stock introspector reads every schema of the database in one query: a schema
 * dropped meanwhile (another deployment or test run on the same database, SPEC §10 --pg-schema)
 * failed that query ("schema … does not exist"), and another schema's migration tables looked like
 * ours (migrate() also names the schema of those tables).
 */
class SchemaDialect extends PostgresDialect {
  constructor(
    config: ConstructorParameters<typeof PostgresDialect>[0],
    private readonly schema: string,
  ) {
    super(config);
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    const schema = this.schema;
    const all = new PostgresIntrospector(db);
    // The Migrator, the only reader, needs the names of the tables only.
    const getTables = async (): Promise<TableMetadata[]> => {
      const { rows } = await sql<{ name: string; type: string }>`
        select table_name as name, table_type as type from information_schema.tables
        where table_schema = ${schema}`.execute(db);
      return rows.map((row) => ({ name: row.name, schema, isView: row.type === 'VIEW', columns: [] }));
    };
    return {
      getSchemas: () => all.getSchemas(),
      getTables,
      getMetadata: async () => ({ tables: await getTables() }),
    };
  }
}
