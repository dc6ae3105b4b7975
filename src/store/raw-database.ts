import type { Db } from './dialects/dialect.js';
import type { Store } from './store.js';

/**
 * The Kysely handle behind a Store, which the store keeps private: everything else reads and writes
 * through the store's named methods. Only migrations (open-store.ts), which change the schema, and
 * tests and benchmarks, which read rows no route shows, hold the handle itself.
 */
const handles = new WeakMap<Store, Db>();

/** Called by the Store constructor only. */
export function keepRawDatabase(store: Store, db: Db): void {
  handles.set(store, db);
}

/** For migrations, tests and benchmarks only. */
export function rawDatabase(store: Store): Db {
  const db = handles.get(store);
  if (!db) throw new Error('not a Store');
  return db;
}
