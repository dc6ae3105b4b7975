import { sql } from 'kysely';
import { searchFold } from '../lib/search-fold.js';
import type { Db, StoreDialect } from './dialects/dialect.js';
import { SNAPSHOT_TABLES, type SnapshotTable, type TableSpec } from './snapshot-tables.js';

export type SnapshotRow = Record<string, string | number | null>;
export type SnapshotRows = Record<string, SnapshotRow[]>;
export type SequenceRow = { prefix: string; value: number };

/** A row of the table has the ID (or a unique value, such as a username) of another org's row. */
export class SnapshotCollision extends Error {
  constructor(readonly table: string) {
    super(`snapshot rows of ${table} collide with rows of another org`);
  }
}

/** Columns the store computes from others (decision 0020's folds): filled in on import. */
const DERIVED: Partial<Record<SnapshotTable, (row: SnapshotRow) => SnapshotRow>> = {
  users: (row) => ({
    name_key: searchFold(`${row.first_name} ${row.last_name}`),
    nickname_key: searchFold(String(row.nickname)),
  }),
  groups: (row) => ({ name_key: searchFold(String(row.name)) }),
  feed_elements: (row) => ({ text_key: searchFold(String(row.text)) }),
  topics: (row) => ({ name_key: searchFold(String(row.name)) }),
};

/** A row as the store writes it: bytes columns, base64 in a snapshot, become bytes again. */
function storedRow(spec: TableSpec, row: SnapshotRow): Record<string, unknown> {
  const stored: Record<string, unknown> = { ...row, ...DERIVED[spec.table]?.(row) };
  for (const [column, type] of Object.entries(spec.columns))
    if (type === 'bytes') stored[column] = Buffer.from(String(row[column]), 'base64');
  return stored;
}

/** A value as a snapshot carries it: numbers for bigints, base64 for bytes. */
function snapshotValue(value: unknown): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return value as string | number;
}

/** Tables an org's rows live in that a snapshot leaves out, emptied when the org is replaced. */
const UNSNAPSHOTTED = ['sessions', 'refresh_tokens'] as const;

/**
 * An org's rows, table by table, as a snapshot carries them (decision 0030): read in primary-key
 * order, written back as they were. The store knows no snapshot format; src/control/snapshot.ts does.
 */
export class SnapshotRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: StoreDialect,
  ) {}

  async exportOrg(orgId: string): Promise<SnapshotRows> {
    const sections: SnapshotRows = {};
    for (const spec of SNAPSHOT_TABLES) {
      // Dynamic table and column names: Kysely's types cannot follow them, the specs are checked by tests.
      let query = (this.db as Db)
        .selectFrom(spec.table as 'orgs')
        .select(Object.keys(spec.columns) as ['id']);
      query = this.#ofOrg(query, spec, orgId);
      for (const column of spec.key) query = query.orderBy(column as 'id');
      const rows = (await query.execute()) as SnapshotRow[];
      sections[spec.table] = rows.map((row) => {
        const ordered: SnapshotRow = {};
        for (const column of Object.keys(spec.columns)) ordered[column] = snapshotValue(row[column]);
        return ordered;
      });
    }
    return sections;
  }

  async sequences(): Promise<SequenceRow[]> {
    const rows = await this.db.selectFrom('id_sequences').selectAll().orderBy('prefix').execute();
    return rows.map((row) => ({ prefix: row.prefix, value: Number(row.value) }));
  }

  /** Deletes every row of the org, its sessions included. Call inside a transaction. */
  async deleteOrg(orgId: string): Promise<void> {
    for (const table of UNSNAPSHOTTED) await this.db.deleteFrom(table).where('org_id', '=', orgId).execute();
    // Rows found through a parent go first, while their parents are still there to find them by.
    const children = SNAPSHOT_TABLES.filter((spec) => spec.via);
    for (const spec of [...children].reverse())
      await this.#ofOrg(this.db.deleteFrom(spec.table as 'users'), spec, orgId).execute();
    for (const spec of [...SNAPSHOT_TABLES].reverse()) {
      if (spec.via) continue;
      await this.#ofOrg(this.db.deleteFrom(spec.table as 'users'), spec, orgId).execute();
    }
  }

  /** Writes an org's rows (checked by the caller) in reference order, a few hundred per statement. */
  async insertOrg(sections: SnapshotRows): Promise<void> {
    for (const spec of SNAPSHOT_TABLES) {
      const rows = sections[spec.table] ?? [];
      const full = rows.map((row) => storedRow(spec, row));
      const perStatement = Math.max(1, Math.floor(8000 / (Object.keys(spec.columns).length + 3)));
      for (let i = 0; i < full.length; i += perStatement) {
        await this.db
          .insertInto(spec.table as 'users')
          .values(full.slice(i, i + perStatement) as never)
          .execute()
          .catch((error: unknown) => {
            if (this.dialect.violatedUniqueIndex(error) === undefined) throw error;
            throw new SnapshotCollision(spec.table);
          });
      }
    }
  }

  /** Each sequence at least `value`, so IDs made after an import never repeat an imported one. */
  async raiseSequences(sequences: readonly SequenceRow[]): Promise<void> {
    for (const { prefix, value } of sequences) {
      await this.db
        .insertInto('id_sequences')
        .values({ prefix, value })
        .onConflict((oc) =>
          oc.column('prefix').doUpdateSet({
            value: sql`case when id_sequences.value > excluded.value then id_sequences.value else excluded.value end`,
          }),
        )
        .execute();
    }
  }

  /** The org's rows of the table: by `org_id`, or for a table without one through its parent. */
  // biome-ignore lint/suspicious/noExplicitAny: the query's table is chosen at run time.
  #ofOrg(query: any, spec: TableSpec, orgId: string) {
    if (spec.table === 'orgs') return query.where('id', '=', orgId);
    if (spec.via)
      return query.where(
        spec.via.column,
        'in',
        this.db
          .selectFrom(spec.via.table as 'users')
          .select('id')
          .where('org_id', '=', orgId),
      );
    return query.where('org_id', '=', orgId);
  }
}
