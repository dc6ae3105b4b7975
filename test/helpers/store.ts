import { randomBytes } from 'node:crypto';
import { dropPostgresSchema } from '../../src/store/dialects/postgres.js';
import { migrate, openStore } from '../../src/store/open-store.js';
import { rawDatabase } from '../../src/store/raw-database.js';
import type { Database } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import { testDatabaseUrl, testStore } from './harness.js';

export interface TestStore {
  store: Store;
  /** The PostgreSQL schema (a fresh one per store), or undefined on SQLite. */
  pgSchema: string | undefined;
  /** Another Store on the same database, as a second server sharing it would have (PostgreSQL). */
  openPeer(): Promise<Store>;
  close(): Promise<void>;
}

/**
 * A bare store on the backend the suite runs on (CHATTERBOX_TEST_STORE, STYLE #10): SQLite in
 * memory, or PostgreSQL in a schema of its own. Migrated unless `migrated: false`.
 */
export async function openTestStore(options: { migrated?: boolean } = {}): Promise<TestStore> {
  const pgSchema =
    testStore === 'postgres' ? `cbstore_${process.pid}_${randomBytes(4).toString('hex')}` : undefined;
  const storeOptions = {
    sqlitePath: ':memory:',
    databaseUrl: pgSchema ? testDatabaseUrl : undefined,
    pgSchema: pgSchema ?? 'public',
    idInstance: 'Cb',
  };
  const store = await openStore(storeOptions);
  if (options.migrated !== false) await migrate(store);
  const peers: Store[] = [];
  return {
    store,
    pgSchema,
    async openPeer() {
      if (!pgSchema) throw new Error('peers share a database only on PostgreSQL');
      const peer = await openStore(storeOptions);
      peers.push(peer);
      return peer;
    },
    async close() {
      for (const peer of peers) await peer.close();
      await store.close();
      if (pgSchema) await dropPostgresSchema(testDatabaseUrl, pgSchema);
    },
  };
}

/**
 * The Kysely handle behind a store, for tests that read rows no route or store method shows (the
 * store keeps it private; src/store/raw-database.ts is the one way in, for migrations and tests).
 */
export { rawDatabase } from '../../src/store/raw-database.js';

/** How many rows a table of the store holds. */
export async function rowCount(store: Store, table: keyof Database & string): Promise<number> {
  const row = await rawDatabase(store)
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
