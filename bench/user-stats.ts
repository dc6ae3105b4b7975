// `node --import tsx bench/user-stats.ts --db FILE | --database-url URL [--pg-schema S] [--n 2000] [--plan]`:
// times the statement behind GET users/me (store.users.findWithStats) for alice on an existing
// store, e.g. one loaded by `chatterbox seed --posts N --demo`, and with --plan prints its query
// plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL). Decision 0014.
import { parseArgs } from 'node:util';
import { CompiledQuery } from 'kysely';
import type { Db } from '../src/store/dialects/dialect.js';
import { migrate, openStore } from '../src/store/open-store.js';
import { rawDatabase } from '../src/store/raw-database.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    'database-url': { type: 'string' },
    'pg-schema': { type: 'string', default: 'public' },
    n: { type: 'string', default: '2000' },
    plan: { type: 'boolean', default: false },
  },
});
const store = await openStore({
  sqlitePath: values.db ?? ':memory:',
  databaseUrl: values['database-url'],
  pgSchema: values['pg-schema'] ?? 'public',
  idInstance: 'Cb',
});
try {
  await migrate(store);
  const alice = await store.users.findByUsername('alice@acme.example');
  if (!alice) throw new Error('no user alice@acme.example in this store (seed it with --demo)');
  const n = Number(values.n);
  for (let i = 0; i < 200; i++) await store.users.findWithStats(alice.orgId, alice.id);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint();
    await store.users.findWithStats(alice.orgId, alice.id);
    times.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => (times[Math.floor((n - 1) * q)] ?? 0).toFixed(1);
  const posts = await rawDatabase(store)
    .selectFrom('feed_elements')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const found = await store.users.findWithStats(alice.orgId, alice.id);
  process.stdout.write(
    `${JSON.stringify({ store: store.kind, posts: Number(posts.n), runs: n, p50Us: at(0.5), p90Us: at(0.9), stats: found?.stats })}\n`,
  );
  if (values.plan) {
    // The repository runs one compiled statement; catch it on its way to the database.
    const db = (store.users as unknown as { db: Db }).db;
    const run = db.executeQuery.bind(db);
    let caught: CompiledQuery | undefined;
    db.executeQuery = ((query: CompiledQuery) => {
      caught = query;
      return run(query);
    }) as typeof db.executeQuery;
    await store.users.findWithStats(alice.orgId, alice.id);
    if (!caught) throw new Error('no statement caught');
    const explain = store.kind === 'postgres' ? 'explain (analyze, costs off)' : 'explain query plan';
    const plan = await run(CompiledQuery.raw(`${explain} ${caught.sql}`, [...caught.parameters]));
    for (const row of plan.rows as Record<string, unknown>[]) {
      process.stdout.write(
        `${String(row['QUERY PLAN'] ?? `${'  '.repeat(Number(row.parent) ? 1 : 0)}${row.detail}`)}\n`,
      );
    }
  }
} finally {
  await store.close();
}
