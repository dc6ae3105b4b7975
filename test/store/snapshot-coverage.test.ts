import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { SNAPSHOT_TABLES } from '../../src/store/snapshot-tables.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, rawDatabase, type TestStore } from '../helpers/store.js';

/**
 * Snapshots (decision 0030) carry every table and column of an org's data. A migration that adds a
 * table or a column without a snapshot section for it would make export drop it silently and import
 * over an org leave its old rows behind; this suite names each table and column that is
 * deliberately not in a snapshot, so such a migration fails here until it says which it is.
 */
const NOT_AN_ORGS_DATA = [
  // Sessions are not carried: users sign in again after an import.
  'sessions',
  'refresh_tokens',
  // The store's own: quota counters, settings, the keys that seal app secrets (decision 0022: a
  // snapshot carries secrets in the clear, sealed again on import), ID sequences (a section of
  // their own), migrations.
  'usage_counters',
  'sealing_keys',
  'settings',
  'id_sequences',
  'kysely_migration',
  'kysely_migration_lock',
];

/** Columns the store computes from others (the search folds), filled in again on import. */
const DERIVED: Record<string, string[]> = {
  users: ['name_key', 'nickname_key'],
  groups: ['name_key'],
  feed_elements: ['text_key'],
  topics: ['name_key'],
};

describe(`snapshot coverage on ${testStore}: every table and column of the schema`, () => {
  let t: TestStore;
  before(async () => {
    t = await openTestStore();
  });
  after(() => t.close());

  test('each table is a snapshot section or named as not an org’s data; each column is carried or derived', async () => {
    const tables = await tablesOf(t.store);
    assert.ok(
      tables.some((table) => table.name === 'orgs'),
      `the store's tables were listed: ${tables.length}`,
    );
    const sections = new Map(SNAPSHOT_TABLES.map((spec) => [spec.table as string, spec]));
    const missing: string[] = [];
    for (const table of tables) {
      if (NOT_AN_ORGS_DATA.includes(table.name)) continue;
      const spec = sections.get(table.name);
      if (!spec) {
        missing.push(`table ${table.name}`);
        continue;
      }
      for (const column of table.columns) {
        if (column.name in spec.columns || DERIVED[table.name]?.includes(column.name)) continue;
        missing.push(`column ${table.name}.${column.name}`);
      }
    }
    assert.deepEqual(missing, [], 'add a snapshot section or column (src/store/snapshot-tables*.ts)');
    // And no section names a table the schema does not have.
    const names = new Set(tables.map((table) => table.name));
    assert.deepEqual(
      [...sections.keys()].filter((name) => !names.has(name)),
      [],
    );
  });
});

/**
 * The store's tables with their columns. On PostgreSQL, read from information_schema for this
 * store's schema alone: Kysely's introspector lists every schema and fails when another test drops
 * one meanwhile.
 */
async function tablesOf(store: TestStore['store']): Promise<{ name: string; columns: { name: string }[] }[]> {
  const db = rawDatabase(store);
  if (testStore !== 'postgres') return db.introspection.getTables({ withInternalKyselyTables: true });
  const rows = (
    await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema() order by table_name, ordinal_position`.execute(db)
  ).rows;
  const byTable = new Map<string, { name: string }[]>();
  for (const row of rows)
    byTable.set(row.table_name, [...(byTable.get(row.table_name) ?? []), { name: row.column_name }]);
  return [...byTable].map(([name, columns]) => ({ name, columns }));
}
